//! What the five views share: the gate that shows "needs data", "computing" or the error before any
//! number, the team context of a metric (shading, standing and n for hover), the explain requests behind the
//! deal lists, and small pieces of markup (section headings with a "what this cannot show" line, the shade of a
//! heat cell).

use std::sync::Arc;

use leptos::prelude::*;

use crate::engine::metrics::compute::MetricsReport;
use crate::engine::metrics::explain::Explanation;
use crate::engine::metrics::report::MetricContext;
use crate::engine::numfmt::{for_metric, money, number};
use crate::engine::protocol::Explain;
use crate::ui::components::empty::NeedsData;
use crate::ui::components::table::{Cell, Column, Row};
use crate::ui::data::{Data, Loaded};
use crate::ui::state::{AppState, mark_ready};

/// Shows `ready` with the report once it is computed; until then what is happening, and never a blank.
pub fn gate(
    data: Data,
    what: &'static str,
    ready: impl Fn(Arc<MetricsReport>) -> AnyView + Send + Sync + 'static,
) -> impl IntoView {
    move || match data.report.get() {
        None => view! { <p class="loading" role="status">"Computing…"</p> }.into_any(),
        Some(Loaded::NoData) => view! { <NeedsData what=what /> }.into_any(),
        Some(Loaded::Failed(error)) => view! {
            <p class="error" role="alert" data-testid="view-error">{error}</p>
        }
        .into_any(),
        Some(Loaded::Ready(report)) => {
            let note = money_note(&report);
            let view = ready(report);
            request_ready_mark();
            view! { {note} {view} }.into_any()
        }
    }
}

/// Amounts left out of every sum for want of an exchange rate, said above the numbers, with the way to fix it.
fn money_note(report: &MetricsReport) -> Option<AnyView> {
    if let Some(only) = report.money.ask_currency.clone() {
        let state = crate::ui::state::use_app_state();
        let home = report.home_currency.clone();
        let code = only.clone();
        return Some(
            view! {
                <div class="missing question" role="status" data-testid="ask-currency">
                    <p>{format!("Every amount is in {only} and no rate turns {only} into {home}, so no sum can be shown in {home}. Show everything in {only}, or type a rate for {only} in Import → Settings.")}</p>
                    <button type="button" data-testid="use-currency" on:click=move |_| {
                        let code = code.clone();
                        state.settings.update(|s| s.money.home_currency = code);
                    }>{format!("Show everything in {only}")}</button>
                </div>
            }
            .into_any(),
        );
    }
    if report.money.unconverted.is_empty() {
        return None;
    }
    let parts: Vec<String> = report
        .money
        .unconverted
        .iter()
        .map(|u| {
            format!(
                "{} deals in {} ({})",
                u.deals,
                u.currency,
                money(Some(u.amount_in_currency()))
            )
        })
        .collect();
    Some(
        view! {
            <p class="missing" role="status" data-testid="unconverted">
                {format!(
                    "Not in any {} sum: {}. These deals have no exchange rate to {}; type the rates in Import → Settings and they count.",
                    report.home_currency,
                    parts.join(", "),
                    report.home_currency
                )}
            </p>
        }
        .into_any(),
    )
}

/// Marks `pipelens:ready` after the browser has drawn the numbers.
fn request_ready_mark() {
    leptos::task::spawn_local(async {
        gloo::timers::future::TimeoutFuture::new(0).await;
        mark_ready();
    });
}

/// The team context of `metric`, when the engine computed one.
pub fn context<'a>(report: &'a MetricsReport, metric: &str) -> Option<&'a MetricContext> {
    report.context.iter().find(|c| c.metric == metric)
}

/// −1 … +1: the rep against peers as the engine shaded it (+1 best), for shading.
pub fn shade(report: &MetricsReport, metric: &str, rep: &str) -> Option<f64> {
    context(report, metric)?
        .reps
        .iter()
        .find(|r| r.rep == rep)?
        .standing
        .as_ref()?
        .against_peers
}

