//! `pipelens changes --before FILE... --after FILE...`: what changed between two exports of the same deals
//! for a period — the pipeline waterfall per rep and team (start, each movement, end) and the deals that
//! moved — asked of the session as the app will ask it (`Changes`, a model built from each group of files).

use std::path::PathBuf;
use std::process::ExitCode;

use pipelens::engine::changes::ForecastShift;
use pipelens::engine::changes::{ChangesReport, Movement, Tally, Waterfall};
use pipelens::engine::forecast::{ForecastPeriod, ForecastSettings};
use pipelens::engine::ingest::FileId;
use pipelens::engine::metrics::period::PeriodSpec;
use pipelens::engine::numfmt::money;
use pipelens::engine::protocol::{Changes, ChangesForecast, Compared, Shifted};

use crate::report::{Format, Loaded, ReportArgs};
use crate::{Opt, UsageError};

pub const CHANGES_OPTIONS: &str =
    "    --before FILE...          the older export (with its users or history files, if any)
    --after FILE...           the newer export of the same deals
    --period P                the period whose pipeline is compared (default this-quarter, the one
                              holding the AFTER day); 'all' compares every open deal
    --forecast                also the period's forecast on each export's day and what moved it,
                              deal by deal (needs each export's day: --taken-on)
    and every report option (rates, home currency, calendar …); --taken-on FILE=DATE says the
    day of an export (FILE: its name or its path as given); --format table|json";

/// Which group the next file belongs to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Group {
    Before,
    After,
}

pub fn run(parser: &mut lexopt::Parser) -> Result<ExitCode, UsageError> {
    let mut args = ReportArgs::default();
    args.settings.period = PeriodSpec::ThisQuarter;
    let mut group = None;
    let mut with_forecast = false;
    let (mut before, mut after): (Vec<PathBuf>, Vec<PathBuf>) = (Vec::new(), Vec::new());
    while let Some(arg) = parser.next()? {
        let arg = Opt::from(arg);
        match (&arg, arg.long()) {
            (_, Some("before")) => group = Some(Group::Before),
            (_, Some("after")) => group = Some(Group::After),
            (_, Some("forecast")) => with_forecast = true,
            (Opt::Value(path), _) => match group {
                Some(Group::Before) => before.push(PathBuf::from(path)),
                Some(Group::After) => after.push(PathBuf::from(path)),
                None => {
                    return Err(UsageError(format!(
                        "say which export '{arg}' is: changes --before FILE... --after FILE..."
                    )));
                }
            },
            _ => {
                if !args.take(&arg, parser)? {
                    return Err(UsageError(format!(
                        "unknown option '{arg}' for changes; see 'pipelens --help' for the options"
                    )));
                }
            }
        }
    }
    if before.is_empty() || after.is_empty() {
        return Err(UsageError(
            "changes needs two exports: --before FILE... --after FILE...".to_owned(),
        ));
    }
    if args.format == Some(Format::Csv) {
        return Err(UsageError(
            "changes writes table or json, not csv".to_owned(),
        ));
    }
    // Files given by other options (a quota file) are read too, in neither group.
    let others = std::mem::take(&mut args.load.files);
    args.load.files = before
        .iter()
        .chain(&after)
        .chain(&others)
        .cloned()
        .collect();
    let Loaded {
        mut session,
        errors,
        settings,
        format,
        file_ids,
        ..
    } = args.load()?;
    let ids = |from: usize, count: usize| -> Vec<FileId> {
        file_ids
            .iter()
            .skip(from)
            .take(count)
            .flatten()
            .copied()
            .collect()
    };
    let request = Changes {
        settings: Box::new(settings.clone()),
        before_files: ids(0, before.len()),
        after_files: ids(before.len(), after.len()),
        swap: false,
    };
    let report = match session.ask(request) {
        Ok(Compared { report }) => *report,
        Err(error) => {
            crate::load::report_failures(&errors);
            eprintln!("pipelens: {error}");
            return Ok(ExitCode::from(1));
        }
    };
    let shift = if with_forecast {
        let ask = ChangesForecast {
            settings: Box::new(ForecastSettings {
                period: ForecastPeriod::for_spec(&settings.period),
                metrics: settings,
                ..ForecastSettings::default()
            }),
            before_files: ids(0, before.len()),
            after_files: ids(before.len(), after.len()),
            swap: false,
        };
        match session.ask(ask) {
            Ok(Shifted { shift }) => Some(*shift),
            Err(error) => {
                crate::load::report_failures(&errors);
                eprintln!("pipelens: the forecast then and now: {error}");
                return Ok(ExitCode::from(1));
            }
        }
    } else {
        None
    };
    let json = serde_json::to_value(&report).and_then(|mut value| {
        if let (Some(shift), Some(object)) = (&shift, value.as_object_mut()) {
            object.insert("forecast".to_owned(), serde_json::to_value(shift)?);
        }
        serde_json::to_string_pretty(&value)
    });
    let text = match format {
        Format::Json => match json {
            Ok(json) => json + "\n",
            Err(error) => {
                eprintln!("pipelens: cannot write JSON: {error}");
                return Ok(ExitCode::from(1));
            }
        },
        _ => table(&report) + &shift.as_ref().map(shift_table).unwrap_or_default(),
    };
    // A closed pipe (`| head`) ends the output quietly.
    let _ = std::io::Write::write_all(&mut std::io::stdout(), text.as_bytes());
    Ok(crate::load::exit_after(&errors))
}

fn amount(cents: i64) -> String {
    money(Some(cents as f64 / 100.0))
}

