//! What the ingest benchmarks measure, shared by the native and the wasm runner so both time the same code
//! on the same bytes: a seeded generator of a large, realistic export (30 columns, CRLF line ends, quoted
//! fields with embedded delimiters, quotes and line breaks, accented names) and the contenders — the `csv`
//! crate's `ByteRecord` loop as the baseline, then pipelens's reader, decoder and full import.

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
