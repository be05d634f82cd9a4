//! An activities file: calls, emails, meetings and tasks, each with its rep, time, kind (from the type
//! column, else a call's own duration or outcome, else the subject's first word, else the export's layout),
//! whether it was done, and the deal it belongs to. An activity with no date at all is rejected.

use crate::engine::ingest::report::{Assumption, NoteKind};
use crate::engine::model::Field;
use crate::engine::model::build::context::{Context, cell, column_of, note_row};
use crate::engine::model::build::decide::DateCol;
use crate::engine::model::build::durations::{DurationUnit, duration_unit, layout_activity_kind};
use crate::engine::model::build::rows::RowReader;
use crate::engine::model::build::types::{FileInput, FileModel};
use crate::engine::model::sources::{Source, normalize};
use crate::engine::model::values::scalars::parse_bool;
use crate::engine::model::words::{
    ActivityKind, activity_kind_of_subject, activity_kind_of_type, connected_of_outcome,
    done_of_status,
};

pub(super) struct ActivitiesReader {
    id: Option<usize>,
    owner: Option<usize>,
    kind: Option<usize>,
    subject: Option<usize>,
    done: Option<usize>,
    status: Option<usize>,
    duration: Option<usize>,
    outcome: Option<usize>,
    direction: Option<usize>,
    deal: Option<usize>,
    at: DateCol,
    due: DateCol,
    created: DateCol,
    gmt: bool,
    layout_kind: Option<ActivityKind>,
    duration_unit: DurationUnit,
    /// The duration column is a call's (its header says so).
    call_duration: bool,
    /// The outcome column is a call's outcome or disposition.
    call_outcome: bool,
    by_type: u64,
    by_call_columns: u64,
    by_subject: u64,
    by_layout: u64,
    unowned: u64,
    linked: u64,
}

impl ActivitiesReader {
    pub(super) fn start(ctx: &Context, input: &FileInput<'_>, file: &mut FileModel) -> Self {
        let c = |f| column_of(input, file, f);
        let (id, owner, kind, subject, done, status, duration, outcome, direction, deal) = (
            c(Field::ActivityId),
            c(Field::Owner),
            c(Field::ActivityType),
            c(Field::Subject),
            c(Field::Done),
            c(Field::ActivityStatus),
            c(Field::Duration),
            c(Field::Outcome),
            c(Field::Direction),
            c(Field::DealId),
        );
        let (at, due, created) = (c(Field::At), c(Field::Due), c(Field::Created));
        let at = ctx.date_col(input, file, at);
        let due = ctx.date_col(input, file, due);
        let created = ctx.date_col(input, file, created);
        let layout_kind = layout_activity_kind(&file.mapping);
        let unit = duration_unit(
            &file.mapping,
            file.mapping.column(Field::Duration).unwrap_or(""),
        );
        if duration.is_some() {
            file.assume(Assumption {
                id: "duration_unit".to_owned(),
                column: file.mapping.column(Field::Duration).map(str::to_owned),
                text: format!("Durations are read as {}.", unit.words()),
                choice: unit.id().to_owned(),
                alternatives: ["seconds", "minutes", "milliseconds"]
                    .iter()
                    .filter(|u| **u != unit.id())
                    .map(|u| (*u).to_owned())
                    .collect(),
            });
        }
        let header = |c: Option<usize>| {
            c.and_then(|c| input.report.columns.get(c))
                .map(|c| normalize(&c.original))
                .unwrap_or_default()
        };
        ActivitiesReader {
            id,
            owner,
            kind,
            subject,
            done,
            status,
            duration,
            outcome,
            direction,
            deal,
            at,
            due,
            created,
            gmt: file.mapping.source == Source::Salesforce,
            layout_kind,
            duration_unit: unit,
            call_duration: header(duration).contains("call"),
            call_outcome: header(outcome).contains("call")
                || header(outcome).contains("disposition"),
            by_type: 0,
            by_call_columns: 0,
            by_subject: 0,
            by_layout: 0,
            unowned: 0,
            linked: 0,
        }
    }
}

