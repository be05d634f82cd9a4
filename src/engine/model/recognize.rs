//! Recognition: what a file is — which CRM, which kind of records — from its header, with a confidence,
//! and which column feeds each canonical field. The user can override both; the mapping is a serializable
//! value the UI shows and a profile can save.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::engine::ingest::report::ColumnInfo;
use crate::engine::model::fields::{Field, Kind};
use crate::engine::model::sources::{SIGNATURES, SYNONYMS, Signature, Source, normalize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    /// Nearly every header of a known layout is there.
    Sure,
    /// Most of them are.
    Likely,
    /// Guessed from header names alone.
    Guess,
    /// Set by the user.
    Chosen,
}

/// How a field got its column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MappedBy {
    /// The known layout of the source.
    Layout,
    /// A header name that usually means this field.
    HeaderName,
    /// The user.
    User,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldMapping {
    pub field: Field,
    /// The column's unique name in the file.
    pub column: String,
    pub by: MappedBy,
}

/// What a file is and how its columns map.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mapping {
    pub source: Source,
    pub kind: Kind,
    /// The layout recognised, in words.
    pub layout: String,
    pub confidence: Confidence,
    /// Why, in one sentence.
    pub evidence: String,
    pub fields: Vec<FieldMapping>,
}

impl Mapping {
    pub fn column(&self, field: Field) -> Option<&str> {
        self.fields
            .iter()
            .find(|f| f.field == field)
            .map(|f| f.column.as_str())
    }

    /// Maps `field` to `column` (or unmaps it with `None`), as the user chose.
    pub fn set(&mut self, field: Field, column: Option<String>) {
        self.fields.retain(|f| f.field != field);
        if let Some(column) = column {
            self.fields.retain(|f| f.column != column);
            self.fields.push(FieldMapping {
                field,
                column,
                by: MappedBy::User,
            });
        }
        let order = self.kind.fields();
        self.fields.sort_by_key(|f| {
            order
                .iter()
                .position(|o| *o == f.field)
                .unwrap_or(usize::MAX)
        });
    }
}

/// A header as recognition reads it: normalised, and a CRM's translated UI label (German, French, Spanish,
/// Portuguese, Italian, Dutch) read as the English header of the same layout.
fn header_key(header: &str) -> String {
    let normalized = normalize(header);
    match crate::engine::model::labels::english(&normalized) {
        Some(english) => english.to_owned(),
        None => normalized,
    }
}

/// Recognises a file from its columns (hidden Dynamics columns included: they identify the layout).
pub fn recognize(columns: &[ColumnInfo]) -> Mapping {
    let normalized: Vec<String> = columns.iter().map(|c| header_key(&c.original)).collect();
    let present: HashSet<&str> = normalized.iter().map(String::as_str).collect();
    let mut best: Option<(&Signature, usize, f64)> = None;
    for signature in SIGNATURES {
        if !signature.distinct.is_empty() && !signature.distinct.iter().any(|d| present.contains(d))
        {
            continue;
        }
        let matched = signature
            .markers
            .iter()
            .filter(|m| present.contains(*m))
            .count();
        let share = matched as f64 / signature.markers.len() as f64;
        // More matching headers is more evidence; a higher share breaks ties.
        let weight = |matched: usize, share: f64| matched as f64 * share;
        let better = match best {
            None => true,
            Some((_, best_matched, best_share)) => {
                let (w, best_w) = (weight(matched, share), weight(best_matched, best_share));
                w > best_w || (w == best_w && share > best_share)
            }
        };
        if better {
            best = Some((signature, matched, share));
        }
    }
    if let Some((signature, matched, share)) = best
        && share >= 0.5
        && matched >= 3
    {
        let confidence = if share >= 0.75 {
            Confidence::Sure
        } else {
            Confidence::Likely
        };
        let mut fields = Vec::new();
        let mut used = HashSet::new();
        for (field, headers) in signature.columns {
            if let Some(column) = find_column(columns, &normalized, headers, &used, true) {
                used.insert(column);
                fields.push(FieldMapping {
                    field: *field,
                    column: columns[column].name.clone(),
                    by: MappedBy::Layout,
                });
            }
        }
        if signature.source == Source::Hubspot && signature.kind == Kind::Deals {
            // HubSpot's `Date entered "Closed Won (Sales Pipeline)"` columns date the win and the loss.
            for (field, prefix) in [
                (Field::WonTime, "date entered closed won"),
                (Field::LostTime, "date entered closed lost"),
            ] {
                if let Some(column) = normalized.iter().position(|n| n.starts_with(prefix))
                    && !used.contains(&column)
                {
                    used.insert(column);
                    fields.push(FieldMapping {
                        field,
                        column: columns[column].name.clone(),
                        by: MappedBy::Layout,
                    });
                }
            }
        }
        fill_from_synonyms(signature.kind, columns, &normalized, &mut used, &mut fields);
        let evidence = format!(
            "{} of the {} headers that mark a {} {} are here.",
            matched,
            signature.markers.len(),
            signature.source.label(),
            signature.layout
        );
        let mut mapping = Mapping {
            source: signature.source,
            kind: signature.kind,
            layout: signature.layout.to_owned(),
            confidence,
            evidence,
            fields,
        };
        mapping.set_order();
        return mapping;
    }
    guess(columns, &normalized)
}

