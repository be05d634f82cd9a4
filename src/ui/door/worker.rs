//! The door's worker transport: the engine session in its dedicated Web Worker (`worker.js`, which loads
//! the Trunk-built `pipelens-worker` from this origin, so the CSP stays `'self'`).
//!
//! Envelopes cross as transferred `ArrayBuffer`s, an import's `File` as a handle beside its envelope.
//! Messages wait in an outbox until the worker says it is ready with its protocol version. A worker of
//! another version (a stale cached file: Trunk does not hash worker names) is terminated and started
//! again once with a fresh URL; an error in the worker (a crash, out of memory) or a failed start marks
//! the engine down: every request waiting fails with a plain sentence and the app offers to start again.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use futures_channel::oneshot;
use js_sys::{Array, ArrayBuffer, Object, Reflect, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{ErrorEvent, MessageEvent, WorkerOptions, WorkerType};

use super::{DoorError, OnProgress, Replied, Transport};
use crate::engine::protocol::wire::{self, WireError};
use crate::engine::protocol::{Envelope, PROTOCOL_VERSION, Reply, Request, RequestId};

/// How many times a worker of the wrong version is started again before the page gives up.
const STALE_RESTARTS: u32 = 1;

/// The transport: the worker's door, shared with the handlers the worker calls.
pub struct Worker(Rc<WorkerDoor>);

impl Worker {
    pub fn start() -> Self {
        Worker(WorkerDoor::start())
    }
}

impl Transport for Worker {
    fn call(
        &self,
        envelope: Envelope<Request>,
        file: Option<web_sys::File>,
        on_progress: OnProgress,
    ) -> Replied<'_> {
        Box::pin(self.0.call(envelope, file, on_progress))
    }

    fn cancel(&self, envelope: Envelope<Request>) {
        self.0.cancel(envelope);
    }

    fn forget_pending(&self, id: RequestId) {
        self.0.forget_pending(id);
    }

    fn on_down(&self, on_down: Rc<dyn Fn(String)>) {
        self.0.on_down(on_down);
    }

    fn restart(&self) {
        self.0.restart();
    }
}

pub struct WorkerDoor {
    state: RefCell<State>,
    pending: RefCell<HashMap<RequestId, Pending>>,
    /// Messages posted before the worker is ready, in order.
    outbox: RefCell<Vec<Outgoing>>,
    on_down: RefCell<Option<OnDown>>,
    /// Starts so far; part of the worker's URL, so a restart never reuses a cached stale file.
    starts: Cell<u32>,
    stale_restarts: Cell<u32>,
}

/// A message for the worker: its request id, its envelope's bytes and an import's file handle.
type Outgoing = (RequestId, Vec<u8>, Option<web_sys::File>);

/// Told when the engine stops, with the sentence to show.
type OnDown = Rc<dyn Fn(String)>;

enum State {
    Starting(Running),
    Ready(Running),
    Down(String),
}

/// A worker and the handlers it calls (dropped with it).
struct Running {
    worker: web_sys::Worker,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(ErrorEvent)>,
}

struct Pending {
    on_progress: OnProgress,
    done: oneshot::Sender<Reply>,
}

impl WorkerDoor {
    pub fn start() -> Rc<Self> {
        let door = Rc::new(WorkerDoor {
            state: RefCell::new(State::Down("not started".to_owned())),
            pending: RefCell::new(HashMap::new()),
            outbox: RefCell::new(Vec::new()),
            on_down: RefCell::new(None),
            starts: Cell::new(0),
            stale_restarts: Cell::new(0),
        });
        door.spawn();
        door
    }

