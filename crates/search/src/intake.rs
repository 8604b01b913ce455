//! What earlier cases mean for a new one (FED-11, GEN-5, GEN-6, FED-6, TWN-14): the judgement the
//! receiver sees at intake and huiyin records as flags. Pure: the caller finds the earlier cases
//! (the petitioner's history, and cases sharing an LSH band) and passes them in.

use chrono::{DateTime, Duration, Utc};
use huiyin_core::case::Channel;
use huiyin_core::event::Status;
use serde::Serialize;

use crate::minhash;

/// The thresholds of detection; an installation may set its own.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct DetectionRules {
    /// A statement at least this similar (0–1) to the same petitioner's earlier one is the same matter.
    pub repeat_similarity: f64,
    /// A settled earlier case of the same petitioner still makes a repeat for this many days.
    pub repeat_recent_days: i64,
    /// Other people's statements at least this similar are offered as one collective matter.
    pub collective_similarity: f64,
    /// … when received within this many days before.
    pub collective_window_days: i64,
}

impl Default for DetectionRules {
    fn default() -> Self {
        DetectionRules {
            repeat_similarity: 0.5,
            repeat_recent_days: 365,
            collective_similarity: 0.6,
            collective_window_days: 30,
        }
    }
}

impl DetectionRules {
    /// The rules if every threshold is in range, else the name of the first that is not.
    pub fn checked(self) -> Result<DetectionRules, &'static str> {
        if !(0.05..=1.0).contains(&self.repeat_similarity) {
            return Err("repeat_similarity");
        }
        if !(0.05..=1.0).contains(&self.collective_similarity) {
            return Err("collective_similarity");
        }
        if !(1..=3650).contains(&self.repeat_recent_days) {
            return Err("repeat_recent_days");
        }
        if !(1..=3650).contains(&self.collective_window_days) {
            return Err("collective_window_days");
        }
        Ok(self)
    }
}

/// An earlier case as the judgement needs it.
#[derive(Debug, Clone)]
pub struct EarlierCase<'a> {
    pub case_number: &'a str,
    pub status: Status,
    pub received_at: DateTime<Utc>,
    pub content: &'a str,
    /// Found by the petitioner's ID number, phone, or name and address.
    pub same_person: bool,
    /// The petitioner's time to ask for review or re-review has run out (GEN-5).
    pub request_lapsed: bool,
}

impl EarlierCase<'_> {
    /// The matter is final: re-reviewed, or replied with the time to ask for review lapsed (GEN-5).
    pub fn is_final(&self) -> bool {
        self.status == Status::Final || (self.request_lapsed && matches!(self.status, Status::Replied | Status::Closed))
    }
}

/// An earlier case that matters, with how alike its statement is.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Related {
    pub case_number: String,
    pub similarity: f64,
}

/// The judgement on a new statement.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Assessment {
    /// 重复访: the same petitioner's open or recent case on the same matter.
    pub repeat_of: Vec<Related>,
    /// 不再受理: the same petitioner's matter that is already final (GEN-5).
    pub final_matters: Vec<Related>,
    /// Other people's similar recent cases, to offer for linking as one collective matter (FED-6).
    pub collective: Vec<Related>,
}

impl Assessment {
    pub fn is_empty(&self) -> bool {
        self.repeat_of.is_empty() && self.final_matters.is_empty() && self.collective.is_empty()
    }
}

/// Judges a new statement received at `received_at` against earlier cases.
pub fn assess(
    content: &str,
    received_at: DateTime<Utc>,
    earlier: &[EarlierCase],
    rules: &DetectionRules,
) -> Assessment {
    let shingles = minhash::shingles(content);
    let mut out = Assessment::default();
    let mut seen = std::collections::BTreeSet::new();
    for case in earlier {
        if !seen.insert(case.case_number) {
            continue;
        }
        let similarity = minhash::overlap(&shingles, &minhash::shingles(case.content));
        let related =
            Related { case_number: case.case_number.to_owned(), similarity: (similarity * 100.0).round() / 100.0 };
        let age = received_at - case.received_at;
        if case.same_person {
            if similarity < rules.repeat_similarity {
                continue;
            }
            if case.is_final() {
                out.final_matters.push(related);
            } else if !Status::SETTLED.contains(&case.status) || age <= Duration::days(rules.repeat_recent_days) {
                out.repeat_of.push(related);
            }
        } else if similarity >= rules.collective_similarity && age <= Duration::days(rules.collective_window_days) {
            out.collective.push(related);
        }
    }
    for list in [&mut out.repeat_of, &mut out.final_matters, &mut out.collective] {
        list.sort_by(|a, b| b.similarity.total_cmp(&a.similarity).then_with(|| a.case_number.cmp(&b.case_number)));
    }
    out
}

