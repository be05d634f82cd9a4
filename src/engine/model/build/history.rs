//! What happened to deals over time: a stage history file (each change's time, stage, amount, expected
//! close, probability) and a field history file, of which only owner changes are used (for credit at
//! close). Both join to the deals already read, by id (or, for stage history, by a unique name); rows of
//! deals not imported are skipped with a note. Rows wait in the context until the stage table is decided.

use crate::engine::ingest::report::NoteKind;
use crate::engine::model::Field;
use crate::engine::model::build::context::{Context, cell, column_of, note_row};
use crate::engine::model::build::decide::DateCol;
use crate::engine::model::build::rows::RowReader;
use crate::engine::model::build::types::{FileInput, FileModel};
use crate::engine::model::sources::Source;
use crate::engine::model::values::money::MoneyColumn;
use crate::engine::model::values::scalars::ProbabilityColumn;
use crate::engine::model::words::fold;

pub(super) struct StageHistoryReader {
    deal: Option<usize>,
    stage: Option<usize>,
    amount: Option<usize>,
    prob: Option<usize>,
    probability: Option<ProbabilityColumn>,
    category: Option<usize>,
    at: DateCol,
    close: DateCol,
    money: Option<MoneyColumn>,
    gmt: bool,
    unknown: u64,
}

impl StageHistoryReader {
    pub(super) fn start(ctx: &Context, input: &FileInput<'_>, file: &mut FileModel) -> Self {
        let c = |f| column_of(input, file, f);
        let category = c(Field::ForecastCategory);
        let (deal, stage, amount, prob, at, close) = (
            c(Field::DealId),
            c(Field::Stage),
            c(Field::Amount),
            c(Field::Probability),
            c(Field::At),
            c(Field::ExpectedClose),
        );
        let probability = prob.map(|p| ctx.probability_column(input, file, p));
        let at = ctx.date_col(input, file, at);
        let close = ctx.date_col(input, file, close);
        let money = amount.map(|a| ctx.money_column(input, file, a));
        StageHistoryReader {
            category,
            deal,
            stage,
            amount,
            prob,
            probability,
            at,
            close,
            money,
            gmt: file.mapping.source == Source::Salesforce,
            unknown: 0,
        }
    }
}

impl RowReader for StageHistoryReader {
    fn row(&mut self, ctx: &mut Context, input: &FileInput<'_>, file: &mut FileModel, row: usize) {
        let table = input.table;
        let deal_id = cell(table, row, self.deal);
        let Some(deal) = ctx.find_deal_or_name(deal_id) else {
            self.unknown += 1;
            note_row(
                file,
                NoteKind::Skipped,
                table,
                row,
                Field::DealId,
                deal_id,
                "History of a deal that is not in the imported deals.".to_owned(),
            );
            return;
        };
        let at_value = cell(table, row, self.at.0);
        let when = match self.at.1.as_ref().map(|d| d.parse(at_value)) {
            Some(Ok(Some(parsed))) => ctx.datetime_of(parsed, self.gmt),
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
            _ => {
                note_row(
                    file,
                    NoteKind::Rejected,
                    table,
                    row,
                    Field::At,
                    at_value,
                    "A history row needs the time of the change.".to_owned(),
                );
                return;
            }
        };
        let stage_raw = cell(table, row, self.stage);
        let stage = (!stage_raw.is_empty()).then(|| {
            let pipeline = ctx.pipeline_of(deal);
            ctx.stages.see_in_history(&pipeline, stage_raw)
        });
        let amount = self
            .money
            .as_ref()
            .and_then(|m| m.parse(cell(table, row, self.amount)).ok().flatten())
            .map(|m| m.amount_cents);
        let probability = self
            .probability
            .as_ref()
            .and_then(|p| p.parse(cell(table, row, self.prob)).ok().flatten());
        if let (Some(stage), Some(value)) = (stage, probability) {
            ctx.stages.probability(stage, value * 100.0);
        }
        let close_on = ctx.date_in(table, row, &self.close, self.gmt);
        let category = ctx
            .model
            .strings
            .intern(cell(table, row, self.category).trim());
        ctx.pending_history.push((
            deal,
            when,
            stage,
            amount,
            close_on,
            probability.map(|p| p as f32),
            category,
        ));
    }

    fn end(self: Box<Self>, _: &mut Context, input: &FileInput<'_>, file: &mut FileModel) {
        let unknown = self.unknown;
        file.notes.push(format!(
            "{} history rows joined to deals by id{}.",
            input.table.row_count() as u64 - unknown - file.rejected.len() as u64,
            if unknown > 0 {
                format!("; {unknown} name deals that are not imported and were skipped")
            } else {
                String::new()
            }
        ));
    }
}

pub(super) struct OwnerHistoryReader {
    deal: Option<usize>,
    field: Option<usize>,
    old: Option<usize>,
    new: Option<usize>,
    at: DateCol,
    owner_rows: u64,
}

impl OwnerHistoryReader {
    pub(super) fn start(ctx: &Context, input: &FileInput<'_>, file: &mut FileModel) -> Self {
        let c = |f| column_of(input, file, f);
        let (deal, field, old, new, at) = (
            c(Field::DealId),
            c(Field::ChangedField),
            c(Field::OldValue),
            c(Field::NewValue),
            c(Field::At),
        );
        OwnerHistoryReader {
            deal,
            field,
            old,
            new,
            at: ctx.date_col(input, file, at),
            owner_rows: 0,
        }
    }
}

impl RowReader for OwnerHistoryReader {
    fn row(&mut self, ctx: &mut Context, input: &FileInput<'_>, file: &mut FileModel, row: usize) {
        let table = input.table;
        let field = fold(cell(table, row, self.field));
        if !matches!(
            field.as_str(),
            "owner" | "ownerid" | "owner id" | "ownerassignment" | "owner assignment"
        ) {
            note_row(
                file,
                NoteKind::Skipped,
                table,
                row,
                Field::ChangedField,
                cell(table, row, self.field),
                "Not an owner change; only owner history is used.".to_owned(),
            );
            return;
        }
        let Some(deal) = ctx.find_deal(cell(table, row, self.deal)) else {
            note_row(
                file,
                NoteKind::Skipped,
                table,
                row,
                Field::DealId,
                cell(table, row, self.deal),
                "History of a deal that is not in the imported deals.".to_owned(),
            );
            return;
        };
        let Some(when) = self
            .at
            .1
            .as_ref()
            .and_then(|d| d.parse(cell(table, row, self.at.0)).ok().flatten())
            .map(|p| ctx.datetime_of(p, true))
        else {
            note_row(
                file,
                NoteKind::Rejected,
                table,
                row,
                Field::At,
                cell(table, row, self.at.0),
                "An owner change needs its time.".to_owned(),
            );
            return;
        };
        let old = ctx
            .roster
            .resolve(cell(table, row, self.old), input.file_id);
        let new = ctx
            .roster
            .resolve(cell(table, row, self.new), input.file_id);
        ctx.owner_changes.push((deal, when, old, new));
        self.owner_rows += 1;
    }

    fn end(self: Box<Self>, _: &mut Context, _: &FileInput<'_>, file: &mut FileModel) {
        file.notes.push(format!(
            "{} owner changes: closed deals are credited to their owner at close.",
            self.owner_rows
        ));
    }
}
