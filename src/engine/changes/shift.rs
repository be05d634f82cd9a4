//! The forecast then and now: the period's forecast as it stood on the earlier export's day and on the
//! later one's, and what moved it, deal by deal. Both forecasts come from the same model (every export
//! together, each deal rebuilt as it stood on the day; nothing after a day is seen by its forecast), so
//! "now" is the Forecast view's number on the later export's day and "then" is what it said a week before.
//!
//! What moved it is counted in expected value, each deal's chance times its amount (a won deal counts its
//! amount, a lost one nothing): unlike the median, that adds up deal by deal. So the mean's change is, to
//! the cent, Σ of each deal's change, the change in the deals expected to be created and won, and the
//! rest (the run-rate blend when the forecast has one, and deals won outside the waterfall's pipeline).

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::engine::changes::report::{ChangesReport, DealChange, Movement};
use crate::engine::forecast::ForecastReport;
use crate::engine::forecast::report::{ForecastDeal, ForecastRow};
use crate::engine::numfmt::{money_short, percent};

/// Deals the answer lists, at most (the largest changes first); the lines by kind count every deal.
pub const MAX_DEALS: usize = 25;
/// Deals the sentence names, at most.
pub const SENTENCE_DEALS: usize = 3;

/// One forecast's headline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForecastAt {
    pub as_of: NaiveDate,
    pub closed: f64,
    pub p10: Option<f64>,
    pub p50: Option<f64>,
    pub p90: Option<f64>,
    pub mean: Option<f64>,
    pub commit: Option<f64>,
    pub expected_new_deals: f64,
    pub open_deals: u64,
    /// The forecast's accuracy sentence (or that there is too little history).
    pub accuracy: String,
}

impl ForecastAt {
    fn of(report: &ForecastReport) -> ForecastAt {
        let t: &ForecastRow = &report.team;
        ForecastAt {
            as_of: report.as_of,
            closed: t.closed,
            p10: t.p10,
            p50: t.p50,
            p90: t.p90,
            mean: t.mean,
            commit: t.commit,
            expected_new_deals: t.expected_new_deals,
            open_deals: t.open_deals,
            accuracy: report.accuracy.clone(),
        }
    }
}

/// Why a deal's expected value changed, in the order the lines are listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cause {
    /// A movement of the waterfall (won, lost, moved out …).
    Moved(Movement),
    /// Open in the period on both days, with another stage, category, close date or owner.
    Changed,
    /// Open in the period on both days with nothing changed: its chance was re-estimated (a week older,
    /// a week closer to the period's end).
    Aged,
}

impl Cause {
    pub fn label(self) -> &'static str {
        match self {
            Cause::Moved(m) => m.label(),
            Cause::Changed => "Stage, category, close date or owner changed",
            Cause::Aged => "Same deal, a week on (chance re-estimated)",
        }
    }
}

/// A deal whose expected value changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DealShift {
    pub id: String,
    pub name: String,
    pub rep: String,
    pub cause: Cause,
    /// The category it had then (or now, for a deal that joined).
    pub category: String,
    /// Its chance × amount then and now (home currency); a won deal's is its amount, a lost one's 0.
    pub expected_then: f64,
    pub expected_now: f64,
    pub delta: f64,
    /// The model's chance then and now, where the deal was open in the period.
    pub chance_then: Option<f64>,
    pub chance_now: Option<f64>,
    /// In words: "Commit, moved out of the period", "won", "stage forward; chance 40% → 65%".
    pub why: String,
}

/// The change of the expected value from one cause, over every deal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShiftLine {
    pub cause: Cause,
    pub label: String,
    pub deals: u64,
    pub delta: f64,
}

/// The forecast then and now, and what moved it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForecastShift {
    pub period: String,
    pub currency: String,
    pub then: ForecastAt,
    pub now: ForecastAt,
    /// now.mean − then.mean, when both forecasts have a distribution.
    pub mean_delta: Option<f64>,
    /// By cause, every deal counted.
    pub lines: Vec<ShiftLine>,
    /// The change in the deals expected to be created and won in the rest of the period.
    pub new_deals_delta: f64,
    /// What the deals and the new deals do not account for: `mean_delta − Σ lines − new_deals_delta`.
    pub rest_delta: Option<f64>,
    /// The largest changes, at most [`MAX_DEALS`].
    pub deals: Vec<DealShift>,
    /// "Last week's most likely 1.2M, now 1.1M: −80k from Globex (Commit, moved out of the period), …"
    pub sentence: String,
    pub notes: Vec<String>,
}

