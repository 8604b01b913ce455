//! 会议 (DEM-3, DEM-4, DEM-5): a meeting of one of a community's three bodies — when and where, its
//! agenda, who convened it (the congress: the committee, or at least the rule's share of the sitting
//! representatives, whose request and signers are counted) — then held: who of the sitting members
//! attended and whether that is a quorum under the rules it was held under, and the decisions taken
//! on its agenda with their votes, passed by the rules' majority of those present, never without a
//! quorum.

use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

use crate::community_body::{BodyKind, BodyRules};
use crate::{FieldError, Invalid, ValidationErrors, text};

/// The most agenda items one meeting takes.
pub const MAX_AGENDA: usize = 30;

/// Who convened a meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ConvenedBy {
    /// 社区居民委员会: the committee's own meetings, and the congress as the committee convenes it.
    Committee,
    /// 议事协商会主任: the council (DEM-4).
    Chair,
    /// 三分之一以上居民代表提议: the congress, on the representatives' request (DEM-3).
    Representatives,
}

impl ConvenedBy {
    pub fn code(self) -> &'static str {
        match self {
            ConvenedBy::Committee => "committee",
            ConvenedBy::Chair => "chair",
            ConvenedBy::Representatives => "representatives",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            ConvenedBy::Committee => "社区居民委员会召集",
            ConvenedBy::Chair => "议事协商会主任召集",
            ConvenedBy::Representatives => "居民代表联名提议召开",
        }
    }

    pub fn parse(field: &str, raw: &str) -> Result<ConvenedBy, FieldError> {
        let raw = raw.trim();
        [ConvenedBy::Committee, ConvenedBy::Chair, ConvenedBy::Representatives]
            .into_iter()
            .find(|c| c.code() == raw)
            .ok_or_else(|| {
                let allowed =
                    "committee(居委会召集)、chair(议事协商会主任召集)、representatives(居民代表联名提议)".into();
                FieldError::new(field, Invalid::NotAChoice { allowed })
            })
    }

    /// Who may convene each body: the committee meets as it convenes itself (DEM-5), the council is
    /// convened by its chair (DEM-4), the congress by the committee or the representatives (DEM-3).
    pub fn may_convene(self, body: BodyKind) -> bool {
        matches!(
            (body, self),
            (BodyKind::Committee, ConvenedBy::Committee)
                | (BodyKind::Council, ConvenedBy::Chair)
                | (BodyKind::Congress, ConvenedBy::Committee | ConvenedBy::Representatives)
        )
    }
}

/// A meeting as typed when it is called.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeetingDraft {
    /// `committee`, `council` or `congress`.
    pub body: Option<String>,
    /// YYYY-MM-DD.
    pub day: Option<String>,
    /// HH:MM, optional.
    pub starts: Option<String>,
    pub place: Option<String>,
    /// The matters to discuss and decide, one per item.
    pub agenda: Option<Vec<String>>,
    /// `committee`, `chair` or `representatives` (the congress on the representatives' request).
    pub convened_by: Option<String>,
    /// The representatives who signed the request (their member ids), when `representatives`.
    pub signers: Option<Vec<i64>>,
    /// Matters raised for the body and not yet on an agenda (their ids), put on this meeting's
    /// agenda after the items typed.
    pub matters: Option<Vec<i64>>,
}

/// A meeting called, checked (the signers still to be counted against the sitting representatives).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingFields {
    pub body: BodyKind,
    pub day: NaiveDate,
    pub starts: Option<NaiveTime>,
    pub place: String,
    pub agenda: Vec<String>,
    pub convened_by: ConvenedBy,
    pub signers: Vec<i64>,
    /// The matters to put on the agenda, each once.
    pub matters: Vec<i64>,
}

