//! Build: every imported file, recognised and mapped, read into the one [`SalesModel`] — users and teams
//! first (so owners resolve), then leads, deals, their stage and owner history, activities, quotas and the
//! fiscal calendar — with what was decided for each file in a [`FileModel`] for its report.
//!
//! Per file, each mapped value column is decided once from all its values (date order, decimal mark,
//! probability scale), stated as an assumption the user can flip, then every cell is read with that
//! decision. A bad value in a field the record cannot do without rejects the row; a bad optional value
//! keeps the row and is listed.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime, TimeZone};
use serde::{Deserialize, Serialize};

use crate::engine::ingest::report::{Assumption, ColumnInfo, FileReport, NoteKind, RowNote};
use crate::engine::ingest::{FileId, Table};
use crate::engine::model::people::{Roster, TeamInfo, UserInfo};
use crate::engine::model::recognize::{Mapping, recognize};
use crate::engine::model::review::{ReviewItem, file_scope, review_list};
use crate::engine::model::sources::{Source, normalize};
use crate::engine::model::stages::StageCollector;
use crate::engine::model::values::Evidence;
use crate::engine::model::values::dates::{DateColumn, DateOrder, ParsedDate};
use crate::engine::model::values::money::{DecimalMark, MoneyColumn, Scale};
use crate::engine::model::values::scalars::{
    IdCheck, ProbabilityColumn, ProbabilityScale, check_id, parse_bool, parse_duration_seconds,
    parse_number,
};
use crate::engine::model::words::{
    ActivityKind, Outcome, activity_kind_of_subject, activity_kind_of_type, connected_of_outcome,
    done_of_status, fold, status_outcome,
};
use crate::engine::model::{
    ClosedOnFrom, DealIx, DealStatus, Field, FiscalPeriod, Kind, Merge, ModelSettings, Quota,
    RepIx, SalesModel, StageIx,
};

/// One imported file, as the model reads it.
pub struct FileInput<'a> {
    pub file_id: FileId,
    pub report: &'a FileReport,
    pub table: &'a Table,
}

/// What the model made of one file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileModel {
    pub file_id: FileId,
    pub mapping: Mapping,
    pub assumptions: Vec<Assumption>,
    /// What the file covers ("only open deals", "one owner", "2016-10 to 2017-12").
    pub scope: Vec<String>,
    /// Rows the model could not use although they were read: moved from accepted to rejected.
    pub rejected: Vec<RowNote>,
    /// Rows skipped by the model (not used, a duplicate id, history of a deal not imported).
    pub skipped: Vec<RowNote>,
    /// Rows used with a problem in an optional value.
    pub kept: Vec<RowNote>,
    /// Sentences about joins and derivations (closed dates, credit, links).
    pub notes: Vec<String>,
}

/// The model and what it says about itself.
pub struct Built {
    pub model: SalesModel,
    pub files: Vec<FileModel>,
    pub review: Vec<ReviewItem>,
    /// Cross-file rep matches, each undoable.
    pub merges: Vec<Merge>,
    pub warnings: Vec<String>,
}

