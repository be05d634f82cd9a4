//! The table every view uses: sortable by any column (header buttons with `aria-sort`), numbers
//! right-aligned in tabular figures, cells shaded against the team with the diverging pair, figures that open
//! the math, pinned rows (team, median) kept at the bottom, and export as CSV (formula-safe) or JSON.

use leptos::prelude::*;

use crate::engine::export::csv;
use crate::ui::components::download::download_text;
use crate::ui::components::math::Figure;
use crate::ui::state::MathAsk;

#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub label: String,
    pub numeric: bool,
    /// The definition, shown on hover and focus of the header.
    pub help: Option<String>,
}

impl Column {
    pub fn text(label: &str) -> Column {
        Column {
            label: label.to_owned(),
            numeric: false,
            help: None,
        }
    }

    pub fn number(label: &str, help: Option<&str>) -> Column {
        Column {
            label: label.to_owned(),
            numeric: true,
            help: help.map(str::to_owned),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub text: String,
    /// Sorts numerically when set, else by text. Unknown values sort last.
    pub value: Option<f64>,
    /// −1 (well below the team) … +1 (well above): shaded with the diverging pair.
    pub shade: Option<f64>,
    pub math: Option<MathAsk>,
    pub href: Option<String>,
    /// Hover text (n, the team median …).
    pub title: Option<String>,
}

impl Cell {
    pub fn text(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            value: None,
            shade: None,
            math: None,
            href: None,
            title: None,
        }
    }

    pub fn number(text: impl Into<String>, value: Option<f64>) -> Cell {
        Cell {
            value,
            ..Cell::text(text)
        }
    }

    pub fn math(mut self, metric: &str, rep: Option<String>, label: String) -> Cell {
        self.math = Some(MathAsk {
            metric: metric.to_owned(),
            rep,
            label,
        });
        self
    }

    pub fn shade(mut self, shade: Option<f64>) -> Cell {
        self.shade = shade;
        self
    }

    pub fn title(mut self, title: impl Into<String>) -> Cell {
        self.title = Some(title.into());
        self
    }

    pub fn href(mut self, href: String) -> Cell {
        self.href = Some(href);
        self
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub key: String,
    pub cells: Vec<Cell>,
    /// Kept at the bottom whatever the sort (team, median).
    pub pinned: bool,
}

/// Shades this close to 0 (a rep at the peers' median) are drawn as neither above nor below.
pub const NEUTRAL_SHADE: f64 = 0.02;

/// The background of a shaded cell (a CSS value, set through the CSSOM so a strict CSP allows it).
pub fn shade_style(shade: Option<f64>) -> String {
    match shade {
        Some(s) if s.is_finite() && s.abs() > NEUTRAL_SHADE => {
            let colour = if s > 0.0 {
                "var(--above)"
            } else {
                "var(--below)"
            };
            format!(
                "color-mix(in srgb, {colour} {:.0}%, transparent)",
                s.abs().min(1.0) * 38.0
            )
        }
        _ => String::new(),
    }
}

#[component]
pub fn DataTable(
    /// `data-testid` of the table.
    testid: &'static str,
    #[prop(into)] caption: String,
    columns: Vec<Column>,
    #[prop(into)] rows: Signal<Vec<Row>>,
    /// File name (without extension) for exports.
    export_name: &'static str,
) -> impl IntoView {
    let sort: RwSignal<Option<(usize, bool)>> = RwSignal::new(None);
    let columns = StoredValue::new(columns);
    let sorted = Memo::new(move |_| {
        let mut rows = rows.get();
        if let Some((col, ascending)) = sort.get() {
            rows.sort_by(|a, b| {
                if a.pinned != b.pinned {
                    return a.pinned.cmp(&b.pinned);
                }
                let (ca, cb) = (a.cells.get(col), b.cells.get(col));
                let ord = match (ca.and_then(|c| c.value), cb.and_then(|c| c.value)) {
                    (Some(x), Some(y)) => x.total_cmp(&y),
                    (Some(_), None) => return std::cmp::Ordering::Less,
                    (None, Some(_)) => return std::cmp::Ordering::Greater,
                    (None, None) => {
                        let ta = ca.map(|c| c.text.to_lowercase()).unwrap_or_default();
                        let tb = cb.map(|c| c.text.to_lowercase()).unwrap_or_default();
                        ta.cmp(&tb)
                    }
                };
                if ascending { ord } else { ord.reverse() }
            });
        }
        rows
    });
    let export_csv = move |_| {
        let headers: Vec<String> =
            columns.with_value(|c| c.iter().map(|c| c.label.clone()).collect());
        let header_refs: Vec<&str> = headers.iter().map(String::as_str).collect();
        let body: Vec<Vec<String>> = sorted
            .get_untracked()
            .iter()
            .map(|r| r.cells.iter().map(|c| c.text.clone()).collect())
            .collect();
        download_text(
            &format!("{export_name}.csv"),
            "text/csv",
            &csv(&header_refs, &body),
        );
    };
    let export_json = move |_| {
        let headers: Vec<String> =
            columns.with_value(|c| c.iter().map(|c| c.label.clone()).collect());
        let body: Vec<serde_json::Map<String, serde_json::Value>> = sorted
            .get_untracked()
            .iter()
            .map(|r| {
                headers
                    .iter()
                    .zip(&r.cells)
                    .map(|(h, c)| {
                        let value = c.value.and_then(serde_json::Number::from_f64).map_or_else(
                            || serde_json::Value::String(c.text.clone()),
                            serde_json::Value::Number,
                        );
                        (h.clone(), value)
                    })
                    .collect()
            })
            .collect();
        let text = serde_json::to_string_pretty(&body).unwrap_or_default();
        download_text(&format!("{export_name}.json"), "application/json", &text);
    };
    let header = move || {
        columns.with_value(|cols| {
            cols.iter()
                .enumerate()
                .map(|(i, col)| {
                    let label = col.label.clone();
                    let numeric = col.numeric;
                    let aria = move || match sort.get() {
                        Some((c, true)) if c == i => "ascending",
                        Some((c, false)) if c == i => "descending",
                        _ => "none",
                    };
                    let click = move |_| {
                        sort.update(|s| {
                            *s = match *s {
                                Some((c, asc)) if c == i => Some((i, !asc)),
                                // Numbers sort high to low first: who leads.
                                _ => Some((i, !numeric)),
                            }
                        })
                    };
                    view! {
                        <th scope="col" class:num=numeric aria-sort=aria>
                            <button type="button" class="sort" title=col.help.clone() on:click=click>
                                {label}
                            </button>
                        </th>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <div class="table-wrap" tabindex="0">
            <table class="data" data-testid=testid>
                <caption>
                    <span>{caption}</span>
                    <span class="exports">
                        <button type="button" class="quiet small" on:click=export_csv>"CSV"</button>
                        <button type="button" class="quiet small" on:click=export_json>"JSON"</button>
                    </span>
                </caption>
                <thead>
                    <tr>{header}</tr>
                </thead>
                <tbody>
                    {move || {
                        let numeric: Vec<bool> = columns.with_value(|c| c.iter().map(|c| c.numeric).collect());
                        sorted
                            .get()
                            .into_iter()
                            .map(|row| {
                                let cells = row
                                    .cells
                                    .into_iter()
                                    .enumerate()
                                    .map(|(i, cell)| {
                                        let num = numeric.get(i).copied().unwrap_or(false);
                                        let style = shade_style(cell.shade);
                                        let content = match (cell.math, cell.href) {
                                            (Some(ask), _) => view! {
                                                <Figure text=cell.text metric=ask.metric rep=ask.rep label=ask.label />
                                            }
                                            .into_any(),
                                            (None, Some(href)) => view! { <a href=href>{cell.text}</a> }.into_any(),
                                            (None, None) => cell.text.into_any(),
                                        };
                                        if i == 0 {
                                            view! { <th scope="row" title=cell.title style:background=style>{content}</th> }.into_any()
                                        } else {
                                            view! { <td class:num=num title=cell.title style:background=style>{content}</td> }.into_any()
                                        }
                                    })
                                    .collect_view();
                                view! { <tr class:pinned=row.pinned>{cells}</tr> }
                            })
                            .collect_view()
                    }}
                </tbody>
            </table>
        </div>
    }
}
