//! One card per imported file: what the engine found, in the engine's own figures.

use leptos::prelude::*;

use crate::ui::app::group_thousands;
use crate::ui::state::ImportedCard;

#[component]
pub fn FileCard(card: ImportedCard) -> impl IntoView {
    let summary = card.summary;
    let delimiter = delimiter_name(&summary.delimiter);
    let columns = summary.header.len();
    let header = summary.header.clone();
    view! {
        <article class="card file-card" data-testid="file-card">
            <h2 class="file-name">{summary.name.clone()}</h2>
            <dl class="facts">
                <div><dt>"Size"</dt><dd data-testid="file-size">{format_bytes(summary.size_bytes)}</dd></div>
                <div><dt>"Encoding"</dt><dd data-testid="file-encoding">{summary.encoding.clone()}</dd></div>
                <div><dt>"Delimiter"</dt><dd data-testid="file-delimiter">{delimiter}</dd></div>
                <div><dt>"Rows"</dt><dd data-testid="file-rows">{group_thousands(summary.rows)}</dd></div>
                <div><dt>"Columns"</dt><dd data-testid="file-columns">{columns}</dd></div>
            </dl>
            {(!summary.warnings.is_empty()).then(|| view! {
                <ul class="warnings" data-testid="file-warnings">
                    {summary.warnings.iter().map(|w| view! { <li>{w.clone()}</li> }).collect_view()}
                </ul>
            })}
            <div class="table-scroll">
                <table class="preview" data-testid="file-preview">
                    <caption>{format!("First {} of {} rows", card.preview.len(), group_thousands(summary.rows))}</caption>
                    <thead><tr>{header.into_iter().map(|h| view! { <th scope="col">{h}</th> }).collect_view()}</tr></thead>
                    <tbody>
                        {card.preview.into_iter().map(|row| view! {
                            <tr>{row.into_iter().map(|cell| view! { <td>{cell}</td> }).collect_view()}</tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </article>
    }
}

fn delimiter_name(delimiter: &str) -> String {
    match delimiter {
        "," => "comma".to_owned(),
        ";" => "semicolon".to_owned(),
        "\t" => "tab".to_owned(),
        "|" => "pipe".to_owned(),
        other => format!("'{other}'"),
    }
}

/// `1536` → `1.5 KB`; decimal units, as file managers show them.
pub fn format_bytes(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if bytes < 1000 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64;
    let mut unit = "B";
    for candidate in UNITS {
        if value < 1000.0 {
            break;
        }
        value /= 1000.0;
        unit = candidate;
    }
    format!("{value:.1} {unit}")
}
