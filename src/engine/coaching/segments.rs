//! Where the rep wins: a lead source or deal type whose decided deals the rep wins well above the rest of
//! their own deals — a strength to steer toward. The segment's rate is shrunk toward the rep's overall
//! rate (as if by [`DEFAULT_STRENGTH`] more deals at it) and its 80% interval must sit wholly above the
//! rate of the rep's other deals; the segment needs [`MIN_DECIDED`] decided deals and the rest
//! [`MIN_REST_DECIDED`].

use std::collections::BTreeMap;

use crate::engine::metrics::stats::{DEFAULT_STRENGTH, Prior, shrink};
use crate::engine::model::{DealIx, DealStatus, Sym};
use crate::engine::numfmt::percent;

use super::insights::{Facts, MIN_DECIDED, RepFacts};
use super::report::{Insight, Kind};

/// Decided deals outside the segment the comparison needs.
pub const MIN_REST_DECIDED: u64 = 10;

/// The rep's strongest segment by lead source or deal type, if one stands out.
pub fn where_wins(rep: &RepFacts<'_>, facts: &Facts<'_>) -> Option<Insight> {
    let window = &facts.window.period;
    let won = facts.closed(rep.rep_ix, DealStatus::Won, window.start, window.as_of);
    let lost = facts.closed(rep.rep_ix, DealStatus::Lost, window.start, window.as_of);
    let (k_all, n_all) = (won.len() as u64, (won.len() + lost.len()) as u64);
    if n_all == 0 {
        return None;
    }
    let model = facts.prepared.model;
    let d = &model.deals;
    let fields: [(&str, &Vec<Sym>); 2] =
        [("lead source", &d.lead_source), ("deal type", &d.deal_type)];
    let mut best: Option<(f64, Insight)> = None;
    for (field, column) in fields {
        // value → (won deals, decided count)
        let mut by: BTreeMap<&str, (Vec<DealIx>, u64)> = BTreeMap::new();
        for (deal, is_won) in won
            .iter()
            .map(|x| (x.0, true))
            .chain(lost.iter().map(|x| (x.0, false)))
        {
            let value = model.text(column[deal as usize]).trim();
            if value.is_empty() {
                continue;
            }
            let e = by.entry(value).or_default();
            e.1 += 1;
            if is_won {
                e.0.push(deal);
            }
        }
        for (value, (wins, n)) in &by {
            let k = wins.len() as u64;
            let (k_rest, n_rest) = (k_all - k, n_all - n);
            if *n < MIN_DECIDED || n_rest < MIN_REST_DECIDED {
                continue;
            }
            let overall = k_all as f64 / n_all as f64;
            let prior = Prior {
                mean: overall,
                strength: DEFAULT_STRENGTH,
                from: format!("the rep's overall win rate, {}", percent(Some(overall))),
            };
            let shrunk = shrink(k, *n, &prior);
            let rest = k_rest as f64 / n_rest as f64;
            let margin = shrunk.low80 - rest;
            if margin <= 0.0 || best.as_ref().is_some_and(|(m, _)| *m >= margin) {
                continue;
            }
            let raw = k as f64 / *n as f64;
            let insight = Insight {
                kind: Kind::WhereWins,
                stage: None,
                text: format!(
                    "{} wins where the {field} is {value}: {k} of {n} decided deals ({}; {} shrunk toward the rep's overall rate, 80% interval {}–{}), against {} of the rep's other deals ({k_rest} of {n_rest}) — more of these is where their time pays.",
                    rep.rep,
                    percent(Some(raw)),
                    percent(Some(shrunk.rate)),
                    percent(Some(shrunk.low80)),
                    percent(Some(shrunk.high80)),
                    percent(Some(rest))
                ),
                impact: None,
                impact_math: format!(
                    "{k}/{n} = {} where the {field} is {value}, against {k_rest}/{n_rest} = {} elsewhere; shrunk as if by {DEFAULT_STRENGTH} more deals at the rep's overall {}",
                    percent(Some(raw)),
                    percent(Some(rest)),
                    percent(Some(overall))
                ),
                confidence: (margin / rest.max(0.01)).clamp(0.0, 1.0),
                denominator: *n,
                rep_value: Some(raw),
                peer_value: Some(rest),
                interval: Some((shrunk.low80, shrunk.high80)),
                deals: wins.iter().map(|x| facts.id(*x)).collect(),
            };
            best = Some((margin, insight));
        }
    }
    best.map(|(_, i)| i)
}
