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
