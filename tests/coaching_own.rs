//! Coaching on a second hand-made team ("team B", written here in the Salesforce report, OpportunityHistory,
//! Tasks and roster layouts) with one planted fact per rep, each asserted with its impact computed by hand:
//! Ann's won deals got smaller, Bo's activity fell, Cy's Commit runs high, Dee wins on referrals, and Rae —
//! three months in — ramps behind what Ann, Bo and Cy did in their own first three months. Eli, Fay and Gus
//! call their Commit honestly (every Commit deal closes), so the peers' calls convert 1 : 1.

mod support;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use pipelens::engine::coaching::{CoachReport, CoachSettings, Insight, Kind, RepCoaching};
use pipelens::engine::ingest::ImportOptions;
use pipelens::engine::metrics::MetricSettings;
use pipelens::engine::metrics::period::PeriodSpec;
use pipelens::engine::protocol::Coach;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn as_of() -> NaiveDate {
    day(2026, 6, 30)
}

struct Deal {
    id: String,
    owner: &'static str,
    created: NaiveDate,
    closed: NaiveDate,
    won: bool,
    amount: u32,
    source: &'static str,
    commit: bool,
}

#[derive(Default)]
struct Team {
    deals: Vec<Deal>,
}

impl Team {
    fn add(&mut self, owner: &'static str, closed: NaiveDate, won: bool, amount: u32) -> &mut Deal {
        let id = format!("B{:04}", self.deals.len() + 1);
        self.deals.push(Deal {
            id,
            owner,
            created: closed - Days::new(30),
            closed,
            won,
            amount,
            source: "Web",
            commit: false,
        });
        self.deals.last_mut().unwrap()
    }

    fn opportunities(&self) -> String {
        let mut out = String::from(
            "Opportunity ID,Opportunity Name,Account Name,Opportunity Owner,Type,Lead Source,Stage,Amount,Probability (%),Close Date,Created Date,Forecast Category\n",
        );
        for d in &self.deals {
            let (stage, p, cat) = if d.won {
                ("Closed Won", 100, "Closed")
            } else {
                ("Closed Lost", 0, "Omitted")
            };
            out += &format!(
                "{},Deal {},Acct {},{},New Business,{},{stage},{},{p},{},{},{cat}\n",
                d.id, d.id, d.id, d.owner, d.source, d.amount, d.closed, d.created
            );
        }
        out
    }

    fn history(&self) -> String {
        let mut out = String::from(
            "OpportunityId,CreatedDate,StageName,Amount,CloseDate,Probability,ForecastCategory\n",
        );
        for d in &self.deals {
            let (stage, p, cat) = if d.commit {
                ("Negotiation/Review", 90, "Commit")
            } else {
                ("Prospecting", 10, "Pipeline")
            };
            out += &format!(
                "{},{} 09:00:00,{stage},{},{},{p},{cat}\n",
                d.id, d.created, d.amount, d.closed
            );
            let (stage, p, cat) = if d.won {
                ("Closed Won", 100, "Closed")
            } else {
                ("Closed Lost", 0, "Omitted")
            };
            out += &format!(
                "{},{} 17:00:00,{stage},{},{},{p},{cat}\n",
                d.id, d.closed, d.amount, d.closed
            );
        }
        out
    }
}

const ROSTER: &str = "Rep,Manager,Team,Role,Start Date
Ann Ames,Kim Kerr,East,Account Executive,2025-07-07
Bo Berg,Kim Kerr,East,Account Executive,2025-09-01
Cy Cole,Kim Kerr,East,Account Executive,2025-11-03
Dee Dunn,Kim Kerr,East,Account Executive,2023-01-09
Eli Eden,Kim Kerr,East,Account Executive,2023-01-09
Fay Ford,Kim Kerr,East,Account Executive,2023-01-09
Gus Gray,Kim Kerr,East,Account Executive,2023-01-09
Rae Reed,Kim Kerr,East,Account Executive,2026-04-01
";

/// The months of the window, July 2025 to June 2026.
fn months() -> Vec<NaiveDate> {
    (0..12)
        .map(|k| {
            day(2025, 7, 1)
                .checked_add_months(chrono::Months::new(k))
                .unwrap()
        })
        .collect()
}

/// Ann's baseline and recent wins (thousands), Bo's two wins.
const ANN_BASE: [u32; 10] = [19, 21, 18, 22, 20, 20, 19, 21, 18, 22];
const ANN_RECENT: [u32; 6] = [9, 10, 11, 10, 9, 11];

