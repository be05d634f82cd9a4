//! Labels: the translated UI labels that CRMs write as report and export headers when the user's UI is
//! German, French, Spanish, Portuguese (Brazil), Italian or Dutch. Each one maps to the English header
//! that the same CRM's layout in [`sources`](crate::engine::model::sources) already knows. Translated
//! headers go through [`english`] before recognition, so a German Salesforce report (`Opportunity-Inhaber`,
//! `Phase`, `Schlusstermin`) is read as the Opportunities report it is.
//!
//! Where the labels come from:
//! - Salesforce report exports: a report column takes the field's translated label. Seen in real exports
//!   in public repositories: German `Opportunity-Inhaber`, `Phase`, `Schlusstermin`, `Erstelldatum`,
//!   `Wahrscheinlichkeit (%)`, `Lead-Quelle`, `Letzte Aktivität`, `Accountname`; French
//!   `Propriétaire de l'opportunité`, `Date de création`, `Date de clôture`, `Etape`; Italian
//!   `Titolare opportunità`, `Nome opportunità`, `Nome account`, `Data chiusura`, `Ammontare`,
//!   `Categoria di previsione`. Adobe's German and Spanish documentation of the Salesforce opportunity
//!   fields gives `Prognosekategorie` and `Categoría de pronóstico`.
//! - Pipedrive exports (`<Entity> - <Field>`): seen in real exports: German `Deal - Titel`, `Deal - Wert`,
//!   `Deal - Besitzer`, `Deal - Deal erstellt`, `Deal - Verlustgrund`, `Deal - Datum des gewonnenen Deals`;
//!   Portuguese `Negócio - Título`, `Negócio - Valor`, `Negócio - Etapa`, `Negócio - Funil`,
//!   `Negócio - Ganho em`, `Negócio - Data de perda`, `Negócio - Data de fechamento esperada`; Spanish
//!   `Negocio - Título`, `Negocio - Propietario`, `Negocio - Fecha de ganado`; French `Affaire - Titre`,
//!   `Affaire - Valeur`, `Affaire - Étape`, `Affaire - Statut`, `Affaire - Date de clôture prévue`,
//!   `Affaire - Raison de la perte`. The prefix is the translated word for a deal ([`PIPEDRIVE_PREFIXES`]).
//! - Dynamics 365 Export to Excel: the columns' localized display names; French `Date de clôture estimée`
//!   and `Chiffre d'affaires estimé` are in Microsoft's French training material.
//! - Everything else (HubSpot's translated default deal properties, Zoho CRM's translated Deals fields,
//!   the other languages' Salesforce and Dynamics labels) follows the CRMs' translated UIs as far as they
//!   are known; no public export confirms those rows, and common variants are listed beside them.
//!
//! A label that two CRMs give different meanings maps to one English header only: the CRM-specific form
//! carries the CRM-specific header (HubSpot's `Deal-Phase` → `deal stage`) and the bare word the generic
//! one (`Phase` → `stage`). Labels that are spelled as in English (`Status`, `Pipeline`, `Type`,
//! `Opportunity-Name`) are not listed: they are read as they are.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::engine::model::words::fold;

/// The English header (normalized, as in `sources`) for a header already folded by
/// [`normalize`](crate::engine::model::sources::normalize), accented or not; `None` when the header is no
/// known translated label.
pub fn english(normalized: &str) -> Option<&'static str> {
    let folded = fold(normalized);
    lookup(&folded).or_else(|| pipedrive_prefixed(&folded))
}

/// The table keyed by folded label (accents stripped), built once.
fn lookup(folded: &str) -> Option<&'static str> {
    static BY_LABEL: OnceLock<HashMap<String, &'static str>> = OnceLock::new();
    BY_LABEL
        .get_or_init(|| {
            LABELS
                .iter()
                .map(|(_, label, english)| (fold(label), *english))
                .collect()
        })
        .get(folded)
        .copied()
}

