//! A rep's scorecard: bullet bars of every context metric — the rep's value, the peer median (tick) and the
//! median-to-top-quartile band, peers never named — shaded above or below peers. On the rep page and in
//! the 1:1 pack.

use std::sync::Arc;

use leptos::prelude::*;

use crate::engine::metrics::compute::MetricsReport;
use crate::engine::metrics::definitions::definition;
use crate::engine::numfmt::for_metric;
use crate::ui::components::math::Figure;
use crate::ui::components::table::NEUTRAL_SHADE;
use crate::ui::routes::shared::{Section, shade, standing_text};

/// A metric's name as the views write it.
pub fn name_of(metric: &str) -> String {
    definition(metric).map_or_else(|| metric.replace('_', " "), |d| d.name.to_owned())
}

/// Bullet bars: the rep's value, the peer median (tick) and the top-quartile band.
#[component]
pub fn Scorecard(report: Arc<MetricsReport>, rep: String) -> impl IntoView {
    let rows = report
        .context
        .iter()
        .filter_map(|ctx| {
            let standing = ctx.reps.iter().find(|r| r.rep == rep)?;
            let fmt = for_metric(&ctx.metric);
            let value = standing.value;
            let (median, top) = (ctx.spread.median, ctx.spread.top_quartile);
            let max = [value, median, top].into_iter().flatten().filter(|v| v.is_finite()).fold(0.0f64, f64::max) * 1.15;
            let pos = move |v: Option<f64>| v.filter(|_| max > 0.0).map(|v| (v.max(0.0) / max * 100.0).min(100.0));
            let (lo, hi) = match (pos(median), pos(top)) {
                (Some(a), Some(b)) => (a.min(b), a.max(b)),
                _ => (0.0, 0.0),
            };
            let shade = shade(&report, &ctx.metric, &rep);
            let small = standing.too_few_to_judge;
            let title = standing_text(&report, &ctx.metric, &rep);
            Some(view! {
                <div class="bullet-row" data-testid=format!("score-{}", ctx.metric)>
                    <span class="bullet-label" title=definition(&ctx.metric).map(|d| d.definition).unwrap_or_default()>{name_of(&ctx.metric)}</span>
                    <span class="bullet" title=title.clone() role="img" aria-label=format!("{}: {}; {}", name_of(&ctx.metric), fmt(value), title)>
                        <span class="bullet-band" style:left=format!("{lo:.1}%") style:width=format!("{:.1}%", hi - lo)></span>
                        <span class="bullet-bar" class:small=small class:above=shade.is_some_and(|s| s > NEUTRAL_SHADE) class:below=shade.is_some_and(|s| s < -NEUTRAL_SHADE) style:width=format!("{:.1}%", pos(value).unwrap_or(0.0))></span>
                        {pos(median).map(|m| view! { <span class="bullet-median" style:left=format!("{m:.1}%")></span> })}
                    </span>
                    <span class="bullet-value">
                        <Figure text=fmt(value) metric=ctx.metric.clone() rep=Some(rep.clone()) label=format!("{} · {rep}", name_of(&ctx.metric)) />
                        {small.then(|| view! { <span class="small-n">{format!(" n = {}, too few to judge", standing.n.unwrap_or(0))}</span> })}
                    </span>
                </div>
            })
        })
        .collect_view();
    view! {
        <Section title="Scorecard" testid="scorecard" lede="Bar: this rep. Tick: the peer median. Band: median to top quartile. Blue is better than peers, orange worse.">
            <div class="bullets">{rows}</div>
        </Section>
    }
}
