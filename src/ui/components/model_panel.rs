//! What the files add up to, and every choice that changes it: the review list (possible duplicates, test
//! records, people who are not reps) with exclude / include, the stage table (raw stage × pipeline →
//! standard stage and outcome), the roster, the settings that change the numbers (home currency and rates,
//! business time zone, fiscal year, as-of date), and the mapping profile saved or loaded as a small JSON file.
//! Each change goes to the engine as `SetSettings` and every card and figure follows.

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use wasm_bindgen::JsCast;

use crate::engine::metrics::money::Money;
use crate::engine::model::stages::StageChoice;
use crate::engine::model::summary::RepSummary;
use crate::engine::model::words::{Outcome, StandardStage};
use crate::engine::model::{Merge, ModelSettings, RosterChoice, RosterField};
use crate::engine::numfmt::thousands;
use crate::ui::actions::set_model_settings;
use crate::ui::components::download::download_text;
use crate::ui::components::input::event_value;
use crate::ui::filters::{DEAL_TYPES, with_param};
use crate::ui::state::use_app_state;

fn outcome_id(o: Outcome) -> &'static str {
    match o {
        Outcome::Open => "open",
        Outcome::Won => "won",
        Outcome::Lost => "lost",
    }
}

fn standard_id(s: StandardStage) -> String {
    serde_json::to_value(s)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

const STANDARD: [StandardStage; 8] = [
    StandardStage::Prospecting,
    StandardStage::Qualification,
    StandardStage::Discovery,
    StandardStage::Proposal,
    StandardStage::Negotiation,
    StandardStage::Commit,
    StandardStage::Won,
    StandardStage::Lost,
];

#[component]
pub fn ModelPanel() -> impl IntoView {
    let state = use_app_state();
    let has_model = move || {
        state
            .model
            .with(|m| m.deals.total > 0 || !m.reps.is_empty())
    };
    view! {
        <Show when=has_model>
            <WhatTheFilesShow />
            <ReviewList />
            <StageTable />
            <LostReasons />
            <Roster />
            <Settings />
        </Show>
        <Profile />
    }
}

/// What the imported files make possible, and for each thing missing, the export that adds it.
#[component]
fn WhatTheFilesShow() -> impl IntoView {
    let state = use_app_state();
    let lines = move || {
        state.model.with(|m| {
            let has_teams = m.reps.iter().any(|r| r.team.is_some());
            vec![
                (
                    m.deals.total > 0,
                    format!("Deals: {} — results, win rates, deal size, cycle, coverage.", thousands(m.deals.total)),
                    "Add the deals export. Salesforce: an Opportunities report (Details only) exported as CSV, or Opportunity.csv from Data Export; HubSpot: Deals → Export (all properties); Pipedrive: Deals → Export.",
                ),
                (
                    m.history_rows > 0,
                    format!("Stage history: {} rows — funnel by cohort, transitions, time in stage, pushes and slips.", thousands(m.history_rows)),
                    "Add the stage history for the funnel, time in stage, pushes and slips. Salesforce: the Opportunity History report or OpportunityHistory.csv; HubSpot: keep the 'Date entered …' columns in the deals export; Pipedrive has none: import two exports taken on different days instead.",
                ),
                (
                    m.activities > 0,
                    format!("Activities: {} — activity per day, connect rate, when reps work, stale deals.", thousands(m.activities)),
                    "Add activities. Salesforce: Task.csv and Event.csv (Data Export) or an Activities report; HubSpot: the calls, emails and meetings exports; Pipedrive: Activities → Export.",
                ),
                (
                    m.quotas > 0,
                    format!("Quotas: {} — attainment, pacing, coverage against what is left.", thousands(m.quotas)),
                    "Add quotas: a file with rep, period and amount (Salesforce: ForecastingQuota), or type them in on Planning.",
                ),
                (
                    has_teams,
                    "Teams: reps compared with peers of the same team and role.".to_owned(),
                    "Add a teams file (rep, manager, team, role, start and end dates) to compare like with like and to ramp new reps' quotas.",
                ),
            ]
        })
    };
    view! {
        <section class="panel" data-testid="coverage-of-files">
            <h2>"What these files can show"</h2>
            <ul class="checklist">
                {move || lines().into_iter().map(|(ok, have, add)| view! {
                    <li class:ok=ok class:missing-item=!ok>{if ok { have } else { add.to_owned() }}</li>
                }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn ReviewList() -> impl IntoView {
    let state = use_app_state();
    let items = move || state.model.with(|m| m.review.clone());
    view! {
        <section class="panel" data-testid="review-list">
            <h2>{move || format!("To review ({})", items().len())}</h2>
            <p class="lede">"Possible duplicates, test records and people who are not reps. Excluded items leave every number; include them again at any time."</p>
            {move || {
                let items = items();
                if items.is_empty() {
                    return view! { <p class="lede">"Nothing to review."</p> }.into_any();
                }
                view! {
                    <ul class="review">
                        {items
                            .into_iter()
                            .map(|item| {
                                let key = item.key.clone();
                                let excluded = item.excluded;
                                let toggle = move |_| toggle_excluded(state, key.clone());
                                view! {
                                    <li data-testid="review-item">
                                        <label>
                                            <input type="checkbox" prop:checked=excluded on:change=toggle />
                                            " Exclude · "
                                            {item.description.clone()}
                                        </label>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                .into_any()
            }}
        </section>
    }
}

#[component]
fn StageTable() -> impl IntoView {
    let state = use_app_state();
    let rows = move || state.model.with(|m| m.stages.clone());
    view! {
        <section class="panel" data-testid="stage-table">
            <h2>"Stages"</h2>
            <p class="lede">"Each raw stage of each pipeline on the standard ladder, with its outcome. Change a row when the guess is wrong; the funnel and win rates follow."</p>
            <div class="table-scroll" tabindex="0">
                <table class="data">
                    <thead>
                        <tr>
                            <th scope="col">"Pipeline"</th>
                            <th scope="col">"Stage as exported"</th>
                            <th scope="col">"Standard stage"</th>
                            <th scope="col">"Outcome"</th>
                            <th scope="col" class="num">"Order"</th>
                            <th scope="col" class="num">"Deals now"</th>
                            <th scope="col">"Why"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {move || {
                            rows()
                                .into_iter()
                                .map(|e| {
                                    let choice = StageChoice {
                                        pipeline: (!e.pipeline.is_empty()).then(|| e.pipeline.clone()),
                                        raw: e.raw.clone(),
                                        standard: None,
                                        order: None,
                                        outcome: None,
                                    };
                                    let c1 = choice.clone();
                                    let set_standard = move |ev: leptos::ev::Event| {
                                        let v = event_value(&ev);
                                        let mut c = c1.clone();
                                        c.standard = STANDARD.into_iter().find(|s| standard_id(*s) == v);
                                        set_model_settings(state, move |s| s.stages.push(c));
                                    };
                                    let set_outcome = move |ev: leptos::ev::Event| {
                                        let v = event_value(&ev);
                                        let mut c = choice.clone();
                                        c.outcome = [Outcome::Open, Outcome::Won, Outcome::Lost].into_iter().find(|o| outcome_id(*o) == v);
                                        set_model_settings(state, move |s| s.stages.push(c));
                                    };
                                    let standard = standard_id(e.standard);
                                    let outcome = outcome_id(e.outcome);
                                    // One label per row: the same stage name can stand in several pipelines.
                                    let stage = if e.pipeline.is_empty() { e.raw.clone() } else { format!("{} in {}", e.raw, e.pipeline) };
                                    view! {
                                        <tr data-testid="stage-row" class:unsure=e.unsure>
                                            <td>{e.pipeline.clone()}</td>
                                            <th scope="row">{e.raw.clone()}{e.history_only.then_some(" (history only)")}</th>
                                            <td>
                                                <select aria-label=format!("Standard stage of {stage}") on:change=set_standard>
                                                    {STANDARD.into_iter().map(|s| {
                                                        let id = standard_id(s);
                                                        view! { <option value=id.clone() selected=id == standard>{s.label()}</option> }
                                                    }).collect_view()}
                                                </select>
                                            </td>
                                            <td>
                                                <select aria-label=format!("Outcome of {stage}") on:change=set_outcome>
                                                    {["open", "won", "lost"].into_iter().map(|o| view! { <option value=o selected=o == outcome>{o}</option> }).collect_view()}
                                                </select>
                                            </td>
                                            <td class="num">{e.order}</td>
                                            <td class="num">{e.deals}</td>
                                            <td class="why">
                                                {e.unsure.then(|| view! { <strong class="ask" data-testid="stage-unsure">"Open, won or lost? Nothing says. "</strong> })}
                                                {format!("{}; {}", e.order_from, e.outcome_from)}
                                            </td>
                                        </tr>
                                    }
                                })
                                .collect_view()
                        }}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

/// The lost-reason table: each reason the lost deals give, and the category win rates treat it by
/// (competitive and other count as lost; no decision as lost unless switched off; disqualified is left out).
#[component]
fn LostReasons() -> impl IntoView {
    use crate::engine::metrics::compute::{LostCategory, LostReasonRule};
    const CATEGORIES: [(LostCategory, &str, &str); 4] = [
        (
            LostCategory::Competitive,
            "competitive",
            "Competitive (lost)",
        ),
        (LostCategory::NoDecision, "no_decision", "No decision"),
        (
            LostCategory::Disqualified,
            "disqualified",
            "Disqualified (left out)",
        ),
        (LostCategory::Other, "other", "Other (lost)"),
    ];
    let state = use_app_state();
    let reasons = move || state.model.with(|m| m.lost_reasons.clone());
    view! {
        <section class="panel" data-testid="lost-reasons">
            <h2>"Lost reasons"</h2>
            <p class="lede">"How win rates treat each reason: disqualified deals (duplicates, bad fits) are left out; no-decision losses count as lost unless you say otherwise. Guessed from the words; change any row."</p>
            {move || {
                let reasons = reasons();
                if reasons.is_empty() {
                    return view! { <p class="lede">"No lost reasons in these files."</p> }.into_any();
                }
                view! {
                    <div class="table-scroll" tabindex="0">
                        <table class="data">
                            <thead><tr><th scope="col">"Reason as exported"</th><th scope="col" class="num">"Lost deals"</th><th scope="col">"Counts as"</th></tr></thead>
                            <tbody>
                                {reasons.into_iter().map(|r| {
                                    let current = state.settings.with(|s| {
                                        s.lost_reasons.iter().rev().find(|x| x.reason.eq_ignore_ascii_case(&r.reason)).map_or(r.default_category, |x| x.category)
                                    });
                                    let reason = r.reason.clone();
                                    let set = move |ev: leptos::ev::Event| {
                                        let v = event_value(&ev);
                                        if let Some((category, _, _)) = CATEGORIES.into_iter().find(|(_, id, _)| *id == v) {
                                            let reason = reason.clone();
                                            state.settings.update(|s| {
                                                s.lost_reasons.retain(|x| !x.reason.eq_ignore_ascii_case(&reason));
                                                s.lost_reasons.push(LostReasonRule { reason, category });
                                            });
                                        }
                                    };
                                    view! {
                                        <tr data-testid="lost-reason-row">
                                            <th scope="row">{r.reason.clone()}</th>
                                            <td class="num">{r.deals}</td>
                                            <td>
                                                <select aria-label=format!("Category of {}", r.reason) on:change=set>
                                                    {CATEGORIES.into_iter().map(|(c, id, label)| view! { <option value=id selected=c == current>{label}</option> }).collect_view()}
                                                </select>
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }
                .into_any()
            }}
        </section>
    }
}

/// Excludes what `key` names (a review item, `rep:KEY` for a person), or includes it again.
fn toggle_excluded(state: crate::ui::state::AppState, key: String) {
    set_model_settings(state, move |s| {
        if s.excluded.contains(&key) {
            s.excluded.retain(|k| *k != key);
        } else {
            s.excluded.push(key);
        }
    });
}

/// A team fact typed on the roster: replaces any earlier choice for that rep and field.
fn set_roster_fact(
    state: crate::ui::state::AppState,
    rep: String,
    field: RosterField,
    value: String,
) {
    set_model_settings(state, move |s| {
        s.roster.retain(|c| !(c.rep == rep && c.field == field));
        s.roster.push(RosterChoice { rep, field, value });
    });
}

/// Every person found, with the team facts editable (team, manager, role, start and end dates), exclude /
/// include for anyone, and the matches made across files, each with its undo.
#[component]
fn Roster() -> impl IntoView {
    let state = use_app_state();
    let reps = move || state.model.with(|m| m.reps.clone());
    let merges = move || state.model.with(|m| m.merges.clone());
    let kept_apart = move || state.model_settings.with(|s| s.keep_apart.clone());
    let known =
        move |pick: fn(&RepSummary) -> Option<String>| state.model.with(|m| m.roster_values(pick));
    view! {
        <section class="panel" data-testid="roster">
            <h2>{move || format!("Roster ({} people)", reps().len())}</h2>
            <p class="lede">"Everyone found in the files. Team, manager, role and dates come from the files; type over them here (a team filters every view, a start date ramps the quota, an end date before the period keeps the rep out of the team medians). Excluded people leave every per-rep number; their deals stay in the team's totals."</p>
            <datalist id="roster-teams">{move || known(|r| r.team.clone()).into_iter().map(|t| view! { <option value=t /> }).collect_view()}</datalist>
            <datalist id="roster-managers">{move || known(|r| r.manager.clone()).into_iter().map(|t| view! { <option value=t /> }).collect_view()}</datalist>
            <div class="table-scroll" tabindex="0">
                <table class="data roster">
                    <thead>
                        <tr>
                            <th scope="col">"Name"</th>
                            <th scope="col">"Exclude"</th>
                            <th scope="col" class="num">"Deals owned"</th>
                            <th scope="col" class="num">"Activities"</th>
                            <th scope="col">"Team"</th>
                            <th scope="col">"Manager"</th>
                            <th scope="col">"Role"</th>
                            <th scope="col">"Started"</th>
                            <th scope="col">"Left"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {move || reps().into_iter().map(|r| {
                            let cell = |field: RosterField, value: Option<String>, list: Option<&'static str>| {
                                let rep = r.key.clone();
                                let label = format!("{} of {}", capitalized(field.label()), r.name);
                                let change = move |ev: leptos::ev::Event| {
                                    set_roster_fact(state, rep.clone(), field, event_value(&ev));
                                };
                                let kind = match field {
                                    RosterField::StartedOn | RosterField::EndedOn => "date",
                                    _ => "text",
                                };
                                view! {
                                    <td>
                                        <input type=kind class="cell" list=list aria-label=label
                                            data-testid=format!("roster-{}", field_id(field))
                                            title=value.clone().unwrap_or_default()
                                            prop:value=value.unwrap_or_default() on:change=change />
                                    </td>
                                }
                            };
                            let exclude_key = format!("rep:{}", r.key);
                            let toggle = move |_| toggle_excluded(state, exclude_key.clone());
                            let status = match (r.active, r.ended_on) {
                                (Some(false), None) => " · inactive in the CRM",
                                _ => "",
                            };
                            view! {
                                <tr data-testid="roster-row" class:excluded=r.excluded>
                                    <th scope="row" class="who">
                                        <span data-testid="roster-name">{r.name.clone()}</span><span class="muted">{status}</span>
                                        {(!r.aliases.is_empty()).then(|| view! { <span class="aside">{format!("also written {}", r.aliases.join(", "))}</span> })}
                                        {r.review.clone().map(|note| view! { <span class="aside">{note}</span> })}
                                    </th>
                                    <td>
                                        <input type="checkbox" data-testid="roster-exclude" aria-label=format!("Exclude {}", r.name)
                                            prop:checked=r.excluded on:change=toggle />
                                    </td>
                                    <td class="num">{thousands(r.deals_owned)}</td>
                                    <td class="num">{thousands(r.activities)}</td>
                                    {cell(RosterField::Team, r.team.clone(), Some("roster-teams"))}
                                    {cell(RosterField::Manager, r.manager.clone(), Some("roster-managers"))}
                                    {cell(RosterField::Role, r.role.clone(), None)}
                                    {cell(RosterField::StartedOn, r.started_on.map(|d| d.to_string()), None)}
                                    {cell(RosterField::EndedOn, r.ended_on.map(|d| d.to_string()), None)}
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            {move || {
                let groups = merge_groups(merges());
                let matched: usize = groups.iter().map(|g| g.len()).sum();
                let apart = kept_apart();
                let open = !apart.is_empty();
                (matched > 0 || open).then(|| view! {
                    <details data-testid="merges" open=open>
                        <summary>{format!("{} people matched across files ({} matches)", groups.len(), matched)}</summary>
                        <p class="lede">"A person in two files is one rep only on the same e-mail or the same name. If two people share a name, keep one file's person apart: they become a rep of their own."</p>
                        <ul class="merges">
                            {groups.into_iter().map(|group| {
                                let first = &group[0];
                                let same = if group.iter().all(|m| m.same == first.same) { first.same.as_str() } else { "name or e-mail" };
                                let head = format!("{} of {} is, by the same {same}, in: ", first.rep, first.first_file);
                                let rep = first.rep.clone();
                                view! {
                                    <li data-testid="merge">
                                        {head}
                                        {group.iter().enumerate().map(|(i, merge)| {
                                            let key = merge.keep_apart.clone();
                                            let undo = move |_| {
                                                let key = key.clone();
                                                set_model_settings(state, move |s| {
                                                    if !s.keep_apart.contains(&key) {
                                                        s.keep_apart.push(key);
                                                    }
                                                });
                                            };
                                            let label = format!("Keep apart: {} in {}", rep, merge.file);
                                            view! {
                                                {if i > 0 { " · " } else { "" }}
                                                {format!("{} ", merge.file)}
                                                <button type="button" class="quiet small" aria-label=label on:click=undo>"Keep apart"</button>
                                            }
                                        }).collect_view()}
                                    </li>
                                }
                            }).collect_view()}
                            {apart.into_iter().map(|key| {
                                let (file, person) = key.split_once('|').map_or((String::new(), key.clone()), |(f, p)| (f.to_owned(), p.to_owned()));
                                let shown = state.model.with(|m| {
                                    m.reps
                                        .iter()
                                        .find(|r| r.key.starts_with(&format!("{person}#")) && r.files.contains(&file))
                                        .map_or_else(|| person.clone(), |r| r.name.clone())
                                });
                                let again = key.clone();
                                let rematch = move |_| {
                                    let key = again.clone();
                                    set_model_settings(state, move |s| s.keep_apart.retain(|k| *k != key));
                                };
                                view! {
                                    <li data-testid="kept-apart">
                                        {format!("Kept apart: {shown} is another person. ")}
                                        <button type="button" class="quiet small" on:click=rematch>"Match again"</button>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    </details>
                })
            }}
        </section>
    }
}

/// The matches of each person, in the order the files named them.
fn merge_groups(merges: Vec<Merge>) -> Vec<Vec<Merge>> {
    let mut groups: Vec<Vec<Merge>> = Vec::new();
    for merge in merges {
        match groups
            .iter_mut()
            .find(|g| g[0].rep == merge.rep && g[0].first_file == merge.first_file)
        {
            Some(group) => group.push(merge),
            None => groups.push(vec![merge]),
        }
    }
    groups
}

fn field_id(field: RosterField) -> &'static str {
    match field {
        RosterField::Team => "team",
        RosterField::Manager => "manager",
        RosterField::Role => "role",
        RosterField::StartedOn => "started",
        RosterField::EndedOn => "ended",
    }
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The settings that change the numbers, each with one line on what it does.
#[component]
fn Settings() -> impl IntoView {
    let state = use_app_state();
    let query = use_query_map();
    let navigate = use_navigate();
    let rates_error: RwSignal<Option<String>> = RwSignal::new(None);
    let home = move || state.settings.with(|s| s.money.home_currency.clone());
    let rates_text = move || {
        state.settings.with(|s| {
            s.money
                .rates
                .iter()
                .map(|r| match r.from {
                    Some(d) => format!("{},{},{d}", r.currency, r.rate),
                    None => format!("{},{}", r.currency, r.rate),
                })
                .collect::<Vec<_>>()
                .join("\n")
        })
    };
    let fiscal = move || {
        state
            .settings
            .with(|s| s.calendar.fiscal_start_month.to_string())
    };
    let zone = move || {
        state.model_settings.with(|s| {
            s.business_time_zone
                .clone()
                .unwrap_or_else(|| "UTC".to_owned())
        })
    };
    let as_of = move || query.with(|q| q.get_str("asof").unwrap_or_default().to_owned());
    let set_as_of = move |ev: leptos::ev::Event| {
        let v = event_value(&ev);
        let href = query.with_untracked(|q| with_param(q, "asof", Some(&v)));
        navigate(&href, Default::default());
    };
    let months = crate::engine::model::values::dates::MONTH_NAMES;
    let pipelines = move || state.model.with(|m| m.pipelines());
    let default_pipeline = move || {
        state
            .settings
            .with(|s| s.scope.pipelines.first().cloned().unwrap_or_default())
    };
    let default_type = move || {
        state.settings.with(|s| {
            s.scope
                .deal_types
                .first()
                .and_then(|t| serde_json::to_value(t).ok())
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default()
        })
    };
    view! {
        <section class="panel settings" data-testid="settings">
            <h2>"Settings that change the numbers"</h2>
            <div class="setting">
                <label for="home-currency">"Home currency"</label>
                <input id="home-currency" data-testid="home-currency" size="5" prop:value=home
                    on:change=move |ev| { let v = event_value(&ev).trim().to_uppercase(); state.settings.update(|s| s.money.home_currency = v); } />
                <p class="help">"Every amount is shown in it; deals without a currency are taken to be in it."</p>
            </div>
            <div class="setting">
                <label for="rates">"Exchange rates"</label>
                <textarea id="rates" data-testid="rates" rows="3" placeholder="EUR,1.08\nBRL,0.19,2025-01-01" prop:value=rates_text
                    on:change=move |ev| {
                        let text = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlTextAreaElement>().ok()).map(|t| t.value()).unwrap_or_default();
                        match Money::parse_rates(&text) {
                            Ok(rates) => { rates_error.set(None); state.settings.update(|s| s.money.rates = rates); }
                            Err(e) => rates_error.set(Some(e.to_string())),
                        }
                    }></textarea>
                <p class="help">
                    "One line per currency: code, value of one unit in the home currency, and optionally the date it applies from. Amounts without a rate are listed, not guessed. Or "
                    <label class="link-like">
                        "load a rates file"
                        <input type="file" accept=".csv,.txt,text/csv,text/plain" class="visually-hidden" data-testid="rates-file"
                            on:change=move |ev| {
                                let Some(file) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()).and_then(|i| i.files()).and_then(|f| f.get(0)) else { return; };
                                let file = gloo::file::File::from(file);
                                leptos::task::spawn_local(async move {
                                    match gloo::file::futures::read_as_text(&file).await {
                                        Ok(text) => match Money::parse_rates(&text) {
                                            Ok(rates) => { rates_error.set(None); state.settings.update(|s| s.money.rates = rates); }
                                            Err(e) => rates_error.set(Some(format!("{}: {e}", file.name()))),
                                        },
                                        Err(e) => rates_error.set(Some(format!("the browser could not read '{}': {e}", file.name()))),
                                    }
                                });
                            } />
                    </label>
                    " (the same lines)."
                </p>
                {move || rates_error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            </div>
            <div class="setting">
                <label for="time-zone">"Business time zone"</label>
                <input id="time-zone" data-testid="time-zone" prop:value=zone
                    on:change=move |ev| { let v = event_value(&ev).trim().to_owned(); set_model_settings(state, move |s| s.business_time_zone = (!v.is_empty()).then_some(v)); } />
                <p class="help">"Date-times in the exports are turned into days in this zone (IANA name, e.g. America/Bogota). Plain dates are never shifted."</p>
            </div>
            <div class="setting">
                <label for="fiscal">"Fiscal year starts in"</label>
                <select id="fiscal" data-testid="fiscal-start" prop:value=fiscal
                    on:change=move |ev| { let m: u32 = event_value(&ev).parse().unwrap_or(1); state.settings.update(|s| s.calendar.fiscal_start_month = m); }>
                    {months.into_iter().enumerate().map(|(i, m)| view! { <option value=(i + 1).to_string()>{m}</option> }).collect_view()}
                </select>
                <p class="help">"Quarters and years follow it. A Salesforce Period export, when imported, sets the whole calendar."</p>
            </div>
            <div class="setting">
                <label for="default-pipeline">"Default scope"</label>
                <div class="scope-choices">
                    <select id="default-pipeline" data-testid="default-pipeline" aria-label="Default pipeline" prop:value=default_pipeline
                        on:change=move |ev| { let v = event_value(&ev); state.settings.update(|s| s.scope.pipelines = (!v.is_empty()).then_some(v).into_iter().collect()); }>
                        <option value="">"All pipelines"</option>
                        {move || pipelines().into_iter().map(|p| view! { <option value=p.clone()>{p.clone()}</option> }).collect_view()}
                    </select>
                    " "
                    <select data-testid="default-deal-type" aria-label="Default deal type" prop:value=default_type
                        on:change=move |ev| {
                            let v = event_value(&ev);
                            let parsed = serde_json::from_value(serde_json::Value::String(v)).ok();
                            state.settings.update(|s| s.scope.deal_types = parsed.into_iter().collect());
                        }>
                        <option value="">"All deal types"</option>
                        {DEAL_TYPES.into_iter().map(|(v, l)| view! { <option value=v>{l}</option> }).collect_view()}
                    </select>
                </div>
                <p class="help">"What every view counts unless the header picks another pipeline or deal type (e.g. new business only, renewals left to account managers). Saved in the profile."</p>
            </div>
            <div class="setting">
                <label for="as-of">"As of"</label>
                <input id="as-of" type="date" data-testid="as-of-input" prop:value=as_of on:change=set_as_of />
                <p class="help">"\"Today\" for every number: empty means the latest date in the data. Kept in the address, so a bookmark gives the same numbers."</p>
            </div>
        </section>
    }
}

/// Save or load the mapping profile: every choice made here, as a small JSON file.
#[component]
fn Profile() -> impl IntoView {
    let state = use_app_state();
    let error: RwSignal<Option<String>> = RwSignal::new(None);
    let save = move |_| {
        let profile = ProfileFile {
            lost_reasons: state.settings.with_untracked(|s| s.lost_reasons.clone()),
            default_scope: state.settings.with_untracked(|s| DefaultScope {
                pipelines: s.scope.pipelines.clone(),
                deal_types: s.scope.deal_types.clone(),
            }),
            model: state.model_settings.get_untracked(),
            money: state.settings.with_untracked(|s| s.money.clone()),
            fiscal_start_month: state
                .settings
                .with_untracked(|s| s.calendar.fiscal_start_month),
        };
        match serde_json::to_string_pretty(&profile) {
            Ok(json) => download_text("pipelens-profile.json", "application/json", &json),
            Err(e) => error.set(Some(e.to_string())),
        }
    };
    let load = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(file) = input.files().and_then(|f| f.get(0)) else {
            return;
        };
        let file = gloo::file::File::from(file);
        leptos::task::spawn_local(async move {
            match gloo::file::futures::read_as_text(&file).await {
                Ok(text) => match serde_json::from_str::<ProfileFile>(&text) {
                    Ok(p) => {
                        error.set(None);
                        state.settings.update(|s| {
                            s.lost_reasons = p.lost_reasons;
                            s.money = p.money;
                            s.calendar.fiscal_start_month = p.fiscal_start_month;
                            s.scope.pipelines = p.default_scope.pipelines;
                            s.scope.deal_types = p.default_scope.deal_types;
                        });
                        set_model_settings(state, move |s| *s = p.model);
                    }
                    Err(e) => error.set(Some(format!(
                        "'{}' is not a pipelens profile: {e}",
                        file.name()
                    ))),
                },
                Err(e) => error.set(Some(format!(
                    "the browser could not read '{}': {e}",
                    file.name()
                ))),
            }
        });
    };
    view! {
        <section class="panel" data-testid="profile">
            <h2>"Mapping profile"</h2>
            <p class="lede">"Save every choice made here (kinds, column mapping, assumptions, stages, lost reasons, exclusions, roster, matches kept apart, time zone, currency, fiscal year, default scope) as a small JSON file, and load it next time so next Monday's export maps itself. Nothing is stored in the browser."</p>
            <button type="button" data-testid="save-profile" on:click=save>"Save profile"</button>
            " "
            <label class="button secondary">
                "Load profile"
                <input type="file" accept=".json,application/json" class="visually-hidden" data-testid="load-profile" on:change=load />
            </label>
            {move || error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
        </section>
    }
}

/// What a profile file holds.
#[derive(serde::Serialize, serde::Deserialize)]
struct ProfileFile {
    model: ModelSettings,
    money: Money,
    #[serde(default = "january")]
    fiscal_start_month: u32,
    #[serde(default)]
    lost_reasons: Vec<crate::engine::metrics::compute::LostReasonRule>,
    #[serde(default)]
    default_scope: DefaultScope,
}

/// The pipelines and deal types every view counts unless the header says otherwise.
#[derive(Default, serde::Serialize, serde::Deserialize)]
struct DefaultScope {
    #[serde(default)]
    pipelines: Vec<String>,
    #[serde(default)]
    deal_types: Vec<crate::engine::metrics::compute::DealType>,
}

fn january() -> u32 {
    1
}
