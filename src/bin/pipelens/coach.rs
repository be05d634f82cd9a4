//! `pipelens coach FILE... [--rep NAME]`: what to coach with whom and what it is worth — each rep's
//! insights and strengths against like peers, and the team's opportunities ranked by impact — asked of the
//! session as the app asks it (`Coach`).

use std::process::ExitCode;

use lexopt::prelude::*;
use pipelens::engine::coaching::{CoachReport, CoachSettings};
use pipelens::engine::metrics::period::PeriodSpec;
use pipelens::engine::numfmt::money;
use pipelens::engine::protocol::{Coach, Coached};

use crate::report::ReportArgs;
use crate::{Opt, UsageError};

pub const COACH_OPTIONS: &str =
    "    --period P                the period of the pipeline, quota and concentration (default
                              this-quarter); rates are over the 12 months to the as-of day
    --rep NAME                only this rep (name or e-mail); the team's ranking keeps every rep
    and every report option (period, as-of, currency, rates, quotas, scope …); --format table|json";

pub fn run(parser: &mut lexopt::Parser) -> Result<ExitCode, UsageError> {
    let mut args = ReportArgs::default();
    args.settings.period = PeriodSpec::ThisQuarter;
    let mut only: Option<String> = None;
    while let Some(arg) = parser.next()? {
        let arg = Opt::from(arg);
        match arg.long() {
            Some("rep") => only = Some(parser.value()?.string()?),
            _ => {
                if !args.take(&arg, parser)? {
                    return Err(UsageError(format!(
                        "unknown option '{arg}' for coach; see 'pipelens --help' for the options"
                    )));
                }
            }
        }
    }
    let wanted = only;
    crate::forecast::ask_and_print(
        args,
        "coach",
        |metrics| Coach {
            settings: Box::new(CoachSettings {
                metrics,
                ..CoachSettings::default()
            }),
        },
        move |Coached { report }| {
            let mut report = *report;
            if let Some(name) = &wanted {
                let key = name.trim().to_lowercase();
                report.reps.retain(|r| {
                    r.rep.to_lowercase() == key || r.rep_id.as_deref() == Some(key.as_str())
                });
            }
            report
        },
        table,
    )
}

fn table(r: &CoachReport) -> String {
    let mut out = format!(
        "Coaching — {} ({} to {}), rates over {} · {}\n\nThe team's biggest opportunities\n",
        r.period.label, r.period.start, r.period.end, r.window.label, r.currency
    );
    for (i, x) in r.team.ranked.iter().take(10).enumerate() {
        out.push_str(&format!(
            "  {:>2}. {:<24} {:<24} {:>12}  {}\n",
            i + 1,
            x.rep,
            x.kind.label(),
            money(Some(x.impact)),
            x.stage.clone().unwrap_or_default()
        ));
    }
    for rep in &r.reps {
        out.push_str(&format!(
            "\n{} · peers: {} ({}) · {} decided deals{}\n",
            rep.rep,
            rep.peers.basis,
            rep.peers.size,
            rep.decided_deals,
            if rep.limited_history {
                " · limited history: not judged on rates"
            } else {
                ""
            }
        ));
        if rep.insights.is_empty() && rep.strengths.is_empty() {
            out.push_str("  nothing to say\n");
        }
        for i in &rep.insights {
            out.push_str(&format!(
                "  - [{}] {}\n      impact {} = {}\n      deals: {}\n",
                i.kind.label(),
                i.text,
                money(i.impact),
                i.impact_math,
                if i.deals.is_empty() {
                    "—".to_owned()
                } else {
                    i.deals.join(", ")
                }
            ));
        }
        for s in &rep.strengths {
            out.push_str(&format!("  + [{}] {}\n", s.kind.label(), s.text));
        }
    }
    out.push('\n');
    for note in &r.notes {
        out.push_str(&format!("· {note}\n"));
    }
    out
}
