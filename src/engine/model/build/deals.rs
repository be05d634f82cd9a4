//! A deals file, decided once: which column holds each field, how each date, money and probability column
//! reads (HubSpot's per-pipeline "Date entered Closed Won" columns included), whether the file has any
//! outcome column, and whether it is an older export of deals already read (then each row is that deal's
//! state on the day it was taken, see `snapshot`). Each row is then a new deal (`deal_row`) or a snapshot.

use chrono::NaiveDate;

use crate::engine::ingest::report::Assumption;
use crate::engine::model::Field;
use crate::engine::model::build::context::{Context, cell, column_of};
use crate::engine::model::build::decide::{DateCol, hubspot_family_columns};
use crate::engine::model::build::rows::RowReader;
use crate::engine::model::build::types::{FileInput, FileModel};
use crate::engine::model::sources::Source;
use crate::engine::model::values::money::MoneyColumn;
use crate::engine::model::values::scalars::ProbabilityColumn;

/// A deals file's columns, by field.
pub(super) struct DealColumns {
    pub(super) id: Option<usize>,
    pub(super) name: Option<usize>,
    pub(super) account: Option<usize>,
    pub(super) owner: Option<usize>,
    pub(super) pipeline: Option<usize>,
    pub(super) deal_type: Option<usize>,
    pub(super) stage: Option<usize>,
    pub(super) order: Option<usize>,
    pub(super) status: Option<usize>,
    pub(super) closed_flag: Option<usize>,
    pub(super) won_flag: Option<usize>,
    pub(super) amount: Option<usize>,
    pub(super) currency: Option<usize>,
    pub(super) prob: Option<usize>,
    pub(super) forecast: Option<usize>,
    pub(super) source: Option<usize>,
    pub(super) lost_reason: Option<usize>,
    pub(super) creator: Option<usize>,
    pub(super) lead: Option<usize>,
}

pub(super) struct DealsReader {
    pub(super) c: DealColumns,
    pub(super) created: DateCol,
    pub(super) expected: DateCol,
    pub(super) closed: DateCol,
    pub(super) won: DateCol,
    /// HubSpot's other pipelines' "Date entered Closed Won" columns, read in turn.
    pub(super) won_more: Vec<DateCol>,
    pub(super) lost: DateCol,
    pub(super) lost_more: Vec<DateCol>,
    pub(super) last_activity: DateCol,
    /// The last stage change and the last modified day: a closed deal's close date of last resort.
    pub(super) stage_changed: DateCol,
    pub(super) modified: DateCol,
    pub(super) money: Option<MoneyColumn>,
    pub(super) probability: Option<ProbabilityColumn>,
    /// Times are GMT (a Salesforce data export).
    pub(super) gmt: bool,
    /// No stage, status or won flag: every deal's outcome comes from its dates.
    pub(super) no_outcome_columns: bool,
    /// An older export of deals already read: (the day it was taken, the day the newer one was).
    pub(super) snapshot_on: Option<(NaiveDate, Option<NaiveDate>)>,
    pub(super) snapshot_rows: u64,
    pub(super) snapshot_gone: u64,
    /// Amounts with a bare `$` and no currency column.
    pub(super) dollar_rows: u64,
    /// Ids that look damaged by Excel.
    pub(super) excel_ids: u64,
    /// The amounts of the rows read so far, summed as written (a totals row without a label repeats it).
    pub(super) amount_sum_cents: i64,
    pub(super) amount_rows: u64,
}

impl DealsReader {
    pub(super) fn start(ctx: &mut Context, input: &FileInput<'_>, file: &mut FileModel) -> Self {
        let col = |f| column_of(input, file, f);
        let c = DealColumns {
            id: col(Field::DealId),
            name: col(Field::DealName),
            account: col(Field::Account),
            owner: col(Field::Owner),
            pipeline: col(Field::Pipeline),
            deal_type: col(Field::DealType),
            stage: col(Field::Stage),
            order: col(Field::StageOrder),
            status: col(Field::Status),
            closed_flag: col(Field::IsClosed),
            won_flag: col(Field::IsWon),
            amount: col(Field::Amount),
            currency: col(Field::Currency),
            prob: col(Field::Probability),
            forecast: col(Field::ForecastCategory),
            source: col(Field::LeadSource),
            lost_reason: col(Field::LostReason),
            creator: col(Field::Creator),
            lead: col(Field::LeadId),
        };
        let dates = [
            col(Field::Created),
            col(Field::ExpectedClose),
            col(Field::Closed),
            col(Field::WonTime),
            col(Field::LostTime),
            col(Field::LastActivity),
            col(Field::StageChanged),
            col(Field::Modified),
        ];
        let created = ctx.date_col(input, file, dates[0]);
        let expected = ctx.date_col(input, file, dates[1]);
        let closed = ctx.date_col(input, file, dates[2]);
        let won = ctx.date_col(input, file, dates[3]);
        // HubSpot gives one `Date entered "Closed Won (…)"` column per pipeline: the mapped one and its
        // siblings are read in turn, the first with a date wins.
        let [won_family, lost_family] = if file.mapping.source == Source::Hubspot {
            hubspot_family_columns(input, file)
        } else {
            Default::default()
        };
        let won_more = won_family
            .into_iter()
            .map(|i| ctx.date_col(input, file, Some(i)))
            .collect();
        let lost_more = lost_family
            .into_iter()
            .map(|i| ctx.date_col(input, file, Some(i)))
            .collect();
        let lost = ctx.date_col(input, file, dates[4]);
        let last_activity = ctx.date_col(input, file, dates[5]);
        let stage_changed = ctx.date_col(input, file, dates[6]);
        let modified = ctx.date_col(input, file, dates[7]);
        let money = c.amount.map(|a| ctx.money_column(input, file, a));
        let probability = c.prob.map(|p| ctx.probability_column(input, file, p));
        let gmt = file.mapping.source == Source::Salesforce
            && file.mapping.layout.starts_with("Data Export");
        if gmt {
            file.assume(Assumption {
                id: "datetimes_gmt".to_owned(),
                column: None,
                text: format!(
                    "Times in this Salesforce data export are GMT; they were converted to the business time zone ({}). Dates without a time are never shifted.",
                    ctx.tz.name()
                ),
                choice: "gmt".to_owned(),
                alternatives: vec!["business_time_zone".to_owned()],
            });
        }
        let no_outcome_columns = c.stage.is_none() && c.status.is_none() && c.won_flag.is_none();
        if no_outcome_columns {
            let text = if won.0.is_some() {
                "This file has no stage or status column but every deal has a won date: each row is read as a won deal."
            } else {
                "This file has no stage or status column: every deal is read as open. Map a stage or status column if it has one."
            };
            file.assume(Assumption {
                id: "outcome_without_stage".to_owned(),
                column: None,
                text: text.to_owned(),
                choice: if won.0.is_some() { "won" } else { "open" }.to_owned(),
                alternatives: vec!["map_a_column".to_owned()],
            });
        }
        let snapshot_on = older_export(ctx, input, c.id);
        ctx.deals_taken.push((input.file_id, input.report.taken_on));
        DealsReader {
            c,
            created,
            expected,
            closed,
            won,
            won_more,
            lost,
            lost_more,
            last_activity,
            stage_changed,
            modified,
            money,
            probability,
            gmt,
            no_outcome_columns,
            snapshot_on,
            snapshot_rows: 0,
            snapshot_gone: 0,
            dollar_rows: 0,
            excel_ids: 0,
            amount_sum_cents: 0,
            amount_rows: 0,
        }
    }
}

