//! Sources: the header fingerprints of each CRM's exports, and which column feeds which canonical field.
//!
//! Header names are compared after [`normalize`] (lower case, punctuation and spacing folded), so
//! `Probability (%)`, `probability` and `PROBABILITY %` are the same. Every table says where its headers
//! come from; where no public source shows a header, the comment says so.

use serde::{Deserialize, Serialize};

use crate::engine::model::fields::{Field, Kind};

/// The CRM (or kind of tool) a file came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Salesforce,
    Hubspot,
    Pipedrive,
    Zoho,
    Dynamics,
    Close,
    /// Any other table, mapped from its header names.
    Generic,
}

impl Source {
    pub fn id(self) -> &'static str {
        match self {
            Source::Salesforce => "salesforce",
            Source::Hubspot => "hubspot",
            Source::Pipedrive => "pipedrive",
            Source::Zoho => "zoho",
            Source::Dynamics => "dynamics",
            Source::Close => "close",
            Source::Generic => "generic",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Source::Salesforce => "Salesforce",
            Source::Hubspot => "HubSpot",
            Source::Pipedrive => "Pipedrive",
            Source::Zoho => "Zoho CRM",
            Source::Dynamics => "Dynamics 365",
            Source::Close => "Close",
            Source::Generic => "Generic",
        }
    }

    pub fn from_id(id: &str) -> Option<Source> {
        [
            Source::Salesforce,
            Source::Hubspot,
            Source::Pipedrive,
            Source::Zoho,
            Source::Dynamics,
            Source::Close,
            Source::Generic,
        ]
        .into_iter()
        .find(|s| s.id() == id)
    }
}

/// One recognisable export layout.
pub struct Signature {
    pub source: Source,
    pub kind: Kind,
    /// Which export of the source, in words ("Data Export: Opportunity").
    pub layout: &'static str,
    /// Normalised headers that identify the layout; most must be present.
    pub markers: &'static [&'static str],
    /// When not empty, at least one of these must be present: the headers that tell this layout from
    /// another with similar markers (a history report from a deals report).
    pub distinct: &'static [&'static str],
    /// For each field, the normalised headers that feed it, best first.
    pub columns: &'static [(Field, &'static [&'static str])],
}

/// Folds a header for comparison: lower case, a byte-order mark dropped, every run of characters that are
/// not letters or digits made one space, a trailing `*` (Pipedrive import templates) dropped.
pub fn normalize(header: &str) -> String {
    let mut out = String::with_capacity(header.len());
    let mut space = false;
    for c in header.trim_start_matches('\u{feff}').chars() {
        if c.is_alphanumeric() {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.extend(c.to_lowercase());
        } else {
            space = true;
        }
    }
    out
}

use Field::*;

