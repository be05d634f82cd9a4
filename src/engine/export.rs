//! Export: text that leaves pipelens for a spreadsheet. One rule for the CLI's CSV and the browser's: a
//! cell can never be run as a formula (formula injection), and quoting follows RFC 4180.

/// One CSV cell: `=`, `+`, `-`, `@`, tab or CR first gets a leading quote; commas, quotes and line breaks
/// are quoted.
pub fn csv_cell(text: &str) -> String {
    let guarded = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

/// A CSV document from a header and rows of text cells (every cell guarded).
pub fn csv(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = headers
        .iter()
        .map(|h| csv_cell(h))
        .collect::<Vec<_>>()
        .join(",");
    out.push('\n');
    for row in rows {
        out.push_str(
            &row.iter()
                .map(|c| csv_cell(c))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_defused() {
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_cell("+1"), "'+1");
        assert_eq!(csv_cell("-2"), "'-2");
        assert_eq!(csv_cell("@SUM"), "'@SUM");
        assert_eq!(csv_cell("Dana, Reyes"), "\"Dana, Reyes\"");
        assert_eq!(csv_cell("Dana"), "Dana");
    }

    #[test]
    fn a_document_quotes_what_needs_it() {
        let doc = csv(
            &["rep", "note"],
            &[vec!["Ana".to_owned(), "a \"big\" deal".to_owned()]],
        );
        assert_eq!(doc, "rep,note\nAna,\"a \"\"big\"\" deal\"\n");
    }
}
