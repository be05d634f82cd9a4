//! `pipelens`: the command-line face of the engine, for scripts, checks and the curious.
//! It reads files, runs the same engine the browser runs, and prints what it finds.

use std::process::ExitCode;

const HELP: &str = "\
pipelens — sales-coaching analytics from CRM exports, computed on your machine

USAGE:
    pipelens [--help | --version]

OPTIONS:
    -h, --help       print this help
    -V, --version    print the version

The browser app (drop your exports into a web page) is the same engine compiled to WebAssembly;
see README.md. More commands (import, report, explain) arrive with the engine's features.
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        None | Some("-h" | "--help" | "help") => {
            print!("{HELP}");
            ExitCode::SUCCESS
        }
        Some("-V" | "--version") => {
            println!("pipelens {}", env!("CARGO_PKG_VERSION"));
            ExitCode::SUCCESS
        }
        Some(other) => {
            eprintln!(
                "pipelens: unknown argument '{other}'; valid arguments are --help and --version"
            );
            ExitCode::from(2)
        }
    }
}
