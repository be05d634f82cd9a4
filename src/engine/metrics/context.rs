//! Team context: each metric across the reps — team median, top quartile, every rep's rank and percentile
//! among their peers, the change against the previous period and the same period a year before (each up to
//! the same day), and for rates a value shrunk toward the peers' rate when the sample is small
//! (beta-binomial, with an 80% interval). n is always reported.
//!
//! Peers are the reps of the same role when the roster gives roles and at least three active reps share it;
//! otherwise the whole team, and the row says so.

use std::collections::BTreeMap;

use crate::engine::metrics::report::{MetricContext, MetricsReport, RepStanding};
use crate::engine::metrics::stats::{Prior, change, fit_prior, shrink, spread, standings};
use crate::engine::model::{RepIx, SalesModel};

/// Peers needed before a role is its own comparison group.
const MIN_PEERS: usize = 3;

type Value = fn(&MetricsReport, Option<RepIx>) -> Option<f64>;
type Trials = fn(&MetricsReport, Option<RepIx>) -> Option<(u64, u64)>;

fn rep_row(r: &MetricsReport, rep: Option<RepIx>) -> Option<&crate::engine::metrics::RepMetrics> {
    if rep.is_none() {
        return Some(&r.team);
    }
    r.reps.iter().find(|m| m.rep_ix == rep)
}

fn pipe_row(
    r: &MetricsReport,
    rep: Option<RepIx>,
) -> Option<&crate::engine::metrics::pipeline::RepPipeline> {
    if rep.is_none() {
        return Some(&r.pipeline.team);
    }
    r.pipeline.reps.iter().find(|m| m.rep_ix == rep)
}

fn act_row(
    r: &MetricsReport,
    rep: Option<RepIx>,
) -> Option<&crate::engine::metrics::activity::RepActivity> {
    if rep.is_none() {
        return Some(&r.activity.team);
    }
    r.activity.reps.iter().find(|m| m.rep_ix == rep)
}

/// The metrics put in context: (id, higher is better, value, successes and trials for rates).
pub const METRICS: &[(&str, bool, Value, Option<Trials>)] = &[
    (
        "deals_won",
        true,
        |r, x| rep_row(r, x).map(|m| m.deals_won as f64),
        None,
    ),
    (
        "bookings",
        true,
        |r, x| rep_row(r, x).and_then(|m| m.bookings),
        None,
    ),
    (
        "win_rate",
        true,
        |r, x| rep_row(r, x).and_then(|m| m.win_rate),
        Some(|r, x| rep_row(r, x).map(|m| (m.deals_won, m.deals_won + m.deals_lost))),
    ),
    (
        "avg_deal_size",
        true,
        |r, x| rep_row(r, x).and_then(|m| m.avg_deal_size),
        None,
    ),
    (
        "sales_cycle_median_days",
        false,
        |r, x| rep_row(r, x).and_then(|m| m.sales_cycle_median_days),
        None,
    ),
    (
        "opps_created",
        true,
        |r, x| rep_row(r, x).map(|m| m.opps_created as f64),
        None,
    ),
    (
        "attainment",
        true,
        |r, x| rep_row(r, x).and_then(|m| m.attainment),
        None,
    ),
    (
        "pacing",
        true,
        |r, x| rep_row(r, x).and_then(|m| m.pacing),
        None,
    ),
    (
        "coverage",
        true,
        |r, x| pipe_row(r, x).and_then(|m| m.coverage.coverage),
        None,
    ),
    (
        "past_due_deals",
        false,
        |r, x| pipe_row(r, x).map(|m| m.past_due_deals as f64),
        None,
    ),
    (
        "slip_rate",
        false,
        |r, x| pipe_row(r, x).and_then(|m| m.slip_rate),
        Some(|r, x| pipe_row(r, x).map(|m| (m.slipped_deals, m.slip_base_deals))),
    ),
    (
        "stale_deals",
        false,
        |r, x| pipe_row(r, x).map(|m| m.stale_deals as f64),
        None,
    ),
    (
        "activities_per_day",
        true,
        |r, x| act_row(r, x).and_then(|m| m.per_working_day),
        None,
    ),
    (
        "calls_per_day",
        true,
        |r, x| act_row(r, x).and_then(|m| m.calls_per_day),
        None,
    ),
    (
        "connect_rate",
        true,
        |r, x| act_row(r, x).and_then(|m| m.connect_rate),
        Some(|r, x| act_row(r, x).and_then(|m| m.connected_calls.map(|c| (c, m.calls)))),
    ),
];

