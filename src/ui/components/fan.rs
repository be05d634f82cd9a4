//! The forecast's fan chart, drawn with plotters on a canvas: the period's bookings to date as a line, then
//! the P10–P90 and P25–P75 bands of the bookings by each later week (fanning out from what is closed on the
//! as-of day) with the most likely line, and quota across. Hovering shows the exact values of the nearest
//! week; the same points are a table (with every figure) for screen readers and keyboards; PNG export.
//! The points are the engine's ([`FanPoint`]); this only draws them.

use chrono::NaiveDate;
use leptos::html;
use leptos::prelude::*;
use plotters::prelude::*;

use crate::engine::forecast::report::FanPoint;
use crate::engine::numfmt::{money, money_short};
use crate::ui::components::chart::{drawing_area, token};
use crate::ui::components::download::download_canvas;
use crate::ui::state::use_app_state;

type Trans = Box<dyn Fn((i32, i32)) -> Option<(f64, f64)>>;

/// Days from the first point.
fn x_of(start: NaiveDate, day: NaiveDate) -> f64 {
    (day - start).num_days() as f64
}

/// The band between two quantiles, from the last booked point (where the range is what is closed) to the
/// period's end.
fn band(
    points: &[FanPoint],
    start: NaiveDate,
    low: fn(&FanPoint) -> Option<f64>,
    high: fn(&FanPoint) -> Option<f64>,
) -> Vec<(f64, f64)> {
    let anchor = points
        .iter()
        .rev()
        .find_map(|p| p.booked.map(|b| (x_of(start, p.day), b)));
    let ahead: Vec<&FanPoint> = points
        .iter()
        .filter(|p| low(p).is_some() && high(p).is_some())
        .collect();
    if ahead.is_empty() {
        return Vec::new();
    }
    let mut outline: Vec<(f64, f64)> = anchor.into_iter().collect();
    outline.extend(
        ahead
            .iter()
            .filter_map(|p| Some((x_of(start, p.day), high(p)?))),
    );
    outline.extend(
        ahead
            .iter()
            .rev()
            .filter_map(|p| Some((x_of(start, p.day), low(p)?))),
    );
    outline
}

fn draw(
    canvas: &web_sys::HtmlCanvasElement,
    points: &[FanPoint],
    quota: Option<f64>,
    unit: &str,
    dpr: f64,
) -> Option<Trans> {
    let start = points.first()?.day;
    let end = x_of(start, points.last()?.day).max(1.0);
    let (root, _) = drawing_area(canvas, (200, 120), dpr)?;
    let (surface, text, muted, accent, quota_colour, hairline) = (
        token("--surface", WHITE),
        token("--text", BLACK),
        token("--text-muted", RGBColor(90, 96, 104)),
        token("--accent", RGBColor(31, 95, 153)),
        token("--below", RGBColor(214, 96, 77)),
        token("--hairline", RGBColor(217, 220, 223)),
    );
    root.fill(&surface).ok()?;
    let top = points
        .iter()
        .flat_map(|p| [p.booked, p.p90])
        .chain([quota])
        .flatten()
        .filter(|v| v.is_finite())
        .fold(0f64, f64::max);
    let top = if top <= 0.0 { 1.0 } else { top * 1.08 };
    let px = |v: f64| (v * dpr) as u32;
    let font = |size: f64| ("sans-serif", size * dpr).into_font().color(&text);
    let mut chart = ChartBuilder::on(&root)
        .margin(px(8.0))
        .x_label_area_size(px(30.0))
        .y_label_area_size(px(64.0))
        .build_cartesian_2d(0f64..end, 0f64..top)
        .ok()?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(hairline)
        .axis_style(muted)
        .y_labels(6)
        .x_labels(7)
        .x_label_formatter(&|x| {
            let day = start + chrono::Days::new(x.max(0.0).round() as u64);
            day.format("%-d %b").to_string()
        })
        .y_desc(unit)
        .y_label_formatter(&|v| money_short(Some(*v)))
        .label_style(font(11.0))
        .axis_desc_style(font(12.0))
        .draw()
        .ok()?;
    let wide = band(points, start, |p| p.p10, |p| p.p90);
    if !wide.is_empty() {
        chart
            .draw_series(std::iter::once(Polygon::new(
                wide,
                accent.mix(0.18).filled(),
            )))
            .ok()?;
    }
    let inner = band(points, start, |p| p.p25, |p| p.p75);
    if !inner.is_empty() {
        chart
            .draw_series(std::iter::once(Polygon::new(
                inner,
                accent.mix(0.32).filled(),
            )))
            .ok()?;
    }
    let booked: Vec<(f64, f64)> = points
        .iter()
        .filter_map(|p| Some((x_of(start, p.day), p.booked?)))
        .collect();
    let mut likely: Vec<(f64, f64)> = booked.last().copied().into_iter().collect();
    likely.extend(
        points
            .iter()
            .filter_map(|p| Some((x_of(start, p.day), p.p50?))),
    );
    if likely.len() > 1 {
        chart
            .draw_series(DashedLineSeries::new(
                likely,
                px(6.0),
                px(4.0),
                accent.stroke_width(px(2.0)),
            ))
            .ok()?;
    }
    chart
        .draw_series(LineSeries::new(booked, text.stroke_width(px(2.5))))
        .ok()?;
    if let Some(q) = quota.filter(|q| q.is_finite()) {
        chart
            .draw_series(LineSeries::new(
                [(0.0, q), (end, q)],
                ShapeStyle::from(&quota_colour).stroke_width(px(2.0)),
            ))
            .ok()?;
    }
    root.present().ok()?;
    Some(Box::new(chart.into_coord_trans()))
}

