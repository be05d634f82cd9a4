//! The message door between a caller (the app's page, the CLI, a test) and the engine session.
//!
//! Every exchange is typed: each request is its own struct, and the [`Ask`] trait names the answer type
//! it gets back (`Metrics` → [`Computed`], `Explain` → [`Explained`] …), so a caller never matches on
//! "an answer of another kind". On the wire a request travels as [`Request`] inside an [`Envelope`] that
//! carries its id and [`PROTOCOL_VERSION`]; the engine answers with [`Reply`] envelopes — any number of
//! progress events, then exactly one answer, error or cancellation. [`wire`] turns envelopes into bytes and
//! back, the same way in the worker, in the page and in the tests. Long lists come back in [`Page`]s.

pub mod wire;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::engine::EngineError;
use crate::engine::changes::{ChangesReport, ForecastShift};
use crate::engine::demo::Style;
use crate::engine::forecast::deals::{DealPage, DealQuery};
use crate::engine::forecast::{BacktestReport, BacktestSettings, ForecastReport, ForecastSettings};
use crate::engine::ingest::report::FileReport;
use crate::engine::ingest::{FileId, ImportOptions};
use crate::engine::metrics::explain::{Explanation, RecordSort};
use crate::engine::metrics::trend::Month;
use crate::engine::metrics::{MetricSettings, MetricsReport};
use crate::engine::model::ModelSettings;
use crate::engine::model::summary::ModelSummary;

/// Bumped whenever a message changes shape, so a stale worker or page is detected instead of misread.
pub const PROTOCOL_VERSION: u32 = 15;

/// Identifies one request; replies carry the same id.
pub type RequestId = u64;

/// A message with its id and the protocol version it was written for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope<T> {
    pub v: u32,
    pub id: RequestId,
    pub body: T,
}

impl<T> Envelope<T> {
    pub fn new(id: RequestId, body: T) -> Self {
        Envelope {
            v: PROTOCOL_VERSION,
            id,
            body,
        }
    }
}

/// A request that knows its answer type.
pub trait Ask: Sized {
    type Answer;
    /// The request as it travels.
    fn into_request(self) -> Request;
    /// Its answer out of the wire form; `Err` gives back an answer of another kind (a protocol bug).
    fn take(answer: Answer) -> Result<Self::Answer, Answer>;
}