impl MeetingDraft {
    /// The fields, or every mistake on its field: the day within ten years before `today` and a
    /// year after it, the convener one the body has, a request by the representatives naming its
    /// signers (each once), and signers only for such a request.
    pub fn parse(&self, today: NaiveDate) -> Result<MeetingFields, ValidationErrors> {
        let mut errors = Vec::new();
        let body = match self.body.as_deref() {
            None => Err(FieldError::new("body", Invalid::Required)),
            Some(raw) => BodyKind::parse("body", raw),
        }
        .map_err(|e| errors.push(e))
        .ok();
        let day = match self.day.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
            None => Err(FieldError::new("day", Invalid::Required)),
            Some(raw) => meeting_day(raw, today),
        }
        .map_err(|e| errors.push(e))
        .ok();
        let starts = match self.starts.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(raw) => NaiveTime::parse_from_str(raw, "%H:%M")
                .map_err(|_| errors.push(FieldError::new("starts", Invalid::HoursFormat)))
                .ok(),
        };
        let place =
            text::required("place", self.place.as_deref(), text::limits::PLACE).map_err(|e| errors.push(e)).ok();
        let mut agenda = Vec::new();
        for (i, item) in self.agenda.iter().flatten().enumerate() {
            match text::optional(&format!("agenda.{i}"), Some(item), text::limits::REASON) {
                Ok(Some(item)) => agenda.push(item),
                Ok(None) => {}
                Err(e) => errors.push(e),
            }
        }
        let mut matters: Vec<i64> = self.matters.clone().unwrap_or_default();
        matters.sort_unstable();
        matters.dedup();
        if agenda.is_empty() && matters.is_empty() {
            errors.push(FieldError::new("agenda", Invalid::Required));
        }
        if agenda.len() + matters.len() > MAX_AGENDA {
            let max = i64::try_from(MAX_AGENDA).unwrap_or(i64::MAX);
            errors.push(FieldError::new("agenda", Invalid::OutOfRange { min: 1, max }));
        }
        let convened_by = match self.convened_by.as_deref() {
            None => Err(FieldError::new("convened_by", Invalid::Required)),
            Some(raw) => ConvenedBy::parse("convened_by", raw),
        }
        .map_err(|e| errors.push(e))
        .ok();
        if let (Some(body), Some(by)) = (body, convened_by)
            && !by.may_convene(body)
        {
            let allowed = match body {
                BodyKind::Committee => "committee(居委会召集)",
                BodyKind::Council => "chair(议事协商会主任召集)",
                BodyKind::Congress => "committee(居委会召集)、representatives(三分之一以上居民代表联名提议)",
            };
            errors.push(FieldError::new("convened_by", Invalid::NotAChoice { allowed: allowed.into() }));
        }
        let mut signers: Vec<i64> = self.signers.clone().unwrap_or_default();
        signers.sort_unstable();
        let before = signers.len();
        signers.dedup();
        if signers.len() != before {
            errors.push(FieldError::new("signers", Invalid::AlreadyExists));
        }
        if convened_by == Some(ConvenedBy::Representatives) && signers.is_empty() {
            errors.push(FieldError::new("signers", Invalid::Required));
        }
        if convened_by.is_some_and(|by| by != ConvenedBy::Representatives) && !signers.is_empty() {
            // Ticked signers with another convener: the request was meant, or the ticks were not.
            let allowed = "居民代表联名提议召开时才勾选联名的居民代表".into();
            errors.push(FieldError::new("signers", Invalid::NotAChoice { allowed }));
        }
        match (ValidationErrors::from_vec(errors), body, day, place, convened_by) {
            (None, Some(body), Some(day), Some(place), Some(convened_by)) => {
                Ok(MeetingFields { body, day, starts, place, agenda, convened_by, signers, matters })
            }
            (Some(errors), ..) => Err(errors),
            _ => Err(FieldError::new("body", Invalid::Required).into()),
        }
    }
}