/// Builds the model from every file, with the user's settings, in one go.
pub fn build(inputs: &[FileInput<'_>], settings: &ModelSettings) -> Built {
    let mut task = BuildTask::new(inputs, settings);
    loop {
        if let Some(built) = task.step(inputs) {
            return built;
        }
    }
}

/// Deals exports are read newest first: an older export of the same deals is their earlier state.
const READ_ORDER: [Kind; 10] = [
    Kind::Users,
    Kind::Teams,
    Kind::Leads,
    Kind::Deals,
    Kind::StageHistory,
    Kind::FieldHistory,
    Kind::Activities,
    Kind::Quotas,
    Kind::Periods,
    Kind::NotUsed,
];

/// The model build a step at a time: one file read per step (who people are, then what leads say, then
/// deals, then what refers to deals), then one step that decides the stages, credits deals, matches the
/// roster and lists what to review. Every step is given the same `inputs` the task was made with.
pub struct BuildTask {
    ctx: Context,
    files: Vec<FileModel>,
    /// Indexes into the inputs, in the order they are read.
    order: Vec<usize>,
    next: usize,
    warnings: Vec<String>,
}

impl BuildTask {
    /// Plans every file (kind, mapping) from the settings; nothing is read yet.
    pub fn new(inputs: &[FileInput<'_>], settings: &ModelSettings) -> Self {
        let tz = business_tz(settings);
        let mut warnings = Vec::new();
        if let Some(name) = &settings.business_time_zone
            && tz.is_none()
        {
            warnings.push(format!("'{name}' is not a time zone pipelens knows (use an IANA name like America/Mexico_City); UTC is used."));
        }
        let mut ctx = Context {
            model: SalesModel::default(),
            roster: Roster::new(&settings.keep_apart),
            stages: StageCollector::default(),
            deal_index: HashMap::new(),
            deal_names: HashMap::new(),
            lead_created: HashMap::new(),
            tz: tz.unwrap_or(chrono_tz::UTC),
            settings: settings.clone(),
            pending_history: Vec::new(),
            owner_changes: Vec::new(),
            deal_flags: Vec::new(),
            deals_taken: Vec::new(),
            snapshot_deals: HashMap::new(),
        };
        let files: Vec<FileModel> = inputs.iter().map(|input| ctx.plan(input)).collect();
        for input in inputs {
            ctx.roster.name_file(input.file_id, &input.report.file);
        }
        let mut order = Vec::with_capacity(inputs.len());
        for kind in READ_ORDER {
            let mut of_kind: Vec<usize> = (0..inputs.len())
                .filter(|&i| files[i].mapping.kind == kind)
                .collect();
            if kind == Kind::Deals {
                of_kind.sort_by_key(|&i| {
                    std::cmp::Reverse(inputs[i].report.taken_on.unwrap_or(NaiveDate::MAX))
                });
            }
            order.extend(of_kind);
        }
        BuildTask {
            ctx,
            files,
            order,
            next: 0,
            warnings,
        }
    }

    /// Steps in all: one per file, and the finish.
    pub fn steps(&self) -> usize {
        self.order.len() + 1
    }

    /// Steps done so far.
    pub fn done(&self) -> usize {
        self.next
    }

    /// The name of the file the next step reads, if it reads one.
    pub fn next_file<'i>(&self, inputs: &'i [FileInput<'_>]) -> Option<&'i str> {
        let i = *self.order.get(self.next)?;
        inputs.get(i).map(|input| input.report.file.as_str())
    }

    /// Does the next step; the last one gives the model.
    pub fn step(&mut self, inputs: &[FileInput<'_>]) -> Option<Built> {
        if let Some(&i) = self.order.get(self.next) {
            self.next += 1;
            if let (Some(input), Some(file)) = (inputs.get(i), self.files.get_mut(i)) {
                self.ctx.read(input, file);
            }
            return None;
        }
        Some(self.finish(inputs))
    }

    fn finish(&mut self, inputs: &[FileInput<'_>]) -> Built {
        let mut files = std::mem::take(&mut self.files);
        let ctx = &mut self.ctx;
        ctx.finish_deals(&mut files);
        let deals_owned = {
            let mut owned = vec![0u32; ctx.roster_len()];
            for owner in ctx.model.deals.owner.iter().flatten() {
                if let Some(n) = owned.get_mut(*owner as usize) {
                    *n += 1;
                }
            }
            owned
        };
        let settings = &ctx.settings;
        let mut model = std::mem::take(&mut ctx.model);
        let mut roster = std::mem::replace(&mut ctx.roster, Roster::new(&[]));
        let mut warnings = std::mem::take(&mut self.warnings);
        warnings.extend(roster.set_by_hand(&settings.roster));
        let (reps, merges) = roster.finish(&deals_owned);
        model.reps = reps;
        let review = review_list(&mut model, settings);
        for (input, file) in inputs.iter().zip(files.iter_mut()) {
            file.scope = file_scope(&model, input.file_id, file.mapping.kind);
        }
        Built {
            model,
            files,
            review,
            merges,
            warnings,
        }
    }
}

fn business_tz(settings: &ModelSettings) -> Option<chrono_tz::Tz> {
    match &settings.business_time_zone {
        None => Some(chrono_tz::UTC),
        Some(name) => name.parse().ok(),
    }
}

/// An owner change of a deal: when, from whom, to whom.
type OwnerChange = (NaiveDateTime, Option<RepIx>, Option<RepIx>);

/// A history row read before the stage table is decided: deal, time, stage, amount, expected close.
type PendingHistory = (
    DealIx,
    NaiveDateTime,
    Option<StageIx>,
    Option<i64>,
    Option<NaiveDate>,
);

/// A deal's raw flags, kept until the stage table decides what each stage means.
#[derive(Default, Clone)]
struct DealFlags {
    status: Option<Outcome>,
    status_from: &'static str,
    won_on: Option<NaiveDate>,
    lost_on: Option<NaiveDate>,
    closed_column_on: Option<NaiveDate>,
    lead_id: String,
}

struct Context {
    model: SalesModel,
    roster: Roster,
    stages: StageCollector,
    /// Deal id (and its 15-character Salesforce form) → deal.
    deal_index: HashMap<String, DealIx>,
    /// Deal name → deal, for links by name (None when two deals share it).
    deal_names: HashMap<String, Option<DealIx>>,
    lead_created: HashMap<String, NaiveDate>,
    tz: chrono_tz::Tz,
    settings: ModelSettings,
    /// History rows read before the stage table is decided: (deal, at, stage, amount, close date).
    pending_history: Vec<PendingHistory>,
    /// Owner changes: (deal, at, old owner, new owner).
    owner_changes: Vec<(DealIx, NaiveDateTime, Option<RepIx>, Option<RepIx>)>,
    deal_flags: Vec<DealFlags>,
    /// The day each deals file was taken (`None`: not said, read as the newest).
    deals_taken: Vec<(FileId, Option<NaiveDate>)>,
    /// Deals with a row from an older export, and the day their current values were taken (if said).
    snapshot_deals: HashMap<DealIx, Option<NaiveDate>>,
}

/// The columns a file's mapping points at, by field.
struct Columns<'a> {
    mapping: &'a Mapping,
    columns: &'a [ColumnInfo],
}

impl Columns<'_> {
    fn index(&self, field: Field) -> Option<usize> {
        let name = self.mapping.column(field)?;
        self.columns.iter().position(|c| c.name == name)
    }
}

fn cell(table: &Table, row: usize, column: Option<usize>) -> &str {
    column.map_or("", |c| table.cell(row, c).trim())
}

fn note(
    table: &Table,
    row: usize,
    column: Option<&str>,
    value: &str,
    reason: String,
    kind: NoteKind,
) -> RowNote {
    let origin = table.origin(row);
    RowNote::new(
        origin.map_or(0, |o| o.row),
        origin.map_or(0, |o| o.line),
        column.map(str::to_owned),
        value,
        reason,
        kind,
    )
}

impl Context {
    fn roster_len(&self) -> usize {
        self.model
            .deals
            .owner
            .iter()
            .flatten()
            .map(|r| *r as usize + 1)
            .max()
            .unwrap_or(0)
            .max(
                self.model
                    .activities
                    .rep
                    .iter()
                    .flatten()
                    .map(|r| *r as usize + 1)
                    .max()
                    .unwrap_or(0),
            )
            + 64
    }

    /// Recognises and maps a file, applying the user's kind and column choices.
    fn plan(&self, input: &FileInput<'_>) -> FileModel {
        let columns = &input.report.columns;
        let file = input.report.file.as_str();
        let mut mapping = recognize(columns);
        if let Some(kind) = self.settings.kind_for(file)
            && kind != mapping.kind
        {
            mapping = mapping.as_kind(kind, columns);
        }
        for choice in &self.settings.mappings {
            if choice.file.as_deref().is_some_and(|f| f != file)
                || !mapping.kind.fields().contains(&choice.field)
            {
                continue;
            }
            match &choice.column {
                Some(column) if columns.iter().any(|c| &c.name == column) => {
                    mapping.set(choice.field, Some(column.clone()))
                }
                Some(_) => {}
                None => mapping.set(choice.field, None),
            }
        }
        FileModel {
            file_id: input.file_id,
            mapping,
            assumptions: Vec::new(),
            scope: Vec::new(),
            rejected: Vec::new(),
            skipped: Vec::new(),
            kept: Vec::new(),
            notes: Vec::new(),
        }
    }

    fn read(&mut self, input: &FileInput<'_>, file: &mut FileModel) {
        let kind = file.mapping.kind;
        let mut missing: Vec<String> = kind
            .required()
            .iter()
            .filter(|f| file.mapping.column(**f).is_none())
            .map(|f| f.id())
            .collect();
        let any = kind.required_any();
        if !any.is_empty() && any.iter().all(|f| file.mapping.column(*f).is_none()) {
            let names: Vec<String> = any.iter().map(|f| f.id()).collect();
            missing.push(format!("one of {}", names.join(", ")));
        }
        if kind == Kind::NotUsed || !missing.is_empty() {
            let reason = if kind == Kind::NotUsed {
                "This file holds nothing pipelens uses; choose a kind for it if it should be read."
                    .to_owned()
            } else {
                format!(
                    "Not used: a {} file needs a column mapped to {}.",
                    kind.label().to_lowercase(),
                    missing.join(" and ")
                )
            };
            if kind != Kind::NotUsed {
                file.notes.push(reason.clone());
            }
            for row in 0..input.table.row_count() {
                file.skipped.push(note(
                    input.table,
                    row,
                    None,
                    "",
                    reason.clone(),
                    NoteKind::Skipped,
                ));
            }
            return;
        }
        match kind {
            Kind::Users => self.read_users(input, file),
            Kind::Teams => self.read_teams(input, file),
            Kind::Leads => self.read_leads(input, file),
            Kind::Deals => self.read_deals(input, file),
            Kind::StageHistory => self.read_history(input, file),
            Kind::FieldHistory => self.read_field_history(input, file),
            Kind::Activities => self.read_activities(input, file),
            Kind::Quotas => self.read_quotas(input, file),
            Kind::Periods => self.read_periods(input, file),
            Kind::NotUsed => {}
        }
    }

    /// Decides how a date column reads, states it, and applies the user's answer.
    /// A deal by id as another file writes it: exactly, or a Salesforce 18-character id by its
    /// 15-character form (reports show 15, data exports 18).
    fn find_deal(&self, id: &str) -> Option<DealIx> {
        self.deal_index.get(id).copied().or_else(|| {
            (id.len() == 18 && id.is_ascii())
                .then(|| self.deal_index.get(&id[..15]).copied())
                .flatten()
        })
    }

    fn date_column(
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
        let values = (0..input.table.row_count()).map(|r| input.table.cell(r, c));
        let table = input.table;
        let mut decision = DateColumn::decide(values, convention)
            .with_row_numbers(|i| table.origin(i).map_or(0, |o| o.row));
        if decision.order_decided_by == Evidence::Convention {
            // An export writes all its dates one way: a column that proves the order decides the others.
            let siblings = DATE_FIELDS
                .iter()
                .filter_map(|f| file.mapping.column(*f))
                .filter(|other| *other != name)
                .filter_map(|other| input.report.columns.iter().position(|c| c.name == other));
            for sibling in siblings {
                let values = (0..table.row_count()).map(|r| table.cell(r, sibling));
                let proved = DateColumn::decide(values, convention)
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
            push_assumption(
                file,
                Assumption {
                    id,
                    column: Some(name.clone()),
                    text: decision.sentence(&name),
                    choice: choice.to_owned(),
                    alternatives: vec![other.to_owned()],
                },
            );
        } else if decision.excel_serials {
            push_assumption(
                file,
                Assumption {
                    id,
                    column: Some(name.clone()),
                    text: decision.sentence(&name),
                    choice: "excel_serial".to_owned(),
                    alternatives: Vec::new(),
                },
            );
        }
        Some(decision)
    }

    /// Reads a date cell into the business calendar. Date-only values are never shifted; times with a zone
    /// (or from a source that writes them in GMT) convert to the business time zone.
    fn date_of(&self, parsed: ParsedDate, source_gmt: bool) -> NaiveDate {
        self.datetime_of(parsed, source_gmt).date()
    }

    fn datetime_of(&self, parsed: ParsedDate, source_gmt: bool) -> NaiveDateTime {
        match parsed {
            ParsedDate::Date(d) => d.and_hms_opt(0, 0, 0).unwrap_or_default(),
            ParsedDate::DateTime(dt) if source_gmt && dt.time() != chrono::NaiveTime::MIN => {
                self.tz.from_utc_datetime(&dt).naive_local()
            }
            ParsedDate::DateTime(dt) => dt,
            ParsedDate::Zoned(dt) => self.tz.from_utc_datetime(&dt.naive_utc()).naive_local(),
        }
    }

    fn read_users(&mut self, input: &FileInput<'_>, file: &mut FileModel) {
        let mapping = file.mapping.clone();
        let cols = Columns {
            mapping: &mapping,
            columns: &input.report.columns,
        };
        let (id, name, first, last, email, active, role, manager) = (
            cols.index(Field::UserId),
            cols.index(Field::Name),
            cols.index(Field::FirstName),
            cols.index(Field::LastName),
            cols.index(Field::Email),
            cols.index(Field::Active),
            cols.index(Field::Role),
            cols.index(Field::Manager),
        );
        let table = input.table;
        for row in 0..table.row_count() {
            let user_id = cell(table, row, id);
            if user_id.is_empty() {
                file.rejected.push(note(
                    table,
                    row,
                    file.mapping.column(Field::UserId),
                    "",
                    "A user needs an id.".to_owned(),
                    NoteKind::Rejected,
                ));
                continue;
            }
            let full = cell(table, row, name);
            let display = if full.is_empty() {
                format!("{} {}", cell(table, row, first), cell(table, row, last))
                    .trim()
                    .to_owned()
            } else {
                full.to_owned()
            };
            let email_value = cell(table, row, email);
            self.roster.add_user(UserInfo {
                id: user_id.to_owned(),
                name: if display.is_empty() {
                    email_value.to_owned()
                } else {
                    display
                },
                email: (!email_value.is_empty()).then(|| email_value.to_owned()),
                active: parse_bool(cell(table, row, active)).ok().flatten(),
                role: Some(cell(table, row, role).to_owned())
                    .filter(|r| !r.is_empty() && !r.starts_with("00E")),
                manager_id: Some(cell(table, row, manager).to_owned()).filter(|m| !m.is_empty()),
            });
        }
        file.notes.push(format!(
            "{} users: owner ids in the other files resolve to their names.",
            table.row_count()
        ));
    }

    fn read_teams(&mut self, input: &FileInput<'_>, file: &mut FileModel) {
        let mapping = file.mapping.clone();
        let cols = Columns {
            mapping: &mapping,
            columns: &input.report.columns,
        };
        let (rep, manager, team, role, started, ended) = (
            cols.index(Field::Rep),
            cols.index(Field::Manager),
            cols.index(Field::Team),
            cols.index(Field::Role),
            cols.index(Field::Started),
            cols.index(Field::Ended),
        );
        let started_col = self.date_column(input, file, started);
        let ended_col = self.date_column(input, file, ended);
        let table = input.table;
        for row in 0..table.row_count() {
            let name = cell(table, row, rep);
            if name.is_empty() {
                file.rejected.push(note(
                    table,
                    row,
                    file.mapping.column(Field::Rep),
                    "",
                    "A team row needs the rep's name.".to_owned(),
                    NoteKind::Rejected,
                ));
                continue;
            }
            let date = |col: &Option<DateColumn>, c: Option<usize>| {
                col.as_ref()
                    .and_then(|d| d.parse(cell(table, row, c)).ok().flatten())
                    .map(|p| self.date_of(p, false))
            };
            let text =
                |c: Option<usize>| Some(cell(table, row, c).to_owned()).filter(|t| !t.is_empty());
            let info = TeamInfo {
                manager: text(manager),
                team: text(team),
                role: text(role),
                started_on: date(&started_col, started),
                ended_on: date(&ended_col, ended),
            };
            self.roster.add_team(name, info, input.file_id);
        }
    }

    fn read_leads(&mut self, input: &FileInput<'_>, file: &mut FileModel) {
        let mapping = file.mapping.clone();
        let cols = Columns {
            mapping: &mapping,
            columns: &input.report.columns,
        };
        let (id, created) = (cols.index(Field::LeadId), cols.index(Field::Created));
        let created_col = self.date_column(input, file, created);
        let table = input.table;
        for row in 0..table.row_count() {
            let lead = cell(table, row, id);
            if let Some(date) = created_col
                .as_ref()
                .and_then(|d| d.parse(cell(table, row, created)).ok().flatten())
            {
                let date = self.date_of(date, false);
                self.lead_created.insert(lead.to_owned(), date);
            }
        }
        file.notes.push(format!(
            "{} leads: deals that name a lead take its first contact as their creation date.",
            table.row_count()
        ));
    }

    fn read_deals(&mut self, input: &FileInput<'_>, file: &mut FileModel) {
        let mapping = file.mapping.clone();
        let cols = Columns {
            mapping: &mapping,
            columns: &input.report.columns,
        };
        let c = |f: Field| cols.index(f);
        let (id_c, name_c, account_c, owner_c, pipeline_c, type_c, stage_c, order_c) = (
            c(Field::DealId),
            c(Field::DealName),
            c(Field::Account),
            c(Field::Owner),
            c(Field::Pipeline),
            c(Field::DealType),
            c(Field::Stage),
            c(Field::StageOrder),
        );
        let (status_c, closed_flag_c, won_flag_c, amount_c, currency_c, prob_c) = (
            c(Field::Status),
            c(Field::IsClosed),
            c(Field::IsWon),
            c(Field::Amount),
            c(Field::Currency),
            c(Field::Probability),
        );
        let (forecast_c, source_c, lost_reason_c, creator_c, lead_c) = (
            c(Field::ForecastCategory),
            c(Field::LeadSource),
            c(Field::LostReason),
            c(Field::Creator),
            c(Field::LeadId),
        );
        let created = (
            c(Field::Created),
            self.date_column(input, file, c(Field::Created)),
        );
        let expected = (
            c(Field::ExpectedClose),
            self.date_column(input, file, c(Field::ExpectedClose)),
        );
        let closed = (
            c(Field::Closed),
            self.date_column(input, file, c(Field::Closed)),
        );
        let won = (
            c(Field::WonTime),
            self.date_column(input, file, c(Field::WonTime)),
        );
        // HubSpot gives one `Date entered "Closed Won (…)"` column per pipeline: the mapped one and its
        // siblings are read in turn, the first with a date wins.
        let siblings = |field: Field, prefix: &str, this: &mut Self, file: &mut FileModel| {
            let mapped = c(field);
            input
                .report
                .columns
                .iter()
                .enumerate()
                .filter(|(i, col)| Some(*i) != mapped && normalize(&col.name).starts_with(prefix))
                .map(|(i, _)| (Some(i), this.date_column(input, file, Some(i))))
                .collect::<Vec<_>>()
        };
        let won_more = if mapping.source == Source::Hubspot {
            siblings(Field::WonTime, "date entered closed won", self, file)
        } else {
            Vec::new()
        };
        let lost_more = if mapping.source == Source::Hubspot {
            siblings(Field::LostTime, "date entered closed lost", self, file)
        } else {
            Vec::new()
        };
        let lost = (
            c(Field::LostTime),
            self.date_column(input, file, c(Field::LostTime)),
        );
        let last_activity = (
            c(Field::LastActivity),
            self.date_column(input, file, c(Field::LastActivity)),
        );
        let money = amount_c.map(|a| self.money_column(input, file, a));
        let probability = prob_c.map(|p| self.probability_column(input, file, p));
        let gmt = file.mapping.source == Source::Salesforce
            && file.mapping.layout.starts_with("Data Export");
        if gmt {
            push_assumption(
                file,
                Assumption {
                    id: "datetimes_gmt".to_owned(),
                    column: None,
                    text: format!(
                        "Times in this Salesforce data export are GMT; they were converted to the business time zone ({}). Dates without a time are never shifted.",
                        self.tz.name()
                    ),
                    choice: "gmt".to_owned(),
                    alternatives: vec!["business_time_zone".to_owned()],
                },
            );
        }
        let no_outcome_columns = stage_c.is_none() && status_c.is_none() && won_flag_c.is_none();
        if no_outcome_columns {
            let text = if won.0.is_some() {
                "This file has no stage or status column but every deal has a won date: each row is read as a won deal."
            } else {
                "This file has no stage or status column: every deal is read as open. Map a stage or status column if it has one."
            };
            push_assumption(
                file,
                Assumption {
                    id: "outcome_without_stage".to_owned(),
                    column: None,
                    text: text.to_owned(),
                    choice: if won.0.is_some() { "won" } else { "open" }.to_owned(),
                    alternatives: vec!["map_a_column".to_owned()],
                },
            );
        }
        let table = input.table;
        // An older export of deals already read (most ids known) is read as their state on the day it was
        // taken: a history row per deal, for slips and pushes.
        let taken_on = input.report.taken_on;
        let newer_taken = self
            .deals_taken
            .iter()
            .filter(|(_, t)| match (t, taken_on) {
                (None, Some(_)) => true,
                (Some(t), Some(mine)) => *t > mine,
                _ => false,
            })
            .map(|(_, t)| *t)
            .max();
        let snapshot_on = match (taken_on, newer_taken) {
            (Some(day), Some(newer)) => {
                let known = (0..table.row_count())
                    .filter(|&row| self.find_deal(cell(table, row, id_c)).is_some())
                    .count();
                (known * 2 >= table.row_count() && known > 0).then_some((day, newer))
            }
            _ => None,
        };
        self.deals_taken.push((input.file_id, taken_on));
        let (mut snapshot_rows, mut snapshot_gone) = (0u64, 0u64);
        let mut dollar_rows = 0u64;
        let mut excel_ids = 0u64;
        for row in 0..table.row_count() {
            if let Some((day, newer)) = snapshot_on {
                let raw_id = cell(table, row, id_c);
                let Some(deal) = self.find_deal(raw_id) else {
                    snapshot_gone += 1;
                    file.skipped.push(note(
                        table,
                        row,
                        file.mapping.column(Field::DealId),
                        raw_id,
                        format!(
                            "This deal is in this export of {day} but not in the newer export{}: the newer export is each deal's current state, so it is left out.",
                            newer.map(|n| format!(" of {n}")).unwrap_or_default()
                        ),
                        NoteKind::Skipped,
                    ));
                    continue;
                };
                let pipeline = self
                    .model
                    .strings
                    .get(self.model.deals.pipeline[deal as usize])
                    .to_owned();
                let stage_raw = cell(table, row, stage_c);
                let stage = (!stage_raw.is_empty())
                    .then(|| self.stages.see_in_history(&pipeline, stage_raw));
                let amount = money
                    .as_ref()
                    .and_then(|m| m.parse(cell(table, row, amount_c)).ok().flatten())
                    .map(|m| m.amount_cents);
                let close_on = expected
                    .1
                    .as_ref()
                    .and_then(|d| d.parse(cell(table, row, expected.0)).ok().flatten())
                    .map(|p| self.date_of(p, gmt));
                self.pending_history.push((
                    deal,
                    day.and_hms_opt(0, 0, 0).unwrap_or_default(),
                    stage,
                    amount,
                    close_on,
                ));
                self.snapshot_deals.insert(deal, newer);
                snapshot_rows += 1;
                continue;
            }
            let raw_id = cell(table, row, id_c);
            if let IdCheck::ExcelDamaged { .. } = check_id(raw_id) {
                excel_ids += 1;
                file.kept.push(note(table, row, file.mapping.column(Field::DealId), raw_id, "This id looks damaged by Excel (scientific notation); it is kept as written, so it may not match other files.".to_owned(), NoteKind::Kept));
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
            if let Some(first) = self.find_deal(&deal_id) {
                let other = self.model.deals.file[first as usize];
                let reason = format!(
                    "A deal with id '{deal_id}' was already read (file {}, row {}); this row is skipped.",
                    other, self.model.deals.row[first as usize]
                );
                file.skipped.push(note(
                    table,
                    row,
                    file.mapping.column(Field::DealId),
                    raw_id,
                    reason,
                    NoteKind::Skipped,
                ));
                continue;
            }
            let ix = self.model.deals.len() as DealIx;
            self.deal_index.insert(deal_id.clone(), ix);
            if deal_id.len() == 18 && deal_id.starts_with("006") {
                self.deal_index.insert(deal_id[..15].to_owned(), ix);
            }
            let owner_text = cell(table, row, owner_c);
            let owner = self.roster.resolve(owner_text, input.file_id);
            if owner.is_none() {
                file.kept.push(note(
                    table,
                    row,
                    file.mapping.column(Field::Owner),
                    "",
                    "This deal has no owner; it counts in team totals under '(no owner)'."
                        .to_owned(),
                    NoteKind::Kept,
                ));
            }
            let creator = self
                .roster
                .resolve(cell(table, row, creator_c), input.file_id)
                .filter(|_| creator_c.is_some());
            let pipeline = cell(table, row, pipeline_c);
            let stage_raw = cell(table, row, stage_c);
            let stage = self.stages.see(pipeline, stage_raw);
            self.stages.count_deal(stage);
            if let Some(order) = parse_number(cell(table, row, order_c), DecimalMark::Dot)
                .ok()
                .flatten()
            {
                self.stages.sort_order(stage, order);
            }
            let read_date = |(column, decision): &(Option<usize>, Option<DateColumn>),
                             field: Field,
                             file: &mut FileModel| {
                let value = cell(table, row, *column);
                match decision.as_ref().map(|d| d.parse(value)) {
                    Some(Ok(Some(parsed))) => Some(self.date_of(parsed, gmt)),
                    Some(Err(e)) => {
                        file.kept.push(note(
                            table,
                            row,
                            file.mapping.column(field),
                            value,
                            format!("{e} The date is left empty."),
                            NoteKind::Kept,
                        ));
                        None
                    }
                    _ => None,
                }
            };
            let created_on = read_date(&created, Field::Created, file);
            let expected_close_on = read_date(&expected, Field::ExpectedClose, file);
            let closed_column_on = read_date(&closed, Field::Closed, file);
            let won_on = read_date(&won, Field::WonTime, file).or_else(|| {
                won_more
                    .iter()
                    .find_map(|w| read_date(w, Field::WonTime, file))
            });
            let lost_on = read_date(&lost, Field::LostTime, file).or_else(|| {
                lost_more
                    .iter()
                    .find_map(|l| read_date(l, Field::LostTime, file))
            });
            let last_activity_on = read_date(&last_activity, Field::LastActivity, file);

            // Outcome evidence: an explicit status, else won/closed flags, else won/lost times.
            let mut flags = DealFlags {
                won_on,
                lost_on,
                closed_column_on,
                lead_id: cell(table, row, lead_c).to_owned(),
                ..DealFlags::default()
            };
            if let Some(outcome) =
                status_outcome(cell(table, row, status_c)).filter(|_| status_c.is_some())
            {
                flags.status = Some(outcome);
                flags.status_from = "the status column";
            } else if won_flag_c.is_some() || closed_flag_c.is_some() {
                let is_won = parse_bool(cell(table, row, won_flag_c))
                    .ok()
                    .flatten()
                    .unwrap_or(false);
                let is_closed = parse_bool(cell(table, row, closed_flag_c))
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
            } else if won_on.is_some() && stage_c.is_none() {
                flags.status = Some(Outcome::Won);
                flags.status_from = "the won date";
            } else if lost_on.is_some() && stage_c.is_none() {
                flags.status = Some(Outcome::Lost);
                flags.status_from = "the lost date";
            } else if no_outcome_columns {
                flags.status = Some(Outcome::Open);
                flags.status_from = "no stage or status";
            }
            // A stage's outcome is voted only by flags the CRM derives from the stage itself (Salesforce's
            // IsWon / IsClosed), or by the deal's outcome when the file has no stage at all. A status column
            // does not vote: Pipedrive and Dynamics keep a won deal in its last open stage.
            if let Some(outcome) = flags.status
                && (flags.status_from == "IsWon / IsClosed" || stage_c.is_none())
            {
                self.stages.vote(stage, outcome, flags.status_from);
            }

            let mut amount_cents = None;
            let mut currency = cell(table, row, currency_c).to_uppercase();
            if let Some(money) = &money {
                let value = cell(table, row, amount_c);
                match money.parse(value) {
                    Ok(Some(m)) => {
                        amount_cents = Some(m.amount_cents);
                        if currency.is_empty() {
                            currency = match m.currency.as_deref() {
                                Some("$") => {
                                    dollar_rows += 1;
                                    "USD".to_owned()
                                }
                                Some(code) => code.to_owned(),
                                None => String::new(),
                            };
                        }
                    }
                    Ok(None) => {}
                    Err(e) => file.kept.push(note(
                        table,
                        row,
                        file.mapping.column(Field::Amount),
                        value,
                        format!("{e} The amount is left empty."),
                        NoteKind::Kept,
                    )),
                }
            }
            let mut probability_value = None;
            if let Some(p) = &probability {
                let value = cell(table, row, prob_c);
                match p.parse(value) {
                    Ok(v) => probability_value = v.map(|v| v as f32),
                    Err(e) => file.kept.push(note(
                        table,
                        row,
                        file.mapping.column(Field::Probability),
                        value,
                        format!("{e} The probability is left empty."),
                        NoteKind::Kept,
                    )),
                }
                if let Some(v) = probability_value {
                    self.stages.probability(stage, f64::from(v) * 100.0);
                }
            }
            let name = cell(table, row, name_c);
            let strings = &mut self.model.strings;
            let d = &mut self.model.deals;
            d.file.push(input.file_id);
            d.row.push(table.origin(row).map_or(0, |o| o.row));
            d.id.push(strings.intern(&deal_id));
            d.name.push(strings.intern(name));
            d.account.push(strings.intern(cell(table, row, account_c)));
            d.pipeline.push(strings.intern(pipeline));
            d.deal_type.push(strings.intern(cell(table, row, type_c)));
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
                .push(strings.intern(cell(table, row, forecast_c)));
            d.lead_source
                .push(strings.intern(cell(table, row, source_c)));
            d.lost_reason
                .push(strings.intern(cell(table, row, lost_reason_c)));
            d.last_activity_on.push(last_activity_on);
            d.owner.push(owner);
            d.credited.push(owner);
            d.owner_assumed_current.push(true);
            d.creator.push(creator);
            d.flagged.push(false);
            d.excluded.push(false);
            self.deal_flags.push(flags);
            if !name.is_empty() {
                self.deal_names
                    .entry(name.to_lowercase())
                    .and_modify(|e| *e = None)
                    .or_insert(Some(ix));
            }
        }
        if let Some((day, newer)) = snapshot_on {
            file.notes.push(format!(
                "An earlier export of the same deals, taken on {day} (the newer one{}): {snapshot_rows} rows read as each deal's stage, amount and close date on that day, for slips and pushes{}.",
                newer.map(|n| format!(" was taken on {n}")).unwrap_or_else(|| " does not say when it was taken, so it is read as of the as-of date".to_owned()),
                if snapshot_gone > 0 { format!("; {snapshot_gone} deals not in the newer export are left out") } else { String::new() }
            ));
        }
        if dollar_rows > 0 {
            push_assumption(
                file,
                Assumption {
                    id: "dollar_currency".to_owned(),
                    column: file.mapping.column(Field::Amount).map(str::to_owned),
                    text: format!(
                        "{dollar_rows} amounts carry a bare '$' and no currency column: they were read as US dollars."
                    ),
                    choice: "USD".to_owned(),
                    alternatives: vec![
                        "MXN".to_owned(),
                        "CAD".to_owned(),
                        "AUD".to_owned(),
                        "COP".to_owned(),
                    ],
                },
            );
        }
        if excel_ids > 0 {
            file.notes.push(format!("{excel_ids} deal ids look damaged by Excel (scientific notation): re-export without opening the file in Excel to keep ids exact."));
        }
    }

    fn money_column(
        &self,
        input: &FileInput<'_>,
        file: &mut FileModel,
        column: usize,
    ) -> MoneyColumn {
        let name = input
            .report
            .columns
            .get(column)
            .map(|c| c.name.clone())
            .unwrap_or_default();
        let values = (0..input.table.row_count()).map(|r| input.table.cell(r, column));
        let table = input.table;
        let mut decision = MoneyColumn::decide(values, DecimalMark::Dot)
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
            push_assumption(
                file,
                Assumption {
                    id,
                    column: Some(name.clone()),
                    text: decision.sentence(&name),
                    choice: choice.to_owned(),
                    alternatives: vec![other.to_owned()],
                },
            );
        }
        if in_cents || file.mapping.source == Source::Close {
            push_assumption(
                file,
                Assumption {
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
                },
            );
        }
        decision
    }

    fn probability_column(
        &self,
        input: &FileInput<'_>,
        file: &mut FileModel,
        column: usize,
    ) -> ProbabilityColumn {
        let name = input
            .report
            .columns
            .get(column)
            .map(|c| c.name.clone())
            .unwrap_or_default();
        let values = (0..input.table.row_count()).map(|r| input.table.cell(r, column));
        let table = input.table;
        let decision = ProbabilityColumn::decide(values)
            .with_row_numbers(|i| table.origin(i).map_or(0, |o| o.row));
        push_assumption(
            file,
            Assumption {
                id: format!("probability_scale:{name}"),
                column: Some(name.clone()),
                text: decision.sentence(&name),
                choice: match decision.scale {
                    ProbabilityScale::Fraction => "fraction",
                    ProbabilityScale::Percent => "percent",
                }
                .to_owned(),
                alternatives: Vec::new(),
            },
        );
        decision
    }

    fn read_history(&mut self, input: &FileInput<'_>, file: &mut FileModel) {
        let mapping = file.mapping.clone();
        let cols = Columns {
            mapping: &mapping,
            columns: &input.report.columns,
        };
        let (deal_c, stage_c, amount_c) = (
            cols.index(Field::DealId),
            cols.index(Field::Stage),
            cols.index(Field::Amount),
        );
        let prob_c = cols.index(Field::Probability);
        let probability = prob_c.map(|p| self.probability_column(input, file, p));
        let at = (
            cols.index(Field::At),
            self.date_column(input, file, cols.index(Field::At)),
        );
        let close = (
            cols.index(Field::ExpectedClose),
            self.date_column(input, file, cols.index(Field::ExpectedClose)),
        );
        let money = amount_c.map(|a| self.money_column(input, file, a));
        let gmt = file.mapping.source == Source::Salesforce;
        let table = input.table;
        let mut unknown = 0u64;
        for row in 0..table.row_count() {
            let deal_id = cell(table, row, deal_c);
            let Some(deal) = self.find_deal(deal_id).or_else(|| {
                self.deal_names
                    .get(&deal_id.to_lowercase())
                    .copied()
                    .flatten()
            }) else {
                unknown += 1;
                file.skipped.push(note(
                    table,
                    row,
                    file.mapping.column(Field::DealId),
                    deal_id,
                    "History of a deal that is not in the imported deals.".to_owned(),
                    NoteKind::Skipped,
                ));
                continue;
            };
            let at_value = cell(table, row, at.0);
            let when = match at.1.as_ref().map(|d| d.parse(at_value)) {
                Some(Ok(Some(parsed))) => self.datetime_of(parsed, gmt),
                Some(Err(e)) => {
                    file.rejected.push(note(
                        table,
                        row,
                        file.mapping.column(Field::At),
                        at_value,
                        e.to_string(),
                        NoteKind::Rejected,
                    ));
                    continue;
                }
                _ => {
                    file.rejected.push(note(
                        table,
                        row,
                        file.mapping.column(Field::At),
                        at_value,
                        "A history row needs the time of the change.".to_owned(),
                        NoteKind::Rejected,
                    ));
                    continue;
                }
            };
            let stage_raw = cell(table, row, stage_c);
            let stage = (!stage_raw.is_empty()).then(|| {
                let pipeline = self
                    .model
                    .strings
                    .get(self.model.deals.pipeline[deal as usize])
                    .to_owned();
                self.stages.see_in_history(&pipeline, stage_raw)
            });
            let amount = money
                .as_ref()
                .and_then(|m| m.parse(cell(table, row, amount_c)).ok().flatten())
                .map(|m| m.amount_cents);
            if let (Some(stage), Some(p)) = (stage, &probability)
                && let Ok(Some(value)) = p.parse(cell(table, row, prob_c))
            {
                self.stages.probability(stage, value * 100.0);
            }
            let close_on = close
                .1
                .as_ref()
                .and_then(|d| d.parse(cell(table, row, close.0)).ok().flatten())
                .map(|p| self.date_of(p, gmt));
            self.pending_history
                .push((deal, when, stage, amount, close_on));
        }
        file.notes.push(format!(
            "{} history rows joined to deals by id{}.",
            table.row_count() as u64 - unknown - file.rejected.len() as u64,
            if unknown > 0 {
                format!("; {unknown} name deals that are not imported and were skipped")
            } else {
                String::new()
            }
        ));
    }

    fn read_field_history(&mut self, input: &FileInput<'_>, file: &mut FileModel) {
        let mapping = file.mapping.clone();
        let cols = Columns {
            mapping: &mapping,
            columns: &input.report.columns,
        };
        let (deal_c, field_c, old_c, new_c) = (
            cols.index(Field::DealId),
            cols.index(Field::ChangedField),
            cols.index(Field::OldValue),
            cols.index(Field::NewValue),
        );
        let at = (
            cols.index(Field::At),
            self.date_column(input, file, cols.index(Field::At)),
        );
        let table = input.table;
        let mut owner_rows = 0;
        for row in 0..table.row_count() {
            let field = fold(cell(table, row, field_c));
            if !matches!(
                field.as_str(),
                "owner" | "ownerid" | "owner id" | "ownerassignment" | "owner assignment"
            ) {
                file.skipped.push(note(
                    table,
                    row,
                    file.mapping.column(Field::ChangedField),
                    cell(table, row, field_c),
                    "Not an owner change; only owner history is used.".to_owned(),
                    NoteKind::Skipped,
                ));
                continue;
            }
            let Some(deal) = self.find_deal(cell(table, row, deal_c)) else {
                file.skipped.push(note(
                    table,
                    row,
                    file.mapping.column(Field::DealId),
                    cell(table, row, deal_c),
                    "History of a deal that is not in the imported deals.".to_owned(),
                    NoteKind::Skipped,
                ));
                continue;
            };
            let Some(when) =
                at.1.as_ref()
                    .and_then(|d| d.parse(cell(table, row, at.0)).ok().flatten())
                    .map(|p| self.datetime_of(p, true))
            else {
                file.rejected.push(note(
                    table,
                    row,
                    file.mapping.column(Field::At),
                    cell(table, row, at.0),
                    "An owner change needs its time.".to_owned(),
                    NoteKind::Rejected,
                ));
                continue;
            };
            let old = self.roster.resolve(cell(table, row, old_c), input.file_id);
            let new = self.roster.resolve(cell(table, row, new_c), input.file_id);
            self.owner_changes.push((deal, when, old, new));
            owner_rows += 1;
        }
        file.notes.push(format!(
            "{owner_rows} owner changes: closed deals are credited to their owner at close."
        ));
    }

    fn read_activities(&mut self, input: &FileInput<'_>, file: &mut FileModel) {
        let mapping = file.mapping.clone();
        let cols = Columns {
            mapping: &mapping,
            columns: &input.report.columns,
        };
        let c = |f: Field| cols.index(f);
        let (
            id_c,
            owner_c,
            type_c,
            subject_c,
            done_c,
            status_c,
            duration_c,
            outcome_c,
            direction_c,
            deal_c,
        ) = (
            c(Field::ActivityId),
            c(Field::Owner),
            c(Field::ActivityType),
            c(Field::Subject),
            c(Field::Done),
            c(Field::ActivityStatus),
            c(Field::Duration),
            c(Field::Outcome),
            c(Field::Direction),
            c(Field::DealId),
        );
        let at = (c(Field::At), self.date_column(input, file, c(Field::At)));
        let due = (c(Field::Due), self.date_column(input, file, c(Field::Due)));
        let created = (
            c(Field::Created),
            self.date_column(input, file, c(Field::Created)),
        );
        let gmt = file.mapping.source == Source::Salesforce;
        let layout_kind = layout_activity_kind(&file.mapping);
        let duration_unit = duration_unit(
            &file.mapping,
            file.mapping.column(Field::Duration).unwrap_or(""),
        );
        if duration_c.is_some() {
            push_assumption(
                file,
                Assumption {
                    id: "duration_unit".to_owned(),
                    column: file.mapping.column(Field::Duration).map(str::to_owned),
                    text: format!("Durations are read as {}.", duration_unit.words()),
                    choice: duration_unit.id().to_owned(),
                    alternatives: ["seconds", "minutes", "milliseconds"]
                        .iter()
                        .filter(|u| **u != duration_unit.id())
                        .map(|u| (*u).to_owned())
                        .collect(),
                },
            );
        }
        let table = input.table;
        let header = |c: Option<usize>| {
            c.and_then(|c| input.report.columns.get(c))
                .map(|c| normalize(&c.original))
                .unwrap_or_default()
        };
        let call_duration = header(duration_c).contains("call");
        let call_outcome =
            header(outcome_c).contains("call") || header(outcome_c).contains("disposition");
        let mut by_call_columns = 0u64;
        let (mut by_type, mut by_subject, mut by_layout, mut unowned, mut linked) =
            (0u64, 0u64, 0u64, 0u64, 0u64);
        for row in 0..table.row_count() {
            let at_value = cell(table, row, at.0);
            let when = match at.1.as_ref().map(|d| d.parse(at_value)) {
                Some(Ok(Some(parsed))) => Some(self.datetime_of(parsed, gmt)),
                Some(Err(e)) => {
                    file.rejected.push(note(
                        table,
                        row,
                        file.mapping.column(Field::At),
                        at_value,
                        e.to_string(),
                        NoteKind::Rejected,
                    ));
                    continue;
                }
                _ => [&due, &created].into_iter().find_map(|(c, d)| {
                    d.as_ref()
                        .and_then(|d| d.parse(cell(table, row, *c)).ok().flatten())
                        .map(|p| self.datetime_of(p, gmt))
                }),
            };
            let Some(when) = when else {
                file.rejected.push(note(table, row, file.mapping.column(Field::At), at_value, "An activity needs a date (its due, start or completion date, or when it was created).".to_owned(), NoteKind::Rejected));
                continue;
            };
            let subject = cell(table, row, subject_c);
            // A call's own columns (its duration or outcome) say it is a call when no type does.
            let call_columns = (call_duration
                && duration_unit
                    .seconds(cell(table, row, duration_c))
                    .is_some_and(|s| s > 0))
                || (call_outcome && !cell(table, row, outcome_c).is_empty());
            let kind = if let Some(k) = activity_kind_of_type(cell(table, row, type_c)) {
                by_type += 1;
                k
            } else if call_columns {
                by_call_columns += 1;
                ActivityKind::Call
            } else if let Some(k) = activity_kind_of_subject(subject) {
                by_subject += 1;
                k
            } else if let Some(k) = layout_kind {
                by_layout += 1;
                k
            } else {
                ActivityKind::Other
            };
            let done_text = cell(table, row, done_c);
            let done = parse_bool(done_text)
                .ok()
                .flatten()
                .or_else(|| done_of_status(done_text))
                .or_else(|| done_of_status(cell(table, row, status_c)))
                // A logged call with a duration or an outcome took place.
                .or((kind == ActivityKind::Call && call_columns).then_some(true));
            let rep = self
                .roster
                .resolve(cell(table, row, owner_c), input.file_id);
            if rep.is_none() {
                unowned += 1;
                file.kept.push(note(
                    table,
                    row,
                    file.mapping.column(Field::Owner),
                    "",
                    "This activity has no owner; it is kept but counts for no rep.".to_owned(),
                    NoteKind::Kept,
                ));
            }
            let duration_s = duration_unit.seconds(cell(table, row, duration_c));
            let outcome = cell(table, row, outcome_c);
            let deal_ref = cell(table, row, deal_c);
            let deal = (!deal_ref.is_empty())
                .then(|| {
                    self.find_deal(deal_ref).or_else(|| {
                        self.deal_names
                            .get(&deal_ref.to_lowercase())
                            .copied()
                            .flatten()
                    })
                })
                .flatten();
            linked += u64::from(deal.is_some());
            let strings = &mut self.model.strings;
            let a = &mut self.model.activities;
            a.file.push(input.file_id);
            a.row.push(table.origin(row).map_or(0, |o| o.row));
            a.id.push(strings.intern(cell(table, row, id_c)));
            a.rep.push(rep);
            a.kind.push(kind);
            a.at.push(Some(when));
            a.done.push(done);
            a.duration_s.push(duration_s);
            a.outcome.push(strings.intern(outcome));
            a.connected.push(if kind == ActivityKind::Call {
                connected_of_outcome(outcome)
            } else {
                None
            });
            a.direction
                .push(strings.intern(cell(table, row, direction_c)));
            a.deal.push(deal);
            a.subject.push(strings.intern(subject));
        }
        let mut how = Vec::new();
        if by_type > 0 {
            how.push(format!("{by_type} from the type column"));
        }
        if by_call_columns > 0 {
            how.push(format!(
                "{by_call_columns} calls by their call duration or outcome"
            ));
        }
        if by_subject > 0 {
            how.push(format!("{by_subject} from the subject's first word"));
        }
        if by_layout > 0 {
            how.push(format!("{by_layout} from the kind of export"));
        }
        let total = table.row_count() as u64 - file.rejected.len() as u64;
        let other = total.saturating_sub(by_type + by_call_columns + by_subject + by_layout);
        if other > 0 {
            how.push(format!("{other} said nothing and are 'other'"));
        }
        file.notes.push(format!(
            "Activity kinds: {}.",
            if how.is_empty() {
                "none".to_owned()
            } else {
                how.join(", ")
            }
        ));
        file.notes.push(format!(
            "{linked} activities are linked to an imported deal{}.",
            if unowned > 0 {
                format!("; {unowned} have no owner")
            } else {
                String::new()
            }
        ));
    }

    fn read_quotas(&mut self, input: &FileInput<'_>, file: &mut FileModel) {
        let mapping = file.mapping.clone();
        let cols = Columns {
            mapping: &mapping,
            columns: &input.report.columns,
        };
        let (rep_c, team_c, period_c, amount_c, currency_c) = (
            cols.index(Field::Rep),
            cols.index(Field::Team),
            cols.index(Field::Period),
            cols.index(Field::Amount),
            cols.index(Field::Currency),
        );
        let start = (
            cols.index(Field::PeriodStart),
            self.date_column(input, file, cols.index(Field::PeriodStart)),
        );
        let end = (
            cols.index(Field::PeriodEnd),
            self.date_column(input, file, cols.index(Field::PeriodEnd)),
        );
        let money = amount_c.map(|a| self.money_column(input, file, a));
        let table = input.table;
        for row in 0..table.row_count() {
            let amount_value = cell(table, row, amount_c);
            let Some(amount) = money
                .as_ref()
                .and_then(|m| m.parse(amount_value).ok().flatten())
            else {
                file.rejected.push(note(
                    table,
                    row,
                    file.mapping.column(Field::Amount),
                    amount_value,
                    "A quota needs an amount, such as 250000 or $250,000.".to_owned(),
                    NoteKind::Rejected,
                ));
                continue;
            };
            let period_text = cell(table, row, period_c);
            let dates = |(c, d): &(Option<usize>, Option<DateColumn>)| {
                d.as_ref()
                    .and_then(|d| d.parse(cell(table, row, *c)).ok().flatten())
                    .map(|p| self.date_of(p, false))
            };
            let span = match (dates(&start), dates(&end)) {
                (Some(s), Some(e)) => Some((s, e)),
                _ => period_span(period_text),
            };
            let Some((period_start, period_end)) = span else {
                file.rejected.push(note(
                    table,
                    row,
                    file.mapping.column(Field::Period),
                    period_text,
                    "A quota needs its period: 2026, 2026-Q2, 2026-05, or start and end dates."
                        .to_owned(),
                    NoteKind::Rejected,
                ));
                continue;
            };
            let rep_text = cell(table, row, rep_c);
            let rep = self.roster.resolve(rep_text, input.file_id);
            let team = Some(cell(table, row, team_c).to_owned()).filter(|t| !t.is_empty());
            if rep.is_none() && team.is_none() {
                file.rejected.push(note(
                    table,
                    row,
                    file.mapping.column(Field::Rep),
                    rep_text,
                    "A quota needs a rep or a team.".to_owned(),
                    NoteKind::Rejected,
                ));
                continue;
            }
            let currency = Some(cell(table, row, currency_c).to_uppercase())
                .filter(|c| !c.is_empty())
                .or(amount.currency.clone());
            self.model.quotas.push(Quota {
                rep,
                team,
                period_start,
                period_end,
                amount_cents: amount.amount_cents,
                currency,
            });
        }
        file.notes.push("Quota periods named like 2026-Q2 are calendar quarters until a fiscal calendar is set.".to_owned());
    }

    fn read_periods(&mut self, input: &FileInput<'_>, file: &mut FileModel) {
        let mapping = file.mapping.clone();
        let cols = Columns {
            mapping: &mapping,
            columns: &input.report.columns,
        };
        let (type_c, label_c) = (
            cols.index(Field::PeriodType),
            cols.index(Field::PeriodLabel),
        );
        let start = (
            cols.index(Field::PeriodStart),
            self.date_column(input, file, cols.index(Field::PeriodStart)),
        );
        let end = (
            cols.index(Field::PeriodEnd),
            self.date_column(input, file, cols.index(Field::PeriodEnd)),
        );
        let table = input.table;
        for row in 0..table.row_count() {
            let parse = |(c, d): &(Option<usize>, Option<DateColumn>)| {
                d.as_ref()
                    .and_then(|d| d.parse(cell(table, row, *c)).ok().flatten())
                    .map(|p| self.date_of(p, false))
            };
            match (parse(&start), parse(&end)) {
                (Some(s), Some(e)) if s <= e => self.model.periods.push(FiscalPeriod {
                    period_type: cell(table, row, type_c).to_owned(),
                    start: s,
                    end: e,
                    label: cell(table, row, label_c).to_owned(),
                }),
                _ => file.rejected.push(note(
                    table,
                    row,
                    file.mapping.column(Field::PeriodStart),
                    cell(table, row, start.0),
                    "A fiscal period needs a start date on or before its end date.".to_owned(),
                    NoteKind::Rejected,
                )),
            }
        }
        self.model.periods.sort_by_key(|p| (p.start, p.end));
    }

    /// After every file: the stage table, each deal's status, close date and credited rep, and the history.
    fn finish_deals(&mut self, files: &mut [FileModel]) {
        // A deal seen in an older export: its current values are a history row on the day they were taken.
        for (&deal, taken) in &self.snapshot_deals {
            if let Some(day) = taken {
                let d = &self.model.deals;
                let ix = deal as usize;
                self.pending_history.push((
                    deal,
                    day.and_hms_opt(0, 0, 0).unwrap_or_default(),
                    Some(d.stage[ix]),
                    d.amount_cents[ix],
                    d.expected_close_on[ix],
                ));
            }
        }
        // History sequences order stages that carry no other evidence.
        self.pending_history.sort_by_key(|h| (h.0, h.1));
        let mut start = 0;
        while start < self.pending_history.len() {
            let deal = self.pending_history[start].0;
            let end = self.pending_history[start..]
                .iter()
                .position(|h| h.0 != deal)
                .map_or(self.pending_history.len(), |p| start + p);
            let sequence: Vec<StageIx> = self.pending_history[start..end]
                .iter()
                .filter_map(|h| h.2)
                .collect();
            self.stages.history_sequence(&sequence);
            start = end;
        }
        let collector = std::mem::take(&mut self.stages);
        self.model.stages = collector.finish(&self.settings.stages);
        let stages = &self.model.stages;

        // History rows, in order, with stage changes marked.
        let h = &mut self.model.history;
        let mut previous: Option<(DealIx, Option<StageIx>)> = None;
        for (deal, at, stage, amount, close) in &self.pending_history {
            let changed = match previous {
                Some((d, s)) if d == *deal => stage.is_some() && *stage != s,
                _ => stage.is_some(),
            };
            previous = Some((
                *deal,
                stage.or(previous
                    .and_then(|(d, s)| (d == *deal).then_some(s))
                    .flatten()),
            ));
            h.deal.push(*deal);
            h.at.push(*at);
            h.stage.push(*stage);
            h.amount_cents.push(*amount);
            h.expected_close_on.push(*close);
            h.stage_changed.push(changed);
        }

        // When each deal last entered a closed stage, from history.
        let mut closed_at: HashMap<DealIx, NaiveDate> = HashMap::new();
        let mut previous_closed: HashMap<DealIx, bool> = HashMap::new();
        for i in 0..self.model.history.len() {
            let (deal, stage, at) = (
                self.model.history.deal[i],
                self.model.history.stage[i],
                self.model.history.at[i],
            );
            let Some(stage) = stage else { continue };
            if self.snapshot_deals.contains_key(&deal) {
                // An export's day is not the day a deal closed.
                continue;
            }
            let closed = stages.outcome(stage) != Outcome::Open;
            let was_closed = previous_closed.insert(deal, closed).unwrap_or(false);
            if closed && !was_closed {
                closed_at.insert(deal, at.date());
            }
        }

        let mut from_counts: HashMap<(FileId, ClosedOnFrom), u64> = HashMap::new();
        let d = &mut self.model.deals;
        for ix in 0..d.len() {
            let flags = self.deal_flags.get(ix).cloned().unwrap_or_default();
            let stage_outcome = stages
                .get(d.stage[ix])
                .filter(|e| !e.raw.is_empty())
                .map(|e| e.outcome);
            let outcome = flags.status.or(stage_outcome).unwrap_or(Outcome::Open);
            let stage_text = fold(stages.get(d.stage[ix]).map_or("", |e| e.raw.as_str()));
            let reason_text = fold(self.model.strings.get(d.lost_reason[ix]));
            d.status[ix] = match outcome {
                Outcome::Open => DealStatus::Open,
                Outcome::Won => DealStatus::Won,
                Outcome::Lost
                    if ["disqualif", "descalific", "unqualif", "nao qualific"]
                        .iter()
                        .any(|w| stage_text.contains(w) || reason_text.contains(w)) =>
                {
                    DealStatus::Disqualified
                }
                Outcome::Lost => DealStatus::Lost,
            };
            if d.created_on[ix].is_none()
                && let Some(created) = self.lead_created.get(&flags.lead_id)
            {
                d.created_on[ix] = Some(*created);
            }
            if outcome == Outcome::Open {
                continue;
            }
            let outcome_time = if outcome == Outcome::Won {
                flags.won_on
            } else {
                flags.lost_on
            };
            let (closed_on, from) = if let Some(date) = closed_at.get(&(ix as DealIx)) {
                (Some(*date), ClosedOnFrom::History)
            } else if let Some(date) = outcome_time {
                (Some(date), ClosedOnFrom::WonLostTime)
            } else if let Some(date) = flags.closed_column_on {
                (Some(date), ClosedOnFrom::ClosedColumn)
            } else if let Some(date) = d.expected_close_on[ix] {
                (Some(date), ClosedOnFrom::CloseDate)
            } else {
                (None, ClosedOnFrom::None)
            };
            d.closed_on[ix] = closed_on;
            d.closed_on_from[ix] = from;
            *from_counts.entry((d.file[ix], from)).or_insert(0) += 1;
        }

        // Credit: the owner at close, where owner history covers it.
        self.owner_changes.sort_by_key(|c| (c.0, c.1));
        let mut changes: HashMap<DealIx, Vec<OwnerChange>> = HashMap::new();
        for (deal, at, old, new) in &self.owner_changes {
            changes.entry(*deal).or_default().push((*at, *old, *new));
        }
        let mut credited_by_history = 0u64;
        for (deal, list) in &changes {
            let ix = *deal as usize;
            let Some(closed_on) = d.closed_on.get(ix).copied().flatten() else {
                continue;
            };
            let at_close = list
                .iter()
                .rev()
                .find(|(at, _, _)| at.date() <= closed_on)
                .map(|(_, _, new)| *new)
                .or_else(|| list.first().map(|(_, old, _)| *old));
            if let Some(owner) = at_close {
                d.credited[ix] = owner;
                d.owner_assumed_current[ix] = false;
                credited_by_history += 1;
            }
        }
        for ix in 0..d.len() {
            if d.status[ix] == DealStatus::Open || changes.contains_key(&(ix as DealIx)) {
                d.owner_assumed_current[ix] =
                    d.status[ix] != DealStatus::Open && !changes.contains_key(&(ix as DealIx));
            }
        }

        for file in files.iter_mut().filter(|f| f.mapping.kind == Kind::Deals) {
            let count = |from| from_counts.get(&(file.file_id, from)).copied().unwrap_or(0);
            let parts: Vec<String> = [
                (ClosedOnFrom::History, "the stage history"),
                (ClosedOnFrom::WonLostTime, "the won or lost time"),
                (ClosedOnFrom::ClosedColumn, "the actual close date"),
                (ClosedOnFrom::CloseDate, "the close date"),
                (ClosedOnFrom::None, "nothing (no date)"),
            ]
            .iter()
            .filter(|(from, _)| count(*from) > 0)
            .map(|(from, words)| format!("{} from {words}", count(*from)))
            .collect();
            if !parts.is_empty() {
                file.notes.push(format!(
                    "Close dates of closed deals: {}.",
                    parts.join(", ")
                ));
            }
            let closed: u64 = (0..d.len())
                .filter(|&i| d.file[i] == file.file_id && d.status[i] != DealStatus::Open)
                .count() as u64;
            file.notes.push(if changes.is_empty() {
                format!("Credit: no owner history, so {closed} closed deals are credited to their current owner.")
            } else {
                format!("Credit: {credited_by_history} closed deals to their owner at close (owner history); the rest to their current owner.")
            });
        }
    }
}

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

fn push_assumption(file: &mut FileModel, assumption: Assumption) {
    if !file.assumptions.iter().any(|a| a.id == assumption.id) {
        file.assumptions.push(assumption);
    }
}

/// The kind every activity of a layout is, when its export holds one kind only.
fn layout_activity_kind(mapping: &Mapping) -> Option<ActivityKind> {
    let layout = mapping.layout.to_lowercase();
    if layout.contains("event") {
        Some(ActivityKind::Meeting)
    } else if layout.contains("calls") {
        Some(ActivityKind::Call)
    } else if layout.contains("tasks") {
        Some(ActivityKind::Task)
    } else {
        None
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum DurationUnit {
    Seconds,
    Minutes,
    Milliseconds,
    Text,
}

impl DurationUnit {
    fn id(self) -> &'static str {
        match self {
            DurationUnit::Seconds => "seconds",
            DurationUnit::Minutes => "minutes",
            DurationUnit::Milliseconds => "milliseconds",
            DurationUnit::Text => "text",
        }
    }

    fn words(self) -> &'static str {
        match self {
            DurationUnit::Seconds => "seconds",
            DurationUnit::Minutes => "minutes",
            DurationUnit::Milliseconds => "milliseconds (HubSpot writes call durations so)",
            DurationUnit::Text => "hours and minutes written as H:MM",
        }
    }

    fn seconds(self, value: &str) -> Option<u32> {
        let seconds = match self {
            DurationUnit::Text => parse_duration_seconds(value)
                .ok()
                .flatten()
                .map(|s| s as f64),
            unit => parse_number(value, DecimalMark::Dot)
                .ok()
                .flatten()
                .map(|n| match unit {
                    DurationUnit::Minutes => n * 60.0,
                    DurationUnit::Milliseconds => n / 1000.0,
                    _ => n,
                }),
        }
        .or_else(|| {
            parse_duration_seconds(value)
                .ok()
                .flatten()
                .map(|s| s as f64)
        })?;
        (seconds.is_finite() && seconds >= 0.0 && seconds < f64::from(u32::MAX))
            .then(|| seconds.round() as u32)
    }
}

fn duration_unit(mapping: &Mapping, column: &str) -> DurationUnit {
    let header = normalize(column);
    if header.contains("minute") || header == "durationinminutes" || header == "actual duration" {
        DurationUnit::Minutes
    } else if mapping.source == Source::Hubspot {
        DurationUnit::Milliseconds
    } else if mapping.source == Source::Dynamics && header == "duration"
        || mapping.source == Source::Pipedrive
    {
        DurationUnit::Text
    } else {
        DurationUnit::Seconds
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
    use super::*;

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
