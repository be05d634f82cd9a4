//! The model build a step at a time, so the worker can yield and see a Cancel between steps: files are
//! read in dependency order (who people are, then leads, then deals newest export first, then what refers
//! to deals), each file in steps — one to decide its columns, then [`ROWS_PER_STEP`] rows per step, then
//! its closing notes — and a last step decides the stages, credits deals, matches the roster and lists
//! what to review. Progress is counted in rows, so a bar over a million-row file moves.

use chrono::NaiveDate;

use crate::engine::model::build::context::{Context, business_tz};
use crate::engine::model::build::reader;
use crate::engine::model::build::rows::RowReader;
use crate::engine::model::build::types::{Built, FileInput, FileModel};
use crate::engine::model::people::Roster;
use crate::engine::model::review::{file_scope, review_list};
use crate::engine::model::{Kind, ModelSettings};

/// Rows read in one step: a few milliseconds of work in a browser, so Cancel waits for no more than that.
pub const ROWS_PER_STEP: usize = 4_096;

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

/// A build in progress. Every step is given the same `inputs` the task was made with.
pub struct BuildTask {
    ctx: Context,
    files: Vec<FileModel>,
    /// Indexes into the inputs, in the order they are read.
    order: Vec<usize>,
    /// Position in `order` of the file being read (or to read next).
    next: usize,
    /// The file being read: its reader and the next row to read.
    reading: Option<(Box<dyn RowReader>, usize)>,
    /// Units of work in all (each file's rows and one to start it, one to finish) and done so far.
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
        let units_total = order
            .iter()
            .map(|&i| inputs.get(i).map_or(0, |input| input.table.row_count()) + 1)
            .sum::<usize>()
            + 1;
        BuildTask {
            ctx,
            files,
            order,
            next: 0,
            reading: None,
            units_total,
            units_done: 0,
            warnings,
        }
    }

    /// Units of work in all: every row of every file, one per file to start it, and the finish.
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
            return Some(self.finish(inputs));
        };
        let (Some(input), Some(file)) = (inputs.get(i), self.files.get_mut(i)) else {
            self.next += 1;
            return None;
        };
        match self.reading.take() {
            None => {
                self.reading = Some((reader::start(&mut self.ctx, input, file), 0));
                self.units_done += 1;
            }
            Some((mut rows, from)) => {
                let to = (from + ROWS_PER_STEP).min(input.table.row_count());
                for row in from..to {
                    rows.row(&mut self.ctx, input, file, row);
                }
                self.units_done += to - from;
                if to < input.table.row_count() {
                    self.reading = Some((rows, to));
                } else {
                    rows.end(&mut self.ctx, input, file);
                    self.next += 1;
                }
            }
        }
        None
    }

    fn finish(&mut self, inputs: &[FileInput<'_>]) -> Built {
        let mut files = std::mem::take(&mut self.files);
        let ctx = &mut self.ctx;
        ctx.finish_deals(&mut files);
        let deals_owned = {
            let mut owned = vec![0u32; ctx.roster_len()];
            for owner in ctx.model.deals.owner.iter().flatten() {
                if let Some(n) = owned.get_mut(*owner as usize) {
                    *n += 1;
                }
            }
            owned
        };
        let settings = &ctx.settings;
        let mut model = std::mem::take(&mut ctx.model);
        let mut roster = std::mem::replace(&mut ctx.roster, Roster::new(&[]));
        let mut warnings = std::mem::take(&mut self.warnings);
        warnings.extend(roster.set_by_hand(&settings.roster));
        let (reps, merges) = roster.finish(&deals_owned);
        model.reps = reps;
        let review = review_list(&mut model, settings);
        for (input, file) in inputs.iter().zip(files.iter_mut()) {
            file.scope = file_scope(&model, input.file_id, file.mapping.kind);
        }
        self.units_done = self.units_total;
        Built {
            model,
            files,
            review,
            merges,
            warnings,
        }
    }
}
