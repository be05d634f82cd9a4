//! What the ingest benchmarks measure, shared by the native and the wasm runner so both time the same code
//! on the same bytes: a seeded generator of a large, realistic export (30 columns, CRLF line ends, quoted
//! fields with embedded delimiters, quotes and line breaks, accented names) and the contenders — the `csv`
//! crate's `ByteRecord` loop as the baseline, then pipelens's reader, decoder and full import.

#![allow(dead_code)] // each benchmark uses part of this module

use std::hint::black_box;

use pipelens::engine::ingest::decode::{TextDecoder, decide};
use pipelens::engine::ingest::dialect::Dialect;
use pipelens::engine::ingest::limits::Limits;
use pipelens::engine::ingest::records::{Event, RecordReader};
use pipelens::engine::ingest::{ImportJob, ImportOptions, Slice};

/// xorshift64*: small, seeded, the same on every platform.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.max(1))
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

const OWNERS: [&str; 8] = [
    "Dana Reyes",
    "Sam Ortiz",
    "José Núñez",
    "Ana Peña",
    "Lee Chen",
    "Kim Park",
    "Zoë Müller",
    "Ravi Iyer",
];
const STAGES: [&str; 6] = [
    "Prospecting",
    "Qualification",
    "Proposal",
    "Negotiation",
    "Closed Won",
    "Closed Lost",
];
const WORDS: [&str; 10] = [
    "renewal",
    "expansion",
    "pilot",
    "fleet",
    "Acme, Inc.",
    "\"priority\"",
    "región",
    "añadir",
    "platform",
    "seats",
];

/// An export of at least `target_bytes`, seeded.
pub fn export(target_bytes: usize, seed: u64) -> Vec<u8> {
    let mut rng = Rng::new(seed);
    let mut out = String::with_capacity(target_bytes + 4096);
    let header: Vec<String> = (0..30)
        .map(|i| match i {
            0 => "Opportunity ID".to_owned(),
            1 => "Opportunity Name".to_owned(),
            2 => "Opportunity Owner".to_owned(),
            3 => "Amount".to_owned(),
            4 => "Close Date".to_owned(),
            5 => "Stage".to_owned(),
            6 => "Description".to_owned(),
            n => format!("Custom Field {n}"),
        })
        .collect();
    out.push_str(&header.join(","));
    out.push_str("\r\n");
    let mut id = 0u64;
    while out.len() < target_bytes {
        id += 1;
        let words = |rng: &mut Rng, n: u64| {
            (0..n)
                .map(|_| WORDS[rng.below(WORDS.len() as u64) as usize])
                .collect::<Vec<_>>()
                .join(" ")
        };
        let quote = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
        let name = words(&mut rng, 3);
        let description = if rng.below(10) == 0 {
            format!("{}\r\n{}", words(&mut rng, 6), words(&mut rng, 4))
        } else {
            words(&mut rng, 5)
        };
        let mut row = vec![
            format!("006{id:012}"),
            quote(&name),
            OWNERS[rng.below(8) as usize].to_owned(),
            quote(&format!(
                "{},{:03}.{:02}",
                rng.below(900) + 1,
                rng.below(1000),
                rng.below(100)
            )),
            format!("2026-{:02}-{:02}", rng.below(12) + 1, rng.below(28) + 1),
            STAGES[rng.below(6) as usize].to_owned(),
            quote(&description),
        ];
        for column in 7..30 {
            row.push(match column % 3 {
                0 => rng.below(100_000).to_string(),
                1 => words(&mut rng, 1).replace(['"', ','], ""),
                _ => format!("{}.{:02}", rng.below(1000), rng.below(100)),
            });
        }
        out.push_str(&row.join(","));
        out.push_str("\r\n");
    }
    out.into_bytes()
}

pub const MB: f64 = 1_000_000.0;
pub const ROUNDS: usize = 5;
pub const CHUNK: usize = 4 << 20;

