//! Per-column decisions, made once from all of a column's values before any row is read: how a date column
//! reads (day or month first, decided by a sibling column when this one cannot tell), a money column's
//! decimal mark and scale, a probability column's scale. Each is stated as an assumption the user can flip,
//! and the user's answer (from the settings) applies here.

use crate::engine::ingest::Table;
use crate::engine::ingest::report::Assumption;
use crate::engine::model::Field;
use crate::engine::model::build::context::{Context, cell};
use crate::engine::model::build::types::{FileInput, FileModel};
use crate::engine::model::sources::{Source, normalize};
use crate::engine::model::values::Evidence;
use crate::engine::model::values::dates::{DateColumn, DateOrder};
use crate::engine::model::values::money::{DecimalMark, MoneyColumn, Scale};
use crate::engine::model::values::scalars::{ProbabilityColumn, ProbabilityScale};

/// A date column and how it reads (`None` when the field is not mapped).
pub(super) type DateCol = (Option<usize>, Option<DateColumn>);

/// The fields that hold dates, whichever kind of file maps them.
const DATE_FIELDS: [Field; 12] = [
    Field::Created,
    Field::ExpectedClose,
    Field::Closed,
    Field::WonTime,
    Field::LostTime,
    Field::LastActivity,
    Field::At,
    Field::Due,
    Field::Started,
    Field::Ended,
    Field::PeriodStart,
    Field::PeriodEnd,
];

/// Every value of a column, row after row (untrimmed: each decision trims as it reads).
fn column_values(table: &Table, column: usize) -> impl Iterator<Item = &str> {
    (0..table.row_count()).map(move |r| table.cell(r, column))
}

/// A column's name as the import named it (empty when out of range).
fn column_name(input: &FileInput<'_>, column: usize) -> String {
    input
        .report
        .columns
        .get(column)
        .map(|c| c.name.clone())
        .unwrap_or_default()
}

impl Context {
    /// A column and its date decision, together.
    pub(super) fn date_col(
        &self,
        input: &FileInput<'_>,
        file: &mut FileModel,
        column: Option<usize>,
    ) -> DateCol {
        (column, self.date_column(input, file, column))
    }

    /// A date cell read quietly: a value that does not parse is no date.
    pub(super) fn date_in(
        &self,
        table: &Table,
        row: usize,
        (column, decision): &DateCol,
        source_gmt: bool,
    ) -> Option<chrono::NaiveDate> {
        decision
            .as_ref()
            .and_then(|d| d.parse(cell(table, row, *column)).ok().flatten())
            .map(|p| self.date_of(p, source_gmt))
    }

    /// Decides how a date column reads, states it, and applies the user's answer.
    pub(super) fn date_column(
        &self,
        input: &FileInput<'_>,
        file: &mut FileModel,
        column: Option<usize>,
    ) -> Option<DateColumn> {
        let c = column?;
        let name = input.report.columns.get(c)?.name.clone();
        let convention = match file.mapping.source {
            Source::Salesforce | Source::Hubspot | Source::Zoho => DateOrder::MonthFirst,
            _ => DateOrder::DayFirst,
        };
        let table = input.table;
        let mut decision = DateColumn::decide(column_values(table, c), convention)
            .with_row_numbers(|i| table.origin(i).map_or(0, |o| o.row));
        if decision.order_decided_by == Evidence::Convention {
            // An export writes all its dates one way: a column that proves the order decides the others.
            let siblings = DATE_FIELDS
                .iter()
                .filter_map(|f| file.mapping.column(*f))
                .filter(|other| *other != name)
                .filter_map(|other| input.report.columns.iter().position(|c| c.name == other));
            for sibling in siblings {
                let proved = DateColumn::decide(column_values(table, sibling), convention)
                    .with_row_numbers(|i| table.origin(i).map_or(0, |o| o.row));
                if let Evidence::Value { row, value, .. } = proved.order_decided_by {
                    let column = input.report.columns[sibling].name.clone();
                    decision = decision.with_order_of_sibling(
                        proved.order,
                        Evidence::Column { column, row, value },
                    );
                    break;
                }
            }
        }
        let id = format!("date_order:{name}");
        match self.settings.choice(&input.report.file, &id) {
            Some("day_first") => decision = decision.with_order(DateOrder::DayFirst),
            Some("month_first") => decision = decision.with_order(DateOrder::MonthFirst),
            _ => {}
        }
        if !matches!(decision.order_decided_by, Evidence::Unambiguous) {
            let (choice, other) = match decision.order {
                DateOrder::DayFirst => ("day_first", "month_first"),
                DateOrder::MonthFirst => ("month_first", "day_first"),
            };
            file.assume(Assumption {
                id,
                column: Some(name.clone()),
                text: decision.sentence(&name),
                choice: choice.to_owned(),
                alternatives: vec![other.to_owned()],
            });
        } else if decision.excel_serials {
            file.assume(Assumption {
                id,
                column: Some(name.clone()),
                text: decision.sentence(&name),
                choice: "excel_serial".to_owned(),
                alternatives: Vec::new(),
            });
        }
        Some(decision)
    }

