//! The UI's end of the message door: typed `async` requests ([`Door::ask`]) answered by their own answer
//! type, with progress events and Cancel in between. Views never see a wire message or an answer of the
//! wrong kind; a mismatch is a protocol error reported here.
//!
//! Two transports carry the same wire envelopes ([`crate::engine::protocol::wire`]): [`worker`] runs the
//! session in the engine's Web Worker (the app), [`local`] runs it on this thread a slice at a time (the
//! browser tests, which have no Trunk-built worker to load). A request whose future is dropped before its
//! answer (a view re-asking after a filter change) is cancelled in the engine.

mod local;
mod worker;

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use crate::engine::EngineError;
use crate::engine::protocol::{Ask, Cancel, Envelope, Progress, Reply, RequestId, typed};

/// A handle to the engine; cheap to clone.
#[derive(Clone)]
pub struct Door {
    inner: Rc<Inner>,
}

struct Inner {
    next_id: Cell<RequestId>,
    transport: Rc<dyn Transport>,
}

/// The final reply a transport comes back with.
type Replied<'a> = Pin<Box<dyn Future<Output = Result<Reply, DoorError>> + 'a>>;

/// How envelopes reach a session and replies come back. A trait object, so the app's page links only the
/// transport it builds (the worker's), not the whole engine a local session would bring.
trait Transport {
    /// Carries `envelope` (with the `File` an import reads) and comes back with its final reply, calling
    /// `on_progress` on the way.
    fn call(
        &self,
        envelope: Envelope<crate::engine::protocol::Request>,
        file: Option<web_sys::File>,
        on_progress: OnProgress,
    ) -> Replied<'_>;
    fn cancel(&self, envelope: Envelope<crate::engine::protocol::Request>);
    /// The caller stopped waiting for `id`.
    fn forget_pending(&self, _id: RequestId) {}
    fn on_down(&self, _on_down: Rc<dyn Fn(String)>) {}
    fn restart(&self);
}

/// Why a call through the door gave no answer.
#[derive(Debug, Clone, PartialEq)]
pub enum DoorError {
    /// The engine refused or failed the request; its message is a plain sentence.
    Engine(EngineError),
    /// A message could not cross the door, or the browser could not hand over a file.
    Wire(String),
    /// The engine's worker stopped (out of memory, a crash, a stale version that would not restart).
    Down(String),
}

impl std::fmt::Display for DoorError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DoorError::Engine(error) => write!(f, "{error}"),
            DoorError::Wire(detail) => write!(
                f,
                "internal error: a message could not cross the engine door ({detail})"
            ),
            DoorError::Down(why) => write!(f, "{why}"),
        }
    }
}

impl DoorError {
    pub fn is_cancelled(&self) -> bool {
        matches!(self, DoorError::Engine(EngineError::Cancelled { .. }))
    }
}

/// What a transport does with a request: carry it, with a file handle for an import, and come back with
/// the final reply, calling `on_progress` on the way.
type OnProgress = Rc<dyn Fn(Progress)>;

impl Door {
    /// The app's door: the engine in its Web Worker, started now.
    pub fn worker() -> Self {
        Door::with(Rc::new(worker::Worker::start()))
    }

    /// A door to a session on this thread (browser tests).
    pub fn local() -> Self {
        Door::with(Rc::new(local::Local::default()))
    }

    fn with(transport: Rc<dyn Transport>) -> Self {
        Door {
            inner: Rc::new(Inner {
                next_id: Cell::new(0),
                transport,
            }),
        }
    }

    /// Reserves the id of the next request, so a caller can offer Cancel before the answer arrives.
    pub fn next_id(&self) -> RequestId {
        let id = self.inner.next_id.get() + 1;
        self.inner.next_id.set(id);
        id
    }

    /// Asks `request` and resolves with its answer.
    pub async fn ask<A: Ask>(&self, request: A) -> Result<A::Answer, DoorError> {
        self.ask_as(self.next_id(), request, None, |_| ()).await
    }

    /// Asks `request` under `id` (from [`Door::next_id`]), with the `File` an import reads (its bytes
    /// stay out of the page), calling `on_progress` for each progress event. Dropping the future before
    /// it resolves cancels the request.
    pub async fn ask_as<A: Ask>(
        &self,
        id: RequestId,
        request: A,
        file: Option<web_sys::File>,
        on_progress: impl Fn(Progress) + 'static,
    ) -> Result<A::Answer, DoorError> {
        let request = request.into_request();
        let name = request.name();
        let envelope = Envelope::new(id, request);
        let mut guard = CancelOnDrop {
            door: self.clone(),
            id,
            armed: true,
        };
        let on_progress: OnProgress = Rc::new(on_progress);
        let reply = self.inner.transport.call(envelope, file, on_progress).await;
        guard.armed = false;
        match reply? {
            Reply::Answer { answer } => typed::<A>(name, answer).map_err(DoorError::Engine),
            Reply::Failed { error, .. } => Err(DoorError::Engine(error)),
            Reply::Progress { .. } => Err(DoorError::Wire(format!(
                "{name} ended with a progress event"
            ))),
        }
    }

    /// Asks the engine to stop request `id` at its next slice; its call then fails with
    /// [`EngineError::Cancelled`].
    pub fn cancel(&self, id: RequestId) {
        let envelope = Envelope::new(self.next_id(), Cancel { request_id: id }.into());
        self.inner.transport.cancel(envelope);
    }

    /// Calls `on_down` with a plain sentence when the engine's worker stops.
    pub fn on_down(&self, on_down: impl Fn(String) + 'static) {
        self.inner.transport.on_down(Rc::new(on_down));
    }

    /// Starts a fresh engine (after it stopped): everything it held is gone.
    pub fn restart(&self) {
        self.inner.transport.restart();
    }
}

/// Cancels a request whose caller stopped waiting for it.
struct CancelOnDrop {
    door: Door,
    id: RequestId,
    armed: bool,
}

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        if self.armed {
            self.door.inner.transport.forget_pending(self.id);
            self.door.cancel(self.id);
        }
    }
}
