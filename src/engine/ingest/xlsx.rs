//! Spreadsheets: XLSX, XLS and ODS workbooks through calamine, after a guard that refuses zip bombs by
//! both their declared and their actual sizes. Every sheet is listed; the first visible sheet with data is
//! read unless the user picks another. Date cells become ISO dates in the workbook's own date system
//! (1900 or 1904), so no later layer has to guess their format.

use std::io::{Cursor, Read};

use calamine::{Data, Range, Reader, SheetType, SheetVisible, Sheets, open_workbook_auto_from_rs};

use crate::engine::EngineError;
use crate::engine::ingest::limits::{Limits, human_bytes};
use crate::engine::ingest::report::SheetInfo;

/// The sheet chosen from a workbook, with what the report says about the workbook.
pub struct Workbook {
    pub format: &'static str,
    pub sheets: Vec<SheetInfo>,
    pub sheet: String,
    pub range: Range<Data>,
    pub date_1904: bool,
    pub notes: Vec<String>,
}

/// Checks a zip container before anything inflates it: a workbook's parts must declare sizes within the
/// limits, and must not inflate beyond what they declare. Returns whether it holds a workbook and the
/// bytes of `xl/workbook.xml` when present (for its date system).
pub fn guard_zip(
    name: &str,
    bytes: &[u8],
    limits: &Limits,
) -> Result<Option<Vec<u8>>, EngineError> {
    let bomb = |detail: String| EngineError::ZipBomb {
        file: name.to_owned(),
        detail,
    };
    let mut archive =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| EngineError::Spreadsheet {
            file: name.to_owned(),
            detail: format!("the zip container is damaged ({e})"),
        })?;
    if archive.len() > 10_000 {
        return Err(bomb(format!("it holds {} parts", archive.len())));
    }
    let mut declared_total = 0u64;
    let mut workbook_part = None;
    let mut is_workbook = false;
    for i in 0..archive.len() {
        let entry = archive
            .by_index_raw(i)
            .map_err(|e| EngineError::Spreadsheet {
                file: name.to_owned(),
                detail: format!("part {i} is damaged ({e})"),
            })?;
        let part = entry.name().map(|n| n.into_owned()).unwrap_or_default();
        if part == "xl/workbook.xml" || part == "content.xml" || part == "xl/workbook.bin" {
            is_workbook = true;
        }
        let (declared, compressed) = (entry.size(), entry.compressed_size());
        declared_total = declared_total.saturating_add(declared);
        if declared_total > limits.max_unzipped_bytes {
            return Err(bomb(format!(
                "its parts declare more than {} once unpacked",
                human_bytes(limits.max_unzipped_bytes)
            )));
        }
        if declared > 1024 * 1024 && declared / compressed.max(1) > limits.max_zip_ratio {
            return Err(bomb(format!(
                "part '{part}' would expand {}-fold, more than any spreadsheet does",
                declared / compressed.max(1)
            )));
        }
    }
    if !is_workbook {
        return Ok(None);
    }
    // Actual sizes: inflate each part into nothing, never more than it declared.
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).map_err(|e| EngineError::Spreadsheet {
            file: name.to_owned(),
            detail: format!("part {i} is damaged ({e})"),
        })?;
        let declared = entry.size();
        let part = entry.name().map(|n| n.into_owned()).unwrap_or_default();
        let mut kept = Vec::new();
        let keep = part == "xl/workbook.xml";
        let mut limited = (&mut entry).take(declared.saturating_add(1));
        let actual = if keep {
            limited.read_to_end(&mut kept).map(|n| n as u64)
        } else {
            std::io::copy(&mut limited, &mut std::io::sink())
        }
        .map_err(|e| EngineError::Spreadsheet {
            file: name.to_owned(),
            detail: format!("part '{part}' cannot be read ({e})"),
        })?;
        if actual > declared {
            return Err(bomb(format!(
                "part '{part}' inflates beyond the {declared} bytes it declares"
            )));
        }
        if keep {
            workbook_part = Some(kept);
        }
    }
    Ok(Some(workbook_part.unwrap_or_default()))
}

/// True when `workbook.xml` says the workbook counts dates from 1904 (old Mac Excel).
pub fn uses_1904(workbook_xml: &[u8]) -> bool {
    let text = String::from_utf8_lossy(workbook_xml);
    text.contains("date1904=\"1\"") || text.contains("date1904=\"true\"")
}

