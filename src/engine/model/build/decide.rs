//! Per-column decisions, made from all of a column's values before any row is read: how a date column reads
//! (day or month first, decided by a sibling column when this one cannot tell), a money column's decimal
//! mark and scale, a probability column's scale. Each is stated as an assumption the user can flip, and the
//! user's answer (from the settings) applies here.
//!
//! A file's decisions are made in steps before its reader starts: [`ColumnDeciders`] lists every column the
//! reader of its kind will ask about ([`ColumnDeciders::plan`]), feeds each one's values to a decider a
//! slice at a time ([`ColumnDeciders::feed`], at most [`DECIDE_VALUES_PER_STEP`] values per step) and
//! concludes them into [`Decided`], which the reader's start reads through [`Context::date_column`],
//! [`Context::money_column`] and [`Context::probability_column`]. A column the plan did not foresee is
//! decided there in one go, by the same deciders, so the decision is the same either way.

use crate::engine::ingest::Table;
use crate::engine::ingest::report::Assumption;
use crate::engine::model::build::context::{Context, cell, column_of};
use crate::engine::model::build::decided::Decided;
use crate::engine::model::build::types::{FileInput, FileModel};
use crate::engine::model::sources::{Source, normalize};
use crate::engine::model::values::Evidence;
use crate::engine::model::values::dates::{DateColumn, DateDecider, DateOrder};
use crate::engine::model::values::money::{DecimalMark, MoneyColumn, MoneyDecider, Scale};
use crate::engine::model::values::scalars::{
    ProbabilityColumn, ProbabilityDecider, ProbabilityScale,
};
use crate::engine::model::{Field, Kind};

/// Values fed to a file's deciders in one step: about as long as a step of [`super::ROWS_PER_STEP`] rows.
pub const DECIDE_VALUES_PER_STEP: usize = 16_384;

/// A date column and how it reads (`None` when the field is not mapped).
pub(super) type DateCol = (Option<usize>, Option<DateColumn>);

/// The fields that hold dates, whichever kind of file maps them.
const DATE_FIELDS: [Field; 14] = [
    Field::Created,
    Field::ExpectedClose,
    Field::Closed,
    Field::WonTime,
    Field::LostTime,
    Field::LastActivity,
    Field::Modified,
    Field::StageChanged,
    Field::At,
    Field::Due,
    Field::Started,
    Field::Ended,
    Field::PeriodStart,
    Field::PeriodEnd,
];

/// Every value of a column, row after row (untrimmed: each decision trims as it reads).
fn column_values(table: &Table, column: usize) -> impl Iterator<Item = &str> {
    column_values_in(table, column, 0..table.row_count())
}

/// The values of a column in a range of rows.
fn column_values_in(
    table: &Table,
    column: usize,
    rows: std::ops::Range<usize>,
) -> impl Iterator<Item = &str> {
    rows.map(move |r| table.cell(r, column))
}

/// The order a source writes ambiguous dates in when nothing in the file says.
fn date_convention(source: Source) -> DateOrder {
    match source {
        Source::Salesforce | Source::Hubspot | Source::Zoho => DateOrder::MonthFirst,
        _ => DateOrder::DayFirst,
    }
}

/// HubSpot's per-pipeline date families: the field one column of each is mapped to, and the start of every
/// member's name (normalized).
const HUBSPOT_FAMILIES: [(Field, &str); 2] = [
    (Field::WonTime, "date entered closed won"),
    (Field::LostTime, "date entered closed lost"),
];

/// The other columns of each HubSpot date family (won, then lost) beside the one mapped to its field, in
/// file order: a HubSpot deals file's reader decides and reads them in turn.
pub(super) fn hubspot_family_columns(input: &FileInput<'_>, file: &FileModel) -> [Vec<usize>; 2] {
    HUBSPOT_FAMILIES.map(|(field, prefix)| {
        let mapped = column_of(input, file, field);
        input
            .report
            .columns
            .iter()
            .enumerate()
            .filter(|(i, col)| Some(*i) != mapped && normalize(&col.name).starts_with(prefix))
            .map(|(i, _)| i)
            .collect()
    })
}

/// One column's decision in the making.
enum Decider {
    Date(DateDecider),
    Money(MoneyDecider),
    Probability(ProbabilityDecider),
}

impl Decider {
    /// Values fed so far: the next row to feed.
    fn fed(&self) -> usize {
        match self {
            Decider::Date(d) => d.fed(),
            Decider::Money(d) => d.fed(),
            Decider::Probability(d) => d.fed(),
        }
    }

    fn feed<'a>(&mut self, values: impl IntoIterator<Item = &'a str>) {
        match self {
            Decider::Date(d) => d.feed(values),
            Decider::Money(d) => d.feed(values),
            Decider::Probability(d) => d.feed(values),
        }
    }
}

