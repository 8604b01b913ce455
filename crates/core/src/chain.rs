//! 防篡改记录 (issue 23; FED-13, COM-4): what a record of the file is, as hashed into its chains.
//!
//! Every case event, personal-data view and administration event is hashed as it is written. A
//! case's events form a chain of their own (each event's link covers the one before it), and every
//! record of a day, of every kind, is linked in the order written into that day's chain (the
//! ledger). An edited record no longer matches its hash; a removed one leaves its link pointing at
//! nothing, or the links after it broken; a reordered one breaks the links. A day's last link is
//! its final hash, printed for a paper register or the level above, which a later check compares.
//!
//! The text hashed is backend-neutral: instants to the microsecond (PostgreSQL keeps no finer) in
//! UTC, JSON with its keys sorted (PostgreSQL's `jsonb` keeps its own order), so that a database
//! moved between backends keeps its hashes.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// What kind of record an entry of the ledger is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecordKind {
    /// A case event (`case_id`, `seq`).
    Event,
    /// A personal-data view (its id).
    View,
    /// An administration event (its id).
    Admin,
}

impl RecordKind {
    pub fn code(self) -> &'static str {
        match self {
            RecordKind::Event => "event",
            RecordKind::View => "view",
            RecordKind::Admin => "admin",
        }
    }

    pub fn parse(code: &str) -> Option<RecordKind> {
        [RecordKind::Event, RecordKind::View, RecordKind::Admin].into_iter().find(|k| k.code() == code)
    }
}

/// An instant as hashed: UTC, to the microsecond.
pub fn instant(at: DateTime<Utc>) -> String {
    use chrono::SubsecRound;
    at.trunc_subsecs(6).to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// JSON with every object's keys in order, whatever order it was stored in.
fn sorted(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let mut out = serde_json::Map::new();
            for key in keys {
                out.insert(key.clone(), sorted(&map[key]));
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
        other => other.clone(),
    }
}

/// The canonical text of a list of values (a JSON array with sorted keys), which says where each
/// value begins and ends.
fn canonical(values: &[Value]) -> String {
    // A map's keys come out in the order they were put in (sorted above), whichever way serde_json
    // keeps its maps.
    Value::Array(values.iter().map(sorted).collect()).to_string()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn sha256(text: &str) -> String {
    hex(&Sha256::digest(text.as_bytes()))
}

/// A case event as hashed.
pub struct EventRecord<'a> {
    pub case_id: i64,
    pub seq: i64,
    pub kind: &'a str,
    pub occurred_at: DateTime<Utc>,
    pub recorded_at: DateTime<Utc>,
    pub actor_id: Option<i64>,
    pub note: Option<&'a str>,
    pub payload: &'a Value,
}

impl EventRecord<'_> {
    /// The event's own hash.
    pub fn hash(&self) -> String {
        sha256(&canonical(&[
            Value::from("event"),
            Value::from(self.case_id),
            Value::from(self.seq),
            Value::from(self.kind),
            Value::from(instant(self.occurred_at)),
            Value::from(instant(self.recorded_at)),
            Value::from(self.actor_id),
            Value::from(self.note),
            self.payload.clone(),
        ]))
    }
}

/// A personal-data view as hashed (COM-4).
pub struct ViewRecord<'a> {
    pub id: i64,
    pub user_id: i64,
    pub case_id: i64,
    pub viewed_at: DateTime<Utc>,
    pub purpose: &'a str,
}

impl ViewRecord<'_> {
    pub fn hash(&self) -> String {
        sha256(&canonical(&[
            Value::from("view"),
            Value::from(self.id),
            Value::from(self.user_id),
            Value::from(self.case_id),
            Value::from(instant(self.viewed_at)),
            Value::from(self.purpose),
        ]))
    }
}

/// An administration event as hashed.
pub struct AdminRecord<'a> {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub action: &'a str,
    pub target: &'a str,
    pub before: Option<&'a str>,
    pub after: Option<&'a str>,
    pub address: Option<&'a str>,
}

impl AdminRecord<'_> {
    pub fn hash(&self) -> String {
        sha256(&canonical(&[
            Value::from("admin"),
            Value::from(self.id),
            Value::from(instant(self.at)),
            Value::from(self.actor_id),
            Value::from(self.unit_id),
            Value::from(self.action),
            Value::from(self.target),
            Value::from(self.before),
            Value::from(self.after),
            Value::from(self.address),
        ]))
    }
}

/// The link after `previous` (none for a chain's first) to a record of hash `record`.
pub fn link(previous: Option<&str>, record: &str) -> String {
    sha256(&format!("{}:{record}", previous.unwrap_or("")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(payload: &Value, note: Option<&'static str>) -> String {
        EventRecord {
            case_id: 7,
            seq: 2,
            kind: "accepted",
            occurred_at: "2026-11-20T09:05:00.123456789Z".parse().unwrap(),
            recorded_at: "2026-11-20T09:05:01Z".parse().unwrap(),
            actor_id: Some(3),
            note,
            payload,
        }
        .hash()
    }

    /// FED-13: the same event hashes the same whichever order its JSON keys were kept in and
    /// whether its instants kept nanoseconds; any change of a value changes the hash.
    #[test]
    fn fed_13_an_event_hashes_the_same_on_both_backends_and_differently_when_changed() {
        let kept = event(&serde_json::json!({"b": 1, "a": {"y": 2, "x": [1, {"d": 3, "c": 4}]}}), None);
        let reordered = event(&serde_json::json!({"a": {"x": [1, {"c": 4, "d": 3}], "y": 2}, "b": 1}), None);
        assert_eq!(kept, reordered);
        let at: DateTime<Utc> = "2026-11-20T09:05:00.123456Z".parse().unwrap();
        assert_eq!(instant(at), "2026-11-20T09:05:00.123456Z");
        assert_ne!(kept, event(&serde_json::json!({"b": 2, "a": {"y": 2, "x": [1, {"d": 3, "c": 4}]}}), None));
        assert_ne!(kept, event(&serde_json::json!({"b": 1, "a": {"y": 2, "x": [1, {"d": 3, "c": 4}]}}), Some("")));
    }

    /// A link depends on the one before: the same records in another order end on another hash.
    #[test]
    fn fed_13_links_follow_the_order_of_the_records() {
        let (a, b) = (sha256("a"), sha256("b"));
        let ab = link(Some(&link(None, &a)), &b);
        let ba = link(Some(&link(None, &b)), &a);
        assert_ne!(ab, ba);
        assert_eq!(ab, link(Some(&link(None, &a)), &b));
    }
}
