//! A bubble chart on a canvas: one bubble per rep at (activity a working day, win rate), its area the
//! bookings, with the team's medians as quadrant lines and each quadrant named. Hovering shows the rep's
//! figures; clicking a bubble (a link laid over it) opens the rep; the same figures are in a table with links, for keyboards and
//! screen readers. It lays out the engine's [`ActivityWin`]; it computes nothing.

use leptos::html;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use plotters::prelude::*;

use crate::engine::coaching::report::ActivityWin;
use crate::engine::numfmt::{money, percent};
use crate::ui::components::chart::{drawing_area, token};
use crate::ui::components::download::download_canvas;
use crate::ui::filters::with_param;
use crate::ui::state::use_app_state;

/// Each bubble's centre and radius on the canvas, in CSS pixels.
type Hits = Vec<(f64, f64, f64)>;

fn draw(canvas: &web_sys::HtmlCanvasElement, data: &ActivityWin, dpr: f64) -> Option<Hits> {
    let (root, _) = drawing_area(canvas, (240, 200), dpr)?;
    let (surface, text, muted, accent, hairline) = (
        token("--surface", WHITE),
        token("--text", BLACK),
        token("--text-muted", RGBColor(90, 96, 104)),
        token("--accent", RGBColor(31, 95, 153)),
        token("--hairline", RGBColor(217, 220, 223)),
    );
    root.fill(&surface).ok()?;
    let px = |v: f64| (v * dpr) as i32;
    let font = |size: f64| ("sans-serif", size * dpr).into_font().color(&text);
    let max_x = data
        .points
        .iter()
        .map(|p| p.activity_per_day)
        .fold(1.0f64, f64::max)
        * 1.15;
    let max_y = data
        .points
        .iter()
        .map(|p| p.win_rate)
        .fold(0.1f64, f64::max)
        .min(0.91)
        * 1.15;
    let max_booked = data
        .points
        .iter()
        .map(|p| p.bookings)
        .fold(0.0f64, f64::max);
    let mut chart = ChartBuilder::on(&root)
        .margin(px(12.0) as u32)
        .x_label_area_size(px(40.0) as u32)
        .y_label_area_size(px(56.0) as u32)
        .build_cartesian_2d(0.0..max_x, 0.0..max_y)
        .ok()?;
    chart
        .configure_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(hairline)
        .axis_style(muted)
        .x_desc("completed activities a working day")
        .y_desc("win rate")
        .y_label_formatter(&|v| format!("{:.0}%", v * 100.0))
        .x_label_formatter(&|v| format!("{v:.0}"))
        .label_style(font(11.0))
        .axis_desc_style(font(12.0))
        .draw()
        .ok()?;
    let median_style = ShapeStyle::from(&muted).stroke_width(px(1.5) as u32);
    if let Some(mx) = data.median_activity_per_day {
        chart
            .draw_series(LineSeries::new(vec![(mx, 0.0), (mx, max_y)], median_style))
            .ok()?;
    }
    if let Some(my) = data.median_win_rate {
        chart
            .draw_series(LineSeries::new(vec![(0.0, my), (max_x, my)], median_style))
            .ok()?;
    }
    // The quadrants' names, in their corners.
    let corner = |x: f64, y: f64, label: &str, anchor_right: bool| {
        let (cx, cy) = chart.backend_coord(&(x, y));
        let style = ("sans-serif", 11.0 * dpr).into_font().color(&muted).pos(
            plotters::style::text_anchor::Pos::new(
                if anchor_right {
                    plotters::style::text_anchor::HPos::Right
                } else {
                    plotters::style::text_anchor::HPos::Left
                },
                plotters::style::text_anchor::VPos::Top,
            ),
        );
        let dx = if anchor_right { -px(6.0) } else { px(6.0) };
        Text::new(label.to_owned(), (cx + dx, cy + px(4.0)), style)
    };
    if data.median_activity_per_day.is_some() && data.median_win_rate.is_some() {
        let labels = [
            corner(max_x, max_y, "busy and converting", true),
            corner(0.0, max_y, "converting on little activity", false),
            corner(
                max_x,
                data.median_win_rate.unwrap_or(0.0),
                "busy but not converting",
                true,
            ),
            corner(
                0.0,
                data.median_win_rate.unwrap_or(0.0),
                "quiet and not converting",
                false,
            ),
        ];
        for label in labels {
            root.draw(&label).ok()?;
        }
    }
    let mut hits = Vec::new();
    let mut placed: Vec<(i32, i32, i32, i32)> = Vec::new();
    for p in &data.points {
        let r_css = 5.0 + 19.0 * (p.bookings / max_booked.max(1.0)).max(0.0).sqrt();
        let at = (p.activity_per_day, p.win_rate);
        let style = if p.limited_history {
            accent.stroke_width(px(2.0) as u32)
        } else {
            accent.mix(0.55).filled()
        };
        chart
            .draw_series(std::iter::once(Circle::new(at, px(r_css), style)))
            .ok()?;
        let (cx, cy) = chart.backend_coord(&at);
        let name = p.rep.split_whitespace().next().unwrap_or(&p.rep).to_owned();
        // The name beside its bubble where it does not cover another name: right, left, above, below; else
        // left out (hover and the table have it).
        let (w, h) = (name.chars().count() as i32 * px(6.5), px(13.0));
        let r = px(r_css);
        let tries = [
            (cx + r + px(3.0), cy - h / 2),
            (cx - r - px(3.0) - w, cy - h / 2),
            (cx - w / 2, cy - r - h - px(2.0)),
            (cx - w / 2, cy + r + px(2.0)),
        ];
        if let Some(&(x, y)) = tries.iter().find(|(x, y)| {
            !placed
                .iter()
                .any(|&(a, b, c, d)| *x < c && a < x + w && *y < d && b < y + h)
        }) {
            placed.push((x, y, x + w, y + h));
            root.draw(&Text::new(name, (x, y), font(11.0))).ok()?;
        }
        hits.push((f64::from(cx) / dpr, f64::from(cy) / dpr, r_css));
    }
    root.present().ok()?;
    Some(hits)
}