/// The csv crate's ByteRecord loop: parsing only, nothing kept.
pub fn csv_crate(bytes: &[u8]) -> u64 {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut record = csv::ByteRecord::new();
    let mut n = 0;
    while reader.read_byte_record(&mut record).unwrap_or(false) {
        n += 1;
        black_box(&record);
    }
    n
}

/// Our record reader (csv-core with line and blank-line accounting) on text already UTF-8.
pub fn record_reader(bytes: &[u8], dialect: &Dialect) -> u64 {
    let mut reader = RecordReader::new(dialect, Limits::default());
    let mut n = 0;
    let mut sink = |event: Event<'_>| {
        if let Event::Record(r) = event {
            n += 1;
            black_box(r.ends.len());
        }
    };
    for chunk in bytes.chunks(CHUNK) {
        reader.feed(chunk, &mut sink);
    }
    reader.finish(&mut sink);
    n
}

/// Bytes → records as the import runs it: the decoder, then the record reader.
pub fn decoded_records(bytes: &[u8], dialect: &Dialect) -> u64 {
    let decision = decide("bench.csv", bytes, None).expect("text");
    let mut decoder = TextDecoder::new(&decision);
    let mut reader = RecordReader::new(dialect, Limits::default());
    let mut scratch = Vec::with_capacity(CHUNK);
    let mut n = 0;
    let mut sink = |event: Event<'_>| {
        if let Event::Record(r) = event {
            n += 1;
            black_box(r.ends.len());
        }
    };
    let chunks = bytes.len().div_ceil(CHUNK);
    for (i, chunk) in bytes.chunks(CHUNK).enumerate() {
        let text = decoder
            .decode_chunk(chunk, i + 1 == chunks, &mut scratch)
            .expect("valid UTF-8");
        reader.feed(text, &mut sink);
    }
    reader.finish(&mut sink);
    n
}

/// The whole import: encoding, dialect, records, header, accounting and the table. Takes the bytes, as
/// the session does.
pub fn full_import(bytes: Vec<u8>) -> u64 {
    let mut job = ImportJob::new(
        0,
        "bench.csv".into(),
        bytes,
        ImportOptions::default(),
        Limits::default(),
    );
    loop {
        if let Slice::Done(result) = job.step() {
            return result.map(|f| f.report.rows_accepted).unwrap_or(0);
        }
    }
}

/// The contenders in the order they are printed: label and index into the timing arrays.
pub const LABELS: [&str; 4] = [
    "csv crate ByteRecord (baseline)",
    "pipelens record reader (csv-core)",
    "pipelens bytes → records, decoded",
    "pipelens full import → table",
];

/// One line per contender: MB/s and the ratio to the baseline.
pub fn table(mb: f64, best_s: &[f64; 4]) -> String {
    LABELS
        .iter()
        .enumerate()
        .map(|(i, label)| {
            format!(
                "  {label:<36} {:7.1} MB/s   {:.2} × baseline\n",
                mb / best_s[i],
                best_s[0] / best_s[i]
            )
        })
        .collect()
}

/// One generated deal: what the deals export says about it, kept so that its stage history and its
/// activities can be generated to match.
pub struct BenchDeal {
    pub created: chrono::NaiveDate,
    /// The Close Date: when it closed (closed deals) or is expected to (open ones).
    pub closed: chrono::NaiveDate,
    pub stage: &'static str,
    pub kind: &'static str,
    pub reason: &'static str,
    pub account: u64,
    pub rep: u64,
    pub amount: u64,
}

