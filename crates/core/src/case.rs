//! Registering a case (登记, GEN-1, GEN-6, GEN-10, FED-20): the raw draft as it arrives from a form
//! or the API, and the [`Registration`] it becomes once every field has been checked.

use std::collections::BTreeSet;
use std::fmt;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use crate::category::{self, Category};
use crate::identity::{IdDocument, IdKind, PhoneNumber};
use crate::text::{self, limits};
use crate::unit::UnitCode;
use crate::{FieldError, Invalid, ValidationErrors};

/// China Standard Time, the offset every day boundary in huiyin is drawn on.
pub const CHINA_OFFSET: FixedOffset = match FixedOffset::east_opt(8 * 3600) {
    Some(offset) => offset,
    None => panic!("UTC+8 is a valid offset"),
};

/// How a petition arrived (GEN-1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Letter,
    Visit,
    Phone,
    Online,
    Email,
    Fax,
}

impl Channel {
    pub const ALL: [Channel; 6] =
        [Channel::Letter, Channel::Visit, Channel::Phone, Channel::Online, Channel::Email, Channel::Fax];

    pub fn code(self) -> &'static str {
        match self {
            Channel::Letter => "letter",
            Channel::Visit => "visit",
            Channel::Phone => "phone",
            Channel::Online => "online",
            Channel::Email => "email",
            Channel::Fax => "fax",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Channel::Letter => "来信",
            Channel::Visit => "来访",
            Channel::Phone => "来电",
            Channel::Online => "网上信访",
            Channel::Email => "电子邮件",
            Channel::Fax => "传真",
        }
    }

    pub fn parse(field: &str, raw: &str) -> Result<Channel, FieldError> {
        Channel::ALL.into_iter().find(|c| c.code() == raw.trim()).ok_or_else(|| {
            FieldError::new(field, Invalid::NotAChoice { allowed: Channel::ALL.map(Channel::code).join(", ") })
        })
    }
}

/// What the petitioner wants (信访目的, GEN-10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    /// 揭发控告
    Accusation,
    /// 意见建议
    Suggestion,
    /// 申诉
    Appeal,
    /// 求决
    Request,
    /// 其他
    #[default]
    Other,
}

impl Purpose {
    pub const ALL: [Purpose; 5] =
        [Purpose::Accusation, Purpose::Suggestion, Purpose::Appeal, Purpose::Request, Purpose::Other];

    pub fn code(self) -> &'static str {
        match self {
            Purpose::Accusation => "accusation",
            Purpose::Suggestion => "suggestion",
            Purpose::Appeal => "appeal",
            Purpose::Request => "request",
            Purpose::Other => "other",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Purpose::Accusation => "揭发控告",
            Purpose::Suggestion => "意见建议",
            Purpose::Appeal => "申诉",
            Purpose::Request => "求决",
            Purpose::Other => "其他",
        }
    }

    pub fn parse(field: &str, raw: &str) -> Result<Purpose, FieldError> {
        Purpose::ALL.into_iter().find(|p| p.code() == raw.trim()).ok_or_else(|| {
            FieldError::new(field, Invalid::NotAChoice { allowed: Purpose::ALL.map(Purpose::code).join(", ") })
        })
    }
}

/// How the petitioner stands to the unit (SCH-1): a school receives its staff, students and
/// parents; anyone else is guided elsewhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// 教职工
    Staff,
    /// 学生
    Student,
    /// 家长
    Parent,
    /// 其他
    Other,
}

impl Relation {
    pub const ALL: [Relation; 4] = [Relation::Staff, Relation::Student, Relation::Parent, Relation::Other];

    pub fn code(self) -> &'static str {
        match self {
            Relation::Staff => "staff",
            Relation::Student => "student",
            Relation::Parent => "parent",
            Relation::Other => "other",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Relation::Staff => "教职工",
            Relation::Student => "学生",
            Relation::Parent => "家长",
            Relation::Other => "其他人员",
        }
    }

    pub fn parse(field: &str, raw: &str) -> Result<Relation, FieldError> {
        Relation::ALL.into_iter().find(|r| r.code() == raw.trim()).ok_or_else(|| {
            FieldError::new(field, Invalid::NotAChoice { allowed: Relation::ALL.map(Relation::code).join(", ") })
        })
    }
}