/// The picture with its data table; each bubble and each row opens the rep.
#[component]
pub fn ActivityWinChart(data: ActivityWin, currency: String) -> impl IntoView {
    let state = use_app_state();
    let query = use_query_map();
    let canvas_ref = NodeRef::<html::Canvas>::new();
    let hits: RwSignal<Hits> = RwSignal::new(Vec::new());
    let hover: RwSignal<Option<usize>> = RwSignal::new(None);
    let data = StoredValue::new(data);
    Effect::new(move |_| {
        let _theme = state.dark.get();
        if let Some(canvas) = canvas_ref.get() {
            let dpr = web_sys::window()
                .map_or(1.0, |w| w.device_pixel_ratio())
                .max(1.0);
            let drawn = data
                .with_value(|d| draw(&canvas, d, dpr))
                .unwrap_or_default();
            hits.set(drawn);
        }
    });
    let href = move |rep: &str| query.with_untracked(|q| with_param(q, "rep", Some(rep)));
    // A link over each bubble: hovering shows its figures, clicking opens the rep (keyboards and screen
    // readers use the table's links instead).
    let spots = move || {
        hits.get()
            .into_iter()
            .enumerate()
            .map(|(i, (x, y, r))| {
                let (rep, link) = data.with_value(|d| {
                    let rep = d.points.get(i).map(|p| p.rep.clone()).unwrap_or_default();
                    let link = href(&rep);
                    (rep, link)
                });
                let size = format!("{}px", 2.0 * r);
                view! {
                    <a class="bubble-hit" href=link aria-hidden="true" tabindex="-1" data-rep=rep
                        style:left=format!("{}px", x - r) style:top=format!("{}px", y - r)
                        style:width=size.clone() style:height=size
                        on:mouseenter=move |_| hover.set(Some(i)) on:mouseleave=move |_| hover.set(None)></a>
                }
            })
            .collect_view()
    };
    let export = move |_| {
        if let Some(canvas) = canvas_ref.get_untracked() {
            download_canvas("activity-vs-win-rate.png", &canvas);
        }
    };
    let tooltip = move || {
        let (i, x, y) = hover
            .get()
            .and_then(|i| hits.with(|h| h.get(i).map(|(x, y, r)| (i, x + r, *y))))?;
        data.with_value(|d| {
            d.points.get(i).map(|p| {
                    let text = format!(
                        "{}: {:.1} activities a working day · win rate {} ({} decided) · booked {}",
                        p.rep,
                        p.activity_per_day,
                        percent(Some(p.win_rate)),
                        p.decided_deals,
                        money(Some(p.bookings))
                    );
                    view! {
                        <div class="chart-tip" role="status" style:left=format!("{}px", x + 6.0) style:top=format!("{}px", y + 8.0)>{text}</div>
                    }
            })
        })
    };
    let (points, note, left_out, medians) = data.with_value(|d| {
        (
            d.points.clone(),
            d.note.clone(),
            d.left_out.clone(),
            format!(
                "Team medians: {} activities a working day, win rate {}.",
                d.median_activity_per_day
                    .map_or("—".to_owned(), |v| format!("{v:.1}")),
                percent(d.median_win_rate)
            ),
        )
    });
    let rows = points
        .into_iter()
        .map(|p| {
            let link = href(&p.rep);
            view! {
                <tr>
                    <th scope="row"><a href=link>{p.rep.clone()}</a></th>
                    <td class="num">{format!("{:.1}", p.activity_per_day)}</td>
                    <td class="num">{percent(Some(p.win_rate))}</td>
                    <td class="num">{p.decided_deals}</td>
                    <td class="num">{money(Some(p.bookings))}</td>
                    <td>{if p.limited_history { "too few to judge" } else { "" }}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <figure class="chart bubble" data-testid="activity-win-chart">
            <figcaption>
                <span class="chart-title">"Activity against win rate"</span>
                <button type="button" class="quiet small" on:click=export>"PNG"</button>
            </figcaption>
            <div class="chart-area tall">
                <canvas node_ref=canvas_ref aria-hidden="true"></canvas>
                {spots}
                {tooltip}
            </div>
            <p class="chart-note">{format!("{note} {medians} Amounts in {currency}.")}</p>
            {(!left_out.is_empty()).then(|| view! {
                <p class="chart-note" data-testid="activity-win-left-out">{format!("Not drawn (no activities or no decided deal in the window): {}.", left_out.join(", "))}</p>
            })}
            <details class="chart-data">
                <summary>"Data"</summary>
                <table class="data compact" data-testid="activity-win-table">
                    <caption class="visually-hidden">"Activity against win rate, per rep"</caption>
                    <thead><tr>
                        <th scope="col">"Rep"</th>
                        <th scope="col" class="num">"Activities a working day"</th>
                        <th scope="col" class="num">"Win rate"</th>
                        <th scope="col" class="num">"Decided deals"</th>
                        <th scope="col" class="num">"Booked"</th>
                        <th scope="col">""</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </details>
        </figure>
    }
}
