//! Writing the files: the Salesforce set (the Opportunities report with its trailer, `OpportunityHistory.csv`
//! in the Data Export layout, an activities table), the HubSpot set (deals, calls and other activities
//! exports), and the teams and quotas files both sets share.

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};

use super::activities::{ActKind, Activity, CallOutcome};
use super::calendar::{local, quarter_of};
use super::deal::{Deal, DealKind, Stage};
use super::ids::salesforce_id;
use super::truth::quotas_of;
use super::world::{Habit, World};
use super::{CURRENCY, DemoFile};
use crate::engine::rng::Rng;

/// A CSV file being written by `csv::Writer`, one record at a time: `\n` line ends, quotes doubled, every
/// field quoted (the reports and exports) or only those that need it (the plain tables).
pub(super) struct Csv {
    writer: csv::Writer<Vec<u8>>,
    trailer: String,
}

impl Csv {
    pub(super) fn new(quote_all: bool) -> Csv {
        let writer = csv::WriterBuilder::new()
            .quote_style(if quote_all {
                csv::QuoteStyle::Always
            } else {
                csv::QuoteStyle::Necessary
            })
            .terminator(csv::Terminator::Any(b'\n'))
            // The report's trailer lines are shorter than its rows.
            .flexible(true)
            .from_writer(Vec::with_capacity(1 << 16));
        Csv {
            writer,
            trailer: String::new(),
        }
    }

    pub(super) fn row<S: AsRef<str>>(&mut self, fields: &[S]) {
        let written = self
            .writer
            .write_record(fields.iter().map(|f| f.as_ref().as_bytes()));
        // The writer's only errors are a sink that refuses bytes (a `Vec` never does) and a row of another
        // length (allowed above): none can happen here, and the tests read every file back.
        debug_assert!(written.is_ok(), "{written:?}");
    }

    /// A line of the report's trailer, written as it is after all the rows: the trailer is not part of the
    /// table (its empty lines are no records, and `csv::Writer` would write an empty record as `""`).
    pub(super) fn trailer(&mut self, line: &str) {
        self.trailer.push_str(line);
        self.trailer.push('\n');
    }

    pub(super) fn file(self, name: String, bom: bool) -> DemoFile {
        // Flushing into a `Vec` cannot fail either.
        let flushed = self.writer.into_inner();
        debug_assert!(flushed.is_ok(), "{flushed:?}");
        let text = flushed.unwrap_or_else(|e| e.into_inner().get_ref().clone());
        let mut bytes = Vec::with_capacity(text.len() + 3);
        if bom {
            bytes.extend_from_slice("\u{feff}".as_bytes());
        }
        bytes.extend_from_slice(&text);
        bytes.extend_from_slice(self.trailer.as_bytes());
        DemoFile { name, bytes }
    }
}

/// `12500` or `8736.50`.
pub(super) fn plain_money(cents: i64) -> String {
    if cents % 100 == 0 {
        format!("{}", cents / 100)
    } else {
        format!("{}.{:02}", cents / 100, (cents % 100).abs())
    }
}

/// `USD 12,500.00`, as a Salesforce report with multiple currencies writes it.
pub(super) fn report_money(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let grouped = thousands(cents.unsigned_abs() / 100);
    format!(
        "{CURRENCY} {sign}{grouped}.{:02}",
        cents.unsigned_abs() % 100
    )
}

/// `1,234,567`.
pub(super) fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    grouped
}

/// `3/7/2026`, as a US Salesforce report writes dates.
pub(super) fn us_date(date: NaiveDate) -> String {
    format!("{}/{}/{}", date.month(), date.day(), date.year())
}

pub(super) fn iso_date(date: NaiveDate) -> String {
    format!("{:04}-{:02}-{:02}", date.year(), date.month(), date.day())
}

/// `2026-03-02 14:05`.
pub(super) fn iso_minutes(at: NaiveDateTime) -> String {
    format!(
        "{} {:02}:{:02}",
        iso_date(at.date()),
        at.hour(),
        at.minute()
    )
}

/// `2026-03-02 14:05:09`.
pub(super) fn iso_seconds(at: NaiveDateTime) -> String {
    format!("{}:{:02}", iso_minutes(at), at.second())
}

/// How a rep calls their forecast (honest for anyone the world does not know).
pub(super) fn habit_of(world: &World, rep: usize) -> Habit {
    world
        .reps
        .get(rep)
        .map_or(Habit::Honest, |r| r.profile.habit)
}

pub(super) fn rep_name(world: &World, rep: usize) -> &str {
    world.reps.get(rep).map_or("", |r| r.name.as_str())
}