/// A mark on a case (GEN-10). `Collective` and `Anonymous` follow from the registration itself;
/// the others are the receiver's judgement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Flag {
    /// 集体访: five or more people with a common demand (GEN-6).
    Collective,
    /// 联名
    Joint,
    /// 匿名
    Anonymous,
    /// 涉法涉诉
    LawLitigation,
    /// 重大紧急 (FED-5, FED-21)
    MajorUrgent,
    /// 重复信访 (otherwise a first petition, 初信初访)
    Repeat,
    /// 越级 (otherwise 逐级): to the county at least (TWN-14).
    SkipLevel,
    /// 越级到市: the petitioner went on to the city (TWN-14).
    SkipCity,
    /// 越级到省: on to the province (TWN-14).
    SkipProvince,
    /// 进京: on to Beijing (TWN-14).
    SkipBeijing,
    /// 不再受理提示: the same matter is already final (GEN-5); the receiver must decide.
    FinalMatter,
    /// 急事急办 (COM-5): handled within the unit's shorter urgent limits, the leaders told at once.
    Urgent,
    /// 异常上访 (FED-21): an abnormal visit (an extreme act, a threat); alerts like a collective one.
    Abnormal,
    /// 非受理对象 (SCH-1): the petitioner is not one the unit receives (a school's staff, students,
    /// parents); the receiver guides them elsewhere (不予受理 with a written 引导告知) or, the
    /// relation checked, clears the flag with the reason.
    OutsidePetitioners,
    /// 非受理事项 (SCH-2): the content is not of the unit's matters; the receiver answers a law or
    /// policy question on the spot (FED-15) or transfers the matter. Advice only: nothing is refused.
    OutsideMatters,
}

impl Flag {
    pub const ALL: [Flag; 15] = [
        Flag::Collective,
        Flag::Joint,
        Flag::Anonymous,
        Flag::LawLitigation,
        Flag::MajorUrgent,
        Flag::Repeat,
        Flag::SkipLevel,
        Flag::SkipCity,
        Flag::SkipProvince,
        Flag::SkipBeijing,
        Flag::FinalMatter,
        Flag::Urgent,
        Flag::Abnormal,
        Flag::OutsidePetitioners,
        Flag::OutsideMatters,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Flag::Collective => "collective",
            Flag::Joint => "joint",
            Flag::Anonymous => "anonymous",
            Flag::LawLitigation => "law_litigation",
            Flag::MajorUrgent => "major_urgent",
            Flag::Repeat => "repeat",
            Flag::SkipLevel => "skip_level",
            Flag::SkipCity => "skip_city",
            Flag::SkipProvince => "skip_province",
            Flag::SkipBeijing => "skip_beijing",
            Flag::FinalMatter => "final_matter",
            Flag::Urgent => "urgent",
            Flag::Abnormal => "abnormal",
            Flag::OutsidePetitioners => "outside_petitioners",
            Flag::OutsideMatters => "outside_matters",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Flag::Collective => "集体访",
            Flag::Joint => "联名",
            Flag::Anonymous => "匿名",
            Flag::LawLitigation => "涉法涉诉",
            Flag::MajorUrgent => "重大紧急",
            Flag::Repeat => "重复信访",
            Flag::SkipLevel => "越级",
            Flag::SkipCity => "越级到市",
            Flag::SkipProvince => "越级到省",
            Flag::SkipBeijing => "进京",
            Flag::FinalMatter => "不再受理提示",
            Flag::Urgent => "急事急办",
            Flag::Abnormal => "异常上访",
            Flag::OutsidePetitioners => "非受理对象",
            Flag::OutsideMatters => "非受理事项",
        }
    }

    pub fn parse(field: &str, raw: &str) -> Result<Flag, FieldError> {
        Flag::ALL.into_iter().find(|f| f.code() == raw.trim()).ok_or_else(|| {
            FieldError::new(field, Invalid::NotAChoice { allowed: Flag::ALL.map(Flag::code).join(", ") })
        })
    }

    /// Whether a case with this flag alerts the leaders at once (FED-21, COM-5): major, urgent,
    /// collective or abnormal.
    pub fn alerts(self) -> bool {
        matches!(self, Flag::MajorUrgent | Flag::Collective | Flag::Urgent | Flag::Abnormal)
    }

    /// Flags the receiver sets; the others are derived and ignored on input.
    pub fn is_chosen(self) -> bool {
        !matches!(
            self,
            Flag::Collective | Flag::Anonymous | Flag::FinalMatter | Flag::OutsidePetitioners | Flag::OutsideMatters
        )
    }
}

