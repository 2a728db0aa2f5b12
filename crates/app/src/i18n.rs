//! The message catalogue: every UI string, in Bahasa Indonesia (default) and English.
//!
//! Why not fluent or rust-i18n: our strings are flat keys with at most a `{name}` placeholder,
//! and the catalogue is two embedded TOML files checked for identical keys by a test. That stays
//! readable for translators and costs no macro magic.

use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Locale {
    #[default]
    Id,
    En,
}

impl Locale {
    pub fn parse(s: &str) -> Option<Locale> {
        match s.trim().to_ascii_lowercase().as_str() {
            "id" | "id-id" => Some(Locale::Id),
            "en" | "en-us" | "en-gb" => Some(Locale::En),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Locale::Id => "id",
            Locale::En => "en",
        }
    }
}

pub struct Catalog {
    id: HashMap<String, String>,
    en: HashMap<String, String>,
}

const ID: &str = include_str!("../locales/id.toml");
const EN: &str = include_str!("../locales/en.toml");

fn parse(src: &str) -> HashMap<String, String> {
    let table: toml::Table = src.parse().expect("message catalogue is valid TOML");
    let mut out = HashMap::new();
    flatten("", &table, &mut out);
    out
}

fn flatten(prefix: &str, table: &toml::Table, out: &mut HashMap<String, String>) {
    for (k, v) in table {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            toml::Value::Table(t) => flatten(&key, t, out),
            toml::Value::String(s) => {
                out.insert(key, s.clone());
            }
            other => panic!("catalogue value {key} must be a string, got {other}"),
        }
    }
}

impl Catalog {
    pub fn load() -> Catalog {
        Catalog {
            id: parse(ID),
            en: parse(EN),
        }
    }

    /// Messages of one language, for a request.
    pub fn messages(&self, locale: Locale) -> Messages<'_> {
        Messages {
            map: match locale {
                Locale::Id => &self.id,
                Locale::En => &self.en,
            },
            locale,
        }
    }

    pub fn keys(&self, locale: Locale) -> Vec<&str> {
        let map = match locale {
            Locale::Id => &self.id,
            Locale::En => &self.en,
        };
        let mut keys: Vec<&str> = map.keys().map(String::as_str).collect();
        keys.sort_unstable();
        keys
    }
}

/// One language's messages. A missing key shows itself (and a test keeps that from shipping).
#[derive(Clone, Copy)]
pub struct Messages<'a> {
    map: &'a HashMap<String, String>,
    pub locale: Locale,
}