/// `n` seeded deals over 40 reps and two years.
pub fn bench_deals(n: usize, seed: u64) -> Vec<BenchDeal> {
    let mut rng = Rng::new(seed);
    let start = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap_or_default();
    (0..n)
        .map(|_| {
            let created = start + chrono::Days::new(rng.below(700));
            let closed = created + chrono::Days::new(5 + rng.below(150));
            let stage = match rng.below(10) {
                0..=2 => "Closed Won",
                3..=6 => "Closed Lost",
                7 => "Proposal",
                8 => "Negotiation",
                _ => "Qualification",
            };
            let kind = if rng.below(4) == 0 {
                "Renewal"
            } else {
                "New Business"
            };
            let reason = if stage == "Closed Lost" {
                ["Price", "No decision", "Duplicate", "Competitor"][rng.below(4) as usize]
            } else {
                ""
            };
            BenchDeal {
                created,
                closed,
                stage,
                kind,
                reason,
                account: rng.below(5000),
                rep: rng.below(40),
                amount: 1000 + rng.below(90_000),
            }
        })
        .collect()
}

/// Generates an export from (deals, activities, seed).
type Export = fn(usize, usize, u64) -> Vec<u8>;

/// A seeded deals export of `n` deals over 40 reps and two years, for the metrics benchmarks.
pub fn deals_export(n: usize, seed: u64) -> Vec<u8> {
    let mut out = String::with_capacity(n * 120);
    out.push_str("Opportunity ID,Opportunity Name,Account Name,Opportunity Owner,Amount,Created Date,Close Date,Stage,Type,Lost Reason\n");
    for (i, d) in bench_deals(n, seed).iter().enumerate() {
        out.push_str(&format!(
            "B{i},Deal {i},Account {},Rep {:02},{},{},{},{},{},{}\n",
            d.account,
            d.rep,
            d.amount,
            d.created.format("%Y-%m-%d"),
            d.closed.format("%Y-%m-%d"),
            d.stage,
            d.kind,
            d.reason,
        ));
    }
    out.into_bytes()
}

/// A time of day in working hours, as Salesforce's data export writes date-times.
fn stamp(day: chrono::NaiveDate, rng: &mut Rng) -> String {
    format!(
        "{} {:02}:{:02}:{:02}",
        day.format("%Y-%m-%d"),
        9 + rng.below(9),
        rng.below(60),
        rng.below(60)
    )
}