/// A meeting's day: a real day (four-digit year), not more than ten years back (a meeting recorded
/// afterwards) nor more than a year ahead.
fn meeting_day(raw: &str, today: NaiveDate) -> Result<NaiveDate, FieldError> {
    let wrong = || FieldError::new("day", Invalid::DateFormat);
    if raw.len() != 10 || !raw.starts_with(|c: char| c.is_ascii_digit()) {
        return Err(wrong());
    }
    let day = NaiveDate::parse_from_str(raw, "%Y-%m-%d").map_err(|_| wrong())?;
    let back = crate::calendar::RECORD_YEARS_BACK;
    if day < today - chrono::Duration::days(366 * back) {
        return Err(FieldError::new("day", Invalid::TooFarBack { years: back }));
    }
    if day > today + chrono::Duration::days(366) {
        let allowed = "一年以内的日期".into();
        return Err(FieldError::new("day", Invalid::NotAChoice { allowed }));
    }
    Ok(day)
}

/// The earliest day a meeting called on `today` may be held, when `day` is sooner than the rules'
/// notice period allows (a meeting is noticed that many days ahead, DEM-6); `None` when the notice
/// is long enough, or when the meeting is recorded afterwards (its day before `today`).
pub fn notice_short(rules: &BodyRules, today: NaiveDate, day: NaiveDate) -> Option<NaiveDate> {
    let earliest = today + chrono::Duration::days(i64::from(rules.notice_days));
    (day > today && day < earliest).then_some(earliest)
}

/// Where a matter for the council or the congress came from (DEM ¶4: 社区居委会、居民代表、居民
/// 提出的议题), or the case it was referred from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum MatterSource {
    /// 社区居民委员会提出.
    Committee,
    /// 居民代表提出.
    Representative,
    /// 居民提出.
    Resident,
    /// 信访事项提交议事: a case referred by a supervisor.
    Case,
}

impl MatterSource {
    pub fn code(self) -> &'static str {
        match self {
            MatterSource::Committee => "committee",
            MatterSource::Representative => "representative",
            MatterSource::Resident => "resident",
            MatterSource::Case => "case",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            MatterSource::Committee => "社区居民委员会提出",
            MatterSource::Representative => "居民代表提出",
            MatterSource::Resident => "居民提出",
            MatterSource::Case => "信访事项提交议事",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            MatterSource::Committee => "Raised by the residents' committee",
            MatterSource::Representative => "Raised by a representative",
            MatterSource::Resident => "Raised by a resident",
            MatterSource::Case => "Referred from a petition",
        }
    }

    /// Any source as kept.
    pub fn from_code(raw: &str) -> Option<MatterSource> {
        [MatterSource::Committee, MatterSource::Representative, MatterSource::Resident, MatterSource::Case]
            .into_iter()
            .find(|s| s.code() == raw)
    }

    /// A source a matter is raised by directly (a case is referred, not raised).
    pub fn parse(field: &str, raw: &str) -> Result<MatterSource, FieldError> {
        MatterSource::from_code(raw.trim()).filter(|s| *s != MatterSource::Case).ok_or_else(|| {
            let allowed = "committee(居委会提出)、representative(居民代表提出)、resident(居民提出)".into();
            FieldError::new(field, Invalid::NotAChoice { allowed })
        })
    }
}

/// A matter raised for the council or the congress to discuss and decide, or a case referred to one
/// of them (then `source` is not typed: it is the case).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MatterDraft {
    /// `council` or `congress`.
    pub body: Option<String>,
    /// The matter as it goes on the agenda, e.g. 3号楼加装电梯方案.
    pub subject: Option<String>,
    /// Why it goes to the body: what is asked, or why a case needs the body's decision.
    pub reason: Option<String>,
    /// `committee`, `representative` or `resident`; not for a case.
    pub source: Option<String>,
    /// Who raised it (a resident's or representative's name); kept for the committee, never
    /// published.
    pub raised_by_name: Option<String>,
}

