//! Units (单位) and their tree: county > town > villages and communities, with departments,
//! federations, schools and agencies hanging where they belong (TWN-1).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{FieldError, Invalid};

/// A unit's short code, also the prefix of its case numbers: `XS`, `XS-CL`, `QX01`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct UnitCode(String);

impl UnitCode {
    pub fn parse(field: &str, raw: &str) -> Result<UnitCode, FieldError> {
        let s = raw.trim().to_ascii_uppercase();
        let ok = (2..=16).contains(&s.len())
            && s.starts_with(|c: char| c.is_ascii_uppercase())
            && s.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-')
            && !s.ends_with('-');
        if ok { Ok(UnitCode(s)) } else { Err(FieldError::new(field, Invalid::UnitCodeFormat)) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UnitCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What kind of body a unit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    County,
    Town,
    Subdistrict,
    Village,
    Community,
    Department,
    Federation,
    School,
    Agency,
}

impl UnitKind {
    pub const ALL: [UnitKind; 9] = [
        UnitKind::County,
        UnitKind::Town,
        UnitKind::Subdistrict,
        UnitKind::Village,
        UnitKind::Community,
        UnitKind::Department,
        UnitKind::Federation,
        UnitKind::School,
        UnitKind::Agency,
    ];

    pub fn code(self) -> &'static str {
        match self {
            UnitKind::County => "county",
            UnitKind::Town => "town",
            UnitKind::Subdistrict => "subdistrict",
            UnitKind::Village => "village",
            UnitKind::Community => "community",
            UnitKind::Department => "department",
            UnitKind::Federation => "federation",
            UnitKind::School => "school",
            UnitKind::Agency => "agency",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            UnitKind::County => "县(区)",
            UnitKind::Town => "乡镇",
            UnitKind::Subdistrict => "街道",
            UnitKind::Village => "村",
            UnitKind::Community => "社区",
            UnitKind::Department => "部门",
            UnitKind::Federation => "残联",
            UnitKind::School => "学校",
            UnitKind::Agency => "机关",
        }
    }

    /// The content classes a unit of this kind is usually petitioned about, as path prefixes of the
    /// shipped classes (`民政与应急 / 社会事务` holds 残疾人福利): offered first where a petitioner
    /// picks a class for this unit. A county, a department or an agency hears of everything alike.
    pub fn usual_classes(self) -> &'static [&'static str] {
        match self {
            UnitKind::School => &["教育"],
            UnitKind::Federation => &["民政与应急 / 社会事务", "民政与应急 / 社会救助", "劳动和社会保障 / 就业培训"],
            UnitKind::Community => &[
                "民政与应急 / 基层选举和社区建设",
                "民政与应急 / 社会救助",
                "民政与应急 / 养老服务",
                "城乡建设 / 住房保障与房地产",
                "城乡建设 / 城市建设和管理",
            ],
            UnitKind::Village => &[
                "农村农业 / 村务管理",
                "农村农业 / 土地承包经营",
                "农村农业 / 农村宅基地",
                "农村农业 / 惠农补贴",
                "民政与应急 / 社会救助",
            ],
            UnitKind::Town => &[
                "农村农业 / 土地承包经营",
                "农村农业 / 农村宅基地",
                "农村农业 / 惠农补贴",
                "城乡建设 / 村镇建设",
                "城乡建设 / 集体土地上房屋拆迁与补偿",
                "民政与应急 / 社会救助",
                "自然资源 / 土地征收",
            ],
            UnitKind::Subdistrict => &[
                "城乡建设 / 住房保障与房地产",
                "城乡建设 / 城市建设和管理",
                "城乡建设 / 国有土地上房屋征收与补偿",
                "民政与应急 / 基层选举和社区建设",
                "民政与应急 / 社会救助",
            ],
            UnitKind::County | UnitKind::Department | UnitKind::Agency => &[],
        }
    }

    pub fn parse(field: &str, raw: &str) -> Result<UnitKind, FieldError> {
        let raw = raw.trim();
        UnitKind::ALL.into_iter().find(|k| k.code() == raw).ok_or_else(|| {
            FieldError::new(field, Invalid::NotAChoice { allowed: UnitKind::ALL.map(UnitKind::code).join(", ") })
        })
    }
}

/// Reception hours (FED-3, SCH-4): days of the week with the times of day, written
/// `1-5 10:00-12:30,16:00-18:00` (Monday to Friday, two sittings); several rules are joined by `;`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficeHours(Vec<HoursRule>);

/// Days `first..=last` (1 = Monday … 7 = Sunday), open in each span of the day.
#[derive(Debug, Clone, PartialEq, Eq)]
struct HoursRule {
    first: u8,
    last: u8,
    spans: Vec<(chrono::NaiveTime, chrono::NaiveTime)>,
}

