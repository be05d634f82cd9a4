//! The forecast call's deal list through the session: the pages are the forecast's deals, every filter
//! keeps exactly the deals with its flag, orders hold, the export is every kept deal, and the list is
//! paged out of the session's last forecast (no second forecast) until the model changes.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use pipelens::engine::demo::DEFAULT_SEED;
use pipelens::engine::forecast::deals::{DealColumn, DealFilter, DealQuery, DealSort};
use pipelens::engine::forecast::report::ForecastReport;
use pipelens::engine::forecast::{ForecastPeriod, ForecastSettings, Grain};
use pipelens::engine::metrics::MetricSettings;
use pipelens::engine::model::ModelSettings;
use pipelens::engine::protocol::{
    DealsPaged, Envelope, Forecast, ForecastDeals, Forecasted, LoadDemo, Reply, Request,
    SetSettings,
};
use pipelens::engine::session::Session;

fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 15).unwrap()
}

fn demo_session() -> Session {
    let mut session = Session::new();
    session
        .ask(LoadDemo {
            as_of: as_of(),
            seed: DEFAULT_SEED,
        })
        .unwrap();
    session
}

fn settings() -> ForecastSettings {
    ForecastSettings {
        metrics: MetricSettings {
            as_of: Some(as_of()),
            ..MetricSettings::default()
        },
        period: ForecastPeriod::Relative {
            grain: Grain::Quarter,
            ahead: 0,
        },
        draws: 2_000,
        ..ForecastSettings::default()
    }
}

fn forecast(session: &mut Session) -> ForecastReport {
    let Forecasted { report } = session
        .ask(Forecast {
            settings: Box::new(settings()),
        })
        .unwrap();
    *report
}

fn page(session: &mut Session, query: DealQuery) -> pipelens::engine::forecast::deals::DealPage {
    let DealsPaged { page } = session
        .ask(ForecastDeals {
            settings: Box::new(settings()),
            query,
        })
        .unwrap();
    *page
}

/// Every deal id the query keeps, page after page.
fn every_page(session: &mut Session, query: DealQuery) -> Vec<String> {
    let mut ids = Vec::new();
    let first = page(session, query.clone());
    for n in 0..first.pages {
        let p = page(
            session,
            DealQuery {
                page: n,
                ..query.clone()
            },
        );
        assert_eq!(p.query.page, n);
        ids.extend(p.deals.into_iter().map(|d| d.id));
    }
    assert_eq!(
        ids.len() as u64,
        first.total,
        "the pages hold every kept deal once"
    );
    ids
}

#[test]
fn the_pages_are_the_forecasts_deals_and_each_filter_keeps_exactly_its_flag() {
    let mut session = demo_session();
    let report = forecast(&mut session);
    assert!(report.deals.len() > 20, "the demo has a deal list to page");
    let small = |filter| DealQuery {
        filter,
        page_size: Some(7),
        ..DealQuery::default()
    };
    let all = every_page(&mut session, small(DealFilter::All));
    let expected: Vec<String> = report.deals.iter().map(|d| d.id.clone()).collect();
    assert_eq!(all, expected, "the default order is the forecast's own");
    for (filter, flag) in [
        (DealFilter::CommitAtRisk, "commit_at_risk"),
        (DealFilter::Upside, "upside"),
        (DealFilter::PastDue, "past_due"),
        (DealFilter::Pushed, "pushed"),
    ] {
        let kept: BTreeSet<String> = every_page(&mut session, small(filter))
            .into_iter()
            .collect();
        let flagged: BTreeSet<String> = report
            .deals
            .iter()
            .filter(|d| d.flags.iter().any(|f| f == flag))
            .map(|d| d.id.clone())
            .collect();
        assert_eq!(kept, flagged, "{filter:?}");
        if filter == DealFilter::CommitAtRisk {
            assert!(!kept.is_empty(), "the demo has Commit deals at risk");
        }
        let counted = page(&mut session, small(DealFilter::All))
            .counts
            .iter()
            .find(|c| c.filter == filter)
            .unwrap()
            .deals;
        assert_eq!(counted, flagged.len() as u64, "{filter:?} count");
    }
    let at_risk = page(&mut session, small(DealFilter::CommitAtRisk));
    assert!(
        at_risk.deals.iter().all(|d| !d.at_risk.is_empty()),
        "every Commit deal at risk says why"
    );
}

