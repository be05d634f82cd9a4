//! One row of a deals file read as a new deal: its id (a duplicate is skipped, an id damaged by Excel is
//! kept and said), owner and creator through the roster, stage, dates, outcome evidence, amount and
//! currency, probability, and the text fields, pushed onto the model's deal columns.

use crate::engine::ingest::report::NoteKind;
use crate::engine::model::build::context::{Context, DealFlags, cell, currency_cell, note_row};
use crate::engine::model::build::deals::DealsReader;
use crate::engine::model::build::decide::DateCol;
use crate::engine::model::build::types::{FileInput, FileModel};
use crate::engine::model::sources::Source;
use crate::engine::model::values::money::DecimalMark;
use crate::engine::model::values::scalars::{IdCheck, check_id, parse_bool, parse_number};
use crate::engine::model::words::{Outcome, fold, status_outcome};
use crate::engine::model::{ClosedOnFrom, DealIx, DealStatus, Field};

impl DealsReader {
    pub(super) fn deal_row(
        &mut self,
        ctx: &mut Context,
        input: &FileInput<'_>,
        file: &mut FileModel,
        row: usize,
    ) {
        let table = input.table;
        let c = &self.c;
        let raw_id = cell(table, row, c.id);
        if let IdCheck::ExcelDamaged { .. } = check_id(raw_id) {
            self.excel_ids += 1;
            note_row(file, NoteKind::Kept, table, row, Field::DealId, raw_id, "This id looks damaged by Excel (scientific notation); it is kept as written, so it may not match other files.".to_owned());
        }
        let deal_id = if raw_id.is_empty() {
            format!(
                "{}#{}",
                input.report.file,
                table.origin(row).map_or(row as u64, |o| o.row)
            )
        } else {
            raw_id.to_owned()
        };
        if let Some(first) = ctx.find_deal(&deal_id) {
            let other = ctx.model.deals.file[first as usize];
            let reason = format!(
                "A deal with id '{deal_id}' was already read (file {}, row {}); this row is skipped.",
                other, ctx.model.deals.row[first as usize]
            );
            note_row(
                file,
                NoteKind::Skipped,
                table,
                row,
                Field::DealId,
                raw_id,
                reason,
            );
            return;
        }
        if self.is_unlabelled_total(table, row, raw_id) {
            let value = cell(table, row, c.amount);
            let reason = format!(
                "Looks like a totals row: no id, owner or stage, and its amount is the sum of the {} rows above; it is skipped, not read as a deal.",
                self.amount_rows
            );
            note_row(
                file,
                NoteKind::Skipped,
                table,
                row,
                Field::Amount,
                value,
                reason,
            );
            return;
        }
        let ix = ctx.model.deals.len() as DealIx;
        ctx.deal_index.insert(deal_id.clone(), ix);
        if deal_id.len() == 18 && deal_id.starts_with("006") {
            ctx.deal_index.insert(deal_id[..15].to_owned(), ix);
        }
        let owner = ctx.roster.resolve(cell(table, row, c.owner), input.file_id);
        if owner.is_none() {
            note_row(
                file,
                NoteKind::Kept,
                table,
                row,
                Field::Owner,
                "",
                "This deal has no owner; it counts in team totals under '(no owner)'.".to_owned(),
            );
        }
        let creator = ctx
            .roster
            .resolve(cell(table, row, c.creator), input.file_id)
            .filter(|_| c.creator.is_some());
        let pipeline = cell(table, row, c.pipeline);
        let stage_raw = cell(table, row, c.stage);
        let stage = ctx.stages.see(pipeline, stage_raw);
        ctx.stages.count_deal(stage);
        if let Some(order) = parse_number(cell(table, row, c.order), DecimalMark::Dot)
            .ok()
            .flatten()
        {
            ctx.stages.sort_order(stage, order);
        }
        let gmt = self.gmt;
        let date = |col: &DateCol, field: Field, file: &mut FileModel| {
            read_date(ctx, input, file, row, col, field, gmt)
        };
        let created_on = date(&self.created, Field::Created, file);
        let expected_close_on = date(&self.expected, Field::ExpectedClose, file);
        let closed_column_on = date(&self.closed, Field::Closed, file);
        let won_on = date(&self.won, Field::WonTime, file).or_else(|| {
            self.won_more
                .iter()
                .find_map(|w| date(w, Field::WonTime, file))
        });
        let lost_on = date(&self.lost, Field::LostTime, file).or_else(|| {
            self.lost_more
                .iter()
                .find_map(|l| date(l, Field::LostTime, file))
        });
        let last_activity_on = date(&self.last_activity, Field::LastActivity, file);
        let updated_on = date(&self.stage_changed, Field::StageChanged, file)
            .or_else(|| date(&self.modified, Field::Modified, file));

        // Outcome evidence: an explicit status, else won/closed flags, else won/lost times.
        let mut flags = DealFlags {
            won_on,
            lost_on,
            closed_column_on,
            updated_on,
            updated_left_out: ctx
                .settings
                .choice(&input.report.file, super::finish::CLOSED_WITHOUT_DATE)
                == Some("leave_out"),
            lead_id: cell(table, row, c.lead).to_owned(),
            ..DealFlags::default()
        };
        if let Some(outcome) =
            status_outcome(cell(table, row, c.status)).filter(|_| c.status.is_some())
        {
            flags.status = Some(outcome);
            flags.status_from = "the status column";
        } else if c.won_flag.is_some() || c.closed_flag.is_some() {
            let is_won = parse_bool(cell(table, row, c.won_flag))
                .ok()
                .flatten()
                .unwrap_or(false);
            let is_closed = parse_bool(cell(table, row, c.closed_flag))
                .ok()
                .flatten()
                .unwrap_or(is_won);
            flags.status = Some(if is_won {
                Outcome::Won
            } else if is_closed {
                Outcome::Lost
            } else {
                Outcome::Open
            });
            flags.status_from = "IsWon / IsClosed";
        } else if won_on.is_some() && c.stage.is_none() {
            flags.status = Some(Outcome::Won);
            flags.status_from = "the won date";
        } else if lost_on.is_some() && c.stage.is_none() {
            flags.status = Some(Outcome::Lost);
            flags.status_from = "the lost date";
        } else if self.no_outcome_columns {
            flags.status = Some(Outcome::Open);
            flags.status_from = "no stage or status";
        }
        // A stage's outcome is voted only by flags the CRM derives from the stage itself (Salesforce's
        // IsWon / IsClosed), or by the deal's outcome when the file has no stage at all. A status column
        // does not vote: Pipedrive and Dynamics keep a won deal in its last open stage.
        if let Some(outcome) = flags.status
            && (flags.status_from == "IsWon / IsClosed" || c.stage.is_none())
        {
            ctx.stages.vote(stage, outcome, flags.status_from);
        }
        let mut amount_cents = None;
        // A bare '$' (or "dollars") is the dollar the user picked for this file, US by default.
        let dollar = ctx
            .settings
            .choice(&input.report.file, "dollar_currency")
            .unwrap_or("USD")
            .to_owned();
        let mut currency = currency_cell(file, table, row, c.currency);
        if currency == "$" {
            self.dollar_rows += 1;
            currency = dollar.clone();
        }
        if let Some(money) = &self.money {
            let value = cell(table, row, c.amount);
            match money.parse(value) {
                Ok(Some(m)) => {
                    amount_cents = Some(m.amount_cents);
                    self.amount_sum_cents = self.amount_sum_cents.saturating_add(m.amount_cents);
                    self.amount_rows += 1;
                    if currency.is_empty() {
                        currency = match m.currency.as_deref() {
                            Some("$") => {
                                self.dollar_rows += 1;
                                dollar.clone()
                            }
                            Some(code) => code.to_owned(),
                            None => String::new(),
                        };
                    }
                }
                Ok(None) => {}
                Err(e) => note_row(
                    file,
                    NoteKind::Kept,
                    table,
                    row,
                    Field::Amount,
                    value,
                    format!("{e} The amount is left empty."),
                ),
            }
        }
        let mut probability_value = None;
        if let Some(p) = &self.probability {
            let value = cell(table, row, c.prob);
            match p.parse(value) {
                Ok(v) => probability_value = v.map(|v| v as f32),
                Err(e) => note_row(
                    file,
                    NoteKind::Kept,
                    table,
                    row,
                    Field::Probability,
                    value,
                    format!("{e} The probability is left empty."),
                ),
            }
            if let Some(v) = probability_value {
                ctx.stages.probability(stage, f64::from(v) * 100.0);
            }
        }
        if flags.status.is_none() {
            ctx.stages.relies(stage);
            // The CRM's own probability marks a closed stage: HubSpot's deal stage probability is 1 for a
            // closed-won stage and 0 for a closed-lost one (anything between is open); elsewhere 100% or 0%
            // counts only with a forecast category that says closed, and only in a file without a status
            // column (Dynamics keeps a won deal, 100% and "Won", in its last open stage).
            if let Some(p) = probability_value {
                let category = fold(cell(table, row, c.forecast));
                let hubspot = file.mapping.source == Source::Hubspot;
                let says = |words: &[&str]| words.iter().any(|w| category == *w);
                let vote = if hubspot && p >= 0.995 {
                    Some((Outcome::Won, "HubSpot's deal probability (100%)"))
                } else if hubspot && p <= 0.005 {
                    Some((Outcome::Lost, "HubSpot's deal probability (0%)"))
                } else if hubspot {
                    Some((
                        Outcome::Open,
                        "HubSpot's deal probability (between 0 and 100%)",
                    ))
                } else if c.status.is_none() && p >= 0.995 && says(&["closed", "closed won", "won"])
                {
                    Some((
                        Outcome::Won,
                        "probability 100% with forecast category Closed",
                    ))
                } else if c.status.is_none()
                    && p <= 0.005
                    && says(&["omitted", "closed lost", "lost"])
                {
                    Some((
                        Outcome::Lost,
                        "probability 0% with forecast category Omitted",
                    ))
                } else {
                    None
                };
                if let Some((outcome, from)) = vote {
                    ctx.stages.vote(stage, outcome, from);
                }
            }
        }

        let name = cell(table, row, c.name);
        let strings = &mut ctx.model.strings;
        let d = &mut ctx.model.deals;
        d.file.push(input.file_id);
        d.row.push(table.origin(row).map_or(0, |o| o.row));
        d.id.push(strings.intern(&deal_id));
        d.name.push(strings.intern(name));
        d.account.push(strings.intern(cell(table, row, c.account)));
        d.pipeline.push(strings.intern(pipeline));
        d.deal_type
            .push(strings.intern(cell(table, row, c.deal_type)));
        d.stage_raw.push(strings.intern(stage_raw));
        d.stage.push(stage);
        d.status.push(DealStatus::Open);
        d.created_on.push(created_on);
        d.expected_close_on.push(expected_close_on);
        d.closed_on.push(None);
        d.closed_on_from.push(ClosedOnFrom::None);
        d.amount_cents.push(amount_cents);
        d.currency.push(strings.intern(&currency));
        d.probability.push(probability_value);
        d.forecast_category
            .push(strings.intern(cell(table, row, c.forecast)));
        d.lead_source
            .push(strings.intern(cell(table, row, c.source)));
        d.lost_reason
            .push(strings.intern(cell(table, row, c.lost_reason)));
        d.last_activity_on.push(last_activity_on);
        d.owner.push(owner);
        d.credited.push(owner);
        d.owner_assumed_current.push(true);
        d.creator.push(creator);
        d.flagged.push(false);
        d.excluded.push(false);
        ctx.deal_flags.push(flags);
        if !name.is_empty() {
            ctx.deal_names
                .entry(name.to_lowercase())
                .and_modify(|e| *e = None)
                .or_insert(Some(ix));
        }
    }
}

