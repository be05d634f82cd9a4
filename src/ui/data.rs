//! The numbers every view draws: one metrics report for the current filters, fetched through the door
//! whenever the model or a filter changes, and the monthly trends for the views that chart them. Views read
//! them; none computes what the engine can.

use std::sync::Arc;

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::engine::metrics::MetricSettings;
use crate::engine::metrics::compute::MetricsReport;
use crate::engine::metrics::trend::Month;
use crate::engine::protocol::{Answer, Request};
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

/// Creates the shared metrics resource; called once by the frame.
pub fn provide_data(state: AppState) {
    let query = use_query_map();
    let filters = Memo::new(move |_| query.with(Filters::from_query));
    let settings = Memo::new(move |_| state.settings.with(|base| filters.with(|f| f.apply(base))));
    let report = LocalResource::new(move || {
        let settings = settings.get();
        let has_deals = state.model.with(|m| m.deals.total > 0);
        let door = state.door();
        async move {
            if !has_deals {
                return Loaded::NoData;
            }
            match door
                .request(Request::Metrics {
                    settings: Box::new(settings),
                })
                .await
            {
                Ok(Answer::Metrics { report }) => Loaded::Ready(Arc::new(*report)),
                Ok(_) => Loaded::Failed("the engine gave an unexpected answer".to_owned()),
                Err(error) => Loaded::Failed(error.to_string()),
            }
        }
    });
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
    LocalResource::new(move || {
        let settings = data.settings.get();
        let has_deals = state.model.with(|m| m.deals.total > 0);
        let door = state.door();
        async move {
            if !has_deals {
                return Loaded::NoData;
            }
            match door
                .request(Request::Trends {
                    settings: Box::new(settings),
                })
                .await
            {
                Ok(Answer::Trends { months }) => Loaded::Ready(Arc::new(months)),
                Ok(_) => Loaded::Failed("the engine gave an unexpected answer".to_owned()),
                Err(error) => Loaded::Failed(error.to_string()),
            }
        }
    })
}
