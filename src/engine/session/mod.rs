//! The session: the engine end of the message door. It holds what has been imported, the model built
//! from it, the user's model settings, the last metrics report and the last explanation's records (so a
//! next page is a slice of them), and answers [`Request`]s as [`Job`]s done a step at a time, so the
//! caller (the Web Worker's message loop, the CLI, a test) can deliver progress and cancellations between
//! steps.
//!
//! Every long computation is sliced: an import a few megabytes of text per step, the model build a slice
//! of a file's values or rows per step (then its finish, a part per step), metrics a part per step
//! (performance, process, pipeline, activity, the two comparisons, context), trends a month per step, a
//! forecast or a backtest a weekly origin per step (its fit, draws and score). An
//! explanation is one step (its records found and ordered), and a page of one already found is a slice.
//! Importing marks the model stale; the next request that needs the model rebuilds it first, so several
//! files dropped together are built once, and every file's report always reflects the others (history
//! joined to deals, owners resolved through users).

mod changes;

use std::collections::HashSet;
use std::rc::Rc;

use crate::engine::EngineError;
use crate::engine::demo::{DemoFile, generate};
use crate::engine::forecast::deals::{self, DealQuery};
use crate::engine::forecast::{
    BacktestSettings, BacktestTask, ForecastReport, ForecastSettings, ForecastTask,
};
use crate::engine::ingest::limits::{Limits, human_bytes};
use crate::engine::ingest::report::FileReport;
use crate::engine::ingest::{FileId, ImportJob, ImportOptions, ImportedFile, Slice};
use crate::engine::metrics::MetricSettings;
use crate::engine::metrics::compute::{ComputeTask, MetricsReport};
use crate::engine::metrics::explain::{EveryRecord, PAGE_SIZE, RecordSort, explain_every_record};
use crate::engine::metrics::trend::TrendsTask;
use crate::engine::model::build::{BuildTask, Built, FileInput};
use crate::engine::model::summary::{ModelSummary, enrich, summarize};
use crate::engine::model::{ModelSettings, SalesModel};
use crate::engine::protocol::{
    Answer, Ask, Backtested, CancelNoted, ChangesForecast, Coached, Compared, Computed, DealsPaged,
    DemoLoaded, DemoSet, Envelope, Explain, Explained, FileOk, Forecasted, Forgotten, Imported,
    NamedText, Overview, PROTOCOL_VERSION, Page, Planned, Progress, Reply, Request, RequestId,
    RowsPage, Shifted, Stage, TrendCompared, Trended, typed,
};

/// The reply to one step of a task that answers once at its end (trends, forecast, backtest): progress,
/// the answer, or the error; and whether the job is over.
fn answered<T>(
    step: Result<Option<T>, EngineError>,
    done: usize,
    total: usize,
    answer: impl FnOnce(T) -> Answer,
) -> (Reply, bool) {
    match step {
        Err(error) => (Reply::from_result(Err(error)), true),
        Ok(None) => (
            Reply::Progress {
                progress: Progress {
                    stage: Stage::Computing,
                    done: done as u64,
                    total: total as u64,
                    rows: 0,
                },
            },
            false,
        ),
        Ok(Some(value)) => (Reply::from_result(Ok(answer(value))), true),
    }
}

/// Everything the engine holds for one user.
#[derive(Default)]
pub struct Session {
    files: Vec<ImportedFile>,
    next_file_id: FileId,
    cancelled: HashSet<RequestId>,
    /// Requests begun and not yet answered: only these can be cancelled (a Cancel of any other id is
    /// noted and forgotten, so it can never stop a later request that reuses the id).
    live: HashSet<RequestId>,
    limits: Limits,
    /// Bytes of the files imported (or being imported) in this session.
    bytes_held: u64,
    settings: ModelSettings,
    built: Option<Built>,
    /// A file or a setting changed since the model was built.
    stale: bool,
    /// Each file's report with the model's decisions, in import order.
    reports: Vec<FileReport>,
    summary: ModelSummary,
    /// The last metrics report and the settings it answers (dropped whenever the model is rebuilt), so
    /// the drawer's pages and sorts do not compute it again.
    last_report: Option<(MetricSettings, Rc<MetricsReport>)>,
    /// The last explanation's every record and what it answers (dropped with the report), so the drawer's
    /// next page is a slice of it.
    last_explained: Option<(ExplainKey, Rc<EveryRecord>)>,
    /// The last forecast and the settings it answers (with the model's calendar; dropped with the report),
    /// so the deal list's pages, filters and sorts, and the panel after it, do not forecast again.
    last_forecast: Option<(ForecastSettings, Rc<ForecastReport>)>,
    /// The last coaching answer and its settings (dropped with the report): the People view, a rep page and
    /// the 1:1 pack each ask for it, and it is computed once.
    last_coach: Option<(
        crate::engine::coaching::CoachSettings,
        Rc<crate::engine::coaching::CoachReport>,
    )>,
    /// Ids for [`Session::ask`].
    next_local_id: RequestId,
}