const WEEKDAYS: [&str; 7] = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"];

impl OfficeHours {
    pub fn parse(field: &str, raw: &str) -> Result<OfficeHours, FieldError> {
        let bad = || FieldError::new(field, Invalid::HoursFormat);
        let day = |s: &str| s.trim().parse::<u8>().ok().filter(|d| (1..=7).contains(d)).ok_or_else(bad);
        let time = |s: &str| chrono::NaiveTime::parse_from_str(s.trim(), "%H:%M").map_err(|_| bad());
        let mut rules = Vec::new();
        for rule in raw.split([';', '\u{ff1b}']).map(str::trim).filter(|r| !r.is_empty()) {
            let (days, spans) = rule.split_once(char::is_whitespace).ok_or_else(bad)?;
            let (first, last) = match days.split_once('-') {
                Some((a, b)) => (day(a)?, day(b)?),
                None => (day(days)?, day(days)?),
            };
            if first > last {
                return Err(bad());
            }
            let mut parsed = Vec::new();
            for span in spans.split([',', '\u{ff0c}', '\u{3001}']) {
                let (from, to) = span.split_once(['-', '–']).ok_or_else(bad)?;
                let (from, to) = (time(from)?, time(to)?);
                if from >= to {
                    return Err(bad());
                }
                parsed.push((from, to));
            }
            rules.push(HoursRule { first, last, spans: parsed });
        }
        if rules.is_empty() {
            return Err(FieldError::new(field, Invalid::Required));
        }
        Ok(OfficeHours(rules))
    }

    /// When reception ends on a weekday (1 = Monday … 7 = Sunday): the latest end of its spans;
    /// `None` on a day without hours.
    pub fn closes_on(&self, weekday: u8) -> Option<chrono::NaiveTime> {
        self.0
            .iter()
            .filter(|r| (r.first..=r.last).contains(&weekday))
            .flat_map(|r| r.spans.iter().map(|(_, end)| *end))
            .max()
    }

    /// The canonical text, as stored and as [`OfficeHours::parse`] reads it.
    pub fn to_text(&self) -> String {
        self.rules(
            |first, last| if first == last { format!("{first}") } else { format!("{first}-{last}") },
            "-",
            ",",
            "; ",
        )
    }

    /// For people: `周一至周五 10:00–12:30、16:00–18:00`.
    pub fn describe_zh(&self) -> String {
        let name = |d: u8| WEEKDAYS[usize::from(d - 1)];
        self.rules(
            |first, last| {
                if first == last { name(first).to_owned() } else { format!("{}至{}", name(first), name(last)) }
            },
            "–",
            "、",
            ";",
        )
    }

    fn rules(&self, days: impl Fn(u8, u8) -> String, to: &str, between: &str, next: &str) -> String {
        self.0
            .iter()
            .map(|r| {
                let spans: Vec<String> =
                    r.spans.iter().map(|(a, b)| format!("{}{to}{}", a.format("%H:%M"), b.format("%H:%M"))).collect();
                format!("{} {}", days(r.first, r.last), spans.join(between))
            })
            .collect::<Vec<_>>()
            .join(next)
    }
}

/// A new unit as typed (TWN-1).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UnitDraft {
    /// The unit's short code, also the prefix of its case numbers: `XS`, `XS-CL`, `QX01`.
    pub code: Option<String>,
    /// The unit's name, e.g. `西山社区`.
    pub name: Option<String>,
    /// `county`, `town`, `subdistrict`, `village`, `community`, `department`, `federation`,
    /// `school` or `agency`.
    pub kind: Option<String>,
    /// The code of the unit above it; none for the top of the tree.
    pub parent: Option<String>,
}

/// A new unit, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitFields {
    pub code: UnitCode,
    pub name: String,
    pub kind: UnitKind,
    pub parent: Option<UnitCode>,
}

impl UnitDraft {
    pub fn parse(&self) -> Result<UnitFields, crate::ValidationErrors> {
        use crate::text::{limits, required};
        let mut errors = Vec::new();
        let code = UnitCode::parse("code", self.code.as_deref().unwrap_or_default()).map_err(|e| errors.push(e)).ok();
        let name = required("name", self.name.as_deref(), limits::UNIT_NAME).map_err(|e| errors.push(e)).ok();
        let kind = UnitKind::parse("kind", self.kind.as_deref().unwrap_or_default()).map_err(|e| errors.push(e)).ok();
        let parent = match self.parent.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
            None => Some(None),
            Some(raw) => UnitCode::parse("parent", raw).map(Some).map_err(|e| errors.push(e)).ok(),
        };
        match (code, name, kind, parent) {
            (Some(code), Some(name), Some(kind), Some(parent)) => Ok(UnitFields { code, name, kind, parent }),
            _ => Err(crate::ValidationErrors::from_vec(errors)
                .unwrap_or_else(|| FieldError::new("code", Invalid::Required).into())),
        }
    }
}