/// A matter, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatterFields {
    pub body: BodyKind,
    pub subject: String,
    pub reason: String,
    pub source: MatterSource,
    pub raised_by_name: Option<String>,
}

impl MatterDraft {
    /// The fields, or every mistake on its field: a matter goes to the council or the congress (the
    /// committee takes its own work); a subject and a reason; a resident's or representative's
    /// matter names who raised it. `case` when a case is referred.
    pub fn parse(&self, case: bool) -> Result<MatterFields, ValidationErrors> {
        let mut errors = Vec::new();
        let body = match self.body.as_deref() {
            None => Err(FieldError::new("body", Invalid::Required)),
            Some(raw) => BodyKind::parse("body", raw).and_then(|b| {
                if b == BodyKind::Committee {
                    let allowed = "council(议事协商会)、congress(居民代表大会)".into();
                    Err(FieldError::new("body", Invalid::NotAChoice { allowed }))
                } else {
                    Ok(b)
                }
            }),
        }
        .map_err(|e| errors.push(e))
        .ok();
        let subject =
            text::required("subject", self.subject.as_deref(), text::limits::PLACE).map_err(|e| errors.push(e)).ok();
        let reason =
            text::required("reason", self.reason.as_deref(), text::limits::REASON).map_err(|e| errors.push(e)).ok();
        let source = if case {
            Some(MatterSource::Case)
        } else {
            match self.source.as_deref() {
                None => Err(FieldError::new("source", Invalid::Required)),
                Some(raw) => MatterSource::parse("source", raw),
            }
            .map_err(|e| errors.push(e))
            .ok()
        };
        let raised_by_name = text::optional("raised_by_name", self.raised_by_name.as_deref(), text::limits::NAME)
            .map_err(|e| errors.push(e))
            .ok()
            .flatten()
            .filter(|_| matches!(source, Some(MatterSource::Resident | MatterSource::Representative)));
        if matches!(source, Some(MatterSource::Resident | MatterSource::Representative)) && raised_by_name.is_none() {
            errors.push(FieldError::new("raised_by_name", Invalid::Required));
        }
        match (ValidationErrors::from_vec(errors), body, subject, reason, source) {
            (None, Some(body), Some(subject), Some(reason), Some(source)) => {
                Ok(MatterFields { body, subject, reason, source, raised_by_name })
            }
            (Some(errors), ..) => Err(errors),
            _ => Err(FieldError::new("body", Invalid::Required).into()),
        }
    }
}

/// Whether the representatives' request convenes the congress: at least the rules' share of the
/// representatives sitting (DEM-3: 三分之一以上). `signed` counts the signers who are sitting
/// representatives; `sitting` all of them.
pub fn request_stands(rules: &BodyRules, signed: u32, sitting: u32) -> bool {
    rules.convene_share.is_some_and(|share| share.reached(signed, sitting))
}

/// Whether those present make a quorum of the sitting members under the rules.
pub fn quorum(rules: &BodyRules, present: u32, sitting: u32) -> bool {
    rules.quorum.reached(present, sitting)
}

/// A decision as typed: the agenda item, what was decided, the votes.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DecisionDraft {
    /// The agenda item it decides (its place in the agenda, from 0).
    pub item: Option<usize>,
    /// What was decided (决定事项).
    pub text: Option<String>,
    pub votes_for: Option<u32>,
    pub votes_against: Option<u32>,
    pub abstentions: Option<u32>,
}

/// A decision, checked and counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecisionFields {
    pub item: usize,
    pub text: String,
    pub votes_for: u32,
    pub votes_against: u32,
    pub abstentions: u32,
    /// Passed by the rules' majority of those present.
    pub passed: bool,
}