/// Collective visits choose at most this many representatives (GEN-6).
pub const MAX_REPRESENTATIVES: usize = 5;
/// From this many people a petition is collective (GEN-6, by convention).
pub const COLLECTIVE_HEADCOUNT: u32 = 5;
/// The largest headcount accepted.
pub const MAX_HEADCOUNT: u32 = 10_000;
/// How far ahead of the server's clock a receipt time may be (clock skew of office PCs).
const FUTURE_TOLERANCE_MINUTES: i64 = 10;

/// The petitioner's details as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PetitionerDraft {
    pub name: Option<String>,
    pub id_type: Option<String>,
    pub id_number: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
}

/// The person or unit complained about, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AccusedDraft {
    pub name: Option<String>,
    pub unit: Option<String>,
    /// The login name of the staff member accused, when the accused person has an account
    /// (GEN-7: the case then does not exist for them, and never goes to them).
    pub user: Option<String>,
}

/// A registration as it arrives, before any check. Unknown fields are refused.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CaseDraft {
    pub channel: Option<String>,
    pub received_at: Option<String>,
    pub unit: Option<String>,
    pub petitioner: Option<PetitionerDraft>,
    pub headcount: Option<i64>,
    #[serde(default)]
    pub representatives: Vec<String>,
    pub category: Option<String>,
    pub purpose: Option<String>,
    pub content: Option<String>,
    pub accused: Option<AccusedDraft>,
    pub place: Option<String>,
    pub place_unit: Option<String>,
    /// How the petitioner stands to the unit (SCH-1): `staff`, `student`, `parent` or `other`;
    /// required by a unit that receives only some people (a school).
    pub relation: Option<String>,
    #[serde(default)]
    pub flags: Vec<String>,
    /// 上级批转 (FED-18, SCH-3): the unit above that forwarded the case, and its reference.
    pub forwarded_from: Option<ForwardedDraft>,
    /// 接访活动 (TWN-10): the reception session a visit was received in, by its id; the visit then
    /// carries the session's leaders and is given the leader's reception register.
    #[serde(default)]
    pub session: Option<i64>,
}

/// A forwarding from above as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ForwardedDraft {
    /// The forwarding unit's code (a unit above the registering one).
    pub unit: Option<String>,
    /// Its reference number (批转文号).
    pub reference: Option<String>,
}

/// A case forwarded from above (FED-18): the result is reported back to `unit`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Forwarded {
    pub unit: UnitCode,
    pub reference: Option<String>,
}

/// A checked petitioner. Every part may be missing (an anonymous letter, FED-20).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Petitioner {
    pub name: Option<String>,
    pub id: Option<IdDocument>,
    pub phone: Option<PhoneNumber>,
    pub address: Option<String>,
}

impl Petitioner {
    pub fn is_empty(&self) -> bool {
        self.name.is_none() && self.id.is_none() && self.phone.is_none() && self.address.is_none()
    }
}

/// A checked complaint target: a person's or unit's name, a unit of ours, a staff member of ours
/// (their login name), or several of these.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Accused {
    pub name: Option<String>,
    pub unit: Option<UnitCode>,
    /// Written only when a staff member is accused, so that registrations from before carry none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
}

/// The class a case was registered under, as it was named then.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategoryRef {
    pub code: String,
    pub path: String,
}

/// A registration whose every field is valid (GEN-10). Built only by [`CaseDraft::parse`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registration {
    pub channel: Channel,
    pub received_at: DateTime<Utc>,
    pub unit: UnitCode,
    pub petitioner: Petitioner,
    pub headcount: u32,
    pub representatives: Vec<String>,
    pub category: CategoryRef,
    pub purpose: Purpose,
    pub content: String,
    pub accused: Option<Accused>,
    pub place: Option<String>,
    pub place_unit: Option<UnitCode>,
    pub flags: BTreeSet<Flag>,
    /// 上级批转 (FED-18).
    #[serde(default)]
    pub forwarded_from: Option<Forwarded>,
    /// Who was on duty (值班) in the registering unit on the day it was received, by login name
    /// (TWN-6): the receiver is the first receiver (FED-1) whoever was on duty. Filled in by the
    /// registration service from the unit's rota, never typed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_duty: Option<String>,
    /// The reception session (a leader's reception day, a joint reception, an appointment or a
    /// home visit) the visit was received in, with its leaders (TWN-10). Filled in by the
    /// registration service from the session named, never typed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<crate::reception_session::SessionRef>,
    /// How the petitioner stands to the unit (SCH-1), as stated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relation: Option<Relation>,
}

