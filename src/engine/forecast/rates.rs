//! Each open deal's chance of being won inside the forecast window, learned from the team's own past.
//!
//! From weekly landmarks before the origin (each landmark a day on which the deal was open, looked at
//! with only what was known then), every deal is watched until it closed or until the origin, whichever is
//! first: deals still open at the origin are censored, so the future is never read. Its features at the
//! landmark put it in cells — where its close date falls relative to the window (none, past due, before the
//! window, inside it, later), its stage, pushes so far, time in stage, deal age, and its size against the
//! median won deal — and each cell's competing-risks curve ([`WinCurve`]) gives the share won inside the
//! window. Small cells shrink toward their parent (full cell → stage × close date → close date → team),
//! by the number of distinct deals behind them. Nothing is keyed to a stage's or a deal's name.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::engine::forecast::asof::{DealAt, Timeline};
use crate::engine::forecast::km::{End, Watch, WinCurve};
use crate::engine::model::{DealIx, DealStatus, StageIx};

/// Deals a cell needs before its own rate counts as much as its parent's.
pub const PRIOR_DEALS: f64 = 8.0;
/// Fewer closed deals than this before the origin: stage-level cells only, and the answer says so.
pub const LIMITED_HISTORY_CLOSED: usize = 100;
/// Landmarks look back at most this many weeks.
pub const MAX_LANDMARK_WEEKS: i64 = 104;
/// Deal × landmark pairs a fit looks at, at most (fewer weeks for bigger teams).
pub const LANDMARK_BUDGET: usize = 3_000_000;

/// Days after the origin that make the window: won on day t with `from < t <= to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub from: u32,
    pub to: u32,
}

/// Where a deal's close date falls, seen from its landmark.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum CloseBucket {
    NoDate,
    PastDue,
    BeforeWindow,
    InWindow,
    Later,
}

/// A deal's cell on a landmark.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Features {
    pub close: CloseBucket,
    /// `u16::MAX`: not known on that day.
    pub stage: StageIx,
    pub pushes: u8,
    pub long_in_stage: bool,
    /// 0: up to the median won deal (or no amount), 1: up to four times it, 2: bigger.
    pub size: u8,
}

impl Features {
    pub fn of(at: &DealAt, day: NaiveDate, window: Window, median_won: Option<f64>) -> Features {
        let offset = |close: NaiveDate| (close - day).num_days();
        let close = match at.close_on {
            None => CloseBucket::NoDate,
            Some(c) if c <= day => CloseBucket::PastDue,
            Some(c) if offset(c) <= i64::from(window.from) => CloseBucket::BeforeWindow,
            Some(c) if offset(c) <= i64::from(window.to) => CloseBucket::InWindow,
            Some(_) => CloseBucket::Later,
        };
        let size = match (at.amount_home, median_won) {
            (Some(a), Some(m)) if m > 0.0 && a > 4.0 * m => 2,
            (Some(a), Some(m)) if a > m => 1,
            _ => 0,
        };
        Features {
            close,
            stage: at.stage.unwrap_or(StageIx::MAX),
            pushes: at.pushes.min(2) as u8,
            long_in_stage: (day - at.stage_since).num_days() > 30,
            size,
        }
    }

    fn keys(&self, created_days: i64) -> [u64; 4] {
        let close = self.close as u64;
        let stage = u64::from(self.stage);
        let full = close
            | stage << 4
            | u64::from(self.pushes) << 20
            | u64::from(self.long_in_stage) << 22
            | u64::from(created_days > 90) << 23
            | u64::from(self.size) << 24;
        [
            0,
            1 << 56 | close,
            2 << 56 | close | stage << 4,
            3 << 56 | full,
        ]
    }
}

#[derive(Default)]
struct Cell {
    watches: Vec<Watch>,
    deals: u32,
    last_deal: Option<DealIx>,
}

/// One cell's curve and the distinct deals behind it.
struct Fitted {
    curve: WinCurve,
    deals: f64,
}

/// The fitted chances for one origin and window.
pub struct WinModel {
    cells: HashMap<u64, Fitted>,
    stage_cells: HashMap<StageIx, Fitted>,
    window: Window,
    /// Closed deals (won, lost) known at the origin.
    pub closed_before: usize,
    pub limited_history: bool,
    /// The median won deal (home units) at the origin.
    pub median_won: Option<f64>,
    /// Landmarks used and the deal × landmark watches behind the fit.
    pub landmarks: usize,
    pub watches: usize,
}