/// A date cell of a deal: a bad value keeps the row, leaves the date empty and says so.
fn read_date(
    ctx: &Context,
    input: &FileInput<'_>,
    file: &mut FileModel,
    row: usize,
    (column, decision): &DateCol,
    field: Field,
    gmt: bool,
) -> Option<chrono::NaiveDate> {
    let value = cell(input.table, row, *column);
    match decision.as_ref().map(|d| d.parse(value)) {
        Some(Ok(Some(parsed))) => Some(ctx.date_of(parsed, gmt)),
        Some(Err(e)) => {
            let reason = format!("{e} The date is left empty.");
            note_row(file, NoteKind::Kept, input.table, row, field, value, reason);
            None
        }
        _ => None,
    }
}

impl DealsReader {
    /// A report's totals row that carries no label: no id, owner or stage, and an amount equal to the sum
    /// of the amounts of at least two rows above it.
    fn is_unlabelled_total(
        &self,
        table: &crate::engine::ingest::Table,
        row: usize,
        raw_id: &str,
    ) -> bool {
        let c = &self.c;
        if !raw_id.is_empty()
            || !cell(table, row, c.owner).is_empty()
            || !cell(table, row, c.stage).is_empty()
            || self.amount_rows < 2
        {
            return false;
        }
        self.money
            .as_ref()
            .and_then(|m| m.parse(cell(table, row, c.amount)).ok().flatten())
            .is_some_and(|m| m.amount_cents == self.amount_sum_cents)
    }
}