/// Parses a receipt time: an RFC 3339 instant, a day and time of day in China (`2026-11-20T09:30`,
/// as a form's date-and-time field sends it), or a day (`2026-11-20`, taken at 00:00 China time).
pub fn parse_instant(field: &str, raw: &str) -> Result<DateTime<Utc>, FieldError> {
    let raw = raw.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(raw) {
        return Ok(t.with_timezone(&Utc));
    }
    // A day and a time of day in China, as a form's date-and-time field gives it.
    for format in ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"] {
        if let Ok(local) = chrono::NaiveDateTime::parse_from_str(raw, format) {
            return CHINA_OFFSET
                .from_local_datetime(&local)
                .single()
                .map(|t| t.with_timezone(&Utc))
                .ok_or_else(|| FieldError::new(field, Invalid::DateFormat));
        }
    }
    let day = NaiveDate::parse_from_str(raw, "%Y-%m-%d").map_err(|_| FieldError::new(field, Invalid::DateFormat))?;
    CHINA_OFFSET
        .from_local_datetime(&day.and_time(NaiveTime::MIN))
        .single()
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| FieldError::new(field, Invalid::DateFormat))
}

/// How many years back a registration may be dated (补录 from a paper book): older dates are typing
/// mistakes such as `1900-01-01`.
pub const RECEIVED_YEARS_BACK: i64 = 10;

/// Collects field errors while parsing, so one submission reports all its mistakes at once.
struct Collector(Vec<FieldError>);

impl Collector {
    fn take<T>(&mut self, r: Result<T, FieldError>) -> Option<T> {
        r.map_err(|e| self.0.push(e)).ok()
    }
}

