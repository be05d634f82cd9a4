//! Review: what the user should look at before trusting the numbers — likely duplicate deals, test records
//! and people who may not be reps — and the scope each file covers. Flagged records stay in the numbers
//! until the user excludes them (by key, undoably); the scope lets later metrics refuse what a file cannot
//! support ("this export has no lost deals").

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::engine::ingest::FileId;
use crate::engine::model::words::looks_like_test;
use crate::engine::model::{DealIx, DealStatus, Kind, ModelSettings, RepIx, SalesModel};

/// What two deals must share to be one deal entered twice: account, name, owner, amount.
type DuplicateKey = (String, String, Option<u32>, Option<i64>);

/// Days apart within which two otherwise identical deals count as one deal entered twice.
const DUPLICATE_WINDOW_DAYS: i64 = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewKind {
    PossibleDuplicate,
    TestRecord,
    NotARep,
}

/// One thing to review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewItem {
    /// Stable key: excluding it is saved as this key.
    pub key: String,
    pub kind: ReviewKind,
    pub description: String,
    /// Ids of the deals concerned (for a duplicate: the later copies, the first is kept either way).
    pub deal_ids: Vec<String>,
    /// The rep concerned, for people.
    pub rep: Option<String>,
    pub excluded: bool,
}

/// The review list is found in three parts, in this order (the model build does each in a step of its
/// own): deals that look entered twice (the later copies; the first is kept either way), then
/// [`test_records`], then [`people_and_marks`], which also marks flagged and excluded deals in the model.
pub fn possible_duplicates(model: &SalesModel) -> Vec<ReviewItem> {
    let mut items = Vec::new();
    let d = &model.deals;
    let text = |sym| model.strings.get(sym).trim().to_lowercase();

    // Possible duplicates: two ids with the same account, name, owner and amount, created and closed within a
    // few days of each other. The same account buying the same thing twice in a month is business, not this.
    let mut groups: HashMap<DuplicateKey, Vec<DealIx>> = HashMap::new();
    for ix in 0..d.len() {
        let (account, name) = (text(d.account[ix]), text(d.name[ix]));
        if account.is_empty() || name.is_empty() {
            continue;
        }
        groups
            .entry((account, name, d.owner[ix], d.amount_cents[ix]))
            .or_default()
            .push(ix as DealIx);
    }
    let near = |a: Option<NaiveDate>, b: Option<NaiveDate>| match (a, b) {
        (Some(a), Some(b)) => (a - b).num_days().abs() <= DUPLICATE_WINDOW_DAYS,
        (None, None) => true,
        _ => false,
    };
    let mut duplicate_of: Vec<(DealIx, DealIx)> = Vec::new();
    for members in groups.values().filter(|m| m.len() > 1) {
        for (k, &later) in members.iter().enumerate().skip(1) {
            let l = later as usize;
            if let Some(&first) = members[..k].iter().find(|&&f| {
                let f = f as usize;
                near(d.created_on[f], d.created_on[l])
                    && near(
                        d.closed_on[f].or(d.expected_close_on[f]),
                        d.closed_on[l].or(d.expected_close_on[l]),
                    )
            }) {
                duplicate_of.push((later, first));
            }
        }
    }
    duplicate_of.sort();
    for (later, first) in duplicate_of {
        let (l, f) = (later as usize, first as usize);
        let id = model.strings.get(d.id[l]).to_owned();
        items.push(ReviewItem {
            key: format!("duplicate:{id}"),
            kind: ReviewKind::PossibleDuplicate,
            description: format!(
                "'{}' for {} ({}) looks entered twice: deal {} has the same account, name, owner and amount, created and closed within {DUPLICATE_WINDOW_DAYS} days.",
                model.strings.get(d.name[l]),
                model.strings.get(d.account[l]),
                id,
                model.strings.get(d.id[f])
            ),
            deal_ids: vec![id],
            rep: None,
            excluded: false,
        });
    }

    items
}

/// Deals whose name or account looks like a test record.
pub fn test_records(model: &SalesModel) -> Vec<ReviewItem> {
    let mut items = Vec::new();
    let d = &model.deals;
    for ix in 0..d.len() {
        let (name, account) = (
            model.strings.get(d.name[ix]),
            model.strings.get(d.account[ix]),
        );
        if looks_like_test(name) || looks_like_test(account) {
            let id = model.strings.get(d.id[ix]).to_owned();
            items.push(ReviewItem {
                key: format!("test:{id}"),
                kind: ReviewKind::TestRecord,
                description: format!("'{name}' ({account}) looks like a test record."),
                deal_ids: vec![id],
                rep: None,
                excluded: false,
            });
        }
    }

    items
}