/// Every metric of [`METRICS`] in context.
pub fn context(
    model: &SalesModel,
    report: &MetricsReport,
    previous: Option<&MetricsReport>,
    year_ago: Option<&MetricsReport>,
) -> Vec<MetricContext> {
    // Active reps with a row, and their peer groups.
    let active: Vec<(RepIx, String)> = report
        .reps
        .iter()
        .filter(|m| m.active)
        .filter_map(|m| m.rep_ix.map(|ix| (ix, m.rep.clone())))
        .collect();
    let mut by_role: BTreeMap<String, Vec<RepIx>> = BTreeMap::new();
    for (ix, _) in &active {
        if let Some(role) = model
            .reps
            .get(*ix as usize)
            .and_then(|r| r.role.clone())
            .filter(|r| !r.is_empty())
        {
            by_role.entry(role).or_default().push(*ix);
        }
    }
    let group_of = |ix: RepIx| -> (String, Vec<RepIx>) {
        let role = model.reps.get(ix as usize).and_then(|r| r.role.clone());
        match role.and_then(|r| {
            by_role
                .get(&r)
                .filter(|g| g.len() >= MIN_PEERS)
                .map(|g| (r, g.clone()))
        }) {
            Some((role, group)) => (format!("{role} ({} reps)", group.len()), group),
            None => (
                if by_role.is_empty() {
                    format!(
                        "the whole team ({} reps; the roster gives no roles)",
                        active.len()
                    )
                } else {
                    format!(
                        "the whole team ({} reps; too few share this rep's role)",
                        active.len()
                    )
                },
                active.iter().map(|(ix, _)| *ix).collect(),
            ),
        }
    };
    METRICS
        .iter()
        .filter(|(_, _, value, _)| {
            active
                .iter()
                .any(|(ix, _)| value(report, Some(*ix)).is_some())
        })
        .map(|(id, higher, value, trials)| {
            let values: Vec<Option<f64>> = active
                .iter()
                .map(|(ix, _)| value(report, Some(*ix)))
                .collect();
            let mut priors: BTreeMap<String, Prior> = BTreeMap::new();
            let reps = active
                .iter()
                .map(|(ix, name)| {
                    let (peers, group) = group_of(*ix);
                    let group_values: Vec<Option<f64>> =
                        group.iter().map(|g| value(report, Some(*g))).collect();
                    let me = group.iter().position(|g| g == ix);
                    let standing = me
                        .and_then(|k| standings(&group_values, *higher).get(k).cloned().flatten());
                    let sample = trials.and_then(|t| t(report, Some(*ix)));
                    let shrunk = trials.and_then(|t| {
                        let samples: Vec<(u64, u64)> =
                            group.iter().filter_map(|g| t(report, Some(*g))).collect();
                        let prior = fit_prior(&samples)?;
                        let (wins, n) = sample?;
                        let result = shrink(wins, n, &prior);
                        priors.entry(peers.clone()).or_insert(prior);
                        Some(result)
                    });
                    let current = value(report, Some(*ix));
                    RepStanding {
                        rep: name.clone(),
                        value: current,
                        standing,
                        previous: change(current, previous.and_then(|r| value(r, Some(*ix)))),
                        year_ago: change(current, year_ago.and_then(|r| value(r, Some(*ix)))),
                        shrunk,
                        n: sample.map(|(_, n)| n),
                        peers,
                    }
                })
                .collect();
            let team = value(report, None);
            MetricContext {
                metric: (*id).to_owned(),
                higher_is_better: *higher,
                spread: spread(&values, *higher),
                team,
                team_previous: change(team, previous.and_then(|r| value(r, None))),
                team_year_ago: change(team, year_ago.and_then(|r| value(r, None))),
                reps,
                priors: priors.into_iter().collect(),
            }
        })
        .collect()
}