impl WinModel {
    /// Fits on what was known at `origin`: landmarks a week apart before it, outcomes up to it.
    pub fn fit(timeline: &Timeline<'_>, origin: NaiveDate, window: Window) -> WinModel {
        let d = &timeline.model.deals;
        let mut won_amounts = Vec::new();
        let mut closed_before = 0;
        for &deal in &timeline.deals {
            if let Some(c) = timeline.closed_on[deal as usize].filter(|c| *c <= origin) {
                closed_before += 1;
                if d.status[deal as usize] == DealStatus::Won
                    && let Some(a) = timeline.amount_now(deal, c)
                {
                    won_amounts.push(a);
                }
            }
        }
        won_amounts.sort_by(f64::total_cmp);
        let median_won =
            (!won_amounts.is_empty()).then(|| won_amounts[(won_amounts.len() - 1) / 2]);
        let limited_history = closed_before < LIMITED_HISTORY_CLOSED;
        let weeks = (LANDMARK_BUDGET / timeline.deals.len().max(1))
            .clamp(8, MAX_LANDMARK_WEEKS as usize) as i64;
        let landmarks: Vec<NaiveDate> = (1..=weeks)
            .filter_map(|k| origin.checked_sub_days(chrono::Days::new(7 * k as u64)))
            .collect();
        let mut cells: HashMap<u64, Cell> = HashMap::new();
        let mut stage_cells: HashMap<StageIx, Cell> = HashMap::new();
        let mut watches = 0;
        for &deal in &timeline.deals {
            let i = deal as usize;
            let Some(created) = timeline.created_on[i] else {
                continue;
            };
            let closed = timeline.closed_on[i].filter(|c| *c <= origin);
            for &landmark in &landmarks {
                if !timeline.open_on(deal, landmark) {
                    continue;
                }
                let at = timeline.at(deal, landmark);
                let f = Features::of(&at, landmark, window, median_won);
                let watch = match closed {
                    Some(c) => Watch {
                        days: (c - landmark).num_days().max(0) as u32,
                        end: if d.status[i] == DealStatus::Won {
                            End::Won
                        } else {
                            End::Lost
                        },
                    },
                    None => Watch {
                        days: (origin - landmark).num_days().max(0) as u32,
                        end: End::Censored,
                    },
                };
                watches += 1;
                let created_days = (landmark - created).num_days();
                let levels = if limited_history { 3 } else { 4 };
                for key in &f.keys(created_days)[..levels] {
                    push(cells.entry(*key).or_default(), deal, watch);
                }
                push(stage_cells.entry(f.stage).or_default(), deal, watch);
            }
        }
        let fit = |c: Cell| {
            let mut w = c.watches;
            Fitted {
                curve: WinCurve::of(&mut w),
                deals: f64::from(c.deals),
            }
        };
        WinModel {
            cells: cells.into_iter().map(|(k, c)| (k, fit(c))).collect(),
            stage_cells: stage_cells.into_iter().map(|(k, c)| (k, fit(c))).collect(),
            window,
            closed_before,
            limited_history,
            median_won,
            landmarks: landmarks.len(),
            watches,
        }
    }

    /// The chance a deal with these features (at the origin) is won inside the window.
    pub fn probability(&self, f: &Features, created_days: i64) -> f64 {
        let keys = f.keys(created_days);
        let levels = if self.limited_history { 3 } else { 4 };
        let mut p = 0.0;
        for (level, key) in keys[..levels].iter().enumerate() {
            let Some(cell) = self.cells.get(key) else {
                continue;
            };
            let own = cell.curve.between(self.window.from, self.window.to);
            p = if level == 0 {
                own
            } else {
                (cell.deals * own + PRIOR_DEALS * p) / (cell.deals + PRIOR_DEALS)
            };
        }
        p.clamp(0.0, 1.0)
    }

    /// The plain stage rate: the share of deals in this stage won inside the window, nothing else known.
    pub fn stage_rate(&self, stage: StageIx) -> Option<f64> {
        self.stage_cells
            .get(&stage)
            .map(|c| c.curve.between(self.window.from, self.window.to))
    }
}

/// One cell a deal's chance went through, broadest first (see [`WinModel::explain`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CellUse {
    /// 0: the team; 1: its close-date position; 2: that and its stage; 3: that and its pushes, time in
    /// stage, age (over 90 days or not) and size — the full cell.
    pub level: usize,
    /// The cell's own share won inside the window (its curve, not shrunk).
    pub own: f64,
    /// Distinct deals behind the cell (each seen at one or more weekly landmarks).
    pub deals: f64,
    /// The chance once this cell is shrunk toward the broader ones before it (the last is the deal's).
    pub shrunk: f64,
}

impl WinModel {
    /// The cells behind [`WinModel::probability`] for a deal, broadest first, with each cell's own rate,
    /// its deals and the chance after it: the same walk, so the last `shrunk` (clamped to 0–1) is the
    /// deal's chance. Cells no earlier deal fell in are left out, as the walk skips them.
    pub fn explain(&self, f: &Features, created_days: i64) -> Vec<CellUse> {
        let keys = f.keys(created_days);
        let levels = if self.limited_history { 3 } else { 4 };
        let mut used = Vec::new();
        let mut p = 0.0;
        for (level, key) in keys[..levels].iter().enumerate() {
            let Some(cell) = self.cells.get(key) else {
                continue;
            };
            let own = cell.curve.between(self.window.from, self.window.to);
            p = if level == 0 {
                own
            } else {
                (cell.deals * own + PRIOR_DEALS * p) / (cell.deals + PRIOR_DEALS)
            };
            used.push(CellUse {
                level,
                own,
                deals: cell.deals,
                shrunk: p,
            });
        }
        used
    }
}

fn push(cell: &mut Cell, deal: DealIx, watch: Watch) {
    cell.watches.push(watch);
    if cell.last_deal != Some(deal) {
        cell.deals += 1;
        cell.last_deal = Some(deal);
    }
}
