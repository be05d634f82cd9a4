//! Decoding: from an export's bytes to UTF-8 text, a chunk at a time.
//!
//! The encoding is decided once, from a byte-order mark or from the first megabytes ([`decide`]); the
//! decision is stated as a sentence for the import report. [`TextDecoder`] then turns chunks into UTF-8,
//! replacing each invalid byte (and each NUL byte) with U+FFFD and remembering where, so the report can name
//! the rows. A late surprise — a file whose first megabytes were plain ASCII but which later holds a byte
//! that is not UTF-8 — is not silently mangled: [`LateSurprise`] makes the caller re-read the file as
//! Windows-1252 and say so.

use encoding_rs::{CoderResult, Decoder, Encoding, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252};

use crate::engine::EngineError;

/// Bytes looked at to decide the encoding.
pub const SAMPLE_BYTES: usize = 4 * 1024 * 1024;

/// Bytes looked at for binary content and UTF-16 without a byte-order mark.
const PROBE_BYTES: usize = 64 * 1024;

/// The encoding chosen for a file, and why.
#[derive(Debug, Clone)]
pub struct EncodingDecision {
    pub encoding: &'static Encoding,
    /// Length of the byte-order mark to skip.
    pub bom_len: usize,
    /// The sample held only ASCII, so UTF-8 was a guess that later bytes may contradict.
    pub ascii_only_sample: bool,
    /// The user chose the encoding; never second-guessed.
    pub forced: bool,
    /// One sentence for the report.
    pub reason: String,
}

/// Decides the encoding of `bytes`, or refuses bytes that are not text.
pub fn decide(
    name: &str,
    bytes: &[u8],
    forced: Option<&'static Encoding>,
) -> Result<EncodingDecision, EngineError> {
    let bom = Encoding::for_bom(bytes);
    if let Some(encoding) = forced {
        let bom_len = match bom {
            Some((bom_encoding, len)) if bom_encoding == encoding => len,
            _ => 0,
        };
        return Ok(EncodingDecision {
            encoding,
            bom_len,
            ascii_only_sample: false,
            forced: true,
            reason: format!("Read as {}, as you chose.", encoding.name()),
        });
    }
    if let Some((encoding, bom_len)) = bom {
        return Ok(EncodingDecision {
            encoding,
            bom_len,
            ascii_only_sample: false,
            forced: false,
            reason: format!(
                "Read as {}: the file starts with its byte-order mark.",
                encoding.name()
            ),
        });
    }
    let probe = &bytes[..bytes.len().min(PROBE_BYTES)];
    if let Some(encoding) = utf16_without_bom(probe) {
        return Ok(EncodingDecision {
            encoding,
            bom_len: 0,
            ascii_only_sample: false,
            forced: false,
            reason: format!(
                "Read as {}: there is no byte-order mark, but every other byte is zero, as in UTF-16 text.",
                encoding.name()
            ),
        });
    }
    let controls = probe.iter().filter(|&&b| is_binary_control(b)).count();
    if !probe.is_empty() && controls * 20 > probe.len() {
        return Err(EngineError::NotText {
            file: name.to_owned(),
            detail: format!(
                "{}% of its first {} bytes are control characters",
                controls * 100 / probe.len(),
                probe.len()
            ),
        });
    }
    let sample = &bytes[..bytes.len().min(SAMPLE_BYTES)];
    let truncated = sample.len() < bytes.len();
    let evidence = utf8_evidence(sample, truncated);
    if evidence.invalid == 0 {
        return Ok(utf8_decision(evidence.multibyte == 0, truncated));
    }
    // A few bad bytes among many good multi-byte characters: a UTF-8 file with damage, not a legacy one.
    if evidence.multibyte >= 4 && evidence.invalid * 2 <= evidence.multibyte {
        return Ok(EncodingDecision {
            encoding: UTF_8,
            bom_len: 0,
            ascii_only_sample: false,
            forced: false,
            reason: format!(
                "Read as UTF-8: {} characters are valid UTF-8, but {} byte(s) are not; those were replaced with \u{FFFD} and their rows are listed.",
                evidence.multibyte, evidence.invalid
            ),
        });
    }
    let at = evidence.first_invalid;
    let line = 1 + memchr_count(b'\n', &sample[..at.min(sample.len())]);
    let byte = sample.get(at).copied().unwrap_or(0);
    Ok(EncodingDecision {
        encoding: WINDOWS_1252,
        bom_len: 0,
        ascii_only_sample: false,
        forced: false,
        reason: format!(
            "Read as Windows-1252 (ISO-8859-1), the usual encoding of exports saved by Excel or Salesforce on Windows: the file is not UTF-8 (byte 0x{byte:02X} on line {line} is not valid UTF-8). If accented letters look wrong, choose another encoding."
        ),
    })
}

/// How much of a sample reads as UTF-8.
struct Utf8Evidence {
    /// Valid characters of two or more bytes.
    multibyte: usize,
    /// Invalid sequences.
    invalid: usize,
    first_invalid: usize,
}

