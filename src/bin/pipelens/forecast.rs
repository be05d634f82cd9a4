//! `pipelens forecast FILE...` and `pipelens backtest FILE...`: where each rep and the team will land in a
//! period (a range, the chance of quota, the deals), and how accurate that forecast and its baselines have
//! been on the data's own history — the same answers the app gets through the message door.

use std::process::ExitCode;

use lexopt::prelude::*;
use pipelens::engine::forecast::report::{BacktestReport, ForecastReport, ForecastRow};
use pipelens::engine::forecast::{BacktestSettings, ForecastPeriod, ForecastSettings, Grain};
use pipelens::engine::metrics::MetricSettings;
use pipelens::engine::protocol::{Ask, Backtest, Backtested, Forecast, Forecasted};

use crate::report::{Format, Loaded, ReportArgs};
use crate::{Opt, UsageError};

pub const FORECAST_OPTIONS: &str =
    "    --period P                this-month, next-month, this-quarter (default), next-quarter,
                              a month like 2023-08 or a quarter like 2023-Q3
    --quota AMOUNT            the team's quota for the period (home currency), when no quota file says
    --seed N                  the Monte Carlo's seed (default 42): same input and seed, same answer
    --draws N                 Monte Carlo draws (default 10000)
    and every report option (as-of, currency, rates, quotas, scope …); --format table|json";

pub const BACKTEST_OPTIONS: &str =
    "    --period month|quarter    the periods to forecast at each weekly origin (default month)
    --seed N, --draws N       the Monte Carlo per origin (default 42, 2000)
    and every report option; --format table|json";

fn number<T: std::str::FromStr>(name: &str, text: &str) -> Result<T, UsageError> {
    text.parse()
        .map_err(|_| UsageError(format!("--{name} takes a number, not '{text}'")))
}

pub fn run_forecast(parser: &mut lexopt::Parser) -> Result<ExitCode, UsageError> {
    let mut args = ReportArgs::default();
    let mut settings = ForecastSettings::default();
    while let Some(arg) = parser.next()? {
        let arg = Opt::from(arg);
        match arg.long() {
            Some("period") => {
                settings.period =
                    ForecastPeriod::parse(&parser.value()?.string()?).map_err(UsageError)?;
            }
            Some("quota") => {
                let text = parser.value()?.string()?;
                let quota: f64 = number("quota", &text.replace(',', ""))?;
                if !quota.is_finite() || quota < 0.0 {
                    return Err(UsageError(format!(
                        "--quota takes an amount of 0 or more, not '{text}'"
                    )));
                }
                settings.team_quota = Some(quota);
            }
            Some("seed") => settings.seed = number("seed", &parser.value()?.string()?)?,
            Some("draws") => settings.draws = number("draws", &parser.value()?.string()?)?,
            _ => {
                if !args.take(&arg, parser)? {
                    return Err(UsageError(format!(
                        "unknown option '{arg}' for forecast; see 'pipelens --help' for the options"
                    )));
                }
            }
        }
    }
    ask_and_print(
        args,
        "forecast",
        |metrics| Forecast {
            settings: Box::new(ForecastSettings {
                metrics,
                ..settings
            }),
        },
        |Forecasted { report }| *report,
        forecast_table,
    )
}

pub fn run_backtest(parser: &mut lexopt::Parser) -> Result<ExitCode, UsageError> {
    let mut args = ReportArgs::default();
    let mut settings = BacktestSettings::default();
    while let Some(arg) = parser.next()? {
        let arg = Opt::from(arg);
        match arg.long() {
            Some("period") => {
                settings.grain = match parser.value()?.string()?.as_str() {
                    "month" => Grain::Month,
                    "quarter" => Grain::Quarter,
                    other => {
                        return Err(UsageError(format!(
                            "backtest --period takes month or quarter, not '{other}'"
                        )));
                    }
                }
            }
            Some("seed") => settings.seed = number("seed", &parser.value()?.string()?)?,
            Some("draws") => settings.draws = number("draws", &parser.value()?.string()?)?,
            _ => {
                if !args.take(&arg, parser)? {
                    return Err(UsageError(format!(
                        "unknown option '{arg}' for backtest; see 'pipelens --help' for the options"
                    )));
                }
            }
        }
    }
    ask_and_print(
        args,
        "backtest",
        |metrics| Backtest {
            settings: Box::new(BacktestSettings {
                metrics,
                ..settings
            }),
        },
        |Backtested { report }| *report,
        backtest_table,
    )
}

