//! The door's local transport: the session on this thread, a slice at a time, yielding to the browser
//! between slices. Every reply still goes through the wire's bytes, so what the tests see is what the
//! worker would post.

use std::cell::RefCell;

use gloo::timers::future::TimeoutFuture;

use super::{DoorError, OnProgress, Replied, Transport};
use crate::engine::protocol::wire;
use crate::engine::protocol::{Envelope, Reply, Request};
use crate::engine::session::Session;

#[derive(Default)]
pub struct Local {
    session: RefCell<Session>,
}

impl Transport for Local {
    fn call(
        &self,
        envelope: Envelope<Request>,
        file: Option<web_sys::File>,
        on_progress: OnProgress,
    ) -> Replied<'_> {
        Box::pin(self.run(envelope, file, on_progress))
    }

    fn cancel(&self, envelope: Envelope<Request>) {
        let mut session = self.session.borrow_mut();
        let mut job = session.begin(envelope);
        let _noted = session.step(&mut job);
    }

    fn restart(&self) {
        *self.session.borrow_mut() = Session::new();
    }
}

impl Local {
    async fn run(
        &self,
        envelope: Envelope<Request>,
        file: Option<web_sys::File>,
        on_progress: OnProgress,
    ) -> Result<Reply, DoorError> {
        let mut envelope = cross(&envelope)?;
        if let (Request::ImportFile(import), Some(file)) = (&mut envelope.body, file) {
            let file = gloo::file::File::from(file);
            import.bytes = gloo::file::futures::read_as_bytes(&file)
                .await
                .map_err(|e| DoorError::Wire(format!("the browser could not read a file: {e}")))?;
        }
        // The session is borrowed only inside each statement, never across an await.
        let mut job = self.session.borrow_mut().begin(envelope);
        loop {
            let reply = self.session.borrow_mut().step(&mut job);
            let reply = cross(&reply)?.body;
            if reply.is_final() {
                return Ok(reply);
            }
            if let Reply::Progress { progress } = reply {
                on_progress(progress);
            }
            TimeoutFuture::new(0).await;
        }
    }
}

/// An envelope through its bytes and back.
fn cross<T: serde::Serialize + serde::de::DeserializeOwned>(
    envelope: &Envelope<T>,
) -> Result<Envelope<T>, DoorError> {
    wire::decode(&wire::encode(envelope)).map_err(|e| DoorError::Wire(e.to_string()))
}