/// 越级访 (GEN-6, TWN-14): a visit registered more than one level above the unit responsible for the
/// problem's place. `territory_and_above` lists that unit's code and then its ancestors' codes,
/// nearest first. Returns the unit the visit counts against.
pub fn skipped_levels<'a>(channel: Channel, registered_at: &str, territory_and_above: &'a [String]) -> Option<&'a str> {
    if channel != Channel::Visit {
        return None;
    }
    let levels_up = territory_and_above.iter().position(|code| code == registered_at)?;
    (levels_up >= 2).then(|| territory_and_above[0].as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    const WAGES: &str = "在西山社区工地务工三个月,包工头拖欠工资共计一万二千元,多次讨要未果。";
    const WAGES_AGAIN: &str = "再次反映:我在西山社区工地干了三个月,包工头拖欠工资一万二千元,多次讨要仍未果。";
    const LIFT: &str = "西山社区小区物业长期不维修电梯,老人上下楼困难。";

    fn day(d: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_780_000_000 + d * 86_400, 0).unwrap_or_default()
    }

    fn earlier<'a>(number: &'a str, content: &'a str, status: Status, at: i64, same: bool) -> EarlierCase<'a> {
        EarlierCase {
            case_number: number,
            status,
            received_at: day(at),
            content,
            same_person: same,
            request_lapsed: false,
        }
    }

    #[test]
    fn fed_11_a_restated_matter_of_the_same_person_is_a_repeat_and_another_matter_is_not() {
        let cases =
            [earlier("XS-1", WAGES, Status::Accepted, 0, true), earlier("XS-2", LIFT, Status::Accepted, 0, true)];
        let a = assess(WAGES_AGAIN, day(10), &cases, &DetectionRules::default());
        assert_eq!(a.repeat_of.len(), 1, "{a:?}");
        assert_eq!(a.repeat_of[0].case_number, "XS-1");
        assert!(a.final_matters.is_empty() && a.collective.is_empty());
    }

    #[test]
    fn fed_11_a_settled_case_long_ago_is_not_a_repeat() {
        let cases = [earlier("XS-1", WAGES, Status::Closed, 0, true)];
        let rules = DetectionRules { repeat_recent_days: 90, ..DetectionRules::default() };
        assert!(assess(WAGES_AGAIN, day(200), &cases, &rules).is_empty());
        assert_eq!(assess(WAGES_AGAIN, day(20), &cases, &rules).repeat_of.len(), 1);
    }

    #[test]
    fn gen_5_the_same_matter_after_re_review_or_a_lapsed_request_is_final() {
        let final_case = earlier("XS-1", WAGES, Status::Final, 0, true);
        let mut lapsed = earlier("XS-2", WAGES, Status::Replied, 0, true);
        lapsed.request_lapsed = true;
        let a = assess(WAGES_AGAIN, day(400), &[final_case, lapsed], &DetectionRules::default());
        let numbers: Vec<&str> = a.final_matters.iter().map(|r| r.case_number.as_str()).collect();
        assert_eq!(numbers.len(), 2, "{a:?}");
        assert!(a.repeat_of.is_empty());
    }

    #[test]
    fn fed_6_similar_cases_of_other_people_in_the_window_are_offered_as_collective() {
        let cases = [
            earlier("XS-1", WAGES, Status::Registered, 0, false),
            earlier("XS-2", WAGES, Status::Registered, -60, false),
        ];
        let a = assess(WAGES, day(1), &cases, &DetectionRules::default());
        assert_eq!(a.collective.iter().map(|r| r.case_number.as_str()).collect::<Vec<_>>(), ["XS-1"]);
        assert!(a.repeat_of.is_empty());
    }

    #[test]
    fn gen_6_a_visit_two_levels_above_the_place_skips_levels() {
        let chain: Vec<String> = ["DP", "XZ", "QX"].iter().map(|c| c.to_string()).collect();
        assert_eq!(skipped_levels(Channel::Visit, "QX", &chain), Some("DP"));
        assert_eq!(skipped_levels(Channel::Visit, "XZ", &chain), None, "one level up is allowed");
        assert_eq!(skipped_levels(Channel::Visit, "DP", &chain), None);
        assert_eq!(skipped_levels(Channel::Letter, "QX", &chain), None, "only visits skip levels");
        assert_eq!(skipped_levels(Channel::Visit, "XS", &chain), None, "not above the place");
    }

    #[test]
    fn thresholds_out_of_range_are_named() {
        let bad = DetectionRules { collective_similarity: 1.5, ..DetectionRules::default() };
        assert_eq!(bad.checked(), Err("collective_similarity"));
        assert!(DetectionRules::default().checked().is_ok());
    }
}
