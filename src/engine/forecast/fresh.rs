//! Deals not yet created that will be created and won inside the window: for each rep, how many deals
//! were created and won inside the same stretch of earlier periods (the same days from the period's start
//! to its end), and what they were worth. The rate is the mean over up to [`PERIODS`] earlier periods, less
//! the highest when there are four or more (one launch month should not set the pace). The first period of
//! the data is never used: an import or go-live month carries deals created before the CRM was. A period
//! cut short (the forecast's fan asks for the bookings by a day inside the period: the period from its
//! start to that day) is matched by earlier periods cut the same number of days in.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::engine::forecast::asof::Timeline;
use crate::engine::forecast::settings::Grain;
use crate::engine::metrics::period::{Calendar, DateRange};
use crate::engine::model::RepIx;

/// Earlier periods the rate looks at, at most.
pub const PERIODS: i32 = 6;
/// A rep with fewer won amounts than this draws amounts from the team's.
pub const MIN_OWN_AMOUNTS: usize = 3;

/// One rep's expected new deals.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RepFresh {
    /// Expected count inside the window.
    pub rate: f64,
    /// Amounts (home units) of the deals the rate was counted from.
    pub amounts: Vec<f64>,
}

/// Everyone's expected new deals, and what the estimate rests on.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Fresh {
    pub reps: BTreeMap<Option<RepIx>, RepFresh>,
    pub team_amounts: Vec<f64>,
    /// The earlier periods counted.
    pub periods: Vec<DateRange>,
}

impl Fresh {
    /// From what was known on `origin`, for the window `window_start ..= period.end` of `period`.
    pub fn fit(
        timeline: &Timeline<'_>,
        calendar: &Calendar,
        grain: Grain,
        period: DateRange,
        window_start: NaiveDate,
        origin: NaiveDate,
    ) -> Fresh {
        let first_created = timeline
            .deals
            .iter()
            .filter_map(|&d| timeline.created_on[d as usize])
            .min();
        let first_period = first_created.and_then(|day| grain.period_of(calendar, day));
        let offset_days = (window_start - period.start).num_days().max(0) as u64;
        // Days from the start to the end of a period cut short; `None` for a whole calendar period.
        let cut_days = grain
            .period_of(calendar, period.start)
            .filter(|whole| period.end < whole.end)
            .map(|_| (period.end - period.start).num_days().max(0) as u64);
        let mut periods = Vec::new();
        for k in 1..=PERIODS * 2 {
            if periods.len() as i32 >= PERIODS {
                break;
            }
            let Some(q) = calendar.step(&grain.spec(), period, -k) else {
                break;
            };
            if q.end > origin {
                continue;
            }
            if first_period.is_none_or(|f| q.start <= f.end) {
                break;
            }
            periods.push(q);
        }
        let mut counts: BTreeMap<Option<RepIx>, Vec<f64>> = BTreeMap::new();
        let mut amounts: BTreeMap<Option<RepIx>, Vec<f64>> = BTreeMap::new();
        let mut team_amounts = Vec::new();
        for (n, q) in periods.iter().enumerate() {
            let Some(from) = q.start.checked_add_days(chrono::Days::new(offset_days)) else {
                continue;
            };
            let to = cut_days
                .and_then(|n| q.start.checked_add_days(chrono::Days::new(n)))
                .map_or(q.end, |cut| cut.min(q.end));
            for &deal in &timeline.deals {
                let created = timeline.created_on[deal as usize];
                if created.is_none_or(|c| c < from || c > to)
                    || !timeline.won_between(deal, from, to)
                {
                    continue;
                }
                let rep = timeline.rep(deal);
                let c = counts
                    .entry(rep)
                    .or_insert_with(|| vec![0.0; periods.len()]);
                c[n] += 1.0;
                if let Some(a) =
                    timeline.amount_now(deal, timeline.closed_on[deal as usize].unwrap_or(q.end))
                {
                    amounts.entry(rep).or_default().push(a);
                    team_amounts.push(a);
                }
            }
        }
        let reps = counts
            .into_iter()
            .map(|(rep, mut c)| {
                c.sort_by(f64::total_cmp);
                if c.len() >= 4 {
                    c.pop();
                }
                let rate = c.iter().sum::<f64>() / c.len().max(1) as f64;
                let amounts = amounts.remove(&rep).unwrap_or_default();
                (rep, RepFresh { rate, amounts })
            })
            .collect();
        Fresh {
            reps,
            team_amounts,
            periods,
        }
    }

    /// The amounts a rep's new deals are drawn from: their own when there are enough, else the team's.
    pub fn pool(&self, rep: Option<RepIx>) -> &[f64] {
        match self.reps.get(&rep) {
            Some(r) if r.amounts.len() >= MIN_OWN_AMOUNTS => &r.amounts,
            _ => &self.team_amounts,
        }
    }

    /// The mean and second moment of a rep's new-deal total (a compound Poisson).
    pub fn moments(&self, rep: Option<RepIx>) -> (f64, f64) {
        let rate = self.reps.get(&rep).map_or(0.0, |r| r.rate);
        let pool = self.pool(rep);
        if pool.is_empty() || rate == 0.0 {
            return (0.0, 0.0);
        }
        let n = pool.len() as f64;
        let mean = pool.iter().sum::<f64>() / n;
        let square = pool.iter().map(|a| a * a).sum::<f64>() / n;
        (rate * mean, rate * square)
    }
}
