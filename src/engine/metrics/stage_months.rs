//! Stage × close month: the open pipeline on the as-of date by stage and month of expected close, ready to
//! lay out — one grid per pipeline (a stage name such as "Discovery" is a different stage in "New Business"
//! and in "Renewals"), stages in that pipeline's order, months in order with those already past marked, and
//! each cell with its deals, amount and shade against the grid's largest cell.
//! [`crate::engine::metrics::pipeline`] reads each open deal's state on the as-of date; this module only
//! arranges them (naming and ordering stages as [`crate::engine::metrics::transitions`] does), so the view
//! computes nothing.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::engine::metrics::transitions::{MatrixStage, in_stage_order};
use crate::engine::model::stages::StageTable;
use crate::engine::model::{DealIx, StageIx};

/// One open deal as the grid places it.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenDeal {
    pub deal: DealIx,
    /// The deal's pipeline (empty when the export has a single pipeline or does not say).
    pub pipeline: String,
    /// Its stage on the as-of date.
    pub stage: StageIx,
    /// Its expected close date on the as-of date.
    pub expected_close_on: NaiveDate,
    /// Its amount on the as-of date in the home currency (0 when unknown or not converted, never negative).
    pub amount_home: f64,
}

/// A column of the grid: a month of expected close.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CloseMonth {
    /// The first day of the month.
    pub starts_on: NaiveDate,
    /// The month ended before the as-of date's month began: its deals have close dates to fix.
    pub past: bool,
}

/// One cell: the open deals of the row's stage expected to close in the column's month.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StageMonthCell {
    pub deals: u64,
    /// Σ the deals' amounts in the home currency.
    pub amount_home: f64,
    /// amount ÷ the largest cell's amount in the grid (0–1), for the heat shade.
    pub share_of_largest: f64,
    /// The deals behind the cell, in deal order.
    #[serde(skip)]
    pub deal_ixs: Vec<DealIx>,
}

/// One row: a stage's open deals, by month.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StageMonthRow {
    pub stage_ix: StageIx,
    pub stage: MatrixStage,
    /// The row's deals and amount (the sums of its cells).
    pub deals: u64,
    pub amount_home: f64,
    /// One cell per month of the grid, in the same order.
    pub cells: Vec<StageMonthCell>,
}

/// One pipeline's open deals by stage (rows) and month of expected close (columns).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StageMonthGrid {
    /// The pipeline of the deals (empty when the export has a single pipeline or does not say).
    pub pipeline: String,
    /// The columns: every month in which one of the pipeline's open deals is expected to close, in order.
    pub months: Vec<CloseMonth>,
    /// One row per stage holding an open deal, in the pipeline's stage order.
    pub rows: Vec<StageMonthRow>,
    /// Every deal of the grid and their amount (the sums of the rows).
    pub deals: u64,
    pub amount_home: f64,
}

/// The grids of `open`, one per pipeline in name order, stages named and ordered by `stages`; months before
/// the month of `as_of` are marked past.
pub fn grids(open: &[OpenDeal], stages: &StageTable, as_of: NaiveDate) -> Vec<StageMonthGrid> {
    let mut by_pipeline: BTreeMap<&str, Vec<&OpenDeal>> = BTreeMap::new();
    for deal in open {
        by_pipeline
            .entry(deal.pipeline.as_str())
            .or_default()
            .push(deal);
    }
    by_pipeline
        .into_iter()
        .map(|(pipeline, deals)| grid(pipeline, &deals, stages, as_of))
        .collect()
}

fn month_of(day: NaiveDate) -> NaiveDate {
    day.with_day(1).unwrap_or(day)
}

