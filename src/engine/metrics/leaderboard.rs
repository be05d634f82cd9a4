//! The leaderboard: the reps of a period ranked by bookings, highest first. Reps with nothing booked rank as 0;
//! ties keep the report's rep order (by name, unassigned deals last), so a rank never depends on anything
//! but the report.

use serde::{Deserialize, Serialize};

use crate::engine::metrics::prepared::RepMetrics;

/// One place on the leaderboard.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ranked {
    /// 1 for the most booked.
    pub rank: u32,
    pub rep: String,
}

/// `reps` ranked by bookings, highest first (a stable sort: ties keep their order in `reps`).
pub fn leaderboard(reps: &[RepMetrics]) -> Vec<Ranked> {
    let mut order: Vec<&RepMetrics> = reps.iter().collect();
    order.sort_by(|a, b| {
        b.bookings
            .unwrap_or(0.0)
            .total_cmp(&a.bookings.unwrap_or(0.0))
    });
    order
        .into_iter()
        .zip(1u32..)
        .map(|(m, rank)| Ranked {
            rank,
            rep: m.rep.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rep(name: &str, bookings: Option<f64>) -> RepMetrics {
        RepMetrics {
            rep: name.to_owned(),
            bookings,
            ..RepMetrics::default()
        }
    }

    #[test]
    fn ranks_by_bookings_with_ties_and_nothing_booked_in_report_order() {
        let reps = [
            rep("Ana", Some(100.0)),
            rep("Bo", None),
            rep("Cy", Some(300.0)),
            rep("Di", Some(100.0)),
        ];
        let board = leaderboard(&reps);
        let ranked: Vec<(u32, &str)> = board.iter().map(|r| (r.rank, r.rep.as_str())).collect();
        assert_eq!(ranked, [(1, "Cy"), (2, "Ana"), (3, "Di"), (4, "Bo")]);
    }
}
