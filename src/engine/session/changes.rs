//! The session's `Changes` request: a model built from each group of files (BEFORE, then AFTER, a
//! [`BuildTask`] step at a time, with the session's model settings), then the two compared by
//! [`crate::engine::changes::compare`]. The session's own model (every file together) is neither used nor
//! rebuilt.

use crate::engine::EngineError;
use crate::engine::changes::{ChangesReport, Side, compare};
use crate::engine::ingest::FileId;
use crate::engine::metrics::MetricSettings;
use crate::engine::model::Kind;
use crate::engine::model::build::{BuildTask, Built, FileInput};
use crate::engine::session::Session;

/// A `Changes` request being worked on.
pub(super) struct ChangesJob {
    settings: MetricSettings,
    groups: [Vec<FileId>; 2],
    task: Option<BuildTask>,
    built: Vec<Built>,
}

/// Where a `Changes` job is after one step.
pub(super) enum ChangesStep {
    /// A model build went a step further: (steps done, steps) of the build under way.
    Building(usize, usize),
    Done(Result<Box<ChangesReport>, EngineError>),
}

impl ChangesJob {
    /// The job, or the error for a group that is empty or names a file the session does not hold.
    pub(super) fn new(
        session: &Session,
        settings: MetricSettings,
        before_files: Vec<FileId>,
        after_files: Vec<FileId>,
    ) -> Result<ChangesJob, EngineError> {
        for (side, group) in [("BEFORE", &before_files), ("AFTER", &after_files)] {
            if group.is_empty() {
                return Err(EngineError::ChangesNoDeals {
                    side: side.to_owned(),
                    files: "no file".to_owned(),
                });
            }
            if let Some(id) = group
                .iter()
                .find(|id| !session.files.iter().any(|f| f.file_id == **id))
            {
                return Err(session.unknown_file(*id));
            }
        }
        Ok(ChangesJob {
            settings,
            groups: [before_files, after_files],
            task: None,
            built: Vec::new(),
        })
    }

    /// One step: a step of the build of the next group's model, or the comparison of the two.
    pub(super) fn step(&mut self, session: &Session) -> ChangesStep {
        if let Some(group) = self.groups.get(self.built.len()) {
            let inputs = inputs(session, group);
            let task = self
                .task
                .get_or_insert_with(|| BuildTask::new(&inputs, &session.settings));
            let built = task.step(&inputs);
            let (done, total) = (task.done(), task.steps());
            if let Some(built) = built {
                self.built.push(built);
                self.task = None;
            }
            return ChangesStep::Building(done, total);
        }
        let [before_files, after_files] = &self.groups;
        let (Some(before), Some(after)) = (self.built.first(), self.built.get(1)) else {
            return ChangesStep::Done(Err(EngineError::Protocol {
                detail: "a Changes job compared before both models were built".to_owned(),
            }));
        };
        let before = side(session, "BEFORE", before_files, before);
        let after = side(session, "AFTER", after_files, after);
        ChangesStep::Done(compare(&before, &after, &self.settings).map(Box::new))
    }
}

/// The two newest exports of deals the session holds, by the day each was taken: (BEFORE, AFTER), each
/// with the roster files (users, teams) so reps are named alike on both sides. Stage history, activities
/// and the rest describe today and stay out of BEFORE. Needs the session's model built (for each file's
/// kind); an error says what is missing when there are not two exports of two different days.
pub(super) fn pair(session: &Session) -> Result<(Vec<FileId>, Vec<FileId>), EngineError> {
    let Some(built) = &session.built else {
        return Err(EngineError::ChangesNeedTwoExports {
            exports: 0,
            days: "none".to_owned(),
        });
    };
    let kind_of = |id: FileId| {
        built
            .files
            .iter()
            .find(|m| m.file_id == id)
            .map(|m| m.mapping.kind)
    };
    let deals: Vec<(FileId, Option<chrono::NaiveDate>)> = session
        .files
        .iter()
        .filter(|f| kind_of(f.file_id) == Some(Kind::Deals))
        .map(|f| (f.file_id, f.report.taken_on))
        .collect();
    let mut days: Vec<chrono::NaiveDate> = deals.iter().filter_map(|(_, d)| *d).collect();
    days.sort_unstable();
    days.dedup();
    let [.., older, newer] = days[..] else {
        return Err(EngineError::ChangesNeedTwoExports {
            exports: deals.len(),
            days: if days.is_empty() {
                "no day known".to_owned()
            } else {
                days.iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            },
        });
    };
    let roster: Vec<FileId> = session
        .files
        .iter()
        .filter(|f| matches!(kind_of(f.file_id), Some(Kind::Users | Kind::Teams)))
        .map(|f| f.file_id)
        .collect();
    let group = |day: chrono::NaiveDate| -> Vec<FileId> {
        deals
            .iter()
            .filter(|(_, d)| *d == Some(day))
            .map(|(id, _)| *id)
            .chain(roster.iter().copied())
            .collect()
    };
    Ok((group(older), group(newer)))
}

/// The files of a group, in import order, as the build reads them.
fn inputs<'a>(session: &'a Session, group: &[FileId]) -> Vec<FileInput<'a>> {
    session
        .files
        .iter()
        .filter(|f| group.contains(&f.file_id))
        .map(|f| FileInput {
            file_id: f.file_id,
            report: &f.report,
            table: &f.table,
        })
        .collect()
}

/// One side for the comparison: its model, file names, the CRMs of its deals files and their `taken on` day.
fn side<'a>(session: &Session, name: &'static str, group: &[FileId], built: &'a Built) -> Side<'a> {
    let mut files = Vec::new();
    let mut sources = Vec::new();
    let mut taken_on = None;
    for file in session.files.iter().filter(|f| group.contains(&f.file_id)) {
        files.push(file.report.file.clone());
        let deals = built
            .files
            .iter()
            .find(|m| m.file_id == file.file_id)
            .filter(|m| m.mapping.kind == Kind::Deals);
        if let Some(model) = deals {
            sources.push(model.mapping.source);
            taken_on = taken_on.max(file.report.taken_on);
        }
    }
    Side {
        name,
        model: &built.model,
        files,
        sources,
        taken_on,
    }
}