    /// Decides a money column's decimal mark and scale (cents or units), states them, applies the answers.
    pub(super) fn money_column(
        &self,
        input: &FileInput<'_>,
        file: &mut FileModel,
        column: usize,
    ) -> MoneyColumn {
        let name = column_name(input, column);
        let table = input.table;
        let mut decision = MoneyColumn::decide(column_values(table, column), DecimalMark::Dot)
            .with_row_numbers(|i| table.origin(i).map_or(0, |o| o.row));
        let id = format!("decimal_mark:{name}");
        match self.settings.choice(&input.report.file, &id) {
            Some("comma") => decision = decision.with_decimal(DecimalMark::Comma),
            Some("dot") => decision = decision.with_decimal(DecimalMark::Dot),
            _ => {}
        }
        let cents_id = format!("amount_scale:{name}");
        let in_cents = match self.settings.choice(&input.report.file, &cents_id) {
            Some("cents") => true,
            Some("units") => false,
            _ => file.mapping.source == Source::Close && normalize(&name) == "value",
        };
        if in_cents {
            decision = decision.with_scale(Scale::Cents);
        }
        let (choice, other) = match decision.decimal {
            DecimalMark::Dot => ("dot", "comma"),
            DecimalMark::Comma => ("comma", "dot"),
        };
        if !matches!(decision.decided_by, Evidence::Unambiguous) {
            file.assume(Assumption {
                id,
                column: Some(name.clone()),
                text: decision.sentence(&name),
                choice: choice.to_owned(),
                alternatives: vec![other.to_owned()],
            });
        }
        if in_cents || file.mapping.source == Source::Close {
            file.assume(Assumption {
                id: cents_id,
                column: Some(name.clone()),
                text: if in_cents {
                    format!(
                        "'{name}' holds amounts in cents (Close writes opportunity values so); they were divided by 100."
                    )
                } else {
                    format!("'{name}' holds amounts in currency units, not cents.")
                },
                choice: if in_cents { "cents" } else { "units" }.to_owned(),
                alternatives: vec![if in_cents { "units" } else { "cents" }.to_owned()],
            });
        }
        decision
    }

    /// Decides a probability column's scale (fractions or percents) and states it.
    pub(super) fn probability_column(
        &self,
        input: &FileInput<'_>,
        file: &mut FileModel,
        column: usize,
    ) -> ProbabilityColumn {
        let name = column_name(input, column);
        let table = input.table;
        let decision = ProbabilityColumn::decide(column_values(table, column))
            .with_row_numbers(|i| table.origin(i).map_or(0, |o| o.row));
        file.assume(Assumption {
            id: format!("probability_scale:{name}"),
            column: Some(name.clone()),
            text: decision.sentence(&name),
            choice: match decision.scale {
                ProbabilityScale::Fraction => "fraction",
                ProbabilityScale::Percent => "percent",
            }
            .to_owned(),
            alternatives: Vec::new(),
        });
        decision
    }
}
