//! The coaching run: the metrics of the history window (the [`WINDOW_DAYS`] to the as-of day, for rates)
//! and of the period (for the period's pipeline and quota), each rep's peers, every rule, and the team's
//! ranking by impact. Chained insights (a stage leak and the win rate it lowers) are never added up: the
//! ranking lists each on its own and the notes say so.

use chrono::Days;
use serde::{Deserialize, Serialize};

use crate::engine::EngineError;
use crate::engine::metrics::compute::compute;
use crate::engine::metrics::period::PeriodSpec;
use crate::engine::metrics::prepared::Prepared;
use crate::engine::metrics::{MetricSettings, MetricsReport};
use crate::engine::model::SalesModel;

use super::insights::{
    self, Facts, MIN_DECIDED, RepFacts, concentration, shortfall, stages, stalled, win_rate,
};
use super::peers::{MIN_PEERS, groups};
use super::report::{CoachReport, Ranked, RepCoaching, Span, TeamCoaching};
use super::whatif::{self, PlanInputs};
use super::{accuracy, own, ramp, segments};
use crate::engine::metrics::period::{DateRange, business_days};

/// Won deals a rep's own average size and cycle need (else the team's are used, and said).
pub const MIN_WON_FOR_SIZE: u64 = 5;

/// The history rates are measured over by default, in days up to the as-of day.
pub const WINDOW_DAYS: u64 = 365;

/// A coaching request's settings: the period, as-of day, money and scope of the metrics, and the days of
/// history the rates are measured over.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CoachSettings {
    pub metrics: MetricSettings,
    #[serde(default = "default_window")]
    pub window_days: u64,
}

fn default_window() -> u64 {
    WINDOW_DAYS
}

impl Default for CoachSettings {
    fn default() -> Self {
        CoachSettings {
            metrics: MetricSettings::default(),
            window_days: WINDOW_DAYS,
        }
    }
}

fn span(label: String, report: &MetricsReport) -> Span {
    Span {
        label,
        start: report.period.start,
        end: report.period.end,
    }
}

