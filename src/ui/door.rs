//! The UI's end of the message door: `async` calls carrying [`Request`]s, answered by one [`Answer`] or
//! an [`EngineError`], with progress events and cancel in between.
//!
//! The session runs on the page's main thread for now, one slice at a time, yielding to the browser
//! between slices so the page repaints and a Cancel click gets through. Replies cross the door as the
//! same serialized values a Web Worker would post (through serde-wasm-bindgen), so moving the session into
//! a worker changes this file only. File bytes go in without a copy the door could avoid: the one copy
//! from the browser's `File` into wasm memory happens when the file is read.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use gloo::timers::future::TimeoutFuture;

use crate::engine::EngineError;
use crate::engine::ingest::Progress;
use crate::engine::protocol::{Answer, Envelope, Reply, Request, RequestId};
use crate::engine::session::Session;

/// A handle to the engine session; cheap to clone.
#[derive(Clone, Default)]
pub struct Door {
    inner: Rc<Inner>,
}

#[derive(Default)]
struct Inner {
    session: RefCell<Session>,
    next_id: Cell<RequestId>,
}

/// Why a call through the door gave no answer.
#[derive(Debug, Clone, PartialEq)]
pub enum DoorError {
    /// The engine refused or failed the request; its message is a plain sentence.
    Engine(EngineError),
    /// A reply could not cross the door (a bug: every message must serialize).
    Wire(String),
}

impl std::fmt::Display for DoorError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DoorError::Engine(error) => write!(f, "{error}"),
            DoorError::Wire(detail) => write!(
                f,
                "internal error: a message could not cross the engine door ({detail})"
            ),
        }
    }
}

impl Door {
    pub fn new() -> Self {
        Door::default()
    }

    /// Reserves the id of the next request, so a caller can offer Cancel before the answer arrives.
    pub fn next_id(&self) -> RequestId {
        let id = self.inner.next_id.get() + 1;
        self.inner.next_id.set(id);
        id
    }

    /// Sends `request` under `id` (from [`Door::next_id`]) and resolves with its final answer, calling
    /// `on_progress` for each progress event.
    pub async fn call(
        &self,
        id: RequestId,
        request: Request,
        on_progress: impl Fn(Progress),
    ) -> Result<Answer, DoorError> {
        let mut job = self
            .inner
            .session
            .borrow_mut()
            .begin(Envelope::new(id, request));
        loop {
            // The session is borrowed only inside this statement, never across an await.
            let reply = self.inner.session.borrow_mut().step(&mut job);
            match cross(reply)?.body {
                Reply::Progress { progress } => {
                    on_progress(progress);
                    TimeoutFuture::new(0).await;
                }
                Reply::Answer { answer } => return Ok(answer),
                Reply::Failed { error, .. } => return Err(DoorError::Engine(error)),
            }
        }
    }

    /// Sends a request that needs no progress display.
    pub async fn request(&self, request: Request) -> Result<Answer, DoorError> {
        self.call(self.next_id(), request, |_| ()).await
    }

    /// Drops every file and the model the session holds, at once.
    pub fn forget(&self) {
        let id = self.next_id();
        let mut session = self.inner.session.borrow_mut();
        let mut job = session.begin(Envelope::new(id, Request::Forget));
        let _forgotten = session.step(&mut job);
    }

    /// Drops one file at once (its answer, the new summary, follows from the next import or Summary).
    pub fn remove_now(&self, file_id: crate::engine::ingest::FileId) {
        let id = self.next_id();
        let mut session = self.inner.session.borrow_mut();
        let mut job = session.begin(Envelope::new(id, Request::RemoveFile { file_id }));
        let _summary = session.step(&mut job);
    }

    /// Asks the engine to stop request `id` at its next slice. Its call then fails with
    /// [`EngineError::Cancelled`].
    pub fn cancel(&self, id: RequestId) {
        let cancel_id = self.next_id();
        let mut session = self.inner.session.borrow_mut();
        let mut job = session.begin(Envelope::new(cancel_id, Request::Cancel { request_id: id }));
        let _noted = session.step(&mut job);
    }
}

/// Passes a reply through the serialized form a worker would post, and back.
fn cross(reply: Envelope<Reply>) -> Result<Envelope<Reply>, DoorError> {
    let value = serde_wasm_bindgen::to_value(&reply).map_err(|e| DoorError::Wire(e.to_string()))?;
    serde_wasm_bindgen::from_value(value).map_err(|e| DoorError::Wire(e.to_string()))
}