/// What decides an explanation's records and their order (all of an [`Explain`] but its page).
#[derive(Debug, Clone, PartialEq)]
struct ExplainKey {
    /// With the model's calendar, as the report was computed.
    settings: MetricSettings,
    metric: String,
    rep: Option<String>,
    sort: Option<RecordSort>,
}

impl ExplainKey {
    fn of(settings: &MetricSettings, ask: &Explain) -> Self {
        ExplainKey {
            settings: settings.clone(),
            metric: ask.metric.clone(),
            rep: ask.rep.clone(),
            sort: ask.sort,
        }
    }
}

/// What one slice of a file's import came to.
enum ImportSlice {
    Working(Progress),
    Kept(Imported),
    Failed(EngineError),
}

/// A request being worked on; advance it with [`Session::step`].
pub struct Job {
    id: RequestId,
    work: Work,
}

enum Work {
    Import(Box<ImportJob>, u64),
    /// The demo team's files, imported one after the other.
    Demo(Box<DemoJob>),
    /// The model is rebuilt first; then the request goes on.
    Build(Box<BuildTask>, Box<Then>),
    Compute(Box<ComputeTask>, Box<MetricSettings>, Box<AfterCompute>),
    Trends(Box<TrendsTask>),
    Forecast(
        Box<ForecastTask>,
        Box<ForecastSettings>,
        Option<Box<DealQuery>>,
    ),
    Backtest(Box<BacktestTask>),
    /// A model built from each group of files, then the two compared.
    Changes(Box<changes::ChangesJob>),
    /// The changes, then the forecast on each export's day.
    Shift(Box<changes::ShiftJob>),
    /// One changes job per pair of consecutive exports.
    Trend(Box<changes::TrendJob>),
    Finished(Option<Result<Answer, EngineError>>),
}

/// The demo's files still to import (each with the day it was taken), the one being read (with the bytes
/// it reserved), and those done.
struct DemoJob {
    pending: std::collections::VecDeque<(DemoFile, chrono::NaiveDate)>,
    current: Option<(Box<ImportJob>, u64)>,
    done: Vec<Imported>,
}

/// What a request that needs the model does once the model is built.
enum Then {
    Overview,
    Metrics(Box<MetricSettings>),
    Trends(Box<MetricSettings>),
    Explain(Box<Explain>),
    /// The forecast, or (with a query) a page of its deal list.
    Forecast(Box<ForecastSettings>, Option<Box<DealQuery>>),
    Backtest(Box<BacktestSettings>),
    /// What changed between the two newest exports of deals (paired once the model says which are deals).
    Changes(Box<MetricSettings>, bool),
    /// The forecast on each of the two newest exports' days, and what moved it (swapped or not).
    Shift(ChangesForecast),
    /// Every pair of consecutive exports' waterfall.
    Trend(Box<MetricSettings>),
    Coach(Box<crate::engine::coaching::CoachSettings>),
}

/// What a computed report is for.
enum AfterCompute {
    Answer,
    Explain(Box<Explain>),
}

impl Job {
    pub fn id(&self) -> RequestId {
        self.id
    }
}

impl Session {
    pub fn new() -> Self {
        Session::default()
    }

    /// A session with other size limits (tests use small ones).
    pub fn with_limits(limits: Limits) -> Self {
        Session {
            limits,
            ..Session::default()
        }
    }

    /// The model built from every file (built now if a file or setting changed; `None` while no file is
    /// held).
    pub fn model(&mut self) -> Option<&SalesModel> {
        if self.files.is_empty() {
            return None;
        }
        if self.stale || self.built.is_none() {
            let inputs = self.inputs();
            let built = crate::engine::model::build::build(&inputs, &self.settings);
            self.keep(built);
        }
        self.built.as_ref().map(|b| &b.model)
    }

