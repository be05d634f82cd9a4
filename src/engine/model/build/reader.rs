//! Which reader a file needs: [`start`] checks that the file's kind has its required columns (else every
//! row is skipped with the reason, `FileModel::unused_reason`) and starts the reader of that kind, which states the
//! file's column decisions.

use crate::engine::ingest::report::NoteKind;
use crate::engine::model::Kind;
use crate::engine::model::build::activities::ActivitiesReader;
use crate::engine::model::build::context::{Context, note};
use crate::engine::model::build::deals::DealsReader;
use crate::engine::model::build::history::{OwnerHistoryReader, StageHistoryReader};
use crate::engine::model::build::leads::LeadsReader;
use crate::engine::model::build::periods::PeriodsReader;
use crate::engine::model::build::quotas::QuotasReader;
use crate::engine::model::build::rows::RowReader;
use crate::engine::model::build::types::{FileInput, FileModel};
use crate::engine::model::build::users::{TeamsReader, UsersReader};

/// Gives the reader of a file's rows, which takes the file's column decisions (made by the steps before,
/// see `decide`).
pub(super) fn start(
    ctx: &mut Context,
    input: &FileInput<'_>,
    file: &mut FileModel,
) -> Box<dyn RowReader> {
    let kind = file.mapping.kind;
    if let Some(reason) = file.unused_reason() {
        if kind != Kind::NotUsed {
            file.notes.push(reason.clone());
        }
        return Box::new(Unused { reason });
    }
    match kind {
        Kind::Users => Box::new(UsersReader::start(input, file)),
        Kind::Teams => Box::new(TeamsReader::start(ctx, input, file)),
        Kind::Leads => Box::new(LeadsReader::start(ctx, input, file)),
        Kind::Deals => Box::new(DealsReader::start(ctx, input, file)),
        Kind::StageHistory => Box::new(StageHistoryReader::start(ctx, input, file)),
        Kind::FieldHistory => Box::new(OwnerHistoryReader::start(ctx, input, file)),
        Kind::Activities => Box::new(ActivitiesReader::start(ctx, input, file)),
        Kind::Quotas => Box::new(QuotasReader::start(ctx, input, file)),
        Kind::Periods => Box::new(PeriodsReader::start(ctx, input, file)),
        Kind::NotUsed => Box::new(Unused {
            reason: String::new(),
        }),
    }
}

/// A file the model cannot use: every row is skipped, with the reason.
struct Unused {
    reason: String,
}

impl RowReader for Unused {
    fn row(&mut self, _: &mut Context, input: &FileInput<'_>, file: &mut FileModel, row: usize) {
        file.skipped.push(note(
            input.table,
            row,
            None,
            "",
            self.reason.clone(),
            NoteKind::Skipped,
        ));
    }

    fn end(self: Box<Self>, _: &mut Context, _: &FileInput<'_>, _: &mut FileModel) {}
}
