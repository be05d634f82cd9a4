//! The CLI as a user runs it: the built binary, its output and its exit codes.

use std::process::Command;

fn pipelens(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_pipelens"))
        .args(args)
        .output()
        .expect("the pipelens binary runs")
}

#[test]
fn version_prints_the_package_version() {
    let out = pipelens(&["--version"]);
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("pipelens {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn help_names_the_options() {
    let out = pipelens(&["--help"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("--version") && text.contains("USAGE"),
        "{text}"
    );
}

#[test]
fn an_unknown_argument_exits_2_and_lists_the_valid_ones() {
    let out = pipelens(&["--frobnicate"]);
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(
        text.contains("'--frobnicate'") && text.contains("--help"),
        "{text}"
    );
}
