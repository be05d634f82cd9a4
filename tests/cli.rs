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

/// Regression: a `"\` string continuation ate the indentation of the first option of each group.
#[test]
fn every_option_in_help_is_indented_like_the_others() {
    let out = pipelens(&["--help"]);
    let help = String::from_utf8_lossy(&out.stdout);
    let flush: Vec<&str> = help.lines().filter(|l| l.starts_with("--")).collect();
    assert!(flush.is_empty(), "options without indentation: {flush:?}");
    assert!(help.contains("\n    --encoding LABEL"), "{help}");
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

fn fixture(name: &str) -> String {
    format!(
        "{}/tests/fixtures/ingest/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[test]
fn import_prints_a_table_that_accounts_for_every_row() {
    let out = pipelens(&["import", &fixture("salesforce-report.csv")]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("rows read 9 = accepted 3 + rejected 0 + skipped 6"),
        "{text}"
    );
    assert!(text.contains("Grand Totals (3 records)"), "{text}");
}

#[test]
fn import_json_follows_the_documented_contract() {
    let out = pipelens(&[
        "import",
        "--format",
        "json",
        &fixture("ragged.csv"),
        &fixture("windows-1252.csv"),
    ]);
    assert!(out.status.success());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let files = json["files"].as_array().unwrap();
    assert_eq!(files.len(), 2);
    for key in [
        "file",
        "source",
        "kind",
        "encoding",
        "delimiter",
        "rows_read",
        "rows_accepted",
        "rows_rejected",
        "rows_skipped",
        "rejections",
        "warnings",
    ] {
        assert!(files[0].get(key).is_some(), "missing {key}");
    }
    // Part 2 fills what part 1 left "unknown": ragged.csv (Name, Owner, Amount) is a generic table.
    assert_eq!(
        (files[0]["source"].as_str(), files[0]["kind"].as_str()),
        (Some("generic"), Some("not_used"))
    );
    for key in ["confidence", "mapping", "assumptions", "scope"] {
        assert!(files[0].get(key).is_some(), "missing {key}");
    }
    assert!(
        json["model"]["deals"]["total"].is_u64() && json["model"]["stages"].is_array(),
        "the model travels with the files"
    );
    let rejection = &files[0]["rejections"][0];
    for key in ["row", "column", "value", "reason"] {
        assert!(rejection.get(key).is_some(), "rejection misses {key}");
    }
    assert_eq!(files[1]["encoding"], "windows-1252");
    assert!(
        json.get("errors").is_none(),
        "no errors key when every file reads"
    );
}

#[test]
fn import_options_flip_the_assumptions() {
    let out = pipelens(&[
        "import",
        "--format",
        "json",
        "--header-row",
        "1",
        &fixture("no-header.csv"),
    ]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["files"][0]["header"][1], "Acme");
    let out = pipelens(&[
        "import",
        "--format",
        "json",
        "--encoding",
        "utf-8",
        &fixture("windows-1252.csv"),
    ]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["files"][0]["encoding"], "UTF-8");
    assert!(
        json["files"][0]["issues"].as_array().unwrap().len() >= 2,
        "replaced bytes are listed per row"
    );
}

#[test]
fn an_unusable_file_exits_1_with_a_sentence_and_still_reports_the_others() {
    let out = pipelens(&[
        "import",
        &fixture("renamed-image.csv"),
        &fixture("pipe.csv"),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is a PNG image, not a CRM export"));
    assert!(String::from_utf8_lossy(&out.stdout).contains("pipe.csv"));
    let out = pipelens(&["import", "/no/such/file.csv"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read /no/such/file.csv"));
}

#[test]
fn import_usage_mistakes_exit_2() {
    assert_eq!(pipelens(&["import"]).status.code(), Some(2));
    assert_eq!(
        pipelens(&["import", "--format", "xml", "x.csv"])
            .status
            .code(),
        Some(2)
    );
    let out = pipelens(&["import", "--delimiter", "bogus", &fixture("pipe.csv")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("use comma, semicolon, tab, pipe"));
}

/// The JSON a successful run printed.
fn json_of(out: &std::process::Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The roster's names in `pipelens import --format json`.
fn rep_names(json: &serde_json::Value) -> Vec<&str> {
    json["model"]["reps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect()
}

#[test]
fn map_kind_and_assume_reach_the_model_from_the_command_line() {
    let report = fixture("../model/salesforce-report/report1700000000000.csv");
    let out = pipelens(&[
        "import",
        "--format",
        "json",
        "--map",
        "owner=Account Name",
        "--assume",
        "date_order:Close Date=month_first",
        &report,
    ]);
    let json = json_of(&out);
    let reps = rep_names(&json);
    assert!(reps.contains(&"Globex"), "{reps:?}");
    let assumption = json["files"][0]["assumptions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == "date_order:Close Date")
        .unwrap();
    assert_eq!(assumption["choice"], "month_first");
    let out = pipelens(&[
        "import",
        "--format",
        "json",
        "--kind",
        "report1700000000000.csv=not_used",
        &report,
    ]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["files"][0]["kind"], "not_used");
    let out = pipelens(&["import", "--map", "nonsense=X", &report]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("fields are"),
        "the error lists the valid fields"
    );
}

#[test]
fn report_prints_per_rep_metrics_in_table_json_and_safe_csv() {
    let dir = format!("{}/tests/fixtures/metrics/team", env!("CARGO_MANIFEST_DIR"));
    let deals = format!("{dir}/deals.csv");
    let quotas = format!("{dir}/quotas.csv");
    let args = [
        "report",
        &deals,
        "--quotas",
        &quotas,
        "--period",
        "2026-Q1",
        "--as-of",
        "2026-03-31",
    ];
    let out = pipelens(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Period 2026-01-01 to 2026-03-31") && text.contains("Ana Alves"),
        "{text}"
    );
    let out = pipelens(&[&args[..], &["--format", "json"]].concat());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for key in [
        "import",
        "period",
        "home_currency",
        "team",
        "reps",
        "definitions",
        "reconciliation",
        "assumptions",
    ] {
        assert!(json.get(key).is_some(), "missing {key}");
    }
    assert!(json["import"]["files"].as_array().unwrap().len() == 2);
    assert_eq!(json["period"]["as_of"], "2026-03-31");
    let ana = json["reps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rep"] == "Ana Alves")
        .unwrap();
    for key in [
        "rep_id",
        "rep",
        "deals_won",
        "deals_lost",
        "bookings",
        "win_rate",
        "avg_deal_size",
        "median_deal_size",
        "sales_cycle_median_days",
        "opps_created",
        "attainment",
    ] {
        assert!(ana.get(key).is_some(), "rep misses {key}");
    }
    assert_eq!(ana["deals_won"], 3);
    assert_eq!(ana["attainment"], 0.5);
    let out = pipelens(&[&args[..], &["--format", "csv"]].concat());
    let csv = String::from_utf8_lossy(&out.stdout);
    assert!(csv.starts_with("rep_id,rep,team,active,deals_won"), "{csv}");
    assert_eq!(csv.lines().count(), 3, "a header and one row per rep");
}

#[test]
fn report_csv_defuses_formula_names_and_bad_input_exits_cleanly() {
    let dir = std::env::temp_dir().join(format!("pipelens-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let deals = dir.join("deals.csv");
    std::fs::write(&deals, "Opportunity ID,Opportunity Owner,Amount,Close Date,Stage\nA,=cmd|' /C calc'!A0,100,2026-01-10,Closed Won\nB,@SUM(1),50,2026-01-11,Closed Lost\n").unwrap();
    let out = pipelens(&["report", deals.to_str().unwrap(), "--format", "csv"]);
    let csv = String::from_utf8_lossy(&out.stdout);
    assert!(
        csv.lines()
            .skip(1)
            .all(|l| !l.starts_with('=') && !l.contains(",=") && !l.contains(",@")),
        "{csv}"
    );
    assert!(csv.contains("'=cmd") && csv.contains("'@SUM"), "{csv}");
    let empty = dir.join("teams.csv");
    std::fs::write(&empty, "rep,manager\nDana,Kim\n").unwrap();
    let out = pipelens(&["report", empty.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no deals are loaded"));
    assert_eq!(
        pipelens(&["report", deals.to_str().unwrap(), "--period", "2026-Q9"])
            .status
            .code(),
        Some(2)
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_match_across_files_is_listed_with_its_undo_and_undone_from_the_command_line() {
    let dir = format!(
        "{}/tests/fixtures/model/hubspot",
        env!("CARGO_MANIFEST_DIR")
    );
    let files: Vec<String> = ["all-deals", "calls"]
        .iter()
        .map(|kind| format!("{dir}/hubspot-crm-exports-{kind}-2026-03-02.csv"))
        .collect();
    let out = pipelens(&["import", &files[0], &files[1]]);
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .find(|l| l.contains("matched: 'Dana Reyes'"))
        .unwrap_or_else(|| panic!("{text}"));
    let key = line
        .split("--keep-apart '")
        .nth(1)
        .and_then(|rest| rest.strip_suffix("')"))
        .unwrap_or_else(|| panic!("{line}"));
    let out = pipelens(&[
        "import",
        "--format",
        "json",
        "--keep-apart",
        key,
        &files[0],
        &files[1],
    ]);
    let json = json_of(&out);
    let reps = rep_names(&json);
    assert!(
        reps.contains(&"Dana Reyes (hubspot-crm-exports-calls-2026-03-02.csv)"),
        "{reps:?}"
    );
    let out = pipelens(&["import", "--keep-apart", "no-bar", &files[0]]);
    assert_eq!(out.status.code(), Some(2));
}

/// Every amount in euros, home currency not given, no rate: the report asks instead of printing zeros;
/// answered either way, it runs, and in EUR the bookings are the euros themselves.
#[test]
fn a_file_all_in_one_foreign_currency_is_asked_about_not_zeroed() {
    let file = fixture("../model/generic-eu/oportunidades.csv");
    let report = |more: &[&str]| {
        let mut args = vec![
            "report",
            &file,
            "--as-of",
            "2026-03-31",
            "--period",
            "2026-Q1",
        ];
        args.extend_from_slice(more);
        pipelens(&args)
    };
    let asked = report(&[]);
    assert!(!asked.status.success());
    let message = String::from_utf8_lossy(&asked.stderr);
    assert!(
        message.contains("every amount is in EUR") && message.contains("--home-currency EUR"),
        "{message}"
    );
    let answered = report(&["--home-currency", "EUR", "--format", "json"]);
    assert!(
        answered.status.success(),
        "{}",
        String::from_utf8_lossy(&answered.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&answered.stdout).unwrap();
    assert_eq!(json["money"]["ask_currency"], serde_json::Value::Null);
    assert!((json["team"]["bookings"].as_f64().unwrap() - 1234.56).abs() < 1e-9);
}