/// Reads the files, asks the session `request` with the report options' settings, and prints the report
/// `pick` takes out of the answer as JSON (the contract) or as `table` lays it out.
pub(crate) fn ask_and_print<A: Ask, T: serde::Serialize>(
    args: ReportArgs,
    command: &str,
    request: impl FnOnce(MetricSettings) -> A,
    pick: impl FnOnce(A::Answer) -> T,
    table: impl Fn(&T) -> String,
) -> Result<ExitCode, UsageError> {
    if args.load.files.is_empty() {
        return Err(UsageError(format!("{command} needs at least one file")));
    }
    let Loaded {
        mut session,
        errors,
        settings,
        format,
        ..
    } = args.load()?;
    let answer = match session.ask(request(settings)) {
        Ok(answer) => pick(answer),
        Err(error) => {
            crate::load::report_failures(&errors);
            eprintln!("pipelens: {error}");
            return Ok(ExitCode::from(1));
        }
    };
    match format {
        Format::Json => match serde_json::to_string_pretty(&answer) {
            Ok(json) => println!("{json}"),
            Err(error) => eprintln!("pipelens: cannot write JSON: {error}"),
        },
        _ => print!("{}", table(&answer)),
    }
    Ok(crate::load::exit_after(&errors))
}

fn money(v: Option<f64>) -> String {
    v.map_or_else(|| "—".to_owned(), |v| format!("{v:.0}"))
}

fn share(v: Option<f64>) -> String {
    v.map_or_else(|| "—".to_owned(), |v| format!("{:.0}%", v * 100.0))
}

fn ratio(v: Option<f64>) -> String {
    v.map_or_else(|| "—".to_owned(), |v| format!("{v:.2}"))
}

fn row_line(r: &ForecastRow) -> String {
    format!(
        "  {:<24} {:>12} {:>12} {:>12} {:>12} {:>8} {:>12} {:>6}\n",
        r.rep,
        money(Some(r.closed)),
        money(r.p10),
        money(r.p50),
        money(r.p90),
        share(r.chance_of_quota),
        money(r.commit),
        r.open_deals
    )
}

