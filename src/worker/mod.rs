//! The engine's Web Worker: the message loop that runs the [`Session`] off the page's main thread.
//!
//! The page posts `{bytes, file?}`: `bytes` is a wire envelope ([`wire`]) in a transferred `ArrayBuffer`,
//! `file` the `File` handle of an import (structured-cloned, so its bytes are never copied through the
//! page). The worker answers `{bytes}` the same way, and announces itself with `{ready: version}` once its
//! handler is installed (messages posted before that would be dropped, so the page waits for it).
//!
//! Work is done in ticks: each tick runs slices of the current job for a few milliseconds, posts the
//! latest progress, and yields to the worker's event loop (a `MessageChannel` round trip, which is not
//! clamped like `setTimeout`), so a Cancel that arrives is seen before the next slice. Jobs run one at a
//! time, in the order they arrived. A file is read here in slices ([`reader`]) before the session imports
//! it. gloo-worker is not used: its codec serialises messages, which cannot carry `File` handles or
//! transfer buffers.

mod reader;

use std::cell::RefCell;
use std::collections::VecDeque;

use js_sys::{Array, ArrayBuffer, Object, Reflect, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{DedicatedWorkerGlobalScope, MessageChannel, MessageEvent};

use crate::engine::EngineError;
use crate::engine::protocol::wire::{self, WireError};
use crate::engine::protocol::{
    Envelope, PROTOCOL_VERSION, Progress, Reply, Request, RequestId, Stage,
};
use crate::engine::session::{Job, Session};
use reader::FileRead;

/// How long one tick works before it yields to the event loop.
const TICK_MS: f64 = 25.0;

/// A request waiting for its turn.
struct Queued {
    envelope: Envelope<Request>,
    file: Option<web_sys::Blob>,
}

/// What the worker is doing now.
enum Active {
    /// The browser's file is being read into memory before the session imports it.
    Reading(Box<FileRead>),
    Engine(Job),
}

struct Loop {
    scope: DedicatedWorkerGlobalScope,
    session: Session,
    queue: VecDeque<Queued>,
    active: Option<Active>,
    /// A tick is already scheduled.
    scheduled: bool,
    /// Posting to `wake` runs a tick.
    wake: web_sys::MessagePort,
}

thread_local! {
    static LOOP: RefCell<Option<Loop>> = const { RefCell::new(None) };
}

/// Starts the message loop; called once by the worker binary.
pub fn run() {
    let Ok(scope) = js_sys::global().dyn_into::<DedicatedWorkerGlobalScope>() else {
        web_sys::console::error_1(&"pipelens-worker must run in a dedicated worker".into());
        return;
    };
    let Ok(channel) = MessageChannel::new() else {
        return;
    };
    let tick = Closure::<dyn FnMut(MessageEvent)>::new(|_| tick());
    channel
        .port1()
        .set_onmessage(Some(tick.as_ref().unchecked_ref()));
    tick.forget();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(received);
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    let ready = Object::new();
    let _ = Reflect::set(&ready, &"ready".into(), &PROTOCOL_VERSION.into());
    let _ = scope.post_message(&ready);
    LOOP.with(|l| {
        *l.borrow_mut() = Some(Loop {
            scope,
            session: Session::new(),
            queue: VecDeque::new(),
            active: None,
            scheduled: false,
            wake: channel.port2(),
        })
    });
}

/// A message from the page.
fn received(event: MessageEvent) {
    let data = event.data();
    let bytes = Reflect::get(&data, &"bytes".into())
        .ok()
        .filter(|b| b.is_instance_of::<ArrayBuffer>())
        .map(|b| Uint8Array::new(&b).to_vec());
    let file = Reflect::get(&data, &"file".into())
        .ok()
        .and_then(|f| f.dyn_into::<web_sys::Blob>().ok());
    LOOP.with(|l| {
        let mut l = l.borrow_mut();
        let Some(l) = l.as_mut() else { return };
        let Some(bytes) = bytes else {
            l.post(&Envelope::new(
                0,
                protocol_error("a message without bytes".to_owned()),
            ));
            return;
        };
        match wire::decode::<Request>(&bytes) {
            Ok(envelope) => l.accept(envelope, file),
            Err(WireError::Version { got, id }) => l.post(&Envelope::new(
                id.unwrap_or(0),
                Reply::from_result(Err(EngineError::ProtocolVersion {
                    got,
                    expected: PROTOCOL_VERSION,
                })),
            )),
            Err(WireError::Malformed(detail)) => {
                l.post(&Envelope::new(0, protocol_error(detail)));
            }
        }
    });
}

fn protocol_error(detail: String) -> Reply {
    Reply::from_result(Err(EngineError::Protocol { detail }))
}

/// Runs the current job for one tick.
fn tick() {
    LOOP.with(|l| {
        let mut l = l.borrow_mut();
        if let Some(l) = l.as_mut() {
            l.scheduled = false;
            l.work();
        }
    });
}

impl Loop {
    fn post(&self, envelope: &Envelope<Reply>) {
        let bytes = Uint8Array::from(wire::encode(envelope).as_slice());
        let message = Object::new();
        let _ = Reflect::set(&message, &"bytes".into(), &bytes.buffer());
        let _ = self
            .scope
            .post_message_with_transfer(&message, &Array::of1(&bytes.buffer()));
    }

    /// A request arrives: a Cancel acts at once, everything else waits its turn.
    fn accept(&mut self, envelope: Envelope<Request>, file: Option<web_sys::Blob>) {
        if let Request::Cancel(cancel) = &envelope.body {
            let target = cancel.request_id;
            // A request still queued or reading a file is not the session's yet: end it here.
            let queued = self.queue.iter().position(|q| q.envelope.id == target);
            let reading = matches!(&self.active, Some(Active::Reading(r)) if r.id() == target);
            if let Some(ix) = queued {
                self.queue.remove(ix);
                self.post(&cancelled(target));
            } else if reading {
                self.active = None;
                self.post(&cancelled(target));
                self.schedule();
            }
            // The session notes it too (a job it holds stops at its next slice) and answers the Cancel.
            let id = envelope.id;
            let mut job = self.session.begin(envelope);
            let reply = self.session.step(&mut job);
            self.post(&Envelope::new(id, reply.body));
            return;
        }
        self.queue.push_back(Queued { envelope, file });
        self.schedule();
    }

    fn schedule(&mut self) {
        if !self.scheduled {
            self.scheduled = true;
            let _ = self.wake.post_message(&JsValue::NULL);
        }
    }

    fn now() -> f64 {
        js_sys::global()
            .dyn_into::<web_sys::WorkerGlobalScope>()
            .ok()
            .and_then(|s| s.performance())
            .map_or(0.0, |p| p.now())
    }

    /// Slices of work for up to [`TICK_MS`], then the latest progress, then a yield.
    fn work(&mut self) {
        let start = Self::now();
        let mut progress: Option<Envelope<Reply>> = None;
        loop {
            if self.active.is_none() {
                let Some(next) = self.queue.pop_front() else {
                    break;
                };
                self.active = Some(self.begin(next));
            }
            let reply = match self.active.as_mut() {
                Some(Active::Reading(read)) => match read.step() {
                    Ok(None) => Envelope::new(
                        read.id(),
                        Reply::Progress {
                            progress: read.progress(),
                        },
                    ),
                    Ok(Some(request)) => {
                        let id = read.id();
                        self.active = Some(Active::Engine(
                            self.session.begin(Envelope::new(id, request)),
                        ));
                        continue;
                    }
                    Err(error) => {
                        let id = read.id();
                        self.active = None;
                        Envelope::new(id, Reply::from_result(Err(error)))
                    }
                },
                Some(Active::Engine(job)) => self.session.step(job),
                None => break,
            };
            if reply.body.is_final() {
                if let Some(p) = progress.take()
                    && p.id != reply.id
                {
                    self.post(&p);
                }
                self.active = None;
                self.post(&reply);
            } else {
                progress = Some(reply);
            }
            if Self::now() - start >= TICK_MS {
                break;
            }
        }
        if let Some(p) = progress {
            self.post(&p);
        }
        if self.active.is_some() || !self.queue.is_empty() {
            self.schedule();
        }
    }

    /// Starts a queued request: an import with a file handle reads it first.
    fn begin(&mut self, queued: Queued) -> Active {
        match (queued.envelope.body, queued.file) {
            (Request::ImportFile(import), Some(file)) if import.bytes.is_empty() => {
                Active::Reading(Box::new(FileRead::new(queued.envelope.id, import, file)))
            }
            (body, _) => {
                Active::Engine(self.session.begin(Envelope::new(queued.envelope.id, body)))
            }
        }
    }
}

fn cancelled(request_id: RequestId) -> Envelope<Reply> {
    Envelope::new(
        request_id,
        Reply::from_result(Err(EngineError::Cancelled { request_id })),
    )
}

/// Progress of a file being read, in the protocol's terms.
fn reading(done: u64, total: u64) -> Progress {
    Progress {
        stage: Stage::Reading,
        done,
        total,
        rows: 0,
    }
}
