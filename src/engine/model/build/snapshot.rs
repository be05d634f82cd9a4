//! A row of an older export of deals already read: not a new deal but that deal's stage, amount and close
//! date on the day the export was taken, kept as a history row (for slips and pushes). A deal in the older
//! export but not in the newer one is left out with a note: the newer export is each deal's current state.

use chrono::NaiveDate;

use crate::engine::ingest::report::NoteKind;
use crate::engine::model::Field;
use crate::engine::model::build::context::{Context, cell, note_row};
use crate::engine::model::build::deals::DealsReader;
use crate::engine::model::build::types::{FileInput, FileModel};

impl DealsReader {
    pub(super) fn snapshot_row(
        &mut self,
        ctx: &mut Context,
        input: &FileInput<'_>,
        file: &mut FileModel,
        row: usize,
        day: NaiveDate,
        newer: Option<NaiveDate>,
    ) {
        let table = input.table;
        let raw_id = cell(table, row, self.c.id);
        let Some(deal) = ctx.find_deal(raw_id) else {
            self.snapshot_gone += 1;
            note_row(
                file,
                NoteKind::Skipped,
                table,
                row,
                Field::DealId,
                raw_id,
                format!(
                    "This deal is in this export of {day} but not in the newer export{}: the newer export is each deal's current state, so it is left out.",
                    newer.map(|n| format!(" of {n}")).unwrap_or_default()
                ),
            );
            return;
        };
        let pipeline = ctx.pipeline_of(deal);
        let stage_raw = cell(table, row, self.c.stage);
        let stage =
            (!stage_raw.is_empty()).then(|| ctx.stages.see_in_history(&pipeline, stage_raw));
        let amount = self
            .money
            .as_ref()
            .and_then(|m| m.parse(cell(table, row, self.c.amount)).ok().flatten())
            .map(|m| m.amount_cents);
        let close_on = ctx.date_in(table, row, &self.expected, self.gmt);
        let probability = self
            .probability
            .as_ref()
            .and_then(|p| p.parse(cell(table, row, self.c.prob)).ok().flatten())
            .map(|p| p as f32);
        let category = ctx
            .model
            .strings
            .intern(cell(table, row, self.c.forecast).trim());
        ctx.pending_history.push((
            deal,
            day.and_hms_opt(0, 0, 0).unwrap_or_default(),
            stage,
            amount,
            close_on,
            probability,
            category,
        ));
        ctx.snapshot_deals.insert(deal, newer);
        self.snapshot_rows += 1;
    }
}
