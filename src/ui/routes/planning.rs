//! Planning: what it takes to hit the number — each rep's quota for the period, attainment and pacing so
//! far, the gap, the open pipeline due in the period against it, and the reverse funnel from the gap to the
//! deals, opportunities and activities still needed at the rep's own rates.

use std::sync::Arc;

use leptos::prelude::*;

use crate::engine::metrics::compute::MetricsReport;
use crate::engine::metrics::definitions::definition;
use crate::engine::metrics::plan::FORMULA;
use crate::engine::numfmt::{money, percent, times};
use crate::ui::actions::import_made;
use crate::ui::components::chart::{Bar, Chart};
use crate::ui::components::table::{Cell, Column, DataTable, Row};
use crate::ui::data::{Loaded, use_data};
use crate::ui::routes::planning_capacity::CapacityAndWhatIf;
use crate::ui::routes::shared::{Missing, Section, gate, rep_cell};
use crate::ui::state::MathAsk;
use crate::ui::state::use_app_state;

#[component]
pub fn PlanningView() -> impl IntoView {
    let data = use_data();
    view! {
        <section class="view" data-testid="view-planning">
            <h1>"Planning"</h1>
            <p class="purpose">"What it takes to hit the number: quota, attainment and pacing so far, the gap, and the activity each rep needs to close it."</p>
            {gate(data, "Planning needs deals and quotas (a quota file, or the quotas in the demo).", |report| {
                view! { <Plan report=report /> }.into_any()
            })}
            <CapacityAndWhatIf />
            <TypedQuotas />
        </section>
    }
}

#[component]
fn Plan(report: Arc<MetricsReport>) -> impl IntoView {
    let has_quota = report.reps.iter().any(|m| m.quota.is_some()) || report.team.quota.is_some();
    if !has_quota {
        return view! {
            <Missing text="No quotas for this period in these files: type them in below, or import a quota file (rep, period, amount; Salesforce: the Forecasting Quota report), to see attainment, pacing and the gap." />
        }
        .into_any();
    }
    let days_left = report.plan.business_days_left;
    let help = |m: &str| definition(m).map(|d| d.definition);
    let columns = vec![
        Column::text("Rep"),
        Column::number(
            "Quota",
            Some("The rep's quota for the period (ramp applied where given)."),
        ),
        Column::number("Booked", help("bookings")),
        Column::number("Attainment", help("attainment")),
        Column::number("Pacing", help("pacing")),
        Column::number("Gap", Some("Quota − booked, at least 0.")),
        Column::number(
            "Open, due in period",
            Some("Open amount expected to close by the period end, at or past the stage floor."),
        ),
        Column::number("Coverage", help("coverage")),
        Column::number("Deals needed", Some(FORMULA)),
        Column::number("Opps needed", Some(FORMULA)),
        Column::number("Activities / day needed", Some(FORMULA)),
    ];
    let r = report.clone();
    let rows = move || {
        let report = &r;
        let mut rows: Vec<Row> = report
            .plan
            .reps
            .iter()
            .filter_map(|plan| {
                let m = report.reps.iter().find(|m| m.rep == plan.rep)?;
                let name = m.rep.clone();
                let pipe = report.pipeline.reps.iter().find(|p| p.rep == name);
                let need = &plan.needed;
                let gap = need.gap;
                let title = need.note.clone().unwrap_or_else(|| FORMULA.to_owned());
                Some(Row {
                    key: name.clone(),
                    cells: vec![
                        Cell::text(name.clone()),
                        Cell::number(money(m.quota), m.quota),
                        Cell::number(money(m.bookings), m.bookings).math(
                            "bookings",
                            Some(name.clone()),
                            format!("Bookings · {name}"),
                        ),
                        rep_cell(report, "attainment", &name, m.attainment, "Attainment"),
                        rep_cell(report, "pacing", &name, m.pacing, "Pacing"),
                        Cell::number(money(gap), gap),
                        Cell::number(
                            money(pipe.map(|p| p.coverage.open_amount)),
                            pipe.map(|p| p.coverage.open_amount),
                        )
                        .math(
                            "coverage",
                            Some(name.clone()),
                            format!("Coverage · {name}"),
                        ),
                        rep_cell(
                            report,
                            "coverage",
                            &name,
                            pipe.and_then(|p| p.coverage.coverage),
                            "Coverage",
                        ),
                        Cell::number(one(need.deals), need.deals).title(title.clone()),
                        Cell::number(one(need.opportunities), need.opportunities)
                            .title(title.clone()),
                        Cell::number(one(need.activities_per_day), need.activities_per_day)
                            .title(title),
                    ],
                    pinned: false,
                })
            })
            .collect();
        let t = &report.team;
        let tp = &report.pipeline.team;
        rows.push(Row {
            key: "Team".to_owned(),
            cells: vec![
                Cell::text("Team"),
                Cell::number(money(t.quota), t.quota),
                Cell::number(money(t.bookings), t.bookings).math(
                    "bookings",
                    None,
                    "Bookings · Team".to_owned(),
                ),
                Cell::number(percent(t.attainment), t.attainment).math(
                    "attainment",
                    None,
                    "Attainment · Team".to_owned(),
                ),
                Cell::number(percent(t.pacing), t.pacing),
                Cell::number(money(tp.coverage.gap), tp.coverage.gap),
                Cell::number(
                    money(Some(tp.coverage.open_amount)),
                    Some(tp.coverage.open_amount),
                ),
                Cell::number(times(tp.coverage.coverage), tp.coverage.coverage).math(
                    "coverage",
                    None,
                    "Coverage · Team".to_owned(),
                ),
                Cell::text(""),
                Cell::text(""),
                Cell::text(""),
            ],
            pinned: true,
        });
        rows
    };
    let bars: Vec<Bar> = report
        .attainment_chart
        .iter()
        .filter_map(|rep| {
            let m = report.reps.iter().find(|m| &m.rep == rep)?;
            let mut bar = Bar::new(m.rep.clone(), m.attainment, percent(m.attainment));
            bar.marker = report
                .plan
                .reps
                .iter()
                .find(|p| &p.rep == rep)
                .and_then(|p| p.usual_attainment_by_now);
            bar.math = Some(MathAsk {
                metric: "attainment".to_owned(),
                rep: Some(m.rep.clone()),
                label: format!("Attainment · {}", m.rep),
            });
            Some(bar)
        })
        .collect();
    let pacing_note = report
        .pacing
        .as_ref()
        .map(|b| b.sentence.clone())
        .unwrap_or_default();
    view! {
        <Section title="Attainment so far" testid="attainment" lede=format!("Booked ÷ quota, {} – {}, as of {}. Tick: where the rep would usually be by now (attainment ÷ pacing). {pacing_note}", report.period.start, report.period.end, report.period.as_of)>
            <Chart testid="attainment-chart" title="Attainment by rep" unit="share of quota" bars=Signal::derive(move || bars.clone()) marker_label="Usual by now" />
        </Section>
        <Section title="The gap and what closes it" testid="plan" lede=format!("{days_left} business days left. The reverse funnel uses each rep's own average deal, win rate and activities per opportunity in the period. Quotas come from a quota file or are typed in below.")>
            <DataTable testid="plan-table" caption="Quota, attainment, pacing, gap and what is needed" columns=columns rows=Signal::derive(rows) export_name="plan" />
        </Section>
    }
    .into_any()
}