/// A deal of a forecast's list: its chance and its expected value (chance × amount, 0 without amount).
fn expected(deal: &ForecastDeal) -> f64 {
    deal.model_probability * deal.amount.unwrap_or(0.0)
}

/// Won between the two days with a close date in the period: the deals that moved into `closed`.
fn won_between(change: &DealChange, period: (NaiveDate, NaiveDate), now: NaiveDate) -> Option<f64> {
    let after = change.after.as_ref()?;
    let won_before = change.before.as_ref().is_some_and(|b| b.status == "won");
    let day = after.close_date?;
    (after.status == "won" && !won_before && day >= period.0 && day <= period.1 && day <= now)
        .then(|| after.amount_home.unwrap_or(0.0))
}

/// Compares two forecasts of the same period (`then` on BEFORE's day, `now` on AFTER's) with the
/// waterfall of the same exports, deal by deal.
pub fn attribute(
    changes: &ChangesReport,
    then: &ForecastReport,
    now: &ForecastReport,
) -> ForecastShift {
    let period = (now.period.start, now.period.end);
    let then_deals: BTreeMap<&str, &ForecastDeal> =
        then.deals.iter().map(|d| (d.id.as_str(), d)).collect();
    let now_deals: BTreeMap<&str, &ForecastDeal> =
        now.deals.iter().map(|d| (d.id.as_str(), d)).collect();
    let changed: BTreeMap<&str, &DealChange> =
        changes.deals.iter().map(|d| (d.id.as_str(), d)).collect();
    let won: BTreeMap<&str, f64> = changes
        .deals
        .iter()
        .filter_map(|d| won_between(d, period, now.as_of).map(|a| (d.id.as_str(), a)))
        .collect();
    let ids: BTreeSet<&str> = then_deals
        .keys()
        .chain(now_deals.keys())
        .chain(won.keys())
        .copied()
        .collect();

    let mut shifts = Vec::new();
    for id in ids {
        let (t, n) = (then_deals.get(id), now_deals.get(id));
        let expected_then = t.map_or(0.0, |d| expected(d));
        let expected_now = n.map_or(0.0, |d| expected(d)) + won.get(id).copied().unwrap_or(0.0);
        let delta = expected_now - expected_then;
        if delta == 0.0 {
            continue;
        }
        let change = changed.get(id);
        let cause = match (change.and_then(|c| c.movement), change) {
            (Some(m), _) => Cause::Moved(m),
            (None, _) if won.contains_key(id) => Cause::Moved(Movement::Won),
            (None, Some(c)) if !c.changes.is_empty() => Cause::Changed,
            _ => Cause::Aged,
        };
        let shown = n.or(t);
        let category = t.or(n).map(|d| d.category.clone()).unwrap_or_default();
        let (chance_then, chance_now) = (
            t.map(|d| d.model_probability),
            n.map(|d| d.model_probability),
        );
        let mut why = Vec::new();
        match cause {
            Cause::Moved(m) => why.push(m.label().to_lowercase()),
            Cause::Changed => {
                if let Some(c) = change {
                    why.extend(c.changes.iter().map(|c| c.label().to_owned()));
                }
            }
            Cause::Aged => {}
        }
        if let (Some(a), Some(b)) = (chance_then, chance_now) {
            why.push(format!(
                "chance {} → {}",
                percent(Some(a)),
                percent(Some(b))
            ));
        }
        let name = shown
            .map(|d| d.name.clone())
            .or_else(|| change.map(|c| c.name.clone()))
            .unwrap_or_else(|| id.to_owned());
        let rep = shown
            .map(|d| d.rep.clone())
            .or_else(|| change.map(|c| c.rep.clone()))
            .unwrap_or_default();
        shifts.push(DealShift {
            id: id.to_owned(),
            name,
            rep,
            cause,
            category,
            expected_then,
            expected_now,
            delta,
            chance_then,
            chance_now,
            why: why.join("; "),
        });
    }

    let mut by_cause: BTreeMap<Cause, (u64, f64)> = BTreeMap::new();
    for s in &shifts {
        let line = by_cause.entry(s.cause).or_default();
        line.0 += 1;
        line.1 += s.delta;
    }
    let lines: Vec<ShiftLine> = by_cause
        .into_iter()
        .map(|(cause, (deals, delta))| ShiftLine {
            cause,
            label: cause.label().to_owned(),
            deals,
            delta,
        })
        .collect();
    let (then_at, now_at) = (ForecastAt::of(then), ForecastAt::of(now));
    let new_deals_delta = now_at.expected_new_deals - then_at.expected_new_deals;
    let mean_delta = then_at.mean.zip(now_at.mean).map(|(a, b)| b - a);
    let rest_delta =
        mean_delta.map(|d| d - lines.iter().map(|l| l.delta).sum::<f64>() - new_deals_delta);
    shifts.sort_by(|a, b| {
        b.delta
            .abs()
            .total_cmp(&a.delta.abs())
            .then_with(|| a.id.cmp(&b.id))
    });
    let sentence = sentence(&then_at, &now_at, &shifts);
    shifts.truncate(MAX_DEALS);

    let mut notes = vec![
        format!(
            "Both forecasts are of {} from the same model (every export together): then on {}, the earlier export's day, seeing nothing after it; now on {}, the later export's day.",
            now.period.label, then_at.as_of, now_at.as_of
        ),
        "What moved it is counted in expected value (each deal's chance × its amount; a deal won in the period counts its amount), which adds up deal by deal; the most likely number (the median) does not, so the two changes differ a little.".to_owned(),
    ];
    if then.combination.is_some() || now.combination.is_some() {
        notes.push("A forecast here is blended with a run-rate method: what the blend moves is in the rest, not in any deal.".to_owned());
    }
    if mean_delta.is_none() {
        notes.push("One of the two forecasts has too few open deals or too little history for a range: the deals' changes are listed, the totals are not compared.".to_owned());
    }
    if then.leaky || now.leaky {
        notes.push("The history may leak what happened later into the earlier day's forecast (see the Forecast view's notes): the change since then may look smaller than it was.".to_owned());
    }
    ForecastShift {
        period: now.period.label.clone(),
        currency: now.currency.clone(),
        then: then_at,
        now: now_at,
        mean_delta,
        lines,
        new_deals_delta,
        rest_delta,
        deals: shifts,
        sentence,
        notes,
    }
}

