//! Transitions: the stage-to-stage matrix of a period, ready to lay out — one matrix per pipeline (a stage
//! name such as "Discovery" is a different stage in "New Business" and in "Renewals"), stages in that
//! pipeline's order, each row with its total and each cell with its share of the row, its shade against the
//! largest cell and whether it goes backwards. [`crate::engine::metrics::process`] counts the moves from
//! stage history; this module only arranges them, so the view computes nothing. How a stage is named and
//! ordered within a pipeline ([`MatrixStage::of`], [`in_stage_order`]) is shared with the stage × close-month
//! grids of [`crate::engine::metrics::stage_months`].
//!
//! A move goes backwards when it lands in an open stage that comes earlier in the pipeline's order than the
//! stage it left (a revisit, or a closed deal reopened); a move into a closed stage never does.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::engine::model::StageIx;
use crate::engine::model::stages::StageTable;
use crate::engine::model::words::Outcome;

/// Stage changes counted for the matrix: (pipeline of the deal, from stage, to stage) → moves.
pub type MoveCounts = BTreeMap<(String, StageIx, StageIx), u64>;

/// A stage as a row or column of a matrix.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatrixStage {
    /// The pipeline the stage belongs to (empty when the export has a single pipeline or does not say).
    pub pipeline: String,
    pub stage: String,
    /// 1-based position within its pipeline (open stages first, then won, then lost).
    pub order: u32,
    /// The name to show: the stage, with its pipeline in brackets when it is another pipeline's than the
    /// matrix's (a deal's history naming a stage its own pipeline lacks).
    pub label: String,
}

/// One cell: the moves from the row's stage to the column's.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TransitionCell {
    /// The column's stage label.
    pub to: String,
    pub moves: u64,
    /// moves ÷ the row's total moves (0–1; the row's shares sum to 1).
    pub share_of_row: f64,
    /// moves ÷ the largest cell's moves in the matrix (0–1), for the heat shade.
    pub share_of_largest: f64,
    /// These moves go backwards (false for an empty cell).
    pub backward: bool,
}

/// One row: every move out of a stage.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TransitionRow {
    pub from: MatrixStage,
    /// The moves out of the stage in the period (the sum of the row's cells).
    pub total_moves: u64,
    /// One cell per column of the matrix, in the same order.
    pub cells: Vec<TransitionCell>,
}

/// The stage changes of one pipeline's deals in the period, from (rows) to (columns).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TransitionMatrix {
    /// The pipeline of the deals that moved (empty when the export has a single pipeline or does not say).
    pub pipeline: String,
    /// The columns: every stage a deal moved into, in stage order.
    pub to_stages: Vec<MatrixStage>,
    /// One row per stage a deal moved out of, in stage order.
    pub rows: Vec<TransitionRow>,
    /// Every move of the matrix (the sum of the rows' totals).
    pub total_moves: u64,
}

/// The matrices of `moves`, one per pipeline in name order, stages named and ordered by `stages`.
pub fn matrices(moves: &MoveCounts, stages: &StageTable) -> Vec<TransitionMatrix> {
    let mut by_pipeline: BTreeMap<&str, BTreeMap<(StageIx, StageIx), u64>> = BTreeMap::new();
    for ((pipeline, from, to), n) in moves {
        if *n > 0 {
            *by_pipeline
                .entry(pipeline.as_str())
                .or_default()
                .entry((*from, *to))
                .or_default() += n;
        }
    }
    by_pipeline
        .into_iter()
        .map(|(pipeline, cells)| matrix(pipeline, &cells, stages))
        .collect()
}

fn matrix(
    pipeline: &str,
    cells: &BTreeMap<(StageIx, StageIx), u64>,
    stages: &StageTable,
) -> TransitionMatrix {
    let from_stages = in_stage_order(cells.keys().map(|(f, _)| *f).collect(), pipeline, stages);
    let to_stages = in_stage_order(cells.keys().map(|(_, t)| *t).collect(), pipeline, stages);
    let largest = cells.values().copied().max().unwrap_or(0);
    let describe = |s: StageIx| MatrixStage::of(s, pipeline, stages);
    let columns: Vec<MatrixStage> = to_stages.iter().map(|s| describe(*s)).collect();
    let rows: Vec<TransitionRow> = from_stages
        .iter()
        .map(|&from| {
            let total_moves: u64 = to_stages
                .iter()
                .filter_map(|to| cells.get(&(from, *to)))
                .sum();
            let cells = to_stages
                .iter()
                .zip(&columns)
                .map(|(&to, column)| {
                    let moves = cells.get(&(from, to)).copied().unwrap_or(0);
                    TransitionCell {
                        to: column.label.clone(),
                        moves,
                        share_of_row: share(moves, total_moves),
                        share_of_largest: share(moves, largest),
                        backward: moves > 0 && goes_backward(stages, from, to),
                    }
                })
                .collect();
            TransitionRow {
                from: describe(from),
                total_moves,
                cells,
            }
        })
        .collect();
    TransitionMatrix {
        pipeline: pipeline.to_owned(),
        total_moves: rows.iter().map(|r| r.total_moves).sum(),
        to_stages: columns,
        rows,
    }
}