/// A Salesforce Data Export `OpportunityHistory.csv` for the deals of `deals_export(n, seed)`: about three
/// rows per deal. Each deal enters Qualification when created and moves up the open stages (won deals pass
/// Proposal and Negotiation, a fifth of them skipping Proposal; lost ones fall out of Qualification or
/// Proposal; open ones stop at their current stage), then enters its closed stage on its close date. A
/// quarter of the deals start with an earlier expected close date and get one row that pushes it out.
/// Rows are grouped by deal, in time order.
pub fn stage_history_export(n: usize, seed: u64) -> Vec<u8> {
    let deals = bench_deals(n, seed);
    let mut rng = Rng::new(seed ^ 0x005E_ED0F_4157_0E1E);
    let mut out = String::with_capacity(n * 3 * 110);
    out.push_str(
        "Id,OpportunityId,CreatedDate,StageName,Amount,CloseDate,PrevAmount,PrevCloseDate\n",
    );
    let mut row = 0u64;
    for (i, deal) in deals.iter().enumerate() {
        let mut stages: Vec<&str> = match deal.stage {
            "Closed Won" if rng.below(5) == 0 => vec!["Qualification", "Negotiation"],
            "Closed Won" => vec!["Qualification", "Proposal", "Negotiation"],
            "Closed Lost" if rng.below(2) == 0 => vec!["Qualification"],
            "Closed Lost" => vec!["Qualification", "Proposal"],
            "Negotiation" => vec!["Qualification", "Proposal", "Negotiation"],
            "Proposal" => vec!["Qualification", "Proposal"],
            _ => vec!["Qualification"],
        };
        let closed = deal.stage.starts_with("Closed");
        if closed {
            stages.push(deal.stage);
        }
        let span = (deal.closed - deal.created).num_days().max(1) as u64;
        // Days after creation of each row: 0 for the first, the close date for a closed stage, spread between.
        let mut days: Vec<u64> = (0..stages.len())
            .map(|k| match k {
                0 => 0,
                k if closed && k + 1 == stages.len() => span,
                _ => 1 + rng.below(span.saturating_sub(1).max(1)),
            })
            .collect();
        days.sort_unstable();
        let mut rows: Vec<(u64, &str, chrono::NaiveDate)> = Vec::with_capacity(stages.len() + 1);
        let pushed = rng.below(4) == 0;
        let first_close = if pushed {
            (deal.closed - chrono::Days::new(14 + rng.below(60))).max(deal.created)
        } else {
            deal.closed
        };
        let push_at = pushed.then(|| rng.below(span));
        for (k, (stage, day)) in stages.iter().zip(&days).enumerate() {
            if let Some(at) = push_at
                && at >= *day
                && days.get(k + 1).is_none_or(|next| at < *next)
            {
                rows.push((*day, stage, first_close));
                rows.push((at.max(*day), stage, deal.closed));
                continue;
            }
            let close = match push_at {
                Some(at) if *day <= at => first_close,
                _ => deal.closed,
            };
            rows.push((*day, stage, close));
        }
        let mut previous: Option<(u64, chrono::NaiveDate)> = None;
        for (day, stage, close) in rows {
            row += 1;
            let amount = if previous.is_none() && rng.below(5) == 0 {
                deal.amount * 4 / 5
            } else {
                deal.amount
            };
            let (prev_amount, prev_close) = previous
                .map(|(a, c)| (a.to_string(), c.format("%Y-%m-%d").to_string()))
                .unwrap_or_default();
            out.push_str(&format!(
                "008{row:015},B{i},{},{stage},{amount},{},{prev_amount},{prev_close}\n",
                stamp(deal.created + chrono::Days::new(day), &mut rng),
                close.format("%Y-%m-%d"),
            ));
            previous = Some((amount, close));
        }
    }
    out.into_bytes()
}

/// A Salesforce Data Export `Task.csv` of `n` activities of the 40 reps of `deals_export(deals, seed)`:
/// calls (with duration and disposition), emails, meetings and other tasks; 95% completed, the rest not
/// started; 60% linked to a deal by WhatId (dated within its life, owned by its owner), the rest spread over
/// the two years.
pub fn activities_export(n: usize, deals: usize, seed: u64) -> Vec<u8> {
    let all = bench_deals(deals, seed);
    let mut rng = Rng::new(seed ^ 0xAC71_F17E_5000);
    let start = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap_or_default();
    let mut out = String::with_capacity(n * 130);
    out.push_str("Id,WhoId,WhatId,Subject,ActivityDate,Status,OwnerId,Type,IsClosed,CompletedDateTime,CallDurationInSeconds,CallDisposition\n");
    for k in 0..n {
        let (what, rep, day) = if !all.is_empty() && rng.below(10) < 6 {
            let d = rng.below(all.len() as u64) as usize;
            let deal = &all[d];
            let span = (deal.closed - deal.created).num_days().max(0) as u64;
            (
                format!("B{d}"),
                deal.rep,
                deal.created + chrono::Days::new(rng.below(span + 1)),
            )
        } else {
            (
                String::new(),
                rng.below(40),
                start + chrono::Days::new(rng.below(730)),
            )
        };
        let (kind, subject) = match rng.below(20) {
            0..=8 => (
                "Call",
                ["Call", "Call: discovery", "Call: follow up"][rng.below(3) as usize],
            ),
            9..=15 => (
                "Email",
                ["Email: proposal", "Email: follow up", "Email: intro"][rng.below(3) as usize],
            ),
            16 | 17 => (
                "Meeting",
                ["Meeting: demo", "Meeting: kickoff"][rng.below(2) as usize],
            ),
            _ => ("Other", "Send contract"),
        };
        let done = rng.below(20) != 0;
        let (status, closed, completed) = if done {
            ("Completed", "1", stamp(day, &mut rng))
        } else {
            ("Not Started", "0", String::new())
        };
        let (duration, disposition) = if kind == "Call" && done {
            (
                (30 + rng.below(900)).to_string(),
                ["Connected", "No Answer", "Left Voicemail", "Busy"][rng.below(4) as usize],
            )
        } else {
            (String::new(), "")
        };
        out.push_str(&format!(
            "00T{k:015},003{:015},{what},{subject},{},{status},Rep {rep:02},{kind},{closed},{completed},{duration},{disposition}\n",
            rng.below(200_000),
            day.format("%Y-%m-%d"),
        ));
    }
    out.into_bytes()
}

