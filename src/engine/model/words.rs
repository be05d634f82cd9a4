//! Words: what a cell's text means when the export says it in words — deal outcomes, activity kinds,
//! done-ness and call outcomes — in the languages CRM exports come in (English, Spanish, Portuguese,
//! French, German, Italian), HubSpot's internal stage ids, and the default category of a lost reason.

/// Folds text for keyword matching: lower case, accents removed, punctuation made spaces.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        let plain = match c {
            'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'í' | 'ì' | 'î' | 'ï' => 'i',
            'ó' | 'ò' | 'ô' | 'ö' | 'õ' => 'o',
            'ú' | 'ù' | 'û' | 'ü' => 'u',
            'ñ' => 'n',
            'ç' => 'c',
            c if c.is_alphanumeric() => c,
            _ => ' ',
        };
        out.push(plain);
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Why a deal was lost, in the three categories win rates treat differently.
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum LostCategory {
    Competitive,
    NoDecision,
    Disqualified,
    #[default]
    Other,
}

/// The default category of a lost reason, from its words.
pub fn lost_category(reason: &str) -> LostCategory {
    let f = fold(reason);
    let any = |words: &[&str]| words.iter().any(|w| f.contains(w));
    if any(&[
        "disqualif",
        "duplicate",
        "duplicado",
        "spam",
        "not a fit",
        "no fit",
        "bad data",
        "invalid",
        "test",
        "wrong contact",
        "descalific",
        "unqualif",
    ]) {
        LostCategory::Disqualified
    } else if any(&[
        "no decision",
        "no budget",
        "budget",
        "timing",
        "went dark",
        "unresponsive",
        "no response",
        "on hold",
        "stalled",
        "sin respuesta",
        "sin presupuesto",
        "no interest",
        "did nothing",
        "status quo",
    ]) {
        LostCategory::NoDecision
    } else if any(&[
        "competit",
        "went with",
        "lost to",
        "chose",
        "price",
        "pricing",
        "feature",
        "competencia",
        "precio",
    ]) {
        LostCategory::Competitive
    } else {
        LostCategory::Other
    }
}

fn has_word(folded: &str, words: &[&str]) -> bool {
    words.iter().any(|w| {
        if w.contains(' ') {
            folded.contains(w)
        } else {
            folded.split(' ').any(|part| part == *w)
        }
    })
}

fn has_prefix(folded: &str, prefixes: &[&str]) -> bool {
    folded
        .split(' ')
        .any(|part| prefixes.iter().any(|p| part.starts_with(p)))
}

/// Open, won or lost, as a status or stage name says it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Open,
    Won,
    Lost,
}

/// The outcome a status value names (`Won`, `lost`, `active`, `Ganada`, `Open`, `In Progress` …), if any.
pub fn status_outcome(text: &str) -> Option<Outcome> {
    let f = fold(text);
    if f.is_empty() {
        return None;
    }
    if has_word(
        &f,
        &[
            "won",
            "win",
            "closedwon",
            "closed won",
            "ganada",
            "ganado",
            "ganho",
            "ganha",
            "gagne",
            "gagnee",
            "gewonnen",
            "vinto",
            "vinta",
            "signed",
        ],
    ) {
        return Some(Outcome::Won);
    }
    if has_word(
        &f,
        &[
            "lost",
            "closedlost",
            "closed lost",
            "perdida",
            "perdido",
            "perdu",
            "perdue",
            "verloren",
            "perso",
            "persa",
            "canceled",
            "cancelled",
            "cancelada",
            "out sold",
            "outsold",
            "disqualified",
            "descartada",
            "descartado",
            "unqualified",
        ],
    ) {
        return Some(Outcome::Lost);
    }
    if has_word(
        &f,
        &[
            "open",
            "active",
            "in progress",
            "abierta",
            "abierto",
            "aberta",
            "aberto",
            "ouvert",
            "offen",
            "aperta",
            "on hold",
        ],
    ) {
        return Some(Outcome::Open);
    }
    None
}

/// What a stage name implies about the outcome: only clear won or lost stage names decide.
pub fn stage_outcome(name: &str) -> Option<Outcome> {
    match status_outcome(name) {
        Some(Outcome::Open) | None => None,
        closed => closed,
    }
}

/// HubSpot's default pipeline stage ids, in pipeline order, with their outcome.
pub const HUBSPOT_STAGE_IDS: [(&str, &str, Outcome); 7] = [
    (
        "appointmentscheduled",
        "Appointment Scheduled",
        Outcome::Open,
    ),
    ("qualifiedtobuy", "Qualified To Buy", Outcome::Open),
    (
        "presentationscheduled",
        "Presentation Scheduled",
        Outcome::Open,
    ),
    (
        "decisionmakerboughtin",
        "Decision Maker Bought-In",
        Outcome::Open,
    ),
    ("contractsent", "Contract Sent", Outcome::Open),
    ("closedwon", "Closed Won", Outcome::Won),
    ("closedlost", "Closed Lost", Outcome::Lost),
];