/// Every known layout. Sources:
/// - Salesforce Data Export / Data Loader: API names from the object reference
///   (developer.salesforce.com/docs/platform/field-reference: Opportunity, OpportunityHistory,
///   OpportunityFieldHistory, Task, Event, User, Period), confirmed by the real backups in
///   `../shared/data/real/salesforce-export-*`.
/// - Salesforce report exports: display labels from a real weekly report export (public GitHub test data
///   "rows copied verbatim from the validated weekly export") and help.salesforce.com article 000382314.
/// - HubSpot deals: a real `hubspot-crm-exports-all-deals-*.csv` header in a public repository, plus the
///   default deal properties (knowledge.hubspot.com/crm-deals/hubspots-default-deal-properties).
///   Activities: no public export header was found; the labels are the default activity properties
///   (knowledge.hubspot.com, "HubSpot's default activity properties"): call duration is in milliseconds.
/// - Pipedrive: `Deal - …` / `Activity - …` headers seen in real exports in public repositories; the
///   prefix-less forms follow Pipedrive's import field labels (support.pipedrive.com, import fields).
/// - Zoho CRM: real Data Backup files (`Deals_*.csv`, `Deals__*.csv` for Stage History, `Calls_*.csv`,
///   `Tasks_*.csv`) in public repositories and help.zoho.com "Standard fields – Deals".
/// - Dynamics 365: real Export-to-Excel files (the three hidden `(Do Not Modify)` columns first) and the
///   entity display names in MicrosoftDocs/dynamics-365-customer-engagement (opportunity.md,
///   activitypointer.md).
/// - Close: field names of the opportunity and call resources (developer.close.com/api/resources); no
///   public CSV export header was found, so these are the API names the export is documented to use.
pub static SIGNATURES: &[Signature] = &[
    // ---------------- Salesforce: Data Export / Data Loader (API names) ----------------
    Signature {
        source: Source::Salesforce,
        kind: Kind::Deals,
        layout: "Data Export: Opportunity",
        markers: &[
            "id",
            "accountid",
            "stagename",
            "closedate",
            "isclosed",
            "iswon",
            "ownerid",
            "createddate",
        ],
        distinct: &[],
        columns: &[
            (DealId, &["id"]),
            (DealName, &["name"]),
            (Account, &["accountid"]),
            (Owner, &["ownerid"]),
            (DealType, &["type"]),
            (Stage, &["stagename"]),
            (StageOrder, &["stagesortorder"]),
            (IsClosed, &["isclosed"]),
            (IsWon, &["iswon"]),
            (Created, &["createddate"]),
            (ExpectedClose, &["closedate"]),
            (Amount, &["amount"]),
            (Currency, &["currencyisocode"]),
            (Probability, &["probability"]),
            (
                ForecastCategory,
                &["forecastcategoryname", "forecastcategory"],
            ),
            (LeadSource, &["leadsource"]),
            (
                LostReason,
                &["lossreason c", "loss reason c", "lost reason c"],
            ),
            (LastActivity, &["lastactivitydate"]),
            (Modified, &["lastmodifieddate"]),
            (StageChanged, &["laststagechangedate"]),
            (Creator, &["createdbyid"]),
        ],
    },
    Signature {
        source: Source::Salesforce,
        kind: Kind::StageHistory,
        layout: "Data Export: OpportunityHistory",
        markers: &[
            "opportunityid",
            "stagename",
            "closedate",
            "createddate",
            "amount",
            "prevamount",
        ],
        distinct: &[],
        columns: &[
            (DealId, &["opportunityid"]),
            (At, &["createddate"]),
            (Stage, &["stagename"]),
            (FromStage, &["fromopportunitystagename"]),
            (Amount, &["amount"]),
            (ExpectedClose, &["closedate"]),
            (Probability, &["probability"]),
            (ForecastCategory, &["forecastcategory"]),
        ],
    },
    Signature {
        source: Source::Salesforce,
        kind: Kind::FieldHistory,
        layout: "Data Export: OpportunityFieldHistory",
        markers: &[
            "opportunityid",
            "field",
            "oldvalue",
            "newvalue",
            "createddate",
        ],
        distinct: &[],
        columns: &[
            (DealId, &["opportunityid"]),
            (At, &["createddate"]),
            (ChangedField, &["field"]),
            (OldValue, &["oldvalue"]),
            (NewValue, &["newvalue"]),
        ],
    },
    Signature {
        source: Source::Salesforce,
        kind: Kind::Activities,
        layout: "Data Export: Task",
        markers: &[
            "whoid",
            "whatid",
            "subject",
            "activitydate",
            "status",
            "ownerid",
            "isclosed",
        ],
        distinct: &[],
        columns: &[
            (ActivityId, &["id"]),
            (Owner, &["ownerid"]),
            (ActivityType, &["tasksubtype", "type"]),
            (Subject, &["subject"]),
            (At, &["completeddatetime"]),
            (Due, &["activitydate"]),
            (Created, &["createddate"]),
            (Done, &["isclosed"]),
            (ActivityStatus, &["status"]),
            (Duration, &["calldurationinseconds"]),
            (Outcome, &["calldisposition"]),
            (Direction, &["calltype"]),
            (DealId, &["whatid"]),
        ],
    },
    Signature {
        source: Source::Salesforce,
        kind: Kind::Activities,
        layout: "Data Export: Event",
        markers: &[
            "whoid",
            "whatid",
            "subject",
            "activitydatetime",
            "durationinminutes",
            "ownerid",
        ],
        distinct: &[],
        columns: &[
            (ActivityId, &["id"]),
            (Owner, &["ownerid"]),
            (ActivityType, &["eventsubtype", "type"]),
            (Subject, &["subject"]),
            (At, &["activitydatetime", "startdatetime", "activitydate"]),
            (Created, &["createddate"]),
            (Duration, &["durationinminutes"]),
            (DealId, &["whatid"]),
        ],
    },
    Signature {
        source: Source::Salesforce,
        kind: Kind::Users,
        layout: "Data Export: User",
        markers: &[
            "id",
            "username",
            "firstname",
            "lastname",
            "email",
            "isactive",
            "profileid",
        ],
        distinct: &[],
        columns: &[
            (UserId, &["id"]),
            (Name, &["name"]),
            (FirstName, &["firstname"]),
            (LastName, &["lastname"]),
            (Email, &["email"]),
            (Active, &["isactive"]),
            (Role, &["title", "userroleid"]),
            (Manager, &["managerid"]),
        ],
    },
    Signature {
        source: Source::Salesforce,
        kind: Kind::Periods,
        layout: "Data Export: Period",
        markers: &[
            "fiscalyearsettingsid",
            "type",
            "startdate",
            "enddate",
            "periodlabel",
            "number",
        ],
        distinct: &[],
        columns: &[
            (PeriodType, &["type"]),
            (PeriodStart, &["startdate"]),
            (PeriodEnd, &["enddate"]),
            (PeriodLabel, &["fullyqualifiedlabel", "periodlabel"]),
        ],
    },
    Signature {
        source: Source::Salesforce,
        kind: Kind::Quotas,
        layout: "Data Export: ForecastingQuota",
        markers: &["quotaamount", "quotaquantity", "compositekeyid"],
        distinct: &[],
        columns: &[
            (Rep, &["quotaownerid"]),
            (PeriodStart, &["startdate"]),
            (Amount, &["quotaamount"]),
            (Currency, &["currencyisocode"]),
        ],
    },
    // ---------------- Salesforce: report exports (display labels) ----------------
    Signature {
        source: Source::Salesforce,
        kind: Kind::Deals,
        layout: "Opportunities report",
        markers: &[
            "opportunity name",
            "account name",
            "opportunity owner",
            "amount",
            "close date",
            "stage",
            "probability",
            "forecast category",
            "created date",
            "fiscal period",
        ],
        distinct: &[],
        columns: &[
            (DealId, &["opportunity id", "opportunity id 18"]),
            (DealName, &["opportunity name"]),
            (Account, &["account name"]),
            (
                Owner,
                &["opportunity owner", "owner name", "owner full name"],
            ),
            (DealType, &["type", "opportunity type"]),
            // A record type picks the sales process (its stages): Salesforce's pipelines.
            (Pipeline, &["opportunity record type", "record type"]),
            (Stage, &["stage"]),
            (Created, &["created date"]),
            (ExpectedClose, &["close date"]),
            (Amount, &["amount", "amount converted"]),
            (Currency, &["amount currency", "opportunity currency"]),
            (Probability, &["probability"]),
            (ForecastCategory, &["forecast category"]),
            (LeadSource, &["lead source"]),
            (LostReason, &["lost reason", "loss reason"]),
            (LastActivity, &["last activity"]),
            (Creator, &["created by"]),
        ],
    },
    Signature {
        source: Source::Salesforce,
        kind: Kind::StageHistory,
        layout: "Opportunity History report",
        // No public real export of this report was found; these are the Opportunity History report type's
        // column labels as Salesforce names the fields (Stage, Last Modified, Close Date, Amount).
        markers: &[
            "opportunity name",
            "stage",
            "last modified",
            "close date",
            "amount",
        ],
        distinct: &[
            "last modified",
            "edit date",
            "from stage",
            "to stage",
            "stage change date",
            "stage duration",
        ],
        columns: &[
            (DealId, &["opportunity id", "opportunity name"]),
            (At, &["last modified", "edit date", "stage change date"]),
            (Stage, &["stage", "to stage"]),
            (FromStage, &["from stage"]),
            (Amount, &["amount"]),
            (ExpectedClose, &["close date"]),
            (Probability, &["probability"]),
            (ForecastCategory, &["forecast category"]),
        ],
    },
    // ---------------- HubSpot ----------------
    Signature {
        source: Source::Hubspot,
        kind: Kind::Deals,
        layout: "Deals export",
        markers: &[
            "record id",
            "deal name",
            "deal stage",
            "pipeline",
            "deal owner",
            "close date",
            "create date",
            "amount",
        ],
        distinct: &[],
        columns: &[
            (DealId, &["record id", "deal id"]),
            (DealName, &["deal name"]),
            (
                Account,
                &[
                    "associated company",
                    "company name",
                    "associated company primary",
                ],
            ),
            (Owner, &["deal owner"]),
            (Pipeline, &["pipeline"]),
            (DealType, &["deal type"]),
            (Stage, &["deal stage"]),
            (Created, &["create date"]),
            (ExpectedClose, &["close date"]),
            (Amount, &["amount", "amount in company currency"]),
            (Currency, &["currency", "deal currency code"]),
            (Probability, &["deal probability", "deal stage probability"]),
            (ForecastCategory, &["forecast category"]),
            (IsWon, &["is closed won"]),
            (IsClosed, &["is deal closed"]),
            (
                LeadSource,
                &["original source type", "original traffic source", "source"],
            ),
            (LostReason, &["closed lost reason"]),
            (LastActivity, &["last activity date"]),
        ],
    },
    Signature {
        source: Source::Hubspot,
        kind: Kind::Activities,
        layout: "Activities export (calls, emails, meetings, tasks)",
        markers: &[
            "activity date",
            "activity assigned to",
            "call duration",
            "call outcome",
            "call direction",
        ],
        distinct: &[],
        columns: &[
            (ActivityId, &["record id", "activity id"]),
            (
                Owner,
                &["activity assigned to", "assigned to", "activity owner"],
            ),
            (ActivityType, &["activity type", "engagement type", "type"]),
            (
                Subject,
                &[
                    "call title",
                    "subject",
                    "meeting name",
                    "task title",
                    "email subject",
                ],
            ),
            (At, &["activity date", "meeting start time", "due date"]),
            (Created, &["create date"]),
            (
                ActivityStatus,
                &["call status", "task status", "meeting outcome"],
            ),
            (Duration, &["call duration"]),
            (Outcome, &["call outcome", "meeting outcome"]),
            (Direction, &["call direction"]),
            (
                DealId,
                &["associated deal", "associated deal ids", "deal id"],
            ),
        ],
    },
    // ---------------- Pipedrive ----------------
    Signature {
        source: Source::Pipedrive,
        kind: Kind::Deals,
        layout: "Deals export",
        markers: &[
            "deal title",
            "deal value",
            "deal owner",
            "deal stage",
            "deal status",
            "deal won time",
            "deal lost time",
            "deal deal created",
        ],
        distinct: &[],
        columns: &[
            (DealId, &["deal id"]),
            (DealName, &["deal title"]),
            (Account, &["deal organization", "organization name"]),
            (Owner, &["deal owner", "deal creator"]),
            (Pipeline, &["deal pipeline"]),
            (Stage, &["deal stage", "deal stage pipeline"]),
            (Status, &["deal status"]),
            (
                Created,
                &["deal deal created", "deal deal created on", "deal add time"],
            ),
            (ExpectedClose, &["deal expected close date"]),
            (Closed, &["deal deal closed on"]),
            (WonTime, &["deal won time"]),
            (LostTime, &["deal lost time"]),
            (Amount, &["deal value", "deal deal value"]),
            (Currency, &["deal currency", "deal currency of value"]),
            (Probability, &["deal probability"]),
            (LostReason, &["deal lost reason"]),
            (LastActivity, &["deal last activity date"]),
            (Creator, &["deal creator"]),
        ],
    },
    Signature {
        source: Source::Pipedrive,
        kind: Kind::Deals,
        layout: "Deals export (labels without the 'Deal - ' prefix)",
        // Newer exports drop the prefix; no public sample confirms the exact labels, so they follow
        // Pipedrive's own field names.
        markers: &[
            "title",
            "value",
            "owner",
            "stage",
            "status",
            "won time",
            "lost time",
            "deal created",
        ],
        distinct: &[],
        columns: &[
            (DealId, &["id"]),
            (DealName, &["title"]),
            (Account, &["organization"]),
            (Owner, &["owner", "creator"]),
            (Pipeline, &["pipeline"]),
            (Stage, &["stage"]),
            (Status, &["status"]),
            (Created, &["deal created", "add time"]),
            (ExpectedClose, &["expected close date"]),
            (Closed, &["deal closed on"]),
            (WonTime, &["won time"]),
            (LostTime, &["lost time"]),
            (Amount, &["value"]),
            (Currency, &["currency", "currency of value"]),
            (Probability, &["probability"]),
            (LostReason, &["lost reason"]),
            (LastActivity, &["last activity date"]),
        ],
    },
    Signature {
        source: Source::Pipedrive,
        kind: Kind::Activities,
        layout: "Activities export",
        markers: &[
            "activity type",
            "activity subject",
            "activity due date",
            "activity done",
            "activity assigned to user",
        ],
        distinct: &[],
        columns: &[
            (ActivityId, &["activity id"]),
            (Owner, &["activity assigned to user", "activity owner"]),
            (ActivityType, &["activity type"]),
            (Subject, &["activity subject"]),
            (At, &["activity marked as done time"]),
            (Due, &["activity due date"]),
            (Created, &["activity add time"]),
            (Done, &["activity done"]),
            (Duration, &["activity duration"]),
            (DealId, &["activity deal id", "activity deal"]),
        ],
    },
    // ---------------- Zoho CRM ----------------
    Signature {
        source: Source::Zoho,
        kind: Kind::Deals,
        layout: "Deals (data backup / export)",
        markers: &[
            "deal owner",
            "deal name",
            "account name",
            "stage",
            "amount",
            "closing date",
            "created time",
        ],
        distinct: &[],
        columns: &[
            (DealId, &["record id", "deal id"]),
            (DealName, &["deal name"]),
            (Account, &["account name"]),
            (Owner, &["deal owner"]),
            (Pipeline, &["pipeline"]),
            (DealType, &["type"]),
            (Stage, &["stage"]),
            (Created, &["created time"]),
            (ExpectedClose, &["closing date"]),
            (Amount, &["amount"]),
            (Currency, &["currency"]),
            (Probability, &["probability"]),
            (LeadSource, &["lead source"]),
            (LostReason, &["reason for loss"]),
            (LastActivity, &["last activity time"]),
            (Creator, &["created by"]),
        ],
    },
    Signature {
        source: Source::Zoho,
        kind: Kind::StageHistory,
        layout: "Stage History (data backup Deals__*.csv)",
        markers: &[
            "deal name",
            "stage",
            "stage duration calendar days",
            "moved to",
            "modified time",
        ],
        distinct: &[],
        columns: &[
            (DealId, &["deal name id", "deal name"]),
            (At, &["modified time"]),
            (Stage, &["stage"]),
            (Amount, &["amount"]),
            (ExpectedClose, &["closing date"]),
            (Probability, &["probability"]),
        ],
    },
    Signature {
        source: Source::Zoho,
        kind: Kind::Activities,
        layout: "Calls (data backup)",
        markers: &[
            "subject",
            "call type",
            "call start time",
            "call duration in seconds",
            "call owner",
        ],
        distinct: &[],
        columns: &[
            (ActivityId, &["record id"]),
            (Owner, &["call owner"]),
            (ActivityType, &["call type"]),
            (Subject, &["subject"]),
            (At, &["call start time"]),
            (Created, &["created time"]),
            (ActivityStatus, &["call status"]),
            (Duration, &["call duration in seconds"]),
            (Outcome, &["call result"]),
            (DealId, &["related to id", "related to"]),
        ],
    },
    Signature {
        source: Source::Zoho,
        kind: Kind::Activities,
        layout: "Tasks (data backup)",
        markers: &[
            "subject",
            "due date",
            "status",
            "priority",
            "task owner",
            "closed time",
        ],
        distinct: &[],
        columns: &[
            (ActivityId, &["record id"]),
            (Owner, &["task owner"]),
            (Subject, &["subject"]),
            (At, &["closed time"]),
            (Due, &["due date"]),
            (Created, &["created time"]),
            (ActivityStatus, &["status"]),
            (DealId, &["related to id", "related to"]),
        ],
    },
    // ---------------- Dynamics 365 ----------------
    Signature {
        source: Source::Dynamics,
        kind: Kind::Deals,
        layout: "Opportunities (Export to Excel)",
        markers: &[
            "do not modify opportunity",
            "topic",
            "potential customer",
            "est close date",
            "est revenue",
            "status",
            "owner",
        ],
        distinct: &[],
        columns: &[
            (DealId, &["do not modify opportunity"]),
            (DealName, &["topic"]),
            (Account, &["potential customer", "account"]),
            (Owner, &["owner"]),
            (Pipeline, &["sales process", "process"]),
            (Stage, &["pipeline phase", "sales stage"]),
            (Status, &["status"]),
            (LostReason, &["status reason"]),
            (Created, &["created on"]),
            (ExpectedClose, &["est close date"]),
            (Closed, &["actual close date"]),
            (Amount, &["actual revenue", "est revenue"]),
            (Currency, &["currency"]),
            (Probability, &["probability"]),
            (ForecastCategory, &["forecast category"]),
            (LeadSource, &["lead source", "source campaign"]),
        ],
    },
    Signature {
        source: Source::Dynamics,
        kind: Kind::Activities,
        layout: "Activities (Export to Excel)",
        markers: &[
            "subject",
            "regarding",
            "activity type",
            "due date",
            "activity status",
            "owner",
        ],
        distinct: &[],
        columns: &[
            (
                ActivityId,
                &[
                    "do not modify activity",
                    "do not modify phone call",
                    "do not modify appointment",
                    "do not modify email",
                    "do not modify task",
                ],
            ),
            (Owner, &["owner", "assigned to"]),
            (ActivityType, &["activity type"]),
            (Subject, &["subject"]),
            (At, &["actual end", "start date"]),
            (Due, &["due date", "due"]),
            (Created, &["date created", "created on"]),
            (ActivityStatus, &["activity status", "status"]),
            (Duration, &["actual duration", "duration"]),
            (DealId, &["regarding"]),
        ],
    },
    // ---------------- Close ----------------
    Signature {
        source: Source::Close,
        kind: Kind::Deals,
        layout: "Opportunities export",
        markers: &[
            "lead name",
            "user name",
            "status type",
            "status label",
            "value",
            "value currency",
            "confidence",
        ],
        distinct: &[],
        columns: &[
            (DealId, &["id"]),
            (DealName, &["note", "lead name"]),
            (Account, &["lead name"]),
            (Owner, &["user name", "user id"]),
            (Pipeline, &["pipeline name"]),
            (Stage, &["status label"]),
            (Status, &["status type"]),
            (Created, &["date created"]),
            (WonTime, &["date won"]),
            (LostTime, &["date lost"]),
            (Amount, &["value"]),
            (Currency, &["value currency"]),
            (Probability, &["confidence"]),
            (Creator, &["created by"]),
        ],
    },
    Signature {
        source: Source::Close,
        kind: Kind::Activities,
        layout: "Calls export",
        markers: &[
            "direction",
            "disposition",
            "duration",
            "user name",
            "lead id",
            "date created",
        ],
        distinct: &[],
        columns: &[
            (ActivityId, &["id"]),
            (Owner, &["user name", "user id"]),
            (ActivityType, &["type", "activity type"]),
            (Subject, &["note"]),
            (At, &["date created", "activity at"]),
            (Duration, &["duration"]),
            (Outcome, &["disposition"]),
            (Direction, &["direction"]),
            (DealId, &["opportunity id"]),
        ],
    },
];