fn one(v: Option<f64>) -> String {
    match v {
        Some(v) if v.is_finite() => format!("{v:.1}"),
        _ => "—".to_owned(),
    }
}

/// The name under which typed quotas enter the session, like any imported file.
pub const TYPED_QUOTAS: &str = "quotas-typed-in.csv";

/// Quotas typed in: one line per rep and period, imported as a quota file (its card on Import shows how it
/// was read, row by row); typing again replaces it.
#[component]
fn TypedQuotas() -> impl IntoView {
    let state = use_app_state();
    let data = use_data();
    let text = RwSignal::new(String::new());
    let example = move || {
        let period = data.filters.with(|f| f.period.clone());
        let period = match period.as_str() {
            "this-quarter" | "last-quarter" | "this-month" | "last-month" | "this-year"
            | "last-year" | "all" => match data.report.get() {
                Some(Loaded::Ready(r)) => r.period.calendar_quarter.clone(),
                _ => "2026-Q1".to_owned(),
            },
            other => other.to_owned(),
        };
        let rep = state
            .model
            .with(|m| m.reps.first().map(|r| r.name.clone()))
            .unwrap_or_else(|| "Dana Reyes".to_owned());
        format!("rep,period,amount,currency\n{rep},{period},150000,USD")
    };
    let has_typed = move || {
        state
            .files
            .with(|f| f.iter().any(|c| c.report.file == TYPED_QUOTAS))
    };
    let submit = move |_| {
        let body = text.get_untracked();
        if body.trim().is_empty() {
            return;
        }
        let body = if body.trim_start().to_lowercase().starts_with("rep,") {
            body
        } else {
            format!("rep,period,amount,currency\n{body}")
        };
        import_made(state, TYPED_QUOTAS, body);
    };
    view! {
        <section class="panel" data-testid="typed-quotas">
            <h2>"Type quotas in"</h2>
            <p class="lede">
                "One line per rep and period: rep, period (2026-Q1, 2026-03, 2026, or 2026-01-01..2026-03-31), amount, and optionally the currency. They are read like a quota file; its card on Import shows how each line was read."
                {move || has_typed().then_some(" Typing again replaces the quotas typed before.")}
            </p>
            <textarea
                data-testid="quota-text"
                rows="5"
                aria-label="Quotas, one line per rep and period"
                placeholder=example
                prop:value=move || text.get()
                on:input=move |ev| text.set(event_target_value(&ev))
            ></textarea>
            <p>
                <button type="button" data-testid="use-quotas" on:click=submit disabled=move || text.with(|t| t.trim().is_empty())>
                    "Use these quotas"
                </button>
            </p>
        </section>
    }
}