/// Declares the request → answer pairs: the [`Ask`] impls and the wire enum [`Request`].
macro_rules! pairs {
    ($( $(#[$doc:meta])* $request:ident => $answer:ident ),* $(,)?) => {
        /// Every request, as it travels (`{"type": "metrics", …}`).
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(tag = "type", rename_all = "snake_case")]
        pub enum Request {
            $( $(#[$doc])* $request($request), )*
        }

        impl Request {
            /// The request's name on the wire, for messages.
            pub fn name(&self) -> &'static str {
                match self {
                    $( Request::$request(_) => stringify!($request), )*
                }
            }
        }

        $(
            impl Ask for $request {
                type Answer = $answer;
                fn into_request(self) -> Request {
                    Request::$request(self)
                }
                fn take(answer: Answer) -> Result<$answer, Answer> {
                    match answer {
                        Answer::$answer(a) => Ok(a),
                        other => Err(other),
                    }
                }
            }

            impl From<$request> for Request {
                fn from(request: $request) -> Request {
                    Request::$request(request)
                }
            }
        )*
    };
}

pairs! {
    /// Whether a file of this size may be imported, asked before its bytes are read into memory.
    CheckFile => FileOk,
    /// Read one file and keep it in the session. Long: answers with progress events. The model is rebuilt
    /// by the next request that needs it, so several files dropped together are built once.
    ImportFile => Imported,
    /// A page of an imported file's records (after the header).
    Rows => RowsPage,
    /// Every file's report (with the model's decisions) and the model summary.
    Summary => Overview,
    /// Replace the model settings (mapping, kinds, assumptions, stage table, exclusions) and rebuild.
    SetSettings => Overview,
    /// Drop one imported file and rebuild the model without it.
    RemoveFile => Overview,
    /// Every metric for a period, scope and money settings. Long: answers with progress events.
    Metrics => Computed,
    /// One metric's formula with its inputs and a page of the records behind it, for a rep or the team.
    Explain => Explained,
    /// The main metrics month by month, for trends. Long: answers with progress events.
    Trends => Trended,
    /// Where each rep and the team will land in a period: a range, the chance of quota, the deals. Long:
    /// answers with progress events (one per past origin it calibrates on).
    Forecast => Forecasted,
    /// A page of the forecast call's deal list (filtered, ordered), from the session's last forecast of the
    /// same settings when it has one. Long when it must forecast first.
    ForecastDeals => DealsPaged,
    /// The rolling-origin backtest of the forecast and its baselines on the data's own history. Long.
    Backtest => Backtested,
    /// What changed between two exports of the same deals (a model built from each group of files): the
    /// period's pipeline waterfall per rep and team, and the deals that changed. Long: a model build each.
    Changes => Compared,
    /// What to coach with whom and what it is worth: each rep's insights and strengths against like peers,
    /// and the team's ranking by impact.
    Coach => Coached,
    /// A rep's plan with levers moved (win rate, deal size, cycle, activity a day), from the inputs a
    /// `Coach` answer gave: arithmetic, answered at once.
    WhatIf => Planned,
    /// The forecast of the period on the earlier export's day beside the one on the later day, and what
    /// moved it deal by deal (the two newest exports, as `Changes` with no groups pairs them). Long.
    ChangesForecast => Shifted,
    /// The waterfall of every pair of consecutive exports of deals the session holds (three exports, two
    /// steps), all for one period. Long: two model builds a step.
    ChangesTrend => TrendCompared,
    /// Stop the request with this id at its next slice; answered at once.
    Cancel => CancelNoted,
    /// Drop every file and result held by the session.
    Forget => Forgotten,
    /// Generate the seeded demo team as of a day and import its files (Salesforce-style), as an import of
    /// those files would. Long: answers with progress events.
    LoadDemo => DemoLoaded,
    /// The demo team's export files as a CRM writes them, for the user to download and import back.
    DemoFiles => DemoSet,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoadDemo {
    pub as_of: NaiveDate,
    pub seed: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DemoFiles {
    pub as_of: NaiveDate,
    pub seed: u64,
    pub style: Style,
}

/// Every demo file, read and kept, in import order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DemoLoaded {
    pub files: Vec<Imported>,
}

/// The demo's files as text, each with its file name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DemoSet {
    pub files: Vec<NamedText>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NamedText {
    pub name: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckFile {
    pub name: String,
    pub size_bytes: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportFile {
    pub name: String,
    /// The file's bytes. The worker fills them from the `File` handle that travels beside the envelope
    /// (read there in slices), so the page never copies them.
    #[serde(with = "serde_bytes", default)]
    pub bytes: Vec<u8>,
    #[serde(default)]
    pub options: ImportOptions,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Rows {
    pub file_id: FileId,
    pub offset: u64,
    pub limit: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SetSettings {
    pub settings: Box<ModelSettings>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RemoveFile {
    pub file_id: FileId,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    pub settings: Box<MetricSettings>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Explain {
    pub settings: Box<MetricSettings>,
    pub metric: String,
    /// A rep's name, alias, email or key; `None` (or "Team") for the team.
    #[serde(default)]
    pub rep: Option<String>,
    #[serde(default)]
    pub page: u32,
    #[serde(default)]
    pub page_size: Option<u32>,
    /// The order of the records before paging (default: by date, then id).
    #[serde(default)]
    pub sort: Option<RecordSort>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trends {
    pub settings: Box<MetricSettings>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Forecast {
    pub settings: Box<ForecastSettings>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForecastDeals {
    pub settings: Box<ForecastSettings>,
    #[serde(default)]
    pub query: DealQuery,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Backtest {
    pub settings: Box<BacktestSettings>,
}

/// Two groups of the session's files, each one export of the same deals (with the files beside it: users,
/// history). `settings` gives the period (relative periods count from the AFTER export's day) and money.
/// Both groups empty: the session pairs the two newest exports of deals by the day each was taken (with the
/// roster files beside each).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Changes {
    pub settings: Box<MetricSettings>,
    pub before_files: Vec<FileId>,
    pub after_files: Vec<FileId>,
    /// The user says the days have the order wrong: the groups (or the pair) are swapped and BEFORE is
    /// compared as the earlier export whatever its day.
    #[serde(default)]
    pub swap: bool,
}

/// Coaching for the settings' period (rates over the 12 months to the as-of day).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Coach {
    pub settings: Box<crate::engine::coaching::CoachSettings>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WhatIf {
    pub inputs: Box<crate::engine::coaching::PlanInputs>,
    pub levers: crate::engine::coaching::Levers,
    /// The forecast's odds for the rep (from its `Forecasted` row), for the chance of quota to move.
    #[serde(default)]
    pub odds: Option<crate::engine::coaching::whatif::Odds>,
}

/// The week-over-week trend of what changed; `settings` as in [`Changes`] (a relative period is the one
/// holding the newest export's day, for every step).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangesTrend {
    pub settings: Box<MetricSettings>,
}

/// The forecast then and now: `settings` as the Forecast view sends them (the period a month or a quarter,
/// this one or a named one); `swap` as in [`Changes`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangesForecast {
    pub settings: Box<ForecastSettings>,
    /// As in [`Changes`]: both empty, the session pairs the two newest exports.
    #[serde(default)]
    pub before_files: Vec<FileId>,
    #[serde(default)]
    pub after_files: Vec<FileId>,
    #[serde(default)]
    pub swap: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cancel {
    pub request_id: RequestId,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Forget {}

/// The one final answer to a request, as it travels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Answer {
    FileOk(FileOk),
    Imported(Imported),
    RowsPage(RowsPage),
    Overview(Overview),
    Computed(Computed),
    Explained(Explained),
    Trended(Trended),
    Forecasted(Forecasted),
    DealsPaged(DealsPaged),
    Backtested(Backtested),
    Compared(Compared),
    Shifted(Shifted),
    TrendCompared(TrendCompared),
    Coached(Coached),
    Planned(Planned),
    CancelNoted(CancelNoted),
    Forgotten(Forgotten),
    DemoLoaded(DemoLoaded),
    DemoSet(DemoSet),
}

impl Answer {
    /// The answer's name on the wire, for messages.
    pub fn name(&self) -> &'static str {
        match self {
            Answer::FileOk(_) => "FileOk",
            Answer::Imported(_) => "Imported",
            Answer::RowsPage(_) => "RowsPage",
            Answer::Overview(_) => "Overview",
            Answer::Computed(_) => "Computed",
            Answer::Explained(_) => "Explained",
            Answer::Trended(_) => "Trended",
            Answer::Forecasted(_) => "Forecasted",
            Answer::DealsPaged(_) => "DealsPaged",
            Answer::Backtested(_) => "Backtested",
            Answer::Compared(_) => "Compared",
            Answer::Shifted(_) => "Shifted",
            Answer::TrendCompared(_) => "TrendCompared",
            Answer::Coached(_) => "Coached",
            Answer::Planned(_) => "Planned",
            Answer::CancelNoted(_) => "CancelNoted",
            Answer::Forgotten(_) => "Forgotten",
            Answer::DemoLoaded(_) => "DemoLoaded",
            Answer::DemoSet(_) => "DemoSet",
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileOk {}

/// A file read and kept. Its report is the reader's; the model's decisions join it in the next
/// [`Overview`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Imported {
    pub file_id: FileId,
    pub report: Box<FileReport>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RowsPage {
    pub page: Page<Vec<String>>,
}

/// Every file's report with the model's decisions, in import order, and the model summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Overview {
    pub files: Vec<FileReport>,
    pub model: Box<ModelSummary>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Computed {
    pub report: Box<MetricsReport>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Explained {
    pub explanation: Box<Explanation>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trended {
    pub months: Vec<Month>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Forecasted {
    pub report: Box<ForecastReport>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DealsPaged {
    pub page: Box<DealPage>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Backtested {
    pub report: Box<BacktestReport>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Compared {
    pub report: Box<ChangesReport>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Planned {
    pub plan: Box<crate::engine::coaching::Plan>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Coached {
    pub report: Box<crate::engine::coaching::CoachReport>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrendCompared {
    pub trend: Box<crate::engine::changes::ChangesTrend>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Shifted {
    pub shift: Box<ForecastShift>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CancelNoted {
    pub request_id: RequestId,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Forgotten {}

/// A slice of a long list: `items` are the entries `offset .. offset + items.len()` of `total`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    pub offset: u64,
    pub total: u64,
    pub items: Vec<T>,
}

/// How far a long request has come, in the unit of its stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    pub stage: Stage,
    /// Bytes (reading, parsing) or steps (building, computing) done so far, of `total`.
    pub done: u64,
    pub total: u64,
    /// Records read so far (parsing).
    pub rows: u64,
}

/// The stages of a long request, in the order an import meets them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// The browser's file read into the worker, slice by slice (bytes).
    Reading,
    /// Text decoded and split into records (bytes).
    Parsing,
    /// The sales model built from every file (steps: one per file, then the finish).
    Building,
    /// Metrics or trends computed (steps).
    Computing,
}

impl Stage {
    /// The stage as the progress bar says it.
    pub fn words(self) -> &'static str {
        match self {
            Stage::Reading => "Reading",
            Stage::Parsing => "Reading rows",
            Stage::Building => "Building the model",
            Stage::Computing => "Computing",
        }
    }
}

/// What the engine sends back for a request: progress events, then one final reply.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Reply {
    Progress { progress: Progress },
    Answer { answer: Answer },
    Failed { error: EngineError, message: String },
}

impl Reply {
    /// The final reply for a result.
    pub fn from_result(result: Result<Answer, EngineError>) -> Self {
        match result {
            Ok(answer) => Reply::Answer { answer },
            Err(error) => Reply::Failed {
                message: error.to_string(),
                error,
            },
        }
    }

    pub fn is_final(&self) -> bool {
        !matches!(self, Reply::Progress { .. })
    }
}

/// The typed answer of `A` out of a final answer, or the protocol error that an answer of another kind is.
pub fn typed<A: Ask>(request: &'static str, answer: Answer) -> Result<A::Answer, EngineError> {
    A::take(answer).map_err(|other| EngineError::Protocol {
        detail: format!("{request} was answered with {}", other.name()),
    })
}
