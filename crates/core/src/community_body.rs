//! 社区民主管理的三个组织 (DEM-2 … DEM-5): the residents' committee (社区居民委员会), the
//! representatives' consultation council (社区居民代表议事协商会) and the residents' representatives'
//! congress (社区居民代表大会) — how often each meets (the seed's cadence), each body's own rules as
//! data with the defaults and their source, and its members as typed and checked.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::{FieldError, Invalid, ValidationErrors, text};

/// One of the three bodies of a community.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum BodyKind {
    /// 社区居民委员会: meets every month (DEM-5).
    Committee,
    /// 社区居民代表议事协商会: meets every quarter, convened by its chair (DEM-4).
    Council,
    /// 社区居民代表大会: meets twice a year, convened by the committee or by at least a third of the
    /// representatives (DEM-3); decides the community's major affairs.
    Congress,
}

impl BodyKind {
    pub const ALL: [BodyKind; 3] = [BodyKind::Committee, BodyKind::Council, BodyKind::Congress];

    pub fn code(self) -> &'static str {
        match self {
            BodyKind::Committee => "committee",
            BodyKind::Council => "council",
            BodyKind::Congress => "congress",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            BodyKind::Committee => "社区居民委员会",
            BodyKind::Council => "社区居民代表议事协商会",
            BodyKind::Congress => "社区居民代表大会",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            BodyKind::Committee => "Residents' committee",
            BodyKind::Council => "Representatives' consultation council",
            BodyKind::Congress => "Residents' representatives' congress",
        }
    }

    pub fn parse(field: &str, raw: &str) -> Result<BodyKind, FieldError> {
        let raw = raw.trim();
        BodyKind::ALL.into_iter().find(|k| k.code() == raw || k.label_zh() == raw).ok_or_else(|| {
            let allowed =
                "committee(社区居民委员会)、council(社区居民代表议事协商会)、congress(社区居民代表大会)".into();
            FieldError::new(field, Invalid::NotAChoice { allowed })
        })
    }

    /// How often it must meet, by the seed: the committee monthly (DEM-5), the council quarterly
    /// (DEM-4), the congress twice a year (DEM-3).
    pub fn cadence(self) -> Cadence {
        match self {
            BodyKind::Committee => Cadence { months: 1, meetings: 1 },
            BodyKind::Council => Cadence { months: 3, meetings: 1 },
            BodyKind::Congress => Cadence { months: 12, meetings: 2 },
        }
    }

    /// The rules it follows unless the community sets its own ([`BodyRules::default_for`]).
    pub fn default_rules(self) -> BodyRules {
        BodyRules::default_for(self)
    }
}

/// At least `meetings` meetings in every period of `months` calendar months (periods start in
/// January: months, quarters, the year).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Cadence {
    pub months: u32,
    pub meetings: u32,
}

/// One period of a cadence: its first day and the first day after it, and how it is named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    pub from: NaiveDate,
    pub before: NaiveDate,
    /// 2026年11月, 2026年第四季度, 2026年.
    pub label_zh: String,
}

impl Cadence {
    /// The last whole period before the one `today` falls in: last month, last quarter, last year.
    pub fn last_period(self, today: NaiveDate) -> Period {
        let months = self.months.clamp(1, 12);
        let month0 = (today.month0() / months) * months;
        let this = NaiveDate::from_ymd_opt(today.year(), month0 + 1, 1).unwrap_or(today);
        let from = this.checked_sub_months(chrono::Months::new(months)).unwrap_or(this);
        let label_zh = match months {
            1 => format!("{}年{}月", from.year(), from.month()),
            3 => format!("{}年第{}季度", from.year(), ["一", "二", "三", "四"][(from.month0() / 3) as usize % 4]),
            12 => format!("{}年", from.year()),
            m => format!("{}年{}月起{m}个月", from.year(), from.month()),
        };
        Period { from, before: this, label_zh }
    }

    /// Whether `held` meetings in a period fall short of it.
    pub fn missed(self, held: usize) -> bool {
        held < usize::try_from(self.meetings).unwrap_or(usize::MAX)
    }

    pub fn label_zh(self) -> String {
        match (self.months, self.meetings) {
            (1, 1) => "每月召开一次".into(),
            (3, 1) => "每季度召开一次".into(),
            (12, n) => format!("每年召开{}次", if n == 2 { "二".into() } else { n.to_string() }),
            (m, n) => format!("每{m}个月召开{n}次"),
        }
    }
}