/// Rows of a generated CSV (its lines but the header).
pub fn data_rows(bytes: &[u8]) -> usize {
    bytes
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        .saturating_sub(1)
}

/// Imports bytes through a session (as the app does) and returns it.
pub fn session_with(name: &str, bytes: Vec<u8>) -> pipelens::engine::session::Session {
    use pipelens::engine::protocol::ImportFile;
    let mut session = pipelens::engine::session::Session::new();
    let _ = session.ask(ImportFile {
        name: name.to_owned(),
        bytes,
        options: ImportOptions::default(),
    });
    session
}

/// The metrics contenders: all metrics for all reps over everything, then after a filter change (one rep,
/// one quarter), and a baseline single pass that only sums won amounts.
pub fn metrics_rounds(
    model: &pipelens::engine::model::SalesModel,
    now: impl Fn() -> f64,
) -> [f64; 3] {
    use pipelens::engine::metrics::compute::{MetricSettings, Scope, compute};
    use pipelens::engine::metrics::period::PeriodSpec;
    let all = MetricSettings {
        period: PeriodSpec::All,
        ..MetricSettings::default()
    };
    let filtered = MetricSettings {
        period: PeriodSpec::Quarter {
            year: 2025,
            quarter: 2,
        },
        scope: Scope {
            reps: vec!["Rep 07".to_owned()],
            ..Scope::default()
        },
        ..MetricSettings::default()
    };
    let mut best = [f64::MAX; 3];
    for _ in 0..ROUNDS {
        let t = now();
        let sum: i64 = (0..model.deals.len())
            .filter(|&i| model.deals.status[i] == pipelens::engine::model::DealStatus::Won)
            .filter_map(|i| model.deals.amount_cents[i])
            .sum();
        black_box(sum);
        best[0] = best[0].min(now() - t);
        let t = now();
        black_box(compute(model, &all).map(|r| r.team.deals_won).unwrap_or(0));
        best[1] = best[1].min(now() - t);
        let t = now();
        black_box(
            compute(model, &filtered)
                .map(|r| r.team.deals_won)
                .unwrap_or(0),
        );
        best[2] = best[2].min(now() - t);
    }
    best
}

pub fn metrics_table(deals: usize, best_s: &[f64; 3]) -> String {
    format!(
        "  baseline: one pass summing won amounts   {:8.2} ms\n  all metrics, all reps, all time          {:8.2} ms   {:.1} × baseline\n  after a filter change (one rep, one quarter) {:5.2} ms   {:.1} × baseline   (one animation frame is 16.7 ms)\n  ({deals} deals)\n",
        best_s[0] * 1000.0,
        best_s[1] * 1000.0,
        best_s[1] / best_s[0].max(1e-9),
        best_s[2] * 1000.0,
        best_s[2] / best_s[0].max(1e-9)
    )
}