impl CaseDraft {
    /// Checks every field and derives the flags. `now` is the server's clock; `classes` is the
    /// current content classification.
    pub fn parse(&self, now: DateTime<Utc>, classes: &[Category]) -> Result<Registration, ValidationErrors> {
        let mut c = Collector(Vec::new());
        let channel = match self.channel.as_deref() {
            None => c.take(Err(FieldError::new("channel", Invalid::Required))),
            Some(raw) => c.take(Channel::parse("channel", raw)),
        };
        let received_at = match self.received_at.as_deref().map(str::trim) {
            None | Some("") => Some(now),
            Some(raw) => c.take(parse_instant("received_at", raw).and_then(|t| {
                if t > now + chrono::Duration::minutes(FUTURE_TOLERANCE_MINUTES) {
                    Err(FieldError::new("received_at", Invalid::InFuture))
                } else if t < now - chrono::Duration::days(365 * RECEIVED_YEARS_BACK) {
                    Err(FieldError::new("received_at", Invalid::TooFarBack { years: RECEIVED_YEARS_BACK }))
                } else {
                    Ok(t)
                }
            })),
        };
        let unit = match self.unit.as_deref() {
            None => c.take(Err(FieldError::new("unit", Invalid::Required))),
            Some(raw) => c.take(UnitCode::parse("unit", raw)),
        };
        let petitioner = self.parse_petitioner(&mut c, channel);
        let headcount = match self.headcount {
            None => Some(1),
            Some(n) if (1..=i64::from(MAX_HEADCOUNT)).contains(&n) => u32::try_from(n).ok(),
            Some(_) => {
                c.take(Err(FieldError::new("headcount", Invalid::OutOfRange { min: 1, max: i64::from(MAX_HEADCOUNT) })))
            }
        };
        let mut representatives = Vec::new();
        for (i, r) in self.representatives.iter().enumerate() {
            if let Some(Some(name)) = c.take(text::optional(&format!("representatives.{i}"), Some(r), limits::NAME)) {
                representatives.push(name);
            }
        }
        if representatives.len() > MAX_REPRESENTATIVES {
            c.0.push(FieldError::new("representatives", Invalid::TooManyRepresentatives { max: MAX_REPRESENTATIVES }));
        }
        let collective = headcount.is_some_and(|n| n >= COLLECTIVE_HEADCOUNT);
        if collective && channel == Some(Channel::Visit) && representatives.is_empty() {
            c.0.push(FieldError::new("representatives", Invalid::RepresentativesRequired));
        }
        let category = match self.category.as_deref().map(str::trim) {
            None | Some("") => c.take(Err(FieldError::new("category", Invalid::Required))),
            Some(raw) => c
                .take(category::resolve("category", classes, raw))
                .map(|cat| CategoryRef { code: cat.code.clone(), path: cat.path.clone() }),
        };
        let purpose = match self.purpose.as_deref().map(str::trim) {
            None | Some("") => Some(Purpose::default()),
            Some(raw) => c.take(Purpose::parse("purpose", raw)),
        };
        let content = c.take(text::required("content", self.content.as_deref(), limits::CONTENT));
        let accused = self.accused.as_ref().and_then(|a| {
            let name = c.take(text::optional("accused.name", a.name.as_deref(), limits::NAME * 2)).flatten();
            let unit = match a.unit.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(raw) => c.take(UnitCode::parse("accused.unit", raw)),
            };
            let user = match a.user.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(raw) => c.take(crate::user::Username::parse("accused.user", raw)).map(|u| u.as_str().to_owned()),
            };
            if name.is_none() && unit.is_none() && user.is_none() {
                // An empty object is taken as "nobody named".
                None
            } else {
                Some(Accused { name, unit, user })
            }
        });
        let place = c.take(text::optional("place", self.place.as_deref(), limits::PLACE)).flatten();
        let place_unit = match self.place_unit.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(raw) => c.take(UnitCode::parse("place_unit", raw)),
        };
        let relation = match self.relation.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(raw) => c.take(Relation::parse("relation", raw)),
        };
        let mut flags = BTreeSet::new();
        for raw in &self.flags {
            if let Some(flag) = c.take(Flag::parse("flags", raw))
                && flag.is_chosen()
            {
                flags.insert(flag);
            }
        }
        if collective {
            flags.insert(Flag::Collective);
        }
        if petitioner.as_ref().is_some_and(|p| p.name.is_none()) {
            flags.insert(Flag::Anonymous);
        }
        let forwarded_from = self.forwarded_from.as_ref().and_then(|f| {
            let unit = match f.unit.as_deref().map(str::trim) {
                None | Some("") => c.take(Err(FieldError::new("forwarded_from.unit", Invalid::Required))),
                Some(raw) => c.take(UnitCode::parse("forwarded_from.unit", raw)),
            }?;
            let reference =
                c.take(text::optional("forwarded_from.reference", f.reference.as_deref(), limits::NAME)).flatten();
            Some(Forwarded { unit, reference })
        });
        if let Some(errors) = ValidationErrors::from_vec(c.0) {
            return Err(errors);
        }
        match (channel, received_at, unit, petitioner, headcount, category, purpose, content) {
            (
                Some(channel),
                Some(received_at),
                Some(unit),
                Some(petitioner),
                Some(headcount),
                Some(category),
                Some(purpose),
                Some(content),
            ) => Ok(Registration {
                channel,
                received_at,
                unit,
                petitioner,
                headcount,
                representatives,
                category,
                purpose,
                content,
                accused,
                place,
                place_unit,
                flags,
                forwarded_from,
                on_duty: None,
                session: None,
                relation,
            }),
            // Every `None` above pushed an error, so this arm is not reached; refuse rather than panic.
            _ => Err(FieldError::new("content", Invalid::Required).into()),
        }
    }

    fn parse_petitioner(&self, c: &mut Collector, channel: Option<Channel>) -> Option<Petitioner> {
        let draft = self.petitioner.clone().unwrap_or_default();
        let name = c.take(text::optional("petitioner.name", draft.name.as_deref(), limits::NAME))?;
        let id_kind = match draft.id_type.as_deref().map(str::trim) {
            None | Some("") => IdKind::default(),
            Some(raw) => c.take(IdKind::parse("petitioner.id_type", raw))?,
        };
        let id = match draft.id_number.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(raw) => Some(c.take(IdDocument::parse("petitioner.id_number", id_kind, raw))?),
        };
        let phone = match draft.phone.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(raw) => Some(c.take(PhoneNumber::parse("petitioner.phone", raw))?),
        };
        let address = c.take(text::optional("petitioner.address", draft.address.as_deref(), limits::ADDRESS))?;
        if channel == Some(Channel::Visit) && name.is_none() {
            c.0.push(FieldError::new("petitioner.name", Invalid::NameRequiredForVisit));
            return None;
        }
        Some(Petitioner { name, id, phone, address })
    }
}

