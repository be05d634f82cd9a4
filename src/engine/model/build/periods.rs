//! A fiscal periods file: each period's type, label, start and end. A period that ends before it starts is
//! rejected; the calendar is kept in order of start.

use crate::engine::ingest::report::NoteKind;
use crate::engine::model::build::context::{Context, cell, column_of, note_row};
use crate::engine::model::build::decide::DateCol;
use crate::engine::model::build::rows::RowReader;
use crate::engine::model::build::types::{FileInput, FileModel};
use crate::engine::model::{Field, FiscalPeriod};

pub(super) struct PeriodsReader {
    period_type: Option<usize>,
    label: Option<usize>,
    start: DateCol,
    end: DateCol,
}

impl PeriodsReader {
    pub(super) fn start(ctx: &Context, input: &FileInput<'_>, file: &mut FileModel) -> Self {
        let c = |f| column_of(input, file, f);
        let (period_type, label, start, end) = (
            c(Field::PeriodType),
            c(Field::PeriodLabel),
            c(Field::PeriodStart),
            c(Field::PeriodEnd),
        );
        let start = ctx.date_col(input, file, start);
        let end = ctx.date_col(input, file, end);
        PeriodsReader {
            period_type,
            label,
            start,
            end,
        }
    }
}

impl RowReader for PeriodsReader {
    fn row(&mut self, ctx: &mut Context, input: &FileInput<'_>, file: &mut FileModel, row: usize) {
        let table = input.table;
        match (
            ctx.date_in(table, row, &self.start, false),
            ctx.date_in(table, row, &self.end, false),
        ) {
            (Some(s), Some(e)) if s <= e => ctx.model.periods.push(FiscalPeriod {
                period_type: cell(table, row, self.period_type).to_owned(),
                start: s,
                end: e,
                label: cell(table, row, self.label).to_owned(),
            }),
            _ => note_row(
                file,
                NoteKind::Rejected,
                table,
                row,
                Field::PeriodStart,
                cell(table, row, self.start.0),
                "A fiscal period needs a start date on or before its end date.".to_owned(),
            ),
        }
    }

    fn end(self: Box<Self>, ctx: &mut Context, _: &FileInput<'_>, _: &mut FileModel) {
        ctx.model.periods.sort_by_key(|p| (p.start, p.end));
    }
}
