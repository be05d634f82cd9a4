//! What to coach, on People: the team's biggest coaching opportunities ranked by impact, and on a rep's
//! page their insights (each with its impact's math, the peers it is measured against and its deals) and
//! the strengths to keep. The engine finds, values and ranks every insight (`Coach`); this lays them out.

use std::sync::Arc;

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::engine::coaching::whatif::Odds;
use crate::engine::coaching::{CoachReport, Insight, Levers, PlanInputs, RepCoaching};
use crate::engine::numfmt::{money, percent};
use crate::engine::protocol::WhatIf;
use crate::ui::components::bubble::ActivityWinChart;
use crate::ui::components::table::{Cell, Column, DataTable, Row};
use crate::ui::data::{Loaded, coaching, forecast, use_data};
use crate::ui::filters::with_param;
use crate::ui::routes::shared::{Missing, Section};
use crate::ui::state::use_app_state;

/// Opportunities the team's list shows.
const TEAM_TOP: usize = 5;

#[component]
pub fn TeamCoaching() -> impl IntoView {
    let state = use_app_state();
    let data = use_data();
    let answer = coaching(state, data);
    let picture = move || match answer.get() {
        Some(Loaded::Ready(r)) => {
            let (picture, currency) = (r.picture.clone(), r.currency.clone());
            view! {
                <Section title="Activity against win rate" testid="activity-win" lede="Who is busy but not converting, and who converts on little activity: each rep over the last year, the bubble their bookings. Pick a bubble for the rep.">
                    {if picture.points.is_empty() {
                        view! { <Missing text=picture.note.clone() /> }.into_any()
                    } else {
                        view! { <ActivityWinChart data=picture currency=currency /> }.into_any()
                    }}
                </Section>
            }
            .into_any()
        }
        _ => ().into_any(),
    };
    let body = move || match answer.get() {
        None => {
            view! { <p class="missing" role="status">"Looking for what to coach…"</p> }.into_any()
        }
        Some(Loaded::NoData) => ().into_any(),
        Some(Loaded::Failed(why)) => {
            view! { <Missing text=format!("No coaching: {why}.") /> }.into_any()
        }
        Some(Loaded::Ready(r)) => view! { <TeamList report=r /> }.into_any(),
    };
    view! {
        {picture}
        <Section title="What to coach" testid="what-to-coach" lede="The team's biggest coaching opportunities, each valued at the peer median (never the top quartile). Insights on the same deals overlap: their values do not add up.">
            {body}
        </Section>
    }
}

#[component]
fn TeamList(report: Arc<CoachReport>) -> impl IntoView {
    let query = use_query_map();
    let rows: Vec<Row> = report
        .team
        .ranked
        .iter()
        .take(TEAM_TOP)
        .enumerate()
        .map(|(i, x)| {
            let href = query.with_untracked(|q| with_param(q, "rep", Some(&x.rep)));
            Row {
                key: format!("{i}"),
                cells: vec![
                    Cell::text(x.rep.clone()).href(href),
                    Cell::text(x.kind.label()),
                    Cell::text(x.stage.clone().unwrap_or_default()),
                    Cell::number(money(Some(x.impact)), Some(x.impact)),
                    Cell::text(x.text.clone()),
                ],
                pinned: false,
            }
        })
        .collect();
    let columns = vec![
        Column::text("Rep"),
        Column::text("What"),
        Column::text("Stage"),
        Column::number(
            "Worth",
            Some(
                "What closing the gap to the peer median is worth over the window (a year), in the home currency.",
            ),
        ),
        Column::text("Why"),
    ];
    let limited: Vec<String> = report
        .reps
        .iter()
        .filter(|r| r.limited_history)
        .map(|r| r.rep.clone())
        .collect();
    let notes = report.notes.clone();
    view! {
        <p class="note">{format!("{} · rates over {} · amounts in {}", report.period.label, report.window.label, report.currency)}</p>
        {if rows.is_empty() {
            view! { <p class="missing">"Nothing stands out: no rep is clearly below their peers, and no deal is stalled or carrying a period."</p> }.into_any()
        } else {
            view! { <DataTable testid="coach-ranked" caption="The biggest opportunities" columns=columns rows=Signal::derive(move || rows.clone()) export_name="coaching-ranked" /> }.into_any()
        }}
        {(!limited.is_empty()).then(|| view! {
            <p class="note" data-testid="coach-limited">{format!("Limited history, not judged on rates: {}.", limited.join(", "))}</p>
        })}
        <details class="math"><summary>"How insights are found"</summary>
            <ul class="note">{notes.into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}</ul>
        </details>
    }
}