fn forecast_table(r: &ForecastReport) -> String {
    let mut out = format!(
        "Forecast — {} ({} to {}) · as of {} ({}) · {}\n",
        r.period.label, r.period.start, r.period.end, r.as_of, r.as_of_from, r.currency
    );
    let t = &r.team;
    out.push_str(&format!(
        "\n  Most likely {}   range {} – {} (P10–P90)   chance of quota {}   quota {}\n",
        money(t.p50),
        money(t.p10),
        money(t.p90),
        share(t.chance_of_quota),
        money(t.quota)
    ));
    out.push_str(&format!(
        "  Closed {}   Commit roll-up {}   Commit + Best Case {}   CRM-weighted {}\n",
        money(Some(t.closed)),
        money(t.commit),
        money(t.best_case),
        money(t.crm_weighted)
    ));
    match &t.backtest {
        Some(b) => out.push_str(&format!(
            "  Backtested: off by {} (WAPE) over {} origins in {} {}{}\n",
            share(Some(b.wape)),
            b.origins,
            b.periods,
            if b.periods == 1 { "period" } else { "periods" },
            b.week
                .map(|w| format!(", at week {w} of the period"))
                .unwrap_or_default()
        )),
        None => out.push_str("  Backtested: too little history to say how accurate this is\n"),
    }
    if r.leaky {
        out.push_str("  LEAKY: this forecast knows more than one made on the as-of day could\n");
    }
    if r.limited_history {
        out.push_str("  LIMITED HISTORY: chances by stage and close date only\n");
    }
    out.push_str(&format!(
        "\n  {:<24} {:>12} {:>12} {:>12} {:>12} {:>8} {:>12} {:>6}\n",
        "Rep", "Closed", "P10", "P50", "P90", "Quota%", "Commit", "Open"
    ));
    out.push_str(&row_line(t));
    for rep in &r.reps {
        out.push_str(&row_line(rep));
    }
    out.push_str(&format!(
        "\nOpen deals closing in the period ({}):\n",
        r.deals.len()
    ));
    for d in r.deals.iter().take(25) {
        out.push_str(&format!(
            "  {:<18} {:<28} {:<18} {:>12} {:>10} {:>5} {:>5} {}\n",
            d.rep,
            d.name.chars().take(28).collect::<String>(),
            d.stage.chars().take(18).collect::<String>(),
            money(d.amount),
            d.close_date.map(|c| c.to_string()).unwrap_or_default(),
            share(d.crm_probability),
            share(Some(d.model_probability)),
            d.flags.join(",")
        ));
    }
    if r.deals.len() > 25 {
        out.push_str(&format!(
            "  … and {} more (--format json lists them all)\n",
            r.deals.len() - 25
        ));
    }
    out.push('\n');
    for reason in &r.leak_reasons {
        out.push_str(&format!("Leak: {reason}\n"));
    }
    for note in &r.notes {
        out.push_str(&format!("Note: {note}\n"));
    }
    out
}

fn backtest_table(r: &BacktestReport) -> String {
    let mut out = format!(
        "Backtest — every {} as of each weekly origin · {} origins in {} independent {}s · data up to {} · {}\n",
        r.period.word(),
        r.origins,
        r.periods,
        r.period.word(),
        r.as_of,
        r.currency
    );
    if r.leaky {
        out.push_str(
            "LEAKY: some origins knew more than they could have on their day (see the notes)\n",
        );
    }
    out.push_str(&format!(
        "\n  {:<18} {:>7} {:>7} {:>7} {:>7} {:>9} {:>8} {:>10}\n",
        "Method", "Origins", "WAPE", "Bias", "MASE", "P10–P90", "Pinball", "WAPE wk≥3"
    ));
    for m in &r.methods {
        out.push_str(&format!(
            "  {:<18} {:>7} {:>7} {:>7} {:>7} {:>9} {:>8} {:>10}\n",
            if m.baseline {
                m.name.clone()
            } else {
                format!("{} ★", m.name)
            },
            m.origins,
            ratio(m.wape),
            ratio(m.bias),
            ratio(m.mase),
            share(m.interval_coverage),
            ratio(m.pinball),
            ratio(m.wape_from_week_3)
        ));
    }
    out.push_str("\n  WAPE by week of the period:\n");
    for m in &r.methods {
        let weeks: Vec<String> = m
            .by_week
            .iter()
            .map(|w| format!("wk{} {} ({})", w.week, ratio(w.wape), w.origins))
            .collect();
        out.push_str(&format!("  {:<18} {}\n", m.name, weeks.join("   ")));
    }
    let b = &r.deal_brier;
    out.push_str(&format!(
        "\n  Deal-level Brier ({} deals with all three chances): model {}, CRM probability {}, stage rate {}; model on all {} deals {}\n\n",
        b.deals,
        ratio(b.model),
        ratio(b.crm_probability),
        ratio(b.stage_rate),
        b.all_deals,
        ratio(b.model_all_deals)
    ));
    for note in &r.notes {
        out.push_str(&format!("Note: {note}\n"));
    }
    out
}
