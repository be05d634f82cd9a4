//! The model build a step at a time, so the worker can yield and see a Cancel between steps: files are
//! read in dependency order (who people are, then leads, then deals newest export first, then what refers
//! to deals), each file in steps — its column decisions fed [`DECIDE_VALUES_PER_STEP`](super::DECIDE_VALUES_PER_STEP) values per step,
//! then one to start its reader, then [`ROWS_PER_STEP`] rows per step, the last with its closing notes —
//! and the finish in [`Finish::PARTS`] steps (the stage table, the history, the deals' outcomes, credit,
//! the roster, the review list, each file's scope) and a last one that gives the model. Progress is counted in units of work
//! fixed when the task is made (a value decided, a row read, a file started, a part of the finish), so a
//! bar over a million-row file moves and never goes back.

use chrono::NaiveDate;

use crate::engine::model::build::context::{Context, business_tz};
use crate::engine::model::build::decide::ColumnDeciders;
use crate::engine::model::build::finish::Finish;
use crate::engine::model::build::reader;
use crate::engine::model::build::rows::RowReader;
use crate::engine::model::build::types::{Built, FileInput, FileModel};
use crate::engine::model::{Kind, ModelSettings};

/// Rows read in one step: a few milliseconds of work in a browser, so Cancel waits for no more than that.
pub const ROWS_PER_STEP: usize = 4_096;

/// Steps after the last file: each part of the finish, then the last one that gives the model.
pub const FINISH_STEPS: usize = Finish::PARTS + 1;

/// Deals exports are read newest first: an older export of the same deals is their earlier state.
const READ_ORDER: [Kind; 10] = [
    Kind::Users,
    Kind::Teams,
    Kind::Leads,
    Kind::Deals,
    Kind::StageHistory,
    Kind::FieldHistory,
    Kind::Activities,
    Kind::Quotas,
    Kind::Periods,
    Kind::NotUsed,
];

/// Where the file being read is.
enum Reading {
    /// Its columns being decided, a slice of values per step.
    Deciding(ColumnDeciders),
    /// Its rows being read: its reader and the next row to read.
    Rows(Box<dyn RowReader>, usize),
}

/// A build in progress. Every step is given the same `inputs` the task was made with.
pub struct BuildTask {
    ctx: Context,
    files: Vec<FileModel>,
    /// Indexes into the inputs, in the order they are read.
    order: Vec<usize>,
    /// Each input's column decisions, planned when the task is made (taken when its file starts).
    deciders: Vec<Option<ColumnDeciders>>,
    /// Position in `order` of the file being read (or to read next).
    next: usize,
    /// The file being read (`None` before its first step).
    reading: Option<Reading>,
    /// The finish, once every file is read.
    finish: Finish,
    /// Units of work in all (each file's values to decide, one to start it and its rows; each part of the
    /// finish and the last step) and done so far.
    units_total: usize,
    units_done: usize,
    warnings: Vec<String>,
}

