//! A waterfall chart drawn with plotters on a canvas: the start as a bar from zero, each step floating
//! from the running total (up for what joined, down for what left), and the end from zero. Hovering shows
//! a step's exact amount and deals; clicking it (or its row in the data table, by keyboard) picks it. The
//! steps are the engine's; this only draws them.

use leptos::html;
use leptos::prelude::*;
use plotters::coord::ranged1d::{IntoSegmentedCoord, SegmentValue};
use plotters::prelude::*;

use crate::engine::numfmt::{money, money_short};
use crate::ui::components::chart::{drawing_area, token};
use crate::ui::components::download::download_canvas;
use crate::ui::state::use_app_state;

/// One bar of the waterfall.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// What a click picks (`won`, `new` …); `None` for the start and the end.
    pub key: Option<&'static str>,
    pub label: String,
    /// The step's amount (signed); for a total, the total.
    pub amount: f64,
    pub deals: u64,
    /// A total (start, end) is drawn from zero.
    pub total: bool,
}

type Trans = Box<dyn Fn((i32, i32)) -> Option<(SegmentValue<usize>, f64)>>;

/// Each bar's (low, high).
fn spans(steps: &[Step]) -> Vec<(f64, f64)> {
    let mut running = 0.0;
    steps
        .iter()
        .map(|s| {
            if s.total {
                running = s.amount;
                (0f64.min(s.amount), 0f64.max(s.amount))
            } else {
                let from = running;
                running += s.amount;
                (from.min(running), from.max(running))
            }
        })
        .collect()
}

fn draw(
    canvas: &web_sys::HtmlCanvasElement,
    steps: &[Step],
    unit: &str,
    dpr: f64,
    scale: Option<(f64, f64)>,
    compact: bool,
) -> Option<Trans> {
    let (root, _) = drawing_area(canvas, (200, 120), dpr)?;
    let (surface, text, muted, accent, above, below, hairline) = (
        token("--surface", WHITE),
        token("--text", BLACK),
        token("--text-muted", RGBColor(90, 96, 104)),
        token("--accent", RGBColor(31, 95, 153)),
        token("--above", RGBColor(33, 102, 172)),
        token("--below", RGBColor(214, 96, 77)),
        token("--hairline", RGBColor(217, 220, 223)),
    );
    root.fill(&surface).ok()?;
    let spans = spans(steps);
    let (bottom, top) = scale.unwrap_or_else(|| extent(steps));
    let n = steps.len().max(1);
    let px = |v: f64| (v * dpr) as u32;
    let font = |size: f64| ("sans-serif", size * dpr).into_font().color(&text);
    let mut chart = ChartBuilder::on(&root)
        .margin(px(8.0))
        .x_label_area_size(px(if compact { 28.0 } else { 34.0 }))
        .y_label_area_size(px(if compact { 48.0 } else { 64.0 }))
        .build_cartesian_2d(
            (0..n.saturating_sub(1).max(1)).into_segmented(),
            bottom..top,
        )
        .ok()?;
    let labels: Vec<String> = steps.iter().map(|s| s.label.clone()).collect();
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(hairline)
        .axis_style(muted)
        .y_labels(if compact { 3 } else { 6 })
        .x_labels(n)
        .x_label_formatter(&|x| match x {
            SegmentValue::CenterOf(i) => labels.get(*i).cloned().unwrap_or_default(),
            _ => String::new(),
        })
        .y_desc(unit)
        .y_label_formatter(&|v| money_short(Some(*v)))
        .label_style(font(if compact { 10.0 } else { 11.0 }))
        .axis_desc_style(font(12.0))
        .draw()
        .ok()?;
    chart
        .draw_series(
            steps
                .iter()
                .zip(&spans)
                .enumerate()
                .map(|(i, (s, (lo, hi)))| {
                    let colour = if s.total {
                        accent.mix(1.0)
                    } else if s.amount >= 0.0 {
                        above.mix(0.85)
                    } else {
                        below.mix(0.85)
                    };
                    let mut rect = Rectangle::new(
                        [
                            (SegmentValue::Exact(i), *lo),
                            (SegmentValue::Exact(i + 1), *hi),
                        ],
                        colour.filled(),
                    );
                    rect.set_margin(0, 0, px(8.0), px(8.0));
                    rect
                }),
        )
        .ok()?;
    root.present().ok()?;
    Some(Box::new(chart.into_coord_trans()))
}

/// The value axis that holds every bar of `steps`: (bottom, top), a little headroom above.
pub fn extent(steps: &[Step]) -> (f64, f64) {
    let spans = spans(steps);
    let top = spans.iter().map(|s| s.1).fold(0f64, f64::max);
    let bottom = spans.iter().map(|s| s.0).fold(0f64, f64::min);
    (bottom, if top <= 0.0 { 1.0 } else { top * 1.08 })
}

fn step_text(s: &Step) -> String {
    let sign = if !s.total && s.amount > 0.0 { "+" } else { "" };
    format!(
        "{}: {sign}{} ({} deal{})",
        s.label,
        money(Some(s.amount)),
        s.deals,
        if s.deals == 1 { "" } else { "s" }
    )
}