/// The column whose normalised header equals one of `headers` (in their order of preference).
fn find_column(
    columns: &[ColumnInfo],
    normalized: &[String],
    headers: &[&str],
    used: &HashSet<usize>,
    allow_hidden: bool,
) -> Option<usize> {
    headers.iter().find_map(|h| {
        normalized
            .iter()
            .enumerate()
            .find(|(i, n)| {
                n.as_str() == *h && !used.contains(i) && (allow_hidden || !columns[*i].hidden)
            })
            .map(|(i, _)| i)
    })
}

/// Maps the kind's still unmapped fields from header synonyms.
fn fill_from_synonyms(
    kind: Kind,
    columns: &[ColumnInfo],
    normalized: &[String],
    used: &mut HashSet<usize>,
    fields: &mut Vec<FieldMapping>,
) {
    for (field, synonyms) in SYNONYMS {
        if !kind.fields().contains(field) || fields.iter().any(|f| f.field == *field) {
            continue;
        }
        if let Some(column) = find_column(columns, normalized, synonyms, used, false) {
            used.insert(column);
            fields.push(FieldMapping {
                field: *field,
                column: columns[column].name.clone(),
                by: MappedBy::HeaderName,
            });
        }
    }
}

/// A table of no known layout: the kind from which fields its headers name, the mapping from synonyms.
fn guess(columns: &[ColumnInfo], normalized: &[String]) -> Mapping {
    let names = |field: Field| -> bool {
        SYNONYMS
            .iter()
            .filter(|(f, _)| *f == field)
            .any(|(_, synonyms)| {
                normalized
                    .iter()
                    .zip(columns)
                    .any(|(n, c)| !c.hidden && synonyms.contains(&n.as_str()))
            })
    };
    let kind = if (names(Field::Owner) || names(Field::Rep))
        && (names(Field::Stage) || names(Field::Status) || names(Field::WonTime))
    {
        Kind::Deals
    } else if names(Field::LeadId) && names(Field::Created) && !names(Field::Owner) {
        Kind::Leads
    } else if (names(Field::Rep) || names(Field::Owner)) && names(Field::Manager) {
        Kind::Teams
    } else if names(Field::Amount)
        && (names(Field::Period) || names(Field::PeriodStart))
        && (names(Field::Rep) || names(Field::Team))
    {
        Kind::Quotas
    } else if (names(Field::Subject) || names(Field::ActivityType)) && names(Field::At) {
        Kind::Activities
    } else {
        Kind::NotUsed
    };
    let mut fields = Vec::new();
    let mut used = HashSet::new();
    fill_from_synonyms(kind, columns, normalized, &mut used, &mut fields);
    let evidence = if kind == Kind::NotUsed {
        "No known layout, and the headers name nothing pipelens uses (no owner with a stage, no activity, team or quota columns).".to_owned()
    } else {
        let mapped: Vec<String> = fields
            .iter()
            .map(|f| format!("{} → '{}'", f.field.id(), f.column))
            .collect();
        format!(
            "No known layout; guessed {} from the header names: {}.",
            kind.label().to_lowercase(),
            mapped.join(", ")
        )
    };
    let mut mapping = Mapping {
        source: Source::Generic,
        kind,
        layout: "any table".to_owned(),
        confidence: Confidence::Guess,
        evidence,
        fields,
    };
    mapping.set_order();
    mapping
}

impl Mapping {
    fn set_order(&mut self) {
        let order = self.kind.fields();
        self.fields.sort_by_key(|f| {
            order
                .iter()
                .position(|o| *o == f.field)
                .unwrap_or(usize::MAX)
        });
    }

