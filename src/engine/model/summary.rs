//! Summary: the model as the import report and the UI show it — counts, the roster, the stage table, the
//! review list — and each file's report enriched with what the model decided about it.

use serde::{Deserialize, Serialize};

use crate::engine::ingest::report::{FileReport, MappingEntry};
use crate::engine::model::build::{Built, FileModel};
use crate::engine::model::recognize::MappedBy;
use crate::engine::model::review::ReviewItem;
use crate::engine::model::words::{LostCategory, lost_category};
use crate::engine::model::{DealStatus, Merge, StageEntry};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DealCounts {
    pub total: u64,
    pub open: u64,
    pub won: u64,
    pub lost: u64,
    pub disqualified: u64,
    /// On the review list (counted until excluded).
    pub flagged: u64,
    pub excluded: u64,
}

/// A rep as the roster shows them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RepSummary {
    /// The identity the rep was matched on; roster choices and exclusions (`rep:KEY`) name it.
    #[serde(default)]
    pub key: String,
    pub name: String,
    pub email: Option<String>,
    pub team: Option<String>,
    pub manager: Option<String>,
    pub role: Option<String>,
    pub active: Option<bool>,
    #[serde(default)]
    pub started_on: Option<chrono::NaiveDate>,
    #[serde(default)]
    pub ended_on: Option<chrono::NaiveDate>,
    /// Excluded by the user: their deals and activities count for the team, credited to no rep.
    #[serde(default)]
    pub excluded: bool,
    pub deals_owned: u64,
    pub deals_credited: u64,
    pub activities: u64,
    pub aliases: Vec<String>,
    pub files: Vec<String>,
    pub review: Option<String>,
}

/// The model at a glance.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ModelSummary {
    pub business_time_zone: String,
    /// Earliest and latest date on a deal (created, expected or actual close).
    pub first_date: Option<chrono::NaiveDate>,
    pub last_date: Option<chrono::NaiveDate>,
    /// Reps who own at least one deal.
    pub selling_reps: u64,
    pub deals: DealCounts,
    pub history_rows: u64,
    pub stage_changes: u64,
    pub activities: u64,
    pub quotas: u64,
    pub fiscal_periods: u64,
    pub reps: Vec<RepSummary>,
    pub stages: Vec<StageEntry>,
    pub review: Vec<ReviewItem>,
    /// Reps matched across files (each can be undone).
    pub merges: Vec<Merge>,
    pub warnings: Vec<String>,
    /// Every lost reason of the lost deals as the export writes it (trimmed), most frequent first: the rows of
    /// the editable lost-reason table.
    #[serde(default)]
    pub lost_reasons: Vec<LostReasonCount>,
}

impl ModelSummary {
    /// The named pipelines of the stage table, sorted, each once.
    pub fn pipelines(&self) -> Vec<String> {
        let mut pipelines: Vec<String> = self
            .stages
            .iter()
            .map(|s| s.pipeline.clone())
            .filter(|p| !p.is_empty())
            .collect();
        pipelines.sort();
        pipelines.dedup();
        pipelines
    }

    /// Every distinct value of one roster fact (team, manager …), sorted.
    pub fn roster_values(&self, pick: impl Fn(&RepSummary) -> Option<String>) -> Vec<String> {
        let mut values: Vec<String> = self.reps.iter().filter_map(pick).collect();
        values.sort();
        values.dedup();
        values
    }
}

/// A lost reason, how many lost deals give it, and the category its words put it in until the user says
/// otherwise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LostReasonCount {
    pub reason: String,
    pub deals: u64,
    #[serde(default)]
    pub default_category: LostCategory,
}