/// The standard ladder every raw stage maps onto, so pipelines of different CRMs compare.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum StandardStage {
    Prospecting,
    Qualification,
    Discovery,
    Proposal,
    Negotiation,
    Commit,
    Won,
    Lost,
}

impl StandardStage {
    pub const OPEN: [StandardStage; 6] = [
        StandardStage::Prospecting,
        StandardStage::Qualification,
        StandardStage::Discovery,
        StandardStage::Proposal,
        StandardStage::Negotiation,
        StandardStage::Commit,
    ];

    pub fn label(self) -> &'static str {
        match self {
            StandardStage::Prospecting => "Prospecting",
            StandardStage::Qualification => "Qualification",
            StandardStage::Discovery => "Discovery",
            StandardStage::Proposal => "Proposal",
            StandardStage::Negotiation => "Negotiation",
            StandardStage::Commit => "Commit",
            StandardStage::Won => "Won",
            StandardStage::Lost => "Lost",
        }
    }
}

/// The standard stage an open stage's name suggests, if its words say.
pub fn standard_stage_of(name: &str) -> Option<StandardStage> {
    let f = fold(name);
    use StandardStage::*;
    // Later stages first: "Presentación Propuesta" is a proposal, "Qualified to buy" a qualification.
    if has_prefix(
        &f,
        &[
            "contract", "contrat", "firma", "signatur", "commit", "vertrag", "closing",
        ],
    ) {
        return Some(Commit);
    }
    if has_prefix(&f, &["negoti", "negocia", "negozia", "verhandl", "bought"])
        || has_word(&f, &["review"])
    {
        return Some(Negotiation);
    }
    if has_prefix(
        &f,
        &[
            "propos", "propuest", "propost", "quote", "cotiz", "orcament", "angebot", "offer",
            "oferta",
        ],
    ) {
        return Some(Proposal);
    }
    if has_prefix(
        &f,
        &[
            "discover", "descubr", "needs", "analysis", "analisis", "demo", "present", "engag",
            "develop", "solution", "valu", "evaluat", "diagnos",
        ],
    ) {
        return Some(Discovery);
    }
    if has_prefix(&f, &["qualif", "calific", "cualific", "sql"]) {
        return Some(Qualification);
    }
    if has_prefix(
        &f,
        &[
            "prospect",
            "lead",
            "interes",
            "interest",
            "new",
            "nuevo",
            "contact",
            "appointment",
            "mql",
            "intake",
            "inicial",
            "initial",
            "target",
        ],
    ) {
        return Some(Prospecting);
    }
    None
}

/// What kind of activity a record is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum ActivityKind {
    Call,
    Email,
    Meeting,
    Task,
    Other,
}

impl ActivityKind {
    pub fn label(self) -> &'static str {
        match self {
            ActivityKind::Call => "call",
            ActivityKind::Email => "email",
            ActivityKind::Meeting => "meeting",
            ActivityKind::Task => "task",
            ActivityKind::Other => "other",
        }
    }
}

/// The kind an explicit type value names (`Call`, `Phone Call`, `EMAIL`, `Appointment`, `ListEmail` …).
pub fn activity_kind_of_type(text: &str) -> Option<ActivityKind> {
    let f = fold(text);
    if f.is_empty() {
        return None;
    }
    if has_prefix(
        &f,
        &[
            "call", "phone", "llamad", "ligac", "appel", "anruf", "telefon", "chiamat", "inbound",
            "outbound",
        ],
    ) {
        return Some(ActivityKind::Call);
    }
    if has_prefix(
        &f,
        &["email", "mail", "correo", "courriel", "listemail", "e mail"],
    ) {
        return Some(ActivityKind::Email);
    }
    if has_prefix(
        &f,
        &[
            "meeting",
            "appointment",
            "event",
            "reunion",
            "reuniao",
            "réunion",
            "besprech",
            "termin",
            "riunion",
            "visit",
            "demo",
            "presentac",
        ],
    ) {
        return Some(ActivityKind::Meeting);
    }
    if has_prefix(
        &f,
        &[
            "task",
            "todo",
            "to do",
            "tarea",
            "tarefa",
            "tache",
            "aufgabe",
            "seguimiento",
            "follow",
        ],
    ) {
        return Some(ActivityKind::Task);
    }
    None
}

/// The kind a subject's leading word names (`Email: …`, `Llamada …`, `Reunión …`), if it says.
pub fn activity_kind_of_subject(subject: &str) -> Option<ActivityKind> {
    let first = fold(subject)
        .split(' ')
        .next()
        .unwrap_or_default()
        .to_owned();
    if first.is_empty() {
        return None;
    }
    activity_kind_of_type(&first)
}