/// An older export of deals already read (most ids known) is read as their state on the day it was taken:
/// a history row per deal, for slips and pushes. Gives (its day, the newer export's day, if said).
fn older_export(
    ctx: &Context,
    input: &FileInput<'_>,
    id: Option<usize>,
) -> Option<(NaiveDate, Option<NaiveDate>)> {
    let table = input.table;
    let taken_on = input.report.taken_on;
    let newer_taken = ctx
        .deals_taken
        .iter()
        .filter(|(_, t)| match (t, taken_on) {
            (None, Some(_)) => true,
            (Some(t), Some(mine)) => *t > mine,
            _ => false,
        })
        .map(|(_, t)| *t)
        .max();
    match (taken_on, newer_taken) {
        (Some(day), Some(newer)) => {
            let known = (0..table.row_count())
                .filter(|&row| ctx.find_deal(cell(table, row, id)).is_some())
                .count();
            (known * 2 >= table.row_count() && known > 0).then_some((day, newer))
        }
        _ => None,
    }
}

impl RowReader for DealsReader {
    fn row(&mut self, ctx: &mut Context, input: &FileInput<'_>, file: &mut FileModel, row: usize) {
        if let Some((day, newer)) = self.snapshot_on {
            self.snapshot_row(ctx, input, file, row, day, newer);
        } else {
            self.deal_row(ctx, input, file, row);
        }
    }

    fn end(self: Box<Self>, ctx: &mut Context, input: &FileInput<'_>, file: &mut FileModel) {
        if let Some((day, newer)) = self.snapshot_on {
            let (snapshot_rows, snapshot_gone) = (self.snapshot_rows, self.snapshot_gone);
            file.notes.push(format!(
                "An earlier export of the same deals, taken on {day} (the newer one{}): {snapshot_rows} rows read as each deal's stage, amount and close date on that day, for slips and pushes{}.",
                newer.map(|n| format!(" was taken on {n}")).unwrap_or_else(|| " does not say when it was taken, so it is read as of the as-of date".to_owned()),
                if snapshot_gone > 0 { format!("; {snapshot_gone} deals not in the newer export are left out") } else { String::new() }
            ));
        }
        if self.dollar_rows > 0 {
            let dollar = ctx
                .settings
                .choice(&input.report.file, "dollar_currency")
                .unwrap_or("USD")
                .to_owned();
            file.assume(Assumption {
                id: "dollar_currency".to_owned(),
                column: file.mapping.column(Field::Amount).map(str::to_owned),
                text: format!(
                    "{} amounts are in dollars without saying which ('$' or \"dollars\"): they were read as {}.",
                    self.dollar_rows,
                    dollar_name(&dollar)
                ),
                choice: dollar.clone(),
                alternatives: ["USD", "MXN", "CAD", "AUD", "COP", "NZD", "HKD", "SGD"]
                    .into_iter()
                    .filter(|c| *c != dollar)
                    .map(str::to_owned)
                    .collect(),
            });
        }
        if self.excel_ids > 0 {
            file.notes.push(format!("{} deal ids look damaged by Excel (scientific notation): re-export without opening the file in Excel to keep ids exact.", self.excel_ids));
        }
    }
}

/// What a '$' read as `code` is, in words.
fn dollar_name(code: &str) -> String {
    match code {
        "USD" => "US dollars",
        "CAD" => "Canadian dollars",
        "AUD" => "Australian dollars",
        "NZD" => "New Zealand dollars",
        "HKD" => "Hong Kong dollars",
        "SGD" => "Singapore dollars",
        "MXN" => "Mexican pesos",
        "COP" => "Colombian pesos",
        other => other,
    }
    .to_owned()
}