fn utf8_evidence(sample: &[u8], truncated: bool) -> Utf8Evidence {
    let mut evidence = Utf8Evidence {
        multibyte: 0,
        invalid: 0,
        first_invalid: 0,
    };
    let mut rest = sample;
    let mut offset = 0;
    loop {
        let (valid, error) = match std::str::from_utf8(rest) {
            Ok(valid) => (valid, None),
            Err(e) => (
                std::str::from_utf8(&rest[..e.valid_up_to()]).unwrap_or_default(),
                Some(e),
            ),
        };
        if !valid.is_ascii() {
            evidence.multibyte += valid.chars().filter(|c| c.len_utf8() > 1).count();
        }
        let Some(error) = error else { return evidence };
        match error.error_len() {
            // A character cut in two by the end of the sample is not evidence against UTF-8.
            None if truncated => return evidence,
            error_len => {
                if evidence.invalid == 0 {
                    evidence.first_invalid = offset + error.valid_up_to();
                }
                evidence.invalid += 1;
                let skip = error.valid_up_to()
                    + error_len.unwrap_or(rest.len() - error.valid_up_to()).max(1);
                let skip = skip.min(rest.len());
                offset += skip;
                rest = &rest[skip..];
                if rest.is_empty() {
                    return evidence;
                }
            }
        }
    }
}

fn utf8_decision(ascii_only: bool, truncated: bool) -> EncodingDecision {
    let scope = if truncated {
        "the first 4 MB"
    } else {
        "the whole file"
    };
    let reason = if ascii_only {
        format!(
            "Read as UTF-8: {scope} holds only plain ASCII characters, which read the same in every common encoding."
        )
    } else {
        format!("Read as UTF-8: there is no byte-order mark, and {scope} is valid UTF-8.")
    };
    EncodingDecision {
        encoding: UTF_8,
        bom_len: 0,
        ascii_only_sample: ascii_only,
        forced: false,
        reason,
    }
}

/// Control bytes that do not occur in text exports (tab, line feed, form feed and carriage return do).
fn is_binary_control(b: u8) -> bool {
    (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c)) || b == 0x7f
}

/// UTF-16 without a byte-order mark: most characters of an export are ASCII, so one byte of each pair is
/// zero — the second in little-endian, the first in big-endian.
fn utf16_without_bom(probe: &[u8]) -> Option<&'static Encoding> {
    let pairs = probe.len() / 2;
    if pairs < 8 {
        return None;
    }
    let even_zero = probe.iter().step_by(2).filter(|&&b| b == 0).count();
    let odd_zero = probe.iter().skip(1).step_by(2).filter(|&&b| b == 0).count();
    if odd_zero * 10 >= pairs * 7 && even_zero * 20 < pairs {
        Some(UTF_16LE)
    } else if even_zero * 10 >= pairs * 7 && odd_zero * 20 < pairs {
        Some(UTF_16BE)
    } else {
        None
    }
}

pub fn memchr_count(needle: u8, haystack: &[u8]) -> usize {
    memchr::memchr_iter(needle, haystack).count()
}

/// Why a byte was replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Replaced {
    /// Not valid in the file's encoding.
    Invalid,
    /// A NUL byte, which no export means; replaced with a space.
    Nul,
}

/// A file chosen as UTF-8 from an ASCII-only sample held a byte that is not UTF-8 further on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LateSurprise {
    /// Offset of the byte in the file.
    pub byte_offset: u64,
    pub byte: u8,
}

/// Streaming decoder to UTF-8 that records where it replaced bytes (invalid bytes with U+FFFD, NUL bytes
/// with a space).
pub struct TextDecoder {
    utf8: bool,
    decoder: Decoder,
    /// Bytes of a UTF-8 character split across chunks.
    pending: Vec<u8>,
    /// The decision may be revised if a non-UTF-8 byte turns up (see [`LateSurprise`]).
    revisable: bool,
    /// Input bytes consumed so far.
    in_offset: u64,
    /// UTF-8 bytes produced so far.
    out_offset: u64,
    /// Offsets in the decoded text where U+FFFD was written, in order.
    pub replacements: Vec<(u64, Replaced)>,
    /// Replacements beyond [`MAX_REPLACEMENTS`], counted only.
    pub replacements_unlisted: u64,
}

/// Replacements remembered with their offsets.
const MAX_REPLACEMENTS: usize = 1_000_000;

const REPLACEMENT: &[u8] = "\u{FFFD}".as_bytes();

impl TextDecoder {
    pub fn new(decision: &EncodingDecision) -> Self {
        TextDecoder {
            utf8: decision.encoding == UTF_8,
            decoder: decision.encoding.new_decoder_without_bom_handling(),
            pending: Vec::new(),
            revisable: decision.ascii_only_sample && !decision.forced,
            in_offset: decision.bom_len as u64,
            out_offset: 0,
            replacements: Vec::new(),
            replacements_unlisted: 0,
        }
    }