/// A share of a whole, as the law and rules word it: 过半数 (more than half), 三分之二以上 (two thirds
/// or more) …
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Share {
    /// 过半数: more than half.
    MoreThanHalf,
    /// 三分之二以上: two thirds or more.
    TwoThirds,
    /// 四分之三以上: three quarters or more.
    ThreeQuarters,
    /// 三分之一以上: a third or more.
    OneThird,
    /// 五分之一以上: a fifth or more.
    OneFifth,
}

impl Share {
    pub const ALL: [Share; 5] =
        [Share::MoreThanHalf, Share::TwoThirds, Share::ThreeQuarters, Share::OneThird, Share::OneFifth];

    pub fn code(self) -> &'static str {
        match self {
            Share::MoreThanHalf => "more_than_half",
            Share::TwoThirds => "two_thirds",
            Share::ThreeQuarters => "three_quarters",
            Share::OneThird => "one_third",
            Share::OneFifth => "one_fifth",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Share::MoreThanHalf => "过半数",
            Share::TwoThirds => "三分之二以上",
            Share::ThreeQuarters => "四分之三以上",
            Share::OneThird => "三分之一以上",
            Share::OneFifth => "五分之一以上",
        }
    }

    pub fn parse(field: &str, raw: &str) -> Result<Share, FieldError> {
        let raw = raw.trim();
        Share::ALL.into_iter().find(|s| s.code() == raw || s.label_zh() == raw).ok_or_else(|| {
            let allowed = Share::ALL.iter().map(|s| format!("{}({})", s.code(), s.label_zh())).collect::<Vec<_>>();
            FieldError::new(field, Invalid::NotAChoice { allowed: allowed.join("、") })
        })
    }

    /// Whether `count` of `total` is this share: 过半数 is strictly more than half; “以上” counts the
    /// share itself (a third of 9 is 3). Nobody of nobody is never a share.
    pub fn reached(self, count: u32, total: u32) -> bool {
        if total == 0 {
            return false;
        }
        let (count, total) = (u64::from(count), u64::from(total));
        match self {
            Share::MoreThanHalf => count * 2 > total,
            Share::TwoThirds => count * 3 >= total * 2,
            Share::ThreeQuarters => count * 4 >= total * 3,
            Share::OneThird => count * 3 >= total,
            Share::OneFifth => count * 5 >= total,
        }
    }

    /// Whether this share is more than half at the least (过半数, 三分之二以上, 四分之三以上).
    pub fn at_least_half(self) -> bool {
        matches!(self, Share::MoreThanHalf | Share::TwoThirds | Share::ThreeQuarters)
    }

    /// The least count of `total` that is this share.
    pub fn least_of(self, total: u32) -> u32 {
        (0..=total).find(|n| self.reached(*n, total)).unwrap_or(total)
    }
}

/// The longest notice a rule may ask for, in days.
pub const MAX_NOTICE_DAYS: u32 = 60;

/// A body's own rules: who must be present for it to decide, what passes, how long before a
/// meeting the notice goes out, and for the congress the share of representatives who may convene it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BodyRules {
    /// Of the members (for the congress, the representatives), present for it to meet (法定人数).
    pub quorum: Share,
    /// Of those present, voting for a decision for it to pass.
    pub majority: Share,
    /// Days between the notice and the meeting.
    pub notice_days: u32,
    /// The congress only: the share of the representatives whose request convenes it (DEM-3).
    pub convene_share: Option<Share>,
}

impl BodyRules {
    /// The defaults, and where they come from (docs/DEMOCRACY.md):
    /// - quorum and majority 过半数 for all three: 《中华人民共和国城市居民委员会组织法》第九条
    ///   (a residents' meeting needs more than half present, its decisions more than half of
    ///   those present), which the congress of representatives follows; huiyin applies the same to
    ///   the council and the committee (第十一条: 少数服从多数), the seed being silent — and no
    ///   community may set less;
    /// - the congress convened by 三分之一以上 of the representatives: the seed (DEM-3);
    /// - notice 7 days for the congress, 3 for the council, 1 for the committee: huiyin's defaults
    ///   (neither the law nor the seed sets them), for each community to change.
    pub fn default_for(kind: BodyKind) -> BodyRules {
        let (notice_days, convene_share) = match kind {
            BodyKind::Committee => (1, None),
            BodyKind::Council => (3, None),
            BodyKind::Congress => (7, Some(Share::OneThird)),
        };
        BodyRules { quorum: Share::MoreThanHalf, majority: Share::MoreThanHalf, notice_days, convene_share }
    }
}

