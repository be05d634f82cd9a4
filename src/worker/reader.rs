//! Reads a browser `File` into memory inside the worker, a slice at a time with `FileReaderSync`, so the
//! page never holds or copies the bytes, progress is reported while a large file is read, and a Cancel
//! stops it between slices. The buffer is reserved once at the file's size (wasm memory grows in one
//! step, not page by page).

use js_sys::Uint8Array;
use web_sys::{Blob, FileReaderSync};

use crate::engine::EngineError;
use crate::engine::protocol::{ImportFile, Progress, Request, RequestId};

/// Bytes read per slice.
const SLICE_BYTES: u64 = 8 * 1024 * 1024;

pub struct FileRead {
    id: RequestId,
    request: Option<ImportFile>,
    file: Blob,
    size_bytes: u64,
    bytes: Vec<u8>,
}

impl FileRead {
    pub fn new(id: RequestId, request: ImportFile, file: Blob) -> Self {
        let size_bytes = file.size() as u64;
        FileRead {
            id,
            request: Some(request),
            file,
            size_bytes,
            bytes: Vec::new(),
        }
    }

    pub fn id(&self) -> RequestId {
        self.id
    }

    pub fn progress(&self) -> Progress {
        super::reading(self.bytes.len() as u64, self.size_bytes)
    }

    fn failed(&self, detail: impl std::fmt::Debug) -> EngineError {
        let name = self.request.as_ref().map_or("", |r| r.name.as_str());
        EngineError::BrowserRead {
            file: name.to_owned(),
            detail: format!("{detail:?}"),
        }
    }

    /// Reads the next slice; once the whole file is in, gives the import request with its bytes.
    pub fn step(&mut self) -> Result<Option<Request>, EngineError> {
        if self.bytes.capacity() == 0 && self.size_bytes > 0 {
            let size = usize::try_from(self.size_bytes).map_err(|e| self.failed(e))?;
            self.bytes
                .try_reserve_exact(size)
                .map_err(|e| self.failed(e))?;
        }
        let start = self.bytes.len() as u64;
        if start < self.size_bytes {
            let end = (start + SLICE_BYTES).min(self.size_bytes);
            let reader = FileReaderSync::new().map_err(|e| self.failed(e))?;
            let slice = self
                .file
                .slice_with_f64_and_f64(start as f64, end as f64)
                .map_err(|e| self.failed(e))?;
            let buffer = reader
                .read_as_array_buffer(&slice)
                .map_err(|e| self.failed(e))?;
            let chunk = Uint8Array::new(&buffer);
            let at = self.bytes.len();
            self.bytes.resize(at + chunk.length() as usize, 0);
            chunk.copy_to(&mut self.bytes[at..]);
            if (self.bytes.len() as u64) < self.size_bytes {
                return Ok(None);
            }
        }
        let Some(mut request) = self.request.take() else {
            return Err(self.failed("read twice"));
        };
        request.bytes = std::mem::take(&mut self.bytes);
        Ok(Some(Request::ImportFile(request)))
    }
}