    /// Decodes `input` (the next bytes of the file, BOM already skipped) and returns its UTF-8 text:
    /// `input` itself when it is already clean UTF-8 (no copy), else the text written into `scratch`
    /// (cleared first). `last` marks the end of the file.
    pub fn decode_chunk<'a>(
        &mut self,
        input: &'a [u8],
        last: bool,
        scratch: &'a mut Vec<u8>,
    ) -> Result<&'a [u8], LateSurprise> {
        scratch.clear();
        let clean = self.utf8
            && self.pending.is_empty()
            && std::str::from_utf8(input).is_ok_and(|text| {
                // A chunk that settles an ASCII-only guess must take the slow path once.
                !self.revisable || text.is_ascii()
            })
            && memchr::memchr(0, input).is_none();
        if clean {
            self.in_offset += input.len() as u64;
            self.out_offset += input.len() as u64;
            return Ok(input);
        }
        self.decode(input, last, scratch)?;
        Ok(scratch)
    }

    /// Decodes `input` (the next bytes of the file, BOM already skipped) and appends UTF-8 to `out`.
    /// `last` marks the end of the file.
    pub fn decode(
        &mut self,
        input: &[u8],
        last: bool,
        out: &mut Vec<u8>,
    ) -> Result<(), LateSurprise> {
        let start = out.len();
        if self.utf8 {
            self.decode_utf8(input, last, start, out)?;
        } else {
            self.decode_other(input, last, start, out);
        }
        self.in_offset += input.len() as u64;
        // A NUL byte becomes a space: one byte for one, so offsets noted above stay true.
        if let Some(first) = memchr::memchr(0, &out[start..]) {
            let base = self.out_offset;
            for (at, byte) in out[start..].iter_mut().enumerate().skip(first) {
                if *byte == 0 {
                    *byte = b' ';
                    let offset = base + at as u64;
                    if self.replacements.len() < MAX_REPLACEMENTS {
                        self.replacements.push((offset, Replaced::Nul));
                    } else {
                        self.replacements_unlisted += 1;
                    }
                }
            }
            self.replacements.sort_by_key(|&(offset, _)| offset);
        }
        self.out_offset += (out.len() - start) as u64;
        Ok(())
    }

    fn decode_utf8(
        &mut self,
        input: &[u8],
        last: bool,
        start: usize,
        out: &mut Vec<u8>,
    ) -> Result<(), LateSurprise> {
        let joined;
        let pending_len = self.pending.len() as u64;
        let mut rest: &[u8] = if self.pending.is_empty() {
            input
        } else {
            let mut buffer = std::mem::take(&mut self.pending);
            buffer.extend_from_slice(input);
            joined = buffer;
            &joined
        };
        // File offset of `rest[0]`.
        let rest_base = self.in_offset - pending_len;
        let total = rest.len();
        loop {
            match std::str::from_utf8(rest) {
                Ok(valid) => {
                    if self.revisable && !valid.is_ascii() {
                        self.revisable = false;
                    }
                    out.extend_from_slice(rest);
                    return Ok(());
                }
                Err(e) => {
                    let (valid, tail) = rest.split_at(e.valid_up_to());
                    if self.revisable && !valid.is_ascii() {
                        self.revisable = false;
                    }
                    out.extend_from_slice(valid);
                    match e.error_len() {
                        None if !last => {
                            self.pending = tail.to_vec();
                            return Ok(());
                        }
                        error_len => {
                            if self.revisable {
                                let byte_offset = rest_base + (total - tail.len()) as u64;
                                return Err(LateSurprise {
                                    byte_offset,
                                    byte: tail.first().copied().unwrap_or(0),
                                });
                            }
                            let skip = error_len.unwrap_or(tail.len()).clamp(1, tail.len().max(1));
                            self.note(
                                self.out_offset + (out.len() - start) as u64,
                                Replaced::Invalid,
                            );
                            out.extend_from_slice(REPLACEMENT);
                            rest = tail.get(skip..).unwrap_or_default();
                        }
                    }
                }
            }
        }
    }

    fn decode_other(&mut self, input: &[u8], last: bool, start: usize, out: &mut Vec<u8>) {
        let mut rest = input;
        loop {
            let room = self
                .decoder
                .max_utf8_buffer_length(rest.len())
                .unwrap_or(rest.len() * 3 + 16);
            let len = out.len();
            out.resize(len + room, 0);
            let (result, read, written, replaced) =
                self.decoder.decode_to_utf8(rest, &mut out[len..], last);
            out.truncate(len + written);
            if replaced {
                let mut at = len;
                while let Some(found) = find(&out[at..], REPLACEMENT) {
                    let offset = (at + found - start) as u64;
                    self.note(self.out_offset + offset, Replaced::Invalid);
                    at += found + REPLACEMENT.len();
                }
            }
            rest = &rest[read..];
            if result == CoderResult::InputEmpty {
                return;
            }
        }
    }

    fn note(&mut self, offset: u64, why: Replaced) {
        if self.replacements.len() < MAX_REPLACEMENTS {
            self.replacements.push((offset, why));
        } else {
            self.replacements_unlisted += 1;
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