fn signed(cents: i64) -> String {
    if cents > 0 {
        format!("+{}", amount(cents))
    } else {
        amount(cents)
    }
}

fn tally_line(label: &str, t: &Tally, sign: bool) -> String {
    let value = if sign {
        signed(t.amount_home_cents)
    } else {
        amount(t.amount_home_cents)
    };
    format!("  {label:<22} {:>6} {value:>16}\n", t.deals)
}

fn waterfall(w: &Waterfall) -> String {
    let mut out = tally_line("Start", &w.start, false);
    for m in Movement::ALL {
        out.push_str(&tally_line(m.label(), w.movements.get(m), true));
    }
    out.push_str(&tally_line("End", &w.end, false));
    out
}

fn table(r: &ChangesReport) -> String {
    let period = match (r.period.start, r.period.end) {
        (Some(start), Some(end)) => format!("{start} to {end}"),
        _ => "every close date".to_owned(),
    };
    let mut out = format!(
        "What changed — the pipeline closing {period} · BEFORE {} · AFTER {} · {}\n\n",
        r.before, r.after, r.currency
    );
    out.push_str(&format!(
        "  {:<22} {:>6} {:>16}\n",
        "Team", "Deals", "Amount"
    ));
    out.push_str(&waterfall(&r.team));
    out.push_str(&format!(
        "\n  {:<22} {:>12}{} {:>12}\n",
        "Rep",
        "Start",
        Movement::ALL
            .iter()
            .map(|m| format!(" {:>12}", m.id()))
            .collect::<String>(),
        "End"
    ));
    for rep in &r.reps {
        let w = &rep.waterfall;
        out.push_str(&format!(
            "  {:<22} {:>12}{} {:>12}\n",
            rep.rep.chars().take(22).collect::<String>(),
            amount(w.start.amount_home_cents),
            Movement::ALL
                .iter()
                .map(|m| format!(" {:>12}", signed(w.movements.get(*m).amount_home_cents)))
                .collect::<String>(),
            amount(w.end.amount_home_cents)
        ));
    }
    out.push_str(&format!("\nDeals that changed ({}):\n", r.deals.len()));
    for d in &r.deals {
        let changes: Vec<String> = d
            .changes
            .iter()
            .map(|c| {
                serde_json::to_value(c)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default()
            })
            .collect();
        let side = |s: &Option<pipelens::engine::changes::DealState>| {
            s.as_ref().map_or_else(
                || "—".to_owned(),
                |s| {
                    format!(
                        "{} {} {}",
                        s.stage,
                        s.close_date.map(|c| c.to_string()).unwrap_or_default(),
                        s.amount_home
                            .map_or_else(|| "no rate".to_owned(), |a| money(Some(a)))
                    )
                },
            )
        };
        out.push_str(&format!(
            "  {:<14} {:<18} {:<24} {:>12}  {} → {}  {}\n",
            d.movement.map_or("", Movement::id),
            d.rep.chars().take(18).collect::<String>(),
            format!("{} {}", d.id, d.name)
                .chars()
                .take(24)
                .collect::<String>(),
            signed(d.amount_home_cents),
            side(&d.before),
            side(&d.after),
            changes.join(",")
        ));
    }
    out.push('\n');
    for note in &r.notes {
        out.push_str(&format!("Note: {note}\n"));
    }
    out
}

/// The forecast then and now: both headlines, the lines by cause, the largest deals.
fn shift_table(s: &ForecastShift) -> String {
    let m = |v: Option<f64>| money(v);
    let mut out = format!(
        "\nThe forecast of {} then ({}) and now ({}) · {}\n  {}\n\n",
        s.period, s.then.as_of, s.now.as_of, s.currency, s.sentence
    );
    out.push_str(&format!("  {:<48} {:>14} {:>14}\n", "", "Then", "Now"));
    for (label, a, b) in [
        ("Most likely (P50)", s.then.p50, s.now.p50),
        ("P10", s.then.p10, s.now.p10),
        ("P90", s.then.p90, s.now.p90),
        ("Expected (mean)", s.then.mean, s.now.mean),
        ("Closed", Some(s.then.closed), Some(s.now.closed)),
    ] {
        out.push_str(&format!("  {label:<48} {:>14} {:>14}\n", m(a), m(b)));
    }
    out.push_str(&format!(
        "\n  {:<48} {:>6} {:>14}\n",
        "What moved the expected value", "Deals", "Change"
    ));
    for line in &s.lines {
        out.push_str(&format!(
            "  {:<48} {:>6} {:>14}\n",
            line.label,
            line.deals,
            m(Some(line.delta))
        ));
    }
    out.push_str(&format!(
        "  {:<48} {:>6} {:>14}\n",
        "Deals not yet created",
        "",
        m(Some(s.new_deals_delta))
    ));
    out.push_str(&format!(
        "  {:<48} {:>6} {:>14}\n",
        "The rest (blend, closes outside the waterfall)",
        "",
        m(s.rest_delta)
    ));
    out.push_str(&format!(
        "\n  {:<40} {:<20} {:>12} {:>12} {:>12}  Why\n",
        "Deal", "Rep", "Then", "Now", "Change"
    ));
    for d in &s.deals {
        out.push_str(&format!(
            "  {:<40} {:<20} {:>12} {:>12} {:>12}  {}\n",
            d.name,
            d.rep,
            m(Some(d.expected_then)),
            m(Some(d.expected_now)),
            m(Some(d.delta)),
            d.why
        ));
    }
    for note in &s.notes {
        out.push_str(&format!("  · {note}\n"));
    }
    out
}
