//! `pipelens`: the command-line face of the engine, for scripts, checks and the curious. It reads files,
//! runs the same engine the browser runs (through the same message door), and prints what it finds.

mod changes;
mod coach;
mod demo;
mod explain;
mod forecast;
mod import;
mod load;
mod report;

use std::process::ExitCode;

const HELP: &str = "\
pipelens — sales-coaching analytics from CRM exports, computed on your machine

USAGE:
    pipelens import FILE... [OPTIONS]     read exports and report what was found in them
    pipelens report FILE... [OPTIONS]     per-rep metrics of a period: performance, process,
                                          pipeline health, activity and team context
    pipelens explain METRIC FILE... [--rep NAME] [OPTIONS]
                                          one metric's formula, inputs and the records behind it
    pipelens forecast FILE... [--period P] [--quota AMOUNT] [OPTIONS]
                                          where each rep and the team will land: a range, the
                                          chance of quota, the open deals of the period
    pipelens backtest FILE... [--period month|quarter] [OPTIONS]
                                          how accurate the forecast and its baselines have been
    pipelens changes --before FILE... --after FILE... [--period P] [OPTIONS]
                                          what changed between two exports of the same deals:
                                          the pipeline waterfall per rep and team, the deals
    pipelens coach FILE... [--rep NAME] [OPTIONS]
                                          what to coach with whom and what it is worth: each
                                          rep's insights against like peers, ranked by impact
    pipelens demo DIR --as-of DATE [OPTIONS]   write the demo team's exports and truth into DIR
    pipelens --help | --version

OPTIONS FOR READING FILES (import and report):
    --format table|json       output format (default: table; report also takes csv)
{LOAD_OPTIONS}

REPORT OPTIONS (report and explain):
{REPORT_OPTIONS}

EXPLAIN OPTIONS:
{EXPLAIN_OPTIONS}

FORECAST OPTIONS:
{FORECAST_OPTIONS}

BACKTEST OPTIONS:
{BACKTEST_OPTIONS}

CHANGES OPTIONS:
{CHANGES_OPTIONS}

COACH OPTIONS:
{COACH_OPTIONS}

DEMO OPTIONS:
{DEMO_OPTIONS}

Exit status: 0 when every file was read (rows may still be rejected, as the report says);
1 when a file could not be read at all; 2 for a mistake in the command line.

The browser app is the same engine compiled to WebAssembly; see README.md.
";

fn help() -> String {
    HELP.replace("{LOAD_OPTIONS}", load::LOAD_OPTIONS)
        .replace("{REPORT_OPTIONS}", report::REPORT_OPTIONS)
        .replace("{EXPLAIN_OPTIONS}", explain::EXPLAIN_OPTIONS)
        .replace("{FORECAST_OPTIONS}", forecast::FORECAST_OPTIONS)
        .replace("{BACKTEST_OPTIONS}", forecast::BACKTEST_OPTIONS)
        .replace("{CHANGES_OPTIONS}", changes::CHANGES_OPTIONS)
        .replace("{COACH_OPTIONS}", coach::COACH_OPTIONS)
        .replace("{DEMO_OPTIONS}", demo::DEMO_OPTIONS)
}

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
            print!("{}", help());
            Ok(ExitCode::SUCCESS)
        }
        Ok(Some(lexopt::Arg::Long("help") | lexopt::Arg::Short('h'))) => {
            print!("{}", help());
            Ok(ExitCode::SUCCESS)
        }
        Ok(Some(lexopt::Arg::Long("version") | lexopt::Arg::Short('V'))) => {
            println!("pipelens {}", env!("CARGO_PKG_VERSION"));
            Ok(ExitCode::SUCCESS)
        }
        Ok(Some(lexopt::Arg::Value(command))) => match command.to_string_lossy().as_ref() {
            "import" => import::run(&mut parser),
            "report" => report::run(&mut parser),
            "explain" => explain::run(&mut parser),
            "forecast" => forecast::run_forecast(&mut parser),
            "backtest" => forecast::run_backtest(&mut parser),
            "changes" => changes::run(&mut parser),
            "coach" => coach::run(&mut parser),
            "demo" => demo::run(&mut parser),
            "help" => {
                print!("{}", help());
                Ok(ExitCode::SUCCESS)
            }
            other => Err(UsageError(format!(
                "unknown command '{other}'; the commands are import, report, explain, forecast, backtest, changes, demo and help"
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
    Opt::from(arg.clone()).to_string()
}

/// A command-line argument that does not borrow the parser, so options can take their values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opt {
    Long(String),
    Short(char),
    Value(std::ffi::OsString),
}

impl From<lexopt::Arg<'_>> for Opt {
    fn from(arg: lexopt::Arg<'_>) -> Self {
        match arg {
            lexopt::Arg::Long(name) => Opt::Long(name.to_owned()),
            lexopt::Arg::Short(c) => Opt::Short(c),
            lexopt::Arg::Value(value) => Opt::Value(value),
        }
    }
}

impl Opt {
    /// The name of a `--long` option.
    pub fn long(&self) -> Option<&str> {
        match self {
            Opt::Long(name) => Some(name),
            _ => None,
        }
    }
}

impl std::fmt::Display for Opt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Opt::Short(c) => write!(f, "-{c}"),
            Opt::Long(name) => write!(f, "--{name}"),
            Opt::Value(value) => write!(f, "{}", value.to_string_lossy()),
        }
    }
}