/// A body's rules as typed: every field given (the form shows the rules in force).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BodyRulesDraft {
    /// `more_than_half` (过半数), `two_thirds`, `three_quarters`, `one_third`, `one_fifth`.
    pub quorum: Option<String>,
    pub majority: Option<String>,
    /// 0 … 60.
    pub notice_days: Option<u32>,
    /// The congress only.
    pub convene_share: Option<String>,
}

impl BodyRulesDraft {
    pub fn parse(&self, kind: BodyKind) -> Result<BodyRules, ValidationErrors> {
        let mut errors = Vec::new();
        let share = |field: &str, raw: Option<&str>, errors: &mut Vec<FieldError>| match raw {
            None => {
                errors.push(FieldError::new(field, Invalid::Required));
                None
            }
            Some(raw) => Share::parse(field, raw).map_err(|e| errors.push(e)).ok(),
        };
        // The law's floor: a meeting is held with more than half present and decides by more than
        // half of those present (组织法第九条); a community may ask more, never less.
        let at_least_half = |field: &str, got: Option<Share>, errors: &mut Vec<FieldError>| {
            got.filter(|s| {
                let weak = !s.at_least_half();
                if weak {
                    let allowed = "过半数、三分之二以上、四分之三以上".into();
                    errors.push(FieldError::new(field, Invalid::NotAChoice { allowed }));
                }
                !weak
            })
        };
        let quorum = share("quorum", self.quorum.as_deref(), &mut errors);
        let quorum = at_least_half("quorum", quorum, &mut errors);
        let majority = share("majority", self.majority.as_deref(), &mut errors);
        let majority = at_least_half("majority", majority, &mut errors);
        let notice_days = match self.notice_days {
            None => {
                errors.push(FieldError::new("notice_days", Invalid::Required));
                None
            }
            Some(d) if d > MAX_NOTICE_DAYS => {
                errors.push(FieldError::new(
                    "notice_days",
                    Invalid::OutOfRange { min: 0, max: i64::from(MAX_NOTICE_DAYS) },
                ));
                None
            }
            d => d,
        };
        // The seed gives a third of the representatives the right to convene the congress: a rule
        // may ask fewer of them, never more (DEM-3).
        let convene_share = match kind {
            BodyKind::Congress => share("convene_share", self.convene_share.as_deref(), &mut errors).filter(|s| {
                let more = !matches!(s, Share::OneThird | Share::OneFifth);
                if more {
                    let allowed = "三分之一以上、五分之一以上".into();
                    errors.push(FieldError::new("convene_share", Invalid::NotAChoice { allowed }));
                }
                !more
            }),
            _ => None,
        };
        match (ValidationErrors::from_vec(errors), quorum, majority, notice_days) {
            (None, Some(quorum), Some(majority), Some(notice_days)) => {
                Ok(BodyRules { quorum, majority, notice_days, convene_share })
            }
            (Some(errors), ..) => Err(errors),
            _ => Err(FieldError::new("quorum", Invalid::Required).into()),
        }
    }
}

/// A member's place in a body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum MemberRole {
    /// 主任: the committee's head; the council's chair, who convenes it (DEM-4).
    Chair,
    /// 副主任.
    ViceChair,
    /// 委员 (the committee) or 成员 (the council).
    Member,
    /// 居民代表: a representative of households or buildings (the congress, and the council).
    Representative,
}

impl MemberRole {
    pub const ALL: [MemberRole; 4] =
        [MemberRole::Chair, MemberRole::ViceChair, MemberRole::Member, MemberRole::Representative];

    pub fn code(self) -> &'static str {
        match self {
            MemberRole::Chair => "chair",
            MemberRole::ViceChair => "vice_chair",
            MemberRole::Member => "member",
            MemberRole::Representative => "representative",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            MemberRole::Chair => "主任",
            MemberRole::ViceChair => "副主任",
            MemberRole::Member => "委员",
            MemberRole::Representative => "居民代表",
        }
    }

    pub fn parse(field: &str, raw: &str) -> Result<MemberRole, FieldError> {
        let raw = raw.trim();
        MemberRole::ALL.into_iter().find(|r| r.code() == raw || r.label_zh() == raw).ok_or_else(|| {
            let allowed = "chair(主任)、vice_chair(副主任)、member(委员)、representative(居民代表)".into();
            FieldError::new(field, Invalid::NotAChoice { allowed })
        })
    }
}

