//! A quotas file: each row's amount, period (start and end dates, or a name like 2026-Q2) and rep or team.
//! A row without an amount, a period, or anyone it belongs to is rejected with the reason.

use chrono::NaiveDate;

use crate::engine::ingest::report::NoteKind;
use crate::engine::model::build::context::{Context, cell, column_of, currency_cell, note_row};
use crate::engine::model::build::decide::DateCol;
use crate::engine::model::build::rows::RowReader;
use crate::engine::model::build::types::{FileInput, FileModel};
use crate::engine::model::values::money::MoneyColumn;
use crate::engine::model::{Field, Quota};

pub(super) struct QuotasReader {
    rep: Option<usize>,
    team: Option<usize>,
    period: Option<usize>,
    amount: Option<usize>,
    currency: Option<usize>,
    start: DateCol,
    end: DateCol,
    money: Option<MoneyColumn>,
}

impl QuotasReader {
    pub(super) fn start(ctx: &Context, input: &FileInput<'_>, file: &mut FileModel) -> Self {
        let c = |f| column_of(input, file, f);
        let (rep, team, period, amount, currency, start, end) = (
            c(Field::Rep),
            c(Field::Team),
            c(Field::Period),
            c(Field::Amount),
            c(Field::Currency),
            c(Field::PeriodStart),
            c(Field::PeriodEnd),
        );
        let start = ctx.date_col(input, file, start);
        let end = ctx.date_col(input, file, end);
        let money = amount.map(|a| ctx.money_column(input, file, a));
        QuotasReader {
            rep,
            team,
            period,
            amount,
            currency,
            start,
            end,
            money,
        }
    }
}

impl RowReader for QuotasReader {
    fn row(&mut self, ctx: &mut Context, input: &FileInput<'_>, file: &mut FileModel, row: usize) {
        let table = input.table;
        let amount_value = cell(table, row, self.amount);
        let Some(amount) = self
            .money
            .as_ref()
            .and_then(|m| m.parse(amount_value).ok().flatten())
        else {
            let reason = "A quota needs an amount, such as 250000 or $250,000.";
            note_row(
                file,
                NoteKind::Rejected,
                table,
                row,
                Field::Amount,
                amount_value,
                reason.to_owned(),
            );
            return;
        };
        let period_text = cell(table, row, self.period);
        let span = match (
            ctx.date_in(table, row, &self.start, false),
            ctx.date_in(table, row, &self.end, false),
        ) {
            (Some(s), Some(e)) => Some((s, e)),
            _ => period_span(period_text),
        };
        let Some((period_start, period_end)) = span else {
            let reason =
                "A quota needs its period: 2026, 2026-Q2, 2026-05, or start and end dates.";
            note_row(
                file,
                NoteKind::Rejected,
                table,
                row,
                Field::Period,
                period_text,
                reason.to_owned(),
            );
            return;
        };
        let rep_text = cell(table, row, self.rep);
        let rep = ctx.roster.resolve(rep_text, input.file_id);
        let team = Some(cell(table, row, self.team).to_owned()).filter(|t| !t.is_empty());
        if rep.is_none() && team.is_none() {
            let reason = "A quota needs a rep or a team.";
            note_row(
                file,
                NoteKind::Rejected,
                table,
                row,
                Field::Rep,
                rep_text,
                reason.to_owned(),
            );
            return;
        }
        // A quota file names its dollar no better than the deals do: '$' is US dollars here.
        let currency = Some(currency_cell(file, table, row, self.currency))
            .filter(|c| !c.is_empty())
            .or(amount.currency.clone())
            .map(|c| if c == "$" { "USD".to_owned() } else { c });
        ctx.model.quotas.push(Quota {
            rep,
            team,
            period_start,
            period_end,
            amount_cents: amount.amount_cents,
            currency,
        });
    }

    fn end(self: Box<Self>, _: &mut Context, _: &FileInput<'_>, file: &mut FileModel) {
        file.notes.push("Quota periods named like 2026-Q2 are calendar quarters until a fiscal calendar is set.".to_owned());
    }
}

/// A period named in a quota file: `2026`, `FY2026`, `2026-Q2`, `Q2 2026`, `2026-05`, `May 2026` (calendar).
pub fn period_span(text: &str) -> Option<(NaiveDate, NaiveDate)> {
    let t = text.trim().to_uppercase().replace(['/', '_', ' '], "-");
    let t = t.strip_prefix("FY").unwrap_or(&t).to_owned();
    let month_end = |y: i32, m: u32| {
        let next = if m == 12 {
            NaiveDate::from_ymd_opt(y + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(y, m + 1, 1)
        };
        next.and_then(|n| n.pred_opt())
    };
    let parts: Vec<&str> = t.split('-').filter(|p| !p.is_empty()).collect();
    match parts.as_slice() {
        [y] => {
            let y: i32 = y.parse().ok()?;
            Some((
                NaiveDate::from_ymd_opt(y, 1, 1)?,
                NaiveDate::from_ymd_opt(y, 12, 31)?,
            ))
        }
        [a, b] => {
            let (year, other) = if a.len() == 4 { (a, b) } else { (b, a) };
            let y: i32 = year.parse().ok()?;
            if let Some(q) = other.strip_prefix('Q') {
                let q: u32 = q.parse().ok().filter(|q| (1..=4).contains(q))?;
                let m = (q - 1) * 3 + 1;
                Some((NaiveDate::from_ymd_opt(y, m, 1)?, month_end(y, m + 2)?))
            } else if let Ok(m) = other.parse::<u32>() {
                Some((NaiveDate::from_ymd_opt(y, m, 1)?, month_end(y, m)?))
            } else {
                let months = [
                    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV",
                    "DEC",
                ];
                let m = months.iter().position(|name| other.starts_with(name))? as u32 + 1;
                Some((NaiveDate::from_ymd_opt(y, m, 1)?, month_end(y, m)?))
            }
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::period_span;
    use chrono::NaiveDate;

    #[test]
    fn quota_periods_read_in_the_usual_spellings() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(period_span("2026"), Some((d(2026, 1, 1), d(2026, 12, 31))));
        assert_eq!(
            period_span("FY2026"),
            Some((d(2026, 1, 1), d(2026, 12, 31)))
        );
        assert_eq!(
            period_span("2026-Q2"),
            Some((d(2026, 4, 1), d(2026, 6, 30)))
        );
        assert_eq!(
            period_span("Q4 2026"),
            Some((d(2026, 10, 1), d(2026, 12, 31)))
        );
        assert_eq!(
            period_span("2026-02"),
            Some((d(2026, 2, 1), d(2026, 2, 28)))
        );
        assert_eq!(
            period_span("May 2026"),
            Some((d(2026, 5, 1), d(2026, 5, 31)))
        );
        assert_eq!(period_span("sometime"), None);
        assert_eq!(period_span("2026-Q5"), None);
    }
}