#[test]
fn a_rep_and_a_column_order_narrow_and_sort_the_list() {
    let mut session = demo_session();
    let report = forecast(&mut session);
    let rep = report.deals[0].rep.clone();
    let mine = every_page(
        &mut session,
        DealQuery {
            rep: Some(rep.clone()),
            ..DealQuery::default()
        },
    );
    let theirs: Vec<String> = report
        .deals
        .iter()
        .filter(|d| d.rep == rep)
        .map(|d| d.id.clone())
        .collect();
    assert_eq!(mine, theirs);
    let by_key = report
        .reps
        .iter()
        .find(|r| r.rep == rep)
        .and_then(|r| r.rep_id.clone())
        .unwrap();
    let by_key = every_page(
        &mut session,
        DealQuery {
            rep: Some(by_key),
            ..DealQuery::default()
        },
    );
    assert_eq!(by_key, theirs, "a rep's stable key names the same deals");

    for column in DealColumn::SHOWN {
        for descending in [false, true] {
            let p = page(
                &mut session,
                DealQuery {
                    sort: DealSort { column, descending },
                    page_size: Some(1_000),
                    ..DealQuery::default()
                },
            );
            assert_eq!(p.deals.len(), report.deals.len());
            let numbers: Vec<Option<f64>> = p
                .deals
                .iter()
                .map(|d| match column {
                    DealColumn::Amount => d.amount,
                    DealColumn::CrmProbability => d.crm_probability,
                    DealColumn::ModelProbability => Some(d.model_probability),
                    DealColumn::PushCount => Some(f64::from(d.push_count)),
                    DealColumn::DaysSinceActivity => d.days_since_activity.map(|n| n as f64),
                    DealColumn::AgeDays => Some(d.age_days as f64),
                    DealColumn::CloseDate => {
                        d.close_date.map(|c| (c - NaiveDate::MIN).num_days() as f64)
                    }
                    _ => None,
                })
                .collect();
            if column.numeric() {
                let present: Vec<f64> = numbers.iter().flatten().copied().collect();
                assert!(
                    numbers
                        .iter()
                        .skip_while(|n| n.is_some())
                        .all(Option::is_none),
                    "{column:?}: missing values last"
                );
                assert!(
                    present.windows(2).all(|w| if descending {
                        w[0] >= w[1]
                    } else {
                        w[0] <= w[1]
                    }),
                    "{column:?} descending={descending}"
                );
            } else {
                let texts: Vec<String> = p
                    .deals
                    .iter()
                    .map(|d| match column {
                        DealColumn::Rep => d.rep.to_lowercase(),
                        DealColumn::Name => d.name.to_lowercase(),
                        DealColumn::Stage => d.stage.to_lowercase(),
                        _ => d.category.to_lowercase(),
                    })
                    .collect();
                assert!(
                    texts.windows(2).all(|w| if descending {
                        w[0] >= w[1]
                    } else {
                        w[0] <= w[1]
                    }),
                    "{column:?} descending={descending}"
                );
            }
        }
    }
}

#[test]
fn the_export_is_every_kept_deal_and_a_formula_never_runs() {
    let mut session = demo_session();
    let report = forecast(&mut session);
    let p = page(
        &mut session,
        DealQuery {
            filter: DealFilter::All,
            page_size: Some(3),
            csv: true,
            ..DealQuery::default()
        },
    );
    let text = p.csv.expect("asked for the export");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(
        rows.len(),
        report.deals.len(),
        "every page, not the one shown"
    );
    assert_eq!(&rows[0][0], report.deals[0].id.as_str());
    for row in &rows {
        for cell in row.iter() {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "a cell a spreadsheet would run: {cell:?}"
            );
        }
    }
}

#[test]
fn the_list_is_paged_out_of_the_last_forecast_until_the_model_changes() {
    let mut session = demo_session();
    forecast(&mut session);
    // Answered at the first step: no forecast runs again.
    let mut job = session.begin(Envelope::new(
        7,
        Request::ForecastDeals(ForecastDeals {
            settings: Box::new(settings()),
            query: DealQuery::default(),
        }),
    ));
    assert!(
        matches!(session.step(&mut job).body, Reply::Answer { .. }),
        "the page comes from the kept forecast"
    );
    // Another seed is another forecast: it runs as slices.
    let mut other = settings();
    other.seed += 1;
    let mut job = session.begin(Envelope::new(
        8,
        Request::ForecastDeals(ForecastDeals {
            settings: Box::new(other),
            query: DealQuery::default(),
        }),
    ));
    assert!(matches!(
        session.step(&mut job).body,
        Reply::Progress { .. }
    ));
    // A rebuilt model drops the kept forecast: the same settings forecast afresh.
    session
        .ask(SetSettings {
            settings: Box::new(ModelSettings::default()),
        })
        .unwrap();
    let mut job = session.begin(Envelope::new(
        9,
        Request::ForecastDeals(ForecastDeals {
            settings: Box::new(settings()),
            query: DealQuery::default(),
        }),
    ));
    assert!(matches!(
        session.step(&mut job).body,
        Reply::Progress { .. }
    ));
}