impl MatrixStage {
    /// `stage` as a row or column of `pipeline`'s matrix (or grid), named and ordered by `stages`.
    pub fn of(stage: StageIx, pipeline: &str, stages: &StageTable) -> MatrixStage {
        let (stage_pipeline, raw, order) = stages
            .get(stage)
            .map_or((String::new(), String::new(), u32::MAX), |e| {
                (e.pipeline.clone(), e.raw.clone(), e.order)
            });
        let label = if stage_pipeline == pipeline || stage_pipeline.is_empty() {
            raw.clone()
        } else {
            format!("{raw} ({stage_pipeline})")
        };
        MatrixStage {
            pipeline: stage_pipeline,
            stage: raw,
            order,
            label,
        }
    }
}

/// `set` in `pipeline`'s stage order: the pipeline's own stages by their order, a stage of another pipeline
/// after one of the same position, then by name (and index, so the order is total).
pub fn in_stage_order(set: BTreeSet<StageIx>, pipeline: &str, stages: &StageTable) -> Vec<StageIx> {
    let mut v: Vec<StageIx> = set.into_iter().collect();
    v.sort_by_key(|s| {
        let e = stages.get(*s);
        (
            e.map_or(u32::MAX, |e| e.order),
            e.is_none_or(|e| e.pipeline != pipeline),
            e.map(|e| e.raw.clone()).unwrap_or_default(),
            *s,
        )
    });
    v
}