impl BuildTask {
    /// Plans every file (kind, mapping) from the settings; nothing is read yet.
    pub fn new(inputs: &[FileInput<'_>], settings: &ModelSettings) -> Self {
        let tz = business_tz(settings);
        let mut warnings = Vec::new();
        if let Some(name) = &settings.business_time_zone
            && tz.is_none()
        {
            warnings.push(format!("'{name}' is not a time zone pipelens knows (use an IANA name like America/Mexico_City); UTC is used."));
        }
        let mut ctx = Context::new(settings, tz.unwrap_or(chrono_tz::UTC));
        let files: Vec<FileModel> = inputs.iter().map(|input| ctx.plan(input)).collect();
        for input in inputs {
            ctx.roster.name_file(input.file_id, &input.report.file);
        }
        let mut order = Vec::with_capacity(inputs.len());
        for kind in READ_ORDER {
            let mut of_kind: Vec<usize> = (0..inputs.len())
                .filter(|&i| files[i].mapping.kind == kind)
                .collect();
            if kind == Kind::Deals {
                of_kind.sort_by_key(|&i| {
                    std::cmp::Reverse(inputs[i].report.taken_on.unwrap_or(NaiveDate::MAX))
                });
            }
            order.extend(of_kind);
        }
        let deciders: Vec<Option<ColumnDeciders>> = inputs
            .iter()
            .zip(&files)
            .map(|(input, file)| Some(ColumnDeciders::plan(input, file)))
            .collect();
        let units_total = order
            .iter()
            .map(|&i| {
                let values = deciders
                    .get(i)
                    .and_then(Option::as_ref)
                    .zip(inputs.get(i))
                    .map_or(0, |(d, input)| d.values(input.table));
                values + inputs.get(i).map_or(0, |input| input.table.row_count()) + 1
            })
            .sum::<usize>()
            + FINISH_STEPS;
        BuildTask {
            ctx,
            files,
            order,
            deciders,
            next: 0,
            reading: None,
            finish: Finish::default(),
            units_total,
            units_done: 0,
            warnings,
        }
    }

    /// Units of work in all: every value decided and row read of every file, one per file to start its
    /// reader, and the [`FINISH_STEPS`].
    pub fn steps(&self) -> usize {
        self.units_total
    }

    /// Units of work done so far.
    pub fn done(&self) -> usize {
        self.units_done
    }

    /// The name of the file being read, or read next, if one is.
    pub fn next_file<'i>(&self, inputs: &'i [FileInput<'_>]) -> Option<&'i str> {
        let i = *self.order.get(self.next)?;
        inputs.get(i).map(|input| input.report.file.as_str())
    }

    /// Does the next step; the last one gives the model.
    pub fn step(&mut self, inputs: &[FileInput<'_>]) -> Option<Built> {
        let Some(&i) = self.order.get(self.next) else {
            if self.finish.is_done() {
                return Some(self.conclude());
            }
            self.finish.step(&mut self.ctx, &mut self.files);
            self.units_done += 1;
            return None;
        };
        let (Some(input), Some(file)) = (inputs.get(i), self.files.get_mut(i)) else {
            self.next += 1;
            return None;
        };
        let reading = match self.reading.take() {
            Some(reading) => reading,
            None => Reading::Deciding(
                self.deciders
                    .get_mut(i)
                    .and_then(Option::take)
                    .unwrap_or_else(|| ColumnDeciders::plan(input, file)),
            ),
        };
        match reading {
            Reading::Deciding(deciders) if deciders.is_done() => {
                self.ctx.decided = deciders.conclude(file);
                let rows = reader::start(&mut self.ctx, input, file);
                self.ctx.decided = Default::default();
                self.reading = Some(Reading::Rows(rows, 0));
                self.units_done += 1;
            }
            Reading::Deciding(mut deciders) => {
                self.units_done += deciders.feed(input.table);
                self.reading = Some(Reading::Deciding(deciders));
            }
            Reading::Rows(mut rows, from) => {
                let to = (from + ROWS_PER_STEP).min(input.table.row_count());
                for row in from..to {
                    rows.row(&mut self.ctx, input, file, row);
                }
                self.units_done += to - from;
                if to < input.table.row_count() {
                    self.reading = Some(Reading::Rows(rows, to));
                } else {
                    rows.end(&mut self.ctx, input, file);
                    self.next += 1;
                }
            }
        }
        None
    }

    /// The last step, after the finish: the model and what was made of each file.
    fn conclude(&mut self) -> Built {
        let mut warnings = std::mem::take(&mut self.warnings);
        warnings.append(&mut self.finish.warnings);
        self.units_done = self.units_total;
        Built {
            model: std::mem::take(&mut self.ctx.model),
            files: std::mem::take(&mut self.files),
            review: std::mem::take(&mut self.finish.review),
            merges: std::mem::take(&mut self.finish.merges),
            warnings,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::ingest::limits::Limits;
    use crate::engine::ingest::{ImportJob, ImportOptions, ImportedFile, Slice};

    /// Every file of a fixture folder, imported.
    fn imported(dir: &std::path::Path) -> Vec<ImportedFile> {
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "csv" || e == "xlsx"))
            .collect();
        paths.sort();
        paths
            .iter()
            .enumerate()
            .map(|(i, path)| {
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                let bytes = std::fs::read(path).unwrap();
                let mut job = ImportJob::new(
                    i as u32,
                    name,
                    bytes,
                    ImportOptions::default(),
                    Limits::default(),
                );
                loop {
                    if let Slice::Done(file) = job.step() {
                        break *file.unwrap();
                    }
                }
            })
            .collect()
    }

    /// The steps that decide a file's columns plan every column its reader asks about: no fixture's reader
    /// decides a column in one go at its start.
    #[test]
    fn every_column_a_reader_decides_was_decided_in_the_steps_before() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let mut folders: Vec<_> = ["model", "metrics"]
            .iter()
            .flat_map(|group| std::fs::read_dir(root.join(group)).unwrap())
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_dir())
            .chain([root.join("metrics2")])
            .collect();
        folders.sort();
        assert!(folders.len() >= 9, "{folders:?}");
        for folder in folders {
            let files = imported(&folder);
            let inputs: Vec<FileInput<'_>> = files
                .iter()
                .map(|f| FileInput {
                    file_id: f.file_id,
                    report: &f.report,
                    table: &f.table,
                })
                .collect();
            let mut task = BuildTask::new(&inputs, &ModelSettings::default());
            let mut steps = 0;
            while task.step(&inputs).is_none() {
                steps += 1;
                assert!(task.done() <= task.steps(), "{folder:?}");
            }
            assert!(steps > inputs.len(), "{folder:?}");
            assert_eq!(task.ctx.decided_in_one_go.get(), 0, "{folder:?}");
        }
    }
}