    /// Asks one typed request and runs it to its end (the CLI and native tests).
    pub fn ask<A: Ask>(&mut self, request: A) -> Result<A::Answer, EngineError> {
        self.next_local_id += 1;
        let request = request.into_request();
        let name = request.name();
        let answer = self.run(Envelope::new(self.next_local_id, request), |_| ())?;
        typed::<A>(name, answer)
    }

    /// Refuses a file that is too big alone or together with what the session holds.
    fn check_size(&self, name: &str, size_bytes: u64) -> Result<(), EngineError> {
        if size_bytes > self.limits.max_file_bytes {
            return Err(EngineError::FileTooLarge {
                file: name.to_owned(),
                size: human_bytes(size_bytes),
                limit: human_bytes(self.limits.max_file_bytes),
            });
        }
        if self.bytes_held + size_bytes > self.limits.max_session_bytes {
            return Err(EngineError::SessionFull {
                file: name.to_owned(),
                size: human_bytes(size_bytes),
                limit: human_bytes(self.limits.max_session_bytes),
            });
        }
        Ok(())
    }

    fn inputs(&self) -> Vec<FileInput<'_>> {
        self.files
            .iter()
            .map(|f| FileInput {
                file_id: f.file_id,
                report: &f.report,
                table: &f.table,
            })
            .collect()
    }

    /// Keeps a freshly built model with every file's enriched report and the summary.
    fn keep(&mut self, built: Built) {
        self.reports = self
            .files
            .iter()
            .zip(&built.files)
            .map(|(f, m)| enrich(&f.report, m))
            .collect();
        let names: Vec<(FileId, String)> = self
            .files
            .iter()
            .map(|f| (f.file_id, f.report.file.clone()))
            .collect();
        let zone = self
            .settings
            .business_time_zone
            .clone()
            .unwrap_or_else(|| "UTC".to_owned());
        self.summary = summarize(&built, &names, &zone);
        self.built = Some(built);
        self.stale = false;
        self.last_report = None;
        self.last_explained = None;
        self.last_forecast = None;
        self.last_coach = None;
    }

    fn overview(&self) -> Answer {
        Answer::Overview(Overview {
            files: self.reports.clone(),
            model: Box::new(self.summary.clone()),
        })
    }

    /// Accepts a request. Short requests are answered on the first [`Session::step`].
    pub fn begin(&mut self, envelope: Envelope<Request>) -> Job {
        let id = envelope.id;
        if envelope.v != PROTOCOL_VERSION {
            let error = EngineError::ProtocolVersion {
                got: envelope.v,
                expected: PROTOCOL_VERSION,
            };
            return Job {
                id,
                work: Work::Finished(Some(Err(error))),
            };
        }
        let done = |result: Result<Answer, EngineError>| Work::Finished(Some(result));
        let work = match envelope.body {
            Request::CheckFile(r) => done(
                self.check_size(&r.name, r.size_bytes)
                    .map(|()| Answer::FileOk(FileOk {})),
            ),
            Request::ImportFile(r) => match self.start_import(r.name, r.bytes, r.options) {
                Err(error) => done(Err(error)),
                Ok((job, size)) => Work::Import(job, size),
            },
            Request::Rows(r) => done(self.rows(r.file_id, r.offset, r.limit)),
            Request::Summary(_) => self.after_build(Then::Overview),
            Request::RemoveFile(r) => {
                match self.files.iter().position(|f| f.file_id == r.file_id) {
                    Some(ix) => {
                        let removed = self.files.remove(ix);
                        self.bytes_held = self.bytes_held.saturating_sub(removed.report.size_bytes);
                        self.stale = true;
                        self.after_build(Then::Overview)
                    }
                    None => done(Err(self.unknown_file(r.file_id))),
                }
            }
            Request::SetSettings(r) => {
                self.settings = *r.settings;
                self.stale = true;
                self.after_build(Then::Overview)
            }
            Request::Metrics(r) => self.after_build(Then::Metrics(r.settings)),
            Request::Trends(r) => self.after_build(Then::Trends(r.settings)),
            Request::Explain(r) => self.after_build(Then::Explain(Box::new(r))),
            Request::Forecast(r) => self.after_build(Then::Forecast(r.settings, None)),
            Request::ForecastDeals(r) => {
                self.after_build(Then::Forecast(r.settings, Some(Box::new(r.query))))
            }
            Request::Backtest(r) => self.after_build(Then::Backtest(r.settings)),
            Request::ChangesForecast(r) => self.after_build(Then::Shift(r)),
            Request::ChangesTrend(r) => self.after_build(Then::Trend(r.settings)),
            Request::Coach(r) => self.after_build(Then::Coach(r.settings)),
            Request::WhatIf(r) => done(Ok(Answer::Planned(Planned {
                plan: Box::new(crate::engine::coaching::whatif::plan_with_odds(
                    &r.inputs, r.levers, r.odds,
                )),
            }))),
            Request::Changes(r) if r.before_files.is_empty() && r.after_files.is_empty() => {
                self.after_build(Then::Changes(r.settings, r.swap))
            }
            Request::Changes(r) => {
                let (before, after) = if r.swap {
                    (r.after_files, r.before_files)
                } else {
                    (r.before_files, r.after_files)
                };
                match changes::ChangesJob::new(self, *r.settings, before, after) {
                    Ok(job) => Work::Changes(Box::new(job.swapped(r.swap))),
                    Err(error) => done(Err(error)),
                }
            }
            Request::Cancel(r) => {
                if self.live.contains(&r.request_id) {
                    self.cancelled.insert(r.request_id);
                }
                done(Ok(Answer::CancelNoted(CancelNoted {
                    request_id: r.request_id,
                })))
            }
            Request::LoadDemo(r) => {
                // This week's files, then last week's Opportunities report (read as the older export: the
                // deals as they stood then, and What changed between the two).
                let demo = generate(r.as_of, r.seed);
                let mut pending: std::collections::VecDeque<_> =
                    demo.files.into_iter().map(|f| (f, r.as_of)).collect();
                pending.push_back((demo.last_week, demo.last_week_on));
                Work::Demo(Box::new(DemoJob {
                    pending,
                    current: None,
                    done: Vec::new(),
                }))
            }
            Request::DemoFiles(r) => {
                let demo = generate(r.as_of, r.seed);
                let files = demo
                    .files_in(r.style)
                    .iter()
                    .map(|f| NamedText {
                        name: f.name.clone(),
                        text: String::from_utf8_lossy(&f.bytes).into_owned(),
                    })
                    .collect();
                done(Ok(Answer::DemoSet(DemoSet { files })))
            }
            Request::Forget(_) => {
                // Everything the session holds: the files and every choice made about them.
                self.settings = ModelSettings::default();
                self.files.clear();
                self.bytes_held = 0;
                self.stale = true;
                // The model and every answer drawn from it go too, not only the files.
                self.built = None;
                self.last_report = None;
                self.last_explained = None;
                self.last_forecast = None;
                self.last_coach = None;
                done(Ok(Answer::Forgotten(Forgotten {})))
            }
        };
        self.live.insert(id);
        Job { id, work }
    }

    /// Reserves room for a file and starts reading it.
    fn start_import(
        &mut self,
        name: String,
        bytes: Vec<u8>,
        options: ImportOptions,
    ) -> Result<(Box<ImportJob>, u64), EngineError> {
        let size = bytes.len() as u64;
        self.check_size(&name, size)?;
        let file_id = self.next_file_id;
        self.next_file_id += 1;
        self.bytes_held += size;
        let job = ImportJob::new(file_id, name, bytes, options, self.limits);
        Ok((Box::new(job), size))
    }

    /// One slice of a file's import: its progress, or the file kept (the model goes stale).
    fn import_slice(&mut self, import: &mut ImportJob, size: u64) -> ImportSlice {
        match import.step() {
            Slice::Working(p) => ImportSlice::Working(Progress {
                stage: Stage::Parsing,
                done: p.done_bytes,
                total: p.total_bytes,
                rows: p.rows,
            }),
            Slice::Done(Err(error)) => {
                self.bytes_held = self.bytes_held.saturating_sub(size);
                ImportSlice::Failed(error)
            }
            Slice::Done(Ok(file)) => {
                let file_id = file.file_id;
                let report = Box::new(file.report.clone());
                self.files.push(*file);
                self.stale = true;
                ImportSlice::Kept(Imported { file_id, report })
            }
        }
    }

    /// The work of a request that needs the model: a rebuild first when it is stale.
    fn after_build(&mut self, then: Then) -> Work {
        if self.stale || self.built.is_none() {
            let inputs = self.inputs();
            let task = BuildTask::new(&inputs, &self.settings);
            return Work::Build(Box::new(task), Box::new(then));
        }
        self.start(then)
    }

    /// The work of a request once the model is built.
    fn start(&mut self, then: Then) -> Work {
        let done = |result: Result<Answer, EngineError>| Work::Finished(Some(result));
        match then {
            Then::Overview => done(Ok(self.overview())),
            Then::Metrics(settings) => match self.metric_settings(&settings) {
                Err(error) => done(Err(error)),
                Ok(settings) => match self.cached(&settings) {
                    Some(report) => done(Ok(Answer::Computed(Computed {
                        report: Box::new((*report).clone()),
                    }))),
                    None => Work::Compute(
                        Box::new(ComputeTask::new(settings.clone())),
                        Box::new(settings),
                        Box::new(AfterCompute::Answer),
                    ),
                },
            },
            Then::Trends(settings) => match self.metric_settings(&settings) {
                Err(error) => done(Err(error)),
                Ok(settings) => Work::Trends(Box::new(TrendsTask::new(settings))),
            },
            Then::Forecast(mut settings, query) => match self.metric_settings(&settings.metrics) {
                Err(error) => done(Err(error)),
                Ok(metrics) => {
                    settings.metrics = metrics;
                    match self.last_forecast.as_ref().filter(|(s, _)| *s == *settings) {
                        Some((_, report)) => done(Ok(forecast_answer(report, query.as_deref()))),
                        None => Work::Forecast(
                            Box::new(ForecastTask::new((*settings).clone())),
                            settings,
                            query,
                        ),
                    }
                }
            },
            Then::Changes(settings, swap) => {
                match changes::pair(self).and_then(|(before, after)| {
                    let (before, after) = if swap {
                        (after, before)
                    } else {
                        (before, after)
                    };
                    changes::ChangesJob::new(self, *settings, before, after)
                        .map(|j| j.swapped(swap))
                }) {
                    Ok(job) => Work::Changes(Box::new(job)),
                    Err(error) => done(Err(error)),
                }
            }
            Then::Trend(settings) => match self
                .metric_settings(&settings)
                .and_then(|settings| changes::TrendJob::new(self, settings))
            {
                Ok(job) => Work::Trend(Box::new(job)),
                Err(error) => done(Err(error)),
            },
            Then::Shift(mut ask) => match self.metric_settings(&ask.settings.metrics) {
                Err(error) => done(Err(error)),
                Ok(metrics) => {
                    ask.settings.metrics = metrics;
                    match changes::ShiftJob::new(self, ask) {
                        Ok(job) => Work::Shift(Box::new(job)),
                        Err(error) => done(Err(error)),
                    }
                }
            },
            Then::Coach(mut settings) => match self.metric_settings(&settings.metrics) {
                Err(error) => done(Err(error)),
                Ok(metrics) => {
                    settings.metrics = metrics;
                    let kept = self
                        .last_coach
                        .as_ref()
                        .filter(|(s, _)| *s == *settings)
                        .map(|(_, r)| Rc::clone(r));
                    let report = match kept {
                        Some(report) => Ok(report),
                        None => self
                            .built
                            .as_ref()
                            .ok_or(EngineError::NoDeals)
                            .and_then(|b| crate::engine::coaching::coach(&b.model, &settings))
                            .map(Rc::new),
                    };
                    if let Ok(report) = &report {
                        self.last_coach = Some(((*settings).clone(), Rc::clone(report)));
                    }
                    done(report.map(|report| {
                        Answer::Coached(Coached {
                            report: Box::new((*report).clone()),
                        })
                    }))
                }
            },
            Then::Backtest(mut settings) => match self.metric_settings(&settings.metrics) {
                Err(error) => done(Err(error)),
                Ok(metrics) => {
                    settings.metrics = metrics;
                    Work::Backtest(Box::new(BacktestTask::new(*settings)))
                }
            },
            Then::Explain(ask) => match self.metric_settings(&ask.settings) {
                Err(error) => done(Err(error)),
                Ok(settings) => match (
                    self.cached_explained(&settings, &ask),
                    self.cached(&settings),
                ) {
                    (Some(every), _) => done(Ok(page_of(&every, &ask))),
                    (None, Some(report)) => done(self.explained(&settings, &report, &ask)),
                    (None, None) => Work::Compute(
                        Box::new(ComputeTask::new(settings.clone())),
                        Box::new(settings),
                        Box::new(AfterCompute::Explain(ask)),
                    ),
                },
            },
        }
    }

    /// The last explanation's records, if they answer this request (any page of it).
    fn cached_explained(
        &self,
        settings: &MetricSettings,
        ask: &Explain,
    ) -> Option<Rc<EveryRecord>> {
        let key = ExplainKey::of(settings, ask);
        self.last_explained
            .as_ref()
            .filter(|(k, _)| *k == key)
            .map(|(_, every)| Rc::clone(every))
    }

    fn cached(&self, settings: &MetricSettings) -> Option<Rc<MetricsReport>> {
        self.last_report
            .as_ref()
            .filter(|(s, _)| s == settings)
            .map(|(_, r)| Rc::clone(r))
    }

    /// Does one slice of the job's work and says what happened; a final reply ends the job.
    pub fn step(&mut self, job: &mut Job) -> Envelope<Reply> {
        let reply = self.step_inner(job);
        if reply.body.is_final() {
            self.live.remove(&job.id);
            self.cancelled.remove(&job.id);
        }
        reply
    }

    fn step_inner(&mut self, job: &mut Job) -> Envelope<Reply> {
        if self.cancelled.remove(&job.id) {
            self.release(&job.work);
            job.work = Work::Finished(None);
            return Envelope::new(
                job.id,
                Reply::from_result(Err(EngineError::Cancelled { request_id: job.id })),
            );
        }
        let progress = |stage: Stage, done: usize, total: usize| Reply::Progress {
            progress: Progress {
                stage,
                done: done as u64,
                total: total as u64,
                rows: 0,
            },
        };
        let reply = match &mut job.work {
            Work::Import(import, size) => match self.import_slice(import, *size) {
                ImportSlice::Working(progress) => Reply::Progress { progress },
                ImportSlice::Kept(imported) => {
                    job.work = Work::Finished(None);
                    Reply::from_result(Ok(Answer::Imported(imported)))
                }
                ImportSlice::Failed(error) => {
                    job.work = Work::Finished(None);
                    Reply::from_result(Err(error))
                }
            },
            Work::Demo(demo) => {
                if demo.current.is_none() {
                    match demo.pending.pop_front() {
                        Some((file, taken_on)) => {
                            let options = ImportOptions {
                                taken_on: Some(taken_on),
                                ..ImportOptions::default()
                            };
                            match self.start_import(file.name, file.bytes, options) {
                                Ok(current) => demo.current = Some(current),
                                Err(error) => {
                                    job.work = Work::Finished(None);
                                    return Envelope::new(job.id, Reply::from_result(Err(error)));
                                }
                            }
                        }
                        None => {
                            let files = std::mem::take(&mut demo.done);
                            job.work = Work::Finished(None);
                            return Envelope::new(
                                job.id,
                                Reply::from_result(Ok(Answer::DemoLoaded(DemoLoaded { files }))),
                            );
                        }
                    }
                }
                let Some((import, size)) = demo.current.as_mut() else {
                    unreachable!("a demo file was just started")
                };
                let size = *size;
                match self.import_slice(import, size) {
                    ImportSlice::Working(progress) => Reply::Progress { progress },
                    ImportSlice::Kept(imported) => {
                        demo.current = None;
                        demo.done.push(imported);
                        Reply::Progress {
                            progress: Progress {
                                stage: Stage::Parsing,
                                done: size,
                                total: size,
                                rows: 0,
                            },
                        }
                    }
                    ImportSlice::Failed(error) => {
                        job.work = Work::Finished(None);
                        Reply::from_result(Err(error))
                    }
                }
            }
            Work::Build(task, _) => {
                let inputs = self.inputs();
                let built = task.step(&inputs);
                let (done, total) = (task.done(), task.steps());
                drop(inputs);
                match built {
                    None => progress(Stage::Building, done, total),
                    Some(built) => {
                        self.keep(built);
                        let Work::Build(_, then) =
                            std::mem::replace(&mut job.work, Work::Finished(None))
                        else {
                            unreachable!("the job was building")
                        };
                        job.work = self.start(*then);
                        progress(Stage::Building, total, total)
                    }
                }
            }
            Work::Compute(task, settings, _) => {
                let step = match self.built.as_ref() {
                    Some(built) => task.step(&built.model),
                    None => Err(EngineError::NoDeals),
                };
                match step {
                    Err(error) => {
                        job.work = Work::Finished(None);
                        Reply::from_result(Err(error))
                    }
                    Ok(None) => progress(Stage::Computing, task.done(), ComputeTask::STEPS),
                    Ok(Some(report)) => {
                        let report = Rc::new(report);
                        let settings = (**settings).clone();
                        self.last_report = Some((settings.clone(), Rc::clone(&report)));
                        let Work::Compute(_, _, after) =
                            std::mem::replace(&mut job.work, Work::Finished(None))
                        else {
                            unreachable!("the job was computing")
                        };
                        Reply::from_result(match *after {
                            AfterCompute::Answer => Ok(Answer::Computed(Computed {
                                report: Box::new((*report).clone()),
                            })),
                            AfterCompute::Explain(ask) => self.explained(&settings, &report, &ask),
                        })
                    }
                }
            }
            Work::Trends(task) => {
                let step = self
                    .built
                    .as_ref()
                    .map_or(Err(EngineError::NoDeals), |b| task.step(&b.model));
                let (reply, over) = answered(step, task.done(), TrendsTask::STEPS, |months| {
                    Answer::Trended(Trended { months })
                });
                if over {
                    job.work = Work::Finished(None);
                }
                reply
            }
            Work::Forecast(task, settings, query) => {
                let step = self
                    .built
                    .as_ref()
                    .map_or(Err(EngineError::NoDeals), |b| task.step(&b.model));
                let mut kept = None;
                let (reply, over) = answered(step, task.done(), task.steps(), |report| {
                    let report = Rc::new(report);
                    let answer = forecast_answer(&report, query.as_deref());
                    kept = Some(report);
                    answer
                });
                if let Some(report) = kept {
                    self.last_forecast = Some(((**settings).clone(), report));
                }
                if over {
                    job.work = Work::Finished(None);
                }
                reply
            }
            Work::Backtest(task) => {
                let step = self
                    .built
                    .as_ref()
                    .map_or(Err(EngineError::NoDeals), |b| task.step(&b.model));
                let (reply, over) = answered(step, task.done(), task.steps(), |report| {
                    Answer::Backtested(Backtested {
                        report: Box::new(report),
                    })
                });
                if over {
                    job.work = Work::Finished(None);
                }
                reply
            }
            Work::Changes(changes) => match changes.step(self) {
                changes::ChangesStep::Building(done, total) => {
                    progress(Stage::Building, done, total)
                }
                changes::ChangesStep::Done(result) => {
                    job.work = Work::Finished(None);
                    Reply::from_result(result.map(|report| Answer::Compared(Compared { report })))
                }
            },
            Work::Trend(trend) => match trend.step(self) {
                changes::TrendProgress::Working(done, total) => {
                    progress(Stage::Building, done, total)
                }
                changes::TrendProgress::Done(result) => {
                    job.work = Work::Finished(None);
                    Reply::from_result(result.map(|trend| {
                        Answer::TrendCompared(TrendCompared {
                            trend: Box::new(trend),
                        })
                    }))
                }
            },
            Work::Shift(shift) => match shift.step(self) {
                changes::ShiftStep::Building(done, total) => progress(Stage::Building, done, total),
                changes::ShiftStep::Forecasting(done, total) => {
                    progress(Stage::Computing, done, total)
                }
                changes::ShiftStep::Done(result) => {
                    job.work = Work::Finished(None);
                    Reply::from_result(result.map(|shift| Answer::Shifted(Shifted { shift })))
                }
            },
            Work::Finished(result) => match result.take() {
                Some(result) => Reply::from_result(result),
                None => Reply::from_result(Err(EngineError::Cancelled { request_id: job.id })),
            },
        };
        Envelope::new(job.id, reply)
    }

    /// Runs a request to its end, handing each progress event to `on_progress` (the CLI and native tests).
    pub fn run(
        &mut self,
        envelope: Envelope<Request>,
        mut on_progress: impl FnMut(&Reply),
    ) -> Result<Answer, EngineError> {
        let mut job = self.begin(envelope);
        loop {
            let reply = self.step(&mut job).body;
            match reply {
                Reply::Answer { answer } => return Ok(answer),
                Reply::Failed { error, .. } => return Err(error),
                progress @ Reply::Progress { .. } => on_progress(&progress),
            }
        }
    }

    /// The settings with the CRM's fiscal calendar when the user has not set one; the model must exist.
    fn metric_settings(&self, settings: &MetricSettings) -> Result<MetricSettings, EngineError> {
        let model = self
            .built
            .as_ref()
            .map(|b| &b.model)
            .ok_or(EngineError::NoDeals)?;
        Ok(settings.with_model_calendar(model))
    }

    /// Finds and orders every record of the explanation asked for, keeps them for the next page, and
    /// answers the page asked.
    fn explained(
        &mut self,
        settings: &MetricSettings,
        report: &MetricsReport,
        ask: &Explain,
    ) -> Result<Answer, EngineError> {
        let model = self
            .built
            .as_ref()
            .map(|b| &b.model)
            .ok_or(EngineError::NoDeals)?;
        let every = Rc::new(explain_every_record(
            model,
            settings,
            report,
            &ask.metric,
            ask.rep.as_deref(),
            ask.sort,
        )?);
        let answer = page_of(&every, ask);
        self.last_explained = Some((ExplainKey::of(settings, ask), every));
        Ok(answer)
    }

    /// Gives back the bytes a cancelled import had reserved.
    fn release(&mut self, work: &Work) {
        let size = match work {
            Work::Import(_, size) => *size,
            Work::Demo(demo) => demo.current.as_ref().map_or(0, |(_, size)| *size),
            _ => 0,
        };
        self.bytes_held = self.bytes_held.saturating_sub(size);
    }

    /// The error for a file id the session does not hold, listing the ids it does.
    fn unknown_file(&self, file_id: FileId) -> EngineError {
        let valid: Vec<String> = self.files.iter().map(|f| f.file_id.to_string()).collect();
        let valid = if valid.is_empty() {
            "none (nothing imported yet)".to_owned()
        } else {
            valid.join(", ")
        };
        EngineError::UnknownFile { file_id, valid }
    }

    fn rows(&self, file_id: FileId, offset: u64, limit: u64) -> Result<Answer, EngineError> {
        let Some(file) = self.files.iter().find(|f| f.file_id == file_id) else {
            return Err(self.unknown_file(file_id));
        };
        let total = file.table.row_count() as u64;
        let start = usize::try_from(offset.min(total)).unwrap_or(usize::MAX);
        let stop = usize::try_from(offset.saturating_add(limit).min(total)).unwrap_or(usize::MAX);
        let items = (start..stop)
            .map(|r| file.table.row(r).map(str::to_owned).collect())
            .collect();
        Ok(Answer::RowsPage(RowsPage {
            page: Page {
                offset: start as u64,
                total,
                items,
            },
        }))
    }
}

