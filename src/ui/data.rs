//! The numbers every view draws: one metrics report for the current filters, fetched through the door
//! whenever the model or a filter changes, the monthly trends for the views that chart them, and the
//! forecast with its deal list. Views read
//! them; none computes what the engine can.

use std::sync::Arc;

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::engine::changes::{ChangesReport, ChangesTrend, ForecastShift};
use crate::engine::coaching::{CoachReport, CoachSettings};
use crate::engine::forecast::deals::{DealPage, DealQuery};
use crate::engine::forecast::report::ForecastReport;
use crate::engine::forecast::{ForecastPeriod, ForecastSettings};
use crate::engine::metrics::MetricSettings;
use crate::engine::metrics::compute::MetricsReport;
use crate::engine::metrics::trend::Month;
use crate::engine::protocol::{
    Ask, Changes, ChangesForecast, ChangesTrend as ChangesTrendAsk, Coach, Forecast, ForecastDeals,
    Metrics, Trends,
};
use crate::ui::filters::Filters;
use crate::ui::state::AppState;

/// What a view gets: nothing loaded yet, the numbers, or why there are none.
#[derive(Debug, Clone, PartialEq)]
pub enum Loaded<T> {
    NoData,
    Ready(T),
    Failed(String),
}

#[derive(Clone, Copy)]
pub struct Data {
    pub filters: Memo<Filters>,
    pub settings: Memo<MetricSettings>,
    pub report: LocalResource<Loaded<Arc<MetricsReport>>>,
}

/// A resource asking the engine `request(settings)` whenever the settings or the model change, and taking
/// what it shows out of the answer with `pick`. A newer ask drops the older one, which cancels it.
fn engine_resource<A: Ask + 'static, T: Clone + Send + Sync + 'static>(
    state: AppState,
    settings: Memo<MetricSettings>,
    request: fn(Box<MetricSettings>) -> A,
    pick: fn(A::Answer) -> T,
) -> LocalResource<Loaded<T>> {
    LocalResource::new(move || {
        let settings = settings.get();
        let has_deals = state.model.with(|m| m.deals.total > 0);
        let door = state.door();
        async move {
            if !has_deals {
                return Loaded::NoData;
            }
            match door.ask(request(Box::new(settings))).await {
                Ok(answer) => Loaded::Ready(pick(answer)),
                Err(error) => Loaded::Failed(error.to_string()),
            }
        }
    })
}

/// Creates the shared metrics resource; called once by the frame.
pub fn provide_data(state: AppState) {
    let query = use_query_map();
    let filters = Memo::new(move |_| query.with(Filters::from_query));
    let settings = Memo::new(move |_| state.settings.with(|base| filters.with(|f| f.apply(base))));
    let report = engine_resource(
        state,
        settings,
        |settings| Metrics { settings },
        |answer| Arc::new(*answer.report),
    );
    provide_context(Data {
        filters,
        settings,
        report,
    });
}

pub fn use_data() -> Data {
    expect_context::<Data>()
}

/// Monthly trends for the current filters; created by the views that chart them.
pub fn trends(state: AppState, data: Data) -> LocalResource<Loaded<Arc<Vec<Month>>>> {
    engine_resource(
        state,
        data.settings,
        |settings| Trends { settings },
        |answer| Arc::new(answer.months),
    )
}

/// The forecast settings of the filters' period (a month or quarter; this quarter otherwise), with the
/// default seed and draws — the CLI's defaults, so the app and `pipelens forecast` agree.
pub fn forecast_settings(metrics: MetricSettings) -> ForecastSettings {
    ForecastSettings {
        period: ForecastPeriod::for_spec(&metrics.period),
        metrics,
        ..ForecastSettings::default()
    }
}

/// The forecast of the period the filters show; created by the views that show it.
pub fn forecast(state: AppState, data: Data) -> LocalResource<Loaded<Arc<ForecastReport>>> {
    engine_resource(
        state,
        data.settings,
        |metrics| Forecast {
            settings: Box::new(forecast_settings(*metrics)),
        },
        |answer| Arc::new(*answer.report),
    )
}

/// Asks `request` of the engine whenever the filters' settings, the model or `swap` change.
fn swappable<A: Ask + 'static, T: Clone + Send + Sync + 'static>(
    state: AppState,
    data: Data,
    swap: Signal<bool>,
    request: fn(MetricSettings, bool) -> A,
    pick: fn(A::Answer) -> T,
) -> LocalResource<Loaded<T>> {
    LocalResource::new(move || {
        let settings = data.settings.get();
        let swap = swap.get();
        let has_deals = state.model.with(|m| m.deals.total > 0);
        let door = state.door();
        async move {
            if !has_deals {
                return Loaded::NoData;
            }
            match door.ask(request(settings, swap)).await {
                Ok(answer) => Loaded::Ready(pick(answer)),
                Err(error) => Loaded::Failed(error.to_string()),
            }
        }
    })
}

/// What changed between the two newest exports of deals the session holds, for the filters' period
/// (`swap`: the user says the days have their order wrong).
pub fn changes(
    state: AppState,
    data: Data,
    swap: Signal<bool>,
) -> LocalResource<Loaded<Arc<ChangesReport>>> {
    swappable(
        state,
        data,
        swap,
        |settings, swap| Changes {
            settings: Box::new(settings),
            before_files: Vec::new(),
            after_files: Vec::new(),
            swap,
        },
        |answer| Arc::new(*answer.report),
    )
}

/// Coaching for the filters' period: each rep's insights and strengths, and the team's ranking.
pub fn coaching(state: AppState, data: Data) -> LocalResource<Loaded<Arc<CoachReport>>> {
    engine_resource(
        state,
        data.settings,
        |metrics| Coach {
            settings: Box::new(CoachSettings {
                metrics: *metrics,
                ..CoachSettings::default()
            }),
        },
        |answer| Arc::new(*answer.report),
    )
}

/// Week over week: the waterfall of every pair of consecutive exports, for the filters' period.
pub fn changes_trend(state: AppState, data: Data) -> LocalResource<Loaded<Arc<ChangesTrend>>> {
    engine_resource(
        state,
        data.settings,
        |settings| ChangesTrendAsk { settings },
        |answer| Arc::new(*answer.trend),
    )
}

/// The forecast of the filters' period on each of the two newest exports' days, and what moved it.
pub fn changes_forecast(
    state: AppState,
    data: Data,
    swap: Signal<bool>,
) -> LocalResource<Loaded<Arc<ForecastShift>>> {
    swappable(
        state,
        data,
        swap,
        |settings, swap| ChangesForecast {
            settings: Box::new(forecast_settings(settings)),
            before_files: Vec::new(),
            after_files: Vec::new(),
            swap,
        },
        |answer| Arc::new(*answer.shift),
    )
}

/// A page of the forecast call's deal list for the filters' period and `query`, asked again whenever
/// either changes (the session pages it out of its last forecast).
pub fn forecast_deals(
    state: AppState,
    data: Data,
    query: Signal<DealQuery>,
) -> LocalResource<Loaded<Arc<DealPage>>> {
    LocalResource::new(move || {
        let settings = forecast_settings(data.settings.get());
        let query = query.get();
        let has_deals = state.model.with(|m| m.deals.total > 0);
        let door = state.door();
        async move {
            if !has_deals {
                return Loaded::NoData;
            }
            match door
                .ask(ForecastDeals {
                    settings: Box::new(settings),
                    query,
                })
                .await
            {
                Ok(answer) => Loaded::Ready(Arc::new(*answer.page)),
                Err(error) => Loaded::Failed(error.to_string()),
            }
        }
    })
}
