//! Helpers shared by the native integration tests.

use std::path::PathBuf;

/// `../shared/data` beside the repository, when present.
///
/// A fresh clone has no `../shared`: tests that read it print a notice and skip. CI sets
/// `PIPELENS_REQUIRE_SHARED=1`, under which a missing folder fails the test instead.
#[allow(dead_code)]
pub fn shared_data(test: &str) -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data");
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var("PIPELENS_REQUIRE_SHARED").as_deref() == Ok("1") {
        panic!(
            "{test}: {} is missing and PIPELENS_REQUIRE_SHARED=1",
            dir.display()
        );
    }
    eprintln!(
        "NOTICE: {test} skipped: {} is absent (a fresh clone has no ../shared)",
        dir.display()
    );
    None
}

/// Two figures equal to a millionth of the larger (or of 1), with what they are in the failure.
#[allow(dead_code)]
pub fn close(a: f64, b: f64, what: &str) {
    assert!(
        (a - b).abs() <= 1e-6 * b.abs().max(1.0),
        "{what}: {a} against {b}"
    );
}

/// A fixture under `tests/fixtures/`.
#[allow(dead_code)]
pub fn fixture(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path)
}

/// A fresh session with `files` (name, bytes, options) imported in order, as the app does, then `settings`
/// applied when given. A failure panics with the file's name.
#[allow(dead_code)]
pub fn session_with(
    files: impl IntoIterator<Item = (String, Vec<u8>, pipelens::engine::ingest::ImportOptions)>,
    settings: Option<&pipelens::engine::model::ModelSettings>,
) -> pipelens::engine::session::Session {
    use pipelens::engine::protocol::{ImportFile, SetSettings};
    let mut session = pipelens::engine::session::Session::new();
    for (name, bytes, options) in files {
        session
            .ask(ImportFile {
                name: name.clone(),
                bytes,
                options,
            })
            .unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    if let Some(settings) = settings {
        session
            .ask(SetSettings {
                settings: Box::new(settings.clone()),
            })
            .unwrap();
    }
    session
}

/// [`session_with`] for files on disk, read with the default options.
#[allow(dead_code)]
pub fn session_of_paths<P: AsRef<std::path::Path>>(
    paths: &[P],
    settings: &pipelens::engine::model::ModelSettings,
) -> pipelens::engine::session::Session {
    session_with(
        paths.iter().map(|p| {
            let p = p.as_ref();
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display())),
                pipelens::engine::ingest::ImportOptions::default(),
            )
        }),
        Some(settings),
    )
}

/// Checks golden snapshots through insta: one `<name>.snap` per case in `tests/fixtures/<dir>`, holding `text`
/// (and, in its header, the case's input file). Every case is checked before the test fails, and the failure
/// names them all; insta prints each diff as it goes.
///
/// `BLESS=1` rewrites the snapshots that differ or are missing (it is insta's `INSTA_UPDATE=always`, which can
/// also be given directly). Otherwise a changed or missing snapshot fails: in CI (`CI=true`) nothing is written,
/// elsewhere insta leaves a `.snap.new` beside the snapshot (git ignores it). `INSTA_FORCE_PASS` is refused,
/// since it would turn every golden check into a pass.
#[allow(dead_code)]
pub fn assert_golden(dir: &str, cases: impl IntoIterator<Item = (String, PathBuf, String)>) {
    bless_through_insta();
    assert!(
        !matches!(std::env::var("INSTA_FORCE_PASS").as_deref(), Ok(v) if !v.is_empty() && v != "0"),
        "INSTA_FORCE_PASS is set: golden snapshots would pass unchecked"
    );
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(fixture(dir));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    let mut checked = 0;
    let mut failed = Vec::new();
    for (name, input, text) in cases {
        settings.set_input_file(&input);
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            settings.bind(|| insta::assert_snapshot!(name.as_str(), text));
        }));
        if outcome.is_err() {
            failed.push(name);
        }
        checked += 1;
    }
    assert!(checked > 0, "no golden cases for tests/fixtures/{dir}");
    assert!(
        failed.is_empty(),
        "{} of {checked} golden snapshots in tests/fixtures/{dir} differ or are missing: {}\n\
         Read the diffs above; `BLESS=1` rewrites them.",
        failed.len(),
        failed.join(", ")
    );
}

/// Maps `BLESS=1` onto insta's `INSTA_UPDATE=always` (unless `INSTA_UPDATE` is given), once per test process
/// and before insta's first assertion, which reads its settings from the environment once.
fn bless_through_insta() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        if std::env::var("BLESS").as_deref() == Ok("1")
            && std::env::var_os("INSTA_UPDATE").is_none()
        {
            // SAFETY: other tests of this process may run on other threads, but all of them read the
            // environment through `std::env` (as insta does), which takes the same lock as `set_var`; no C code
            // in these test binaries reads it.
            unsafe { std::env::set_var("INSTA_UPDATE", "always") };
        }
    });
}