/// `Negócio - Valor` → `deal value`: a Pipedrive prefix, then a deal field in the export's language (or
/// spelled as in English, like `ID` or `Status`).
fn pipedrive_prefixed(folded: &str) -> Option<&'static str> {
    let field = PIPEDRIVE_PREFIXES
        .iter()
        .find_map(|prefix| folded.strip_prefix(prefix)?.strip_prefix(' '))?;
    let bare = lookup(field).unwrap_or(field);
    PIPEDRIVE_DEAL_FIELDS
        .iter()
        .find(|(plain, _)| *plain == bare)
        .map(|(_, prefixed)| *prefixed)
}

/// The word a Pipedrive export puts before ` - ` of a deal column, folded: `Deal` (German, Dutch),
/// `Affaire` (French), `Negocio` / `Trato` (Spanish), `Negócio` (Portuguese), `Offerta` / `Trattativa`
/// (Italian).
pub const PIPEDRIVE_PREFIXES: &[&str] = &[
    "deal",
    "affaire",
    "negocio",
    "trato",
    "offerta",
    "trattativa",
];

/// A Pipedrive deal field without the prefix (English) and with it, as the prefixed layout names it.
#[rustfmt::skip]
pub const PIPEDRIVE_DEAL_FIELDS: &[(&str, &str)] = &[
    ("id", "deal id"), ("title", "deal title"), ("organization", "deal organization"),
    ("owner", "deal owner"), ("creator", "deal creator"), ("created by", "deal creator"),
    ("pipeline", "deal pipeline"), ("stage", "deal stage"), ("status", "deal status"),
    ("deal created", "deal deal created"), ("add time", "deal add time"),
    ("expected close date", "deal expected close date"), ("close date", "deal expected close date"),
    ("deal closed on", "deal deal closed on"), ("won time", "deal won time"), ("lost time", "deal lost time"),
    ("value", "deal value"), ("amount", "deal value"), ("currency", "deal currency"),
    ("probability", "deal probability"), ("lost reason", "deal lost reason"),
    ("last activity date", "deal last activity date"),
];