/// Hover text for a rep's figure: rank, team median, n and the shrunk rate when the sample is small.
pub fn standing_text(report: &MetricsReport, metric: &str, rep: &str) -> String {
    let Some(ctx) = context(report, metric) else {
        return String::new();
    };
    let fmt = for_metric(metric);
    let mut parts = vec![format!("Team median {}", fmt(ctx.spread.median))];
    if let Some(r) = ctx.reps.iter().find(|r| r.rep == rep) {
        if let Some(s) = &r.standing {
            parts.push(format!("rank {} of {}", s.rank, s.of));
        }
        if let Some(n) = r.n {
            parts.push(format!("n = {n}"));
        }
        if let Some(sh) = &r.shrunk {
            parts.push(format!(
                "adjusted for sample size {} (80% interval {} – {})",
                crate::engine::numfmt::percent(Some(sh.rate)),
                crate::engine::numfmt::percent(Some(sh.low80)),
                crate::engine::numfmt::percent(Some(sh.high80))
            ));
        }
        parts.push(format!("peers: {}", r.peers));
    }
    parts.join(" · ")
}

/// A rep's figure as a table cell: written in its metric's unit, shaded against peers, with its standing on
/// hover and its math.
pub fn rep_cell(
    report: &MetricsReport,
    metric: &str,
    rep: &str,
    value: Option<f64>,
    label: &str,
) -> Cell {
    Cell::number(for_metric(metric)(value), value)
        .shade(shade(report, metric, rep))
        .title(standing_text(report, metric, rep))
        .math(metric, Some(rep.to_owned()), format!("{label} · {rep}"))
}

/// The records behind `metric` for `rep` (`None`: the team), fetched through the door.
pub fn explain_resource(
    state: AppState,
    data: Data,
    metric: &'static str,
    rep: impl Fn() -> Option<String> + Send + Sync + 'static,
) -> LocalResource<Loaded<Arc<Explanation>>> {
    LocalResource::new(move || {
        let settings = data.settings.get();
        let rep = rep();
        let has_deals = state.model.with(|m| m.deals.total > 0);
        let door = state.door();
        async move {
            if !has_deals {
                return Loaded::NoData;
            }
            let request = Explain {
                settings: Box::new(settings),
                metric: metric.to_owned(),
                rep,
                page: 0,
                page_size: Some(100_000),
                sort: None,
            };
            match door.ask(request).await {
                Ok(answer) => Loaded::Ready(Arc::new(*answer.explanation)),
                Err(error) => Loaded::Failed(error.to_string()),
            }
        }
    })
}

/// The columns of a deal list.
pub fn deal_columns() -> Vec<Column> {
    vec![
        Column::text("Deal"),
        Column::text("Rep"),
        Column::text("Stage"),
        Column::number(
            "Amount",
            Some("In the home currency when converted, else as exported."),
        ),
        Column::text("Date"),
        Column::text("Flags"),
    ]
}

/// An explanation's records as rows of a deal list.
pub fn deal_rows(e: &Explanation) -> Vec<Row> {
    e.records
        .iter()
        .map(|r| Row {
            key: r.id.clone(),
            cells: vec![
                Cell::text(if r.name.is_empty() {
                    r.id.clone()
                } else {
                    r.name.clone()
                })
                .title(r.id.clone()),
                Cell::text(r.rep.clone()),
                Cell::text(r.stage.clone()),
                Cell::number(money(r.amount), r.amount),
                Cell::text(r.date.map(|d| d.to_string()).unwrap_or_default()),
                Cell::text(r.flags.join(", ")),
            ],
            pinned: false,
        })
        .collect()
}

/// "n deals · total" under a list.
pub fn list_summary(e: &Explanation) -> String {
    let total = e.amount_sum.unwrap_or(0.0);
    let n = e.total_records;
    format!(
        "{} deal{} · {} in all",
        number(Some(n as f64)),
        if n == 1 { "" } else { "s" },
        money(Some(total))
    )
}

/// A section of a view: heading, one line on what it is for, and its content.
#[component]
pub fn Section(
    #[prop(into)] title: String,
    #[prop(into)] testid: String,
    #[prop(optional, into)] lede: Option<String>,
    children: Children,
) -> impl IntoView {
    view! {
        <section class="panel" data-testid=testid>
            <h2>{title}</h2>
            {lede.map(|l| view! { <p class="lede">{l}</p> })}
            {children()}
        </section>
    }
}

/// A plain sentence saying what this view cannot show from these files, and what would fix it.
#[component]
pub fn Missing(#[prop(into)] text: String) -> impl IntoView {
    view! { <p class="missing" data-testid="missing">{text}</p> }
}

/// A sequential shade for heat cells (0 … 1).
pub fn heat(share: f64) -> String {
    if share <= 0.0 || !share.is_finite() {
        return String::new();
    }
    format!(
        "color-mix(in srgb, var(--heat) {:.0}%, transparent)",
        8.0 + share.min(1.0) * 60.0
    )
}