/// The process and activity benchmark's data: `deals` deals with their stage history (about three rows
/// each) and `activities` activities, imported through one session as a user drops them (deals, history,
/// activities). Each import's time is in the returned lines, with the rows each generated file holds; the
/// model is built once from every file after the last import (as the next request that needs it does), and
/// that build's time is the last line.
pub fn process_session(
    deals: usize,
    activities: usize,
    seed: u64,
    now: impl Fn() -> f64,
) -> (pipelens::engine::session::Session, String) {
    use pipelens::engine::protocol::{ImportFile, Summary};
    let mut session = pipelens::engine::session::Session::new();
    let mut lines = String::new();
    let files: [(&str, Export); 3] = [
        ("bench-deals.csv", |d, _, s| deals_export(d, s)),
        ("OpportunityHistory.csv", |d, _, s| {
            stage_history_export(d, s)
        }),
        ("Task.csv", |d, a, s| activities_export(a, d, s)),
    ];
    for (name, generate) in files {
        let bytes = generate(deals, activities, seed);
        let (rows, mb) = (data_rows(&bytes), bytes.len() as f64 / MB);
        let t = now();
        let outcome = session.ask(ImportFile {
            name: name.to_owned(),
            bytes,
            options: ImportOptions::default(),
        });
        lines.push_str(&format!(
            "  import {name:<24} {rows:>9} rows {mb:7.1} MB  {:9.1} ms{}\n",
            (now() - t) * 1000.0,
            if outcome.is_ok() { "" } else { "  FAILED" }
        ));
    }
    // The build as the worker runs it: a slice per step, each timed (the longest is how long a Cancel or
    // a tick can wait).
    let t = now();
    let mut job = session.begin(pipelens::engine::protocol::Envelope::new(
        1,
        Summary {}.into(),
    ));
    let mut slices_ms = Vec::new();
    let failed = loop {
        let slice = now();
        let reply = session.step(&mut job);
        slices_ms.push((now() - slice) * 1000.0);
        if reply.body.is_final() {
            break matches!(reply.body, pipelens::engine::protocol::Reply::Failed { .. });
        }
    };
    let total_ms = (now() - t) * 1000.0;
    let longest_ms = slices_ms.iter().copied().fold(0.0, f64::max);
    // The five longest slices by their place in the build, so a long one can be found.
    let mut by_length: Vec<(usize, f64)> = slices_ms.iter().copied().enumerate().collect();
    by_length.sort_by(|a, b| b.1.total_cmp(&a.1));
    let five: Vec<String> = by_length
        .iter()
        .take(5)
        .map(|(i, ms)| format!("#{i} {ms:.1}"))
        .collect();
    slices_ms.sort_by(f64::total_cmp);
    lines.push_str(&format!(
        "  build the model from every file {total_ms:>36.1} ms{}\n    in {} slices: median {:.2} ms, longest {longest_ms:.1} ms (the five longest, by slice: {} ms)\n",
        if failed { "  FAILED" } else { "" },
        slices_ms.len(),
        slices_ms[slices_ms.len() / 2],
        five.join(", "),
    ));
    (session, lines)
}

/// What the model holds, to check that the benchmark measures what it says.
pub fn model_counts(model: &pipelens::engine::model::SalesModel) -> String {
    use pipelens::engine::model::DealStatus;
    let d = &model.deals;
    let status = |s: DealStatus| d.status.iter().filter(|x| **x == s).count();
    let h = &model.history;
    let a = &model.activities;
    format!(
        "  model: {} deals ({} won, {} lost, {} disqualified, {} open), {} reps\n         {} history rows ({} stage changes, {} with a close date)\n         {} activities ({} linked to a deal, {} with a rep, {} marked done)\n",
        d.len(),
        status(DealStatus::Won),
        status(DealStatus::Lost),
        status(DealStatus::Disqualified),
        status(DealStatus::Open),
        model.reps.len(),
        h.len(),
        h.stage_changed.iter().filter(|c| **c).count(),
        h.expected_close_on.iter().flatten().count(),
        a.len(),
        a.deal.iter().flatten().count(),
        a.rep.iter().flatten().count(),
        a.done.iter().filter(|x| **x == Some(true)).count(),
    )
}

