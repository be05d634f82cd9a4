//! Fields: what a file can be ([`Kind`]) and the canonical fields each kind's columns can map to
//! ([`Field`]). Field names are the stable snake_case ids the mapping, the CLI's `--map FIELD=COLUMN` and
//! saved mapping profiles use.

use serde::{Deserialize, Serialize};

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Opportunities / deals, one row each.
    Deals,
    /// Stage, amount and close-date history of deals (Salesforce OpportunityHistory, Zoho Stage History).
    StageHistory,
    /// Field-change history (Salesforce OpportunityFieldHistory): owner changes.
    FieldHistory,
    /// Calls, emails, meetings, tasks.
    Activities,
    /// Users: ids to names, e-mails, active flags.
    Users,
    /// Reps with their manager, team or office and role.
    Teams,
    /// Quota per rep or team and period (pipelens's own documented CSV).
    Quotas,
    /// A fiscal calendar (Salesforce Period).
    Periods,
    /// Leads whose ids deals refer to (their first contact dates date the deals).
    Leads,
    /// Nothing pipelens uses: listed, rows skipped.
    NotUsed,
}

impl Kind {
    pub const ALL: [Kind; 10] = [
        Kind::Deals,
        Kind::StageHistory,
        Kind::FieldHistory,
        Kind::Activities,
        Kind::Users,
        Kind::Teams,
        Kind::Quotas,
        Kind::Periods,
        Kind::Leads,
        Kind::NotUsed,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Kind::Deals => "deals",
            Kind::StageHistory => "stage_history",
            Kind::FieldHistory => "field_history",
            Kind::Activities => "activities",
            Kind::Users => "users",
            Kind::Teams => "teams",
            Kind::Quotas => "quotas",
            Kind::Periods => "periods",
            Kind::Leads => "leads",
            Kind::NotUsed => "not_used",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Kind::Deals => "Deals",
            Kind::StageHistory => "Stage history",
            Kind::FieldHistory => "Field history",
            Kind::Activities => "Activities",
            Kind::Users => "Users",
            Kind::Teams => "Teams",
            Kind::Quotas => "Quotas",
            Kind::Periods => "Fiscal periods",
            Kind::Leads => "Leads",
            Kind::NotUsed => "Not used",
        }
    }

    pub fn from_id(id: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.id() == id)
    }

    /// The fields a file of this kind can map, in the order the mapping shows them.
    pub fn fields(self) -> &'static [Field] {
        use Field::*;
        match self {
            Kind::Deals => &[
                DealId,
                DealName,
                Account,
                Owner,
                Pipeline,
                DealType,
                Stage,
                StageOrder,
                Status,
                IsClosed,
                IsWon,
                Created,
                ExpectedClose,
                Closed,
                WonTime,
                LostTime,
                Amount,
                Currency,
                Probability,
                ForecastCategory,
                LeadSource,
                LostReason,
                LastActivity,
                Modified,
                StageChanged,
                Creator,
                LeadId,
            ],
            Kind::StageHistory => &[
                DealId,
                At,
                Stage,
                FromStage,
                Amount,
                ExpectedClose,
                Probability,
                ForecastCategory,
            ],
            Kind::FieldHistory => &[DealId, At, ChangedField, OldValue, NewValue],
            Kind::Activities => &[
                ActivityId,
                Owner,
                ActivityType,
                Subject,
                At,
                Due,
                Created,
                Done,
                ActivityStatus,
                Duration,
                Outcome,
                Direction,
                DealId,
            ],
            Kind::Users => &[
                UserId, Name, FirstName, LastName, Email, Active, Role, Manager,
            ],
            Kind::Teams => &[Rep, Manager, Team, Role, Started, Ended],
            Kind::Quotas => &[Rep, Team, Period, PeriodStart, PeriodEnd, Amount, Currency],
            Kind::Periods => &[PeriodType, PeriodStart, PeriodEnd, PeriodLabel],
            Kind::Leads => &[LeadId, Created, LeadSource],
            Kind::NotUsed => &[],
        }
    }

    /// Fields of which a file of this kind needs at least one.
    pub fn required_any(self) -> &'static [Field] {
        use Field::*;
        match self {
            Kind::Activities => &[At, Due, Created],
            _ => &[],
        }
    }

    /// Fields without which a file of this kind cannot be used at all.
    pub fn required(self) -> &'static [Field] {
        use Field::*;
        match self {
            Kind::Deals => &[Owner],
            Kind::StageHistory => &[DealId, At, Stage],
            Kind::FieldHistory => &[DealId, At, ChangedField, NewValue],
            Kind::Activities => &[],
            Kind::Users => &[UserId],
            Kind::Teams => &[Rep],
            Kind::Quotas => &[Amount],
            Kind::Periods => &[PeriodStart, PeriodEnd],
            Kind::Leads => &[LeadId],
            Kind::NotUsed => &[],
        }
    }
}

/// A canonical field a column can map to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    DealId,
    DealName,
    Account,
    /// The rep who owns the record: a name, an e-mail or a user id.
    Owner,
    Pipeline,
    DealType,
    Stage,
    StageOrder,
    /// Explicit open / won / lost.
    Status,
    IsClosed,
    IsWon,
    Created,
    /// The expected close date of an open deal (Salesforce Close Date, HubSpot Close Date …).
    ExpectedClose,
    /// The actual close date, where the export has one apart from the expected one.
    Closed,
    WonTime,
    LostTime,
    Amount,
    Currency,
    Probability,
    ForecastCategory,
    LeadSource,
    LostReason,
    LastActivity,
    /// When the record was last changed (Last Modified Date, Modified On, Update time …): a closed deal's
    /// close date when it has no other, as a switchable assumption.
    Modified,
    /// When the deal last changed stage (Salesforce LastStageChangeDate, Pipedrive Last stage change).
    StageChanged,
    /// Who created the deal (SDR credit).
    Creator,
    LeadId,
    /// When a history row or activity happened (an activity's completion time).
    At,
    /// When an activity is or was due.
    Due,
    FromStage,
    ChangedField,
    OldValue,
    NewValue,
    ActivityId,
    ActivityType,
    Subject,
    Done,
    ActivityStatus,
    Duration,
    Outcome,
    Direction,
    UserId,
    Name,
    FirstName,
    LastName,
    Email,
    Active,
    Role,
    Manager,
    Rep,
    Team,
    Started,
    Ended,
    Period,
    PeriodStart,
    PeriodEnd,
    PeriodType,
    PeriodLabel,
}

impl Field {
    /// The stable id, as in `--map owner=Deal owner`.
    pub fn id(self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    }

    pub fn from_id(id: &str) -> Option<Field> {
        serde_json::from_value(serde_json::Value::String(id.trim().to_ascii_lowercase())).ok()
    }

    /// A short label for people.
    pub fn label(self) -> String {
        let id = self.id();
        let mut label = id.replace('_', " ");
        if let Some(first) = label.get_mut(0..1) {
            first.make_ascii_uppercase();
        }
        label
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_ids_round_trip() {
        assert_eq!(Field::ExpectedClose.id(), "expected_close");
        assert_eq!(Field::from_id("Expected_Close"), Some(Field::ExpectedClose));
        assert_eq!(Field::from_id("nope"), None);
        assert_eq!(Field::DealId.label(), "Deal id");
        assert_eq!(Kind::from_id("stage_history"), Some(Kind::StageHistory));
        for kind in Kind::ALL {
            for field in kind.required() {
                assert!(
                    kind.fields().contains(field),
                    "{kind:?} requires {field:?} it cannot map"
                );
            }
        }
    }
}
