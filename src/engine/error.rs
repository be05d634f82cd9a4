//! The engine's one semantic error type. Every message says what went wrong and what *is* valid, so the
//! UI and the CLI can show it to a sales manager as a plain sentence.

use serde::{Deserialize, Serialize};

/// Everything that can stop the engine from answering a request. Bad rows and cells are not errors of
/// this kind: they are accounted for in the import report and the file is still read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum EngineError {
    #[error(
        "this page speaks engine protocol version {expected}, but the message came with version {got}; reload the page"
    )]
    ProtocolVersion { got: u32, expected: u32 },

    #[error("no imported file has id {file_id}; the files in this session have ids {valid}")]
    UnknownFile { file_id: u32, valid: String },

    #[error("internal error: the engine door was misused ({detail}); reload the page")]
    Protocol { detail: String },

    #[error("request {request_id} was cancelled")]
    Cancelled { request_id: u64 },

    #[error("the browser could not read '{file}' ({detail}); pick the file again")]
    BrowserRead { file: String, detail: String },

    #[error("'{file}' is empty: an export needs at least a header row")]
    EmptyFile { file: String },

    #[error(
        "'{file}' is {size}; pipelens reads files of up to {limit}. Export fewer rows or columns (for example one year at a time)"
    )]
    FileTooLarge {
        file: String,
        size: String,
        limit: String,
    },

    #[error(
        "'{file}' ({size}) would take this session past {limit} of files; forget some data or import fewer files"
    )]
    SessionFull {
        file: String,
        size: String,
        limit: String,
    },

    #[error(
        "'{file}' is not a text export ({detail}); pipelens reads CSV, tab-separated text and Excel or OpenDocument workbooks"
    )]
    NotText { file: String, detail: String },

    #[error(
        "'{file}' is {what}, not a CRM export; pipelens reads CSV, tab-separated text and Excel or OpenDocument workbooks"
    )]
    NotAnExport { file: String, what: String },

    #[error(
        "'{file}' is a zip archive, not a workbook; unzip it and import the CSV files inside (a Salesforce Data Export arrives this way)"
    )]
    NotAWorkbook { file: String },

    #[error(
        "'{file}' was refused as a possible zip bomb: {detail}. A real export is never built like this"
    )]
    ZipBomb { file: String, detail: String },

    #[error("'{file}' cannot be read as a workbook: {detail}")]
    Spreadsheet { file: String, detail: String },

    #[error("'{file}' has no sheet called '{sheet}'; its sheets are {valid}")]
    UnknownSheet {
        file: String,
        sheet: String,
        valid: String,
    },

    #[error(
        "'{label}' is not an encoding pipelens knows; use UTF-8, UTF-16LE, UTF-16BE, windows-1252 (also called ISO-8859-1 or latin1) or another WHATWG encoding label"
    )]
    UnknownEncoding { label: String },

    #[error("'{value}' is not a delimiter; use comma, semicolon, tab, pipe or a single character")]
    BadDelimiter { value: String },

    #[error("'{file}' holds more text than one table can keep (4 GB); split the export")]
    TooBig { file: String },

    #[error("no deals are loaded: import a deals export (or try the demo data) to see metrics")]
    NoDeals,

    #[error("no deal has a date, so there is no latest day to count up to: set the as-of date")]
    NoDates,

    #[error("the period '{period}' does not exist in this calendar")]
    NoSuchPeriod { period: String },

    #[error(
        "no deal in scope had been won or lost by {as_of}: a forecast learns from closed deals, so there is nothing to learn from yet"
    )]
    NoClosedDeals { as_of: chrono::NaiveDate },

    #[error("{draws} draws is outside 1 to {max}")]
    BadDraws { draws: u32, max: u32 },

    #[error("no rep named '{rep}': use Team or one of {valid}")]
    UnknownRep { rep: String, valid: String },

    #[error("'{metric}' is not a metric explain knows: use one of {valid}")]
    UnknownMetric { metric: String, valid: String },

    #[error("name the stage: {metric}:STAGE")]
    StageNeeded { metric: String },

    #[error("no deal entered a stage named '{stage}' in the period: use one of {valid}")]
    UnknownStage { stage: String, valid: String },

    #[error(
        "the {side} export ({files}) holds no deals: what changed compares two exports of deals (opportunities) of the same CRM"
    )]
    ChangesNoDeals { side: String, files: String },

    #[error(
        "the BEFORE export is from {before} and the AFTER export from {after}: two exports of different CRMs cannot be of the same deals"
    )]
    ChangesDifferentCrms { before: String, after: String },

    #[error(
        "the two exports share no deal id (BEFORE has {before_deals} deals, AFTER {after_deals}): they are not exports of the same deals"
    )]
    ChangesNoSharedDeals { before_deals: u64, after_deals: u64 },

    #[error(
        "the BEFORE export ({before}) is newer than the AFTER export ({after}): swap them, or give each its day with --taken-on"
    )]
    ChangesBeforeIsNewer {
        before: chrono::NaiveDate,
        after: chrono::NaiveDate,
    },

    #[error(
        "what changed needs two exports of the same deals taken on different days (this week's and last week's): the files hold {exports} export(s) of deals, taken on {days}"
    )]
    ChangesNeedTwoExports { exports: usize, days: String },

    #[error(
        "cannot tell which day the {side} export ({files}) was taken: no date inside it; give it with --taken-on FILE=YYYY-MM-DD"
    )]
    ExportDayUnknown { side: String, files: String },
}