fn point_text(p: &FanPoint) -> String {
    match (p.booked, p.p50) {
        (Some(b), _) => format!("{}: booked {}", p.day, money(Some(b))),
        (None, Some(m)) => format!(
            "{}: most likely {} · P25–P75 {}–{} · P10–P90 {}–{}",
            p.day,
            money(Some(m)),
            money(p.p25),
            money(p.p75),
            money(p.p10),
            money(p.p90)
        ),
        (None, None) => format!("{}: no range", p.day),
    }
}

#[component]
pub fn FanChart(
    testid: &'static str,
    #[prop(into)] title: String,
    /// The currency of the value axis.
    #[prop(into)]
    unit: String,
    points: Vec<FanPoint>,
    quota: Option<f64>,
) -> impl IntoView {
    let state = use_app_state();
    let canvas_ref = NodeRef::<html::Canvas>::new();
    let trans: StoredValue<Option<Trans>, LocalStorage> = StoredValue::new_local(None);
    let hover: RwSignal<Option<(usize, i32, i32)>> = RwSignal::new(None);
    let points = StoredValue::new(points);
    let unit_for_draw = unit.clone();
    Effect::new(move |_| {
        let _theme = state.dark.get();
        if let Some(canvas) = canvas_ref.get() {
            let dpr = web_sys::window()
                .map_or(1.0, |w| w.device_pixel_ratio())
                .max(1.0);
            let t = points.with_value(|p| draw(&canvas, p, quota, &unit_for_draw, dpr));
            trans.set_value(t);
        }
    });
    let on_move = move |event: web_sys::MouseEvent| {
        let dpr = web_sys::window()
            .map_or(1.0, |w| w.device_pixel_ratio())
            .max(1.0);
        let at = (
            (f64::from(event.offset_x()) * dpr) as i32,
            (f64::from(event.offset_y()) * dpr) as i32,
        );
        let x = trans.with_value(|t| t.as_ref().and_then(|t| t(at)).map(|(x, _)| x));
        let nearest = x.and_then(|x| {
            points.with_value(|p| {
                let start = p.first()?.day;
                (0..p.len()).min_by(|&a, &b| {
                    (x_of(start, p[a].day) - x)
                        .abs()
                        .total_cmp(&(x_of(start, p[b].day) - x).abs())
                })
            })
        });
        hover.set(nearest.map(|i| (i, event.offset_x(), event.offset_y())));
    };
    let png_name = format!("{testid}.png");
    let export = move |_| {
        if let Some(canvas) = canvas_ref.get_untracked() {
            download_canvas(&png_name, &canvas);
        }
    };
    let tooltip = move || {
        hover.get().and_then(|(i, x, y)| {
            points.with_value(|p| {
                p.get(i).map(|point| {
                    view! {
                        <div class="chart-tip" role="status" data-testid="fan-tip" style:left=format!("{}px", x + 12) style:top=format!("{}px", y + 8)>
                            {point_text(point)}
                        </div>
                    }
                })
            })
        })
    };
    let rows = points.with_value(|p| {
        p.iter()
            .map(|p| {
                view! {
                    <tr>
                        <th scope="row">{p.day.to_string()}</th>
                        <td class="num">{money(p.booked)}</td>
                        <td class="num">{money(p.p10)}</td>
                        <td class="num">{money(p.p25)}</td>
                        <td class="num">{money(p.p50)}</td>
                        <td class="num">{money(p.p75)}</td>
                        <td class="num">{money(p.p90)}</td>
                    </tr>
                }
            })
            .collect_view()
    });
    let title_for_table = title.clone();
    view! {
        <figure class="chart fan" data-testid=testid>
            <figcaption>
                <span class="chart-title">{title}</span>
                <button type="button" class="quiet small" on:click=export>"PNG"</button>
            </figcaption>
            <div class="chart-area">
                <canvas node_ref=canvas_ref aria-hidden="true" on:mousemove=on_move on:mouseleave=move |_| hover.set(None)></canvas>
                {tooltip}
            </div>
            <p class="chart-note">
                <span class="key key-booked"></span>"Booked to date "
                <span class="key key-likely"></span>"Most likely "
                <span class="key key-inner"></span>"P25–P75 "
                <span class="key key-wide"></span>"P10–P90 "
                {quota.map(|q| view! { <span class="key key-quota"></span>{format!("Quota {}", money(Some(q)))} })}
            </p>
            <details class="chart-data">
                <summary>"Data"</summary>
                <table class="data compact" data-testid=format!("{testid}-table")>
                    <caption class="visually-hidden">{title_for_table}</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Day"</th>
                            <th scope="col" class="num">{format!("Booked ({unit})")}</th>
                            <th scope="col" class="num">"P10"</th>
                            <th scope="col" class="num">"P25"</th>
                            <th scope="col" class="num">"Most likely"</th>
                            <th scope="col" class="num">"P75"</th>
                            <th scope="col" class="num">"P90"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </details>
        </figure>
    }
}