fn signed(amount: f64) -> String {
    let sign = if amount < 0.0 { "−" } else { "+" };
    format!("{sign}{}", money_short(Some(amount.abs())))
}

/// "Most likely 1.2M on 2026-11-30, now 1.1M: −80k from Globex (Commit, moved out), +40k from …".
fn sentence(then: &ForecastAt, now: &ForecastAt, shifts: &[DealShift]) -> String {
    let head = match (then.p50, now.p50) {
        (Some(a), Some(b)) => format!(
            "Most likely {} on {}, now {} ({})",
            money_short(Some(a)),
            then.as_of,
            money_short(Some(b)),
            signed(b - a)
        ),
        _ => format!(
            "Closed {} on {}, now {}; too few open deals for a most-likely number on one of the days",
            money_short(Some(then.closed)),
            then.as_of,
            money_short(Some(now.closed))
        ),
    };
    let named: Vec<String> = shifts
        .iter()
        .take(SENTENCE_DEALS)
        .map(|s| {
            let what = match s.cause {
                Cause::Moved(m) => m.label().to_lowercase(),
                Cause::Changed => "changed".to_owned(),
                Cause::Aged => "a week on".to_owned(),
            };
            let category = if s.category.is_empty() {
                String::new()
            } else {
                format!("{}, ", s.category)
            };
            format!("{} from {} ({category}{what})", signed(s.delta), s.name)
        })
        .collect();
    if named.is_empty() {
        format!("{head}; no deal's expected value changed.")
    } else {
        format!("{head}: {}.", named.join(", "))
    }
}