#[component]
pub fn Waterfall(
    #[prop(into)] testid: String,
    #[prop(into)] title: String,
    /// The currency of the value axis.
    #[prop(into)]
    unit: String,
    steps: Vec<Step>,
    /// Called with the step a click picks.
    on_pick: Callback<&'static str>,
    /// A small multiple: a smaller chart, its numbers folded under it.
    #[prop(optional)]
    compact: bool,
    /// The value axis (bottom, top), shared by small multiples; its own extent otherwise.
    #[prop(optional)]
    scale: Option<(f64, f64)>,
) -> impl IntoView {
    let state = use_app_state();
    let canvas_ref = NodeRef::<html::Canvas>::new();
    let trans: StoredValue<Option<Trans>, LocalStorage> = StoredValue::new_local(None);
    let hover: RwSignal<Option<(usize, i32, i32)>> = RwSignal::new(None);
    let steps = StoredValue::new(steps);
    let unit_for_draw = unit.clone();
    Effect::new(move |_| {
        let _theme = state.dark.get();
        if let Some(canvas) = canvas_ref.get() {
            let dpr = web_sys::window()
                .map_or(1.0, |w| w.device_pixel_ratio())
                .max(1.0);
            let t = steps.with_value(|s| draw(&canvas, s, &unit_for_draw, dpr, scale, compact));
            trans.set_value(t);
        }
    });
    let index_at = move |event: &web_sys::MouseEvent| -> Option<usize> {
        let dpr = web_sys::window()
            .map_or(1.0, |w| w.device_pixel_ratio())
            .max(1.0);
        let point = (
            (f64::from(event.offset_x()) * dpr) as i32,
            (f64::from(event.offset_y()) * dpr) as i32,
        );
        trans.with_value(|t| {
            t.as_ref()
                .and_then(|t| t(point))
                .and_then(|(x, _)| match x {
                    SegmentValue::Exact(i) | SegmentValue::CenterOf(i) => Some(i),
                    SegmentValue::Last => None,
                })
        })
    };
    let on_move = move |event: web_sys::MouseEvent| {
        let at = index_at(&event).filter(|i| steps.with_value(|s| *i < s.len()));
        hover.set(at.map(|i| (i, event.offset_x(), event.offset_y())));
    };
    let on_click = move |event: web_sys::MouseEvent| {
        if let Some(key) =
            index_at(&event).and_then(|i| steps.with_value(|s| s.get(i).and_then(|s| s.key)))
        {
            on_pick.run(key);
        }
    };
    let png_name = format!("{testid}.png");
    // The team's chart keeps the plain names (`waterfall-pick-won`); a small multiple's carry its own.
    let pick_prefix = if compact {
        testid.clone()
    } else {
        "waterfall".to_owned()
    };
    let export = move |_| {
        if let Some(canvas) = canvas_ref.get_untracked() {
            download_canvas(&png_name, &canvas);
        }
    };
    let tooltip = move || {
        hover.get().and_then(|(i, x, y)| {
            steps.with_value(|s| {
                s.get(i).map(|step| {
                    view! {
                        <div class="chart-tip" role="status" style:left=format!("{}px", x + 12) style:top=format!("{}px", y + 8)>
                            {step_text(step)}
                        </div>
                    }
                })
            })
        })
    };
    let rows = steps.with_value(|s| {
        s.iter()
            .map(|step| {
                let label = step.label.clone();
                let cell = match step.key {
                    Some(key) => view! {
                        <button type="button" class="link" data-testid=format!("{pick_prefix}-pick-{key}") on:click=move |_| on_pick.run(key)>{label}</button>
                    }
                    .into_any(),
                    None => label.into_any(),
                };
                let sign = if !step.total && step.amount > 0.0 { "+" } else { "" };
                view! {
                    <tr data-step=step.key.unwrap_or(if step.label == "Start" { "start" } else { "end" })>
                        <th scope="row">{cell}</th>
                        <td class="num">{format!("{sign}{}", money(Some(step.amount)))}</td>
                        <td class="num">{step.deals.to_string()}</td>
                    </tr>
                }
            })
            .collect_view()
    });
    let title_for_table = title.clone();
    let table_testid = format!("{testid}-table");
    let table = view! {
        <table class="data compact" data-testid=table_testid>
            <caption class="visually-hidden">{title_for_table}</caption>
            <thead>
                <tr>
                    <th scope="col">"Step"</th>
                    <th scope="col" class="num">{format!("Amount ({unit})")}</th>
                    <th scope="col" class="num">"Deals"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    };
    let table = if compact {
        view! { <details class="math"><summary>"Numbers"</summary>{table}</details> }.into_any()
    } else {
        table.into_any()
    };
    view! {
        <figure class=if compact { "chart waterfall compact" } else { "chart waterfall" } data-testid=testid>
            <figcaption>
                <span class="chart-title">{title}</span>
                <button type="button" class="quiet small" on:click=export>"PNG"</button>
            </figcaption>
            <div class="chart-area">
                <canvas node_ref=canvas_ref aria-hidden="true" class="clickable" on:mousemove=on_move on:mouseleave=move |_| hover.set(None) on:click=on_click></canvas>
                {tooltip}
            </div>
            {table}
        </figure>
    }
}