    /// The same file read as another kind: the mapping is redone for that kind from header names, as the
    /// user chose.
    pub fn as_kind(&self, kind: Kind, columns: &[ColumnInfo]) -> Mapping {
        let normalized: Vec<String> = columns.iter().map(|c| header_key(&c.original)).collect();
        let mut fields: Vec<FieldMapping> = self
            .fields
            .iter()
            .filter(|f| kind.fields().contains(&f.field))
            .cloned()
            .collect();
        let mut used: HashSet<usize> = fields
            .iter()
            .filter_map(|f| columns.iter().position(|c| c.name == f.column))
            .collect();
        fill_from_synonyms(kind, columns, &normalized, &mut used, &mut fields);
        let mut mapping = Mapping {
            kind,
            confidence: Confidence::Chosen,
            evidence: format!(
                "Read as {} because you chose so.",
                kind.label().to_lowercase()
            ),
            fields,
            ..self.clone()
        };
        mapping.set_order();
        mapping
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn columns(headers: &[&str]) -> Vec<ColumnInfo> {
        headers
            .iter()
            .map(|h| ColumnInfo {
                name: (*h).to_owned(),
                original: (*h).to_owned(),
                hidden: h.starts_with("(Do Not Modify)"),
            })
            .collect()
    }

    fn recognized(headers: &[&str]) -> (Source, Kind, Confidence) {
        let m = recognize(&columns(headers));
        (m.source, m.kind, m.confidence)
    }

    #[test]
    fn known_layouts_are_recognised_with_confidence() {
        use Confidence::*;
        assert_eq!(
            recognized(&[
                "Id",
                "AccountId",
                "Name",
                "StageName",
                "Amount",
                "CloseDate",
                "IsClosed",
                "IsWon",
                "OwnerId",
                "CreatedDate"
            ]),
            (Source::Salesforce, Kind::Deals, Sure)
        );
        assert_eq!(
            recognized(&[
                "Record ID",
                "Deal Name",
                "Deal Stage",
                "Pipeline",
                "Deal owner",
                "Amount",
                "Close Date",
                "Create Date"
            ]),
            (Source::Hubspot, Kind::Deals, Sure)
        );
        assert_eq!(
            recognized(&[
                "Deal - ID",
                "Deal - Title",
                "Deal - Value",
                "Deal - Owner",
                "Deal - Stage",
                "Deal - Status",
                "Deal - Won time",
                "Deal - Lost time",
                "Deal - Deal created"
            ]),
            (Source::Pipedrive, Kind::Deals, Sure)
        );
        assert_eq!(
            recognized(&[
                "(Do Not Modify) Opportunity",
                "(Do Not Modify) Row Checksum",
                "(Do Not Modify) Modified On",
                "Topic",
                "Potential Customer",
                "Est. Close Date",
                "Est. Revenue",
                "Owner",
                "Status"
            ]),
            (Source::Dynamics, Kind::Deals, Sure)
        );
        assert_eq!(
            recognized(&[
                "Record Id",
                "Deal Owner",
                "Deal Owner.id",
                "Deal Name",
                "Account Name",
                "Stage",
                "Amount",
                "Closing Date",
                "Created Time"
            ]),
            (Source::Zoho, Kind::Deals, Sure)
        );
    }

    #[test]
    fn generic_tables_are_guessed_from_their_header_names() {
        let m = recognize(&columns(&[
            "opportunity_id",
            "sales_agent",
            "product",
            "account",
            "deal_stage",
            "engage_date",
            "close_date",
            "close_value",
        ]));
        assert_eq!(
            (m.source, m.kind, m.confidence),
            (Source::Generic, Kind::Deals, Confidence::Guess)
        );
        assert_eq!(m.column(Field::Owner), Some("sales_agent"));
        assert_eq!(m.column(Field::Stage), Some("deal_stage"));
        assert_eq!(m.column(Field::Created), Some("engage_date"));
        assert_eq!(m.column(Field::ExpectedClose), Some("close_date"));
        assert_eq!(m.column(Field::Amount), Some("close_value"));
        assert_eq!(
            recognized(&["sales_agent", "manager", "regional_office"]).1,
            Kind::Teams
        );
        assert_eq!(
            recognized(&["product", "series", "sales_price"]).1,
            Kind::NotUsed
        );
        assert_eq!(
            recognized(&["mql_id", "first_contact_date", "landing_page_id", "origin"]).1,
            Kind::Leads
        );
        let olist = recognize(&columns(&[
            "mql_id",
            "seller_id",
            "sdr_id",
            "sr_id",
            "won_date",
            "business_segment",
            "lead_type",
        ]));
        assert_eq!(olist.kind, Kind::Deals);
        assert_eq!(
            (olist.column(Field::Owner), olist.column(Field::WonTime)),
            (Some("sr_id"), Some("won_date"))
        );
        assert_eq!(olist.column(Field::Creator), Some("sdr_id"));
    }

    #[test]
    fn the_user_can_remap_a_field_and_change_the_kind() {
        let cols = columns(&["Rep", "Stage", "Big Number", "Amount"]);
        let mut m = recognize(&cols);
        assert_eq!(m.column(Field::Amount), Some("Amount"));
        m.set(Field::Amount, Some("Big Number".into()));
        assert_eq!(m.column(Field::Amount), Some("Big Number"));
        assert_eq!(
            m.fields
                .iter()
                .find(|f| f.field == Field::Amount)
                .map(|f| f.by),
            Some(MappedBy::User)
        );
        let teams = m.as_kind(Kind::Teams, &cols);
        assert_eq!(teams.kind, Kind::Teams);
        assert_eq!(teams.confidence, Confidence::Chosen);
        assert!(
            teams
                .fields
                .iter()
                .all(|f| Kind::Teams.fields().contains(&f.field))
        );
    }
}