impl<'a> Messages<'a> {
    pub fn get(&self, key: &str) -> &'a str {
        match self.map.get(key) {
            Some(s) => s.as_str(),
            None => {
                tracing::warn!(key, "missing message");
                // Leak-free fallback: the key itself is 'static only when a literal; return "".
                ""
            }
        }
    }

    /// The message when `text` is a catalogue key, else `text` itself (a job's error is a key
    /// when the job knows what went wrong, and an operator-facing cause otherwise).
    pub fn get_or<'b>(&self, text: &'b str) -> &'b str
    where
        'a: 'b,
    {
        self.map.get(text).map(|s| s.as_str()).unwrap_or(text)
    }

    /// A message with `{name}` placeholders filled in.
    pub fn fmt(&self, key: &str, args: &[(&str, &str)]) -> String {
        let mut s = self.get(key).to_owned();
        for (name, value) in args {
            s = s.replace(&format!("{{{name}}}"), value);
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_have_the_same_keys() {
        let c = Catalog::load();
        assert_eq!(c.keys(Locale::Id), c.keys(Locale::En));
        assert!(c.keys(Locale::Id).len() > 50);
    }

    #[test]
    fn every_key_used_in_code_and_templates_exists() {
        let c = Catalog::load();
        let keys: std::collections::HashSet<&str> = c.keys(Locale::Id).into_iter().collect();
        let root = concat!(env!("CARGO_MANIFEST_DIR"));
        let mut missing = Vec::new();
        // Every file under these folders, subfolders included (capabilities keep theirs in one).
        fn files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    files(&path, out);
                } else {
                    out.push(path);
                }
            }
        }
        let mut paths = Vec::new();
        for dir in ["src", "../web/templates", "../web/src"] {
            files(&std::path::Path::new(root).join(dir), &mut paths);
        }
        {
            for path in paths {
                let text = std::fs::read_to_string(&path).unwrap();
                for quote in ["t.get(\"", "t.fmt(\"", "msg_key: \"", "key: \""] {
                    let mut parts = text.split(quote);
                    let mut before = parts.next().unwrap_or_default();
                    for part in parts {
                        // `content.get("…")` is no catalogue lookup: the match must start a word.
                        let starts_word = !before
                            .chars()
                            .next_back()
                            .is_some_and(|c| c.is_alphanumeric() || c == '_');
                        let key = part.split('"').next().unwrap();
                        if starts_word && !keys.contains(key) {
                            missing.push(format!("{}: {key}", path.display()));
                        }
                        before = part;
                    }
                }
            }
        }
        assert!(
            missing.is_empty(),
            "keys missing from the catalogue: {missing:#?}"
        );
    }

    #[test]
    fn every_enumerated_value_has_a_label() {
        use simpul_core::registry::{
            AgeBand, Gender, KimStatus, MemberRole, SocialKind, Topic, Transition,
        };
        let c = Catalog::load();
        let keys: std::collections::HashSet<&str> = c.keys(Locale::Id).into_iter().collect();
        let mut wanted: Vec<String> = Vec::new();
        wanted.extend(
            KimStatus::ALL
                .iter()
                .map(|s| format!("status.{}", s.as_str())),
        );
        wanted.extend(
            Transition::ALL
                .iter()
                .map(|s| format!("transition.{}", s.as_str())),
        );
        wanted.extend(Topic::ALL.iter().map(|s| format!("topic.{}", s.as_str())));
        for k in simpul_core::notify::Kind::ALL {
            wanted.push(format!("notify.kind_{}", k.as_str()));
        }
        for c in simpul_core::notify::Channel::ALL {
            wanted.push(format!("notify.channel_{}", c.as_str()));
            if c != simpul_core::notify::Channel::App {
                wanted.push(format!("notify.unavailable_{}", c.as_str()));
            }
        }
        let status_templates = KimStatus::ALL
            .iter()
            .map(|s| format!("kim_status_{}", s.as_str()));
        let templates = ["test", "welcome", "nik_duplicate", "officer_request"]
            .map(String::from)
            .into_iter()
            .chain(status_templates);
        for t in templates {
            wanted.push(format!("notify.msg.{t}.title"));
            wanted.push(format!("notify.msg.{t}.body"));
        }
        // Capacity building (issue 14).
        for k in simpul_core::events::EventKind::ALL {
            wanted.push(format!("events.kind_{}", k.as_str()));
        }
        for s in simpul_core::events::RegStatus::ALL {
            wanted.push(format!("events.status_{}", s.as_str()));
        }
        // Village voices (issue 15).
        {
            use simpul_core::portal::*;
            for k in PostKind::ALL {
                wanted.push(format!("portal.kind_{}", k.as_str()));
            }
            for c in Category::ALL {
                wanted.push(format!("portal.category_{}", c.as_str()));
            }
            for s in PostStatus::ALL {
                wanted.push(format!("portal.status_{}", s.as_str()));
            }
            for r in ReportReason::ALL {
                wanted.push(format!("portal.reason_{}", r.as_str()));
            }
            for c in AspirationCategory::ALL {
                wanted.push(format!("aspiration.category_{}", c.as_str()));
            }
            for s in AspirationStatus::ALL {
                wanted.push(format!("aspiration.status_{}", s.as_str()));
                wanted.push(format!("aspiration.event_{}", s.as_str()));
            }
            wanted.push("aspiration.event_escalated".into());
            for t in ["aspiration_new", "aspiration_update", "aspiration_overdue"] {
                wanted.push(format!("notify.msg.{t}.title"));
                wanted.push(format!("notify.msg.{t}.body"));
            }
        }
        for t in [
            "events_invite",
            "events_confirmed",
            "events_waitlisted",
            "events_promoted",
            "events_reminder_day_before",
            "events_reminder_today",
        ] {
            wanted.push(format!("notify.msg.{t}.title"));
            wanted.push(format!("notify.msg.{t}.body"));
        }
        // Partnership governance (issue 16).
        for n in simpul_core::governance::Normalisation::ALL {
            wanted.push(n.message_key());
        }
        for l in crate::governance::awards::LEVELS {
            wanted.push(format!("gov.level.{l}"));
        }
        for k in crate::governance::agreements::KINDS {
            wanted.push(format!("gov.agreement_kind.{k}"));
        }
        for s in crate::governance::agreements::OBLIGATION_STATUSES {
            wanted.push(format!("gov.obligation_status.{s}"));
        }
        for s in ["active", "expiring", "ended", "upcoming"] {
            wanted.push(format!("gov.state_{s}"));
        }
        for p in crate::governance::report::PERIOD_KINDS {
            wanted.push(format!("gov.report_period.{p}"));
        }
        for t in [
            "gov_coaching_bimtek",
            "gov_coaching_visit",
            "gov_agreement_expiring",
        ] {
            wanted.push(format!("notify.msg.{t}.title"));
            wanted.push(format!("notify.msg.{t}.body"));
        }
        for s in ["queued", "sent", "delivered", "failed", "digest"] {
            wanted.push(format!("deliveries.status_{s}"));
        }
        for s in ["queued", "running", "done", "failed", "dead"] {
            wanted.push(format!("jobs.status_{s}"));
        }
        for k in crate::manifest::job_kinds() {
            wanted.push(format!("jobs.kind_{}", k.name.replace('.', "_")));
        }
        wanted.extend(
            SocialKind::ALL
                .iter()
                .map(|s| format!("social.{}", s.as_str())),
        );
        wanted.extend(
            SocialKind::ALL
                .iter()
                .map(|s| format!("kim.field_{}", s.as_str())),
        );
        wanted.extend(
            MemberRole::ALL
                .iter()
                .map(|s| format!("member_role.{}", s.as_str())),
        );
        wanted.extend(Gender::ALL.iter().map(|s| format!("gender.{}", s.as_str())));
        wanted.extend(
            AgeBand::ALL
                .iter()
                .map(|s| format!("age_band.{}", s.as_str())),
        );
        wanted.extend(
            simpul_core::Role::ALL
                .iter()
                .map(|r| format!("role.{}", r.as_str())),
        );
        wanted.extend(
            ["province", "regency", "district", "village"]
                .iter()
                .map(|l| format!("level.{l}")),
        );
        wanted.extend(
            ["ok", "exists", "error"]
                .iter()
                .map(|o| format!("import.outcome_{o}")),
        );
        {
            // The hoax clearing house's enumerations.
            use simpul_core::hoax::{self, ClaimStatus};
            wanted.extend(ClaimStatus::ALL.iter().map(|s| s.message_key()));
            wanted.extend(hoax::Channel::ALL.iter().map(|c| c.message_key()));
            wanted.extend(
                hoax::LabelSet::default()
                    .labels()
                    .iter()
                    .map(|l| l.message_key()),
            );
            wanted.extend(
                hoax::topics::TOPICS
                    .iter()
                    .map(|(t, _)| format!("hoax.topic.{t}"))
                    .chain(["hoax.topic.other".to_string()]),
            );
            wanted.extend(
                [
                    hoax::Reason::SameLink,
                    hoax::Reason::SameImage,
                    hoax::Reason::NearDuplicate,
                    hoax::Reason::SameWords,
                ]
                .iter()
                .map(|r| format!("hoax.reason.{}", r.as_str())),
            );
        }
        {
            // Dissemination's enumerations.
            use simpul_core::dissem::{self, programs};
            wanted.extend(dissem::PackageStatus::ALL.iter().map(|x| x.message_key()));
            wanted.extend(dissem::CaptionChannel::ALL.iter().map(|x| x.message_key()));
            wanted.extend(dissem::ReportChannel::ALL.iter().map(|x| x.message_key()));
            wanted.extend(dissem::Priority::ALL.iter().map(|x| x.message_key()));
            wanted.extend(dissem::TargetState::ALL.iter().map(|x| x.message_key()));
            wanted.extend(dissem::Review::ALL.iter().map(|x| x.message_key()));
            wanted.extend(dissem::Decision::ALL.iter().map(|x| x.message_key()));
            wanted.extend(programs::OverlapKind::ALL.iter().map(|x| x.message_key()));
            wanted.extend(
                programs::CHANNELS
                    .iter()
                    .map(|c| format!("dissem.program_channel.{c}")),
            );
            wanted.extend(
                [
                    "title",
                    "topic",
                    "office",
                    "key_messages",
                    "body",
                    "captions",
                    "video_link",
                    "targets",
                    "starts_on",
                    "ends_on",
                    "priority",
                    "period",
                ]
                .iter()
                .map(|f| format!("dissem.field.{f}")),
            );
        }
        let missing: Vec<&String> = wanted
            .iter()
            .filter(|k| !keys.contains(k.as_str()))
            .collect();
        assert!(missing.is_empty(), "labels missing: {missing:?}");
    }

    #[test]
    fn placeholders_are_filled() {
        let c = Catalog::load();
        let t = c.messages(Locale::En);
        assert_eq!(
            t.fmt("regions.children_count", &[("n", "3")]),
            "3 regions below"
        );
    }
}