/// Whether a status value says the activity is done (`Completed`, `Done`, `Held`, `Completada` …) or not.
pub fn done_of_status(text: &str) -> Option<bool> {
    let f = fold(text);
    if f.is_empty() {
        return None;
    }
    if has_word(
        &f,
        &[
            "completed",
            "complete",
            "done",
            "held",
            "closed",
            "finished",
            "completada",
            "completado",
            "realizada",
            "realizado",
            "hecha",
            "hecho",
            "concluida",
            "concluido",
            "termine",
            "terminee",
            "erledigt",
            "abgeschlossen",
            "completata",
        ],
    ) {
        return Some(true);
    }
    if has_word(
        &f,
        &[
            "open",
            "not started",
            "in progress",
            "waiting",
            "deferred",
            "scheduled",
            "to do",
            "todo",
            "pending",
            "abierta",
            "pendiente",
            "planned",
            "canceled",
            "cancelled",
            "no show",
            "rescheduled",
        ],
    ) {
        return Some(false);
    }
    None
}

/// Whether a call outcome means someone answered (`Connected`, `answered`, `Left live message`).
pub fn connected_of_outcome(text: &str) -> Option<bool> {
    let f = fold(text);
    if f.is_empty() {
        return None;
    }
    if has_word(
        &f,
        &[
            "connected",
            "answered",
            "left live message",
            "conectada",
            "contestada",
            "atendida",
            "reached",
            "spoke",
            "conversation",
        ],
    ) {
        return Some(true);
    }
    if has_word(
        &f,
        &[
            "no answer",
            "busy",
            "voicemail",
            "left voicemail",
            "vm left",
            "vm answered",
            "wrong number",
            "no contestada",
            "failed",
            "missed",
            "blocked",
            "error",
            "abandoned",
        ],
    ) {
        return Some(false);
    }
    None
}

/// Names of accounts that are not people selling: integration and system users.
pub fn looks_like_system_user(name: &str) -> bool {
    let f = fold(name);
    has_word(
        &f,
        &[
            "integration",
            "api",
            "admin",
            "administrator",
            "system",
            "automated",
            "automation",
            "bot",
            "sync",
            "chatter",
            "platform",
            "salesforce",
            "hubspot",
            "zapier",
            "workflow",
        ],
    )
}

/// Words that mark a record as a test.
pub fn looks_like_test(text: &str) -> bool {
    let f = fold(text);
    has_word(
        &f,
        &[
            "test",
            "testing",
            "prueba",
            "teste",
            "dummy",
            "sample record",
            "asdf",
            "do not use",
            "ignore",
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_in_several_languages() {
        for (text, expected) in [
            ("Closed Won", Some(Outcome::Won)),
            ("closedwon", Some(Outcome::Won)),
            ("Ganada", Some(Outcome::Won)),
            ("Perdida", Some(Outcome::Lost)),
            ("won", Some(Outcome::Won)),
            ("LOST", Some(Outcome::Lost)),
            ("active", Some(Outcome::Open)),
            ("Open", Some(Outcome::Open)),
            ("Out-Sold", Some(Outcome::Lost)),
            ("Negociación", None),
            ("", None),
        ] {
            assert_eq!(status_outcome(text), expected, "{text}");
        }
        assert_eq!(stage_outcome("Open"), None);
    }

    #[test]
    fn stage_names_map_to_the_standard_ladder() {
        use StandardStage::*;
        for (name, expected) in [
            ("Interes", Some(Prospecting)),
            ("Diseño Propuesta", Some(Proposal)),
            ("Presentación Propuesta", Some(Proposal)),
            ("Negociación", Some(Negotiation)),
            ("Firmas", Some(Commit)),
            ("Qualified To Buy", Some(Qualification)),
            ("Decision Maker Bought-In", Some(Negotiation)),
            ("Contract Sent", Some(Commit)),
            ("Engaging", Some(Discovery)),
            ("Prospecting", Some(Prospecting)),
            ("Id. Decision Makers", None),
        ] {
            assert_eq!(standard_stage_of(name), expected, "{name}");
        }
    }

    #[test]
    fn activity_kinds_from_types_and_subjects() {
        use ActivityKind::*;
        assert_eq!(activity_kind_of_type("Phone Call"), Some(Call));
        assert_eq!(activity_kind_of_type("ListEmail"), Some(Email));
        assert_eq!(activity_kind_of_type("Appointment"), Some(Meeting));
        assert_eq!(
            activity_kind_of_subject("Email: seguimiento 12"),
            Some(Email)
        );
        assert_eq!(activity_kind_of_subject("Email de lista 3"), Some(Email));
        assert_eq!(
            activity_kind_of_subject("Llamada seguimiento 4"),
            Some(Call)
        );
        assert_eq!(
            activity_kind_of_subject("Reunión seguimiento"),
            Some(Meeting)
        );
        assert_eq!(
            activity_kind_of_subject("Seguimiento seguimiento 9"),
            Some(Task)
        );
        assert_eq!(activity_kind_of_subject("Actividad 38"), None);
        assert_eq!(done_of_status("Completed"), Some(true));
        assert_eq!(done_of_status("Not Started"), Some(false));
        assert_eq!(connected_of_outcome("Connected"), Some(true));
        assert_eq!(connected_of_outcome("Left voicemail"), Some(false));
        assert!(looks_like_system_user("Integration User"));
        assert!(!looks_like_system_user("Dana Reyes"));
        assert!(looks_like_test("TEST - do not use"));
        assert!(!looks_like_test("Testa Industries"));
    }
}
