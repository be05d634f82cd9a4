//! Activity: how much each rep does — calls, emails, meetings held, tasks — per working day, the call connect
//! rate, the activity mix, and how activity turns into meetings, opportunities and wins. It owns the counting
//! of activities; opportunities created and deals won come from the metrics' own sets
//! ([`crate::engine::metrics::prepared::sets`]), so they match the metrics report.
//!
//! Rules, as stated in the report: only completed activities count — marked done, or with no status and dated
//! on or before the as-of date; planned or open ones never count. An activity counts in the period when its
//! date is within the period and on or before the as-of date; undated ones are left out and their number is
//! said. An activity linked to a deal counts only when that deal is in scope; unlinked ones count. A meeting is
//! held when it is completed and dated on or before the as-of date. A rep's working days are the Monday to
//! Friday days of the period, up to the as-of date, within the rep's employment; the team's are the sum of its
//! reps'. Activities without a rep count in the team only. Ratios whose divisor is 0 are `None` — never NaN.

use std::collections::BTreeMap;

use chrono::{Datelike, Timelike};
use serde::{Deserialize, Serialize};

use crate::engine::metrics::period::{DateRange, business_days};
use crate::engine::metrics::prepared::{Prepared, Sets};
use crate::engine::model::{Activities, ActivityKind, Rep, RepIx};

/// The exports that carry activities, by CRM.
pub const ACTIVITY_EXPORTS: &str =
    "Salesforce: Tasks and Events; HubSpot: calls, emails, meetings; Pipedrive: activities";

/// The row name of activities without a rep.
pub const NO_REP: &str = "(no rep)";

/// The row name of the team.
pub const TEAM: &str = "Team";

/// The kinds in the order the mix lists them.
const KINDS: [ActivityKind; 5] = [
    ActivityKind::Call,
    ActivityKind::Email,
    ActivityKind::Meeting,
    ActivityKind::Task,
    ActivityKind::Other,
];

/// The activity numbers of a period, for the team and for each rep.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ActivityReport {
    /// False when the files hold no activities at all.
    pub available: bool,
    /// What is missing or left out, as a sentence (the export to add, or the undated activities).
    pub note: Option<String>,
    /// Everything counted, activities without a rep included.
    pub team: RepActivity,
    /// Sorted by name, "(no rep)" last.
    pub reps: Vec<RepActivity>,
    /// The rules behind the numbers, as sentences.
    pub assumptions: Vec<String>,
}

/// One rep's (or the team's) activity.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RepActivity {
    /// Index of the rep in the model's roster; `None` for "(no rep)" and the team.
    #[serde(skip)]
    pub rep_ix: Option<RepIx>,
    pub rep: String,
    pub calls: u64,
    /// Calls where someone answered; `None` when no counted call says whether anyone did.
    pub connected_calls: Option<u64>,
    pub emails: u64,
    pub meetings_held: u64,
    pub tasks: u64,
    pub other: u64,
    pub total: u64,
    /// Monday to Friday days of the period, up to the as-of date, within the rep's employment.
    pub working_days: i64,
    /// total ÷ working days.
    pub per_working_day: Option<f64>,
    /// calls ÷ working days.
    pub calls_per_day: Option<f64>,
    /// connected ÷ calls, among the calls that say whether someone answered.
    pub connect_rate: Option<f64>,
    /// Each kind's share of the total, by kind label; kinds with none are left out.
    pub mix: Vec<(String, f64)>,
    /// Completed activities by weekday, Monday first.
    #[serde(default)]
    pub by_weekday: Vec<u32>,
    /// By weekday × hour (168 counts, Monday 00:00 first); empty when the export gives no times of day.
    #[serde(default)]
    pub by_weekday_hour: Vec<u32>,
    pub opps_created: u64,
    pub deals_won: u64,
    /// total ÷ meetings held.
    pub activities_per_meeting: Option<f64>,
    /// meetings held ÷ opportunities created.
    pub meetings_per_opportunity: Option<f64>,
    /// opportunities created ÷ deals won.
    pub opportunities_per_win: Option<f64>,
    /// The counted activities (indexes into the model's activities), for drill-down.
    #[serde(skip)]
    pub records: Vec<u32>,
}

/// Running counts of one row before its ratios are derived.
#[derive(Debug, Clone, Default)]
struct Tally {
    by_kind: [u64; 5],
    /// Calls that say whether someone answered.
    calls_with_answer: u64,
    connected: u64,
    records: Vec<u32>,
    /// Counts by weekday (Monday 0) × hour.
    by_weekday_hour: Vec<u32>,
    timed: u64,
}

