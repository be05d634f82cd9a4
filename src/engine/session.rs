//! The session: the engine-side end of the message door. It holds what has been imported and answers
//! [`Request`]s, doing long work in slices so that the caller (the page's event loop today, a Web Worker
//! later) can deliver progress and cancellations between them.

use std::collections::HashSet;

use crate::engine::EngineError;
use crate::engine::ingest::{FileId, ImportJob, ImportedFile, Slice};
use crate::engine::protocol::{
    Answer, Envelope, PROTOCOL_VERSION, Page, Reply, Request, RequestId,
};

/// Everything the engine holds for one user: imported files and (later) the model built from them.
#[derive(Default)]
pub struct Session {
    files: Vec<ImportedFile>,
    next_file_id: FileId,
    cancelled: HashSet<RequestId>,
}

/// A request being worked on; advance it with [`Session::step`].
pub struct Job {
    id: RequestId,
    work: Work,
}

enum Work {
    Import(Box<ImportJob>),
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
            Request::ImportFile { name, bytes } => {
                let file_id = self.next_file_id;
                self.next_file_id += 1;
                Work::Import(Box::new(ImportJob::new(file_id, name, bytes)))
            }
            Request::Rows {
                file_id,
                offset,
                limit,
            } => Work::Finished(Some(self.rows(file_id, offset, limit))),
            Request::Cancel { request_id } => {
                self.cancelled.insert(request_id);
                Work::Finished(Some(Ok(Answer::CancelNoted { request_id })))
            }
            Request::Forget => {
                self.files.clear();
                Work::Finished(Some(Ok(Answer::Forgotten)))
            }
        };
        Job { id, work }
    }

    /// Does one slice of the job's work and says what happened; a final reply ends the job.
    pub fn step(&mut self, job: &mut Job) -> Envelope<Reply> {
        if self.cancelled.remove(&job.id) {
            job.work = Work::Finished(None);
            return Envelope::new(
                job.id,
                Reply::from_result(Err(EngineError::Cancelled { request_id: job.id })),
            );
        }
        let reply = match &mut job.work {
            Work::Import(import) => match import.step() {
                Slice::Working(progress) => Reply::Progress { progress },
                Slice::Done(result) => {
                    let answer = result.map(|file| {
                        let summary = file.summary.clone();
                        self.files.push(file);
                        Answer::Imported { summary }
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

    fn rows(&self, file_id: FileId, offset: u64, limit: u64) -> Result<Answer, EngineError> {
        let Some(file) = self.files.iter().find(|f| f.summary.file_id == file_id) else {
            let valid: Vec<String> = self
                .files
                .iter()
                .map(|f| f.summary.file_id.to_string())
                .collect();
            let valid = if valid.is_empty() {
                "none (nothing imported yet)".to_owned()
            } else {
                valid.join(", ")
            };
            return Err(EngineError::UnknownFile { file_id, valid });
        };
        let total = file.records.len() as u64;
        let start = usize::try_from(offset.min(total)).unwrap_or(usize::MAX);
        let take = usize::try_from(limit).unwrap_or(usize::MAX);
        let items = file
            .records
            .iter()
            .skip(start)
            .take(take)
            .cloned()
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
