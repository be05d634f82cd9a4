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

/// A fixture under `tests/fixtures/`.
#[allow(dead_code)]
pub fn fixture(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path)
}