    fn spawn(self: &Rc<Self>) {
        self.starts.set(self.starts.get() + 1);
        let url = format!(
            "./worker.js?v={PROTOCOL_VERSION}&start={}",
            self.starts.get()
        );
        let options = WorkerOptions::new();
        options.set_type(WorkerType::Classic);
        options.set_name("pipelens-engine");
        let worker = match web_sys::Worker::new_with_options(&url, &options) {
            Ok(worker) => worker,
            Err(error) => {
                self.down(format!(
                    "The analysis engine could not start in this browser ({error:?}). pipelens needs Web Workers."
                ));
                return;
            }
        };
        let weak = Rc::downgrade(self);
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            if let Some(door) = weak.upgrade() {
                door.received(event.data());
            }
        });
        let weak = Rc::downgrade(self);
        let on_error = Closure::<dyn FnMut(ErrorEvent)>::new(move |event: ErrorEvent| {
            // Handled here: the page says it in words instead of an uncaught error.
            event.prevent_default();
            if let Some(door) = weak.upgrade() {
                door.down(format!(
                    "The analysis engine stopped ({}). This can happen when the files need more memory than the browser gives a tab. Nothing was sent anywhere.",
                    event.message()
                ));
            }
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        *self.state.borrow_mut() = State::Starting(Running {
            worker,
            _on_message: on_message,
            _on_error: on_error,
        });
    }

    pub fn on_down(&self, on_down: OnDown) {
        *self.on_down.borrow_mut() = Some(on_down);
    }

    /// Stops the worker and fails every request waiting, with `why`.
    fn down(&self, why: String) {
        if let State::Starting(r) | State::Ready(r) = &*self.state.borrow() {
            r.worker.terminate();
        }
        *self.state.borrow_mut() = State::Down(why.clone());
        self.outbox.borrow_mut().clear();
        let pending: Vec<Pending> = self.pending.borrow_mut().drain().map(|(_, p)| p).collect();
        for p in pending {
            let _ = p.done.send(down_reply(&why));
        }
        let on_down = self.on_down.borrow().clone();
        if let Some(on_down) = on_down {
            on_down(why);
        }
    }

    /// A fresh worker; whatever the old one held is gone.
    pub fn restart(self: &Rc<Self>) {
        if let State::Starting(r) | State::Ready(r) = &*self.state.borrow() {
            r.worker.terminate();
        }
        let pending: Vec<Pending> = self.pending.borrow_mut().drain().map(|(_, p)| p).collect();
        for p in pending {
            let _ = p
                .done
                .send(down_reply("The analysis engine was started again."));
        }
        self.outbox.borrow_mut().clear();
        self.stale_restarts.set(0);
        self.spawn();
    }

    fn received(self: &Rc<Self>, data: JsValue) {
        if let Some(version) = Reflect::get(&data, &"ready".into())
            .ok()
            .and_then(|v| v.as_f64())
        {
            return self.ready(version as u32);
        }
        if let Some(why) = Reflect::get(&data, &"boot_failed".into())
            .ok()
            .and_then(|v| v.as_string())
        {
            return self.down(format!(
                "The analysis engine could not start ({why}). Reload the page; if it happens again, this browser may not run WebAssembly in workers."
            ));
        }
        let Some(buffer) = Reflect::get(&data, &"bytes".into())
            .ok()
            .filter(|b| b.is_instance_of::<ArrayBuffer>())
        else {
            return;
        };
        let bytes = Uint8Array::new(&buffer).to_vec();
        match wire::decode::<Reply>(&bytes) {
            Ok(envelope) => self.deliver(envelope),
            Err(WireError::Version { got, .. }) => self.stale(got),
            Err(WireError::Malformed(detail)) => self.down(format!(
                "The analysis engine sent a message this page cannot read ({detail}). Reload the page."
            )),
        }
    }

    fn ready(self: &Rc<Self>, version: u32) {
        if version != PROTOCOL_VERSION {
            return self.stale(version);
        }
        let running =
            match std::mem::replace(&mut *self.state.borrow_mut(), State::Down(String::new())) {
                State::Starting(r) | State::Ready(r) => r,
                State::Down(why) => {
                    *self.state.borrow_mut() = State::Down(why);
                    return;
                }
            };
        let outbox = std::mem::take(&mut *self.outbox.borrow_mut());
        for (_, bytes, file) in outbox {
            post(&running.worker, &bytes, file.as_ref());
        }
        *self.state.borrow_mut() = State::Ready(running);
    }

    /// A worker of another protocol version: start a fresh one, or give up with a sentence.
    fn stale(self: &Rc<Self>, got: u32) {
        if self.stale_restarts.get() >= STALE_RESTARTS {
            return self.down(format!(
                "The analysis engine is of another version ({got}) than this page ({PROTOCOL_VERSION}): an old copy is cached. Reload the page."
            ));
        }
        self.stale_restarts.set(self.stale_restarts.get() + 1);
        if let State::Starting(r) | State::Ready(r) = &*self.state.borrow() {
            r.worker.terminate();
        }
        // What waits in the outbox goes to the fresh worker; a request the stale one already had is
        // failed (it was never read as this version).
        let waiting: Vec<RequestId> = self.outbox.borrow().iter().map(|m| m.0).collect();
        let sent: Vec<RequestId> = self
            .pending
            .borrow()
            .keys()
            .filter(|id| !waiting.contains(id))
            .copied()
            .collect();
        for id in sent {
            if let Some(p) = self.pending.borrow_mut().remove(&id) {
                let _ = p.done.send(down_reply(
                    "The analysis engine was started again; ask again.",
                ));
            }
        }
        self.spawn();
    }

    fn deliver(&self, envelope: Envelope<Reply>) {
        if envelope.body.is_final() {
            if let Some(p) = self.pending.borrow_mut().remove(&envelope.id) {
                let _ = p.done.send(envelope.body);
            }
        } else if let Reply::Progress { progress } = envelope.body {
            let on_progress = self
                .pending
                .borrow()
                .get(&envelope.id)
                .map(|p| Rc::clone(&p.on_progress));
            if let Some(on_progress) = on_progress {
                on_progress(progress);
            }
        }
    }

    fn send(&self, id: RequestId, bytes: Vec<u8>, file: Option<web_sys::File>) {
        match &*self.state.borrow() {
            State::Ready(r) => post(&r.worker, &bytes, file.as_ref()),
            State::Starting(_) => self.outbox.borrow_mut().push((id, bytes, file)),
            State::Down(_) => {}
        }
    }

    pub async fn call(
        &self,
        envelope: Envelope<Request>,
        file: Option<web_sys::File>,
        on_progress: OnProgress,
    ) -> Result<Reply, DoorError> {
        if let State::Down(why) = &*self.state.borrow() {
            return Err(DoorError::Down(why.clone()));
        }
        let (done, answer) = oneshot::channel();
        self.pending
            .borrow_mut()
            .insert(envelope.id, Pending { on_progress, done });
        self.send(envelope.id, wire::encode(&envelope), file);
        match answer.await {
            Ok(reply) => match down_why(&reply) {
                Some(why) => Err(DoorError::Down(why)),
                None => Ok(reply),
            },
            Err(_) => Err(DoorError::Down(
                "The analysis engine stopped before it answered.".to_owned(),
            )),
        }
    }

    pub fn cancel(&self, envelope: Envelope<Request>) {
        self.send(envelope.id, wire::encode(&envelope), None);
    }

    /// The caller stopped waiting for `id`.
    pub fn forget_pending(&self, id: RequestId) {
        self.pending.borrow_mut().remove(&id);
    }
}

fn post(worker: &web_sys::Worker, bytes: &[u8], file: Option<&web_sys::File>) {
    let array = Uint8Array::from(bytes);
    let message = Object::new();
    let _ = Reflect::set(&message, &"bytes".into(), &array.buffer());
    if let Some(file) = file {
        let _ = Reflect::set(&message, &"file".into(), file);
    }
    let _ = worker.post_message_with_transfer(&message, &Array::of1(&array.buffer()));
}

/// The door's own "the engine is down" reply, told apart from the engine's answers by its marker.
const DOWN: &str = "pipelens-door-down";

fn down_reply(why: &str) -> Reply {
    Reply::Failed {
        error: crate::engine::EngineError::Protocol {
            detail: DOWN.to_owned(),
        },
        message: why.to_owned(),
    }
}

fn down_why(reply: &Reply) -> Option<String> {
    match reply {
        Reply::Failed {
            error: crate::engine::EngineError::Protocol { detail },
            message,
        } if detail == DOWN => Some(message.clone()),
        _ => None,
    }
}
