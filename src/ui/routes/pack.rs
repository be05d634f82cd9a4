//! The 1:1 coaching pack: a rep page's print mode (`&pack=1`), one to two pages to bring to the meeting —
//! the scorecard (peers only as the team median and top quartile), the top three insights with their deals,
//! five deals to discuss (the Commit at risk, the upside and the largest of the rep's period), the weekly
//! activity plan and the rep's forecast. The browser prints it or saves it as PDF. Every figure is the
//! engine's (metrics, coaching, forecast); this lays them out for paper.

use std::sync::Arc;

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::engine::coaching::RepCoaching;
use crate::engine::forecast::ForecastReport;
use crate::engine::forecast::report::ForecastDeal;
use crate::engine::metrics::compute::MetricsReport;
use crate::engine::numfmt::{money, percent};
use crate::ui::data::{Loaded, coaching, forecast, use_data};
use crate::ui::filters::with_param;
use crate::ui::routes::scorecard::Scorecard;
use crate::ui::state::use_app_state;

/// Deals the pack lists to discuss.
pub const DEALS_TO_DISCUSS: usize = 5;
/// Insights the pack shows.
pub const TOP_INSIGHTS: usize = 3;

/// The rep's deals worth a conversation: Commit at risk first, then upside, then the largest, each once.
pub fn to_discuss<'a>(
    report: &'a ForecastReport,
    rep: &str,
) -> Vec<(&'a ForecastDeal, &'static str)> {
    let mine: Vec<&ForecastDeal> = report.deals.iter().filter(|d| d.rep == rep).collect();
    let by_amount = |v: &mut Vec<&ForecastDeal>| {
        v.sort_by(|a, b| {
            b.amount
                .unwrap_or(0.0)
                .total_cmp(&a.amount.unwrap_or(0.0))
                .then_with(|| a.id.cmp(&b.id))
        });
    };
    let mut picked: Vec<(&ForecastDeal, &'static str)> = Vec::new();
    for (flag, why) in [("commit_at_risk", "Commit at risk"), ("upside", "Upside")] {
        let mut v: Vec<&ForecastDeal> = mine
            .iter()
            .copied()
            .filter(|d| d.flags.iter().any(|f| f == flag))
            .collect();
        by_amount(&mut v);
        picked.extend(v.into_iter().map(|d| (d, why)));
    }
    let mut rest = mine.clone();
    by_amount(&mut rest);
    picked.extend(rest.into_iter().map(|d| (d, "Largest")));
    let mut seen = std::collections::HashSet::new();
    picked.retain(|(d, _)| seen.insert(d.id.clone()));
    picked.truncate(DEALS_TO_DISCUSS);
    picked
}

#[component]
pub fn OneOnOnePack(report: Arc<MetricsReport>, rep: String) -> impl IntoView {
    let state = use_app_state();
    let data = use_data();
    let query = use_query_map();
    let coached = coaching(state, data);
    let forecasted = forecast(state, data);
    let back = move || query.with(|q| with_param(q, "pack", None));
    let rep_s = StoredValue::new(rep.clone());
    let print = move |_| {
        if let Some(w) = web_sys::window() {
            let _ = w.print();
        }
    };
    let coaching_part = move || match coached.get() {
        Some(Loaded::Ready(r)) => {
            let name = rep_s.get_value();
            r.reps
                .iter()
                .find(|x| x.rep == name)
                .cloned()
                .map(|x| view! { <PackCoaching rep=x /> }.into_any())
                .unwrap_or_else(|| {
                    view! { <p class="missing">"No coaching for this rep in the window."</p> }
                        .into_any()
                })
        }
        Some(Loaded::Failed(why)) => {
            view! { <p class="missing">{format!("No coaching: {why}.")}</p> }.into_any()
        }
        _ => view! { <p class="missing" role="status">"Looking for what to coach…"</p> }.into_any(),
    };
    let forecast_part = move || match forecasted.get() {
        Some(Loaded::Ready(r)) => {
            view! { <PackForecast report=r rep=rep_s.get_value() /> }.into_any()
        }
        Some(Loaded::Failed(why)) => {
            view! { <p class="missing">{format!("No forecast: {why}.")}</p> }.into_any()
        }
        _ => view! { <p class="missing" role="status">"Forecasting…"</p> }.into_any(),
    };
    let period = format!(
        "{} to {} · as of {} · amounts in {}",
        report.period.start, report.period.end, report.period.as_of, report.home_currency
    );
    view! {
        <div class="pack" data-testid="pack">
            <p class="pack-tools">
                <a href=back data-testid="pack-back">"← The rep's page"</a>
                " "
                <button type="button" data-testid="pack-print" on:click=print>"Print or save as PDF"</button>
            </p>
            <header class="pack-head">
                <h1>{format!("1:1 · {rep}")}</h1>
                <p class="note">{period}</p>
            </header>
            <Scorecard report=report.clone() rep=rep.clone() />
            {coaching_part}
            {forecast_part}
        </div>
    }
}

#[component]
fn PackCoaching(rep: RepCoaching) -> impl IntoView {
    let top: Vec<_> = rep.insights.iter().take(TOP_INSIGHTS).cloned().collect();
    let plan = rep.plan.clone();
    let per_week = plan.activities_per_day.map(|d| d * 5.0);
    view! {
        <section class="panel pack-section" data-testid="pack-insights">
            <h2>"What to work on"</h2>
            {if top.is_empty() {
                view! { <p>{if rep.limited_history { "Limited history: too few decided deals to judge rates." } else { "Nothing stands out against like peers." }}</p> }.into_any()
            } else {
                view! {
                    <ol class="insights">
                        {top.into_iter().map(|i| view! {
                            <li class="insight">
                                <p><strong>{i.kind.label()}</strong>{i.stage.clone().map(|s| format!(" · {s}"))}" · "{money(i.impact)}</p>
                                <p>{i.text.clone()}</p>
                                {(!i.deals.is_empty()).then(|| view! { <p class="note">{format!("Deals: {}", i.deals.iter().take(8).cloned().collect::<Vec<_>>().join(", "))}{(i.deals.len() > 8).then(|| format!(" and {} more", i.deals.len() - 8))}</p> })}
                            </li>
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
            {(!rep.strengths.is_empty()).then(|| view! {
                <p><strong>"Keep: "</strong>{rep.strengths.iter().map(|s| s.stage.clone().unwrap_or_default()).collect::<Vec<_>>().join(", ")}</p>
            })}
        </section>
        <section class="panel pack-section" data-testid="pack-plan">
            <h2>"The weekly plan"</h2>
            <p>{plan.sentence.clone()}</p>
            {per_week.map(|w| view! { <p data-testid="pack-per-week">{format!("{w:.0} activities a week ({:.1} a working day), against {} today{}.", w / 5.0, plan.per_day_capacity.map_or("—".to_owned(), |c| format!("{:.0} a week", c * 5.0)), plan.meetings_per_week.map_or(String::new(), |m| format!("; {m:.1} meetings a week")))}</p> })}
        </section>
    }
}

#[component]
fn PackForecast(report: Arc<ForecastReport>, rep: String) -> impl IntoView {
    let row = report.reps.iter().find(|r| r.rep == rep).cloned();
    let deals: Vec<(ForecastDeal, &'static str)> = to_discuss(&report, &rep)
        .into_iter()
        .map(|(d, w)| (d.clone(), w))
        .collect();
    view! {
        <section class="panel pack-section" data-testid="pack-deals">
            <h2>"Five deals to discuss"</h2>
            {if deals.is_empty() {
                view! { <p>"No open deal closes in the period."</p> }.into_any()
            } else {
                view! {
                    <table class="data compact">
                        <thead><tr><th scope="col">"Why"</th><th scope="col">"Deal"</th><th scope="col">"Stage"</th><th scope="col" class="num">"Amount"</th><th scope="col">"Close"</th><th scope="col" class="num">"CRM · model"</th></tr></thead>
                        <tbody>
                            {deals.into_iter().map(|(d, why)| view! {
                                <tr>
                                    <td>{why}</td>
                                    <td>{d.name.clone()}</td>
                                    <td>{d.stage.clone()}</td>
                                    <td class="num">{money(d.amount)}</td>
                                    <td>{d.close_date.map(|c| c.to_string()).unwrap_or_default()}</td>
                                    <td class="num">{format!("{} · {}", percent(d.crm_probability), percent(Some(d.model_probability)))}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
        </section>
        <section class="panel pack-section" data-testid="pack-forecast">
            <h2>{format!("Forecast · {}", report.period.label)}</h2>
            {match row {
                Some(r) => view! {
                    <p>{format!(
                        "Closed {} · most likely {} (P10–P90 {} – {}) · chance of quota {} · Commit {}",
                        money(Some(r.closed)), money(r.p50), money(r.p10), money(r.p90), percent(r.chance_of_quota), money(r.commit)
                    )}</p>
                }.into_any(),
                None => view! { <p>"No deals open or closed in the period."</p> }.into_any(),
            }}
            <p class="note">{report.accuracy.clone()}</p>
        </section>
    }
}
