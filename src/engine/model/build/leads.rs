//! A leads file: each lead's first contact, which a deal that names the lead takes as its creation date.

use crate::engine::model::Field;
use crate::engine::model::build::context::{Context, cell, column_of};
use crate::engine::model::build::decide::DateCol;
use crate::engine::model::build::rows::RowReader;
use crate::engine::model::build::types::{FileInput, FileModel};

pub(super) struct LeadsReader {
    id: Option<usize>,
    created: DateCol,
}

impl LeadsReader {
    pub(super) fn start(ctx: &Context, input: &FileInput<'_>, file: &mut FileModel) -> Self {
        let id = column_of(input, file, Field::LeadId);
        let created = column_of(input, file, Field::Created);
        LeadsReader {
            id,
            created: ctx.date_col(input, file, created),
        }
    }
}

impl RowReader for LeadsReader {
    fn row(&mut self, ctx: &mut Context, input: &FileInput<'_>, _: &mut FileModel, row: usize) {
        let lead = cell(input.table, row, self.id);
        if let Some(date) = ctx.date_in(input.table, row, &self.created, false) {
            ctx.lead_created.insert(lead.to_owned(), date);
        }
    }

    fn end(self: Box<Self>, _: &mut Context, input: &FileInput<'_>, file: &mut FileModel) {
        file.notes.push(format!(
            "{} leads: deals that name a lead take its first contact as their creation date.",
            input.table.row_count()
        ));
    }
}
