//! `pipelens`: the command-line face of the engine, for scripts, checks and the curious. It reads files,
//! runs the same engine the browser runs (through the same message door), and prints what it finds.

mod import;

use std::process::ExitCode;

const HELP: &str = "\
pipelens — sales-coaching analytics from CRM exports, computed on your machine

USAGE:
    pipelens import FILE... [OPTIONS]     read exports and report what was found in them
    pipelens --help | --version

IMPORT OPTIONS:
    --format table|json       output format (default: table)
    --encoding LABEL          read text as this encoding (UTF-8, windows-1252, UTF-16LE, …)
    --delimiter D             comma, semicolon, tab, pipe or one character
    --sheet NAME              the workbook sheet to read
    --header-row N            the spreadsheet row of the header (0: the file has none)

Exit status: 0 when every file was read (rows may still be rejected, as the report says);
1 when a file could not be read at all; 2 for a mistake in the command line.

The browser app is the same engine compiled to WebAssembly; see README.md.
";

/// A command-line mistake: printed with a hint, exit status 2.
pub struct UsageError(pub String);

impl From<lexopt::Error> for UsageError {
    fn from(error: lexopt::Error) -> Self {
        UsageError(error.to_string())
    }
}

fn main() -> ExitCode {
    let mut parser = lexopt::Parser::from_env();
    let outcome = match parser.next() {
        Ok(None) => {
            print!("{HELP}");
            Ok(ExitCode::SUCCESS)
        }
        Ok(Some(lexopt::Arg::Long("help") | lexopt::Arg::Short('h'))) => {
            print!("{HELP}");
            Ok(ExitCode::SUCCESS)
        }
        Ok(Some(lexopt::Arg::Long("version") | lexopt::Arg::Short('V'))) => {
            println!("pipelens {}", env!("CARGO_PKG_VERSION"));
            Ok(ExitCode::SUCCESS)
        }
        Ok(Some(lexopt::Arg::Value(command))) => match command.to_string_lossy().as_ref() {
            "import" => import::run(&mut parser),
            "help" => {
                print!("{HELP}");
                Ok(ExitCode::SUCCESS)
            }
            other => Err(UsageError(format!(
                "unknown command '{other}'; the commands are import and help"
            ))),
        },
        Ok(Some(other)) => Err(UsageError(format!(
            "unknown argument '{}'; valid arguments are import, --help and --version",
            describe(&other)
        ))),
        Err(error) => Err(error.into()),
    };
    match outcome {
        Ok(code) => code,
        Err(UsageError(message)) => {
            eprintln!("pipelens: {message}\nRun 'pipelens --help' for usage.");
            ExitCode::from(2)
        }
    }
}

/// An argument as the user typed it.
pub fn describe(arg: &lexopt::Arg<'_>) -> String {
    match arg {
        lexopt::Arg::Short(c) => format!("-{c}"),
        lexopt::Arg::Long(name) => format!("--{name}"),
        lexopt::Arg::Value(value) => value.to_string_lossy().into_owned(),
    }
}
