//! The layers read one way: no import cycle among the files under `src/engine`, `src/worker` and `src/ui`.
//!
//! The graph is read from the source text: every `use crate::…` / `use super::…` item and every inline
//! `crate::…` path is an edge from its file to the file that defines the module it names (the longest
//! module path that is a file). A cycle is reported with the files in it and the imports that tie them,
//! so the fix (move the shared part down a layer) is plain. The test fails on a cycle the day it is made.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Module path (`engine::metrics::compute`) → file, for every `.rs` file under `src/`.
fn modules(src: &Path) -> BTreeMap<String, PathBuf> {
    let mut out = BTreeMap::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path.strip_prefix(src).unwrap_or(&path);
                let mut parts: Vec<String> = rel
                    .with_extension("")
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
                    parts.pop();
                }
                out.insert(parts.join("::"), path);
            }
        }
    }
    out
}

/// The module paths a file refers to, made absolute (`crate::` and `super::` resolved).
fn references(module: &str, is_mod_file: bool, text: &str) -> Vec<String> {
    let mut found = Vec::new();
    // `super` of a `mod.rs` is its folder's parent; of `a/b.rs`, the module `a`.
    let mut parent: Vec<&str> = module.split("::").filter(|p| !p.is_empty()).collect();
    let _ = is_mod_file;
    parent.pop();
    let code: String = text
        .lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n");
    for (prefix, base) in [("crate::", Vec::new()), ("super::", parent)] {
        let mut rest = code.as_str();
        while let Some(at) = rest.find(prefix) {
            let before = rest[..at].chars().last();
            rest = &rest[at + prefix.len()..];
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            let path: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            let mut parts: Vec<String> = base.iter().map(|p| (*p).to_owned()).collect();
            parts.extend(
                path.split("::")
                    .filter(|p| !p.is_empty())
                    .map(str::to_owned),
            );
            found.push(parts.join("::"));
            // `use crate::a::{b, c::d}`: each name in the braces is a path under `a`.
            if let Some(open) = rest[path.len()..].strip_prefix('{') {
                let mut depth = 1;
                let inner: String = open
                    .chars()
                    .take_while(|c| {
                        match c {
                            '{' => depth += 1,
                            '}' => depth -= 1,
                            _ => {}
                        }
                        depth > 0
                    })
                    .collect();
                for item in inner.split(',') {
                    let item = item.trim().trim_start_matches('{');
                    let name: String = item
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                        .collect();
                    if !name.is_empty() {
                        found.push(format!("{}::{name}", parts.join("::")));
                    }
                }
            }
        }
    }
    found
}

/// The file a module path lands in: its longest prefix that is a module.
fn target<'a>(path: &str, modules: &'a BTreeMap<String, PathBuf>) -> Option<&'a str> {
    let parts: Vec<&str> = path.split("::").collect();
    (1..=parts.len())
        .rev()
        .map(|n| parts[..n].join("::"))
        .find_map(|p| modules.get_key_value(&p).map(|(k, _)| k.as_str()))
}

/// Strongly connected components of more than one file (Tarjan).
fn cycles(edges: &BTreeMap<&str, BTreeSet<&str>>) -> Vec<Vec<String>> {
    struct Walk<'a> {
        edges: &'a BTreeMap<&'a str, BTreeSet<&'a str>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        next: usize,
        out: Vec<Vec<String>>,
    }
    fn visit<'a>(w: &mut Walk<'a>, v: &'a str) {
        w.index.insert(v, w.next);
        w.low.insert(v, w.next);
        w.next += 1;
        w.stack.push(v);
        w.on_stack.insert(v);
        for &u in w.edges.get(v).into_iter().flatten() {
            if !w.index.contains_key(u) {
                visit(w, u);
                let low = w.low[v].min(w.low[u]);
                w.low.insert(v, low);
            } else if w.on_stack.contains(u) {
                let low = w.low[v].min(w.index[u]);
                w.low.insert(v, low);
            }
        }
        if w.low[v] == w.index[v] {
            let mut component = Vec::new();
            while let Some(u) = w.stack.pop() {
                w.on_stack.remove(u);
                component.push(u.to_owned());
                if u == v {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                w.out.push(component);
            }
        }
    }
    let mut w = Walk {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        next: 0,
        out: Vec::new(),
    };
    for &v in edges.keys() {
        if !w.index.contains_key(v) {
            visit(&mut w, v);
        }
    }
    w.out
}

#[test]
fn no_import_cycles_in_engine_worker_or_ui() {
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src");
    let modules = modules(&src);
    let layered = |m: &str| {
        ["engine", "worker", "ui"]
            .iter()
            .any(|l| m == *l || m.starts_with(&format!("{l}::")))
    };
    let mut edges: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    let mut why: BTreeMap<(&str, &str), BTreeSet<String>> = BTreeMap::new();
    for (module, file) in &modules {
        if !layered(module) {
            continue;
        }
        let text = std::fs::read_to_string(file).unwrap_or_default();
        let is_mod = file.file_name().is_some_and(|n| n == "mod.rs");
        for reference in references(module, is_mod, &text) {
            let Some(to) = target(&reference, &modules) else {
                continue;
            };
            // A module's own items, and a parent's `pub mod` re-exports, are not imports between files.
            if to == module || !layered(to) || module.starts_with(&format!("{to}::")) {
                continue;
            }
            edges.entry(module.as_str()).or_default().insert(to);
            why.entry((module.as_str(), to))
                .or_default()
                .insert(reference);
        }
    }
    assert!(
        edges.len() > 40,
        "the module graph looks empty ({} files with imports): the scan is broken",
        edges.len()
    );
    let found = cycles(&edges);
    let mut report = String::new();
    for component in &found {
        report.push_str(&format!("cycle: {}\n", component.join(", ")));
        for from in component {
            for to in component {
                if let Some(names) = why.get(&(from.as_str(), to.as_str())) {
                    let names: Vec<&str> = names.iter().map(String::as_str).collect();
                    report.push_str(&format!("  {from} -> {to}: {}\n", names.join(", ")));
                }
            }
        }
    }
    assert!(found.is_empty(), "import cycles between files:\n{report}");
}

#[test]
fn the_scan_sees_a_cycle_when_there_is_one() {
    let mut modules = BTreeMap::new();
    for m in ["engine::a", "engine::b", "engine::c"] {
        modules.insert(m.to_owned(), PathBuf::from(m));
    }
    let a = references(
        "engine::a",
        false,
        "use crate::engine::b::{Thing, other::Deep};",
    );
    let b = references(
        "engine::b",
        false,
        "fn f() { super::c::g() } // crate::engine::a in a comment",
    );
    let c = references("engine::c", false, "let x = crate::engine::a::X;");
    let mut edges: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (from, refs) in [("engine::a", &a), ("engine::b", &b), ("engine::c", &c)] {
        for r in refs {
            if let Some(to) = target(r, &modules)
                && to != from
            {
                edges.entry(from).or_default().insert(to);
            }
        }
    }
    assert_eq!(
        cycles(&edges),
        vec![vec![
            "engine::a".to_owned(),
            "engine::b".to_owned(),
            "engine::c".to_owned()
        ]]
    );
}