/// A rep's insights and strengths, on their page.
#[component]
pub fn RepCoachingPanel(rep: String) -> impl IntoView {
    let state = use_app_state();
    let data = use_data();
    let answer = coaching(state, data);
    let rep = StoredValue::new(rep);
    let body = move || match answer.get() {
        None => {
            view! { <p class="missing" role="status">"Looking for what to coach…"</p> }.into_any()
        }
        Some(Loaded::NoData) => ().into_any(),
        Some(Loaded::Failed(why)) => {
            view! { <Missing text=format!("No coaching: {why}.") /> }.into_any()
        }
        Some(Loaded::Ready(r)) => {
            let name = rep.get_value();
            match r.reps.iter().find(|x| x.rep == name || x.rep_id.as_deref() == Some(&name)) {
                None => view! { <Missing text=format!("{name} has no deals in the coaching window.") /> }.into_any(),
                Some(x) => view! { <RepBody rep=x.clone() currency=r.currency.clone() /> }.into_any(),
            }
        }
    };
    view! {
        <Section title="What to coach" testid="rep-coaching" lede="What to work on with this rep and what it is worth, from their own numbers against like peers; the strengths to keep.">
            {body}
        </Section>
    }
}

fn insight_view(i: &Insight, testid: &'static str) -> impl IntoView + use<> {
    let deals = if i.deals.is_empty() {
        "—".to_owned()
    } else {
        i.deals.join(", ")
    };
    let facts = i.facts();
    view! {
        <li class="insight" data-testid=testid data-kind=format!("{:?}", i.kind)>
            <p><strong>{i.kind.label()}</strong>{i.stage.clone().map(|s| format!(" · {s}"))}{i.impact.map(|v| view! { " · "<span class="num">{money(Some(v))}</span> })}</p>
            <p>{i.text.clone()}</p>
            <details class="math">
                <summary>"Show the math"</summary>
                <p>{i.impact_math.clone()}</p>
                <p class="note">{facts}</p>
                <p class="note">{format!("Deals: {deals}")}</p>
            </details>
        </li>
    }
}

#[component]
fn RepBody(rep: RepCoaching, currency: String) -> impl IntoView {
    let peers = format!(
        "Peers: {} ({} reps) · {} decided deals in the window · amounts in {currency}",
        rep.peers.basis, rep.peers.size, rep.decided_deals
    );
    view! {
        <p class="note">{peers}</p>
        {rep.ramp.clone().map(|r| view! {
            <p class="note" data-testid="rep-ramp">{format!("Ramping. {}", r.text)}</p>
        })}
        {rep.limited_history.then(|| view! {
            <p class="note" data-testid="rep-limited">"Limited history: fewer than 20 decided deals, so nothing is said about rates."</p>
        })}
        {if rep.insights.is_empty() {
            view! { <p class="missing">"Nothing to work on stands out."</p> }.into_any()
        } else {
            view! { <ol class="insights">{rep.insights.iter().map(|i| insight_view(i, "rep-insight")).collect_view()}</ol> }.into_any()
        }}
        {(!rep.strengths.is_empty()).then(|| view! {
            <h3>"Strengths to keep"</h3>
            <ul class="insights">{rep.strengths.iter().map(|i| insight_view(i, "rep-strength")).collect_view()}</ul>
        })}
        <WhatIfPlan inputs=rep.plan_inputs.clone() />
    }
}

/// One lever's slider: its label, range and how the value reads.
struct Slider {
    id: &'static str,
    label: &'static str,
    min: f64,
    max: f64,
    step: f64,
    show: fn(f64) -> String,
}

const SLIDERS: [Slider; 4] = [
    Slider {
        id: "win",
        label: "Win rate",
        min: -10.0,
        max: 15.0,
        step: 1.0,
        show: |v| format!("{v:+.0} points"),
    },
    Slider {
        id: "size",
        label: "Deal size",
        min: -20.0,
        max: 30.0,
        step: 5.0,
        show: |v| format!("{v:+.0}%"),
    },
    Slider {
        id: "cycle",
        label: "Sales cycle",
        min: -30.0,
        max: 30.0,
        step: 5.0,
        show: |v| format!("{v:+.0} days"),
    },
    Slider {
        id: "day",
        label: "Activities a day",
        min: 0.0,
        max: 5.0,
        step: 1.0,
        show: |v| format!("{v:+.0}"),
    },
];

