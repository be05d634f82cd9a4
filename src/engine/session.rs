//! The session: the engine-side end of the message door. It holds what has been imported, the model built
//! from it and the user's model settings, and answers [`Request`]s, doing long work in slices so that the
//! caller (the page's event loop today, a Web Worker later) can deliver progress and cancellations between
//! them. The model is rebuilt from every file whenever a file or a setting changes, so each file's report
//! always reflects the others (history joined to deals, owners resolved through users).

use std::collections::HashSet;

use crate::engine::EngineError;
use crate::engine::ingest::limits::{Limits, human_bytes};
use crate::engine::ingest::report::FileReport;
use crate::engine::ingest::{FileId, ImportJob, ImportedFile, Slice};
use crate::engine::metrics::MetricSettings;
use crate::engine::metrics::compute::{MetricsError, compute};
use crate::engine::metrics::explain::{PAGE_SIZE, explain};
use crate::engine::metrics::trend::monthly;
use crate::engine::model::build::{Built, FileInput, build};
use crate::engine::model::summary::{ModelSummary, enrich, summarize};
use crate::engine::model::{ModelSettings, SalesModel};
use crate::engine::protocol::{
    Answer, Envelope, PROTOCOL_VERSION, Page, Reply, Request, RequestId,
};

/// Everything the engine holds for one user.
#[derive(Default)]
pub struct Session {
    files: Vec<ImportedFile>,
    next_file_id: FileId,
    cancelled: HashSet<RequestId>,
    limits: Limits,
    /// Bytes of the files imported (or being imported) in this session.
    bytes_held: u64,
    settings: ModelSettings,
    built: Option<Built>,
    /// Each file's report with the model's decisions, in import order.
    reports: Vec<FileReport>,
    summary: ModelSummary,
}

/// A request being worked on; advance it with [`Session::step`].
pub struct Job {
    id: RequestId,
    work: Work,
}

enum Work {
    Import(Box<ImportJob>, u64),
    Finished(Option<Result<Answer, EngineError>>),
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