impl RowReader for ActivitiesReader {
    fn row(&mut self, ctx: &mut Context, input: &FileInput<'_>, file: &mut FileModel, row: usize) {
        let table = input.table;
        let gmt = self.gmt;
        let at_value = cell(table, row, self.at.0);
        let when = match self.at.1.as_ref().map(|d| d.parse(at_value)) {
            Some(Ok(Some(parsed))) => Some(ctx.datetime_of(parsed, gmt)),
            Some(Err(e)) => {
                note_row(
                    file,
                    NoteKind::Rejected,
                    table,
                    row,
                    Field::At,
                    at_value,
                    e.to_string(),
                );
                return;
            }
            _ => [&self.due, &self.created].into_iter().find_map(|(c, d)| {
                d.as_ref()
                    .and_then(|d| d.parse(cell(table, row, *c)).ok().flatten())
                    .map(|p| ctx.datetime_of(p, gmt))
            }),
        };
        let Some(when) = when else {
            note_row(file, NoteKind::Rejected, table, row, Field::At, at_value, "An activity needs a date (its due, start or completion date, or when it was created).".to_owned());
            return;
        };
        let subject = cell(table, row, self.subject);
        // A call's own columns (its duration or outcome) say it is a call when no type does.
        let call_columns = (self.call_duration
            && self
                .duration_unit
                .seconds(cell(table, row, self.duration))
                .is_some_and(|s| s > 0))
            || (self.call_outcome && !cell(table, row, self.outcome).is_empty());
        let kind = if let Some(k) = activity_kind_of_type(cell(table, row, self.kind)) {
            self.by_type += 1;
            k
        } else if call_columns {
            self.by_call_columns += 1;
            ActivityKind::Call
        } else if let Some(k) = activity_kind_of_subject(subject) {
            self.by_subject += 1;
            k
        } else if let Some(k) = self.layout_kind {
            self.by_layout += 1;
            k
        } else {
            ActivityKind::Other
        };
        let done_text = cell(table, row, self.done);
        let done = parse_bool(done_text)
            .ok()
            .flatten()
            .or_else(|| done_of_status(done_text))
            .or_else(|| done_of_status(cell(table, row, self.status)))
            // A logged call with a duration or an outcome took place.
            .or((kind == ActivityKind::Call && call_columns).then_some(true));
        let rep = ctx
            .roster
            .resolve(cell(table, row, self.owner), input.file_id);
        if rep.is_none() {
            self.unowned += 1;
            note_row(
                file,
                NoteKind::Kept,
                table,
                row,
                Field::Owner,
                "",
                "This activity has no owner; it is kept but counts for no rep.".to_owned(),
            );
        }
        let duration_s = self.duration_unit.seconds(cell(table, row, self.duration));
        let outcome = cell(table, row, self.outcome);
        let deal_ref = cell(table, row, self.deal);
        let deal = (!deal_ref.is_empty())
            .then(|| ctx.find_deal_or_name(deal_ref))
            .flatten();
        self.linked += u64::from(deal.is_some());
        let strings = &mut ctx.model.strings;
        let a = &mut ctx.model.activities;
        a.file.push(input.file_id);
        a.row.push(table.origin(row).map_or(0, |o| o.row));
        a.id.push(strings.intern(cell(table, row, self.id)));
        a.rep.push(rep);
        a.kind.push(kind);
        a.at.push(Some(when));
        a.done.push(done);
        a.duration_s.push(duration_s);
        a.outcome.push(strings.intern(outcome));
        a.connected.push(if kind == ActivityKind::Call {
            connected_of_outcome(outcome)
        } else {
            None
        });
        a.direction
            .push(strings.intern(cell(table, row, self.direction)));
        a.deal.push(deal);
        a.subject.push(strings.intern(subject));
    }

    fn end(self: Box<Self>, _: &mut Context, input: &FileInput<'_>, file: &mut FileModel) {
        let mut how = Vec::new();
        if self.by_type > 0 {
            how.push(format!("{} from the type column", self.by_type));
        }
        if self.by_call_columns > 0 {
            how.push(format!(
                "{} calls by their call duration or outcome",
                self.by_call_columns
            ));
        }
        if self.by_subject > 0 {
            how.push(format!("{} from the subject's first word", self.by_subject));
        }
        if self.by_layout > 0 {
            how.push(format!("{} from the kind of export", self.by_layout));
        }
        let total = input.table.row_count() as u64 - file.rejected.len() as u64;
        let other = total
            .saturating_sub(self.by_type + self.by_call_columns + self.by_subject + self.by_layout);
        if other > 0 {
            how.push(format!("{other} said nothing and are 'other'"));
        }
        file.notes.push(format!(
            "Activity kinds: {}.",
            if how.is_empty() {
                "none".to_owned()
            } else {
                how.join(", ")
            }
        ));
        file.notes.push(format!(
            "{} activities are linked to an imported deal{}.",
            self.linked,
            if self.unowned > 0 {
                format!("; {} have no owner", self.unowned)
            } else {
                String::new()
            }
        ));
    }
}
