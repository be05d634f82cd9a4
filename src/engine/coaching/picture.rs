//! People's first picture, the classic "busy but not converting" chart: each rep's completed activities a
//! working day against their win rate over the history window, the bubble their bookings, and the team's
//! medians as the quadrant lines. Reps with too few decided deals are marked, never left out.

use crate::engine::metrics::MetricsReport;

use super::insights::{MIN_DECIDED, MIN_PEER_DECIDED};
use super::peers::median;
use super::report::{ActivityWin, Point};

/// The picture over the window's metrics.
pub fn activity_vs_win(window: &MetricsReport) -> ActivityWin {
    if !window.activity.available {
        return ActivityWin {
            note: "No activities in these files: add the activity export to see activity against win rate."
                .to_owned(),
            ..ActivityWin::default()
        };
    }
    let mut points = Vec::new();
    let mut left_out = Vec::new();
    for m in window.reps.iter().filter(|m| m.rep_ix.is_some()) {
        let per_day = window
            .activity
            .reps
            .iter()
            .find(|a| a.rep_ix == m.rep_ix)
            .and_then(|a| a.per_working_day);
        match (per_day, m.win_rate) {
            (Some(activity_per_day), Some(win_rate)) if m.win_rate_n > 0 => points.push(Point {
                rep: m.rep.clone(),
                activity_per_day,
                win_rate,
                decided_deals: m.win_rate_n,
                bookings: m.bookings.unwrap_or(0.0),
                limited_history: m.win_rate_n < MIN_DECIDED,
            }),
            _ => left_out.push(m.rep.clone()),
        }
    }
    let median_activity_per_day = median(points.iter().map(|p| p.activity_per_day).collect());
    let median_win_rate = median(
        points
            .iter()
            .filter(|p| p.decided_deals >= MIN_PEER_DECIDED)
            .map(|p| p.win_rate)
            .collect(),
    );
    ActivityWin {
        note: format!(
            "Over {} to {}: completed activities a working day against won ÷ decided deals; the bubble's area is the bookings. The lines are the team's medians (win rate of the reps with {MIN_PEER_DECIDED} decided deals or more). Hollow: fewer than {MIN_DECIDED} decided deals, too few to judge.",
            window.period.start, window.period.end
        ),
        points,
        median_activity_per_day,
        median_win_rate,
        left_out,
    }
}