/// The page an explain request asks for, cut from its every record.
/// The forecast itself, or a page of its deal list when the request asked for one.
fn forecast_answer(report: &ForecastReport, query: Option<&DealQuery>) -> Answer {
    match query {
        None => Answer::Forecasted(Forecasted {
            report: Box::new(report.clone()),
        }),
        Some(query) => Answer::DealsPaged(DealsPaged {
            page: Box::new(deals::page(report, query)),
        }),
    }
}

fn page_of(every: &EveryRecord, ask: &Explain) -> Answer {
    Answer::Explained(Explained {
        explanation: Box::new(every.page(ask.page, ask.page_size.unwrap_or(PAGE_SIZE))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::protocol::{ImportFile, SetSettings};

    /// The next page of an explanation is cut from the records the first page found (the same list, not
    /// found again); a rebuilt model drops them.
    #[test]
    fn the_next_page_of_an_explanation_is_a_slice_of_the_list_the_first_page_found() {
        let mut session = Session::new();
        let mut csv = String::from("Opportunity ID,Opportunity Owner,Stage,Amount,Created Date\n");
        for i in 0..30 {
            csv.push_str(&format!(
                "D{i:02},Rep {},Prospecting,{},2024-01-{:02}\n",
                i % 3,
                100 + i,
                1 + i % 28
            ));
        }
        session
            .ask(ImportFile {
                name: "deals.csv".to_owned(),
                bytes: csv.into_bytes(),
                options: ImportOptions::default(),
            })
            .unwrap();
        let ask = |page| Explain {
            settings: Box::default(),
            metric: "open_deals".to_owned(),
            rep: None,
            page,
            page_size: Some(7),
            sort: None,
        };
        let first = session.ask(ask(0)).unwrap().explanation;
        let kept = session
            .last_explained
            .as_ref()
            .map(|(_, every)| Rc::clone(every));
        let second = session.ask(ask(1)).unwrap().explanation;
        let still = session
            .last_explained
            .as_ref()
            .map(|(_, every)| Rc::clone(every));
        assert!(
            kept.zip(still).is_some_and(|(a, b)| Rc::ptr_eq(&a, &b)),
            "page 1 is cut from the list page 0 found"
        );
        assert_eq!(
            (
                first.total_records,
                first.records.len(),
                second.records.len()
            ),
            (30, 7, 7)
        );
        assert_ne!(first.records, second.records);
        session
            .ask(SetSettings {
                settings: Box::default(),
            })
            .unwrap();
        assert!(
            session.last_explained.is_none(),
            "a rebuilt model drops the list"
        );
    }
}