    /// The model built from every file (empty before the first import).
    pub fn model(&self) -> Option<&SalesModel> {
        self.built.as_ref().map(|b| &b.model)
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

    /// Rebuilds the model and every file's enriched report.
    fn rebuild(&mut self) {
        let inputs: Vec<FileInput<'_>> = self
            .files
            .iter()
            .map(|f| FileInput {
                file_id: f.file_id,
                report: &f.report,
                table: &f.table,
            })
            .collect();
        let built = build(&inputs, &self.settings);
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
    }

    fn summary_answer(&self) -> Answer {
        Answer::Summary {
            files: self.reports.clone(),
            model: Box::new(self.summary.clone()),
        }
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
        let work = match envelope.body {
            Request::CheckFile { name, size_bytes } => Work::Finished(Some(
                self.check_size(&name, size_bytes).map(|()| Answer::FileOk),
            )),
            Request::ImportFile {
                name,
                bytes,
                options,
            } => match self.check_size(&name, bytes.len() as u64) {
                Err(error) => Work::Finished(Some(Err(error))),
                Ok(()) => {
                    let file_id = self.next_file_id;
                    self.next_file_id += 1;
                    let size = bytes.len() as u64;
                    self.bytes_held += size;
                    Work::Import(
                        Box::new(ImportJob::new(file_id, name, bytes, options, self.limits)),
                        size,
                    )
                }
            },
            Request::Rows {
                file_id,
                offset,
                limit,
            } => Work::Finished(Some(self.rows(file_id, offset, limit))),
            Request::Summary => Work::Finished(Some(Ok(self.summary_answer()))),
            Request::RemoveFile { file_id } => {
                match self.files.iter().position(|f| f.file_id == file_id) {
                    Some(ix) => {
                        let removed = self.files.remove(ix);
                        self.bytes_held = self.bytes_held.saturating_sub(removed.report.size_bytes);
                        self.rebuild();
                        Work::Finished(Some(Ok(self.summary_answer())))
                    }
                    None => Work::Finished(Some(Err(self.unknown_file(file_id)))),
                }
            }
            Request::SetSettings { settings } => {
                self.settings = *settings;
                self.rebuild();
                Work::Finished(Some(Ok(self.summary_answer())))
            }
            Request::Metrics { settings } => Work::Finished(Some(self.metrics(&settings))),
            Request::Trends { settings } => Work::Finished(Some(self.trends(&settings))),
            Request::Explain {
                settings,
                metric,
                rep,
                page,
                page_size,
            } => Work::Finished(Some(self.explain(
                &settings,
                &metric,
                rep.as_deref(),
                page,
                page_size.unwrap_or(PAGE_SIZE),
            ))),
            Request::Cancel { request_id } => {
                self.cancelled.insert(request_id);
                Work::Finished(Some(Ok(Answer::CancelNoted { request_id })))
            }
            Request::Forget => {
                // Everything the session holds: the files and every choice made about them.
                self.settings = ModelSettings::default();
                self.files.clear();
                self.bytes_held = 0;
                self.rebuild();
                Work::Finished(Some(Ok(Answer::Forgotten)))
            }
        };
        Job { id, work }
    }

    /// Does one slice of the job's work and says what happened; a final reply ends the job.
    pub fn step(&mut self, job: &mut Job) -> Envelope<Reply> {
        if self.cancelled.remove(&job.id) {
            self.release(&job.work);
            job.work = Work::Finished(None);
            return Envelope::new(
                job.id,
                Reply::from_result(Err(EngineError::Cancelled { request_id: job.id })),
            );
        }
        let reply = match &mut job.work {
            Work::Import(import, _) => match import.step() {
                Slice::Working(progress) => Reply::Progress { progress },
                Slice::Done(result) => {
                    if result.is_err() {
                        self.release(&job.work);
                    }
                    let answer = result.map(|file| {
                        let file_id = file.file_id;
                        self.files.push(*file);
                        self.rebuild();
                        let report = self.reports.last().cloned().unwrap_or_default();
                        Answer::Imported {
                            file_id,
                            report: Box::new(report),
                        }
                    });
                    job.work = Work::Finished(None);
                    Reply::from_result(answer)
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

    /// The model, and the settings with the CRM's fiscal calendar when the user has not set one.
    fn metric_inputs(
        &self,
        settings: &MetricSettings,
    ) -> Result<(&SalesModel, MetricSettings), EngineError> {
        let model = self
            .built
            .as_ref()
            .map(|b| &b.model)
            .ok_or(EngineError::NoDeals)?;
        let mut settings = settings.clone();
        if settings.calendar.periods.is_empty() && settings.calendar.fiscal_start_month == 1 {
            settings.calendar.periods = model.periods.clone();
        }
        Ok((model, settings))
    }

    fn metrics(&self, settings: &MetricSettings) -> Result<Answer, EngineError> {
        let (model, settings) = self.metric_inputs(settings)?;
        compute(model, &settings)
            .map(|report| Answer::Metrics {
                report: Box::new(report),
            })
            .map_err(engine_error)
    }

    fn trends(&self, settings: &MetricSettings) -> Result<Answer, EngineError> {
        let (model, settings) = self.metric_inputs(settings)?;
        monthly(model, &settings)
            .map(|months| Answer::Trends { months })
            .map_err(engine_error)
    }

    fn explain(
        &self,
        settings: &MetricSettings,
        metric: &str,
        rep: Option<&str>,
        page: u32,
        page_size: u32,
    ) -> Result<Answer, EngineError> {
        let (model, settings) = self.metric_inputs(settings)?;
        explain(model, &settings, metric, rep, page, page_size)
            .map(|explanation| Answer::Explained {
                explanation: Box::new(explanation),
            })
            .map_err(engine_error)
    }

    /// Gives back the bytes a cancelled or failed import had reserved.
    fn release(&mut self, work: &Work) {
        if let Work::Import(_, size) = work {
            self.bytes_held = self.bytes_held.saturating_sub(*size);
        }
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
        Ok(Answer::Rows {
            page: Page {
                offset: start as u64,
                total,
                items,
            },
        })
    }
}

fn engine_error(e: MetricsError) -> EngineError {
    match e {
        MetricsError::NoDeals => EngineError::NoDeals,
        MetricsError::Period(detail) => EngineError::Period { detail },
        MetricsError::Explain(detail) => EngineError::Explain { detail },
    }
}