fn team() -> Team {
    let mut t = Team::default();
    // Ann: two wins in her first 91 days (19k + 21k), eight more before April, six small ones since.
    let ann_base_days = [
        day(2025, 8, 14),
        day(2025, 9, 16),
        day(2025, 10, 10),
        day(2025, 11, 12),
        day(2025, 12, 11),
        day(2026, 1, 14),
        day(2026, 2, 12),
        day(2026, 2, 25),
        day(2026, 3, 12),
        day(2026, 3, 26),
    ];
    for (on, k) in ann_base_days.iter().zip(ANN_BASE) {
        t.add("Ann Ames", *on, true, k * 1000);
    }
    let ann_recent_days = [
        day(2026, 4, 10),
        day(2026, 4, 24),
        day(2026, 5, 13),
        day(2026, 5, 27),
        day(2026, 6, 11),
        day(2026, 6, 25),
    ];
    for (on, k) in ann_recent_days.iter().zip(ANN_RECENT) {
        t.add("Ann Ames", *on, true, k * 1000);
    }
    // Bo: 50k in his first 91 days.
    t.add("Bo Berg", day(2025, 10, 15), true, 25_000);
    t.add("Bo Berg", day(2025, 11, 14), true, 25_000);
    // Cy from December, and Eli, Fay and Gus all year: two Commit deals each month, created on the 1st and
    // expected on the 20th. Cy wins one of them; the others win both.
    for m in months() {
        let on = day(m.year(), m.month(), 20);
        for (rep, both) in [("Eli Eden", true), ("Fay Ford", true), ("Gus Gray", true)] {
            for won in [true, both] {
                let d = t.add(rep, on, won, 10_000);
                d.created = m;
                d.commit = true;
            }
        }
        if m >= day(2025, 12, 1) {
            for won in [true, false] {
                let d = t.add("Cy Cole", on, won, 10_000);
                d.created = m;
                d.commit = true;
            }
        }
    }
    // Dee: 14 of 20 referrals won, 6 of 30 web deals.
    for k in 0..50u32 {
        let on = months()[(k % 12) as usize] + Days::new(9 + (k / 12) as u64 * 3);
        let referral = k < 20;
        let won = if referral { k < 14 } else { k < 26 };
        let d = t.add("Dee Dunn", on, won, 10_000);
        if referral {
            d.source = "Referral";
        }
    }
    // Rae: one win in her first three months.
    t.add("Rae Reed", day(2026, 5, 20), true, 10_000);
    t
}

/// Bo's completed calls: five a working day from 2026-03-11 to 2026-06-02, one a day since.
fn activities() -> (String, u64, u64) {
    let mut out =
        String::from("Activity Type,Subject,Date,Assigned To,Done,Disposition,Opportunity ID\n");
    let (mut base_days, mut recent_days) = (0u64, 0u64);
    let mut on = day(2026, 3, 11);
    while on <= as_of() {
        if !matches!(on.weekday(), Weekday::Sat | Weekday::Sun) {
            let recent = on >= day(2026, 6, 3);
            if recent {
                recent_days += 1;
            } else {
                base_days += 1;
            }
            for _ in 0..if recent { 1 } else { 5 } {
                out += &format!("Call,Check in,{on},Bo Berg,yes,Connected,\n");
            }
        }
        on = on.succ_opt().unwrap();
    }
    (out, base_days, recent_days)
}

fn report() -> CoachReport {
    let t = team();
    let (calls, _, _) = activities();
    let files = [
        ("deals.csv", t.opportunities()),
        ("OpportunityHistory.csv", t.history()),
        ("teams.csv", ROSTER.to_owned()),
        ("activities.csv", calls),
    ];
    let mut session = support::session_with(
        files
            .into_iter()
            .map(|(n, text)| (n.to_owned(), text.into_bytes(), ImportOptions::default())),
        None,
    );
    *session
        .ask(Coach {
            settings: Box::new(CoachSettings {
                metrics: MetricSettings {
                    as_of: Some(as_of()),
                    period: PeriodSpec::Quarter {
                        year: 2026,
                        quarter: 2,
                    },
                    ..MetricSettings::default()
                },
                window_days: 365,
            }),
        })
        .unwrap()
        .report
}

fn rep<'a>(r: &'a CoachReport, name: &str) -> &'a RepCoaching {
    r.reps
        .iter()
        .find(|x| x.rep == name)
        .unwrap_or_else(|| panic!("no {name}"))
}

fn one(r: &RepCoaching, kind: Kind) -> &Insight {
    let found: Vec<&Insight> = r
        .insights
        .iter()
        .chain(&r.strengths)
        .filter(|i| i.kind == kind)
        .collect();
    assert_eq!(found.len(), 1, "{} {kind:?}: {:#?}", r.rep, r.insights);
    found[0]
}

fn none(r: &RepCoaching, kind: Kind) {
    assert!(
        !r.insights
            .iter()
            .chain(&r.strengths)
            .any(|i| i.kind == kind),
        "{} should have no {kind:?}: {:#?}",
        r.rep,
        r.insights
    );
}

use support::close;