/// Every rep's coaching for the settings' period (the settings must carry the model's calendar).
pub fn coach(model: &SalesModel, settings: &CoachSettings) -> Result<CoachReport, EngineError> {
    let period = compute(model, &settings.metrics)?;
    let as_of = period.period.as_of;
    let mut window_settings = settings.metrics.clone();
    window_settings.as_of = Some(as_of);
    window_settings.period = PeriodSpec::Custom {
        start: as_of
            .checked_sub_days(Days::new(settings.window_days.max(1) - 1))
            .unwrap_or(as_of),
        end: as_of,
    };
    let window = compute(model, &window_settings)?;
    let prepared = Prepared::new(model, &window_settings)?;
    let facts = Facts {
        prepared: &prepared,
        window: &window,
        period: &period,
    };
    let empty = Vec::new();
    let reps: Vec<RepFacts<'_>> = window
        .reps
        .iter()
        .map(|m| RepFacts {
            rep: &m.rep,
            rep_ix: m.rep_ix,
            window: m,
            funnels: window.process.by_rep.get(&m.rep_ix).unwrap_or(&empty),
            pipeline: facts
                .period
                .pipeline
                .reps
                .iter()
                .find(|p| p.rep_ix == m.rep_ix),
            period: facts.period.reps.iter().find(|p| p.rep_ix == m.rep_ix),
        })
        .collect();
    let starts = ramp::starts(&facts);
    let ramps: Vec<Option<super::report::Ramp>> = reps
        .iter()
        .map(|r| ramp::ramp(r, &starts, &facts))
        .collect();
    let ramping: Vec<bool> = ramps.iter().map(Option::is_some).collect();
    let peer_groups = groups(model, &window.reps, &ramping);
    let calls = accuracy::calls(&facts);
    let mut out = Vec::new();
    for ((rep, (peer_ix, peers)), ramp) in reps.iter().zip(&peer_groups).zip(ramps) {
        if rep.rep_ix.is_none() {
            continue;
        }
        let peer_facts: Vec<RepFacts<'_>> = peer_ix.iter().map(|&j| copy(&reps[j])).collect();
        let limited = rep.window.win_rate_n < MIN_DECIDED;
        let mut found = Vec::new();
        let mut strengths = Vec::new();
        // A ramping rep is compared with the team at the same tenure, never with tenured peers' rates.
        if !limited && ramp.is_none() {
            let (leaks, strong) = stages(rep, &peer_facts, &facts);
            found.extend(leaks);
            strengths.extend(strong);
            found.extend(
                win_rate(rep, &peer_facts)
                    .map(|w| insights::busy_not_converting(rep, &peer_facts, &facts, w)),
            );
            found.extend(insights::close_date_credibility(rep, &peer_facts, &facts));
        }
        found.extend(ramp.as_ref().and_then(|r| ramp::behind(rep, r)));
        found.extend(stalled(rep, &facts));
        found.extend(concentration(rep, &facts));
        found.extend(shortfall(rep, &peer_facts));
        found.extend(own::deal_size_drift(rep, &facts));
        found.extend(own::activity_drop(rep, &facts));
        found.extend(accuracy::forecast_accuracy(
            rep,
            &peer_facts,
            &calls,
            &facts,
        ));
        strengths.extend(segments::where_wins(rep, &facts));
        found.sort_by(|a, b| {
            b.impact
                .unwrap_or(0.0)
                .total_cmp(&a.impact.unwrap_or(0.0))
                .then_with(|| a.kind.cmp(&b.kind))
        });
        strengths.sort_by(|a, b| b.impact.unwrap_or(0.0).total_cmp(&a.impact.unwrap_or(0.0)));
        let plan_inputs = plan_inputs(rep, &window, &period);
        let plan = whatif::plan(&plan_inputs, whatif::Levers::default());
        out.push(RepCoaching {
            rep: rep.rep.to_owned(),
            rep_id: rep.window.rep_id.clone(),
            peers: peers.clone(),
            limited_history: limited,
            decided_deals: rep.window.win_rate_n,
            ramp,
            insights: found,
            strengths,
            plan_inputs,
            plan,
        });
    }
    out.sort_by(|a, b| a.rep.cmp(&b.rep));
    let mut ranked: Vec<Ranked> = out
        .iter()
        .flat_map(|r| {
            r.insights.iter().filter_map(|i| {
                i.impact.map(|impact| Ranked {
                    rep: r.rep.clone(),
                    kind: i.kind,
                    stage: i.stage.clone(),
                    impact,
                    text: i.text.clone(),
                })
            })
        })
        .collect();
    ranked.sort_by(|a, b| {
        b.impact
            .total_cmp(&a.impact)
            .then_with(|| a.rep.cmp(&b.rep))
    });
    let notes = vec![
        format!(
            "Rates (stage conversion, win rate) are measured over the {} days to {as_of}; the pipeline, quota and concentration over {}.",
            settings.window_days, settings.metrics.period
        ),
        format!(
            "Peers: the other reps of the same team and role when there are at least {MIN_PEERS}, else of the same team, else the rest of the team; peers are never named."
        ),
        format!(
            "A rate-based insight needs {MIN_DECIDED} decided deals and the rep's 80% interval (beta-binomial, shrunk toward the peers) wholly on one side of the peer median; reps with fewer decided deals are marked limited history and not judged on rates."
        ),
        format!(
            "A rep in their first {} days (from the roster's start date, or a first deal at least {} days after the data's first) is ramping: compared with what the reps whose start the data covers did in as many days, never with tenured peers' rates, and nobody's peer.",
            ramp::RAMP_DAYS,
            ramp::START_AFTER_DATA_DAYS
        ),
        format!(
            "Against the rep's own baseline: won deals of the last {} days against those before in the window (log amounts, one-sided 80%), completed activities a working day of the last {} days against the {} before. Discounts are not in the exports, so only the won amount is watched.",
            own::SIZE_RECENT_DAYS,
            own::ACTIVITY_RECENT_DAYS,
            own::ACTIVITY_BASE_DAYS
        ),
        format!(
            "Forecast accuracy: each month's Commit call {} days in (closed + open Commit closing that month, as the history knew it then) against what closed, over at least {} months with a call or a close, as closed per unit called against the peers' median (a call a week in misses what is created and won later, for everyone) with the months missing on that side passing a sign test at 10%; it is forecast error, not revenue, and is not ranked.",
            accuracy::CALL_DAY,
            accuracy::MIN_CALLS
        ),
        "Impact is valued at the peer median, never the top quartile. Insights on the same deals overlap (a stage leak lowers the win rate): their impacts do not add up.".to_owned(),
        format!(
            "A stage's decided deals are those that moved on or were lost there; a peer's rate counts toward the median with at least {} of them.",
            insights::MIN_PEER_DECIDED
        ),
    ];
    let capacity = super::capacity::capacity(model, &period, &out);
    Ok(CoachReport {
        period: span(
            format!(
                "{} ({} to {})",
                settings.metrics.period, period.period.start, period.period.end
            ),
            &period,
        ),
        window: span(
            format!("the {} days to {as_of}", settings.window_days),
            &window,
        ),
        as_of,
        currency: period.home_currency.clone(),
        team: TeamCoaching { ranked },
        reps: out,
        picture: super::picture::activity_vs_win(&window),
        capacity,
        notes,
    })
}

