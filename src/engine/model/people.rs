//! People: the roster of reps, built from every name, e-mail and user id the files use for a person.
//!
//! A user id resolves through the users files; otherwise the same person in two files is one rep only on an
//! exact normalised e-mail or name match — and each such merge is listed, so it can be undone
//! ([`crate::engine::model::ModelSettings::keep_apart`]; the person kept apart becomes a rep named after their
//! file). Team facts typed on the roster replace the files' ([`Roster::set_by_hand`]). System and integration
//! users and managers are flagged for review, never removed silently.

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::engine::ingest::FileId;
use crate::engine::model::words::looks_like_system_user;
use crate::engine::model::{Merge, Rep, RepIx, RosterChoice, RosterField};

/// A user as a users file describes them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UserInfo {
    pub id: String,
    pub name: String,
    pub email: Option<String>,
    pub active: Option<bool>,
    pub role: Option<String>,
    pub manager_id: Option<String>,
}

/// A rep's team facts, as a teams file gives them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TeamInfo {
    pub manager: Option<String>,
    pub team: Option<String>,
    pub role: Option<String>,
    pub started_on: Option<NaiveDate>,
    pub ended_on: Option<NaiveDate>,
}

/// Case and spacing folded; accents kept (José and Jose may be two people).
pub fn name_key(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

pub fn email_key(email: &str) -> String {
    email.trim().to_lowercase()
}

#[derive(Default)]
pub struct Roster {
    reps: Vec<Rep>,
    by_name: HashMap<String, RepIx>,
    by_email: HashMap<String, RepIx>,
    by_id: HashMap<String, RepIx>,
    users: HashMap<String, UserInfo>,
    /// Which file first named each rep, to list matches made across files.
    first_file: Vec<FileId>,
    merges: Vec<Merge>,
    /// `file|key` pairs the user keeps apart.
    keep_apart: Vec<String>,
    /// The rep standing for a kept-apart person in that file: (file, key of the rep kept apart from) → rep.
    apart: HashMap<(FileId, String), RepIx>,
    /// Kept-apart reps' names as the file wrote them (their roster name adds the file's).
    written: HashMap<RepIx, String>,
    file_names: HashMap<FileId, String>,
}

impl Roster {
    pub fn new(keep_apart: &[String]) -> Self {
        Roster {
            keep_apart: keep_apart.to_vec(),
            ..Roster::default()
        }
    }

    pub fn name_file(&mut self, file: FileId, name: &str) {
        self.file_names.insert(file, name.to_owned());
    }

    /// Registers a user from a users file; users become reps only when something names them.
    pub fn add_user(&mut self, user: UserInfo) {
        if !user.id.is_empty() {
            self.users.insert(user.id.clone(), user);
        }
    }

    fn user(&self, id: &str) -> Option<&UserInfo> {
        // Salesforce ids come in 15- and 18-character forms of the same record.
        self.users.get(id).or_else(|| {
            (id.len() == 18 || id.len() == 15)
                .then(|| {
                    self.users
                        .iter()
                        .find(|(k, _)| k.len() >= 15 && id.len() >= 15 && k[..15] == id[..15])
                        .map(|(_, u)| u)
                })
                .flatten()
        })
    }

    /// The rep a reference names (a user id, an e-mail or a name), adding one on first sight.
    pub fn resolve(&mut self, raw: &str, file: FileId) -> Option<RepIx> {
        let raw = raw.trim();
        if raw.is_empty() {
            return None;
        }
        if let Some(&rep) = self.by_id.get(raw) {
            self.note_file(rep, file);
            return Some(rep);
        }
        if let Some(user) = self.user(raw).cloned() {
            let rep = self.person(&user.name, user.email.as_deref(), file, Some(&user.id));
            let manager = user
                .manager_id
                .as_deref()
                .and_then(|m| self.user(m))
                .map(|m| m.name.clone());
            let r = &mut self.reps[rep as usize];
            if !r.ids.contains(&user.id) {
                r.ids.push(user.id.clone());
            }
            if r.active.is_none() {
                r.active = user.active;
            }
            if r.role.is_none() {
                r.role = user.role.clone();
            }
            if r.manager.is_none() {
                r.manager = manager;
            }
            self.by_id.insert(raw.to_owned(), rep);
            return Some(rep);
        }
        if raw.contains('@') && !raw.contains(' ') {
            return Some(self.person(raw, Some(raw), file, None));
        }
        Some(self.person(raw, None, file, None))
    }

    /// The rep for a name and/or e-mail, matching an existing one on e-mail first, then name.
    fn person(&mut self, name: &str, email: Option<&str>, file: FileId, id: Option<&str>) -> RepIx {
        let key_name = name_key(name);
        let key_email = email.map(email_key);
        let found = key_email
            .as_ref()
            .and_then(|e| self.by_email.get(e))
            .map(|r| (*r, "e-mail"))
            .or_else(|| self.by_name.get(&key_name).map(|r| (*r, "name")));
        if let Some((rep, how)) = found {
            let key = self.reps[rep as usize].key.clone();
            let apart = self
                .file_names
                .get(&file)
                .is_some_and(|f| self.keep_apart.contains(&format!("{f}|{key}")));
            if apart {
                if let Some(&own) = self.apart.get(&(file, key.clone())) {
                    return own;
                }
            } else {
                self.note_match(rep, name, file, how);
                if let Some(e) = key_email {
                    self.by_email.entry(e).or_insert(rep);
                    if self.reps[rep as usize].email.is_none() {
                        self.reps[rep as usize].email = email.map(str::to_owned);
                    }
                }
                self.by_name.entry(key_name).or_insert(rep);
                return rep;
            }
        }
        let rep = self.reps.len() as RepIx;
        let display = if name.trim().is_empty() {
            email.unwrap_or("(unnamed)")
        } else {
            name.trim()
        };
        // Kept apart from a namesake: the file tells the two rows apart.
        let display = match (found, self.file_names.get(&file)) {
            (Some(_), Some(f)) => format!("{display} ({f})"),
            _ => display.to_owned(),
        };
        let key = key_email.clone().unwrap_or_else(|| key_name.clone());
        self.reps.push(Rep {
            key: if found.is_some() {
                format!("{key}#{}", self.reps.len())
            } else {
                key
            },
            name: display,
            email: email.map(str::to_owned),
            ids: id.map(|i| vec![i.to_owned()]).unwrap_or_default(),
            team: None,
            manager: None,
            role: None,
            active: None,
            started_on: None,
            ended_on: None,
            aliases: Vec::new(),
            files: vec![file],
            review: None,
            excluded: false,
        });
        self.first_file.push(file);
        if let Some((kept_from, _)) = found {
            let key = self.reps[kept_from as usize].key.clone();
            self.apart.insert((file, key), rep);
            self.written.insert(rep, name.trim().to_owned());
        }
        if found.is_none() {
            if let Some(e) = key_email {
                self.by_email.insert(e, rep);
            }
            self.by_name.insert(key_name, rep);
        }
        rep
    }

    fn note_file(&mut self, rep: RepIx, file: FileId) {
        if let Some(r) = self.reps.get_mut(rep as usize)
            && !r.files.contains(&file)
        {
            r.files.push(file);
        }
    }

    fn note_match(&mut self, rep: RepIx, spelled: &str, file: FileId, how: &str) {
        let first = self.first_file[rep as usize];
        let r = &mut self.reps[rep as usize];
        if spelled.trim() != r.name
            && !r.aliases.iter().any(|a| a == spelled.trim())
            && !spelled.contains('@')
        {
            r.aliases.push(spelled.trim().to_owned());
        }
        if file != first && !r.files.contains(&file) {
            let name = |f: FileId| {
                self.file_names
                    .get(&f)
                    .cloned()
                    .unwrap_or_else(|| format!("file {f}"))
            };
            self.merges.push(Merge {
                text: format!(
                    "'{}' in {} and '{}' in {} are one rep (same {how}).",
                    r.name,
                    name(first),
                    spelled.trim(),
                    name(file)
                ),
                keep_apart: format!("{}|{}", name(file), r.key),
                rep: r.name.clone(),
                first_file: name(first),
                file: name(file),
                same: how.to_owned(),
            });
        }
        if !r.files.contains(&file) {
            r.files.push(file);
        }
    }

    /// Team facts for a rep named in a teams file.
    pub fn add_team(&mut self, raw_rep: &str, info: TeamInfo, file: FileId) -> Option<RepIx> {
        let rep = self.resolve(raw_rep, file)?;
        let r = &mut self.reps[rep as usize];
        r.manager = info.manager.or(r.manager.take());
        r.team = info.team.or(r.team.take());
        r.role = info.role.or(r.role.take());
        r.started_on = info.started_on.or(r.started_on);
        r.ended_on = info.ended_on.or(r.ended_on);
        Some(rep)
    }

    /// Applies the team facts the user set by hand (the latest choice per rep and field wins; an empty value
    /// clears what the files said). Returns a sentence for each choice that could not be used.
    pub fn set_by_hand(&mut self, choices: &[RosterChoice]) -> Vec<String> {
        let mut problems = Vec::new();
        for choice in choices {
            let Some(rep) = self.reps.iter_mut().find(|r| r.key == choice.rep) else {
                // A profile made on other files: the person is not in these.
                continue;
            };
            let value = choice.value.trim();
            let text = (!value.is_empty()).then(|| value.to_owned());
            let date = || -> Result<Option<NaiveDate>, ()> {
                if value.is_empty() {
                    return Ok(None);
                }
                NaiveDate::parse_from_str(value, "%Y-%m-%d")
                    .map(Some)
                    .map_err(|_| ())
            };
            match choice.field {
                RosterField::Team => rep.team = text,
                RosterField::Manager => rep.manager = text,
                RosterField::Role => rep.role = text,
                RosterField::StartedOn | RosterField::EndedOn => match date() {
                    Ok(day) if choice.field == RosterField::StartedOn => rep.started_on = day,
                    Ok(day) => rep.ended_on = day,
                    Err(()) => problems.push(format!(
                        "The {} '{value}' typed for {} is not a date: write it as YYYY-MM-DD (e.g. 2026-03-01); the files' value is kept.",
                        choice.field.label(),
                        rep.name
                    )),
                },
            }
        }
        problems
    }

    /// The roster, with system users and managers flagged for review, and the cross-file matches made.
    pub fn finish(mut self, deals_owned: &[u32]) -> (Vec<Rep>, Vec<Merge>) {
        let managers: HashMap<String, usize> = self
            .reps
            .iter()
            .filter_map(|r| r.manager.as_deref())
            .fold(HashMap::new(), |mut m, name| {
                *m.entry(name_key(name)).or_insert(0) += 1;
                m
            });
        for (i, rep) in self.reps.iter_mut().enumerate() {
            // A kept-apart rep is judged by their own name, not the file name added to it.
            let name = self.written.get(&(i as RepIx)).unwrap_or(&rep.name);
            if looks_like_system_user(name) {
                rep.review = Some(
                    "The name looks like a system or integration user, not a person who sells."
                        .to_owned(),
                );
            } else if let Some(&reports) = managers.get(&name_key(name)) {
                let owned = deals_owned.get(i).copied().unwrap_or(0);
                rep.review = Some(format!(
                    "Manages {reports} rep(s) and owns {owned} deal(s): a manager, perhaps not a rep to coach."
                ));
            }
        }
        (self.reps, self.merges)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_names_and_emails_resolve_to_one_rep_only_on_exact_matches() {
        let mut roster = Roster::new(&[]);
        roster.name_file(0, "deals.csv");
        roster.name_file(1, "calls.csv");
        roster.add_user(UserInfo {
            id: "005A00000012345".into(),
            name: "Dana Reyes".into(),
            email: Some("dana@acme.test".into()),
            active: Some(true),
            ..UserInfo::default()
        });
        let by_id = roster.resolve("005A00000012345AAA", 0).unwrap();
        let by_name = roster.resolve("dana  REYES", 1).unwrap();
        let by_email = roster.resolve("Dana@Acme.test", 1).unwrap();
        assert_eq!((by_id, by_name, by_email), (0, 0, 0));
        let other = roster.resolve("Dana R.", 1).unwrap();
        assert_ne!(other, by_id, "no fuzzy matching");
        assert_eq!(roster.resolve("  ", 0), None);
        let (reps, merges) = roster.finish(&[3, 1]);
        assert_eq!(reps.len(), 2);
        assert_eq!(reps[0].active, Some(true));
        assert_eq!(reps[0].aliases, ["dana  REYES"]);
        assert_eq!(
            merges,
            [Merge {
                text: "'Dana Reyes' in deals.csv and 'dana  REYES' in calls.csv are one rep (same name).".into(),
                keep_apart: "calls.csv|dana@acme.test".into(),
                rep: "Dana Reyes".into(),
                first_file: "deals.csv".into(),
                file: "calls.csv".into(),
                same: "name".into(),
            }]
        );
    }

    #[test]
    fn the_user_can_keep_a_match_apart_and_system_users_are_flagged() {
        let mut roster = Roster::new(&["calls.csv|sam ortiz".to_owned()]);
        roster.name_file(0, "deals.csv");
        roster.name_file(1, "calls.csv");
        let a = roster.resolve("Sam Ortiz", 0).unwrap();
        let b = roster.resolve("Sam Ortiz", 1).unwrap();
        assert_ne!(a, b);
        assert_eq!(roster.reps[b as usize].name, "Sam Ortiz (calls.csv)");
        // Regression: a file name like 'salesforce-api-calls.csv' in the roster name flagged the person as a
        // system user.
        let mut apart_api = Roster::new(&["salesforce-api-calls.csv|sam ortiz".to_owned()]);
        apart_api.name_file(0, "deals.csv");
        apart_api.name_file(2, "salesforce-api-calls.csv");
        apart_api.resolve("Sam Ortiz", 0);
        let c = apart_api.resolve("Sam Ortiz", 2).unwrap();
        let (reps, _) = apart_api.finish(&[]);
        assert_eq!(
            reps[c as usize].name,
            "Sam Ortiz (salesforce-api-calls.csv)"
        );
        assert_eq!(reps[c as usize].review, None);
        // Regression: every further row of calls.csv made one more Sam.
        assert_eq!(roster.resolve("sam ortiz", 1), Some(b));
        assert_eq!(roster.resolve("Sam Ortiz", 0), Some(a));
        roster.resolve("Integration User", 0);
        roster.add_team(
            "Sam Ortiz",
            TeamInfo {
                manager: Some("Integration User".into()),
                ..TeamInfo::default()
            },
            0,
        );
        let (reps, merges) = roster.finish(&[]);
        assert!(merges.is_empty());
        assert!(
            reps.iter()
                .find(|r| r.name == "Integration User")
                .unwrap()
                .review
                .as_deref()
                .unwrap()
                .contains("system")
        );
    }
}
