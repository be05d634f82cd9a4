//! Charts drawn with plotters on a canvas at the device pixel ratio (crisp on HiDPI screens and in print):
//! bars from zero (with an optional line, such as quota, and an optional marker per bar, such as the
//! coverage a rep needs) or lines. Axes carry their units; hovering shows the exact value; clicking a bar
//! opens its math; every chart has its data as a table (with the same figures, reachable by keyboard) for
//! screen readers, and exports as PNG.

use leptos::html;
use leptos::prelude::*;
use plotters::coord::ranged1d::{IntoSegmentedCoord, SegmentValue};
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;

use crate::ui::components::download::download_canvas;
use crate::ui::components::math::Figure;
use crate::ui::state::{MathAsk, use_app_state};

/// One category of a chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    pub value: Option<f64>,
    /// The value as the data table and tooltip write it.
    pub text: String,
    pub math: Option<MathAsk>,
    /// A second value drawn as a line across the bars (quota).
    pub line: Option<f64>,
    /// A tick on the bar (the coverage needed).
    pub marker: Option<f64>,
    /// Shown in a muted colour (a month not over yet, a sample too small).
    pub muted: bool,
}

impl Bar {
    pub fn new(label: impl Into<String>, value: Option<f64>, text: impl Into<String>) -> Bar {
        Bar {
            label: label.into(),
            value,
            text: text.into(),
            math: None,
            line: None,
            marker: None,
            muted: false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Bars,
    Line,
}

/// A colour token of the stylesheet, read from the page (so dark mode draws dark charts).
pub fn token(name: &str, fallback: RGBColor) -> RGBColor {
    let value = web_sys::window()
        .and_then(|w| {
            let root = w.document()?.document_element()?;
            w.get_computed_style(&root)
                .ok()
                .flatten()?
                .get_property_value(name)
                .ok()
        })
        .unwrap_or_default();
    let hex = value.trim().trim_start_matches('#');
    if hex.len() == 6
        && let (Ok(r), Ok(g), Ok(b)) = (
            u8::from_str_radix(&hex[0..2], 16),
            u8::from_str_radix(&hex[2..4], 16),
            u8::from_str_radix(&hex[4..6], 16),
        )
    {
        return RGBColor(r, g, b);
    }
    fallback
}

/// The canvas sized to its CSS box (at least `min` CSS pixels) at the device pixel ratio, as a plotters
/// drawing area, with its CSS width. Every chart of the app starts here.
pub fn drawing_area(
    canvas: &web_sys::HtmlCanvasElement,
    min: (i32, i32),
    dpr: f64,
) -> Option<(DrawingArea<CanvasBackend, plotters::coord::Shift>, f64)> {
    let css_width = f64::from(canvas.client_width().max(min.0));
    let css_height = f64::from(canvas.client_height().max(min.1));
    canvas.set_width((css_width * dpr) as u32);
    canvas.set_height((css_height * dpr) as u32);
    let backend = CanvasBackend::with_canvas_object(canvas.clone())?;
    Some((backend.into_drawing_area(), css_width))
}

type Trans = Box<dyn Fn((i32, i32)) -> Option<(SegmentValue<usize>, f64)>>;

/// Draws the chart; returns the pixel → data mapping for hover and click.
fn draw(
    canvas: &web_sys::HtmlCanvasElement,
    bars: &[Bar],
    kind: Kind,
    unit: &str,
    dpr: f64,
) -> Option<Trans> {
    let (root, css_width) = drawing_area(canvas, (200, 120), dpr)?;
    let (surface, text, muted, accent, line_colour, hairline) = (
        token("--surface", WHITE),
        token("--text", BLACK),
        token("--text-muted", RGBColor(90, 96, 104)),
        token("--accent", RGBColor(31, 95, 153)),
        token("--below", RGBColor(214, 96, 77)),
        token("--hairline", RGBColor(217, 220, 223)),
    );
    root.fill(&surface).ok()?;
    let n = bars.len().max(1);
    let top = bars
        .iter()
        .flat_map(|b| [b.value, b.line, b.marker])
        .flatten()
        .filter(|v| v.is_finite())
        .fold(0f64, f64::max);
    let bottom = bars
        .iter()
        .filter_map(|b| b.value)
        .filter(|v| v.is_finite())
        .fold(0f64, f64::min);
    let top = if top <= 0.0 { 1.0 } else { top * 1.1 };
    let px = |v: f64| (v * dpr) as u32;
    let font = |size: f64| ("sans-serif", size * dpr).into_font().color(&text);
    let mut chart = ChartBuilder::on(&root)
        .margin(px(8.0))
        .x_label_area_size(px(34.0))
        .y_label_area_size(px(64.0))
        .build_cartesian_2d(
            (0..n.saturating_sub(1).max(1)).into_segmented(),
            bottom..top,
        )
        .ok()?;
    let labels: Vec<String> = bars.iter().map(|b| b.label.clone()).collect();
    // Every label when they fit, else every k-th: about 7 px a character plus a gap.
    let widest = labels.iter().map(|l| l.chars().count()).max().unwrap_or(1) as f64;
    let slot = (css_width - 80.0) / n as f64;
    let every = ((widest * 7.0 + 10.0) / slot.max(1.0)).ceil().max(1.0) as usize;
    let share = unit.starts_with("share");
    let multiple = unit.starts_with('×');
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(TRANSPARENT)
        .y_labels(6)
        .bold_line_style(hairline)
        .axis_style(muted)
        .x_labels(n)
        .x_label_formatter(&|x| match x {
            SegmentValue::CenterOf(i) if i % every == 0 => {
                labels.get(*i).cloned().unwrap_or_default()
            }
            _ => String::new(),
        })
        .y_desc(unit)
        .y_label_formatter(&|v| {
            if share {
                format!("{:.0}%", v * 100.0)
            } else if multiple {
                format!("{v:.1}×")
            } else {
                crate::engine::numfmt::money_short(Some(*v))
            }
        })
        .label_style(font(11.0))
        .axis_desc_style(font(12.0))
        .draw()
        .ok()?;
    match kind {
        Kind::Bars => {
            chart
                .draw_series(bars.iter().enumerate().filter_map(|(i, b)| {
                    let v = b.value?;
                    let colour = if b.muted {
                        accent.mix(0.45)
                    } else {
                        accent.mix(1.0)
                    };
                    let mut rect = Rectangle::new(
                        [
                            (SegmentValue::Exact(i), 0.0),
                            (SegmentValue::Exact(i + 1), v),
                        ],
                        colour.filled(),
                    );
                    rect.set_margin(0, 0, px(6.0), px(6.0));
                    Some(rect)
                }))
                .ok()?;
        }
        Kind::Line => {
            let points: Vec<(SegmentValue<usize>, f64)> = bars
                .iter()
                .enumerate()
                .filter_map(|(i, b)| Some((SegmentValue::CenterOf(i), b.value?)))
                .collect();
            chart
                .draw_series(LineSeries::new(
                    points.clone(),
                    accent.stroke_width(px(2.0)),
                ))
                .ok()?;
            // Points resting on too few records are drawn hollow.
            chart
                .draw_series(bars.iter().enumerate().filter_map(|(i, b)| {
                    let style = if b.muted {
                        accent.stroke_width(px(1.5))
                    } else {
                        accent.filled()
                    };
                    Some(Circle::new(
                        (SegmentValue::CenterOf(i), b.value?),
                        px(3.5),
                        style,
                    ))
                }))
                .ok()?;
        }
    }
    let line: Vec<(SegmentValue<usize>, f64)> = bars
        .iter()
        .enumerate()
        .filter_map(|(i, b)| Some((SegmentValue::CenterOf(i), b.line?)))
        .collect();
    if !line.is_empty() {
        chart
            .draw_series(LineSeries::new(
                line,
                ShapeStyle::from(&line_colour).stroke_width(px(2.0)),
            ))
            .ok()?;
    }
    chart
        .draw_series(bars.iter().enumerate().filter_map(|(i, b)| {
            let m = b.marker?;
            Some(PathElement::new(
                vec![(SegmentValue::Exact(i), m), (SegmentValue::Exact(i + 1), m)],
                ShapeStyle::from(&text).stroke_width(px(3.0)),
            ))
        }))
        .ok()?;
    root.present().ok()?;
    Some(Box::new(chart.into_coord_trans()))
}

/// A chart with its data table, hover values, click-through to the math and PNG export.
#[component]
pub fn Chart(
    testid: &'static str,
    #[prop(into)] title: String,
    /// The unit of the value axis ("USD", "deals", "days" …).
    #[prop(into)]
    unit: String,
    #[prop(into)] bars: Signal<Vec<Bar>>,
    #[prop(default = Kind::Bars)] kind: Kind,
    /// A sentence under the chart: what the line and markers mean, n.
    #[prop(optional, into)]
    note: Option<String>,
    /// Label of the line series for the table ("Quota").
    #[prop(optional, into)]
    line_label: Option<String>,
    #[prop(optional, into)] marker_label: Option<String>,
) -> impl IntoView {
    let state = use_app_state();
    let canvas_ref = NodeRef::<html::Canvas>::new();
    let trans: StoredValue<Option<Trans>, LocalStorage> = StoredValue::new_local(None);
    let hover: RwSignal<Option<(usize, i32, i32)>> = RwSignal::new(None);
    let unit_for_draw = unit.clone();
    Effect::new(move |_| {
        let data = bars.get();
        let _theme = state.dark.get();
        if let Some(canvas) = canvas_ref.get() {
            let dpr = web_sys::window()
                .map_or(1.0, |w| w.device_pixel_ratio())
                .max(1.0);
            trans.set_value(draw(&canvas, &data, kind, &unit_for_draw, dpr));
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
        let at = index_at(&event).filter(|i| bars.with_untracked(|b| *i < b.len()));
        hover.set(at.map(|i| (i, event.offset_x(), event.offset_y())));
    };
    let on_click = move |event: web_sys::MouseEvent| {
        if let Some(i) = index_at(&event)
            && let Some(ask) = bars.with_untracked(|b| b.get(i).and_then(|b| b.math.clone()))
        {
            state.drawer.set(Some(ask));
        }
    };
    let png_name = format!("{testid}.png");
    let export = move |_| {
        if let Some(canvas) = canvas_ref.get_untracked() {
            download_canvas(&png_name, &canvas);
        }
    };
    let tooltip = move || {
        hover.get().and_then(|(i, x, y)| {
            bars.with(|b| {
                b.get(i).map(|bar| {
                    let mut text = format!("{}: {}", bar.label, bar.text);
                    if let Some(line) = bar.line {
                        text.push_str(&format!(" · {}: {}", "line", crate::engine::numfmt::money(Some(line))));
                    }
                    view! {
                        <div class="chart-tip" role="status" style:left=format!("{}px", x + 12) style:top=format!("{}px", y + 8)>
                            {text}
                        </div>
                    }
                })
            })
        })
    };
    let line_label = line_label.unwrap_or_else(|| "Line".to_owned());
    let marker_label = marker_label.unwrap_or_else(|| "Marker".to_owned());
    let has_line = move || bars.with(|b| b.iter().any(|b| b.line.is_some()));
    let has_marker = move || bars.with(|b| b.iter().any(|b| b.marker.is_some()));
    let title_for_table = title.clone();
    view! {
        <figure class="chart" data-testid=testid>
            <figcaption>
                <span class="chart-title">{title}</span>
                <button type="button" class="quiet small" on:click=export>"PNG"</button>
            </figcaption>
            <div class="chart-area">
                <canvas
                    node_ref=canvas_ref
                    aria-hidden="true"
                    on:mousemove=on_move
                    on:mouseleave=move |_| hover.set(None)
                    on:click=on_click
                    class:clickable=move || bars.with(|b| b.iter().any(|b| b.math.is_some()))
                ></canvas>
                {tooltip}
            </div>
            {note.map(|n| view! { <p class="chart-note">{n}</p> })}
            <details class="chart-data">
                <summary>"Data"</summary>
                <table class="data compact">
                    <caption class="visually-hidden">{title_for_table}</caption>
                    <thead>
                        <tr>
                            <th scope="col">""</th>
                            <th scope="col" class="num">{unit}</th>
                            {move || has_line().then(|| view! { <th scope="col" class="num">{line_label.clone()}</th> })}
                            {move || has_marker().then(|| view! { <th scope="col" class="num">{marker_label.clone()}</th> })}
                        </tr>
                    </thead>
                    <tbody>
                        {move || {
                            let (line, marker) = (has_line(), has_marker());
                            bars.get()
                                .into_iter()
                                .map(|b| {
                                    let value = match b.math {
                                        Some(ask) => view! {
                                            <Figure text=b.text metric=ask.metric rep=ask.rep label=ask.label />
                                        }
                                        .into_any(),
                                        None => b.text.into_any(),
                                    };
                                    view! {
                                        <tr>
                                            <th scope="row">{b.label}</th>
                                            <td class="num">{value}</td>
                                            {line.then(|| view! { <td class="num">{crate::engine::numfmt::number(b.line)}</td> })}
                                            {marker.then(|| view! { <td class="num">{crate::engine::numfmt::number(b.marker)}</td> })}
                                        </tr>
                                    }
                                })
                                .collect_view()
                        }}
                    </tbody>
                </table>
            </details>
        </figure>
    }
}