/// (language, translated label normalized, English header normalized). Grouped by language, then by the
/// CRM whose layout the English header belongs to; a label shared by several CRMs is listed once.
#[rustfmt::skip]
pub const LABELS: &[(&str, &str, &str)] = &[
    // ---------------- German ----------------
    // Salesforce
    ("de", "opportunity inhaber", "opportunity owner"), ("de", "opportunityinhaber", "opportunity owner"),
    ("de", "opportunity besitzer", "opportunity owner"), ("de", "accountname", "account name"),
    ("de", "phase", "stage"), ("de", "betrag", "amount"), ("de", "schlusstermin", "close date"),
    ("de", "erstelldatum", "created date"), ("de", "wahrscheinlichkeit", "probability"),
    ("de", "prognosekategorie", "forecast category"), ("de", "lead quelle", "lead source"),
    ("de", "leadquelle", "lead source"), ("de", "typ", "type"),
    ("de", "opportunity typ", "opportunity type"),
    ("de", "opportunity datensatztyp", "opportunity record type"), ("de", "datensatztyp", "record type"),
    ("de", "opportunity währung", "opportunity currency"), ("de", "betrag währung", "amount currency"),
    ("de", "betrag umgerechnet", "amount converted"), ("de", "verlustgrund", "lost reason"),
    ("de", "grund für verlust", "lost reason"), ("de", "letzte aktivität", "last activity"),
    ("de", "geschäftsperiode", "fiscal period"), ("de", "fiskalperiode", "fiscal period"),
    ("de", "erstellt von", "created by"),
    // HubSpot
    ("de", "datensatz id", "record id"), ("de", "dealname", "deal name"),
    ("de", "deal phase", "deal stage"), ("de", "dealphase", "deal stage"),
    ("de", "deal inhaber", "deal owner"), ("de", "dealinhaber", "deal owner"),
    ("de", "abschlussdatum", "close date"), ("de", "erstellungsdatum", "create date"),
    ("de", "deal typ", "deal type"), ("de", "dealtyp", "deal type"),
    ("de", "deal wahrscheinlichkeit", "deal probability"),
    ("de", "grund für verlorenen deal", "closed lost reason"),
    ("de", "datum der letzten aktivität", "last activity date"),
    ("de", "zugehöriges unternehmen", "associated company"), ("de", "unternehmensname", "company name"),
    ("de", "betrag in unternehmenswährung", "amount in company currency"), ("de", "währung", "currency"),
    // Pipedrive
    ("de", "titel", "title"), ("de", "wert", "value"), ("de", "besitzer", "owner"),
    ("de", "eigentümer", "owner"), ("de", "inhaber", "owner"), ("de", "ersteller", "creator"),
    ("de", "organisation", "organization"), ("de", "deal erstellt", "deal created"),
    ("de", "deal abgeschlossen am", "deal closed on"),
    ("de", "erwartetes abschlussdatum", "expected close date"),
    ("de", "datum des gewonnenen deals", "won time"), ("de", "gewonnen am", "won time"),
    ("de", "datum des verlorenen deals", "lost time"), ("de", "verloren am", "lost time"),
    // Zoho CRM
    ("de", "besitzer des abschlusses", "deal owner"), ("de", "geschäftsabschluss besitzer", "deal owner"),
    ("de", "abschlussbesitzer", "deal owner"), ("de", "name des geschäftsabschlusses", "deal name"),
    ("de", "geschäftsabschlussname", "deal name"), ("de", "abschlussname", "deal name"),
    ("de", "erstellungszeit", "created time"), ("de", "grund für den verlust", "reason for loss"),
    ("de", "letzte aktivitätszeit", "last activity time"),
    // Dynamics 365
    ("de", "nicht ändern verkaufschance", "do not modify opportunity"), ("de", "thema", "topic"),
    ("de", "potenzieller kunde", "potential customer"), ("de", "geschätzter umsatz", "est revenue"),
    ("de", "voraussichtliches abschlussdatum", "est close date"),
    ("de", "geschätztes abschlussdatum", "est close date"), ("de", "statusgrund", "status reason"),
    ("de", "pipelinephase", "pipeline phase"), ("de", "verkaufsphase", "sales stage"),
    ("de", "vertriebsprozess", "sales process"), ("de", "verkaufsprozess", "sales process"),
    ("de", "erstellt am", "created on"), ("de", "tatsächliches abschlussdatum", "actual close date"),
    ("de", "tatsächlicher umsatz", "actual revenue"),
    // ---------------- French ----------------
    // Salesforce
    ("fr", "propriétaire de l opportunité", "opportunity owner"),
    ("fr", "nom de l opportunité", "opportunity name"), ("fr", "id de l opportunité", "opportunity id"),
    ("fr", "nom du compte", "account name"), ("fr", "étape", "stage"), ("fr", "montant", "amount"),
    ("fr", "date de clôture", "close date"), ("fr", "date de création", "created date"),
    ("fr", "probabilité", "probability"), ("fr", "catégorie de prévision", "forecast category"),
    ("fr", "origine de la piste", "lead source"), ("fr", "source de la piste", "lead source"),
    ("fr", "type d opportunité", "opportunity type"),
    ("fr", "type d enregistrement de l opportunité", "opportunity record type"),
    ("fr", "type d enregistrement", "record type"),
    ("fr", "devise de l opportunité", "opportunity currency"),
    ("fr", "devise du montant", "amount currency"), ("fr", "montant converti", "amount converted"),
    ("fr", "raison de la perte", "lost reason"), ("fr", "raison de perte", "lost reason"),
    ("fr", "motif de perte", "lost reason"), ("fr", "dernière activité", "last activity"),
    ("fr", "période fiscale", "fiscal period"), ("fr", "créé par", "created by"),
    // HubSpot
    ("fr", "id de fiche d informations", "record id"), ("fr", "id d enregistrement", "record id"),
    ("fr", "nom de la transaction", "deal name"), ("fr", "phase de la transaction", "deal stage"),
    ("fr", "étape de la transaction", "deal stage"), ("fr", "propriétaire de la transaction", "deal owner"),
    ("fr", "date de fermeture", "close date"), ("fr", "type de transaction", "deal type"),
    ("fr", "probabilité de la transaction", "deal probability"),
    ("fr", "raison de la perte de la transaction", "closed lost reason"),
    ("fr", "date de la dernière activité", "last activity date"),
    ("fr", "entreprise associée", "associated company"), ("fr", "nom de l entreprise", "company name"),
    ("fr", "montant dans la devise de l entreprise", "amount in company currency"),
    ("fr", "devise", "currency"),
    // Pipedrive
    ("fr", "titre", "title"), ("fr", "valeur", "value"), ("fr", "propriétaire", "owner"),
    ("fr", "créateur", "creator"), ("fr", "organisation", "organization"), ("fr", "statut", "status"),
    ("fr", "affaire créée", "deal created"), ("fr", "affaire créée le", "deal created"),
    ("fr", "affaire conclue le", "deal closed on"), ("fr", "date de clôture prévue", "expected close date"),
    ("fr", "heure du gain", "won time"), ("fr", "date de gain", "won time"),
    ("fr", "heure de l échec", "lost time"), ("fr", "date de perte", "lost time"),
    ("fr", "source du lead", "lead source"),
    // Zoho CRM
    ("fr", "propriétaire de l affaire", "deal owner"), ("fr", "nom de l affaire", "deal name"),
    ("fr", "heure de création", "created time"), ("fr", "source du prospect", "lead source"),
    ("fr", "heure de la dernière activité", "last activity time"),
    // Dynamics 365
    ("fr", "ne pas modifier opportunité", "do not modify opportunity"), ("fr", "sujet", "topic"),
    ("fr", "client potentiel", "potential customer"), ("fr", "chiffre d affaires estimé", "est revenue"),
    ("fr", "revenu estimé", "est revenue"), ("fr", "date de clôture estimée", "est close date"),
    ("fr", "raison du statut", "status reason"), ("fr", "phase du pipeline", "pipeline phase"),
    ("fr", "phase de vente", "sales stage"), ("fr", "étape de vente", "sales stage"),
    ("fr", "processus de vente", "sales process"), ("fr", "créé le", "created on"),
    ("fr", "date de clôture réelle", "actual close date"),
    ("fr", "chiffre d affaires réel", "actual revenue"), ("fr", "revenu réel", "actual revenue"),
    // ---------------- Spanish ----------------
    // Salesforce
    ("es", "propietario de la oportunidad", "opportunity owner"),
    ("es", "nombre de la oportunidad", "opportunity name"),
    ("es", "id de la oportunidad", "opportunity id"), ("es", "nombre de la cuenta", "account name"),
    ("es", "etapa", "stage"), ("es", "importe", "amount"), ("es", "monto", "amount"),
    ("es", "fecha de cierre", "close date"), ("es", "fecha de creación", "created date"),
    ("es", "probabilidad", "probability"), ("es", "categoría de pronóstico", "forecast category"),
    ("es", "categoría de previsión", "forecast category"), ("es", "origen del candidato", "lead source"),
    ("es", "origen de candidato", "lead source"), ("es", "tipo", "type"),
    ("es", "tipo de oportunidad", "opportunity type"),
    ("es", "tipo de registro de la oportunidad", "opportunity record type"),
    ("es", "tipo de registro", "record type"), ("es", "divisa de la oportunidad", "opportunity currency"),
    ("es", "divisa del importe", "amount currency"), ("es", "importe convertido", "amount converted"),
    ("es", "motivo de pérdida", "lost reason"), ("es", "razón de pérdida", "lost reason"),
    ("es", "última actividad", "last activity"), ("es", "período fiscal", "fiscal period"),
    ("es", "periodo fiscal", "fiscal period"), ("es", "creado por", "created by"),
    // HubSpot
    ("es", "id de registro", "record id"), ("es", "nombre del negocio", "deal name"),
    ("es", "etapa del negocio", "deal stage"), ("es", "propietario del negocio", "deal owner"),
    ("es", "tipo de negocio", "deal type"), ("es", "probabilidad del negocio", "deal probability"),
    ("es", "motivo de cierre perdido", "closed lost reason"),
    ("es", "fecha de la última actividad", "last activity date"),
    ("es", "empresa asociada", "associated company"), ("es", "nombre de la empresa", "company name"),
    ("es", "moneda", "currency"), ("es", "divisa", "currency"),
    // Pipedrive
    ("es", "título", "title"), ("es", "valor", "amount"), ("es", "propietario", "owner"),
    ("es", "creador", "creator"), ("es", "organización", "organization"), ("es", "estado", "status"),
    ("es", "embudo", "pipeline"), ("es", "negocio creado", "deal created"),
    ("es", "negocio cerrado el", "deal closed on"),
    ("es", "fecha de cierre prevista", "expected close date"),
    ("es", "fecha prevista de cierre", "expected close date"), ("es", "fecha de ganado", "won time"),
    ("es", "fecha de perdido", "lost time"), ("es", "fecha de pérdida", "lost time"),
    // Zoho CRM
    ("es", "propietario del trato", "deal owner"), ("es", "nombre del trato", "deal name"),
    ("es", "nombre de cuenta", "account name"), ("es", "hora de creación", "created time"),
    ("es", "fuente de cliente potencial", "lead source"), ("es", "motivo de la pérdida", "reason for loss"),
    ("es", "hora de la última actividad", "last activity time"),
    // Dynamics 365
    ("es", "no modificar oportunidad", "do not modify opportunity"), ("es", "tema", "topic"),
    ("es", "cliente potencial", "potential customer"), ("es", "ingresos estimados", "est revenue"),
    ("es", "fecha de cierre estimada", "est close date"), ("es", "razón para el estado", "status reason"),
    ("es", "motivo del estado", "status reason"), ("es", "fase de canalización", "pipeline phase"),
    ("es", "fase de ventas", "sales stage"), ("es", "proceso de ventas", "sales process"),
    ("es", "fecha de cierre real", "actual close date"), ("es", "ingresos reales", "actual revenue"),
    // ---------------- Portuguese (Brazil) ----------------
    // Salesforce
    ("pt", "proprietário da oportunidade", "opportunity owner"),
    ("pt", "nome da oportunidade", "opportunity name"), ("pt", "id da oportunidade", "opportunity id"),
    ("pt", "nome da conta", "account name"), ("pt", "fase", "stage"), ("pt", "valor", "amount"),
    ("pt", "data de fechamento", "close date"), ("pt", "data de criação", "created date"),
    ("pt", "probabilidade", "probability"), ("pt", "categoria de previsão", "forecast category"),
    ("pt", "origem do lead", "lead source"), ("pt", "tipo de oportunidade", "opportunity type"),
    ("pt", "tipo de registro da oportunidade", "opportunity record type"),
    ("pt", "moeda da oportunidade", "opportunity currency"), ("pt", "valor convertido", "amount converted"),
    ("pt", "motivo da perda", "lost reason"), ("pt", "última atividade", "last activity"),
    ("pt", "criado por", "created by"),
    // HubSpot
    ("pt", "id do registro", "record id"), ("pt", "nome do negócio", "deal name"),
    ("pt", "fase do negócio", "deal stage"), ("pt", "etapa do negócio", "deal stage"),
    ("pt", "proprietário do negócio", "deal owner"), ("pt", "probabilidade do negócio", "deal probability"),
    ("pt", "motivo do negócio perdido", "closed lost reason"),
    ("pt", "data da última atividade", "last activity date"), ("pt", "nome da empresa", "company name"),
    ("pt", "moeda", "currency"),
    // Pipedrive
    ("pt", "proprietário", "owner"), ("pt", "organização", "organization"), ("pt", "funil", "pipeline"),
    ("pt", "negócio criado em", "deal created"), ("pt", "negócio fechado em", "deal closed on"),
    ("pt", "data de fechamento esperada", "expected close date"), ("pt", "ganho em", "won time"),
    ("pt", "data de perda", "lost time"), ("pt", "perdido em", "lost time"),
    ("pt", "fonte do lead", "lead source"),
    // Zoho CRM
    ("pt", "hora de criação", "created time"), ("pt", "hora da última atividade", "last activity time"),
    // Dynamics 365
    ("pt", "não modificar oportunidade", "do not modify opportunity"), ("pt", "tópico", "topic"),
    ("pt", "receita estimada", "est revenue"), ("pt", "data de conclusão estimada", "est close date"),
    ("pt", "data estimada de fechamento", "est close date"), ("pt", "razão do status", "status reason"),
    ("pt", "fase do pipeline", "pipeline phase"), ("pt", "fase de vendas", "sales stage"),
    ("pt", "processo de vendas", "sales process"), ("pt", "criado em", "created on"),
    ("pt", "data de conclusão real", "actual close date"), ("pt", "receita real", "actual revenue"),
    // ---------------- Italian ----------------
    // Salesforce
    ("it", "titolare opportunità", "opportunity owner"), ("it", "nome opportunità", "opportunity name"),
    ("it", "id opportunità", "opportunity id"), ("it", "nome account", "account name"),
    ("it", "fase", "stage"), ("it", "importo", "amount"), ("it", "ammontare", "amount"),
    ("it", "data di chiusura", "close date"), ("it", "data chiusura", "close date"),
    ("it", "data di creazione", "created date"), ("it", "data creazione", "created date"),
    ("it", "probabilità", "probability"), ("it", "categoria previsioni", "forecast category"),
    ("it", "categoria di previsione", "forecast category"), ("it", "origine lead", "lead source"),
    ("it", "tipo opportunità", "opportunity type"), ("it", "tipo di opportunità", "opportunity type"),
    ("it", "tipo di record opportunità", "opportunity record type"),
    ("it", "tipo di record", "record type"), ("it", "valuta opportunità", "opportunity currency"),
    ("it", "importo convertito", "amount converted"), ("it", "motivo perdita", "lost reason"),
    ("it", "motivo della perdita", "lost reason"), ("it", "ultima attività", "last activity"),
    ("it", "periodo fiscale", "fiscal period"), ("it", "creato da", "created by"),
    // HubSpot
    ("it", "id record", "record id"), ("it", "nome trattativa", "deal name"),
    ("it", "nome della trattativa", "deal name"), ("it", "fase della trattativa", "deal stage"),
    ("it", "fase trattativa", "deal stage"), ("it", "proprietario della trattativa", "deal owner"),
    ("it", "proprietario trattativa", "deal owner"), ("it", "tipo di trattativa", "deal type"),
    ("it", "probabilità della trattativa", "deal probability"),
    ("it", "motivo chiusura persa", "closed lost reason"),
    ("it", "data ultima attività", "last activity date"),
    ("it", "data dell ultima attività", "last activity date"),
    ("it", "azienda associata", "associated company"), ("it", "nome azienda", "company name"),
    ("it", "valuta", "currency"),
    // Pipedrive
    ("it", "titolo", "title"), ("it", "valore", "value"), ("it", "proprietario", "owner"),
    ("it", "creatore", "creator"), ("it", "organizzazione", "organization"), ("it", "stato", "status"),
    ("it", "offerta creata", "deal created"), ("it", "trattativa creata", "deal created"),
    ("it", "data di chiusura prevista", "expected close date"), ("it", "data di vincita", "won time"),
    ("it", "vinta il", "won time"), ("it", "data di perdita", "lost time"), ("it", "persa il", "lost time"),
    // Zoho CRM
    ("it", "ora di creazione", "created time"), ("it", "ora dell ultima attività", "last activity time"),
    // Dynamics 365
    ("it", "non modificare opportunità", "do not modify opportunity"), ("it", "argomento", "topic"),
    ("it", "cliente potenziale", "potential customer"), ("it", "ricavi stimati", "est revenue"),
    ("it", "data di chiusura stimata", "est close date"), ("it", "motivo stato", "status reason"),
    ("it", "fase pipeline", "pipeline phase"), ("it", "fase di vendita", "sales stage"),
    ("it", "processo di vendita", "sales process"),
    ("it", "data di chiusura effettiva", "actual close date"), ("it", "ricavi effettivi", "actual revenue"),
    // ---------------- Dutch ----------------
    // Salesforce
    ("nl", "eigenaar van opportunity", "opportunity owner"),
    ("nl", "opportunity eigenaar", "opportunity owner"), ("nl", "naam van opportunity", "opportunity name"),
    ("nl", "opportunitynaam", "opportunity name"), ("nl", "accountnaam", "account name"),
    ("nl", "fase", "stage"), ("nl", "bedrag", "amount"), ("nl", "sluitingsdatum", "close date"),
    ("nl", "afsluitdatum", "close date"), ("nl", "aanmaakdatum", "created date"),
    ("nl", "waarschijnlijkheid", "probability"), ("nl", "prognosecategorie", "forecast category"),
    ("nl", "voorspellingscategorie", "forecast category"), ("nl", "leadbron", "lead source"),
    ("nl", "opportunitytype", "opportunity type"),
    ("nl", "recordtype van opportunity", "opportunity record type"), ("nl", "recordtype", "record type"),
    ("nl", "valuta van opportunity", "opportunity currency"), ("nl", "reden van verlies", "lost reason"),
    ("nl", "verliesreden", "lost reason"), ("nl", "laatste activiteit", "last activity"),
    ("nl", "fiscale periode", "fiscal period"), ("nl", "gemaakt door", "created by"),
    // HubSpot
    ("nl", "dealnaam", "deal name"), ("nl", "dealfase", "deal stage"), ("nl", "pijplijn", "pipeline"),
    ("nl", "eigenaar deal", "deal owner"), ("nl", "dealeigenaar", "deal owner"),
    ("nl", "deal eigenaar", "deal owner"), ("nl", "dealtype", "deal type"),
    ("nl", "waarschijnlijkheid deal", "deal probability"),
    ("nl", "reden gesloten verloren", "closed lost reason"),
    ("nl", "datum laatste activiteit", "last activity date"),
    ("nl", "gekoppeld bedrijf", "associated company"), ("nl", "bedrijfsnaam", "company name"),
    ("nl", "valuta", "currency"),
    // Pipedrive
    ("nl", "titel", "title"), ("nl", "waarde", "value"), ("nl", "eigenaar", "owner"),
    ("nl", "maker", "creator"), ("nl", "organisatie", "organization"),
    ("nl", "deal aangemaakt", "deal created"), ("nl", "verwachte sluitingsdatum", "expected close date"),
    ("nl", "gewonnen op", "won time"), ("nl", "verloren op", "lost time"),
    // Zoho CRM
    ("nl", "aanmaaktijd", "created time"),
    // Dynamics 365
    ("nl", "niet wijzigen verkoopkans", "do not modify opportunity"), ("nl", "onderwerp", "topic"),
    ("nl", "potentiële klant", "potential customer"), ("nl", "geschatte opbrengst", "est revenue"),
    ("nl", "geschatte sluitingsdatum", "est close date"), ("nl", "statusreden", "status reason"),
    ("nl", "pijplijnfase", "pipeline phase"), ("nl", "verkoopfase", "sales stage"),
    ("nl", "verkoopproces", "sales process"), ("nl", "gemaakt op", "created on"),
    ("nl", "werkelijke sluitingsdatum", "actual close date"),
    ("nl", "werkelijke opbrengst", "actual revenue"),
];

