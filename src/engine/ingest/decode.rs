//! Decoding: from the bytes of an export to UTF-8 text, deciding the encoding from the byte-order mark and
//! the bytes themselves, and saying what was assumed.

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};

/// Text decoded from a file, with the encoding used and the assumptions made.
pub struct Decoded {
    pub text: String,
    pub encoding: &'static Encoding,
    pub warnings: Vec<String>,
}

/// Decodes a whole file: a BOM decides; else valid UTF-8 is UTF-8 (no copy); else Windows-1252, stated.
pub fn decode(bytes: Vec<u8>) -> Decoded {
    if let Some((encoding, bom_len)) = Encoding::for_bom(&bytes) {
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        let mut warnings = Vec::new();
        if had_errors {
            warnings.push(format!(
                "Some bytes are not valid {}; they were replaced with \u{FFFD}.",
                encoding.name()
            ));
        }
        return Decoded {
            text: text.into_owned(),
            encoding,
            warnings,
        };
    }
    match String::from_utf8(bytes) {
        Ok(text) => Decoded {
            text,
            encoding: UTF_8,
            warnings: Vec::new(),
        },
        Err(not_utf8) => {
            let bytes = not_utf8.into_bytes();
            let (text, _, _) = WINDOWS_1252.decode(&bytes);
            Decoded {
                text: text.into_owned(),
                encoding: WINDOWS_1252,
                warnings: vec![
                    "The file is not UTF-8; it was read as Windows-1252 (ISO-8859-1), the usual encoding of Excel and Salesforce exports.".to_owned(),
                ],
            }
        }
    }
}
