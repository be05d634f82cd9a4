//! The contract, deal by deal: how one deal, as BEFORE and AFTER hold it, moved the period's pipeline, and
//! what else changed about it. S is the deals open in BEFORE with a close date in the period, E the same in
//! AFTER. A deal in S and not in E leaves (won, lost, moved out, or missing from AFTER); a deal in E and not
//! in S joins (new, pulled in, reopened); a deal in both with another amount is an amount change.

use crate::engine::changes::report::{Change, Movement};
use crate::engine::changes::side::Snap;
use crate::engine::metrics::period::DateRange;
use crate::engine::model::DealStatus;

/// Open with a close date in the period (any close date, even none, when the period is everything).
pub fn in_period(snap: &Snap, period: Option<&DateRange>) -> bool {
    snap.is_open()
        && match period {
            None => true,
            Some(range) => snap.close_date.is_some_and(|day| range.contains(day)),
        }
}

/// The deal's movement, if it has one.
pub fn movement(
    before: Option<&Snap>,
    after: Option<&Snap>,
    period: Option<&DateRange>,
) -> Option<Movement> {
    let in_s = before.is_some_and(|b| in_period(b, period));
    let in_e = after.is_some_and(|a| in_period(a, period));
    match (in_s, in_e) {
        (true, true) => {
            let (b, a) = (before?, after?);
            (b.amount_home_cents != a.amount_home_cents).then_some(Movement::AmountChange)
        }
        (true, false) => Some(match after {
            None => Movement::Missing,
            Some(a) => match a.status {
                DealStatus::Won => Movement::Won,
                DealStatus::Lost | DealStatus::Disqualified => Movement::Lost,
                DealStatus::Open => Movement::MovedOut,
            },
        }),
        (false, true) => Some(match before {
            None => Movement::New,
            Some(b) if b.is_open() => Movement::PulledIn,
            Some(_) => Movement::Reopened,
        }),
        (false, false) => None,
    }
}

/// What the deal adds to the waterfall in hundredths of the home currency: −BEFORE for a deal leaving,
/// +AFTER for one joining, AFTER − BEFORE for an amount change; `None` when an amount it needs has no rate.
pub fn amount_home_cents(
    movement: Movement,
    before: Option<&Snap>,
    after: Option<&Snap>,
) -> Option<i64> {
    let b = || before.and_then(|s| s.amount_home_cents);
    let a = || after.and_then(|s| s.amount_home_cents);
    match movement {
        Movement::Won | Movement::Lost | Movement::MovedOut | Movement::Missing => Some(-b()?),
        Movement::New | Movement::PulledIn | Movement::Reopened => a(),
        Movement::AmountChange => Some(a()? - b()?),
    }
}

/// The deal's changes besides its movement, in a fixed order.
pub fn changes(
    before: Option<&Snap>,
    after: Option<&Snap>,
    period: Option<&DateRange>,
) -> Vec<Change> {
    let mut out = Vec::new();
    let Some(b) = before else {
        return out;
    };
    let Some(a) = after else {
        out.push(Change::MissingFromAfter);
        return out;
    };
    if in_period(b, period) && in_period(a, period) && b.close_date != a.close_date {
        out.push(Change::CloseDateInPeriod);
    }
    if b.is_open() && a.is_open() && b.stage != a.stage {
        if a.stage_order > b.stage_order {
            out.push(Change::StageForward);
        } else if a.stage_order < b.stage_order {
            out.push(Change::StageBack);
        }
    }
    // A deal closing or reopening changes its category too (to Closed, Omitted): its movement says that.
    if b.is_open() && a.is_open() && b.category != a.category {
        out.push(Change::Category);
    }
    if b.rep_key != a.rep_key {
        out.push(Change::Reassigned);
    }
    out
}