impl Tally {
    fn add(&mut self, activities: &Activities, i: usize) {
        let kind = activities.kind[i];
        let slot = KINDS.iter().position(|k| *k == kind).unwrap_or(4);
        self.by_kind[slot] += 1;
        if kind == ActivityKind::Call
            && let Some(connected) = activities.connected[i]
        {
            self.calls_with_answer += 1;
            self.connected += u64::from(connected);
        }
        self.records.push(i as u32);
        if let Some(at) = activities.at[i] {
            if self.by_weekday_hour.is_empty() {
                self.by_weekday_hour = vec![0; 7 * 24];
            }
            let slot = at.weekday().num_days_from_monday() as usize * 24 + at.hour() as usize;
            self.by_weekday_hour[slot] += 1;
            if at.time() != chrono::NaiveTime::MIN {
                self.timed += 1;
            }
        }
    }
}

fn ratio(a: u64, b: u64) -> Option<f64> {
    (b > 0).then(|| a as f64 / b as f64)
}

fn per_day(n: u64, days: i64) -> Option<f64> {
    (days > 0).then(|| n as f64 / days as f64)
}

/// The Monday to Friday days of the period, up to the as-of date, within a rep's employment.
fn working_days(p: &Prepared<'_>, rep: &Rep) -> i64 {
    let start = rep
        .started_on
        .map_or(p.period.start, |s| s.max(p.period.start));
    let end = rep
        .ended_on
        .map_or(p.period.end, |e| e.min(p.period.end))
        .min(p.as_of);
    if end < start {
        0
    } else {
        business_days(&DateRange::new(start, end))
    }
}