/// The Opportunities report of `deals`, named `name`.
pub(super) fn sf_opportunities(world: &World, deals: &[Deal], name: &str) -> DemoFile {
    let mut csv = Csv::new(true);
    csv.row(&[
        "Opportunity ID",
        "Opportunity Name",
        "Account Name",
        "Opportunity Owner",
        "Opportunity Record Type",
        "Type",
        "Lead Source",
        "Amount",
        "Probability (%)",
        "Stage",
        "Forecast Category",
        "Close Date",
        "Fiscal Period",
        "Created Date",
        "Last Activity",
        "Lost Reason",
    ]);
    // A tabular report sorted by owner, then close date.
    let mut order: Vec<&Deal> = deals.iter().collect();
    order.sort_by(|a, b| {
        rep_name(world, a.rep)
            .cmp(rep_name(world, b.rep))
            .then(a.last().close.cmp(&b.last().close))
            .then(a.sf_id.cmp(&b.sf_id))
    });
    for deal in &order {
        let last = deal.last();
        let close = last.close;
        csv.row(&[
            deal.sf_id.clone(),
            deal.name.clone(),
            deal.account.clone(),
            rep_name(world, deal.rep).to_owned(),
            deal.kind.pipeline().to_owned(),
            deal.kind.label().to_owned(),
            deal.lead_source.to_owned(),
            report_money(last.amount_cents),
            format!("{}%", last.stage.percent()),
            last.stage.name().to_owned(),
            last.stage.forecast_by(habit_of(world, deal.rep)).to_owned(),
            us_date(close),
            {
                let (year, q) = quarter_of(close);
                format!("Q{q}-{year}")
            },
            us_date(deal.created().date()),
            deal.last_activity.map(us_date).unwrap_or_default(),
            if last.stage == Stage::Lost {
                deal.lost_reason.to_owned()
            } else {
                String::new()
            },
        ]);
    }
    let grouped = thousands(order.len() as u64);
    csv.trailer("");
    csv.trailer(&format!("\"Grand Totals ({grouped} records)\""));
    csv.trailer("");
    csv.trailer("\"Confidential Information - Do Not Distribute\"");
    csv.trailer(&format!(
        "\"Copyright (c) 2000-{} salesforce.com, inc. All rights reserved.\"",
        world.as_of.year()
    ));
    csv.file(name.to_owned(), false)
}

pub(super) fn sf_history(world: &World, deals: &[Deal]) -> DemoFile {
    let mut csv = Csv::new(true);
    csv.row(&[
        "Id",
        "OpportunityId",
        "CreatedById",
        "CreatedDate",
        "StageName",
        "Amount",
        "ExpectedRevenue",
        "CloseDate",
        "Probability",
        "ForecastCategory",
        "FromOpportunityStageName",
        "CurrencyIsoCode",
        "PrevAmount",
        "PrevCloseDate",
    ]);
    let mut rng = Rng::stream(world.seed, 6);
    let mut rows: Vec<(NaiveDateTime, &Deal, usize)> = deals
        .iter()
        .flat_map(|d| {
            (0..d.steps.len())
                .map(move |i| (d.steps.get(i).map_or(NaiveDateTime::MIN, |s| s.at), d, i))
        })
        .collect();
    // Data Export writes rows in id order, which is creation order.
    rows.sort_by(|a, b| {
        a.0.cmp(&b.0)
            .then(a.1.sf_id.cmp(&b.1.sf_id))
            .then(a.2.cmp(&b.2))
    });
    let base = 62u64.pow(4) + rng.below(62u64.pow(5) - 62u64.pow(4) - 2_000_000);
    for (n, (when, deal, i)) in rows.iter().enumerate() {
        let Some(step) = deal.steps.get(*i) else {
            continue;
        };
        let previous = i.checked_sub(1).and_then(|p| deal.steps.get(p));
        let owner = world
            .reps
            .get(deal.owner_on(when.date()))
            .map_or("", |r| r.user_id.as_str());
        csv.row(&[
            salesforce_id("008", base + n as u64),
            deal.sf_id.clone(),
            owner.to_owned(),
            iso_seconds(*when),
            step.stage.name().to_owned(),
            plain_money(step.amount_cents),
            plain_money(step.amount_cents * i64::from(step.stage.percent()) / 100),
            format!("{} 00:00:00", iso_date(step.close)),
            step.stage.percent().to_string(),
            step.stage
                .forecast_by(habit_of(world, deal.owner_on(when.date())))
                .to_owned(),
            previous
                .filter(|p| p.stage != step.stage)
                .map_or(String::new(), |p| p.stage.name().to_owned()),
            CURRENCY.to_owned(),
            previous.map_or(String::new(), |p| plain_money(p.amount_cents)),
            previous.map_or(String::new(), |p| format!("{} 00:00:00", iso_date(p.close))),
        ]);
    }
    csv.file("OpportunityHistory.csv".to_owned(), false)
}

