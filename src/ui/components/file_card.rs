//! One card per imported file: what the engine found, in the engine's own figures — format, encoding,
//! delimiter, rows read = accepted + rejected + skipped, every assumption, and every row set aside.

use leptos::prelude::*;

use crate::engine::ingest::report::Assumption;
use crate::engine::ingest::report::{FileReport, NoteKind, RowNote};
use crate::engine::model::fields::{Field, Kind};
use crate::engine::model::{AssumptionChoice, KindChoice, MappingChoice};
use crate::engine::numfmt::{bytes, thousands};
use crate::ui::actions::set_model_settings;
use crate::ui::components::folded::Folded;
use crate::ui::components::input::event_value;
use crate::ui::state::{ImportedCard, use_app_state};

#[component]
pub fn FileCard(card: ImportedCard) -> impl IntoView {
    let state = use_app_state();
    let file_id = card.file_id;
    let report = card.report;
    let how = how_read(&report);
    let columns = report.header.len();
    let header = report.header.clone();
    let hidden: Vec<bool> = report.columns.iter().map(|c| c.hidden).collect();
    let set_aside = report.rejections.clone();
    let set_aside_omitted = report.rejections_omitted;
    let kept = report.issues.clone();
    let kept_omitted = report.issues_omitted;
    let warnings = report.warnings.clone();
    let identity = identity(&report);
    let scope = report.scope.clone();
    view! {
        <article class="card file-card" data-testid="file-card">
            <div class="card-head">
                <h2 class="file-name">{report.file.clone()}</h2>
                <button
                    type="button"
                    class="quiet small"
                    data-testid="remove-file"
                    aria-label=format!("Remove {}", report.file)
                    on:click=move |_| crate::ui::actions::remove_file(state, file_id)
                >
                    "Remove"
                </button>
            </div>
            <p class="identity" data-testid="file-identity">{identity}</p>
            <p class="how-read" data-testid="file-how">{how}</p>
            <dl class="facts">
                <div><dt>"Size"</dt><dd data-testid="file-size">{bytes(report.size_bytes)}</dd></div>
                <div><dt>"Encoding"</dt><dd data-testid="file-encoding">{display_or_dash(&report.encoding)}</dd></div>
                <div><dt>"Delimiter"</dt><dd data-testid="file-delimiter">{delimiter_name(&report.delimiter)}</dd></div>
                <div><dt>"Columns"</dt><dd data-testid="file-columns">{columns}</dd></div>
                <div><dt>"Rows read"</dt><dd data-testid="file-rows-read">{thousands(report.rows_read)}</dd></div>
                <div><dt>"Accepted"</dt><dd data-testid="file-rows">{thousands(report.rows_accepted)}</dd></div>
                <div><dt>"Rejected"</dt><dd data-testid="file-rows-rejected">{thousands(report.rows_rejected)}</dd></div>
                <div><dt>"Skipped"</dt><dd data-testid="file-rows-skipped">{thousands(report.rows_skipped)}</dd></div>
            </dl>
            {(!scope.is_empty()).then(|| view! {
                <ul class="scope" data-testid="file-scope">
                    {scope.into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}
                </ul>
            })}
            <KindAndMapping report=report.clone() />
            <Assumptions report=report.clone() />
            <details class="assumptions" open=true>
                <summary>{format!("How it was read ({})", warnings.len())}</summary>
                <ul class="warnings" data-testid="file-warnings">
                    {warnings.into_iter().map(|w| view! { <li>{w}</li> }).collect_view()}
                </ul>
            </details>
            <NoteTable
                title="Rows set aside (rejected or skipped)"
                notes=set_aside
                omitted=set_aside_omitted
                testid="file-rejections"
            />
            <NoteTable title="Rows kept with a problem" notes=kept omitted=kept_omitted testid="file-issues" />
            <div class="table-scroll" tabindex="0">
                <table class="preview" data-testid="file-preview">
                    <caption>{format!("First {} of {} accepted rows", card.preview.len(), thousands(report.rows_accepted))}</caption>
                    <thead>
                        <tr>
                            {header
                                .into_iter()
                                .zip(hidden)
                                .map(|(h, hidden)| {
                                    let title = hidden.then_some("A hidden Dynamics column: kept, not offered as data");
                                    view! { <th scope="col" class:hidden-column=hidden title=title>{h}</th> }
                                })
                                .collect_view()}
                        </tr>
                    </thead>
                    <tbody>
                        {card
                            .preview
                            .into_iter()
                            .map(|row| view! { <tr>{row.into_iter().map(|cell| view! { <td>{cell}</td> }).collect_view()}</tr> })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
        </article>
    }
}

/// The rows of one note list, or nothing when the list is empty.
#[component]
fn NoteTable(
    title: &'static str,
    notes: Vec<RowNote>,
    omitted: u64,
    testid: &'static str,
) -> impl IntoView {
    if notes.is_empty() {
        return None;
    }
    let total = notes.len() as u64 + omitted;
    let notes = StoredValue::new(notes);
    Some(view! {
        <Folded class="notes" testid=testid summary=format!("{title}: {}", thousands(total))>
            <div class="table-scroll" tabindex="0">
                <table>
                    <thead>
                        <tr>
                            <th scope="col" class="num">"Row"</th>
                            <th scope="col" class="num">"Line"</th>
                            <th scope="col">"Kind"</th>
                            <th scope="col">"Column"</th>
                            <th scope="col">"Value"</th>
                            <th scope="col">"Reason"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {notes
                            .get_value()
                            .into_iter()
                            .map(|note| {
                                let kind = match note.kind {
                                    NoteKind::Rejected => "rejected",
                                    NoteKind::Skipped => "skipped",
                                    NoteKind::Kept => "kept",
                                };
                                view! {
                                    <tr>
                                        <td class="num">{thousands(note.row)}</td>
                                        <td class="num">{thousands(note.line)}</td>
                                        <td>{kind}</td>
                                        <td>{note.column.unwrap_or_else(|| "—".to_owned())}</td>
                                        <td class="value">{note.value}</td>
                                        <td class="reason">{note.reason}</td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
            {(omitted > 0).then(|| view! {
                <p class="omitted">{format!("… and {} more not listed; the counts above include them.", thousands(omitted))}</p>
            })}
        </Folded>
    })
}

/// "Salesforce · Deals · sure", the way the design names a recognised file.
fn identity(report: &FileReport) -> String {
    if report.kind.is_empty() {
        return String::new();
    }
    let source = match report.source.as_str() {
        "salesforce" => "Salesforce",
        "hubspot" => "HubSpot",
        "pipedrive" => "Pipedrive",
        "zoho" => "Zoho CRM",
        "dynamics" => "Dynamics 365",
        "close" => "Close",
        _ => "Any table",
    };
    let kind = report.kind.replace('_', " ");
    let mut kind_label = kind.clone();
    if let Some(first) = kind_label.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    format!("{source} · {kind_label} · {}", report.confidence)
}

fn how_read(report: &FileReport) -> String {
    if report.format == "csv" {
        format!(
            "Text · {} · {}-separated · {} line ends · header on row {}",
            report.encoding,
            delimiter_name(&report.delimiter),
            report.line_ending,
            report.header_row
        )
    } else {
        format!(
            "{} workbook · sheet '{}' of {} · header on row {}",
            report.format.to_uppercase(),
            report.sheet.clone().unwrap_or_default(),
            report.sheets.len(),
            report.header_row
        )
    }
}

fn display_or_dash(value: &str) -> String {
    if value.is_empty() {
        "—".to_owned()
    } else {
        value.to_owned()
    }
}

fn delimiter_name(delimiter: &str) -> String {
    match delimiter {
        "," => "comma".to_owned(),
        ";" => "semicolon".to_owned(),
        "\t" => "tab".to_owned(),
        "|" => "pipe".to_owned(),
        "" => "—".to_owned(),
        other => format!("'{other}'"),
    }
}

/// The file's kind (a dropdown) and its column mapping: a dropdown of the file's columns per field the kind
/// can use, each saying who mapped it.
#[component]
fn KindAndMapping(report: FileReport) -> impl IntoView {
    let state = use_app_state();
    let file = report.file.clone();
    let kind = Kind::from_id(&report.kind);
    let f1 = file.clone();
    let set_kind = move |ev: leptos::ev::Event| {
        let Some(kind) = Kind::from_id(&event_value(&ev)) else {
            return;
        };
        let file = f1.clone();
        set_model_settings(state, move |s| {
            s.kinds.push(KindChoice {
                file: Some(file),
                kind,
            })
        });
    };
    let fields: Vec<Field> = kind.map(|k| k.fields().to_vec()).unwrap_or_default();
    let required: Vec<Field> = kind.map(|k| k.required().to_vec()).unwrap_or_default();
    let header = report.header.clone();
    let mapped = report.mapping.clone();
    let count = mapped.len();
    let file_name = file.clone();
    let rows = move || {
        fields
        .iter()
        .copied()
        .map(|field| {
            let current = mapped.iter().find(|m| m.field == field.id());
            let column = current.map(|m| m.column.clone()).unwrap_or_default();
            let by = match current.map(|m| m.by.as_str()) {
                Some("layout") => "the export's layout",
                Some("header_name") => "the header's name",
                Some("user") => "you",
                _ => "",
            };
            let file = file.clone();
            let set = move |ev: leptos::ev::Event| {
                let value = event_value(&ev);
                let file = file.clone();
                set_model_settings(state, move |s| {
                    s.mappings.push(MappingChoice { file: Some(file), field, column: (!value.is_empty()).then_some(value) })
                });
            };
            let missing = required.contains(&field) && current.is_none();
            view! {
                <tr class:missing-field=missing>
                    <th scope="row">{field.label()}{missing.then_some(" (needed)")}</th>
                    <td>
                        <select aria-label=format!("Column for {}", field.label()) data-testid=format!("map-{}", field.id()) on:change=set>
                            <option value="" selected=column.is_empty()>"— not in this file —"</option>
                            {header.iter().map(|h| view! { <option value=h.clone() selected=*h == column>{h.clone()}</option> }).collect_view()}
                        </select>
                    </td>
                    <td>{by}</td>
                </tr>
            }
        })
        .collect_view()
    };
    view! {
        <div class="kind-line">
            <label>
                "Read as "
                <select data-testid="file-kind" on:change=set_kind>
                    {Kind::ALL.into_iter().map(|k| view! { <option value=k.id() selected=Some(k) == kind>{k.label()}</option> }).collect_view()}
                </select>
            </label>
        </div>
        {kind.filter(|k| *k != Kind::NotUsed).map(|_| view! {
            <Folded class="mapping" testid="file-mapping" remember=format!("mapping:{file_name}") summary=format!("Column mapping ({count} fields mapped)")>
                <table>
                    <thead><tr><th scope="col">"Field"</th><th scope="col">"Column"</th><th scope="col">"Mapped by"</th></tr></thead>
                    <tbody>{rows.clone()}</tbody>
                </table>
            </Folded>
        })}
    }
}

/// Each assumption the engine made about the file, with a switch to the other readings.
#[component]
fn Assumptions(report: FileReport) -> impl IntoView {
    let state = use_app_state();
    let list: Vec<Assumption> = report
        .assumptions
        .iter()
        .filter(|a| !a.alternatives.is_empty())
        .cloned()
        .collect();
    if list.is_empty() {
        return None;
    }
    let file = report.file.clone();
    Some(view! {
        <details class="switches" open=true data-testid="file-assumptions">
            <summary>{format!("Assumptions you can flip ({})", list.len())}</summary>
            <ul>
                {list.into_iter().map(|a| {
                    let file = file.clone();
                    let id = a.id.clone();
                    let set = move |ev: leptos::ev::Event| {
                        let choice = event_value(&ev);
                        let (file, id) = (file.clone(), id.clone());
                        set_model_settings(state, move |s| s.assumptions.push(AssumptionChoice { file: Some(file), id, choice }));
                    };
                    let mut options = vec![a.choice.clone()];
                    options.extend(a.alternatives.iter().filter(|o| **o != a.choice).cloned());
                    view! {
                        <li>
                            <span>{a.text.clone()}</span>
                            " "
                            <select aria-label=a.text.clone() data-testid=format!("assume-{}", a.id) on:change=set>
                                {options.into_iter().map(|o| view! { <option value=o.clone() selected=o == a.choice>{o.replace('_', " ")}</option> }).collect_view()}
                            </select>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </details>
    })
}