pub fn summarize(built: &Built, file_names: &[(u32, String)], time_zone: &str) -> ModelSummary {
    let m = &built.model;
    let d = &m.deals;
    let count = |s: DealStatus| (0..d.len()).filter(|&i| d.status[i] == s).count() as u64;
    let name_of = |id: u32| {
        file_names
            .iter()
            .find(|(f, _)| *f == id)
            .map_or_else(|| format!("file {id}"), |(_, n)| n.clone())
    };
    let reps = m
        .reps
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let ix = Some(i as u32);
            RepSummary {
                key: r.key.clone(),
                name: r.name.clone(),
                email: r.email.clone(),
                team: r.team.clone(),
                manager: r.manager.clone(),
                role: r.role.clone(),
                active: r.active,
                started_on: r.started_on,
                ended_on: r.ended_on,
                excluded: r.excluded,
                deals_owned: d.owner.iter().filter(|o| **o == ix).count() as u64,
                deals_credited: d.credited.iter().filter(|o| **o == ix).count() as u64,
                activities: m.activities.rep.iter().filter(|o| **o == ix).count() as u64,
                aliases: r.aliases.clone(),
                files: r.files.iter().map(|f| name_of(*f)).collect(),
                review: r.review.clone(),
            }
        })
        .collect();
    let dates = || {
        (0..d.len())
            .flat_map(|i| [d.created_on[i], d.expected_close_on[i], d.closed_on[i]])
            .flatten()
    };
    let mut owners: Vec<u32> = d.owner.iter().flatten().copied().collect();
    owners.sort_unstable();
    owners.dedup();
    ModelSummary {
        business_time_zone: time_zone.to_owned(),
        first_date: dates().min(),
        last_date: dates().max(),
        selling_reps: owners.len() as u64,
        deals: DealCounts {
            total: d.len() as u64,
            open: count(DealStatus::Open),
            won: count(DealStatus::Won),
            lost: count(DealStatus::Lost),
            disqualified: count(DealStatus::Disqualified),
            flagged: d.flagged.iter().filter(|f| **f).count() as u64,
            excluded: d.excluded.iter().filter(|f| **f).count() as u64,
        },
        history_rows: m.history.len() as u64,
        stage_changes: m.history.stage_changed.iter().filter(|c| **c).count() as u64,
        activities: m.activities.len() as u64,
        quotas: m.quotas.len() as u64,
        fiscal_periods: m.periods.len() as u64,
        reps,
        stages: {
            let mut stages = m.stages.entries.clone();
            stages.sort_by(|a, b| {
                (&a.pipeline, a.order, &a.raw).cmp(&(&b.pipeline, b.order, &b.raw))
            });
            stages
        },
        review: built.review.clone(),
        merges: built.merges.clone(),
        lost_reasons: {
            let mut counts: std::collections::BTreeMap<String, u64> =
                std::collections::BTreeMap::new();
            for i in (0..d.len()).filter(|&i| d.status[i] == DealStatus::Lost) {
                let reason = m.text(d.lost_reason[i]).trim();
                if !reason.is_empty() {
                    *counts.entry(reason.to_owned()).or_default() += 1;
                }
            }
            let mut list: Vec<LostReasonCount> = counts
                .into_iter()
                .map(|(reason, deals)| LostReasonCount {
                    default_category: lost_category(&reason),
                    reason,
                    deals,
                })
                .collect();
            list.sort_by(|a, b| b.deals.cmp(&a.deals).then_with(|| a.reason.cmp(&b.reason)));
            list
        },
        warnings: {
            let mut warnings = built.warnings.clone();
            let ids = m
                .reps
                .iter()
                .filter(|r| looks_like_salesforce_user_id(&r.name))
                .count();
            if ids > 0 {
                warnings.push(format!(
                    "{ids} reps are known only by their Salesforce user id: import the User export (User.csv) to see their names."
                ));
            }
            let unsure: Vec<String> = m
                .stages
                .entries
                .iter()
                .filter(|e| e.unsure)
                .map(|e| {
                    let place = if e.pipeline.is_empty() {
                        String::new()
                    } else {
                        format!(" in {}", e.pipeline)
                    };
                    format!("'{}'{place} ({} deals)", e.raw, e.deals)
                })
                .collect();
            if !unsure.is_empty() {
                warnings.push(format!(
                    "Nothing in the files says whether these stages are open, won or lost, so their deals are read as open: {}. Say which on the stage table (or `--stage PIPELINE:STAGE=won`).",
                    unsure.join(", ")
                ));
            }
            warnings
        },
    }
}

/// `005…` ids of 15 or 18 letters and digits: Salesforce user ids.
fn looks_like_salesforce_user_id(text: &str) -> bool {
    (text.len() == 15 || text.len() == 18)
        && text.starts_with("005")
        && text.chars().all(|c| c.is_ascii_alphanumeric())
}

/// The header's one-line description of what is loaded: "3 files · 8,800 deals · 30 reps · Oct 2016 –
/// Dec 2017".
pub fn dataset_line(files: usize, model: &ModelSummary) -> String {
    if files == 0 {
        return "No data yet".to_owned();
    }
    let plural = |n: u64, word: &str| {
        format!(
            "{} {word}{}",
            crate::engine::numfmt::thousands(n),
            if n == 1 { "" } else { "s" }
        )
    };
    let mut parts = vec![
        plural(files as u64, "file"),
        plural(model.deals.total, "deal"),
        plural(model.selling_reps, "rep"),
    ];
    if let (Some(first), Some(last)) = (model.first_date, model.last_date) {
        parts.push(format!(
            "{} – {}",
            first.format("%b %Y"),
            last.format("%b %Y")
        ));
    }
    parts.join(" · ")
}

/// A file's ingest report with what the model decided about it: source, kind, mapping, assumptions, scope,
/// and the rows the model could not use moved from accepted to rejected or skipped.
pub fn enrich(report: &FileReport, file: &FileModel) -> FileReport {
    let mut out = report.clone();
    let mapping = &file.mapping;
    out.source = mapping.source.id().to_owned();
    out.kind = mapping.kind.id().to_owned();
    out.confidence = serde_json::to_value(mapping.confidence)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    out.layout = format!("{} {}", mapping.source.label(), mapping.layout);
    out.mapping = mapping
        .fields
        .iter()
        .map(|f| MappingEntry {
            field: f.field.id(),
            column: f.column.clone(),
            by: match f.by {
                MappedBy::Layout => "layout",
                MappedBy::HeaderName => "header_name",
                MappedBy::User => "user",
            }
            .to_owned(),
        })
        .collect();
    out.assumptions = file.assumptions.clone();
    out.scope = file.scope.clone();
    out.warnings.push(mapping.evidence.clone());
    out.warnings
        .extend(file.assumptions.iter().map(|a| a.text.clone()));
    out.warnings.extend(file.notes.iter().cloned());
    for note in &file.rejected {
        out.reject_accepted(note.clone());
    }
    for note in &file.skipped {
        out.skip_accepted(note.clone());
    }
    for note in &file.kept {
        out.note_kept(note.clone());
    }
    out
}