#[test]
fn smaller_won_deals_are_a_drift_valued_at_the_reps_own_earlier_size() {
    let r = report();
    let ann = rep(&r, "Ann Ames");
    let drift = one(ann, Kind::DealSizeDrift);
    let base = ANN_BASE.iter().sum::<u32>() as f64 * 1000.0 / ANN_BASE.len() as f64;
    let recent = ANN_RECENT.iter().sum::<u32>() as f64 * 1000.0 / ANN_RECENT.len() as f64;
    close(drift.peer_value.unwrap(), base, "baseline average");
    close(drift.rep_value.unwrap(), recent, "recent average");
    close(drift.impact.unwrap(), (base - recent) * 6.0, "impact");
    assert_eq!(drift.deals.len(), 6);
    assert!(drift.text.contains("got smaller"), "{}", drift.text);
    // Nobody else's deals shrank: Bo won two, the Commit reps' are all 10,000.
    for name in ["Bo Berg", "Cy Cole", "Eli Eden", "Dee Dunn"] {
        none(rep(&r, name), Kind::DealSizeDrift);
    }
}

#[test]
fn falling_activity_is_judged_against_the_reps_own_pace() {
    let r = report();
    let bo = rep(&r, "Bo Berg");
    let drop = one(bo, Kind::ActivityDrop);
    let (_, base_days, recent_days) = activities();
    let (k_base, k_recent) = (5 * base_days, recent_days);
    close(drop.peer_value.unwrap(), 5.0, "baseline a day");
    close(drop.rep_value.unwrap(), 1.0, "recent a day");
    let missing = 5.0 * recent_days as f64 - k_recent as f64;
    let per_activity = 50_000.0 / (k_base + k_recent) as f64;
    close(drop.impact.unwrap(), missing * per_activity, "impact");
    assert_eq!(drop.denominator, k_base + k_recent);
    // Ann has no activities at all: nothing said.
    none(rep(&r, "Ann Ames"), Kind::ActivityDrop);
}

#[test]
fn a_commit_that_runs_high_is_measured_against_the_peers_calls() {
    let r = report();
    let cy = rep(&r, "Cy Cole");
    let acc = one(cy, Kind::ForecastAccuracy);
    // Seven months, December to June: called 20,000 each, closed 10,000.
    assert_eq!(acc.denominator, 7);
    close(acc.rep_value.unwrap(), 0.5, "closed per unit called");
    close(acc.peer_value.unwrap(), 1.0, "peers' median");
    assert!(acc.impact.is_none(), "forecast error is not revenue");
    assert!(acc.text.contains("runs high"), "{}", acc.text);
    // Its deals are the seven Commit deals that were lost.
    assert_eq!(acc.deals.len(), 7);
    // The honest callers are not flagged, whichever way.
    for name in ["Eli Eden", "Fay Ford", "Gus Gray", "Ann Ames", "Dee Dunn"] {
        none(rep(&r, name), Kind::ForecastAccuracy);
    }
    assert!(
        !r.team
            .ranked
            .iter()
            .any(|x| x.kind == Kind::ForecastAccuracy),
        "not ranked with the money"
    );
}

#[test]
fn where_the_rep_wins_is_a_segment_well_above_their_other_deals() {
    let r = report();
    let dee = rep(&r, "Dee Dunn");
    let wins = one(dee, Kind::WhereWins);
    assert!(dee.strengths.iter().any(|i| i.kind == Kind::WhereWins));
    close(wins.rep_value.unwrap(), 14.0 / 20.0, "referral rate");
    close(wins.peer_value.unwrap(), 6.0 / 30.0, "the rest");
    assert_eq!(wins.denominator, 20);
    assert_eq!(wins.deals.len(), 14);
    let (low, high) = wins.interval.unwrap();
    assert!(low > 0.2 && high < 0.7, "{low}–{high}: shrunk toward 40%");
    assert!(wins.text.contains("Referral"), "{}", wins.text);
}

#[test]
fn a_ramping_rep_is_compared_with_the_team_at_the_same_tenure() {
    let r = report();
    let rae = rep(&r, "Rae Reed");
    let ramp = rae.ramp.as_ref().expect("Rae is ramping");
    assert_eq!(ramp.started_on, day(2026, 4, 1));
    assert_eq!(ramp.tenure_days, 91);
    // Ann booked 40,000 in her first 91 days, Bo 50,000, Cy 20,000 (December's and January's wins).
    assert_eq!(ramp.reps_compared, 3);
    close(
        ramp.team_booked_median.unwrap(),
        40_000.0,
        "median at tenure",
    );
    close(ramp.booked, 10_000.0, "Rae booked");
    let behind = one(rae, Kind::Ramp);
    close(behind.impact.unwrap(), 30_000.0, "impact");
    // Nobody compares with Rae, and the tenured reps are not ramping.
    for x in &r.reps {
        if x.rep != "Rae Reed" {
            assert!(x.ramp.is_none(), "{} is not ramping", x.rep);
            assert_eq!(x.peers.size, 6, "{}: seven others minus Rae", x.rep);
        }
    }
}
