//! Coaching: what to work on with whom and what it is worth. For each rep, insights drawn from the rep's
//! own numbers against like peers — each with a sentence, an impact in money valued at the peer median
//! (never the top quartile), the confidence and denominator behind it, and the deals it rests on — the
//! strengths to keep, and the team's opportunities ranked by impact.
//!
//! The flow inside: [`peers`] says who a rep is compared with (same team and role where there are enough,
//! else the rest of the team) and the peer medians; [`insights`] holds each kind's rule and its impact;
//! [`own`] holds the kinds judged against the rep's own baseline (deal size, activity); [`accuracy`] the
//! Commit calls against what closed; [`segments`] where the rep wins; [`ramp`] the comparison of a new rep
//! with the team at the same tenure; [`picture`] People's activity-against-win-rate chart; [`capacity`] Planning's expected bookings at today's pace by rep, manager and team; [`coach`] runs them over the metrics of the history window and the period and ranks them; [`report`]
//! is the JSON answer the CLI prints and the app lays out. It reads the metrics engine's report and the
//! model; it never recomputes a metric the metrics engine owns.

pub mod accuracy;
pub mod capacity;
pub mod coach;
pub mod insights;
pub mod own;
pub mod peers;
pub mod picture;
pub mod ramp;
pub mod report;
pub mod segments;
pub mod whatif;

pub use coach::{CoachSettings, coach};
pub use report::{CoachReport, Insight, Kind, RepCoaching};
pub use whatif::{Levers, Plan, PlanInputs};