pub(super) fn sf_activities(world: &World, deals: &[Deal], activities: &[Activity]) -> DemoFile {
    let mut csv = Csv::new(false);
    csv.row(&[
        "Activity ID",
        "Activity Type",
        "Subject",
        "Date",
        "Assigned To",
        "Completed",
        "Duration (seconds)",
        "Call Outcome",
        "Direction",
        "Opportunity ID",
        "Opportunity Name",
    ]);
    let base = 62u64.pow(4) + world.seed % 1_000_000;
    for (n, a) in activities.iter().enumerate() {
        let deal = a.deal.and_then(|i| deals.get(i));
        // Meetings are Salesforce events (00U), the rest tasks (00T).
        let prefix = if a.kind == ActKind::Meeting {
            "00U"
        } else {
            "00T"
        };
        csv.row(&[
            salesforce_id(prefix, base + n as u64),
            a.kind.label().to_owned(),
            a.subject.to_owned(),
            iso_minutes(a.at),
            rep_name(world, a.rep).to_owned(),
            if a.done { "true" } else { "false" }.to_owned(),
            a.duration_s.map_or(String::new(), |s| s.to_string()),
            a.outcome.map_or("", CallOutcome::label).to_owned(),
            match (a.kind, a.inbound) {
                (ActKind::Call, true) => "Inbound",
                (ActKind::Call, false) => "Outbound",
                _ => "",
            }
            .to_owned(),
            deal.map_or(String::new(), |d| d.sf_id.clone()),
            deal.map_or(String::new(), |d| d.name.clone()),
        ]);
    }
    csv.file("demo-salesforce-activities.csv".to_owned(), false)
}

pub(super) fn teams_file(world: &World) -> DemoFile {
    let mut csv = Csv::new(false);
    csv.row(&[
        "rep",
        "email",
        "manager",
        "team",
        "role",
        "start date",
        "end date",
    ]);
    for rep in &world.reps {
        csv.row(&[
            rep.name.clone(),
            rep.email.clone(),
            rep.manager.to_owned(),
            rep.team.to_owned(),
            rep.role.to_owned(),
            iso_date(rep.started_on),
            rep.ended_on.map(iso_date).unwrap_or_default(),
        ]);
    }
    csv.file("demo-teams.csv".to_owned(), false)
}

pub(super) fn quotas_file(world: &World) -> DemoFile {
    let mut csv = Csv::new(false);
    csv.row(&["rep", "period", "amount", "currency"]);
    for rep in &world.reps {
        for quota in quotas_of(world, rep) {
            csv.row(&[
                rep.name.clone(),
                quota.period,
                plain_money(quota.amount_cents),
                CURRENCY.to_owned(),
            ]);
        }
    }
    csv.file("demo-quotas.csv".to_owned(), false)
}

pub(super) fn hs_datetime(utc: NaiveDateTime) -> String {
    iso_minutes(local(utc))
}

pub(super) fn hs_source(lead_source: &str) -> &'static str {
    match lead_source {
        "Web" => "Organic Search",
        "Partner Referral" | "Customer Referral" => "Referrals",
        "Webinar" => "Email Marketing",
        _ => "Offline Sources",
    }
}

pub(super) fn hs_deals(world: &World, deals: &[Deal]) -> DemoFile {
    let mut csv = Csv::new(true);
    csv.row(&[
        "Record ID",
        "Deal Name",
        "Associated Company",
        "Deal Stage",
        "Pipeline",
        "Deal owner",
        "Amount",
        "Deal currency code",
        "Close Date",
        "Create Date",
        "Deal probability",
        "Deal Type",
        "Original Source Type",
        "Closed Lost Reason",
        "Last Activity Date",
        "Date entered \"Closed Won (New Business)\"",
        "Date entered \"Closed Lost (New Business)\"",
        "Date entered \"Closed Won (Renewals)\"",
        "Date entered \"Closed Lost (Renewals)\"",
    ]);
    let mut order: Vec<&Deal> = deals.iter().collect();
    order.sort_by_key(|d| d.hs_id);
    for deal in order {
        let last = deal.last();
        // The last time the deal entered each closed stage (a re-opened deal keeps its old loss).
        let entered = |stage: Stage| {
            deal.steps
                .iter()
                .rev()
                .find(|s| s.stage == stage)
                .map_or(String::new(), |s| hs_datetime(s.at))
        };
        let (won, lost) = (entered(Stage::Won), entered(Stage::Lost));
        let renewal = deal.kind == DealKind::Renewal;
        let close = if last.stage.closed() {
            hs_datetime(last.at)
        } else {
            format!("{} 00:00", iso_date(last.close))
        };
        let probability = match last.stage.percent() {
            100 => "1".to_owned(),
            0 => "0".to_owned(),
            p => format!("0.{}", p / 10),
        };
        csv.row(&[
            deal.hs_id.to_string(),
            deal.name.clone(),
            deal.account.clone(),
            last.stage.name().to_owned(),
            deal.kind.pipeline().to_owned(),
            rep_name(world, deal.rep).to_owned(),
            plain_money(last.amount_cents),
            CURRENCY.to_owned(),
            close,
            hs_datetime(deal.created()),
            probability,
            deal.kind.label().to_owned(),
            hs_source(deal.lead_source).to_owned(),
            if last.stage == Stage::Lost {
                deal.lost_reason.to_owned()
            } else {
                String::new()
            },
            deal.last_activity
                .map_or(String::new(), |d| format!("{} 00:00", iso_date(d))),
            if renewal { String::new() } else { won.clone() },
            if renewal { String::new() } else { lost.clone() },
            if renewal { won } else { String::new() },
            if renewal { lost } else { String::new() },
        ]);
    }
    csv.file(
        format!(
            "hubspot-crm-exports-demo-deals-{}.csv",
            iso_date(world.as_of)
        ),
        true,
    )
}