fn levers_of(values: [f64; 4]) -> Levers {
    Levers {
        win_rate_points: values[0] / 100.0,
        deal_size_share: values[1] / 100.0,
        cycle_days: values[2],
        per_day: values[3],
    }
}

/// The reverse funnel with its levers: each slider move asks the engine for the plan again.
#[component]
pub fn WhatIfPlan(inputs: PlanInputs) -> impl IntoView {
    let state = use_app_state();
    let values = RwSignal::new([0.0f64; 4]);
    let inputs = StoredValue::new(inputs);
    let data = use_data();
    let forecast = forecast(state, data);
    // The forecast's odds for this rep, once it is there (the chance of quota then moves with the levers).
    let odds = move || match forecast.get() {
        Some(Loaded::Ready(f)) => {
            inputs.with_value(|i| f.reps.iter().find(|r| r.rep == i.rep).and_then(Odds::of))
        }
        _ => None,
    };
    let plan = LocalResource::new(move || {
        let levers = levers_of(values.get());
        let odds = odds();
        let door = state.door();
        let inputs = inputs.get_value();
        async move {
            door.ask(WhatIf {
                inputs: Box::new(inputs),
                levers,
                odds,
            })
            .await
            .map(|p| *p.plan)
            .ok()
        }
    });
    let sliders = SLIDERS
        .iter()
        .enumerate()
        .map(|(k, s)| {
            let show = s.show;
            view! {
                <label class="lever">
                    <span>{s.label}</span>
                    <input type="range" data-testid=format!("lever-{}", s.id) min=s.min max=s.max step=s.step
                        prop:value=move || values.get()[k].to_string()
                        on:input=move |ev| {
                            let v: f64 = event_target_value(&ev).parse().unwrap_or(0.0);
                            values.update(|all| all[k] = v);
                        } />
                    <output>{move || show(values.get()[k])}</output>
                </label>
            }
        })
        .collect_view();
    let from_team = inputs.with_value(|i| i.from_team.clone());
    let cell =
        |v: Option<f64>, digits: usize| v.map_or("—".to_owned(), |v| format!("{v:.digits$}"));
    view! {
        <div class="what-if" data-testid="what-if">
            <h3>"Plan and what-if"</h3>
            <div class="levers">{sliders}</div>
            {move || plan.get().flatten().map(|p| view! {
                <p data-testid="plan-sentence">{p.sentence.clone()}</p>
                <dl class="forecast-strip" data-testid="plan-strip">
                    <div><dt>"Wins needed"</dt><dd data-testid="plan-wins">{cell(p.wins, 1)}</dd></div>
                    <div><dt>"New opportunities"</dt><dd data-testid="plan-opportunities">{cell(p.opportunities, 1)}</dd></div>
                    <div><dt>"Meetings a week"</dt><dd data-testid="plan-meetings">{cell(p.meetings_per_week, 1)}</dd></div>
                    <div><dt>"Activities a working day"</dt><dd data-testid="plan-per-day">{cell(p.activities_per_day, 1)}</dd></div>
                    <div><dt>"Today"</dt><dd>{cell(p.per_day_capacity, 1)}</dd></div>
                    <div><dt>"Win rate · deal"</dt><dd>{format!("{} · {}", percent(p.win_rate), money(p.avg_deal))}</dd></div>
                    <div><dt>"Chance of quota"</dt><dd data-testid="plan-chance">{p.chance_of_quota.map_or_else(|| "—".to_owned(), |c| percent(Some(c)))}</dd></div>
                </dl>
                {p.chance_math.clone().map(|m| view! {
                    <details class="math"><summary>"Show the math: chance of quota"</summary><p>{m}</p></details>
                })}
            })}
            <p class="note">"Opportunities count only if created at least one sales cycle before the period's end (working days). The chance of quota is the forecast's, shifted by what the levers add at today's pace (— until the forecast has a range and a quota for the rep)."</p>
            {(!from_team.is_empty()).then(|| view! { <p class="note">{format!("Planned with {}.", from_team.join("; "))}</p> })}
        </div>
    }
}
