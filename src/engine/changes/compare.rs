//! The comparison itself: both exports checked to be of the same deals, their days and the period settled,
//! every deal of either classified ([`classify`]) and added to its rep's and the team's waterfall, and the
//! deals that changed listed with both their states.
//!
//! [`classify`]: crate::engine::changes::classify

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::engine::EngineError;
use crate::engine::changes::classify;
use crate::engine::changes::report::{
    Change, ChangesPeriod, ChangesReport, DealChange, DealState, RepChanges, Waterfall,
};
use crate::engine::changes::side::{Side, Snap, snapshot};
use crate::engine::metrics::MetricSettings;
use crate::engine::metrics::money::Unconverted;
use crate::engine::metrics::period::{DateRange, PeriodSpec};
use crate::engine::model::{DealStatus, Source};

/// What changed between `before` and `after` in the period of `settings` (a relative period like
/// this-quarter is the one containing the AFTER export's day), with amounts in its home currency.
pub fn compare(
    before: &Side<'_>,
    after: &Side<'_>,
    settings: &MetricSettings,
) -> Result<ChangesReport, EngineError> {
    for side in [before, after] {
        if side.model.deals.is_empty() || side.sources.is_empty() {
            return Err(EngineError::ChangesNoDeals {
                side: side.name.to_owned(),
                files: if side.files.is_empty() {
                    "no file".to_owned()
                } else {
                    side.files.join(", ")
                },
            });
        }
    }
    let crms = |side: &Side<'_>| -> BTreeSet<&'static str> {
        side.sources
            .iter()
            .filter(|s| **s != Source::Generic)
            .map(|s| s.label())
            .collect()
    };
    let (crms_before, crms_after) = (crms(before), crms(after));
    if !crms_before.is_empty() && !crms_after.is_empty() && crms_before.is_disjoint(&crms_after) {
        let list = |set: &BTreeSet<&str>| set.iter().copied().collect::<Vec<_>>().join(", ");
        return Err(EngineError::ChangesDifferentCrms {
            before: list(&crms_before),
            after: list(&crms_after),
        });
    }
    let (before_day, mut before_from) = before.day()?;
    let (after_day, mut after_from) = after.day()?;
    if before.order_given || after.order_given {
        before_from.push_str("; you said this export is the earlier one");
        after_from.push_str("; you said this export is the later one");
    } else if before_day > after_day {
        return Err(EngineError::ChangesBeforeIsNewer {
            before: before_day,
            after: after_day,
        });
    }
    let settings = settings.with_model_calendar(after.model);
    let period = match settings.period {
        PeriodSpec::All => None,
        ref spec => Some(
            spec.resolve(&settings.calendar, after_day, after_day)
                .ok_or_else(|| EngineError::NoSuchPeriod {
                    period: spec.to_string(),
                })?,
        ),
    };
    let money = &settings.money;
    let scope = &settings.scope;
    let old = snapshot(before.model, money, scope, after_day);
    let new = snapshot(after.model, money, scope, after_day);
    let shared = old
        .deals
        .keys()
        .filter(|id| new.deals.contains_key(*id))
        .count();
    if shared == 0 {
        return Err(EngineError::ChangesNoSharedDeals {
            before_deals: old.deals.len() as u64,
            after_deals: new.deals.len() as u64,
        });
    }
    // Stages compare by their order in AFTER's stage table where AFTER knows the stage.
    let order_in_after: HashMap<(String, String), u32> = after
        .model
        .stages
        .entries
        .iter()
        .map(|e| ((e.pipeline.to_lowercase(), e.raw.to_lowercase()), e.order))
        .collect();
    let restaged = |snap: &Snap| -> Snap {
        let mut snap = snap.clone();
        let key = (snap.pipeline.to_lowercase(), snap.stage.to_lowercase());
        if let Some(order) = order_in_after.get(&key) {
            snap.stage_order = *order;
        }
        snap
    };

    let mut team = Waterfall::default();
    let mut reps: BTreeMap<String, RepChanges> = BTreeMap::new();
    let mut deals = Vec::new();
    let mut unconverted: BTreeMap<String, Unconverted> = BTreeMap::new();
    let mut missing_from_after = 0u64;
    let mut out_of_scope = 0u64;
    let ids: BTreeSet<&String> = old.deals.keys().chain(new.deals.keys()).collect();
    for id in ids {
        let b = old.deals.get(id).map(restaged);
        let a = new.deals.get(id);
        let b = b.as_ref();
        let counted = a.or(b);
        let Some(owner) = counted else { continue };
        // The side a deal counts on (AFTER's, else BEFORE's) decides its scope, as it decides its rep.
        if !owner.in_scope {
            out_of_scope += 1;
            continue;
        }
        let in_s = b.is_some_and(|s| classify::in_period(s, period.as_ref()));
        let in_e = a.is_some_and(|s| classify::in_period(s, period.as_ref()));
        let movement = classify::movement(b, a, period.as_ref());
        let mut changes = classify::changes(b, a, period.as_ref());
        if b.is_some() && a.is_none() {
            missing_from_after += 1;
        }
        // A deal whose start or end amount has no rate is listed and left out of every tally.
        let no_rate = [(in_s, b), (in_e, a)]
            .into_iter()
            .filter(|(counts, _)| *counts)
            .filter_map(|(_, s)| s)
            .find(|s| s.amount_home_cents.is_none());
        let mut amount_home_cents = 0;
        if let Some(snap) = no_rate {
            changes.push(Change::NoRate);
            let currency = snap.currency.to_uppercase();
            let entry = unconverted
                .entry(currency.clone())
                .or_insert_with(|| Unconverted {
                    currency,
                    ..Unconverted::default()
                });
            entry.deals += 1;
            entry.amount_cents += snap.amount_cents.unwrap_or(0);
        } else if in_s || in_e {
            let rep = reps
                .entry(owner.rep_key.clone())
                .or_insert_with(|| RepChanges {
                    rep: owner.rep.clone(),
                    rep_id: (!owner.rep_key.is_empty()).then(|| owner.rep_key.clone()),
                    waterfall: Waterfall::default(),
                });
            for w in [&mut team, &mut rep.waterfall] {
                if in_s {
                    w.start
                        .add(b.and_then(|s| s.amount_home_cents).unwrap_or(0));
                }
                if in_e {
                    w.end.add(a.and_then(|s| s.amount_home_cents).unwrap_or(0));
                }
            }
            if let Some(m) = movement {
                amount_home_cents = classify::amount_home_cents(m, b, a).unwrap_or(0);
                team.movements.get_mut(m).add(amount_home_cents);
                rep.waterfall.movements.get_mut(m).add(amount_home_cents);
            }
        }
        if movement.is_some() || !changes.is_empty() {
            deals.push(DealChange {
                id: id.clone(),
                name: owner.name.clone(),
                rep: owner.rep.clone(),
                movement,
                amount_home_cents,
                changes,
                before: b.map(|s| state(s, period.as_ref())),
                after: a.map(|s| state(s, period.as_ref())),
            });
        }
    }
    deals.sort_by(|x, y| {
        (x.movement.is_none(), x.movement, &x.rep, &x.id).cmp(&(
            y.movement.is_none(),
            y.movement,
            &y.rep,
            &y.id,
        ))
    });
    let mut reps: Vec<RepChanges> = reps.into_values().collect();
    reps.sort_by(|x, y| (x.rep_id.is_none(), &x.rep).cmp(&(y.rep_id.is_none(), &y.rep)));

    let mut notes = vec![
        format!(
            "Amounts are in {} at the rates in force on {after_day} (the AFTER day) for both exports, so an amount change is a change in the CRM, never of the rate.",
            money.home_currency
        ),
        "A deal counts for its AFTER owner (its BEFORE owner when it is not in AFTER), start and end alike, so a reassigned deal moves with its new owner.".to_owned(),
    ];
    if out_of_scope > 0 {
        notes.push(format!(
            "{out_of_scope} deals are outside the scope (judged on AFTER, or on BEFORE for a deal not in AFTER) and left out. {}",
            scope.sentence()
        ));
    }
    if missing_from_after > 0 {
        notes.push(format!(
            "{missing_from_after} deals in BEFORE are not in AFTER (deleted, merged or filtered out of the export): each is listed; those in the start are the 'missing' movement, at their BEFORE amount."
        ));
    }
    let unconverted: Vec<Unconverted> = unconverted.into_values().collect();
    for u in &unconverted {
        notes.push(format!(
            "{} deals in {} ({:.2} {}) have no rate into {}: listed, and left out of every tally. Give a rate with --rates.",
            u.deals,
            u.currency,
            u.amount_in_currency(),
            u.currency,
            money.home_currency
        ));
    }
    for (side, snap) in [("BEFORE", &old), ("AFTER", &new)] {
        if snap.excluded > 0 {
            notes.push(format!(
                "{} deals of {side} were excluded on the review list and are left out.",
                snap.excluded
            ));
        }
        if snap.without_id > 0 {
            notes.push(format!(
                "{} deals of {side} have no id, so they cannot be matched across exports and are left out.",
                snap.without_id
            ));
        }
        if !snap.duplicate_ids.is_empty() {
            notes.push(format!(
                "{} ids appear more than once in {side} ({}): the first deal of each is compared.",
                snap.duplicate_ids.len(),
                snap.duplicate_ids.join(", ")
            ));
        }
    }
    // Ids are the CRM's, so a shared id is the same deal; many renamed deals say the ids are not (two
    // orgs, a sandbox, generated ids).
    let renamed = old
        .deals
        .iter()
        .filter(|(id, b)| new.deals.get(*id).is_some_and(|a| a.name != b.name))
        .count();
    if renamed * 2 > shared {
        notes.push(format!(
            "{renamed} of the {shared} deals both exports share by id have another name in AFTER: check that both exports come from the same CRM (not a sandbox or another org)."
        ));
    }
    let no_amount = old
        .deals
        .values()
        .chain(new.deals.values())
        .filter(|s| s.amount_cents.is_none() && s.is_open())
        .count();
    if no_amount > 0 {
        notes.push(format!(
            "{no_amount} open deals (of both exports) have no amount: they count as deals of 0."
        ));
    }
    Ok(ChangesReport {
        period: match &period {
            None => ChangesPeriod {
                label: "all".to_owned(),
                start: None,
                end: None,
            },
            Some(range) => ChangesPeriod {
                label: range.label(),
                start: Some(range.start),
                end: Some(range.end),
            },
        },
        before: before_day,
        before_from,
        after: after_day,
        after_from,
        currency: money.home_currency.clone(),
        team,
        reps,
        deals,
        unconverted,
        notes,
    })
}

/// A deal's state on one side, as the deal list shows it.
fn state(snap: &Snap, period: Option<&DateRange>) -> DealState {
    DealState {
        rep: snap.rep.clone(),
        stage: snap.stage.clone(),
        status: match snap.status {
            DealStatus::Open => "open",
            DealStatus::Won => "won",
            DealStatus::Lost => "lost",
            DealStatus::Disqualified => "disqualified",
        }
        .to_owned(),
        close_date: snap.close_date,
        in_period: classify::in_period(snap, period),
        amount_in_deal_currency: snap.amount_cents.map(|c| c as f64 / 100.0),
        deal_currency: snap.currency.clone(),
        amount_home: snap.amount_home_cents.map(|c| c as f64 / 100.0),
        category: snap.category.clone(),
    }
}