fn copy<'a>(r: &RepFacts<'a>) -> RepFacts<'a> {
    RepFacts {
        rep: r.rep,
        rep_ix: r.rep_ix,
        window: r.window,
        funnels: r.funnels,
        pipeline: r.pipeline,
        period: r.period,
    }
}

/// The reverse funnel's inputs for a rep: the period's gap and days left, and the window's rates — the
/// rep's own, or the team's where the rep's sample is too small.
fn plan_inputs(rep: &RepFacts<'_>, window: &MetricsReport, period: &MetricsReport) -> PlanInputs {
    let w = rep.window;
    let team = &window.team;
    let mut from_team = Vec::new();
    let win_rate = if w.win_rate_n >= MIN_DECIDED {
        w.win_rate
    } else {
        from_team.push(format!(
            "the team's win rate (the rep has {} decided deals, fewer than {MIN_DECIDED})",
            w.win_rate_n
        ));
        team.win_rate
    };
    // Size and cycle both rest on the won deals: the rep's own, or the team's for both.
    let sized = if w.deals_won >= MIN_WON_FOR_SIZE {
        w
    } else {
        from_team.push(format!(
            "the team's average won amount and cycle (the rep won {} deals, fewer than {MIN_WON_FOR_SIZE})",
            w.deals_won
        ));
        team
    };
    let (avg_deal, cycle_days) = (sized.avg_deal_size, sized.sales_cycle_median_days);
    let activity = window
        .activity
        .reps
        .iter()
        .find(|a| a.rep_ix == rep.rep_ix && rep.rep_ix.is_some());
    let window_days = business_days(&DateRange::new(window.period.start, window.period.end)).max(1);
    PlanInputs {
        rep: rep.rep.to_owned(),
        gap: rep.pipeline.and_then(|p| p.coverage.gap),
        open_amount: rep.pipeline.map_or(0.0, |p| p.coverage.open_amount),
        win_rate,
        avg_deal,
        cycle_days,
        activities_per_opportunity: activity
            .filter(|_| w.opps_created > 0)
            .map(|a| a.total as f64 / w.opps_created as f64),
        activities_per_day_now: activity
            .filter(|_| window.activity.available)
            .map(|a| a.total as f64 / window_days as f64),
        meetings_per_opportunity: activity
            .filter(|a| w.opps_created > 0 && a.meetings_held > 0)
            .map(|a| a.meetings_held as f64 / w.opps_created as f64),
        meetings_per_week_now: activity
            .filter(|_| window.activity.available)
            .map(|a| a.meetings_held as f64 / window_days as f64 * 5.0),
        days_left: period.plan.business_days_left,
        from_team,
    }
}