fn grid(
    pipeline: &str,
    deals: &[&OpenDeal],
    stages: &StageTable,
    as_of: NaiveDate,
) -> StageMonthGrid {
    let months: Vec<NaiveDate> = deals
        .iter()
        .map(|d| month_of(d.expected_close_on))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let rows_in_order = in_stage_order(deals.iter().map(|d| d.stage).collect(), pipeline, stages);
    let mut cells: BTreeMap<(StageIx, NaiveDate), StageMonthCell> = BTreeMap::new();
    for d in deals {
        let cell = cells
            .entry((d.stage, month_of(d.expected_close_on)))
            .or_default();
        cell.deals += 1;
        cell.amount_home += d.amount_home;
        cell.deal_ixs.push(d.deal);
    }
    for cell in cells.values_mut() {
        cell.deal_ixs.sort_unstable();
    }
    let largest = cells.values().map(|c| c.amount_home).fold(0.0f64, f64::max);
    let rows: Vec<StageMonthRow> = rows_in_order
        .into_iter()
        .map(|stage_ix| {
            let cells: Vec<StageMonthCell> = months
                .iter()
                .map(|m| {
                    let mut cell = cells.remove(&(stage_ix, *m)).unwrap_or_default();
                    cell.share_of_largest = if largest > 0.0 {
                        cell.amount_home / largest
                    } else {
                        0.0
                    };
                    cell
                })
                .collect();
            StageMonthRow {
                stage_ix,
                stage: MatrixStage::of(stage_ix, pipeline, stages),
                deals: cells.iter().map(|c| c.deals).sum(),
                amount_home: cells.iter().map(|c| c.amount_home).sum(),
                cells,
            }
        })
        .collect();
    let this_month = month_of(as_of);
    StageMonthGrid {
        pipeline: pipeline.to_owned(),
        months: months
            .into_iter()
            .map(|starts_on| CloseMonth {
                starts_on,
                past: starts_on < this_month,
            })
            .collect(),
        deals: rows.iter().map(|r| r.deals).sum(),
        amount_home: rows.iter().map(|r| r.amount_home).sum(),
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::model::stages::StageEntry;
    use crate::engine::model::words::{Outcome, StandardStage};

    fn entry(pipeline: &str, raw: &str, order: u32) -> StageEntry {
        StageEntry {
            pipeline: pipeline.to_owned(),
            raw: raw.to_owned(),
            standard: StandardStage::Prospecting,
            order,
            outcome: Outcome::Open,
            order_from: String::new(),
            outcome_from: String::new(),
            deals: 0,
            history_only: false,
            unsure: false,
        }
    }

    /// Two pipelines sharing the stage names Discovery and Proposal, at the same positions in both.
    fn table() -> StageTable {
        StageTable {
            entries: vec![
                entry("New Business", "Prospecting", 1), // 0
                entry("New Business", "Discovery", 2),   // 1
                entry("New Business", "Proposal", 3),    // 2
                entry("Renewals", "Qualification", 1),   // 3
                entry("Renewals", "Discovery", 2),       // 4
                entry("Renewals", "Proposal", 3),        // 5
            ],
        }
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn open(
        deal: DealIx,
        pipeline: &str,
        stage: StageIx,
        close: NaiveDate,
        amount: f64,
    ) -> OpenDeal {
        OpenDeal {
            deal,
            pipeline: pipeline.to_owned(),
            stage,
            expected_close_on: close,
            amount_home: amount,
        }
    }

    /// (stage label, [(deals, amount)] per month) per row.
    fn shape(g: &StageMonthGrid) -> Vec<(String, Vec<(u64, f64)>)> {
        g.rows
            .iter()
            .map(|r| {
                (
                    r.stage.label.clone(),
                    r.cells.iter().map(|c| (c.deals, c.amount_home)).collect(),
                )
            })
            .collect()
    }

    fn s(x: &str) -> String {
        x.to_owned()
    }

    #[test]
    fn a_grid_per_pipeline_so_a_stage_name_two_pipelines_share_is_two_rows() {
        let as_of = d(2026, 3, 15);
        let g = grids(
            &[
                // Listed out of order on purpose: the grid sorts by stage order, then month.
                open(7, "New Business", 2, d(2026, 4, 2), 5_000.0),
                open(1, "New Business", 1, d(2026, 3, 20), 10_000.0),
                open(2, "New Business", 1, d(2026, 3, 31), 2_000.0),
                open(3, "New Business", 0, d(2026, 2, 10), 1_000.0),
                // Renewals' Discovery, the same name and position as New Business's, in the same month.
                open(4, "Renewals", 4, d(2026, 3, 25), 40_000.0),
                open(5, "Renewals", 5, d(2026, 5, 1), 8_000.0),
            ],
            &table(),
            as_of,
        );
        assert_eq!(
            g.iter().map(|g| g.pipeline.as_str()).collect::<Vec<_>>(),
            ["New Business", "Renewals"]
        );
        let new = &g[0];
        assert_eq!(
            new.months,
            [
                CloseMonth {
                    starts_on: d(2026, 2, 1),
                    past: true
                },
                CloseMonth {
                    starts_on: d(2026, 3, 1),
                    past: false
                },
                CloseMonth {
                    starts_on: d(2026, 4, 1),
                    past: false
                },
            ]
        );
        assert_eq!(
            shape(new),
            [
                (s("Prospecting"), vec![(1, 1_000.0), (0, 0.0), (0, 0.0)]),
                // New Business's Discovery holds only its own deals 1 and 2, not Renewals' deal 4.
                (s("Discovery"), vec![(0, 0.0), (2, 12_000.0), (0, 0.0)]),
                (s("Proposal"), vec![(0, 0.0), (0, 0.0), (1, 5_000.0)]),
            ]
        );
        assert_eq!(new.rows[1].stage_ix, 1);
        assert_eq!(new.rows[1].cells[1].deal_ixs, [1, 2]);
        assert_eq!((new.rows[1].deals, new.rows[1].amount_home), (2, 12_000.0));
        assert_eq!((new.deals, new.amount_home), (4, 18_000.0));
        // The largest cell of the grid shades fully, the others by their part of it.
        assert_eq!(new.rows[1].cells[1].share_of_largest, 1.0);
        assert_eq!(new.rows[0].cells[0].share_of_largest, 1_000.0 / 12_000.0);

        let renewals = &g[1];
        assert_eq!(
            renewals
                .months
                .iter()
                .map(|m| m.starts_on)
                .collect::<Vec<_>>(),
            [d(2026, 3, 1), d(2026, 5, 1)]
        );
        assert_eq!(
            shape(renewals),
            [
                (s("Discovery"), vec![(1, 40_000.0), (0, 0.0)]),
                (s("Proposal"), vec![(0, 0.0), (1, 8_000.0)]),
            ]
        );
        assert_eq!(renewals.rows[0].stage_ix, 4);
        assert!(renewals.rows.iter().all(|r| r.stage.pipeline == "Renewals"));
        // Each grid shades against its own largest cell.
        assert_eq!(renewals.rows[0].cells[0].share_of_largest, 1.0);
    }

    #[test]
    fn a_stage_of_another_pipeline_is_named_with_it_and_no_deals_is_no_grid() {
        let g = grids(
            &[open(1, "Renewals", 0, d(2026, 3, 20), 0.0)],
            &table(),
            d(2026, 3, 15),
        );
        assert_eq!(g.len(), 1);
        assert_eq!(g[0].rows[0].stage.label, "Prospecting (New Business)");
        // A zero amount shades nothing (no division by zero).
        assert_eq!(g[0].rows[0].cells[0].share_of_largest, 0.0);
        assert!(grids(&[], &table(), d(2026, 3, 15)).is_empty());
    }
}