/// A case number readable over the phone: `XS-2026-000123`, unique per unit and year.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CaseNumber(String);

impl CaseNumber {
    pub fn new(unit: &UnitCode, year: i32, seq: i64) -> CaseNumber {
        CaseNumber(format!("{}-{year:04}-{seq:06}", unit.as_str()))
    }

    /// Accepts what a petitioner types: any case, surrounding blanks.
    pub fn parse(raw: &str) -> Option<CaseNumber> {
        let s = raw.trim().to_ascii_uppercase();
        let (rest, seq) = s.rsplit_once('-')?;
        let (unit, year) = rest.rsplit_once('-')?;
        let ok = UnitCode::parse("case_number", unit).is_ok()
            && year.len() == 4
            && year.bytes().all(|b| b.is_ascii_digit())
            && seq.len() >= 6
            && seq.bytes().all(|b| b.is_ascii_digit());
        ok.then_some(CaseNumber(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CaseNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The petitioner's query code (查询码): eight digits shown as `1234-5678`. Digits only, because
/// they are read aloud over the phone and at the counter; the database keeps only a keyed hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryCode(String);

impl QueryCode {
    /// Makes a code from eight random bytes supplied by the caller.
    pub fn from_random(bytes: [u8; 8]) -> QueryCode {
        let n = u64::from_le_bytes(bytes) % 100_000_000;
        QueryCode(format!("{n:08}"))
    }

    /// Accepts what a petitioner types: digits with optional dashes or blanks.
    pub fn parse(raw: &str) -> Option<QueryCode> {
        let digits: String = raw.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
        (digits.len() == 8 && digits.bytes().all(|b| b.is_ascii_digit())).then_some(QueryCode(digits))
    }

    /// The canonical digits (what is hashed).
    pub fn digits(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for QueryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", &self.0[..4], &self.0[4..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classes() -> Vec<Category> {
        category::parse_tsv("yjnr\tejnr\tsjnr\n劳动社保\t工资福利\t拖欠工资\n其他\t其他\t其他\n")
    }

    fn now() -> DateTime<Utc> {
        parse_instant("t", "2026-11-26T10:00:00+08:00").unwrap()
    }

    fn visit() -> CaseDraft {
        CaseDraft {
            channel: Some("visit".into()),
            unit: Some("xs".into()),
            petitioner: Some(PetitionerDraft {
                name: Some("王秀英".into()),
                id_number: Some("11010519491231002X".into()),
                phone: Some("13812345678".into()),
                ..Default::default()
            }),
            category: Some("拖欠工资".into()),
            content: Some("工地拖欠工资三个月".into()),
            ..Default::default()
        }
    }

    fn fields(e: ValidationErrors) -> Vec<(String, &'static str)> {
        e.iter().map(|e| (e.field.clone(), e.code())).collect()
    }

    #[test]
    fn gen_10_a_complete_visit_parses() {
        let r = visit().parse(now(), &classes()).unwrap();
        assert_eq!(r.channel, Channel::Visit);
        assert_eq!(r.unit.as_str(), "XS");
        assert_eq!(r.category.path, "劳动社保 / 工资福利 / 拖欠工资");
        assert_eq!(r.headcount, 1);
        assert_eq!(r.purpose, Purpose::Other);
        assert!(r.flags.is_empty());
        assert_eq!(r.received_at, now());
    }

    #[test]
    fn gen_1_every_channel_is_accepted_and_others_refused() {
        for ch in Channel::ALL {
            let mut d = visit();
            d.channel = Some(ch.code().into());
            assert_eq!(d.parse(now(), &classes()).unwrap().channel, ch);
        }
        let mut d = visit();
        d.channel = Some("pigeon".into());
        assert_eq!(fields(d.parse(now(), &classes()).unwrap_err()), [("channel".into(), "not_a_choice")]);
    }

    #[test]
    fn gen_6_collective_visit_needs_one_to_five_representatives() {
        let mut d = visit();
        d.headcount = Some(12);
        assert_eq!(
            fields(d.parse(now(), &classes()).unwrap_err()),
            [("representatives".into(), "representatives_required")]
        );
        d.representatives = (1..=6).map(|i| format!("代表{i}")).collect();
        assert_eq!(
            fields(d.parse(now(), &classes()).unwrap_err()),
            [("representatives".into(), "too_many_representatives")]
        );
        d.representatives.truncate(3);
        let r = d.parse(now(), &classes()).unwrap();
        assert!(r.flags.contains(&Flag::Collective));
        assert_eq!(r.representatives.len(), 3);
    }

    #[test]
    fn fed_20_anonymous_letter_needs_no_petitioner_but_a_visit_needs_a_name() {
        let mut d = visit();
        d.channel = Some("letter".into());
        d.petitioner = None;
        let r = d.parse(now(), &classes()).unwrap();
        assert!(r.petitioner.is_empty());
        assert!(r.flags.contains(&Flag::Anonymous));
        let mut d = visit();
        d.petitioner = None;
        assert_eq!(
            fields(d.parse(now(), &classes()).unwrap_err()),
            [("petitioner.name".into(), "name_required_for_visit")]
        );
    }

    #[test]
    fn a_registration_is_not_dated_a_century_back() {
        let d = CaseDraft { received_at: Some("1900-01-01".into()), ..Default::default() };
        let got = fields(d.parse(now(), &classes()).unwrap_err());
        assert!(got.contains(&("received_at".to_string(), "too_far_back")), "{got:?}");
    }

    #[test]
    fn all_mistakes_are_reported_at_once() {
        let d = CaseDraft {
            channel: Some("visit".into()),
            unit: Some("西山".into()),
            petitioner: Some(PetitionerDraft {
                name: Some("李".repeat(51)),
                id_number: Some("110105194912310021".into()),
                phone: Some("123".into()),
                ..Default::default()
            }),
            headcount: Some(0),
            received_at: Some("2027-01-01".into()),
            content: None,
            ..Default::default()
        };
        let got = fields(d.parse(now(), &classes()).unwrap_err());
        for want in [
            ("received_at", "in_future"),
            ("unit", "unit_code_format"),
            ("petitioner.name", "too_long"),
            ("headcount", "out_of_range"),
            ("category", "required"),
            ("content", "required"),
        ] {
            assert!(got.contains(&(want.0.to_string(), want.1)), "{want:?} missing from {got:?}");
        }
    }

    #[test]
    fn chosen_flags_are_kept_and_derived_ones_recomputed() {
        let mut d = visit();
        d.flags = vec!["major_urgent".into(), "collective".into(), "repeat".into()];
        let r = d.parse(now(), &classes()).unwrap();
        assert_eq!(r.flags.iter().copied().collect::<Vec<_>>(), [Flag::MajorUrgent, Flag::Repeat]);
    }

    #[test]
    fn a_day_is_midnight_in_china() {
        let t = parse_instant("t", "2026-11-20").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-11-19T16:00:00+00:00");
    }

    #[test]
    fn fed_2_a_counter_visit_keeps_its_time_of_day() {
        // The staff form's date-and-time field, in China time.
        let t = parse_instant("t", "2026-11-20T09:30").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-11-20T01:30:00+00:00");
        assert_eq!(parse_instant("t", "2026-11-20 09:30").unwrap(), t);
        assert!(parse_instant("t", "2026-11-20T25:30").is_err());
    }

    #[test]
    fn case_numbers_and_query_codes_read_back() {
        let unit = UnitCode::parse("u", "XS").unwrap();
        let n = CaseNumber::new(&unit, 2026, 123);
        assert_eq!(n.as_str(), "XS-2026-000123");
        assert_eq!(CaseNumber::parse(" xs-2026-000123 "), Some(n));
        assert_eq!(CaseNumber::parse("XS-26-000123"), None);
        let q = QueryCode::from_random([7; 8]);
        assert_eq!(q.digits().len(), 8);
        assert_eq!(QueryCode::parse(&q.to_string()), Some(q.clone()));
        assert_eq!(QueryCode::parse("1234 5678").map(|q| q.to_string()), Some("1234-5678".into()));
        assert_eq!(QueryCode::parse("1234-567"), None);
    }
}