/// A file's column decisions being made, a slice of values per step.
pub(super) struct ColumnDeciders {
    /// Each column to decide (a column index of the file) and its decider, in the order they are fed.
    deciders: Vec<(usize, Decider)>,
    /// The decider being fed: all before it have every value.
    next: usize,
}

impl ColumnDeciders {
    /// Every column the reader of the file's kind decides: its mapped date fields (the siblings a date
    /// column may take its order from among them), HubSpot's per-pipeline won and lost date columns, its
    /// amount and its probability. Nothing for a file that will not be read.
    pub(super) fn plan(input: &FileInput<'_>, file: &FileModel) -> Self {
        let mut deciders: Vec<(usize, Decider)> = Vec::new();
        if file.unused_reason().is_none() {
            let mut dates: Vec<usize> = DATE_FIELDS
                .iter()
                .filter_map(|f| column_of(input, file, *f))
                .collect();
            if file.mapping.kind == Kind::Deals && file.mapping.source == Source::Hubspot {
                dates.extend(hubspot_family_columns(input, file).into_iter().flatten());
            }
            for column in dates {
                if !deciders
                    .iter()
                    .any(|(c, d)| *c == column && matches!(d, Decider::Date(_)))
                {
                    deciders.push((column, Decider::Date(DateDecider::default())));
                }
            }
            if let Some(column) = column_of(input, file, Field::Amount) {
                deciders.push((column, Decider::Money(MoneyDecider::default())));
            }
            if let Some(column) = column_of(input, file, Field::Probability) {
                deciders.push((column, Decider::Probability(ProbabilityDecider::default())));
            }
        }
        ColumnDeciders { deciders, next: 0 }
    }

    /// Values to feed in all: every row of every column planned.
    pub(super) fn values(&self, table: &Table) -> usize {
        self.deciders.len() * table.row_count()
    }

    /// Feeds up to [`DECIDE_VALUES_PER_STEP`] values, column after column; gives how many were fed (none
    /// once every column has all its values).
    pub(super) fn feed(&mut self, table: &Table) -> usize {
        let rows = table.row_count();
        let mut fed = 0;
        while fed < DECIDE_VALUES_PER_STEP {
            let Some((column, decider)) = self.deciders.get_mut(self.next) else {
                break;
            };
            let from = decider.fed();
            let to = rows.min(from + (DECIDE_VALUES_PER_STEP - fed));
            decider.feed(column_values_in(table, *column, from..to));
            fed += to - from;
            if to >= rows {
                self.next += 1;
            }
        }
        fed
    }

    /// Every column has all its values.
    pub(super) fn is_done(&self) -> bool {
        self.next >= self.deciders.len()
    }

    /// The decisions, once every value is fed.
    pub(super) fn conclude(self, file: &FileModel) -> Decided {
        let convention = date_convention(file.mapping.source);
        let mut decided = Decided::default();
        for (column, decider) in self.deciders {
            match decider {
                Decider::Date(d) => {
                    decided.dates.insert(column, d.conclude(convention));
                }
                Decider::Money(d) => {
                    decided.money.insert(column, d.conclude(DecimalMark::Dot));
                }
                Decider::Probability(d) => {
                    decided.probabilities.insert(column, d.conclude());
                }
            }
        }
        decided
    }
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
    /// Counts a column decided at a reader's start, in one go, because the plan did not list it.
    fn note_decided_in_one_go(&self) {
        self.decided_in_one_go.set(self.decided_in_one_go.get() + 1);
    }

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
        let convention = date_convention(file.mapping.source);
        let table = input.table;
        let decided = |column: usize| {
            self.decided
                .dates
                .get(&column)
                .cloned()
                .unwrap_or_else(|| {
                    self.note_decided_in_one_go();
                    DateColumn::decide(column_values(table, column), convention)
                })
                .with_row_numbers(|i| table.origin(i).map_or(0, |o| o.row))
        };
        let mut decision = decided(c);
        if decision.order_decided_by == Evidence::Convention {
            // An export writes all its dates one way: a column that proves the order decides the others.
            let siblings = DATE_FIELDS
                .iter()
                .filter_map(|f| file.mapping.column(*f))
                .filter(|other| *other != name)
                .filter_map(|other| input.report.columns.iter().position(|c| c.name == other));
            for sibling in siblings {
                let proved = decided(sibling);
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
        let mut decision = self
            .decided
            .money
            .get(&column)
            .cloned()
            .unwrap_or_else(|| {
                self.note_decided_in_one_go();
                MoneyColumn::decide(column_values(table, column), DecimalMark::Dot)
            })
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
        let decision = self
            .decided
            .probabilities
            .get(&column)
            .cloned()
            .unwrap_or_else(|| {
                self.note_decided_in_one_go();
                ProbabilityColumn::decide(column_values(table, column))
            })
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