/// Adds the people who may not be reps to `items`, marks each item's deals flagged (and excluded when the
/// user excluded the item), and takes the reps the user excluded off their deals and activities.
pub fn people_and_marks(
    model: &mut SalesModel,
    settings: &ModelSettings,
    items: &mut Vec<ReviewItem>,
) {
    for rep in &model.reps {
        if let Some(reason) = &rep.review {
            items.push(ReviewItem {
                key: format!("rep:{}", rep.key),
                kind: ReviewKind::NotARep,
                description: format!("{}: {reason}", rep.name),
                deal_ids: Vec::new(),
                rep: Some(rep.name.clone()),
                excluded: false,
            });
        }
    }

    let index: HashMap<String, usize> = (0..model.deals.len())
        .map(|ix| (model.strings.get(model.deals.id[ix]).to_owned(), ix))
        .collect();
    for item in items.iter_mut() {
        item.excluded = settings.excluded.contains(&item.key);
        for id in &item.deal_ids {
            if let Some(&ix) = index.get(id) {
                model.deals.flagged[ix] = true;
                model.deals.excluded[ix] |= item.excluded;
            }
        }
    }
    // People excluded as not reps (integration users, managers): their deals and activities stay in the team's
    // totals, credited to no rep, so they leave every per-rep table, median and ranking.
    for rep in &mut model.reps {
        rep.excluded = settings.excluded.contains(&format!("rep:{}", rep.key));
    }
    let gone: Vec<RepIx> = model
        .reps
        .iter()
        .enumerate()
        .filter(|(_, r)| r.excluded)
        .map(|(ix, _)| ix as RepIx)
        .collect();
    if !gone.is_empty() {
        let unassign = |rep: &mut Option<RepIx>| {
            if rep.is_some_and(|r| gone.contains(&r)) {
                *rep = None;
            }
        };
        let d = &mut model.deals;
        d.owner.iter_mut().for_each(unassign);
        d.credited.iter_mut().for_each(unassign);
        d.creator.iter_mut().for_each(unassign);
        model.activities.rep.iter_mut().for_each(unassign);
        model.quotas.iter_mut().for_each(|q| unassign(&mut q.rep));
    }
}

/// What a file covers, as sentences later metrics can check.
pub fn file_scope(model: &SalesModel, file: FileId, kind: Kind) -> Vec<String> {
    let mut scope = Vec::new();
    match kind {
        Kind::Deals => {
            let d = &model.deals;
            let rows: Vec<usize> = (0..d.len()).filter(|&i| d.file[i] == file).collect();
            if rows.is_empty() {
                return scope;
            }
            let count = |s: DealStatus| rows.iter().filter(|&&i| d.status[i] == s).count();
            let (open, won, lost) = (
                count(DealStatus::Open),
                count(DealStatus::Won),
                count(DealStatus::Lost) + count(DealStatus::Disqualified),
            );
            scope.push(format!(
                "{} deals: {open} open, {won} won, {lost} lost.",
                rows.len()
            ));
            if won + lost == 0 {
                scope.push(
                    "Only open deals: win rates and cycle times need an export with closed deals."
                        .to_owned(),
                );
            } else if lost == 0 {
                scope.push(
                    "No lost deals: win rate needs an export that includes lost deals.".to_owned(),
                );
            } else if won == 0 {
                scope.push(
                    "No won deals: bookings and win rate need an export that includes won deals."
                        .to_owned(),
                );
            }
            if open == 0 {
                scope.push(
                    "No open deals: pipeline and coverage need an export that includes open deals."
                        .to_owned(),
                );
            }
            let mut owners: Vec<_> = rows.iter().filter_map(|&i| d.owner[i]).collect();
            owners.sort_unstable();
            owners.dedup();
            match owners.len() {
                0 => scope.push("No owners: per-rep numbers are not possible.".to_owned()),
                1 => scope.push(format!(
                    "One owner only ({}): there is no team to compare with.",
                    model.rep_name(owners.first().copied())
                )),
                n => scope.push(format!("{n} owners.")),
            }
            let dates: Vec<NaiveDate> = rows
                .iter()
                .flat_map(|&i| [d.created_on[i], d.closed_on[i].or(d.expected_close_on[i])])
                .flatten()
                .collect();
            if let (Some(first), Some(last)) = (dates.iter().min(), dates.iter().max()) {
                let months = (last.year() - first.year()) * 12 + last.month() as i32
                    - first.month() as i32
                    + 1;
                scope.push(format!(
                    "Dates from {} to {} ({months} months).",
                    first.format("%Y-%m-%d"),
                    last.format("%Y-%m-%d")
                ));
                if months <= 12 {
                    scope.push(
                        "One year or less: same-period-last-year comparisons are not possible."
                            .to_owned(),
                    );
                }
            }
            let pipelines: std::collections::BTreeSet<&str> = rows
                .iter()
                .map(|&i| model.strings.get(d.pipeline[i]))
                .filter(|p| !p.is_empty())
                .collect();
            if pipelines.len() > 1 {
                scope.push(format!(
                    "{} pipelines: {}.",
                    pipelines.len(),
                    pipelines.into_iter().collect::<Vec<_>>().join(", ")
                ));
            }
        }
        Kind::Activities => {
            let a = &model.activities;
            let rows: Vec<usize> = (0..a.len()).filter(|&i| a.file[i] == file).collect();
            let mut kinds: Vec<String> = Vec::new();
            for kind in [
                crate::engine::model::ActivityKind::Call,
                crate::engine::model::ActivityKind::Email,
                crate::engine::model::ActivityKind::Meeting,
                crate::engine::model::ActivityKind::Task,
                crate::engine::model::ActivityKind::Other,
            ] {
                let n = rows.iter().filter(|&&i| a.kind[i] == kind).count();
                if n > 0 {
                    kinds.push(format!("{n} {}s", kind.label()));
                }
            }
            scope.push(format!("{} activities: {}.", rows.len(), kinds.join(", ")));
            let dates: Vec<NaiveDate> = rows
                .iter()
                .filter_map(|&i| a.at[i])
                .map(|t| t.date())
                .collect();
            if let (Some(first), Some(last)) = (dates.iter().min(), dates.iter().max()) {
                scope.push(format!(
                    "Dates from {} to {}.",
                    first.format("%Y-%m-%d"),
                    last.format("%Y-%m-%d")
                ));
            }
        }
        _ => {}
    }
    scope
}