/// What a unit tells the public as typed (COM-3, FED-3, SCH-4): the hotline, the address of the
/// reception room, the reception hours and the procedure in plain words.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PublicInfoDraft {
    /// The public hotline, e.g. `0571-8888 1234`.
    pub hotline: Option<String>,
    /// Where the reception room is.
    pub address: Option<String>,
    /// Reception hours, e.g. `1-5 10:00-12:30,16:00-18:00` (Monday to Friday, two sittings).
    pub office_hours: Option<String>,
    /// How a petition is handled here, in plain words.
    pub procedure: Option<String>,
}

/// A unit's public information, checked: every part given, the hours readable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicInfo {
    pub hotline: String,
    pub address: String,
    pub office_hours: OfficeHours,
    pub procedure: String,
}

impl PublicInfoDraft {
    pub fn parse(&self) -> Result<PublicInfo, crate::ValidationErrors> {
        use crate::text::{limits, required};
        let mut errors = Vec::new();
        let mut take = |r: Result<String, FieldError>| r.map_err(|e| errors.push(e)).unwrap_or_default();
        let hotline = take(required("hotline", self.hotline.as_deref(), limits::NAME));
        let address = take(required("address", self.address.as_deref(), limits::ADDRESS));
        let procedure = take(required("procedure", self.procedure.as_deref(), limits::REASON));
        let office_hours = OfficeHours::parse("office_hours", self.office_hours.as_deref().unwrap_or_default())
            .map_err(|e| errors.push(e))
            .ok();
        match (crate::ValidationErrors::from_vec(errors), office_hours) {
            (None, Some(office_hours)) => Ok(PublicInfo { hotline, address, office_hours, procedure }),
            (Some(errors), _) => Err(errors),
            (None, None) => Err(FieldError::new("office_hours", Invalid::HoursFormat).into()),
        }
    }
}

/// One day of the weekly reception schedule (接待日安排表, FED-3): the leader who receives
/// petitioners that day, with the title and credential number shown publicly (亮证服务, FED-4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReceptionDay {
    /// 1 = Monday … 7 = Sunday.
    pub weekday: u8,
    pub leader: String,
    pub title: String,
    /// The number of the leader's credential (工作证).
    pub credential: String,
}

impl ReceptionDay {
    /// 周一 … 周日.
    pub fn weekday_zh(&self) -> &'static str {
        weekday_zh(self.weekday)
    }
}

/// A weekday (1 = Monday … 7 = Sunday) as 周一 … 周日.
pub fn weekday_zh(weekday: u8) -> &'static str {
    WEEKDAYS[usize::from(weekday.clamp(1, 7) - 1)]
}