/// `part ÷ whole`, 0 when the whole is 0.
fn share(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

/// A move from `from` to `to` goes backwards: it lands in an open stage earlier in the order.
pub fn goes_backward(stages: &StageTable, from: StageIx, to: StageIx) -> bool {
    match (stages.get(from), stages.get(to)) {
        (Some(f), Some(t)) => t.outcome == Outcome::Open && t.order < f.order,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::model::stages::StageEntry;
    use crate::engine::model::words::StandardStage;

    fn entry(pipeline: &str, raw: &str, order: u32, outcome: Outcome) -> StageEntry {
        StageEntry {
            pipeline: pipeline.to_owned(),
            raw: raw.to_owned(),
            standard: StandardStage::Prospecting,
            order,
            outcome,
            order_from: String::new(),
            outcome_from: String::new(),
            deals: 0,
            history_only: false,
            unsure: false,
        }
    }

    /// Two pipelines sharing the stage names Discovery and Proposal (indices 0–4 New, 5–7 Renewals).
    fn table() -> StageTable {
        use Outcome::{Lost, Open, Won};
        StageTable {
            entries: vec![
                entry("New", "Prospecting", 1, Open),      // 0
                entry("New", "Discovery", 2, Open),        // 1
                entry("New", "Proposal", 3, Open),         // 2
                entry("New", "Closed Won", 4, Won),        // 3
                entry("New", "Closed Lost", 5, Lost),      // 4
                entry("Renewals", "Discovery", 1, Open),   // 5
                entry("Renewals", "Proposal", 2, Open),    // 6
                entry("Renewals", "Closed Lost", 3, Lost), // 7
            ],
        }
    }

    fn moves(rows: &[(&str, StageIx, StageIx, u64)]) -> MoveCounts {
        rows.iter()
            .map(|&(p, f, t, n)| ((p.to_owned(), f, t), n))
            .collect()
    }

    /// (from label, total, [(to label, moves, backward)]) per row.
    type Shape = Vec<(String, u64, Vec<(String, u64, bool)>)>;

    fn shape(m: &TransitionMatrix) -> Shape {
        m.rows
            .iter()
            .map(|r| {
                (
                    r.from.label.clone(),
                    r.total_moves,
                    r.cells
                        .iter()
                        .map(|c| (c.to.clone(), c.moves, c.backward))
                        .collect(),
                )
            })
            .collect()
    }

    fn s(x: &str) -> String {
        x.to_owned()
    }

    #[test]
    fn a_matrix_per_pipeline_in_stage_order_with_totals_and_backward_moves() {
        let t = table();
        let m = matrices(
            &moves(&[
                // Listed out of order on purpose: the matrix sorts by the stage table's order.
                ("New", 2, 3, 6),
                ("New", 1, 2, 10),
                ("New", 2, 1, 2), // Proposal → Discovery: backwards.
                ("New", 0, 1, 12),
                ("New", 1, 4, 3),
                ("New", 4, 1, 1), // Closed Lost → Discovery: a reopened deal, backwards.
                ("Renewals", 5, 6, 7),
                ("Renewals", 6, 7, 2),
            ]),
            &t,
        );
        assert_eq!(
            m.iter().map(|m| m.pipeline.as_str()).collect::<Vec<_>>(),
            ["New", "Renewals"]
        );
        let new = &m[0];
        assert_eq!(
            new.to_stages
                .iter()
                .map(|s| s.label.as_str())
                .collect::<Vec<_>>(),
            ["Discovery", "Proposal", "Closed Won", "Closed Lost"]
        );
        let cols = |v: [(u64, bool); 4]| -> Vec<(String, u64, bool)> {
            ["Discovery", "Proposal", "Closed Won", "Closed Lost"]
                .into_iter()
                .zip(v)
                .map(|(c, (n, b))| (s(c), n, b))
                .collect()
        };
        assert_eq!(
            shape(new),
            vec![
                (
                    s("Prospecting"),
                    12,
                    cols([(12, false), (0, false), (0, false), (0, false)])
                ),
                (
                    s("Discovery"),
                    13,
                    cols([(0, false), (10, false), (0, false), (3, false)])
                ),
                (
                    s("Proposal"),
                    8,
                    cols([(2, true), (0, false), (6, false), (0, false)])
                ),
                (
                    s("Closed Lost"),
                    1,
                    cols([(1, true), (0, false), (0, false), (0, false)])
                ),
            ]
        );
        assert_eq!(new.total_moves, 12 + 13 + 8 + 1);
        // Renewals' Discovery is its own stage: not merged into New's, and its rows are its own.
        let renewals = &m[1];
        assert_eq!(
            shape(renewals),
            vec![
                (
                    s("Discovery"),
                    7,
                    vec![(s("Proposal"), 7, false), (s("Closed Lost"), 0, false)]
                ),
                (
                    s("Proposal"),
                    2,
                    vec![(s("Proposal"), 0, false), (s("Closed Lost"), 2, false)]
                ),
            ]
        );
        assert!(renewals.rows.iter().all(|r| r.from.pipeline == "Renewals"));
    }

    #[test]
    fn every_row_sums_to_its_total_and_its_shares_to_one() {
        let t = table();
        let m = matrices(
            &moves(&[
                ("New", 0, 1, 3),
                ("New", 0, 4, 1),
                ("New", 1, 2, 5),
                ("New", 1, 4, 2),
                ("New", 2, 1, 1),
                ("New", 2, 3, 9),
            ]),
            &t,
        );
        let new = &m[0];
        for row in &new.rows {
            let cells: u64 = row.cells.iter().map(|c| c.moves).sum();
            assert_eq!(cells, row.total_moves, "{}", row.from.label);
            let shares: f64 = row.cells.iter().map(|c| c.share_of_row).sum();
            assert!((shares - 1.0).abs() < 1e-12, "{}: {shares}", row.from.label);
            assert_eq!(row.cells.len(), new.to_stages.len());
        }
        // The largest cell (Proposal → Closed Won, 9) shades fully; the others by their part of it.
        let largest: Vec<f64> = new
            .rows
            .iter()
            .flat_map(|r| r.cells.iter().map(|c| c.share_of_largest))
            .collect();
        assert!(largest.iter().all(|x| (0.0..=1.0).contains(x)));
        assert_eq!(largest.iter().copied().fold(0.0, f64::max), 1.0);
        let prospecting = &new.rows[0];
        assert_eq!(prospecting.cells[0].share_of_row, 0.75);
        assert_eq!(prospecting.cells[0].share_of_largest, 3.0 / 9.0);
    }

    #[test]
    fn a_stage_of_another_pipeline_is_named_with_its_pipeline() {
        let t = table();
        // A Renewals deal whose history named Prospecting, a stage only New Business has.
        let m = matrices(&moves(&[("Renewals", 0, 5, 4), ("Renewals", 5, 6, 0)]), &t);
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].rows[0].from.label, "Prospecting (New)");
        assert_eq!(m[0].rows[0].from.pipeline, "New");
        assert_eq!(m[0].to_stages[0].label, "Discovery");
        // A zero count makes no row or column.
        assert_eq!(m[0].rows.len(), 1);
        assert_eq!(m[0].to_stages.len(), 1);
    }

    #[test]
    fn backward_means_into_an_earlier_open_stage() {
        let t = table();
        assert!(goes_backward(&t, 2, 1)); // Proposal → Discovery
        assert!(goes_backward(&t, 4, 0)); // Closed Lost → Prospecting (reopened)
        assert!(!goes_backward(&t, 1, 2)); // forwards
        assert!(!goes_backward(&t, 2, 2)); // the same position
        assert!(!goes_backward(&t, 4, 3)); // Closed Lost → Closed Won: into a closed stage
        assert!(!goes_backward(&t, 2, 99)); // an unknown stage
        assert!(matrices(&MoveCounts::new(), &t).is_empty());
    }
}
