//! Each kind of insight: its rule, its impact valued at the peer median, and the deals it rests on. A
//! rate-based kind needs [`MIN_DECIDED`] decided cases and the rep's 80% interval (beta-binomial, shrunk
//! toward the peers) wholly on one side of the peer median; otherwise nothing is said.

use std::collections::BTreeMap;

use crate::engine::metrics::MetricsReport;
use crate::engine::metrics::pipeline::RepPipeline;
use crate::engine::metrics::prepared::{Prepared, RepMetrics};
use crate::engine::metrics::process::{Funnel, FunnelStage};
use crate::engine::metrics::stats::{fit_prior, shrink};
use crate::engine::model::{DealIx, DealStatus, RepIx};
use crate::engine::numfmt::{money, percent};

use super::peers::median;
use super::report::{Insight, Kind};

/// Decided cases a rate-based insight needs.
pub const MIN_DECIDED: u64 = 20;
/// A peer's rate counts toward the median with at least this many decided cases.
pub const MIN_PEER_DECIDED: u64 = 5;
/// The share of a rep's open pipeline one deal must hold to be a concentration.
pub const CONCENTRATION_SHARE: f64 = 0.5;
/// Open deals a concentration needs (with fewer, one deal is always a large share).
pub const CONCENTRATION_MIN_DEALS: u64 = 3;
/// Decided deals at the next stage the rep's own rate of winning from it needs (else the peers').
pub const MIN_NEXT_DECIDED: u64 = 5;

/// What a rule reads for one rep.
pub struct RepFacts<'a> {
    pub rep: &'a str,
    pub rep_ix: Option<RepIx>,
    /// The rep's metrics over the window.
    pub window: &'a RepMetrics,
    /// The rep's funnels over the window.
    pub funnels: &'a [Funnel],
    /// The rep's pipeline in the period.
    pub pipeline: Option<&'a RepPipeline>,
    /// The rep's metrics in the period.
    pub period: Option<&'a RepMetrics>,
}

/// What the rules read for every rep: the model's deals and the two reports.
pub struct Facts<'a> {
    pub prepared: &'a Prepared<'a>,
    pub window: &'a MetricsReport,
    pub period: &'a MetricsReport,
}

impl Facts<'_> {
    pub(super) fn id(&self, deal: DealIx) -> String {
        let m = self.prepared.model;
        m.text(m.deals.id[deal as usize]).to_owned()
    }

    pub(super) fn amount(&self, deal: DealIx) -> f64 {
        self.prepared
            .home_cents(deal as usize)
            .map_or(0.0, |c| c as f64 / 100.0)
    }

    /// The in-scope deals credited to `rep` that closed with `status` between `from` and `to` (both
    /// included), with their close day and home amount (0 without one).
    pub(super) fn closed(
        &self,
        rep: Option<RepIx>,
        status: DealStatus,
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
    ) -> Vec<(DealIx, chrono::NaiveDate, f64)> {
        let p = self.prepared;
        let d = &p.model.deals;
        if rep.is_none() {
            return Vec::new();
        }
        (0..d.len())
            .filter(|&i| p.in_scope[i] && d.status[i] == status && p.credited(i) == rep)
            .filter_map(|i| {
                let on = d.closed_on[i].filter(|c| *c >= from && *c <= to)?;
                Some((i as DealIx, on, self.amount(i as DealIx)))
            })
            .collect()
    }
}

/// A stage's decided cases: (moved on, moved on + lost there).
fn decided(stage: &FunnelStage) -> (u64, u64) {
    (stage.converted, stage.converted + stage.lost)
}

/// The stage named `name` of the funnel of `pipeline` among `funnels`.
fn stage_of<'a>(funnels: &'a [Funnel], pipeline: &str, name: &str) -> Option<&'a FunnelStage> {
    funnels
        .iter()
        .find(|f| f.pipeline == pipeline)?
        .stages
        .iter()
        .find(|s| s.stage == name)
}

/// The share won of the closed deals that entered `stage` (won ÷ (entered − still open)).
fn win_from(stage: &FunnelStage) -> Option<(f64, u64)> {
    let closed = stage.entered.saturating_sub(stage.open);
    (closed > 0).then(|| (stage.won as f64 / closed as f64, closed))
}