/// A member as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BodyMemberDraft {
    pub name: Option<String>,
    /// `chair` (主任), `vice_chair` (副主任), `member` (委员), `representative` (居民代表).
    pub role: Option<String>,
    /// Whom a representative speaks for: the households or buildings (e.g. 3号楼1—3单元), free text.
    pub represents: Option<String>,
    /// The term, YYYY-MM-DD: its first day and, if set, its last.
    pub term_from: Option<String>,
    pub term_to: Option<String>,
}

/// A member, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyMemberFields {
    pub name: String,
    pub role: MemberRole,
    pub represents: Option<String>,
    pub term_from: NaiveDate,
    pub term_to: Option<NaiveDate>,
}

impl BodyMemberDraft {
    /// The fields, or every mistake on its field: the congress's members are representatives, a
    /// term ends after it begins.
    pub fn parse(&self, kind: BodyKind) -> Result<BodyMemberFields, ValidationErrors> {
        let mut errors = Vec::new();
        let name = text::required("name", self.name.as_deref(), text::limits::NAME).map_err(|e| errors.push(e)).ok();
        let role = match self.role.as_deref() {
            None => Err(FieldError::new("role", Invalid::Required)),
            Some(raw) => MemberRole::parse("role", raw).and_then(|r| {
                if kind == BodyKind::Congress && r != MemberRole::Representative {
                    Err(FieldError::new("role", Invalid::NotAChoice { allowed: "representative(居民代表)".into() }))
                } else {
                    Ok(r)
                }
            }),
        }
        .map_err(|e| errors.push(e))
        .ok();
        let represents = text::optional("represents", self.represents.as_deref(), text::limits::PLACE)
            .map_err(|e| errors.push(e))
            .ok()
            .flatten();
        let day = |field: &str, raw: Option<&str>| match raw.map(str::trim).filter(|r| !r.is_empty()) {
            None => Ok(None),
            Some(r) => NaiveDate::parse_from_str(r, "%Y-%m-%d")
                .map(Some)
                .map_err(|_| FieldError::new(field, Invalid::DateFormat)),
        };
        let term_from = match day("term_from", self.term_from.as_deref()) {
            Ok(None) => {
                errors.push(FieldError::new("term_from", Invalid::Required));
                None
            }
            Ok(d) => d,
            Err(e) => {
                errors.push(e);
                None
            }
        };
        let term_to = day("term_to", self.term_to.as_deref()).map_err(|e| errors.push(e)).ok().flatten();
        if let (Some(from), Some(to)) = (term_from, term_to)
            && to <= from
        {
            errors.push(FieldError::new("term_to", Invalid::NotAfterStart));
        }
        match (ValidationErrors::from_vec(errors), name, role, term_from) {
            (None, Some(name), Some(role), Some(term_from)) => {
                Ok(BodyMemberFields { name, role, represents, term_from, term_to })
            }
            (Some(errors), ..) => Err(errors),
            _ => Err(FieldError::new("name", Invalid::Required).into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dem_3_dem_4_dem_5_each_body_has_the_seeds_cadence() {
        assert_eq!(BodyKind::Committee.cadence().label_zh(), "每月召开一次");
        assert_eq!(BodyKind::Council.cadence().label_zh(), "每季度召开一次");
        assert_eq!(BodyKind::Congress.cadence().label_zh(), "每年召开二次");
        assert_eq!(BodyKind::parse("kind", "社区居民代表大会"), Ok(BodyKind::Congress));
    }

    #[test]
    fn dem_3_dem_4_dem_5_the_last_whole_period_is_judged() {
        let day = |s: &str| s.parse::<NaiveDate>().unwrap();
        let month = BodyKind::Committee.cadence().last_period(day("2027-01-05"));
        assert_eq!(
            (month.from, month.before, month.label_zh.as_str()),
            (day("2026-12-01"), day("2027-01-01"), "2026年12月")
        );
        let quarter = BodyKind::Council.cadence().last_period(day("2026-12-07"));
        assert_eq!(
            (quarter.from, quarter.before, quarter.label_zh.as_str()),
            (day("2026-07-01"), day("2026-10-01"), "2026年第三季度")
        );
        let year = BodyKind::Congress.cadence().last_period(day("2026-12-31"));
        assert_eq!((year.from, year.before, year.label_zh.as_str()), (day("2025-01-01"), day("2026-01-01"), "2025年"));
        assert!(BodyKind::Congress.cadence().missed(1) && !BodyKind::Congress.cadence().missed(2), "twice a year");
        assert!(BodyKind::Council.cadence().missed(0) && !BodyKind::Council.cadence().missed(1));
    }

    #[test]
    fn dem_2_shares_count_as_the_law_words_them() {
        assert!(!Share::MoreThanHalf.reached(5, 10) && Share::MoreThanHalf.reached(6, 10), "过半数 is more than half");
        assert!(Share::OneThird.reached(3, 9) && !Share::OneThird.reached(2, 9), "三分之一以上 counts a third");
        assert!(Share::TwoThirds.reached(2, 3) && !Share::TwoThirds.reached(6, 10));
        assert!(!Share::MoreThanHalf.reached(0, 0), "nobody of nobody");
        assert_eq!((Share::OneThird.least_of(10), Share::MoreThanHalf.least_of(10)), (4, 6));
        let congress = BodyRules::default_for(BodyKind::Congress);
        assert_eq!((congress.quorum, congress.convene_share), (Share::MoreThanHalf, Some(Share::OneThird)));
        assert_eq!(BodyRules::default_for(BodyKind::Council).convene_share, None);
    }

    #[test]
    fn dem_2_a_bodys_rules_are_checked_field_by_field() {
        let draft = BodyRulesDraft {
            quorum: Some("two_thirds".into()),
            majority: Some("过半数".into()),
            notice_days: Some(5),
            convene_share: Some("one_fifth".into()),
        };
        let rules = draft.parse(BodyKind::Congress).unwrap();
        assert_eq!(
            (rules.quorum, rules.majority, rules.convene_share),
            (Share::TwoThirds, Share::MoreThanHalf, Some(Share::OneFifth))
        );
        assert_eq!(
            draft.parse(BodyKind::Council).unwrap().convene_share,
            None,
            "only the congress is convened by a share"
        );
        let wrong = BodyRulesDraft {
            quorum: Some("most".into()),
            majority: Some("one_third".into()),
            notice_days: Some(61),
            convene_share: None,
        };
        let fields: Vec<String> =
            wrong.parse(BodyKind::Congress).unwrap_err().iter().map(|e| e.field.clone()).collect();
        assert_eq!(fields, ["quorum", "majority", "notice_days", "convene_share"]);
        // The law's floor and the seed's right: never fewer present, never more to convene.
        let below = BodyRulesDraft {
            quorum: Some("one_fifth".into()),
            majority: Some("more_than_half".into()),
            notice_days: Some(7),
            convene_share: Some("three_quarters".into()),
        };
        let fields: Vec<String> =
            below.parse(BodyKind::Congress).unwrap_err().iter().map(|e| e.field.clone()).collect();
        assert_eq!(fields, ["quorum", "convene_share"]);
    }

    #[test]
    fn dem_2_a_member_is_named_with_a_role_and_a_term() {
        let draft = BodyMemberDraft {
            name: Some("周代表".into()),
            role: Some("representative".into()),
            represents: Some("3号楼1—3单元".into()),
            term_from: Some("2024-01-01".into()),
            term_to: Some("2028-12-31".into()),
        };
        assert_eq!(draft.parse(BodyKind::Congress).unwrap().role, MemberRole::Representative);
        let chair = BodyMemberDraft { role: Some("主任".into()), ..draft.clone() };
        assert_eq!(
            chair.parse(BodyKind::Congress).unwrap_err().first().field,
            "role",
            "the congress is its representatives"
        );
        assert_eq!(chair.parse(BodyKind::Council).unwrap().role, MemberRole::Chair);
        let wrong = BodyMemberDraft {
            name: Some("\u{0}".into()),
            role: None,
            represents: None,
            term_from: Some("2025-01-01".into()),
            term_to: Some("2024-01-01".into()),
        };
        let fields: Vec<String> = wrong.parse(BodyKind::Council).unwrap_err().iter().map(|e| e.field.clone()).collect();
        assert_eq!(fields, ["name", "role", "term_to"]);
    }
}