impl DecisionDraft {
    /// The fields, or every mistake on its field: an item of the agenda, no more votes than those
    /// present; passed when the votes for are the rules' majority of those present. A meeting without
    /// a quorum decides nothing (refused on `votes_for`).
    pub fn parse(
        &self,
        agenda_len: usize,
        rules: &BodyRules,
        present: u32,
        quorate: bool,
    ) -> Result<DecisionFields, ValidationErrors> {
        let mut errors = Vec::new();
        let item = match self.item {
            None => {
                errors.push(FieldError::new("item", Invalid::Required));
                None
            }
            Some(i) if i >= agenda_len => {
                let max = i64::try_from(agenda_len).unwrap_or(i64::MAX).saturating_sub(1);
                errors.push(FieldError::new("item", Invalid::OutOfRange { min: 0, max }));
                None
            }
            i => i,
        };
        let text = text::required("text", self.text.as_deref(), text::limits::NOTE).map_err(|e| errors.push(e)).ok();
        let count = |field: &str, v: Option<u32>, errors: &mut Vec<FieldError>| {
            if v.is_none() && field == "votes_for" {
                errors.push(FieldError::new(field, Invalid::Required));
            }
            v.unwrap_or(0)
        };
        let votes_for = count("votes_for", self.votes_for, &mut errors);
        let votes_against = count("votes_against", self.votes_against, &mut errors);
        let abstentions = count("abstentions", self.abstentions, &mut errors);
        let cast = u64::from(votes_for) + u64::from(votes_against) + u64::from(abstentions);
        if cast > u64::from(present) {
            errors.push(FieldError::new("votes_for", Invalid::OutOfRange { min: 0, max: i64::from(present) }));
        }
        if !quorate {
            errors.push(FieldError::new("votes_for", Invalid::NoQuorum));
        }
        match (ValidationErrors::from_vec(errors), item, text) {
            (None, Some(item), Some(text)) => Ok(DecisionFields {
                item,
                text,
                votes_for,
                votes_against,
                abstentions,
                passed: rules.majority.reached(votes_for, present),
            }),
            (Some(errors), ..) => Err(errors),
            _ => Err(FieldError::new("item", Invalid::Required).into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::community_body::Share;

    fn called(body: &str, by: &str, signers: Option<Vec<i64>>) -> MeetingDraft {
        MeetingDraft {
            body: Some(body.into()),
            day: Some("2026-12-20".into()),
            starts: Some("19:00".into()),
            place: Some("社区议事厅".into()),
            agenda: Some(vec!["加装电梯方案".into(), " ".into()]),
            convened_by: Some(by.into()),
            signers,
            matters: None,
        }
    }

    #[test]
    fn dem_3_dem_4_each_body_is_convened_by_whom_the_seed_names() {
        let today: NaiveDate = "2026-12-07".parse().unwrap();
        assert!(called("council", "chair", None).parse(today).is_ok(), "DEM-4: the chair convenes the council");
        assert_eq!(called("council", "committee", None).parse(today).unwrap_err().first().field, "convened_by");
        assert!(
            called("congress", "committee", None).parse(today).is_ok(),
            "DEM-3: the committee convenes the congress"
        );
        let request = called("congress", "representatives", None);
        assert_eq!(request.parse(today).unwrap_err().first().field, "signers", "a request names its signers");
        let fields = called("congress", "representatives", Some(vec![3, 1, 2])).parse(today).unwrap();
        assert_eq!((fields.signers, fields.agenda.len()), (vec![1, 2, 3], 1), "blank items dropped");
        let twice = called("congress", "representatives", Some(vec![1, 1])).parse(today).unwrap_err();
        assert_eq!(twice.first().field, "signers", "each signer once");
        let stray = called("congress", "committee", Some(vec![1])).parse(today).unwrap_err();
        assert_eq!(stray.first().field, "signers", "ticks without a request are not dropped unseen");
        for day in ["-5000-01-01", "+20266-12-20", "2016-01-01", "2028-01-01"] {
            let wrong = MeetingDraft { day: Some(day.into()), ..called("council", "chair", None) };
            assert_eq!(wrong.parse(today).unwrap_err().first().field, "day", "{day}");
        }
    }

    #[test]
    fn dem_3_a_third_of_the_sitting_representatives_convene_the_congress() {
        let rules = BodyKind::Congress.default_rules();
        assert!(!request_stands(&rules, 2, 9), "two of nine is less than a third");
        assert!(request_stands(&rules, 3, 9), "three of nine is a third");
        assert!(!request_stands(&BodyKind::Council.default_rules(), 9, 9), "only the congress is convened so");
    }

    #[test]
    fn dem_6_a_meeting_is_noticed_the_rules_days_ahead() {
        let rules = BodyKind::Congress.default_rules();
        let today: NaiveDate = "2026-12-07".parse().unwrap();
        let day = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert_eq!(notice_short(&rules, today, day("2026-12-10")), Some(day("2026-12-14")), "seven days");
        assert_eq!(notice_short(&rules, today, today), None, "held today, recorded as not noticed ahead");
        assert_eq!(notice_short(&rules, today, day("2026-12-14")), None);
        assert_eq!(notice_short(&rules, today, day("2026-12-01")), None, "a meeting recorded afterwards");
    }

    #[test]
    fn dem_4_a_matter_goes_to_the_council_or_the_congress_with_who_raised_it() {
        let draft = MatterDraft {
            body: Some("council".into()),
            subject: Some("3号楼加装电梯".into()),
            reason: Some("居民联名提出".into()),
            source: Some("resident".into()),
            raised_by_name: None,
        };
        assert_eq!(draft.parse(false).unwrap_err().first().field, "raised_by_name", "a resident is named");
        let named = MatterDraft { raised_by_name: Some("李四".into()), ..draft.clone() }.parse(false).unwrap();
        assert_eq!((named.source, named.raised_by_name.as_deref()), (MatterSource::Resident, Some("李四")));
        let referred = MatterDraft { source: Some("resident".into()), ..draft.clone() }.parse(true).unwrap();
        assert_eq!((referred.source, referred.raised_by_name), (MatterSource::Case, None), "a case names no one");
        let committee = MatterDraft { body: Some("committee".into()), ..draft.clone() };
        assert_eq!(committee.parse(true).unwrap_err().first().field, "body");
        let typed_case = MatterDraft { source: Some("case".into()), ..draft };
        assert_eq!(typed_case.parse(false).unwrap_err().first().field, "source", "a case is referred, not typed");
    }

    #[test]
    fn dem_4_a_meeting_without_a_quorum_decides_nothing() {
        let rules = BodyRules { quorum: Share::TwoThirds, ..BodyKind::Council.default_rules() };
        assert!(!quorum(&rules, 5, 9) && quorum(&rules, 6, 9));
        let vote = DecisionDraft {
            item: Some(0),
            text: Some("同意加装电梯方案".into()),
            votes_for: Some(4),
            votes_against: Some(1),
            abstentions: None,
        };
        let refused = vote.parse(1, &rules, 5, quorum(&rules, 5, 9)).unwrap_err();
        assert_eq!(refused.first().code(), "no_quorum");
        let passed = DecisionDraft { votes_for: Some(4), ..vote.clone() }.parse(1, &rules, 6, true).unwrap();
        assert!(passed.passed, "four of six present is more than half");
        let failed = DecisionDraft { votes_for: Some(3), ..vote.clone() }.parse(1, &rules, 6, true).unwrap();
        assert!(!failed.passed, "three of six is not more than half");
        let too_many = DecisionDraft { votes_for: Some(6), votes_against: Some(1), ..vote.clone() };
        assert_eq!(too_many.parse(1, &rules, 6, true).unwrap_err().first().field, "votes_for");
        assert_eq!(
            DecisionDraft { item: Some(1), ..vote }.parse(1, &rules, 6, true).unwrap_err().first().field,
            "item"
        );
    }
}