/// Stage leaks and strengths: each stage of each of the rep's funnels against the same stage of the
/// peers' funnels of the same pipeline.
pub fn stages(
    rep: &RepFacts<'_>,
    peers: &[RepFacts<'_>],
    facts: &Facts<'_>,
) -> (Vec<Insight>, Vec<Insight>) {
    let (mut leaks, mut strengths) = (Vec::new(), Vec::new());
    for funnel in rep.funnels {
        for (at, stage) in funnel.stages.iter().enumerate() {
            let (k, n) = decided(stage);
            if n < MIN_DECIDED {
                continue;
            }
            let samples: Vec<(u64, u64)> = peers
                .iter()
                .filter_map(|p| stage_of(p.funnels, &funnel.pipeline, &stage.stage))
                .map(decided)
                .filter(|(_, n)| *n >= MIN_PEER_DECIDED)
                .collect();
            let Some(peer_median) =
                median(samples.iter().map(|(k, n)| *k as f64 / *n as f64).collect())
            else {
                continue;
            };
            let Some(prior) = fit_prior(&samples) else {
                continue;
            };
            let shrunk = shrink(k, n, &prior);
            let raw = k as f64 / n as f64;
            let leak = shrunk.high80 < peer_median;
            let strength = shrunk.low80 > peer_median;
            if !leak && !strength {
                continue;
            }
            // What a deal passing this stage is worth to the rep: their own rate of winning from the next
            // stage on (the peers' median where the rep has too few), times their average won amount.
            let next = funnel.stages.get(at + 1);
            let own_next = next
                .and_then(win_from)
                .filter(|(_, n)| *n >= MIN_NEXT_DECIDED);
            let (win_next, win_next_from) = match (own_next, next) {
                (Some((rate, _)), _) => (Some(rate), "the rep's own"),
                (None, Some(next)) => (
                    median(
                        peers
                            .iter()
                            .filter_map(|p| stage_of(p.funnels, &funnel.pipeline, &next.stage))
                            .filter_map(win_from)
                            .filter(|(_, n)| *n >= MIN_NEXT_DECIDED)
                            .map(|(r, _)| r)
                            .collect(),
                    ),
                    "the peers' median (the rep has too few decided deals there)",
                ),
                (None, None) => (Some(1.0), "moving on from the last open stage is winning"),
            };
            let avg_won = rep.window.avg_deal_size;
            let gap_deals = (peer_median - raw).abs() * n as f64;
            let impact = win_next.zip(avg_won).map(|(w, a)| gap_deals * w * a);
            let next_name = next.map_or("won".to_owned(), |s| s.stage.clone());
            let impact_math = format!(
                "|{} − {}| × {n} decided deals = {gap_deals:.1} deals × {} chance of winning from {next_name} on ({win_next_from}) × {} average won amount = {}",
                percent(Some(peer_median)),
                percent(Some(raw)),
                percent(win_next),
                money(avg_won),
                money(impact)
            );
            // The leaked deals: lost with this stage the furthest they reached.
            let later: std::collections::HashSet<DealIx> = funnel.stages[at + 1..]
                .iter()
                .flat_map(|s| s.deals.iter().copied())
                .collect();
            let model = facts.prepared.model;
            let lost: Vec<DealIx> = stage
                .deals
                .iter()
                .copied()
                .filter(|d| !later.contains(d))
                .filter(|d| {
                    matches!(
                        model.deals.status[*d as usize],
                        DealStatus::Lost | DealStatus::Disqualified
                    )
                })
                .collect();
            let mut reasons: BTreeMap<String, u64> = BTreeMap::new();
            for d in &lost {
                let reason = model
                    .text(model.deals.lost_reason[*d as usize])
                    .trim()
                    .to_owned();
                if !reason.is_empty() {
                    *reasons.entry(reason).or_default() += 1;
                }
            }
            let mut reasons: Vec<(String, u64)> = reasons.into_iter().collect();
            reasons.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            let reasons_text = if reasons.is_empty() {
                String::new()
            } else {
                format!(
                    " Lost reasons of the deals lost there: {}.",
                    reasons
                        .iter()
                        .take(3)
                        .map(|(r, n)| format!("{r} ({n})"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            let interval = (shrunk.low80, shrunk.high80);
            let confidence = ((if leak {
                peer_median - shrunk.high80
            } else {
                shrunk.low80 - peer_median
            }) / peer_median.max(0.01))
            .clamp(0.0, 1.0);
            let insight = Insight {
                kind: if leak {
                    Kind::StageLeak
                } else {
                    Kind::StageStrength
                },
                stage: Some(stage.stage.clone()),
                text: format!(
                    "{} moves {} of decided deals on from {} ({} shrunk toward the peers, 80% interval {}–{}), {} a peer median of {}: {}",
                    rep.rep,
                    percent(Some(raw)),
                    stage.stage,
                    percent(Some(shrunk.rate)),
                    percent(Some(interval.0)),
                    percent(Some(interval.1)),
                    if leak { "against" } else { "above" },
                    percent(Some(peer_median)),
                    if leak {
                        format!(
                            "{} deals lost there; at the peer median that is worth {} a year.{reasons_text}",
                            lost.len(),
                            money(impact)
                        )
                    } else {
                        format!(
                            "a strength to keep, worth {} a year over the peer median.",
                            money(impact)
                        )
                    }
                ),
                impact,
                impact_math,
                confidence,
                denominator: n,
                rep_value: Some(raw),
                peer_value: Some(peer_median),
                interval: Some(interval),
                deals: if leak {
                    lost.iter().map(|d| facts.id(*d)).collect()
                } else {
                    stage.deals.iter().map(|d| facts.id(*d)).collect()
                },
            };
            if leak {
                leaks.push(insight);
            } else {
                strengths.push(insight);
            }
        }
    }
    (leaks, strengths)
}

/// The rep's win rate over the window against the peers'.
pub fn win_rate(rep: &RepFacts<'_>, peers: &[RepFacts<'_>]) -> Option<Insight> {
    let w = rep.window;
    let n = w.win_rate_n;
    if n < MIN_DECIDED {
        return None;
    }
    let samples: Vec<(u64, u64)> = peers
        .iter()
        .map(|p| (p.window.deals_won, p.window.win_rate_n))
        .filter(|(_, n)| *n >= MIN_PEER_DECIDED)
        .collect();
    let peer_median = median(samples.iter().map(|(k, n)| *k as f64 / *n as f64).collect())?;
    let shrunk = shrink(w.deals_won, n, &fit_prior(&samples)?);
    if shrunk.high80 >= peer_median {
        return None;
    }
    let raw = w.deals_won as f64 / n as f64;
    let extra = (peer_median - raw) * n as f64;
    let impact = w.avg_deal_size.map(|a| extra * a);
    Some(Insight {
        kind: Kind::WinRate,
        stage: None,
        text: format!(
            "{} wins {} of decided deals ({} shrunk toward the peers, 80% interval {}–{}), against a peer median of {}: at the median, {extra:.1} more wins, worth {} a year.",
            rep.rep,
            percent(Some(raw)),
            percent(Some(shrunk.rate)),
            percent(Some(shrunk.low80)),
            percent(Some(shrunk.high80)),
            percent(Some(peer_median)),
            money(impact)
        ),
        impact,
        impact_math: format!(
            "({} − {}) × {n} decided deals = {extra:.1} wins × {} average won amount = {}",
            percent(Some(peer_median)),
            percent(Some(raw)),
            money(w.avg_deal_size),
            money(impact)
        ),
        confidence: ((peer_median - shrunk.high80) / peer_median.max(0.01)).clamp(0.0, 1.0),
        denominator: n,
        rep_value: Some(raw),
        peer_value: Some(peer_median),
        interval: Some((shrunk.low80, shrunk.high80)),
        deals: Vec::new(),
    })
}

/// The rep's open deals in their stage longer than won deals' 75th percentile there.
pub fn stalled(rep: &RepFacts<'_>, facts: &Facts<'_>) -> Option<Insight> {
    let p = facts.prepared;
    let deals: Vec<DealIx> = facts
        .window
        .process
        .stalled
        .iter()
        .copied()
        .filter(|d| p.credited(*d as usize) == rep.rep_ix && rep.rep_ix.is_some())
        .collect();
    if deals.is_empty() {
        return None;
    }
    let model = p.model;
    // The team's share won of the closed deals that entered the deal's stage in the window.
    let team = &facts.window.process.team;
    let stage_rate = |d: DealIx| -> Option<f64> {
        let i = d as usize;
        let (pipeline, stage) = (
            model.text(model.deals.pipeline[i]),
            model.text(model.deals.stage_raw[i]),
        );
        stage_of(team, pipeline, stage)
            .or_else(|| {
                team.iter()
                    .flat_map(|f| f.stages.iter())
                    .find(|s| s.stage == stage)
            })
            .and_then(win_from)
            .map(|(rate, _)| rate)
    };
    let amount: f64 = deals.iter().map(|d| facts.amount(*d)).sum();
    let expected: f64 = deals
        .iter()
        .map(|d| facts.amount(*d) * stage_rate(*d).unwrap_or(0.0))
        .sum();
    let mut stages: BTreeMap<String, u64> = BTreeMap::new();
    for d in &deals {
        *stages
            .entry(model.text(model.deals.stage_raw[*d as usize]).to_owned())
            .or_default() += 1;
    }
    let (top_stage, _) = stages.iter().max_by_key(|(_, n)| **n)?;
    Some(Insight {
        kind: Kind::Stalled,
        stage: Some(top_stage.clone()),
        text: format!(
            "{} has {} open deal{} ({}) sitting in their stage longer than three in four won deals stayed there; at the team's win rates from those stages they are worth {} — the value a push to decide them puts at stake.",
            rep.rep,
            deals.len(),
            if deals.len() == 1 { "" } else { "s" },
            money(Some(amount)),
            money(Some(expected))
        ),
        impact: Some(expected),
        impact_math: format!(
            "Σ amount × the team's share won of the closed deals that entered the deal's stage in the window, over {} stalled deals = {}",
            deals.len(),
            money(Some(expected))
        ),
        confidence: 1.0,
        denominator: deals.len() as u64,
        rep_value: Some(deals.len() as f64),
        peer_value: None,
        interval: None,
        deals: deals.iter().map(|d| facts.id(*d)).collect(),
    })
}

/// The period rides on one deal: the largest of the rep's open deals expected to close in the period (past
/// due ones in it included) holds at least [`CONCENTRATION_SHARE`] of their amount.
pub fn concentration(rep: &RepFacts<'_>, facts: &Facts<'_>) -> Option<Insight> {
    let p = facts.prepared;
    let d = &p.model.deals;
    let (start, end) = (facts.period.period.start, facts.period.period.end);
    let open: Vec<(DealIx, f64)> = (0..d.len())
        .filter(|&i| p.in_scope[i] && d.status[i] == DealStatus::Open)
        .filter(|&i| rep.rep_ix.is_some() && p.credited(i) == rep.rep_ix)
        .filter(|&i| d.expected_close_on[i].is_some_and(|c| c >= start && c <= end))
        .map(|i| (i as DealIx, facts.amount(i as DealIx)))
        .collect();
    let total: f64 = open.iter().map(|(_, a)| a).sum();
    let &(largest, top) = open.iter().max_by(|a, b| a.1.total_cmp(&b.1))?;
    let share = top / total;
    if (open.len() as u64) < CONCENTRATION_MIN_DEALS
        || !share.is_finite()
        || share < CONCENTRATION_SHARE
    {
        return None;
    }
    Some(Insight {
        kind: Kind::Concentration,
        stage: None,
        text: format!(
            "{}'s period rides on one deal: {} of the {} open and expected to close by {end} ({}), across {} deals.",
            rep.rep,
            money(Some(top)),
            money(Some(total)),
            percent(Some(share)),
            open.len()
        ),
        impact: Some(top),
        impact_math: format!(
            "the largest open deal closing in the period: {} of {} over {} deals",
            money(Some(top)),
            money(Some(total)),
            open.len()
        ),
        confidence: 1.0,
        denominator: open.len() as u64,
        rep_value: Some(share),
        peer_value: None,
        interval: None,
        deals: vec![facts.id(largest)],
    })
}

/// The period's quota against what the rep's open pipeline will likely bring at their own win rate (the
/// peers' median where the rep has too few decided deals).
pub fn shortfall(rep: &RepFacts<'_>, peers: &[RepFacts<'_>]) -> Option<Insight> {
    let pipe = rep.pipeline?;
    let gap = pipe.coverage.gap.filter(|g| *g > 0.0)?;
    let (rate, from) = match rep
        .window
        .win_rate
        .filter(|_| rep.window.win_rate_n >= MIN_DECIDED)
    {
        Some(rate) => (rate, "their own win rate"),
        None => (
            median(
                peers
                    .iter()
                    .filter(|p| p.window.win_rate_n >= MIN_DECIDED)
                    .filter_map(|p| p.window.win_rate)
                    .collect(),
            )?,
            "the peers' median win rate (the rep has too few decided deals)",
        ),
    };
    if rate <= 0.0 {
        return None;
    }
    let open = pipe.coverage.open_amount;
    let expected = open * rate;
    let missing = gap - expected;
    if missing <= 0.0 {
        return None;
    }
    let needed = missing / rate;
    Some(Insight {
        kind: Kind::PipelineShortfall,
        stage: None,
        text: format!(
            "{} needs {} more to reach quota this period; at {from} ({}) the open {} brings about {}, so {} of new pipeline closing this period would be needed.",
            rep.rep,
            money(Some(gap)),
            percent(Some(rate)),
            money(Some(open)),
            money(Some(expected)),
            money(Some(needed))
        ),
        impact: Some(missing),
        impact_math: format!(
            "gap {} − open {} × win rate {} = {} of quota not covered",
            money(Some(gap)),
            money(Some(open)),
            percent(Some(rate)),
            money(Some(missing))
        ),
        confidence: 1.0,
        denominator: pipe.coverage.open_deals,
        rep_value: Some(expected),
        peer_value: None,
        interval: None,
        deals: Vec::new(),
    })
}

/// Activity a working day at least this much above the peer median is "busy".
pub const BUSY_OVER_MEDIAN: f64 = 1.25;

/// A low win rate with activity well above the peers' is busy but not converting: the win-rate insight,
/// said as what it is (the same impact: they are never both given).
pub fn busy_not_converting(
    rep: &RepFacts<'_>,
    peers: &[RepFacts<'_>],
    facts: &Facts<'_>,
    win: Insight,
) -> Insight {
    let per_day = |ix: Option<RepIx>| {
        facts
            .window
            .activity
            .reps
            .iter()
            .find(|a| a.rep_ix == ix && ix.is_some())
            .and_then(|a| a.per_working_day)
    };
    let (Some(mine), Some(median)) = (
        per_day(rep.rep_ix),
        median(peers.iter().filter_map(|p| per_day(p.rep_ix)).collect()),
    ) else {
        return win;
    };
    if median <= 0.0 || mine < BUSY_OVER_MEDIAN * median {
        return win;
    }
    Insight {
        kind: Kind::BusyNotConverting,
        text: format!(
            "{} is busy but not converting: {mine:.1} activities a working day against a peer median of {median:.1}, yet {}",
            rep.rep,
            win.text
                .split_once(" wins ")
                .map_or(win.text.clone(), |(_, rest)| format!("wins {rest}"))
        ),
        ..win
    }
}

/// Close dates the rep's deals do not keep: the share of deals expected in the period that slipped out of
/// it, against the peers' (their 80% interval wholly above the peer median, with 20 such deals).
pub fn close_date_credibility(
    rep: &RepFacts<'_>,
    peers: &[RepFacts<'_>],
    facts: &Facts<'_>,
) -> Option<Insight> {
    let pipe = rep.pipeline?;
    let n = pipe.slip_base_deals;
    if n < MIN_DECIDED {
        return None;
    }
    let samples: Vec<(u64, u64)> = peers
        .iter()
        .filter_map(|p| p.pipeline)
        .map(|p| (p.slipped_deals, p.slip_base_deals))
        .filter(|(_, n)| *n >= MIN_PEER_DECIDED)
        .collect();
    let peer_median = median(samples.iter().map(|(k, n)| *k as f64 / *n as f64).collect())?;
    let shrunk = shrink(pipe.slipped_deals, n, &fit_prior(&samples)?);
    if shrunk.low80 <= peer_median {
        return None;
    }
    let raw = pipe.slipped_deals as f64 / n as f64;
    Some(Insight {
        kind: Kind::CloseDateCredibility,
        stage: None,
        text: format!(
            "{}'s close dates slip: {} of {n} deals expected in the period moved out of it ({} shrunk toward the peers, 80% interval {}–{}), against a peer median of {}; {} slipped.",
            rep.rep,
            pipe.slipped_deals,
            percent(Some(shrunk.rate)),
            percent(Some(shrunk.low80)),
            percent(Some(shrunk.high80)),
            percent(Some(peer_median)),
            money(Some(pipe.slipped_amount))
        ),
        impact: Some(pipe.slipped_amount),
        impact_math: format!(
            "the amount of the {} deals that slipped out of the period: {}",
            pipe.slipped_deals,
            money(Some(pipe.slipped_amount))
        ),
        confidence: ((shrunk.low80 - peer_median) / peer_median.max(0.01)).clamp(0.0, 1.0),
        denominator: n,
        rep_value: Some(raw),
        peer_value: Some(peer_median),
        interval: Some((shrunk.low80, shrunk.high80)),
        deals: pipe.slipped.iter().map(|d| facts.id(*d)).collect(),
    })
}