/// A row from its counts, working days and sets.
fn row(
    rep_ix: Option<RepIx>,
    rep: String,
    tally: Tally,
    working_days: i64,
    opps_created: u64,
    deals_won: u64,
) -> RepActivity {
    let [calls, emails, meetings_held, tasks, other] = tally.by_kind;
    let total: u64 = tally.by_kind.iter().sum();
    let mix = KINDS
        .iter()
        .zip(tally.by_kind)
        .filter(|(_, n)| *n > 0)
        .map(|(k, n)| (k.label().to_owned(), n as f64 / total as f64))
        .collect();
    let mut records = tally.records;
    records.sort_unstable();
    let has_times = tally.timed > 0;
    // Without times of day, only the weekday is known: every count sits at hour 0.
    let by_weekday: Vec<u32> = if tally.by_weekday_hour.is_empty() {
        vec![0; 7]
    } else {
        tally
            .by_weekday_hour
            .chunks(24)
            .map(|day| day.iter().sum())
            .collect()
    };
    RepActivity {
        rep_ix,
        rep,
        calls,
        connected_calls: (tally.calls_with_answer > 0).then_some(tally.connected),
        emails,
        meetings_held,
        tasks,
        other,
        total,
        working_days,
        per_working_day: per_day(total, working_days),
        calls_per_day: per_day(calls, working_days),
        connect_rate: ratio(tally.connected, tally.calls_with_answer),
        mix,
        opps_created,
        deals_won,
        activities_per_meeting: ratio(total, meetings_held),
        meetings_per_opportunity: ratio(meetings_held, opps_created),
        opportunities_per_win: ratio(opps_created, deals_won),
        records,
        by_weekday,
        by_weekday_hour: if has_times {
            tally.by_weekday_hour
        } else {
            Vec::new()
        },
    }
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Whether activity `i` ever counts, and on which day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counted {
    /// Planned or open, or linked to a deal out of scope.
    Never,
    /// It would count, but has no date.
    Undated,
    On(chrono::NaiveDate),
}

/// The counting rule of the module's doc for one activity, before the period and rep filters: planned or
/// open ones and those of deals out of scope never count; the others count on their day (when it is on or
/// before the as-of date, which the caller checks with its period).
pub fn counted(p: &Prepared<'_>, i: usize) -> Counted {
    let a = &p.model.activities;
    if a.done[i] == Some(false)
        || a.deal[i].is_some_and(|d| !p.in_scope.get(d as usize).copied().unwrap_or(false))
    {
        return Counted::Never;
    }
    match a.at[i] {
        Some(at) => Counted::On(at.date()),
        None => Counted::Undated,
    }
}

/// The activity report of the period, for the team and for each rep.
pub fn activity(p: &Prepared<'_>, sets: &BTreeMap<Option<RepIx>, Sets>) -> ActivityReport {
    let model = p.model;
    let a = &model.activities;
    if a.is_empty() {
        return ActivityReport {
            available: false,
            note: Some(format!(
                "No activities in these files: add the activity export ({ACTIVITY_EXPORTS}) to see calls, emails and meetings per rep."
            )),
            team: RepActivity {
                rep: TEAM.to_owned(),
                ..RepActivity::default()
            },
            ..ActivityReport::default()
        };
    }
    // The scope's rep filters (team, role, rep) apply to activities as they do to deals.
    let rep_filtered = p.rep_filtered;
    let allowed = |rep: Option<RepIx>| match rep {
        Some(r) => p.rep_allowed.get(r as usize).copied().unwrap_or(false),
        None => !rep_filtered,
    };

    let mut tallies: BTreeMap<Option<RepIx>, Tally> = BTreeMap::new();
    let mut team = Tally::default();
    let mut undated = 0u64;
    for i in 0..a.len() {
        if !allowed(a.rep[i]) {
            continue;
        }
        let day = match counted(p, i) {
            Counted::Never => continue,
            Counted::Undated => {
                undated += 1;
                continue;
            }
            Counted::On(day) => day,
        };
        // Completed (done, or no status and dated by the as-of date) and in the period.
        if !p.period.contains(day) || day > p.as_of {
            continue;
        }
        tallies.entry(a.rep[i]).or_default().add(a, i);
        team.add(a, i);
    }

    let counts = |rep: &Option<RepIx>| {
        sets.get(rep)
            .map_or((0, 0), |s| (s.created.len() as u64, s.won.len() as u64))
    };
    let mut keys: Vec<Option<RepIx>> = tallies.keys().copied().collect();
    keys.extend(sets.keys().copied());
    keys.sort_unstable();
    keys.dedup();
    let mut reps: Vec<RepActivity> = keys
        .into_iter()
        .map(|key| {
            let tally = tallies.remove(&key).unwrap_or_default();
            let roster = key.and_then(|r| model.reps.get(r as usize));
            let name = match (key, roster) {
                (None, _) => NO_REP.to_owned(),
                (Some(_), Some(r)) => r.name.clone(),
                (Some(r), None) => format!("(rep {r})"),
            };
            let days = roster.map_or(0, |r| working_days(p, r));
            let (opps, won) = counts(&key);
            row(key, name, tally, days, opps, won)
        })
        .collect();
    reps.sort_by(|x, y| {
        (x.rep_ix.is_none(), &x.rep, x.rep_ix).cmp(&(y.rep_ix.is_none(), &y.rep, y.rep_ix))
    });
    let team_days = reps.iter().map(|r| r.working_days).sum();
    let (team_opps, team_won) = sets.values().fold((0, 0), |(o, w), s| {
        (o + s.created.len() as u64, w + s.won.len() as u64)
    });
    let team = row(None, TEAM.to_owned(), team, team_days, team_opps, team_won);

    let as_of = p.as_of.format("%Y-%m-%d");
    let mut assumptions = vec![
        format!(
            "Only completed activities count: marked done, or with no status and dated on or before the as-of date ({as_of}); planned or open activities never count."
        ),
        format!(
            "An activity counts in the period {} by its date, up to the as-of date.",
            p.period.label()
        ),
        "Activities linked to a deal count only when that deal is in scope; activities not linked to a deal count.".to_owned(),
        "A meeting is held when it is completed and dated on or before the as-of date.".to_owned(),
        "Working days are the Monday to Friday days of the period, up to the as-of date, within each rep's employment (start to end date); the team's are the sum of its reps'.".to_owned(),
        format!("Activities without a rep count in the team only, as \"{NO_REP}\"."),
        "The connect rate is connected calls ÷ calls, among the calls whose outcome says whether someone answered.".to_owned(),
        "Opportunities created and deals won are the metrics' own counts; activities per meeting, meetings per opportunity and opportunities per win are left empty when their divisor is 0.".to_owned(),
    ];
    if rep_filtered {
        assumptions.push(
            "The scope's team, role and rep filters apply to activities too: activities of other reps and without a rep are left out.".to_owned(),
        );
    }
    let note = (undated > 0).then(|| {
        format!(
            "{} no date and {} left out.",
            plural(undated, "activity has", "activities have"),
            if undated == 1 { "is" } else { "are" }
        )
    });
    if let Some(sentence) = &note {
        assumptions.push(sentence.clone());
    }
    ActivityReport {
        available: true,
        note,
        team,
        reps,
        assumptions,
    }
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, NaiveDateTime};

    use super::*;
    use crate::engine::metrics::period::PeriodSpec;
    use crate::engine::metrics::prepared::sets;
    use crate::engine::metrics::settings::MetricSettings;
    use crate::engine::model::{ClosedOnFrom, DealIx, DealStatus, SalesModel};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn at(m: u32, day: u32) -> Option<NaiveDateTime> {
        d(2026, m, day).and_hms_opt(10, 30, 0)
    }

    fn rep(name: &str, started_on: Option<NaiveDate>, ended_on: Option<NaiveDate>) -> Rep {
        Rep {
            key: name.to_lowercase(),
            name: name.to_owned(),
            email: None,
            ids: Vec::new(),
            team: None,
            manager: None,
            role: None,
            active: Some(ended_on.is_none()),
            started_on,
            ended_on,
            aliases: Vec::new(),
            files: Vec::new(),
            review: None,
            excluded: false,
        }
    }

    struct Deal {
        owner: Option<RepIx>,
        pipeline: &'static str,
        status: DealStatus,
        created_on: Option<NaiveDate>,
        closed_on: Option<NaiveDate>,
        excluded: bool,
    }

    fn add_deal(m: &mut SalesModel, deal: Deal) -> DealIx {
        let ix = m.deals.len() as DealIx;
        let id = m.strings.intern(&format!("D{ix}"));
        let pipeline = m.strings.intern(deal.pipeline);
        let ds = &mut m.deals;
        ds.file.push(0);
        ds.row.push(u64::from(ix) + 2);
        ds.id.push(id);
        ds.name.push(id);
        ds.account.push(Default::default());
        ds.pipeline.push(pipeline);
        ds.deal_type.push(Default::default());
        ds.stage_raw.push(Default::default());
        ds.stage.push(0);
        ds.status.push(deal.status);
        ds.created_on.push(deal.created_on);
        ds.expected_close_on.push(deal.closed_on);
        ds.closed_on.push(deal.closed_on);
        ds.closed_on_from.push(if deal.closed_on.is_some() {
            ClosedOnFrom::CloseDate
        } else {
            ClosedOnFrom::None
        });
        ds.amount_cents.push(Some(100_000));
        ds.currency.push(Default::default());
        ds.probability.push(None);
        ds.forecast_category.push(Default::default());
        ds.lead_source.push(Default::default());
        ds.lost_reason.push(Default::default());
        ds.last_activity_on.push(None);
        ds.owner.push(deal.owner);
        ds.credited.push(deal.owner);
        ds.owner_assumed_current.push(false);
        ds.creator.push(deal.owner);
        ds.flagged.push(false);
        ds.excluded.push(deal.excluded);
        ix
    }

    struct Act {
        rep: Option<RepIx>,
        kind: ActivityKind,
        at: Option<NaiveDateTime>,
        done: Option<bool>,
        connected: Option<bool>,
        deal: Option<DealIx>,
    }

    fn act(
        rep: Option<RepIx>,
        kind: ActivityKind,
        at: Option<NaiveDateTime>,
        done: Option<bool>,
    ) -> Act {
        Act {
            rep,
            kind,
            at,
            done,
            connected: None,
            deal: None,
        }
    }

    fn add_act(m: &mut SalesModel, x: Act) -> u32 {
        let ix = m.activities.len() as u32;
        let id = m.strings.intern(&format!("A{ix}"));
        let outcome = m.strings.intern(match x.connected {
            Some(true) => "Connected",
            Some(false) => "No answer",
            None => "",
        });
        let a = &mut m.activities;
        a.file.push(1);
        a.row.push(u64::from(ix) + 2);
        a.id.push(id);
        a.rep.push(x.rep);
        a.kind.push(x.kind);
        a.at.push(x.at);
        a.done.push(x.done);
        a.duration_s.push(None);
        a.outcome.push(outcome);
        a.connected.push(x.connected);
        a.direction.push(Default::default());
        a.deal.push(x.deal);
        a.subject.push(Default::default());
        ix
    }

    const ANN: RepIx = 0;
    const BOB: RepIx = 1;
    const CID: RepIx = 2;

    /// March 2026 (1 March is a Sunday), as of Friday 20 March: 15 working days so far.
    fn settings() -> MetricSettings {
        MetricSettings {
            as_of: Some(d(2026, 3, 20)),
            period: PeriodSpec::parse("2026-03").unwrap(),
            ..MetricSettings::default()
        }
    }

    /// Ann works all period; Bob started Monday 16 March; Cid left Friday 6 March; Dee has nothing.
    /// Deal 0 (Ann, won), deal 1 (Ann, pipeline "Partner"), deal 2 (Cid, open).
    fn model() -> SalesModel {
        let mut m = SalesModel {
            reps: vec![
                rep("Ann", None, None),
                rep("Bob", Some(d(2026, 3, 16)), None),
                rep("Cid", Some(d(2025, 1, 6)), Some(d(2026, 3, 6))),
                rep("Dee", None, None),
            ],
            ..SalesModel::default()
        };
        add_deal(
            &mut m,
            Deal {
                owner: Some(ANN),
                pipeline: "New",
                status: DealStatus::Won,
                created_on: Some(d(2026, 3, 2)),
                closed_on: Some(d(2026, 3, 12)),
                excluded: false,
            },
        );
        add_deal(
            &mut m,
            Deal {
                owner: Some(ANN),
                pipeline: "Partner",
                status: DealStatus::Open,
                created_on: Some(d(2026, 3, 3)),
                closed_on: None,
                excluded: false,
            },
        );
        add_deal(
            &mut m,
            Deal {
                owner: Some(CID),
                pipeline: "New",
                status: DealStatus::Open,
                created_on: Some(d(2026, 3, 4)),
                closed_on: None,
                excluded: false,
            },
        );
        use ActivityKind::*;
        let calls = [
            (Some(true), Some(true)),  // 0: connected
            (Some(true), Some(false)), // 1: not connected
            (None, None),              // 2: no status, dated before as-of: counts; no outcome
        ];
        for (k, (done, connected)) in calls.into_iter().enumerate() {
            add_act(
                &mut m,
                Act {
                    connected,
                    ..act(Some(ANN), Call, at(3, 2 + k as u32), done)
                },
            );
        }
        add_act(&mut m, act(Some(ANN), Email, at(3, 5), None)); // 3
        add_act(
            &mut m,
            Act {
                deal: Some(0),
                ..act(Some(ANN), Meeting, at(3, 10), Some(true))
            },
        ); // 4: held, on an in-scope deal
        add_act(&mut m, act(Some(ANN), Meeting, at(3, 25), None)); // 5: after the as-of date
        add_act(&mut m, act(Some(ANN), Meeting, at(3, 18), Some(false))); // 6: planned
        add_act(
            &mut m,
            Act {
                deal: Some(1),
                ..act(Some(ANN), Task, at(3, 11), Some(true))
            },
        ); // 7: on deal 1
        add_act(&mut m, act(Some(ANN), Call, None, Some(true))); // 8: undated
        add_act(&mut m, act(Some(BOB), Email, at(3, 17), Some(true))); // 9
        add_act(&mut m, act(Some(BOB), Email, at(2, 27), Some(true))); // 10: before the period
        add_act(&mut m, act(Some(BOB), Call, at(3, 18), Some(true))); // 11: no outcome
        add_act(&mut m, act(None, Other, at(3, 5), Some(true))); // 12: no rep
        add_act(&mut m, act(Some(ANN), Call, at(3, 21), Some(true))); // 13: done, but after as-of
        m
    }

    fn run(m: &SalesModel, settings: &MetricSettings) -> ActivityReport {
        let p = Prepared::new(m, settings).unwrap();
        let s = sets(&p);
        activity(&p, &s)
    }

    fn only_new_pipeline() -> MetricSettings {
        let mut s = settings();
        s.scope.pipelines = vec!["New".to_owned()];
        s
    }

    fn find<'r>(report: &'r ActivityReport, name: &str) -> &'r RepActivity {
        report
            .reps
            .iter()
            .find(|r| r.rep == name)
            .unwrap_or_else(|| panic!("no row {name}"))
    }

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 1e-9)
    }

    #[test]
    fn counts_completed_activities_of_the_period_per_rep() {
        let m = model();
        let r = run(&m, &only_new_pipeline());
        assert!(r.available);
        let names: Vec<&str> = r.reps.iter().map(|x| x.rep.as_str()).collect();
        assert_eq!(names, ["Ann", "Bob", "Cid", NO_REP], "Dee has nothing");
        let ann = find(&r, "Ann");
        assert_eq!(ann.rep_ix, Some(ANN));
        assert_eq!(
            (
                ann.calls,
                ann.emails,
                ann.meetings_held,
                ann.tasks,
                ann.other
            ),
            (3, 1, 1, 0, 0)
        );
        assert_eq!(ann.total, 5);
        assert_eq!(ann.records, [0, 1, 2, 3, 4]);
        assert_eq!(ann.working_days, 15);
        assert!(close(ann.per_working_day, 5.0 / 15.0));
        assert!(close(ann.calls_per_day, 3.0 / 15.0));
        assert_eq!(ann.connected_calls, Some(1));
        assert!(close(ann.connect_rate, 0.5));
        assert_eq!(
            ann.mix,
            [
                ("call".to_owned(), 0.6),
                ("email".to_owned(), 0.2),
                ("meeting".to_owned(), 0.2)
            ]
        );
        assert_eq!((ann.opps_created, ann.deals_won), (1, 1));
        assert!(close(ann.activities_per_meeting, 5.0));
        assert!(close(ann.meetings_per_opportunity, 1.0));
        assert!(close(ann.opportunities_per_win, 1.0));

        let bob = find(&r, "Bob");
        assert_eq!((bob.calls, bob.emails, bob.total), (1, 1, 2));
        assert_eq!(bob.records, [9, 11]);
        assert_eq!(
            bob.mix,
            [("call".to_owned(), 0.5), ("email".to_owned(), 0.5)]
        );

        let none = find(&r, NO_REP);
        assert_eq!(none.rep_ix, None);
        assert_eq!((none.other, none.total, none.working_days), (1, 1, 0));
        assert_eq!(none.per_working_day, None);
        assert_eq!(none.records, [12]);
    }

    #[test]
    fn planned_and_later_activities_are_never_counted() {
        let m = model();
        let r = run(&m, &only_new_pipeline());
        let counted: Vec<u32> = r.team.records.clone();
        assert_eq!(counted, [0, 1, 2, 3, 4, 9, 11, 12]);
        for left_out in [5, 6, 10, 13] {
            assert!(!counted.contains(&left_out), "activity {left_out}");
        }
        // The planned meeting becomes held once marked done.
        let mut m = model();
        m.activities.done[6] = Some(true);
        let r = run(&m, &only_new_pipeline());
        assert_eq!(find(&r, "Ann").meetings_held, 2);
        assert_eq!(r.team.meetings_held, 2);
        // A meeting with no status dated after the as-of date is not held, even inside the period.
        let mut m = model();
        m.activities.at[5] = at(3, 19);
        let r = run(&m, &only_new_pipeline());
        assert_eq!(find(&r, "Ann").meetings_held, 2);
    }

    #[test]
    fn undated_activities_are_left_out_and_reported() {
        let m = model();
        let r = run(&m, &only_new_pipeline());
        assert!(!r.team.records.contains(&8));
        let sentence = "1 activity has no date and is left out.";
        assert_eq!(r.note.as_deref(), Some(sentence));
        assert!(r.assumptions.iter().any(|s| s == sentence));

        let mut m = model();
        m.activities.at[0] = None;
        m.activities.at[9] = None;
        let r = run(&m, &only_new_pipeline());
        assert_eq!(
            r.note.as_deref(),
            Some("3 activities have no date and are left out.")
        );
        assert_eq!(find(&r, "Ann").calls, 2);

        // A planned undated one is not "left out for want of a date": it never counted.
        let mut m = model();
        m.activities.done[8] = Some(false);
        let r = run(&m, &only_new_pipeline());
        assert_eq!(r.note, None);
    }

    #[test]
    fn working_days_follow_employment_and_the_as_of_date() {
        let m = model();
        let r = run(&m, &only_new_pipeline());
        assert_eq!(find(&r, "Ann").working_days, 15);
        // Started Monday 16 March: 16–20 March.
        let bob = find(&r, "Bob");
        assert_eq!(bob.working_days, 5);
        assert!(close(bob.per_working_day, 2.0 / 5.0));
        assert!(close(bob.calls_per_day, 1.0 / 5.0));
        // Left Friday 6 March: 2–6 March; no activity is 0 a day, not "unknown".
        let cid = find(&r, "Cid");
        assert_eq!(cid.working_days, 5);
        assert_eq!(cid.total, 0);
        assert!(close(cid.per_working_day, 0.0));
        assert!(cid.mix.is_empty());
        // The team's days are its listed reps' (Dee has no row and adds nothing).
        assert_eq!(r.team.working_days, 15 + 5 + 5);
        assert!(close(r.team.per_working_day, 8.0 / 25.0));
        assert!(close(r.team.calls_per_day, 4.0 / 25.0));
        // Whole month, as of its last day: 22 working days.
        let mut s = only_new_pipeline();
        s.as_of = Some(d(2026, 3, 31));
        let r = run(&m, &s);
        assert_eq!(find(&r, "Ann").working_days, 22);
        assert_eq!(find(&r, "Bob").working_days, 12);
        // A rep who left before the period has none.
        let mut m = model();
        m.reps[CID as usize].ended_on = Some(d(2026, 2, 27));
        let r = run(&m, &only_new_pipeline());
        assert_eq!(find(&r, "Cid").working_days, 0);
        assert_eq!(find(&r, "Cid").per_working_day, None);
    }

    #[test]
    fn connected_calls_are_unknown_without_outcomes() {
        let m = model();
        let r = run(&m, &only_new_pipeline());
        let bob = find(&r, "Bob");
        assert_eq!(bob.calls, 1);
        assert_eq!(bob.connected_calls, None);
        assert_eq!(bob.connect_rate, None);
        // The team's rate rests on Ann's two calls with an outcome only.
        assert_eq!(r.team.calls, 4);
        assert_eq!(r.team.connected_calls, Some(1));
        assert!(close(r.team.connect_rate, 0.5));
        // No outcome anywhere: unknown for the team too.
        let mut m = model();
        m.activities.connected.iter_mut().for_each(|c| *c = None);
        let r = run(&m, &only_new_pipeline());
        assert_eq!(r.team.connected_calls, None);
        assert_eq!(r.team.connect_rate, None);
        assert_eq!(find(&r, "Ann").connected_calls, None);
        // A connected value on a non-call does not make a call connected.
        let mut m = model();
        m.activities.connected[9] = Some(true);
        let r = run(&m, &only_new_pipeline());
        assert_eq!(find(&r, "Bob").connected_calls, None);
    }

    #[test]
    fn ratios_are_none_on_zero_divisors() {
        let m = model();
        let r = run(&m, &only_new_pipeline());
        // Bob: no meeting, no opportunity, no win.
        let bob = find(&r, "Bob");
        assert_eq!(
            (bob.meetings_held, bob.opps_created, bob.deals_won),
            (0, 0, 0)
        );
        assert_eq!(bob.activities_per_meeting, None);
        assert_eq!(bob.meetings_per_opportunity, None);
        assert_eq!(bob.opportunities_per_win, None);
        // Cid: one opportunity, no meeting, no win.
        let cid = find(&r, "Cid");
        assert_eq!((cid.opps_created, cid.deals_won), (1, 0));
        assert_eq!(cid.activities_per_meeting, None);
        assert!(close(cid.meetings_per_opportunity, 0.0));
        assert_eq!(cid.opportunities_per_win, None);
        // The team: 8 activities, 1 meeting, 2 opportunities, 1 win.
        let t = &r.team;
        assert_eq!(t.rep, TEAM);
        assert_eq!(
            (t.total, t.meetings_held, t.opps_created, t.deals_won),
            (8, 1, 2, 1)
        );
        assert!(close(t.activities_per_meeting, 8.0));
        assert!(close(t.meetings_per_opportunity, 0.5));
        assert!(close(t.opportunities_per_win, 2.0));
        for row in r.reps.iter().chain([&r.team]) {
            for v in [
                row.per_working_day,
                row.calls_per_day,
                row.connect_rate,
                row.activities_per_meeting,
                row.meetings_per_opportunity,
                row.opportunities_per_win,
            ]
            .into_iter()
            .flatten()
            {
                assert!(v.is_finite(), "{}: {v}", row.rep);
            }
        }
    }

    #[test]
    fn an_out_of_scope_deal_excludes_its_linked_activity() {
        let m = model();
        // Deal 1 is in the "Partner" pipeline: out of scope, so Ann's task on it does not count.
        let r = run(&m, &only_new_pipeline());
        let ann = find(&r, "Ann");
        assert_eq!(ann.tasks, 0);
        assert!(!ann.records.contains(&7));
        assert_eq!(ann.opps_created, 1);
        // With every pipeline in scope it counts, and so does the deal.
        let r = run(&m, &settings());
        let ann = find(&r, "Ann");
        assert_eq!(ann.tasks, 1);
        assert_eq!(ann.total, 6);
        assert_eq!(ann.records, [0, 1, 2, 3, 4, 7]);
        assert_eq!(ann.opps_created, 2);
        assert!(close(ann.opportunities_per_win, 2.0));
        // An excluded deal is out of scope too: its meeting goes, unlinked activities stay.
        let mut m = model();
        m.deals.excluded[0] = true;
        let r = run(&m, &settings());
        let ann = find(&r, "Ann");
        assert_eq!(ann.meetings_held, 0);
        assert_eq!(ann.total, 5);
        assert_eq!((ann.opps_created, ann.deals_won), (1, 0));
    }

    #[test]
    fn the_team_counts_everything_and_sums_its_reps() {
        let m = model();
        let r = run(&m, &only_new_pipeline());
        let t = &r.team;
        assert_eq!(t.rep_ix, None);
        assert_eq!(
            (
                t.calls,
                t.emails,
                t.meetings_held,
                t.tasks,
                t.other,
                t.total
            ),
            (4, 2, 1, 0, 1, 8)
        );
        for (field, team, sum) in [
            (
                "total",
                t.total,
                r.reps.iter().map(|x| x.total).sum::<u64>(),
            ),
            ("calls", t.calls, r.reps.iter().map(|x| x.calls).sum()),
            (
                "opps",
                t.opps_created,
                r.reps.iter().map(|x| x.opps_created).sum(),
            ),
            ("won", t.deals_won, r.reps.iter().map(|x| x.deals_won).sum()),
        ] {
            assert_eq!(team, sum, "{field}");
        }
        assert_eq!(
            t.mix,
            [
                ("call".to_owned(), 0.5),
                ("email".to_owned(), 0.25),
                ("meeting".to_owned(), 0.125),
                ("other".to_owned(), 0.125)
            ]
        );
    }

    #[test]
    fn rep_filters_of_the_scope_apply_to_activities() {
        let m = model();
        let mut s = settings();
        s.scope.reps = vec!["Bob".to_owned()];
        let r = run(&m, &s);
        let names: Vec<&str> = r.reps.iter().map(|x| x.rep.as_str()).collect();
        // Cid's deal is out of scope too (its credited rep is filtered out), so his row goes.
        assert_eq!(names, ["Bob"]);
        assert_eq!(r.team.records, [9, 11]);
        assert_eq!(r.team.working_days, 5);
        assert_eq!(r.team.opps_created, 0);
        assert!(
            r.assumptions
                .iter()
                .any(|x| x.contains("filters apply to activities"))
        );
    }

    #[test]
    fn without_activities_the_report_names_the_exports_to_add() {
        let mut m = model();
        m.activities = Activities::default();
        let r = run(&m, &settings());
        assert!(!r.available);
        let note = r.note.unwrap();
        assert!(note.contains("Salesforce: Tasks and Events"), "{note}");
        assert!(note.contains("HubSpot: calls, emails, meetings"), "{note}");
        assert!(note.contains("Pipedrive: activities"), "{note}");
        assert!(r.reps.is_empty());
        assert_eq!(r.team.total, 0);
    }

    #[test]
    fn assumptions_state_the_rules_and_drill_down_stays_out_of_json() {
        let m = model();
        let r = run(&m, &only_new_pipeline());
        assert!(
            r.assumptions[0].contains("(2026-03-20)"),
            "{}",
            r.assumptions[0]
        );
        assert!(
            r.assumptions[1].contains("2026-03-01 – 2026-03-31"),
            "{}",
            r.assumptions[1]
        );
        assert_eq!(
            r.assumptions.len(),
            9,
            "eight rules and the undated sentence"
        );
        let json = serde_json::to_value(&r).unwrap();
        let ann = &json["reps"][0];
        assert_eq!(ann["rep"], "Ann");
        assert_eq!(ann["calls"], 3);
        assert_eq!(ann["mix"][0][0], "call");
        assert!(ann.get("records").is_none());
        assert!(ann.get("rep_ix").is_none());
        assert!(json["reps"][1]["connected_calls"].is_null());
        let back: ActivityReport = serde_json::from_value(json).unwrap();
        assert_eq!(back.reps[0].calls, 3);
        assert!(back.reps[0].records.is_empty());
    }
}