/// Header synonyms for any table, by field: the generic mapper's vocabulary (from the CRMs above and
/// public sample pipelines such as Maven Analytics' CRM Sales Opportunities and Olist's funnel).
pub static SYNONYMS: &[(Field, &[&str])] = &[
    (
        DealId,
        &[
            "opportunity id",
            "deal id",
            "opportunity id",
            "record id",
            "id",
            "seller id",
            "opportunity number",
        ],
    ),
    (
        DealName,
        &[
            "opportunity name",
            "deal name",
            "deal title",
            "title",
            "topic",
            "name",
            "opportunity",
            "nombre",
            "oportunidad",
            "negocio",
            "nome",
            "negócio",
            "oportunidade",
            "nom",
            "opportunité",
            "affaire",
            "verkaufschance",
            "titel",
        ],
    ),
    (
        Account,
        &[
            "account",
            "account name",
            "company",
            "company name",
            "customer",
            "client",
            "organization",
            "organisation",
            "cuenta",
            "cliente",
            "empresa",
            "compte",
            "société",
            "firma",
            "kunde",
            "unternehmen",
        ],
    ),
    (
        Owner,
        &[
            "owner",
            "opportunity owner",
            "deal owner",
            "sales agent",
            "agent",
            "sales rep",
            "rep",
            "salesperson",
            "sales person",
            "account executive",
            "ae",
            "assigned to",
            "user name",
            "sr id",
            "seller",
            "owner name",
            "propietario",
            "responsable",
            "vendedor",
            "comercial",
            "ejecutivo",
            "proprietário",
            "responsável",
            "propriétaire",
            "commercial",
            "vendeur",
            "inhaber",
            "besitzer",
            "verantwortlich",
            "vertriebsmitarbeiter",
        ],
    ),
    (Pipeline, &["pipeline", "sales pipeline", "pipeline name"]),
    (
        DealType,
        &["type", "deal type", "opportunity type", "business type"],
    ),
    (
        Stage,
        &[
            "stage",
            "deal stage",
            "sales stage",
            "stage name",
            "pipeline stage",
            "status label",
            "phase",
            "etapa",
            "fase",
            "étape",
            "etape",
            "phase de vente",
            "verkaufsphase",
            "stufe",
        ],
    ),
    (
        Status,
        &[
            "status",
            "deal status",
            "outcome",
            "result",
            "opportunity result",
            "status type",
            "won lost",
            "estado",
            "resultado",
            "statut",
        ],
    ),
    (
        IsWon,
        &[
            "is won",
            "won",
            "is closed won",
            "hs is closed won",
            "won flag",
            "gewonnen",
            "ganada",
            "gagnée",
        ],
    ),
    (
        IsClosed,
        &[
            "is closed",
            "closed",
            "is deal closed",
            "hs is closed",
            "closed flag",
            "geschlossen",
            "cerrada",
            "fermée",
        ],
    ),
    (
        Created,
        &[
            "created",
            "created date",
            "create date",
            "created on",
            "date created",
            "engage date",
            "first contact date",
            "open date",
            "created at",
            "creado",
            "fecha de creación",
            "fecha de creacion",
            "fecha creación",
            "criado",
            "data de criação",
            "date de création",
            "créé le",
            "erstellt am",
            "erstellt",
        ],
    ),
    (
        ExpectedClose,
        &[
            "close date",
            "closing date",
            "expected close date",
            "est close date",
            "estimated close date",
            "close",
            "fecha de cierre",
            "fecha cierre",
            "cierre",
            "data de fechamento",
            "date de clôture",
            "date de cloture",
            "abschlussdatum",
        ],
    ),
    (
        Closed,
        &[
            "actual close date",
            "closed date",
            "date closed",
            "closed on",
        ],
    ),
    (WonTime, &["won date", "won time", "date won", "won at"]),
    (
        LostTime,
        &["lost date", "lost time", "date lost", "lost at"],
    ),
    (
        Amount,
        &[
            "amount",
            "value",
            "deal value",
            "close value",
            "deal amount",
            "revenue",
            "opportunity amount",
            "opportunity amount usd",
            "price",
            "total",
            "importe",
            "monto",
            "valor",
            "montant",
            "betrag",
            "wert",
        ],
    ),
    (
        Currency,
        &[
            "currency",
            "currency code",
            "amount currency",
            "value currency",
            "moneda",
            "divisa",
            "moeda",
            "devise",
            "währung",
        ],
    ),
    (
        Probability,
        &[
            "probability",
            "win probability",
            "deal probability",
            "confidence",
            "likelihood",
        ],
    ),
    (ForecastCategory, &["forecast category", "forecast"]),
    (
        LeadSource,
        &["lead source", "source", "origin", "channel", "lead type"],
    ),
    (
        LostReason,
        &[
            "lost reason",
            "loss reason",
            "closed lost reason",
            "reason lost",
            "reason for loss",
        ],
    ),
    (LastActivity, &["last activity", "last activity date"]),
    (
        StageChanged,
        &[
            "last stage change",
            "last stage change date",
            "last stage change time",
            "stage change time",
            "date of last stage change",
            "deal last stage change",
            "letzte phasenänderung",
            "dernier changement d étape",
            "último cambio de etapa",
            "última mudança de fase",
        ],
    ),
    (
        Modified,
        &[
            "last modified date",
            "last modified",
            "last modified time",
            "modified",
            "modified on",
            "modified date",
            "modified time",
            "date modified",
            "updated",
            "updated at",
            "update time",
            "deal update time",
            "last updated",
            "last update",
            "date updated",
            "geändert am",
            "zuletzt geändert",
            "letzte änderung",
            "date de modification",
            "dernière modification",
            "modifié le",
            "fecha de modificación",
            "fecha de última modificación",
            "última modificación",
            "data de modificação",
            "última modificação",
            "data ultima modifica",
            "ultima modifica",
            "gewijzigd op",
            "laatst gewijzigd",
        ],
    ),
    (Creator, &["created by", "creator", "sdr", "sdr id", "bdr"]),
    (LeadId, &["lead id", "mql id"]),
    (
        Manager,
        &[
            "manager",
            "sales manager",
            "team lead",
            "reports to",
            "gerente",
            "jefe",
            "gestor",
        ],
    ),
    (
        Team,
        &[
            "team",
            "regional office",
            "office",
            "region",
            "territory",
            "squad",
            "equipo",
            "equipe",
            "équipe",
            "región",
            "territorio",
        ],
    ),
    (Role, &["role", "title", "position"]),
    (
        Rep,
        &[
            "rep",
            "sales agent",
            "agent",
            "salesperson",
            "sales rep",
            "owner",
            "name",
            "user",
        ],
    ),
    (
        Started,
        &["start date", "started", "hire date", "started on"],
    ),
    (Ended, &["end date", "ended", "left on", "termination date"]),
    (Period, &["period", "quarter", "month", "fiscal period"]),
    (
        PeriodStart,
        &["period start", "start", "start date", "from"],
    ),
    (PeriodEnd, &["period end", "end", "end date", "to"]),
    (Subject, &["subject", "activity subject", "title"]),
    (ActivityType, &["activity type", "type", "activity"]),
    (
        At,
        &[
            "date",
            "activity date",
            "due date",
            "completed",
            "completed date",
            "start time",
            "timestamp",
        ],
    ),
    (Done, &["done", "completed", "is completed", "is done"]),
    (Duration, &["duration", "call duration", "duration seconds"]),
    (
        Outcome,
        &["outcome", "call outcome", "result", "disposition"],
    ),
    (Direction, &["direction", "call direction"]),
    (Email, &["email", "e mail", "email address"]),
    (UserId, &["user id", "id"]),
    (Name, &["name", "full name"]),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_fold_to_one_form() {
        assert_eq!(normalize("Probability (%)"), "probability");
        assert_eq!(normalize("\u{feff}Record ID"), "record id");
        assert_eq!(normalize("Deal - Deal created"), "deal deal created");
        assert_eq!(
            normalize("(Do Not Modify) Opportunity"),
            "do not modify opportunity"
        );
        assert_eq!(normalize("Title*"), "title");
        assert_eq!(
            normalize("Date entered \"Closed Won (Sales Pipeline)\""),
            "date entered closed won sales pipeline"
        );
        assert_eq!(normalize("Est. Close Date"), "est close date");
        assert_eq!(normalize("LossReason__c"), "lossreason c");
    }

    #[test]
    fn synonyms_are_normalised() {
        for (field, synonyms) in SYNONYMS {
            for synonym in *synonyms {
                assert_eq!(
                    normalize(synonym),
                    *synonym,
                    "{field:?}: '{synonym}' is not normalised"
                );
            }
        }
    }

    #[test]
    fn every_signature_maps_what_its_kind_requires() {
        for signature in SIGNATURES {
            for marker in signature.markers {
                assert_eq!(
                    normalize(marker),
                    *marker,
                    "{}: marker '{marker}' is not normalised",
                    signature.layout
                );
            }
            for (field, headers) in signature.columns {
                assert!(
                    signature.kind.fields().contains(field),
                    "{}: {field:?} is not a {:?} field",
                    signature.layout,
                    signature.kind
                );
                for header in *headers {
                    assert_eq!(
                        normalize(header),
                        *header,
                        "{}: '{header}' is not normalised",
                        signature.layout
                    );
                }
            }
        }
    }
}
