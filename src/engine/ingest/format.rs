//! Format: what kind of file the bytes are — text to parse, a spreadsheet for calamine, or something that
//! is not an export at all (an image, a PDF, an archive), decided from the leading bytes.

/// What the bytes of a file hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Delimited text (CSV, TSV, …) in some encoding.
    Text,
    /// A zip container: XLSX or ODS when it holds a workbook (decided by [`crate::engine::ingest::xlsx`]).
    Zip,
    /// An Excel 97–2003 workbook (OLE compound file).
    Xls,
    /// A recognisable non-export file: the name of what it is.
    Other(&'static str),
}

/// Known leading bytes of files people drop by mistake.
const MAGIC: &[(&[u8], &str)] = &[
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"SQLite format 3\0", "an SQLite database"),
    (b"\x7fELF", "a program (ELF)"),
    (b"RIFF", "a RIFF media file"),
    (b"\0\0\0\x18ftyp", "an MP4 video"),
    (b"\0\0\0\x20ftyp", "an MP4 video"),
];

pub fn detect(bytes: &[u8]) -> Format {
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return Format::Zip;
    }
    if bytes.starts_with(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1") {
        return Format::Xls;
    }
    for (magic, name) in MAGIC {
        if bytes.starts_with(magic) {
            return Format::Other(name);
        }
    }
    Format::Text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_containers_and_mistakes() {
        assert_eq!(detect(b"PK\x03\x04rest"), Format::Zip);
        assert_eq!(detect(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1..."), Format::Xls);
        assert_eq!(
            detect(b"\x89PNG\r\n\x1a\n...."),
            Format::Other("a PNG image")
        );
        assert_eq!(detect(b"%PDF-1.7"), Format::Other("a PDF document"));
        assert_eq!(detect(b"Name,Amount\n"), Format::Text);
        assert_eq!(detect(b""), Format::Text);
    }
}
