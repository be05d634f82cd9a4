//! Envelopes as bytes: what crosses between the page and the worker (as a transferred `ArrayBuffer`), and
//! what the local door and the tests pass through so they exercise the same form. JSON, because it is
//! self-describing (the enums are tagged by `type`), already the CLI's contract, and exact for floats.
//!
//! The version is read before the body: a message from a page or worker of another version is reported
//! as [`WireError::Version`] with its id, never misread as a message of this version.

use serde::{Deserialize, Serialize, de::DeserializeOwned};

use crate::engine::protocol::{Envelope, PROTOCOL_VERSION, RequestId};

/// Why bytes could not be read as an envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WireError {
    /// A message of another protocol version (a stale worker or page): its id, when it could be read.
    Version { got: u32, id: Option<RequestId> },
    /// Not an envelope of this version at all (a bug, never user data).
    Malformed(String),
}

impl std::fmt::Display for WireError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WireError::Version { got, .. } => write!(
                f,
                "a message of protocol version {got} arrived where version {PROTOCOL_VERSION} is spoken"
            ),
            WireError::Malformed(detail) => write!(f, "a message could not be read: {detail}"),
        }
    }
}

#[derive(Deserialize)]
struct Head {
    v: u32,
    #[serde(default)]
    id: Option<RequestId>,
}

/// The bytes of an envelope.
pub fn encode<T: Serialize>(envelope: &Envelope<T>) -> Vec<u8> {
    // Serializing our own types into a Vec cannot fail: every map key is a string and no Serialize impl
    // of ours returns an error.
    serde_json::to_vec(envelope).unwrap_or_default()
}

/// An envelope of this protocol version out of its bytes.
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<Envelope<T>, WireError> {
    let head: Head =
        serde_json::from_slice(bytes).map_err(|e| WireError::Malformed(e.to_string()))?;
    if head.v != PROTOCOL_VERSION {
        return Err(WireError::Version {
            got: head.v,
            id: head.id,
        });
    }
    serde_json::from_slice(bytes).map_err(|e| WireError::Malformed(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::protocol::{Cancel, Reply, Request};

    #[test]
    fn an_envelope_round_trips_and_keeps_its_type_tag() {
        let envelope = Envelope::new(7, Request::from(Cancel { request_id: 3 }));
        let bytes = encode(&envelope);
        assert_eq!(
            std::str::from_utf8(&bytes).unwrap(),
            format!(
                r#"{{"v":{PROTOCOL_VERSION},"id":7,"body":{{"type":"cancel","request_id":3}}}}"#
            )
        );
        assert_eq!(decode::<Request>(&bytes), Ok(envelope));
    }

    #[test]
    fn another_version_is_reported_with_its_id_before_the_body_is_read() {
        let bytes = br#"{"v":1,"id":42,"body":{"type":"a_message_of_the_past"}}"#;
        assert_eq!(
            decode::<Reply>(bytes),
            Err(WireError::Version {
                got: 1,
                id: Some(42)
            })
        );
        assert!(matches!(
            decode::<Reply>(b"not json"),
            Err(WireError::Malformed(_))
        ));
    }
}
