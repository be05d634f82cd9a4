//! Forecast accuracy: the rep's Commit call against what they closed, month after month. The call of a
//! month is what the rep had closed in it plus their open deals in Commit expected to close in it, as the
//! CRM's history knew them [`CALL_DAY`] days into the month (the forecast engine's [`Timeline`], so nothing
//! later is seen); what closed is what they won in that month. A rep whose calls run well above
//! (happy ears) or below (sandbagging) what closes, in most months, is said so. It is about the forecast,
//! not revenue: it carries no impact and is not ranked with the money insights.

use std::collections::BTreeMap;

use chrono::{Datelike, Days, Months, NaiveDate};

use crate::engine::forecast::asof::{Category, Timeline};
use crate::engine::model::{DealIx, RepIx};
use crate::engine::numfmt::money;

use super::insights::{Facts, RepFacts};
use super::peers::median;
use super::report::{Insight, Kind};

/// Days into the month the call is read (the end of its first week).
pub const CALL_DAY: u64 = 7;
/// Months with a Commit call a judgement needs.
pub const MIN_CALLS: usize = 4;
/// How far the calls' total must sit from what closed (a share of the smaller).
pub const MIN_BIAS: f64 = 0.2;
/// The sign test's bound: months missing on one side must be that unlikely under chance (each month a
/// coin toss), one-sided.
pub const SIGN_TEST_P: f64 = 0.1;
/// The share of a rep's deals open on the call day whose state there the history gives, for the month to
/// count (without history, a closed deal's category on the call day is unknown).
pub const MIN_KNOWN_SHARE: f64 = 0.8;

/// One month of one rep.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MonthCall {
    /// Closed by the call day plus open Commit closing in the month.
    pub call: f64,
    pub actual: f64,
    /// The rep's deals open on the call day, and those whose state there the history gives.
    pub open: u32,
    pub known: u32,
    /// Deals in Commit on the call day that were not won in the month.
    pub missed: Vec<(DealIx, f64)>,
    /// Deals won in the month that were open on the call day outside Commit.
    pub surprise: Vec<(DealIx, f64)>,
}

/// Every rep's month calls over the window (only months wholly inside it and ended by the as-of day).
pub fn calls(facts: &Facts<'_>) -> BTreeMap<Option<RepIx>, Vec<MonthCall>> {
    let p = facts.prepared;
    let timeline = Timeline::new(p.model, p.settings, &p.in_scope);
    let mut out: BTreeMap<Option<RepIx>, Vec<MonthCall>> = BTreeMap::new();
    if !timeline.has_categories {
        return out;
    }
    let window = &facts.window.period;
    let Some(mut start) = NaiveDate::from_ymd_opt(window.start.year(), window.start.month(), 1)
    else {
        return out;
    };
    if start < window.start {
        start = start + Months::new(1);
    }
    while let Some(end) = (start + Months::new(1))
        .pred_opt()
        .filter(|end| *end <= window.as_of)
    {
        let day = start + Days::new(CALL_DAY);
        let mut months: BTreeMap<Option<RepIx>, MonthCall> = BTreeMap::new();
        for &deal in &timeline.deals {
            let rep = timeline.rep(deal);
            let won_in_month = timeline.won_between(deal, start, end);
            let amount = |on: NaiveDate| timeline.amount_now(deal, on).unwrap_or(0.0);
            let m = months.entry(rep).or_default();
            if won_in_month {
                let on = timeline.closed_on[deal as usize].unwrap_or(end);
                m.actual += amount(on);
                if on <= day {
                    m.call += amount(on);
                }
            }
            if !timeline.open_on(deal, day) {
                continue;
            }
            let at = timeline.at(deal, day);
            m.open += 1;
            m.known += u32::from(at.from_history);
            let in_month = at.close_on.is_some_and(|c| c >= start && c <= end);
            let value = at.amount_home.unwrap_or(0.0);
            if at.category == Category::Commit && in_month {
                m.call += value;
                if !won_in_month {
                    m.missed.push((deal, value));
                }
            } else if won_in_month {
                let on = timeline.closed_on[deal as usize].unwrap_or(end);
                m.surprise.push((deal, amount(on)));
            }
        }
        for (rep, m) in months {
            out.entry(rep).or_default().push(m);
        }
        start = start + Months::new(1);
    }
    out
}

/// The chance of `k` or more of `n` fair coin tosses on one side.
pub fn sign_test(k: usize, n: usize) -> f64 {
    let mut choose = 1.0f64;
    let mut tail = 0.0;
    for i in 0..=n {
        if i >= k {
            tail += choose;
        }
        choose = choose * (n - i) as f64 / (i + 1) as f64;
    }
    tail / 2f64.powi(n as i32)
}