#[cfg(test)]
mod tests {
    use std::collections::{HashMap, HashSet};

    use super::*;
    use crate::engine::model::fields::Field;
    use crate::engine::model::sources::{SIGNATURES, SYNONYMS, Source, normalize};

    /// Every English header of a layout (markers and columns).
    fn layout_headers() -> HashSet<&'static str> {
        SIGNATURES
            .iter()
            .flat_map(|s| {
                let columns = s.columns.iter().flat_map(|(_, headers)| headers.iter());
                s.markers.iter().chain(columns).copied()
            })
            .collect()
    }

    /// The fields a header feeds anywhere: in a layout's columns or among the synonyms.
    fn fields_of(header: &str) -> HashSet<Field> {
        let in_layouts = SIGNATURES.iter().flat_map(|s| s.columns.iter());
        in_layouts
            .chain(SYNONYMS.iter())
            .filter(|(_, headers)| headers.contains(&header))
            .map(|(field, _)| *field)
            .collect()
    }

    fn known_english() -> HashSet<&'static str> {
        let synonyms = SYNONYMS.iter().flat_map(|(_, headers)| headers.iter());
        layout_headers()
            .into_iter()
            .chain(synonyms.copied())
            .collect()
    }

    #[test]
    fn every_target_is_a_header_the_sources_know() {
        let known = known_english();
        for (language, label, target) in LABELS {
            assert!(
                known.contains(target),
                "{language} '{label}': '{target}' is in no layout or synonym"
            );
        }
        let prefixed_layout = SIGNATURES
            .iter()
            .find(|s| s.source == Source::Pipedrive && s.markers.contains(&"deal title"))
            .expect("the prefixed Pipedrive deals layout");
        let prefixed: HashSet<&str> = prefixed_layout
            .columns
            .iter()
            .flat_map(|(_, headers)| headers.iter().copied())
            .collect();
        for (plain, with_prefix) in PIPEDRIVE_DEAL_FIELDS {
            assert!(
                known.contains(plain),
                "'{plain}' is in no layout or synonym"
            );
            assert!(
                prefixed.contains(with_prefix),
                "'{with_prefix}' is no prefixed Pipedrive column"
            );
        }
    }

    #[test]
    fn labels_are_normalized_and_in_the_six_languages() {
        for (language, label, target) in LABELS {
            assert!(
                ["de", "fr", "es", "pt", "it", "nl"].contains(language),
                "{language} '{label}'"
            );
            assert_eq!(
                normalize(label),
                *label,
                "{language} '{label}' is not normalized"
            );
            assert_eq!(normalize(target), *target, "'{target}' is not normalized");
        }
        for prefix in PIPEDRIVE_PREFIXES {
            assert_eq!(fold(prefix), *prefix, "prefix '{prefix}' is not folded");
        }
    }

    #[test]
    fn a_label_has_one_meaning_and_english_headers_keep_theirs() {
        let layouts = layout_headers();
        let mut seen: HashMap<String, (&str, &str)> = HashMap::new();
        for (language, label, target) in LABELS {
            assert!(
                !layouts.contains(label),
                "{language} '{label}' is an English layout header"
            );
            assert_ne!(label, target, "{language} '{label}' maps to itself");
            if let Some((other, first)) = seen.insert(fold(label), (*language, *target)) {
                assert_eq!(
                    first, *target,
                    "'{label}' ({language}) and ({other}) mean different headers"
                );
            }
            let fields = fields_of(label);
            if !fields.is_empty() {
                assert!(
                    !fields.is_disjoint(&fields_of(target)),
                    "{language} '{label}' is a synonym of {fields:?}; '{target}' is not"
                );
            }
        }
        for header in layouts {
            let read = english(header);
            assert!(
                read.is_none() || read == Some(header),
                "'{header}' is read as {read:?}"
            );
        }
    }

    #[test]
    fn translated_headers_read_as_english() {
        let read = |header: &str| english(&normalize(header));
        assert_eq!(read("Opportunity-Inhaber"), Some("opportunity owner"));
        assert_eq!(read("Wahrscheinlichkeit (%)"), Some("probability"));
        assert_eq!(read("Date de clôture"), Some("close date"));
        assert_eq!(read("Date de cloture"), Some("close date"));
        assert_eq!(read("DATE DE CLÔTURE"), Some("close date"));
        assert_eq!(
            read("Propriétaire de l'opportunité"),
            Some("opportunity owner")
        );
        assert_eq!(
            read("Propriétaire de l’opportunité"),
            Some("opportunity owner")
        );
        assert_eq!(read("Deal-Phase"), Some("deal stage"));
        assert_eq!(read("Phase"), Some("stage"));
        assert_eq!(read("Deal - Titel"), Some("deal title"));
        assert_eq!(read("Deal - Deal erstellt"), Some("deal deal created"));
        assert_eq!(read("Negócio - Valor"), Some("deal value"));
        assert_eq!(read("Negocio - Titulo"), Some("deal title"));
        assert_eq!(read("Negócio - ID"), Some("deal id"));
        assert_eq!(
            read("Affaire - Date de clôture prévue"),
            Some("deal expected close date")
        );
        assert_eq!(
            read("(Nicht ändern) Verkaufschance"),
            Some("do not modify opportunity")
        );
        assert_eq!(read("Status"), None);
        assert_eq!(read("Lieblingsfarbe"), None);
    }
}