/// The parts of `compute()` the process and activity benchmark times, in the order they are printed.
pub const PARTS: [&str; 8] = [
    "baseline: one pass summing won amounts",
    "Prepared::new",
    "sets(&prepared)",
    "process(&prepared, true)",
    "pipeline(&prepared, reps, team)",
    "activity(&prepared, &sets)",
    "compute(), all time",
    "compute(), one quarter (+ 2 compared)",
];

/// Each part of `compute()` on its own, and the whole, over all time for all reps (the last: one quarter,
/// which also computes the previous quarter and the year before to compare with). Best of [`ROUNDS`],
/// interleaved.
pub fn process_rounds(
    model: &pipelens::engine::model::SalesModel,
    now: impl Fn() -> f64,
) -> [f64; 8] {
    use pipelens::engine::metrics::activity::activity;
    use pipelens::engine::metrics::compute::{MetricSettings, Prepared, compute, sets};
    use pipelens::engine::metrics::period::PeriodSpec;
    use pipelens::engine::metrics::pipeline::pipeline;
    use pipelens::engine::metrics::process::process;
    use pipelens::engine::model::DealStatus;
    let all = MetricSettings {
        period: PeriodSpec::All,
        ..MetricSettings::default()
    };
    let quarter = MetricSettings {
        period: PeriodSpec::Quarter {
            year: 2025,
            quarter: 2,
        },
        ..MetricSettings::default()
    };
    let mut best = [f64::MAX; 8];
    let Ok(report) = compute(model, &all) else {
        return best;
    };
    let time = |best: &mut f64, f: &mut dyn FnMut()| {
        let t = now();
        f();
        *best = best.min(now() - t);
    };
    for _ in 0..ROUNDS {
        time(&mut best[0], &mut || {
            let sum: i64 = (0..model.deals.len())
                .filter(|&i| model.deals.status[i] == DealStatus::Won)
                .filter_map(|i| model.deals.amount_cents[i])
                .sum();
            black_box(sum);
        });
        time(&mut best[1], &mut || {
            black_box(Prepared::new(model, &all).map(|p| p.in_scope.len()).ok());
        });
        let Ok(p) = Prepared::new(model, &all) else {
            return best;
        };
        time(&mut best[2], &mut || {
            black_box(sets(&p).len());
        });
        let by_rep = sets(&p);
        time(&mut best[3], &mut || {
            black_box(process(&p, true).stalled_count);
        });
        time(&mut best[4], &mut || {
            black_box(pipeline(&p, &report.reps, &report.team).reps.len());
        });
        time(&mut best[5], &mut || {
            black_box(activity(&p, &by_rep).team.total);
        });
        time(&mut best[6], &mut || {
            black_box(compute(model, &all).map(|r| r.team.deals_won).ok());
        });
        time(&mut best[7], &mut || {
            black_box(compute(model, &quarter).map(|r| r.team.deals_won).ok());
        });
    }
    best
}

/// One line per part: ms and the ratio to the baseline; then what `compute()` spends outside the parts
/// (the performance metrics themselves and the comparisons).
pub fn process_table(best_s: &[f64; 8]) -> String {
    let base = best_s[0].max(1e-9);
    let mut out: String = PARTS
        .iter()
        .zip(best_s)
        .map(|(label, s)| {
            format!(
                "  {label:<40} {:9.2} ms  {:9.1} × baseline\n",
                s * 1000.0,
                s / base
            )
        })
        .collect();
    let rest = best_s[6] - best_s[1..6].iter().sum::<f64>();
    out.push_str(&format!(
        "  (compute() all time minus the parts above: {:.2} ms — the performance metrics and their context)\n",
        rest * 1000.0
    ));
    out
}