/// Opens a workbook and reads the chosen sheet (`wanted`, or the first visible sheet with data).
pub fn open(
    name: &str,
    bytes: &[u8],
    wanted: Option<&str>,
    date_1904: bool,
) -> Result<Workbook, EngineError> {
    let error = |detail: String| EngineError::Spreadsheet {
        file: name.to_owned(),
        detail,
    };
    let mut workbook =
        open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| error(format!("{e}")))?;
    let format = match &workbook {
        Sheets::Xls(_) => "xls",
        Sheets::Xlsx(_) => "xlsx",
        Sheets::Xlsb(_) => "xlsb",
        Sheets::Ods(_) => "ods",
    };
    let metadata: Vec<(String, bool, bool)> = workbook
        .sheets_metadata()
        .iter()
        .map(|s| {
            (
                s.name.clone(),
                s.visible == SheetVisible::Visible,
                s.typ == SheetType::WorkSheet,
            )
        })
        .collect();
    if let Some(wanted) = wanted
        && !metadata.iter().any(|(n, _, _)| n == wanted)
    {
        let names: Vec<String> = metadata.iter().map(|(n, _, _)| format!("'{n}'")).collect();
        return Err(EngineError::UnknownSheet {
            file: name.to_owned(),
            sheet: wanted.to_owned(),
            valid: names.join(", "),
        });
    }
    let mut sheets = Vec::new();
    let mut chosen: Option<(String, Range<Data>)> = None;
    for (sheet, visible, worksheet) in &metadata {
        let range = if *worksheet {
            workbook.worksheet_range(sheet).ok()
        } else {
            None
        };
        let rows = range.as_ref().map_or(0, |r| r.height() as u64);
        let pick = chosen.is_none()
            && match wanted {
                Some(w) => w == sheet,
                None => *visible && *worksheet && rows > 0,
            };
        sheets.push(SheetInfo {
            name: sheet.clone(),
            visible: *visible,
            rows,
            chosen: pick,
        });
        if pick {
            chosen = range.map(|r| (sheet.clone(), r));
        }
    }
    let Some((sheet, range)) = chosen else {
        return Err(error("no visible sheet holds any data".to_owned()));
    };
    let mut notes = Vec::new();
    if sheets.len() > 1 {
        let others: Vec<String> = sheets
            .iter()
            .filter(|s| !s.chosen)
            .map(|s| format!("'{}'", s.name))
            .collect();
        notes.push(format!(
            "Read sheet '{sheet}'{}; the workbook also has {}.",
            if wanted.is_some() {
                ", as you chose"
            } else {
                ", the first visible sheet with data"
            },
            others.join(", ")
        ));
    }
    notes.push(format!(
        "Date cells were read as dates in the workbook's {} date system.",
        if date_1904 { "1904" } else { "1900" }
    ));
    Ok(Workbook {
        format,
        sheets,
        sheet,
        range,
        date_1904,
        notes,
    })
}

/// A cell as text: numbers in full, booleans as Excel shows them, dates as ISO 8601. Returns the text and,
/// for an error cell, its Excel error.
pub fn cell_text(cell: &Data) -> (String, Option<String>) {
    match cell {
        Data::Empty => (String::new(), None),
        Data::String(s) => (s.clone(), None),
        Data::Int(i) => (i.to_string(), None),
        Data::Float(f) => (float_text(*f), None),
        Data::Bool(b) => ((if *b { "TRUE" } else { "FALSE" }).to_owned(), None),
        Data::DateTime(dt) if dt.is_duration() => {
            let seconds = (dt.as_f64() * 86_400.0).round() as i64;
            (
                format!(
                    "{}:{:02}:{:02}",
                    seconds / 3600,
                    (seconds % 3600) / 60,
                    seconds % 60
                ),
                None,
            )
        }
        Data::DateTime(dt) => {
            let (y, m, d, hh, mm, ss, _) = dt.to_ymd_hms_milli();
            if hh == 0 && mm == 0 && ss == 0 {
                (format!("{y:04}-{m:02}-{d:02}"), None)
            } else {
                (
                    format!("{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}"),
                    None,
                )
            }
        }
        Data::DateTimeIso(s) | Data::DurationIso(s) => (s.clone(), None),
        Data::Error(e) => (String::new(), Some(format!("{e}"))),
    }
}

/// Whole numbers without a decimal point (ids and counts stay exact up to 2^53); others in their shortest
/// exact form.
fn float_text(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 9_007_199_254_740_992.0 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{ExcelDateTime, ExcelDateTimeType};

    #[test]
    fn cells_read_as_text_without_losing_digits() {
        assert_eq!(cell_text(&Data::Float(189000000012.0)).0, "189000000012");
        assert_eq!(cell_text(&Data::Float(0.1)).0, "0.1");
        assert_eq!(cell_text(&Data::Bool(true)).0, "TRUE");
        let date = ExcelDateTime::new(45943.0, ExcelDateTimeType::DateTime, false);
        assert_eq!(cell_text(&Data::DateTime(date)).0, "2025-10-13");
        let same_day_1904 = ExcelDateTime::new(45943.0 - 1462.0, ExcelDateTimeType::DateTime, true);
        assert_eq!(cell_text(&Data::DateTime(same_day_1904)).0, "2025-10-13");
        let noon = ExcelDateTime::new(45943.5, ExcelDateTimeType::DateTime, false);
        assert_eq!(cell_text(&Data::DateTime(noon)).0, "2025-10-13T12:00:00");
        assert_eq!(
            cell_text(&Data::Error(calamine::CellErrorType::NA))
                .1
                .as_deref(),
            Some("#N/A")
        );
    }

    #[test]
    fn workbook_xml_tells_the_date_system() {
        assert!(uses_1904(br#"<workbookPr date1904="1"/>"#));
        assert!(!uses_1904(br#"<workbookPr defaultThemeVersion="1"/>"#));
    }
}