/// A weekly schedule as typed: at most one leader a day.
pub fn parse_schedule(days: &[ReceptionDay]) -> Result<Vec<ReceptionDay>, crate::ValidationErrors> {
    use crate::text::{limits, required};
    let mut errors = Vec::new();
    let mut out: Vec<ReceptionDay> = Vec::new();
    for (i, day) in days.iter().enumerate() {
        let field = |name: &str| format!("days[{i}].{name}");
        if !(1..=7).contains(&day.weekday) || out.iter().any(|d| d.weekday == day.weekday) {
            errors.push(FieldError::new(field("weekday"), Invalid::OutOfRange { min: 1, max: 7 }));
            continue;
        }
        let mut take = |name: &str, value: &str| {
            required(&field(name), Some(value), limits::NAME).map_err(|e| errors.push(e)).unwrap_or_default()
        };
        let (leader, title, credential) =
            (take("leader", &day.leader), take("title", &day.title), take("credential", &day.credential));
        out.push(ReceptionDay { weekday: day.weekday, leader, title, credential });
    }
    match crate::ValidationErrors::from_vec(errors) {
        Some(errors) => Err(errors),
        None => {
            out.sort_by_key(|d| d.weekday);
            Ok(out)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_usual_class_of_a_kind_names_shipped_classes() {
        let classes = crate::category::parse_tsv(include_str!("../../../data/categories/content-categories.tsv"));
        for kind in UnitKind::ALL {
            for prefix in kind.usual_classes() {
                let held = classes.iter().filter(|c| c.level == 3 && c.path.starts_with(prefix)).count();
                assert!(held > 0, "{kind:?}: {prefix}");
            }
        }
    }

    #[test]
    fn twn_1_a_unit_draft_is_checked_field_by_field() {
        let draft = UnitDraft {
            code: Some("xs-cl".into()),
            name: Some(" 西山社区残联 ".into()),
            kind: Some("federation".into()),
            parent: Some("xs".into()),
        };
        let fields = draft.parse().unwrap();
        assert_eq!((fields.code.as_str(), fields.name.as_str()), ("XS-CL", "西山社区残联"));
        assert_eq!(
            (fields.kind, fields.parent.map(|p| p.as_str().to_owned())),
            (UnitKind::Federation, Some("XS".into()))
        );
        let top = UnitDraft { parent: Some(" ".into()), ..draft.clone() };
        assert_eq!(top.parse().unwrap().parent, None);
        let bad =
            UnitDraft { code: Some("西山".into()), name: None, kind: Some("city".into()), parent: Some("-".into()) };
        let fields: Vec<String> = bad.parse().unwrap_err().iter().map(|e| e.field.clone()).collect();
        assert_eq!(fields, ["code", "name", "kind", "parent"]);
    }

    #[test]
    fn fed_3_one_leader_a_day_with_name_title_and_credential() {
        let day = |weekday: u8, leader: &str| ReceptionDay {
            weekday,
            leader: leader.into(),
            title: "主任".into(),
            credential: "XS-001".into(),
        };
        let week = parse_schedule(&[day(3, "李四"), day(1, " 张三 ")]).unwrap();
        assert_eq!(week.iter().map(|d| (d.weekday, d.leader.as_str())).collect::<Vec<_>>(), [(1, "张三"), (3, "李四")]);
        assert_eq!(week[1].weekday_zh(), "周三");
        assert!(parse_schedule(&[day(1, "张三"), day(1, "李四")]).is_err(), "one leader a day");
        assert!(parse_schedule(&[day(8, "张三")]).is_err());
        assert!(parse_schedule(&[day(2, " ")]).is_err(), "a name is required");
        assert_eq!(parse_schedule(&[]).unwrap(), [], "an empty week clears the schedule");
    }

    #[test]
    fn sch_4_office_hours_read_and_shown() {
        let school = OfficeHours::parse("hours", "1-5 10:00-12:30,16:00-18:00").unwrap();
        assert_eq!(school.describe_zh(), "周一至周五 10:00–12:30、16:00–18:00");
        assert_eq!(school.to_text(), "1-5 10:00-12:30,16:00-18:00");
        let two = OfficeHours::parse("hours", "1-5 08:30-17:00; 6 09:00-11:00").unwrap();
        assert_eq!(two.describe_zh(), "周一至周五 08:30–17:00;周六 09:00–11:00");
        assert_eq!(OfficeHours::parse("hours", &two.to_text()), Ok(two.clone()));
        // Typed with a Chinese input method: full-width semicolon, comma and enumeration comma.
        assert_eq!(OfficeHours::parse("hours", "1-5 08:30-17:00\u{ff1b}6 09:00-11:00"), Ok(two));
        let typed = OfficeHours::parse("hours", "1-5 10:00-12:30\u{ff0c}16:00-18:00").unwrap();
        assert_eq!(typed, school);
        assert_eq!(OfficeHours::parse("hours", "1-5 10:00-12:30\u{3001}16:00-18:00"), Ok(school.clone()));
        // FED-8: a duty day's hours end at the close of its last span; a day without hours has none.
        let at = |h, m| chrono::NaiveTime::from_hms_opt(h, m, 0);
        assert_eq!((school.closes_on(3), school.closes_on(6)), (at(18, 0), None));
        let two = OfficeHours::parse("hours", "1-5 08:30-17:00; 6 09:00-11:00").unwrap();
        assert_eq!((two.closes_on(1), two.closes_on(6), two.closes_on(7)), (at(17, 0), at(11, 0), None));
        for bad in ["", "8 10:00-11:00", "5-1 10:00-11:00", "1-5 12:00-10:00", "weekdays", "1-5 10-12"] {
            assert!(OfficeHours::parse("hours", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn unit_codes_are_upper_case_and_short() {
        assert_eq!(UnitCode::parse("c", " xs-cl ").map(|c| c.0), Ok("XS-CL".into()));
        for bad in ["X", "1X", "XS-", "西山", "ABCDEFGHIJKLMNOPQ", "A B"] {
            assert!(UnitCode::parse("c", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn kinds_round_trip() {
        for k in UnitKind::ALL {
            assert_eq!(UnitKind::parse("k", k.code()), Ok(k));
        }
        assert!(UnitKind::parse("k", "city").is_err());
    }
}