/// A forecast origin of `deals` open deals over 20 reps with seeded chances and amounts, and a new-deal
/// term, for timing the Monte Carlo alone.
pub fn forecast_origin(deals: usize, seed: u64) -> pipelens::engine::forecast::origin::Origin {
    use pipelens::engine::forecast::asof::Category;
    use pipelens::engine::forecast::baselines::Baselines;
    use pipelens::engine::forecast::fresh::{Fresh, RepFresh};
    use pipelens::engine::forecast::origin::{OpenDeal, Origin, RepOrigin};
    use pipelens::engine::forecast::rates::{CloseBucket, Window};
    use pipelens::engine::metrics::period::DateRange;
    let mut rng = Rng::new(seed);
    let day = chrono::NaiveDate::from_ymd_opt(2024, 3, 10).unwrap_or_default();
    let mut reps = std::collections::BTreeMap::new();
    let mut fresh = Fresh::default();
    for r in 0..20u32 {
        reps.insert(Some(r), RepOrigin::default());
        fresh.reps.insert(
            Some(r),
            RepFresh {
                rate: 2.0,
                amounts: (0..10).map(|k| 1_000.0 + 500.0 * f64::from(k)).collect(),
            },
        );
    }
    let open = (0..deals)
        .map(|i| OpenDeal {
            deal: i as u32,
            rep: Some((i % 20) as u32),
            amount: 500.0 + rng.below(50_000) as f64,
            has_amount: true,
            p_model: rng.below(1_000) as f64 / 1_000.0,
            p_crm: None,
            p_stage: None,
            close_on: None,
            close: CloseBucket::InWindow,
            category: Category::None,
            pushes: 0,
            stage: None,
            created_on: day,
            in_period: true,
        })
        .collect();
    Origin {
        day,
        period: DateRange::new(day, day),
        window: Window { from: 0, to: 21 },
        week: 2,
        deals: open,
        rep_order: reps.keys().copied().collect(),
        reps,
        fresh,
        closed: 0.0,
        mean_rest: 0.0,
        var_rest: 0.0,
        baselines: Baselines::default(),
        actual: None,
        limited_history: false,
        closed_before: 1_000,
        leak: None,
        deals_without_amount: 0,
    }
}

/// The baseline the Monte Carlo is timed against: one pass over the same deals per draw that sums
/// p × amount (the work of the draws without the random numbers).
pub fn expected_sums(origin: &pipelens::engine::forecast::origin::Origin, draws: u32) -> f64 {
    let mut total = 0.0;
    for k in 0..draws {
        let mut s = f64::from(k) * 1e-9;
        for d in &origin.deals {
            s += d.p_model * d.amount;
        }
        total += black_box(s);
    }
    total
}

/// An explanation through the session as the drawer asks it: every record of the team's opportunities created
/// in all time (about one per deal), the first page (which finds and orders the records; the report is
/// computed before), then the next page and a page far on (slices of the list the session keeps).
pub fn explain_pages(
    session: &mut pipelens::engine::session::Session,
    now: impl Fn() -> f64,
) -> String {
    use pipelens::engine::metrics::compute::MetricSettings;
    use pipelens::engine::protocol::{Explain, Metrics};
    let settings = MetricSettings::default();
    if session
        .ask(Metrics {
            settings: Box::new(settings.clone()),
        })
        .is_err()
    {
        return "  explain: the metrics did not compute\n".to_owned();
    }
    let mut lines = String::new();
    let mut total = 0;
    for (label, page) in [("first page", 0), ("next page", 1), ("page 1000", 1000)] {
        let t = now();
        let answer = session.ask(Explain {
            settings: Box::new(settings.clone()),
            metric: "opps_created".to_owned(),
            rep: None,
            page,
            page_size: Some(50),
            sort: None,
        });
        let ms = (now() - t) * 1000.0;
        total = answer.map_or(0, |a| a.explanation.total_records);
        lines.push_str(&format!(
            "  explain opps_created, team, {label:<10} {ms:>21.2} ms\n"
        ));
    }
    lines.push_str(&format!("  ({total} records)\n"));
    lines
}