pub(super) fn hs_calls(world: &World, deals: &[Deal], activities: &[Activity]) -> DemoFile {
    let mut csv = Csv::new(true);
    csv.row(&[
        "Record ID",
        "Activity date",
        "Activity assigned to",
        "Call title",
        "Call duration",
        "Call outcome",
        "Call direction",
        "Associated Deal",
    ]);
    let mut rng = Rng::stream(world.seed, 7);
    for a in activities.iter().filter(|a| a.kind == ActKind::Call) {
        // Milliseconds; the part below half a second never changes the whole seconds.
        let ms = u64::from(a.duration_s.unwrap_or(0)) * 1_000 + rng.below(500);
        csv.row(&[
            a.id.to_string(),
            iso_minutes(a.at),
            rep_name(world, a.rep).to_owned(),
            a.subject.to_owned(),
            ms.to_string(),
            a.outcome.map_or("", CallOutcome::label).to_owned(),
            if a.inbound { "Inbound" } else { "Outbound" }.to_owned(),
            a.deal
                .and_then(|i| deals.get(i))
                .map_or(String::new(), |d| d.name.clone()),
        ]);
    }
    csv.file(
        format!(
            "hubspot-crm-exports-demo-calls-{}.csv",
            iso_date(world.as_of)
        ),
        true,
    )
}

pub(super) fn hs_activities(world: &World, deals: &[Deal], activities: &[Activity]) -> DemoFile {
    let mut csv = Csv::new(true);
    csv.row(&[
        "Record ID",
        "Activity type",
        "Activity date",
        "Activity assigned to",
        "Subject",
        "Task status",
        "Meeting outcome",
        "Call duration",
        "Call outcome",
        "Call direction",
        "Associated Deal",
    ]);
    for a in activities.iter().filter(|a| a.kind != ActKind::Call) {
        csv.row(&[
            a.id.to_string(),
            a.kind.label().to_uppercase(),
            iso_minutes(a.at),
            rep_name(world, a.rep).to_owned(),
            a.subject.to_owned(),
            if a.kind == ActKind::Task {
                a.status
            } else {
                ""
            }
            .to_owned(),
            if a.kind == ActKind::Meeting {
                "Completed"
            } else {
                ""
            }
            .to_owned(),
            String::new(),
            String::new(),
            String::new(),
            a.deal
                .and_then(|i| deals.get(i))
                .map_or(String::new(), |d| d.name.clone()),
        ]);
    }
    csv.file(
        format!(
            "hubspot-crm-exports-demo-activities-{}.csv",
            iso_date(world.as_of)
        ),
        true,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn money_dates_and_fields_are_written_as_the_exports_do() {
        assert_eq!(report_money(1_250_000), "USD 12,500.00");
        assert_eq!(report_money(123_456_789), "USD 1,234,567.89");
        assert_eq!(report_money(50_000), "USD 500.00");
        assert_eq!(plain_money(873_650), "8736.50");
        assert_eq!(plain_money(1_250_000), "12500");
        assert_eq!(us_date(day(2026, 3, 7)), "3/7/2026");
        let mut csv = Csv::new(false);
        csv.row(&["a", "b,c", "say \"hi\"", "", "two\nlines"]);
        csv.row(&["x"]);
        csv.trailer("");
        csv.trailer("\"Total\"");
        let file = csv.file("t.csv".to_owned(), true);
        assert_eq!(
            String::from_utf8(file.bytes).unwrap(),
            "\u{feff}a,\"b,c\",\"say \"\"hi\"\"\",,\"two\nlines\"\nx\n\n\"Total\"\n"
        );
        let mut csv = Csv::new(true);
        csv.row(&["a", "", "b\"c"]);
        let file = csv.file("t.csv".to_owned(), false);
        assert_eq!(file.bytes, b"\"a\",\"\",\"b\"\"c\"\n");
    }
}
