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

/// A seeded deals export of `n` deals over 40 reps and two years, for the metrics benchmarks.
pub fn deals_export(n: usize, seed: u64) -> Vec<u8> {
    let mut rng = Rng::new(seed);
    let mut out = String::with_capacity(n * 120);
    out.push_str("Opportunity ID,Opportunity Name,Account Name,Opportunity Owner,Amount,Created Date,Close Date,Stage,Type,Lost Reason\n");
    let start = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap_or_default();
    for i in 0..n {
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
        out.push_str(&format!(
            "B{i},Deal {i},Account {},Rep {:02},{},{},{},{stage},{kind},{reason}\n",
            rng.below(5000),
            rng.below(40),
            1000 + rng.below(90_000),
            created.format("%Y-%m-%d"),
            closed.format("%Y-%m-%d"),
        ));
    }
    out.into_bytes()
}

/// Imports bytes through a session (as the app does) and returns it.
pub fn session_with(name: &str, bytes: Vec<u8>) -> pipelens::engine::session::Session {
    use pipelens::engine::protocol::{Envelope, Request};
    let mut session = pipelens::engine::session::Session::new();
    let request = Request::ImportFile {
        name: name.to_owned(),
        bytes,
        options: ImportOptions::default(),
    };
    let _ = session.run(Envelope::new(1, request), |_| ());
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
