//! Team context: each metric across the reps — team median, top quartile, every rep's rank and percentile
//! among their peers, the change against the previous period and the same period a year before (each up to
//! the same day), and for rates a value shrunk toward the peers' rate when the sample is small
//! (beta-binomial, with an 80% interval). n is always reported.
//!
//! Peers are the reps of the same role when the roster gives roles and at least three active reps share it;
//! otherwise the whole team, and the row says so.

use std::collections::BTreeMap;

use crate::engine::metrics::definitions::{Direction, definition};
use crate::engine::metrics::report::{MetricContext, MetricsReport, RepStanding};
use crate::engine::metrics::stats::{Prior, change, fit_prior, shrink, spread, standings};
use crate::engine::model::{RepIx, SalesModel};

/// Peers needed before a role is its own comparison group.
const MIN_PEERS: usize = 3;
/// The sample (deals, calls …) a rate needs before a rep's value on it is judged; below it the standing says
/// [`RepStanding::too_few_to_judge`].
pub const MIN_SAMPLE_TO_JUDGE: u64 = 10;

/// A rate on `n` trials is too few to judge (a value with no sample, such as an amount, never is).
pub fn too_few_to_judge(n: Option<u64>) -> bool {
    n.is_some_and(|n| n < MIN_SAMPLE_TO_JUDGE)
}

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

/// The metrics put in context: (id, value, successes and trials for rates). Which way each is better is its
/// [`Definition`](crate::engine::metrics::definitions::Definition)'s direction.
pub const METRICS: &[(&str, Value, Option<Trials>)] = &[
    (
        "deals_won",
        |r, x| rep_row(r, x).map(|m| m.deals_won as f64),
        None,
    ),
    (
        "bookings",
        |r, x| rep_row(r, x).and_then(|m| m.bookings),
        None,
    ),
    (
        "win_rate",
        |r, x| rep_row(r, x).and_then(|m| m.win_rate),
        Some(|r, x| rep_row(r, x).map(|m| (m.deals_won, m.deals_won + m.deals_lost))),
    ),
    (
        "avg_deal_size",
        |r, x| rep_row(r, x).and_then(|m| m.avg_deal_size),
        None,
    ),
    (
        "sales_cycle_median_days",
        |r, x| rep_row(r, x).and_then(|m| m.sales_cycle_median_days),
        None,
    ),
    (
        "opps_created",
        |r, x| rep_row(r, x).map(|m| m.opps_created as f64),
        None,
    ),
    (
        "attainment",
        |r, x| rep_row(r, x).and_then(|m| m.attainment),
        None,
    ),
    ("pacing", |r, x| rep_row(r, x).and_then(|m| m.pacing), None),
    (
        "coverage",
        |r, x| pipe_row(r, x).and_then(|m| m.coverage.coverage),
        None,
    ),
    (
        "past_due_deals",
        |r, x| pipe_row(r, x).map(|m| m.past_due_deals as f64),
        None,
    ),
    (
        "slip_rate",
        |r, x| pipe_row(r, x).and_then(|m| m.slip_rate),
        Some(|r, x| pipe_row(r, x).map(|m| (m.slipped_deals, m.slip_base_deals))),
    ),
    (
        "stale_deals",
        |r, x| pipe_row(r, x).map(|m| m.stale_deals as f64),
        None,
    ),
    (
        "activities_per_day",
        |r, x| act_row(r, x).and_then(|m| m.per_working_day),
        None,
    ),
    (
        "calls_per_day",
        |r, x| act_row(r, x).and_then(|m| m.calls_per_day),
        None,
    ),
    (
        "connect_rate",
        |r, x| act_row(r, x).and_then(|m| m.connect_rate),
        Some(|r, x| act_row(r, x).and_then(|m| m.connected_calls.map(|c| (c, m.calls)))),
    ),
];

/// Which way `metric` is better, from its definition (higher when it has none).
fn direction(metric: &str) -> Direction {
    definition(metric).map_or(Direction::HigherIsBetter, |d| d.direction)
}

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
        .filter(|(_, value, _)| {
            active
                .iter()
                .any(|(ix, _)| value(report, Some(*ix)).is_some())
        })
        .map(|(id, value, trials)| {
            let direction = direction(id);
            let higher = &(direction != Direction::LowerIsBetter);
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
                        previous: change(
                            current,
                            previous.and_then(|r| value(r, Some(*ix))),
                            direction,
                        ),
                        year_ago: change(
                            current,
                            year_ago.and_then(|r| value(r, Some(*ix))),
                            direction,
                        ),
                        shrunk,
                        n: sample.map(|(_, n)| n),
                        too_few_to_judge: too_few_to_judge(sample.map(|(_, n)| n)),
                        peers,
                    }
                })
                .collect();
            let team = value(report, None);
            MetricContext {
                metric: (*id).to_owned(),
                direction,
                spread: spread(&values, *higher),
                team,
                team_previous: change(team, previous.and_then(|r| value(r, None)), direction),
                team_year_ago: change(team, year_ago.and_then(|r| value(r, None)), direction),
                reps,
                priors: priors.into_iter().collect(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_metric_in_context_has_a_definition_that_says_which_way_is_better() {
        for (id, _, _) in METRICS {
            let d = definition(id).unwrap_or_else(|| panic!("{id} has no definition"));
            assert_ne!(
                d.direction,
                Direction::Neither,
                "{id} is ranked, so a way must be better"
            );
        }
        assert_eq!(
            direction("sales_cycle_median_days"),
            Direction::LowerIsBetter
        );
        assert_eq!(direction("stale_deals"), Direction::LowerIsBetter);
        assert_eq!(direction("bookings"), Direction::HigherIsBetter);
    }

    #[test]
    fn a_rate_on_fewer_than_ten_trials_is_too_few_to_judge() {
        assert_eq!(MIN_SAMPLE_TO_JUDGE, 10);
        assert!(too_few_to_judge(Some(0)));
        assert!(too_few_to_judge(Some(9)));
        assert!(!too_few_to_judge(Some(10)));
        assert!(!too_few_to_judge(Some(11)));
        // No sample (bookings, a count): nothing to be too few.
        assert!(!too_few_to_judge(None));
    }
}