/// The months of `rep` that count: a call or a close, with the states on the call day from history.
fn counted(calls: &BTreeMap<Option<RepIx>, Vec<MonthCall>>, rep: Option<RepIx>) -> Vec<&MonthCall> {
    calls.get(&rep).map_or_else(Vec::new, |months| {
        months
            .iter()
            .filter(|m| m.call > 0.0 || m.actual > 0.0)
            .filter(|m| m.known as f64 >= MIN_KNOWN_SHARE * m.open as f64)
            .collect()
    })
}

/// What closed per unit called over the months that count, with [`MIN_CALLS`] of them.
fn ratio(months: &[&MonthCall]) -> Option<f64> {
    let called: f64 = months.iter().map(|m| m.call).sum();
    let closed: f64 = months.iter().map(|m| m.actual).sum();
    (months.len() >= MIN_CALLS && called > 0.0).then(|| closed / called)
}

/// The rep's Commit calls against what closed, measured against how the peers' calls turn into closes
/// (a call a week into the month misses the deals created and won later in it, for everyone): what the
/// rep closed per unit called, against the peer median of the same, must differ by [`MIN_BIAS`], and the
/// months missing on that side of the peer-scaled call must pass a sign test at [`SIGN_TEST_P`], over
/// [`MIN_CALLS`] or more months with a call or a close whose states the history gives.
pub fn forecast_accuracy(
    rep: &RepFacts<'_>,
    peers: &[RepFacts<'_>],
    calls: &BTreeMap<Option<RepIx>, Vec<MonthCall>>,
    facts: &Facts<'_>,
) -> Option<Insight> {
    rep.rep_ix?;
    let months = counted(calls, rep.rep_ix);
    let n = months.len();
    let mine = ratio(&months)?;
    let peer = median(
        peers
            .iter()
            .filter_map(|p| ratio(&counted(calls, p.rep_ix)))
            .collect(),
    )
    .filter(|r| *r > 0.0)?;
    let called: f64 = months.iter().map(|m| m.call).sum();
    let closed: f64 = months.iter().map(|m| m.actual).sum();
    // Each month's call scaled as the peers' calls turn into closes.
    let over = months.iter().filter(|m| m.call * peer > m.actual).count();
    let under = months.iter().filter(|m| m.call * peer < m.actual).count();
    let miss = months
        .iter()
        .map(|m| (m.call * peer - m.actual).abs())
        .sum::<f64>()
        / n as f64;
    let high = mine * (1.0 + MIN_BIAS) <= peer && sign_test(over, n) <= SIGN_TEST_P;
    let low = mine >= peer * (1.0 + MIN_BIAS) && sign_test(under, n) <= SIGN_TEST_P;
    if !high && !low {
        return None;
    }
    let mut deals: Vec<(DealIx, f64)> = months
        .iter()
        .flat_map(|m| if high { &m.missed } else { &m.surprise })
        .copied()
        .collect();
    deals.sort_by(|a, b| b.1.total_cmp(&a.1));
    deals.dedup_by_key(|d| d.0);
    deals.truncate(25);
    let per = |r: f64| format!("{r:.2}");
    let text = if high {
        format!(
            "{}'s Commit runs high: over {n} months they closed {}× the call made {CALL_DAY} days into each month (closed + open Commit closing that month), where the peers close a median {}× theirs; {over} of {n} months closed below the call scaled the peers' way, off by {} a month on average — ask what would have to be true for each Commit deal.",
            rep.rep,
            per(mine),
            per(peer),
            money(Some(miss))
        )
    } else {
        format!(
            "{} sandbags: over {n} months they closed {}× the call made {CALL_DAY} days into each month (closed + open Commit closing that month), where the peers close a median {}× theirs; {under} of {n} months closed above the call scaled the peers' way, off by {} a month on average — likely deals kept out of Commit hide the real number.",
            rep.rep,
            per(mine),
            per(peer),
            money(Some(miss))
        )
    };
    Some(Insight {
        kind: Kind::ForecastAccuracy,
        stage: None,
        text,
        impact: None,
        impact_math: format!(
            "Σ closed {} ÷ Σ calls {} = {} over {n} months, against the peers' median {}; mean |call × {} − closed| = {} a month (forecast error, not revenue: not ranked)",
            money(Some(closed)),
            money(Some(called)),
            per(mine),
            per(peer),
            per(peer),
            money(Some(miss))
        ),
        confidence: (if high { over } else { under }) as f64 / n as f64,
        denominator: n as u64,
        rep_value: Some(mine),
        peer_value: Some(peer),
        interval: None,
        deals: deals.iter().map(|(d, _)| facts.id(*d)).collect(),
    })
}
