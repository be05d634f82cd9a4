//! What the build takes and gives: one imported file as the model reads it ([`FileInput`]), what the model
//! made of each file for its report ([`FileModel`]), and the model with what it says about itself ([`Built`]).

use serde::{Deserialize, Serialize};

use crate::engine::ingest::report::{Assumption, FileReport, RowNote};
use crate::engine::ingest::{FileId, Table};
use crate::engine::model::recognize::Mapping;
use crate::engine::model::review::ReviewItem;
use crate::engine::model::{Kind, Merge, SalesModel};

/// One imported file, as the model reads it.
pub struct FileInput<'a> {
    pub file_id: FileId,
    pub report: &'a FileReport,
    pub table: &'a Table,
}

/// What the model made of one file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileModel {
    pub file_id: FileId,
    pub mapping: Mapping,
    pub assumptions: Vec<Assumption>,
    /// What the file covers ("only open deals", "one owner", "2016-10 to 2017-12").
    pub scope: Vec<String>,
    /// Rows the model could not use although they were read: moved from accepted to rejected.
    pub rejected: Vec<RowNote>,
    /// Rows skipped by the model (not used, a duplicate id, history of a deal not imported).
    pub skipped: Vec<RowNote>,
    /// Rows used with a problem in an optional value.
    pub kept: Vec<RowNote>,
    /// Sentences about joins and derivations (closed dates, credit, links).
    pub notes: Vec<String>,
}

impl FileModel {
    /// Why the file cannot be read (its kind holds nothing pipelens uses, or a column its kind needs is not
    /// mapped), or `None` when it can.
    pub(super) fn unused_reason(&self) -> Option<String> {
        let kind = self.mapping.kind;
        let mut missing: Vec<String> = kind
            .required()
            .iter()
            .filter(|f| self.mapping.column(**f).is_none())
            .map(|f| f.id())
            .collect();
        let any = kind.required_any();
        if !any.is_empty() && any.iter().all(|f| self.mapping.column(*f).is_none()) {
            let names: Vec<String> = any.iter().map(|f| f.id()).collect();
            missing.push(format!("one of {}", names.join(", ")));
        }
        if kind == Kind::NotUsed {
            Some(
                "This file holds nothing pipelens uses; choose a kind for it if it should be read."
                    .to_owned(),
            )
        } else if !missing.is_empty() {
            Some(format!(
                "Not used: a {} file needs a column mapped to {}.",
                kind.label().to_lowercase(),
                missing.join(" and ")
            ))
        } else {
            None
        }
    }

    /// States an assumption once (the first statement of an id stands).
    pub(super) fn assume(&mut self, assumption: Assumption) {
        if !self.assumptions.iter().any(|a| a.id == assumption.id) {
            self.assumptions.push(assumption);
        }
    }
}

/// The model and what it says about itself.
pub struct Built {
    pub model: SalesModel,
    pub files: Vec<FileModel>,
    pub review: Vec<ReviewItem>,
    /// Cross-file rep matches, each undoable.
    pub merges: Vec<Merge>,
    pub warnings: Vec<String>,
}
