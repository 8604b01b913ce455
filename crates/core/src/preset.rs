//! 预设 (issue 22): a unit's own reception system as data. Each seed document is one preset
//! (`data/presets/*.toml`): the unit and its usual sub-units, what it calls its roles and its
//! letters, its reception hours and public procedure, its duty pattern, its limits, the bodies of a
//! democratic community and the content classes it hears of first — each section citing the
//! sentences of the document it implements. This module reads and checks a preset and says what
//! it asks of an installation; `huiyin_app::presets` applies it through the ordinary services.
//!
//! What a preset gives a unit that no other setting holds — the names of its roles and letters,
//! the classes it offers first, the kind of duty it keeps — is kept as the unit's [`UnitTerms`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::case::Relation;
use crate::community_body::{BodyKind, BodyRules, BodyRulesDraft};
use crate::limits::LimitRules;
use crate::text::limits;
use crate::unit::{OfficeHours, PublicInfoDraft, UnitCode, UnitDraft, UnitKind};
use crate::user::Role;
use crate::{FieldError, ValidationErrors};

/// The presets shipped with huiyin, by id, in the order the seed documents come.
pub const SHIPPED: [(&str, &str); 5] = [
    ("federation", include_str!("../../../data/presets/federation.toml")),
    ("community-democratic", include_str!("../../../data/presets/community-democratic.toml")),
    ("community", include_str!("../../../data/presets/community.toml")),
    ("town", include_str!("../../../data/presets/town.toml")),
    ("school", include_str!("../../../data/presets/school.toml")),
];

/// The shipped preset `id`, read and checked; `None` for an id not shipped.
pub fn shipped(id: &str) -> Option<Preset> {
    SHIPPED.iter().find(|(i, _)| *i == id).and_then(|(_, text)| Preset::parse(text).ok())
}

/// Every shipped preset, read and checked (a shipped file that does not read is a defect the
/// tests catch; it is left out here rather than stopping the server).
pub fn all_shipped() -> Vec<Preset> {
    SHIPPED.iter().filter_map(|(_, text)| Preset::parse(text).ok()).collect()
}

/// The ids of the shipped presets, for messages: `federation, community-democratic, …`.
pub fn shipped_ids() -> String {
    SHIPPED.iter().map(|(id, _)| *id).collect::<Vec<_>>().join(", ")
}

/// A preset as written in its file. Every section names the sentences it implements (`cites`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Preset {
    /// `federation`, `community`, `community-democratic`, `town`, `school`.
    pub id: String,
    /// 社区残联, 乡镇 … as the setup page offers it.
    pub title: String,
    /// The seed document it implements.
    pub document: String,
    /// What the document asks, in a sentence or two.
    pub summary: String,
    pub top: TopPlan,
    /// The usual sub-units, below the top.
    #[serde(default)]
    pub units: Vec<SubUnitPlan>,
    pub roles: Option<RolesPlan>,
    pub documents: Option<DocumentsPlan>,
    pub public: Option<PublicPlan>,
    pub duty: Option<DutyPlan>,
    pub limits: Option<LimitsPlan>,
    pub classes: Option<ClassesPlan>,
    /// Whom and what the unit receives (SCH-1, SCH-2), when not every petition.
    pub scope: Option<ScopePlan>,
    /// The bodies of a democratic community (DEM-2 … DEM-5), with their rules.
    #[serde(default)]
    pub bodies: Vec<BodyPlan>,
}

/// The unit a preset sets up: its kind, and the code and name offered when none is given.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TopPlan {
    pub kind: String,
    pub code: String,
    pub name: String,
    pub cites: Vec<String>,
}

/// A sub-unit: its code after the top's (`CL` + `WQB` = `CL-WQB`), its name with `{top}` for the
/// top's name.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubUnitPlan {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub cites: Vec<String>,
}

/// What the unit calls its roles (专职信访员, 两委干部 …); a role not named keeps huiyin's name.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RolesPlan {
    pub admin: Option<String>,
    pub officer: Option<String>,
    pub leader: Option<String>,
    pub handler: Option<String>,
    pub supervisor: Option<String>,
    pub cites: Vec<String>,
}

/// The titles of the letters that assign and transfer a case (FED-16, FED-17, TWN-11).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentsPlan {
    pub assignment: Option<String>,
    pub transfer: Option<String>,
    pub cites: Vec<String>,
}

/// What the unit tells the public (COM-3): the hotline is the installation's own, given when the
/// preset is applied; `{top}` in the address stands for the unit's name.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublicPlan {
    pub address: String,
    pub office_hours: String,
    pub procedure: String,
    pub cites: Vec<String>,
}

/// The kind of duty the unit keeps (CDR-1, SCH-5, TWN-6, FED-3): the people are its own, added
/// after; the duty page starts its pattern from this.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DutyPlan {
    /// `rotation` or `weekdays`, as a duty pattern's kind.
    pub kind: String,
    pub every_day: bool,
    pub note: String,
    pub cites: Vec<String>,
}

/// The limits: a base (`national`, `zhejiang`, `shandong`) and the fields the document changes,
/// named as in the limits' JSON.
#[derive(Debug, Clone, Deserialize)]
pub struct LimitsPlan {
    pub base: String,
    pub cites: Vec<String>,
    #[serde(flatten)]
    pub changes: BTreeMap<String, serde_json::Value>,
}

/// The content classes the unit hears of first, as path prefixes of the classification.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClassesPlan {
    pub first: Vec<String>,
    pub cites: Vec<String>,
}

/// Whom and what the unit receives: the relations (`staff`, `student`, `parent`) and the content
/// classes as path prefixes.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScopePlan {
    #[serde(default)]
    pub relations: Vec<String>,
    #[serde(default)]
    pub classes: Vec<String>,
    pub cites: Vec<String>,
}

/// One body of a democratic community and its rules.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BodyPlan {
    pub kind: String,
    pub quorum: String,
    pub majority: String,
    pub notice_days: u32,
    pub convene_share: Option<String>,
    pub cites: Vec<String>,
}

/// What a unit calls things and uses first, as a preset gave them and administrators keep them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitTerms {
    /// The preset they came from, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preset: Option<String>,
    /// The unit's names of roles, by role code (`officer` → 专职信访员).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub roles: BTreeMap<String, String>,
    /// The title of the assignment letter (交办函).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignment_title: Option<String>,
    /// The title of the transfer letter (转办函).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transfer_title: Option<String>,
    /// Content classes offered first, as path prefixes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub first_classes: Vec<String>,
    /// The duty kept: `rotation` or `weekdays`, and whether on every day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duty: Option<DutyStyle>,
    /// Whom and what the unit receives (SCH-1, SCH-2); none for a unit that receives every petition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<UnitScope>,
}

/// Whom and what a unit receives (SCH-1, SCH-2), when it does not receive every petition.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitScope {
    /// The petitioners received, by their relation to the unit (`staff`, `student`, `parent`): a
    /// petitioner is asked theirs, and one of any other is guided elsewhere. Empty: anyone.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub relations: Vec<Relation>,
    /// The unit's matters, as content class path prefixes (`教育`): a case of another class is
    /// offered the matching path (an answer on the spot, a transfer). Empty: every class.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub classes: Vec<String>,
}

impl UnitScope {
    /// Whether a petitioner is asked how they stand to the unit.
    pub fn asks_relation(&self) -> bool {
        !self.relations.is_empty()
    }

    /// Whether a petitioner of `relation` is one the unit receives.
    pub fn receives(&self, relation: Relation) -> bool {
        self.relations.is_empty() || self.relations.contains(&relation)
    }

    /// Whether a case of the class at `path` is one of the unit's matters.
    pub fn covers(&self, path: &str) -> bool {
        self.classes.is_empty() || self.classes.iter().any(|c| class_within(path, c))
    }

    /// The petitioners received, as a sentence names them: 教职工、学生、家长.
    pub fn relations_zh(&self) -> String {
        self.relations.iter().map(|r| r.label_zh()).collect::<Vec<_>>().join("、")
    }

    /// The unit's matters, as a sentence names them.
    pub fn classes_zh(&self) -> String {
        self.classes.join("、")
    }
}

/// Whether the class at `path` is `prefix` or within the group it names.
fn class_within(path: &str, prefix: &str) -> bool {
    path == prefix || path.strip_prefix(prefix).is_some_and(|rest| rest.starts_with(" / "))
}

/// The kind of duty a unit keeps, for the pattern form to start from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DutyStyle {
    pub kind: String,
    pub every_day: bool,
    pub note: String,
}

impl UnitTerms {
    /// The unit's name for `role`, or huiyin's.
    pub fn role_name(&self, role: Role) -> &str {
        self.roles.get(role.code()).map_or(role.label_zh(), String::as_str)
    }

    /// `role` as a list shows it: the unit's name with huiyin's after it when they differ
    /// (`专职信访员(接访员)`), else huiyin's.
    pub fn role_label(&self, role: Role) -> String {
        match self.roles.get(role.code()) {
            Some(own) if own != role.label_zh() => format!("{own}({})", role.label_zh()),
            _ => role.label_zh().to_owned(),
        }
    }

    /// These terms with what `kept` already holds left as it is: only what it lacks is added, so
    /// that applying a preset again never overwrites an administrator's change.
    pub fn filling(&self, kept: &UnitTerms) -> UnitTerms {
        let mut roles = self.roles.clone();
        roles.extend(kept.roles.clone());
        UnitTerms {
            preset: kept.preset.clone().or_else(|| self.preset.clone()),
            roles,
            assignment_title: kept.assignment_title.clone().or_else(|| self.assignment_title.clone()),
            transfer_title: kept.transfer_title.clone().or_else(|| self.transfer_title.clone()),
            first_classes: if kept.first_classes.is_empty() {
                self.first_classes.clone()
            } else {
                kept.first_classes.clone()
            },
            duty: kept.duty.clone().or_else(|| self.duty.clone()),
            scope: kept.scope.clone().or_else(|| self.scope.clone()),
        }
    }
}

/// A unit's terms as an administrator types them (`PUT /api/v1/units/{code}/terms`): the whole
/// set, replacing the unit's own; a blank name leaves the role with huiyin's name.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitTermsDraft {
    /// The unit's names of roles by role code: `admin`, `officer`, `leader`, `handler`, `supervisor`.
    pub roles: Option<BTreeMap<String, String>>,
    pub assignment_title: Option<String>,
    pub transfer_title: Option<String>,
    /// Content classes offered first: each the path of a class or of a group of them
    /// (`民政与应急 / 社会事务`), at most 20.
    pub first_classes: Option<Vec<String>>,
    /// `rotation` or `weekdays`; none for no kind of duty named.
    pub duty_kind: Option<String>,
    pub duty_every_day: Option<bool>,
    pub duty_note: Option<String>,
    /// The petitioners received (SCH-1): `staff`, `student`, `parent`, `other`; none or empty for anyone.
    pub scope_relations: Option<Vec<String>>,
    /// The unit's matters (SCH-2), as class paths like `first_classes`; none or empty for every class.
    pub scope_classes: Option<Vec<String>>,
}

/// How many classes a unit may put first.
pub const MAX_FIRST_CLASSES: usize = 20;

impl UnitTermsDraft {
    /// The terms, or every mistake on its field (`roles.boss`, `first_classes[2]`). `paths` are the
    /// paths of the classes in use; `preset` is kept from the unit's terms.
    pub fn parse(&self, preset: Option<String>, paths: &[&str]) -> Result<UnitTerms, ValidationErrors> {
        use crate::text::optional;
        let mut errors = Vec::new();
        let mut roles = BTreeMap::new();
        for (code, name) in self.roles.iter().flatten() {
            let field = format!("roles.{code}");
            if !Role::ALL.iter().any(|r| r.code() == code) {
                let allowed = Role::ALL.map(Role::code).join(", ");
                errors.push(FieldError::new(field, crate::Invalid::NotAChoice { allowed }));
                continue;
            }
            match optional(&field, Some(name), limits::TITLE) {
                Ok(Some(name)) => {
                    roles.insert(code.clone(), name);
                }
                Ok(None) => {}
                Err(e) => errors.push(e),
            }
        }
        let mut title = |field: &str, raw: Option<&str>| {
            optional(field, raw, limits::TITLE).map_err(|e| errors.push(e)).ok().flatten()
        };
        let assignment_title = title("assignment_title", self.assignment_title.as_deref());
        let transfer_title = title("transfer_title", self.transfer_title.as_deref());
        let mut classes = |field: &str, given: &Option<Vec<String>>| {
            let list: Vec<String> = given.iter().flatten().map(|c| c.trim().to_owned()).collect();
            if list.len() > MAX_FIRST_CLASSES {
                errors.push(FieldError::new(field, crate::Invalid::TooLong { max: MAX_FIRST_CLASSES }));
            }
            for (i, prefix) in list.iter().enumerate() {
                if !paths.iter().any(|p| class_within(p, prefix)) {
                    errors.push(FieldError::new(format!("{field}[{i}]"), crate::Invalid::UnknownCategory));
                }
            }
            list
        };
        let first = classes("first_classes", &self.first_classes);
        let scope_classes = classes("scope_classes", &self.scope_classes);
        let mut relations = Vec::new();
        for (i, raw) in self.scope_relations.iter().flatten().enumerate() {
            match Relation::parse(&format!("scope_relations[{i}]"), raw) {
                Ok(r) if !relations.contains(&r) => relations.push(r),
                Ok(_) => {}
                Err(e) => errors.push(e),
            }
        }
        let scope = (!relations.is_empty() || !scope_classes.is_empty())
            .then_some(UnitScope { relations, classes: scope_classes });
        let duty = match self.duty_kind.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(kind @ ("rotation" | "weekdays")) => {
                let note = optional("duty_note", self.duty_note.as_deref(), limits::REASON)
                    .map_err(|e| errors.push(e))
                    .ok()
                    .flatten();
                Some(DutyStyle {
                    kind: kind.to_owned(),
                    every_day: self.duty_every_day.unwrap_or(false),
                    note: note.unwrap_or_default(),
                })
            }
            Some(_) => {
                errors.push(FieldError::new(
                    "duty_kind",
                    crate::Invalid::NotAChoice { allowed: "rotation, weekdays".into() },
                ));
                None
            }
        };
        match ValidationErrors::from_vec(errors) {
            Some(errors) => Err(errors),
            None => {
                Ok(UnitTerms { preset, roles, assignment_title, transfer_title, first_classes: first, duty, scope })
            }
        }
    }
}

/// Where a preset is put: the top unit's code and name (the preset's own when not given).
#[derive(Debug, Clone, Default)]
pub struct Placement {
    pub code: Option<String>,
    pub name: Option<String>,
    /// The unit the top goes under, in a tree that has one.
    pub parent: Option<String>,
    /// The public hotline: the public information is set only with it.
    pub hotline: Option<String>,
}

/// A preset made concrete for one installation: every unit with its code and name, every
/// setting checked, in the order it is applied.
#[derive(Debug, Clone)]
pub struct Plan {
    pub preset: String,
    /// The top first, then its sub-units.
    pub units: Vec<UnitDraft>,
    pub terms: UnitTerms,
    /// The public information, when the hotline was given.
    pub public: Option<PublicInfoDraft>,
    pub limits: Option<LimitsPlan>,
    pub bodies: Vec<(BodyKind, BodyRulesDraft)>,
}

impl Plan {
    /// The top unit's code.
    pub fn top_code(&self) -> &str {
        self.units.first().and_then(|u| u.code.as_deref()).unwrap_or_default()
    }
}

/// Why a preset file does not read: the field and the reason, in Chinese.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("预设文件有误:{0}")]
pub struct PresetError(pub String);

impl Preset {
    /// Reads a preset file and checks every part of it: kinds, codes, hours, limits, bodies.
    pub fn parse(text: &str) -> Result<Preset, PresetError> {
        let preset: Preset = toml::from_str(text).map_err(|e| PresetError(e.message().to_owned()))?;
        preset.check()?;
        Ok(preset)
    }

    fn check(&self) -> Result<(), PresetError> {
        let bad = |what: &str, why: String| PresetError(format!("{what}:{why}"));
        let field = |what: &str, e: FieldError| bad(what, e.message(crate::Lang::Zh));
        if self.id.is_empty() || !self.id.bytes().all(|b| b.is_ascii_lowercase() || b == b'-') {
            return Err(bad("id", "只能由小写字母和连字符组成".into()));
        }
        UnitKind::parse("top.kind", &self.top.kind).map_err(|e| field("top.kind", e))?;
        UnitCode::parse("top.code", &self.top.code).map_err(|e| field("top.code", e))?;
        for (i, unit) in self.units.iter().enumerate() {
            UnitKind::parse("kind", &unit.kind).map_err(|e| field(&format!("units[{i}].kind"), e))?;
            UnitCode::parse("code", &format!("{}-{}", self.top.code, unit.code))
                .map_err(|e| field(&format!("units[{i}].code"), e))?;
        }
        if let Some(public) = &self.public {
            OfficeHours::parse("office_hours", &public.office_hours).map_err(|e| field("public.office_hours", e))?;
        }
        if let Some(duty) = &self.duty
            && !matches!(duty.kind.as_str(), "rotation" | "weekdays")
        {
            return Err(bad("duty.kind", "应为 rotation 或 weekdays".into()));
        }
        if let Some(scope) = &self.scope {
            for raw in &scope.relations {
                Relation::parse("relations", raw).map_err(|e| field("scope.relations", e))?;
            }
        }
        if let Some(limits) = &self.limits {
            limits.rules().map_err(|why| bad("limits", why))?;
        }
        for (i, body) in self.bodies.iter().enumerate() {
            body.rules().map_err(|why| bad(&format!("bodies[{i}]"), why))?;
        }
        if let Some(roles) = &self.roles {
            for (code, name) in roles.names() {
                crate::text::required(code, Some(name), limits::TITLE)
                    .map_err(|e| field(&format!("roles.{code}"), e))?;
            }
        }
        for section in self.cited_sections() {
            if section.1.is_empty() {
                return Err(bad(section.0, "须引用所实现的原句(cites)".into()));
            }
        }
        Ok(())
    }

    /// Every section with the sentences it cites, for the check that each is in its document.
    pub fn cited_sections(&self) -> Vec<(&'static str, &[String])> {
        let mut out = vec![("top", self.top.cites.as_slice())];
        out.extend(self.units.iter().map(|u| ("units", u.cites.as_slice())));
        out.extend(self.roles.iter().map(|s| ("roles", s.cites.as_slice())));
        out.extend(self.documents.iter().map(|s| ("documents", s.cites.as_slice())));
        out.extend(self.public.iter().map(|s| ("public", s.cites.as_slice())));
        out.extend(self.duty.iter().map(|s| ("duty", s.cites.as_slice())));
        out.extend(self.limits.iter().map(|s| ("limits", s.cites.as_slice())));
        out.extend(self.classes.iter().map(|s| ("classes", s.cites.as_slice())));
        out.extend(self.scope.iter().map(|s| ("scope", s.cites.as_slice())));
        out.extend(self.bodies.iter().map(|s| ("bodies", s.cites.as_slice())));
        out
    }

    /// The preset made concrete: the top's code and name as placed (the preset's own otherwise),
    /// the sub-units' codes after it and their names with it, the public information with the
    /// hotline given. A code or name that does not fit is refused on its field.
    pub fn plan(&self, placement: &Placement) -> Result<Plan, ValidationErrors> {
        let code = placement.code.as_deref().map(str::trim).filter(|c| !c.is_empty()).unwrap_or(&self.top.code);
        let code = UnitCode::parse("code", code)?;
        // The sub-units' codes are the top's with theirs after a hyphen, and a code is at most 16.
        let longest = self.units.iter().map(|u| u.code.len() + 1).max().unwrap_or(0);
        if code.as_str().len() + longest > 16 {
            return Err(FieldError::new("code", crate::Invalid::TooLong { max: 16 - longest }).into());
        }
        let name = placement.name.as_deref().map(str::trim).filter(|n| !n.is_empty()).unwrap_or(&self.top.name);
        let name = crate::text::required("name", Some(name), limits::UNIT_NAME)?;
        let mut units = vec![UnitDraft {
            code: Some(code.to_string()),
            name: Some(name.clone()),
            kind: Some(self.top.kind.clone()),
            parent: placement.parent.clone(),
        }];
        for unit in &self.units {
            units.push(UnitDraft {
                code: Some(format!("{code}-{}", unit.code)),
                name: Some(unit.name.replace("{top}", &name)),
                kind: Some(unit.kind.clone()),
                parent: Some(code.to_string()),
            });
        }
        for draft in &units {
            draft.parse()?;
        }
        let public = match (&self.public, placement.hotline.as_deref().map(str::trim).filter(|h| !h.is_empty())) {
            (Some(public), Some(hotline)) => {
                let draft = PublicInfoDraft {
                    hotline: Some(hotline.to_owned()),
                    address: Some(public.address.replace("{top}", &name)),
                    office_hours: Some(public.office_hours.clone()),
                    procedure: Some(public.procedure.clone()),
                };
                draft.parse()?;
                Some(draft)
            }
            _ => None,
        };
        let limits = self.limits.clone();
        // Checked when the preset was read.
        let bodies = self.bodies.iter().filter_map(|body| body.draft().ok()).collect();
        Ok(Plan { preset: self.id.clone(), units, terms: self.terms(), public, limits, bodies })
    }

    /// What the preset gives the top unit to keep as its terms.
    pub fn terms(&self) -> UnitTerms {
        UnitTerms {
            preset: Some(self.id.clone()),
            roles: self
                .roles
                .iter()
                .flat_map(|r| r.names())
                .map(|(code, name)| (code.to_owned(), name.to_owned()))
                .collect(),
            assignment_title: self.documents.as_ref().and_then(|d| d.assignment.clone()),
            transfer_title: self.documents.as_ref().and_then(|d| d.transfer.clone()),
            first_classes: self.classes.as_ref().map(|c| c.first.clone()).unwrap_or_default(),
            duty: self.duty.as_ref().map(|d| DutyStyle {
                kind: d.kind.clone(),
                every_day: d.every_day,
                note: d.note.clone(),
            }),
            // Checked when the preset was read.
            scope: self.scope.as_ref().map(|s| UnitScope {
                relations: s.relations.iter().filter_map(|r| Relation::parse("relations", r).ok()).collect(),
                classes: s.classes.clone(),
            }),
        }
    }

    /// The top unit's kind.
    pub fn kind(&self) -> UnitKind {
        UnitKind::parse("kind", &self.top.kind).unwrap_or(UnitKind::Agency)
    }
}

impl RolesPlan {
    /// The names given, by role code.
    fn names(&self) -> Vec<(&'static str, &str)> {
        Role::ALL
            .into_iter()
            .filter_map(|role| {
                let name = match role {
                    Role::Admin => &self.admin,
                    Role::Officer => &self.officer,
                    Role::Leader => &self.leader,
                    Role::Handler => &self.handler,
                    Role::Supervisor => &self.supervisor,
                };
                name.as_deref().map(|n| (role.code(), n))
            })
            .collect()
    }
}

impl LimitsPlan {
    /// The base's limits with the document's changes, checked.
    pub fn rules(&self) -> Result<LimitRules, String> {
        let base = LimitRules::preset(&self.base)
            .ok_or_else(|| format!("base 应为 {} 之一", LimitRules::PRESETS.join(", ")))?;
        self.over(base)
    }

    /// `inherited` with the document's changes, checked.
    pub fn over(&self, inherited: LimitRules) -> Result<LimitRules, String> {
        let mut value = serde_json::to_value(&inherited).map_err(|e| e.to_string())?;
        let serde_json::Value::Object(fields) = &mut value else {
            return Err("limits".into());
        };
        for (name, change) in &self.changes {
            if name == "preset" || !fields.contains_key(name) {
                return Err(format!("没有名为 {name} 的期限"));
            }
            fields.insert(name.clone(), change.clone());
        }
        let rules: LimitRules = serde_json::from_value(value).map_err(|e| e.to_string())?;
        rules.checked().map_err(|field| format!("{field} 超出范围"))
    }
}

impl BodyPlan {
    fn draft(&self) -> Result<(BodyKind, BodyRulesDraft), String> {
        let kind = BodyKind::ALL
            .into_iter()
            .find(|k| k.code() == self.kind)
            .ok_or_else(|| "kind 应为 committee, council 或 congress".to_owned())?;
        Ok((
            kind,
            BodyRulesDraft {
                quorum: Some(self.quorum.clone()),
                majority: Some(self.majority.clone()),
                notice_days: Some(self.notice_days),
                convene_share: self.convene_share.clone(),
            },
        ))
    }

    fn rules(&self) -> Result<BodyRules, String> {
        let (kind, draft) = self.draft()?;
        draft.parse(kind).map_err(|e| e.iter().map(|e| e.message(crate::Lang::Zh)).collect::<Vec<_>>().join(";"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The seed documents, as the presets cite them.
    const SEEDS: &str = include_str!("../../../data/presets/seeds.txt");

    fn squeezed(s: &str) -> String {
        s.chars().filter(|c| !c.is_whitespace()).collect()
    }

    #[test]
    fn every_shipped_preset_reads_and_is_checked() {
        for (id, text) in SHIPPED {
            let preset = Preset::parse(text).unwrap_or_else(|e| panic!("{id}: {e}"));
            assert_eq!(preset.id, id);
            let plan = preset.plan(&Placement { hotline: Some("0571-1234567".into()), ..Default::default() }).unwrap();
            assert_eq!(plan.top_code(), preset.top.code);
            assert_eq!(plan.units.len(), preset.units.len() + 1);
            assert!(plan.public.is_some(), "{id}");
        }
        assert_eq!(all_shipped().len(), SHIPPED.len());
    }

    #[test]
    fn every_cited_sentence_is_in_the_seed_documents() {
        let seeds = squeezed(SEEDS);
        for preset in all_shipped() {
            for (section, cites) in preset.cited_sections() {
                for cite in cites {
                    assert!(seeds.contains(&squeezed(cite)), "{} {section}: not in the seeds: {cite}", preset.id);
                }
            }
        }
    }

    #[test]
    fn fed_16_fed_17_the_federation_names_its_letters_and_its_rights_office() {
        let federation = shipped("federation").unwrap();
        let plan = federation
            .plan(&Placement {
                code: Some("dcl".into()), name: Some("东城社区残联".into()), ..Default::default()
            })
            .unwrap();
        assert_eq!(plan.units[1].code.as_deref(), Some("DCL-WQB"));
        assert_eq!(plan.units[1].name.as_deref(), Some("东城社区残联维权办"));
        assert_eq!(plan.terms.assignment_title.as_deref(), Some("残疾人来信来访来电交办函"));
        assert_eq!(plan.terms.transfer_title.as_deref(), Some("群众来信来访来电转办函"));
        assert_eq!(plan.terms.role_name(Role::Officer), "专职信访员");
        assert_eq!(plan.terms.role_name(Role::Admin), "管理员");
        assert_eq!(plan.terms.role_label(Role::Officer), "专职信访员(接访员)");
        assert_eq!(plan.terms.role_label(Role::Supervisor), Role::Supervisor.label_zh());
        // Without a hotline the public information is left for the unit to set.
        assert!(plan.public.is_none());
    }

    #[test]
    fn sch_4_the_school_receives_in_its_two_sittings() {
        let school = shipped("school").unwrap();
        let hours = OfficeHours::parse("h", &school.public.unwrap().office_hours).unwrap();
        assert_eq!(hours.describe_zh(), "周一至周五 10:00–12:30、16:00–18:00");
        assert_eq!(hours.closes_on(6), None);
    }

    #[test]
    fn twn_11_twn_9_the_town_needs_both_leaders_and_publishes_on_the_first_working_day() {
        let rules = shipped("town").unwrap().limits.unwrap().rules().unwrap();
        assert_eq!(rules.approvals_required, 2);
        assert_eq!(rules.reception_publish_by, 1);
        assert_eq!(rules.reception_min_rank, "副科级");
    }

    #[test]
    fn a_bad_preset_is_refused_with_its_field() {
        let base = SHIPPED[0].1;
        let cases = [
            (base.replace("kind = \"federation\"", "kind = \"castle\""), "top.kind"),
            (base.replace("1-5 08:30-11:30,14:00-17:30", "weekdays"), "public.office_hours"),
            (base.replace("base = \"national\"", "base = \"mars\""), "limits"),
            (base.replace("base = \"national\"", "base = \"national\"\nhandling = 3"), "limits"),
            (base.replace("base = \"national\"", "base = \"national\"\nsorting_days = 3"), "limits"),
            (format!("{base}\nextra = 1\n"), "extra"),
            (base.replace("code = \"WQB\"", "code = \"维权\""), "units[0].code"),
        ];
        for (text, field) in cases {
            let e = Preset::parse(&text).unwrap_err();
            assert!(e.0.contains(field), "{field}: {e}");
        }
        let uncited = base.replacen(
            "cites = [\"信访工作采用首问责任制原则,配备专职信访员,具体负责日常接访工作。\"]",
            "cites = []",
            1,
        );
        assert!(Preset::parse(&uncited).unwrap_err().0.contains("top"));
    }

    #[test]
    fn a_placement_that_does_not_fit_is_refused_on_its_field() {
        let town = shipped("town").unwrap();
        let e = town.plan(&Placement { code: Some("ABCDEFGHIJKLMN".into()), ..Default::default() }).unwrap_err();
        assert_eq!(e.first().invalid, crate::Invalid::TooLong { max: 12 }, "room for -XFB");
        let e = town.plan(&Placement { name: Some("镇".repeat(101)), ..Default::default() }).unwrap_err();
        assert!(e.iter().any(|e| e.field == "name"), "{e:?}");
    }

    #[test]
    fn fed_2_a_unit_names_its_roles_and_letters_as_it_likes_within_bounds() {
        let paths = ["教育 / 学校管理 / 招生", "政法 / 公安 / 户籍"];
        let draft = UnitTermsDraft {
            roles: Some([("officer".into(), " 信访专干 ".into()), ("leader".into(), String::new())].into()),
            assignment_title: Some("交办单".into()),
            first_classes: Some(vec!["教育".into(), "政法 / 公安".into()]),
            duty_kind: Some("weekdays".into()),
            ..Default::default()
        };
        let terms = draft.parse(Some("school".into()), &paths).unwrap();
        assert_eq!(terms.role_name(Role::Officer), "信访专干");
        assert_eq!(terms.role_name(Role::Leader), "领导", "a blank name keeps huiyin's");
        assert_eq!(terms.preset.as_deref(), Some("school"));
        assert_eq!(terms.duty.unwrap().kind, "weekdays");
        let bad = UnitTermsDraft {
            roles: Some([("boss".into(), "老板".into()), ("officer".into(), "信\u{202e}访".into())].into()),
            assignment_title: Some("函".repeat(51)),
            first_classes: Some(vec!["教".into(), "政法 / 公安".into()]),
            duty_kind: Some("sometimes".into()),
            ..Default::default()
        };
        let e = bad.parse(None, &paths).unwrap_err();
        let fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["roles.boss", "roles.officer", "assignment_title", "first_classes[0]", "duty_kind"]);
    }

    #[test]
    fn the_shipped_first_classes_are_classes_of_the_shipped_classification() {
        let classes = crate::category::parse_tsv(include_str!("../../../data/categories/content-categories.tsv"));
        let paths: Vec<&str> = classes.iter().map(|c| c.path.as_str()).collect();
        for preset in all_shipped() {
            let terms = preset.terms();
            let scope = terms.scope.clone().unwrap_or_default();
            let draft = UnitTermsDraft {
                first_classes: Some(terms.first_classes.clone()),
                scope_relations: Some(scope.relations.iter().map(|r| r.code().to_owned()).collect()),
                scope_classes: Some(scope.classes.clone()),
                ..Default::default()
            };
            let parsed = draft.parse(terms.preset.clone(), &paths).unwrap();
            assert_eq!((parsed.first_classes, parsed.scope), (terms.first_classes, terms.scope), "{}", preset.id);
        }
    }

    #[test]
    fn sch_1_sch_2_the_school_receives_its_own_people_on_teaching_matters() {
        let scope = shipped("school").unwrap().terms().scope.unwrap();
        assert!(scope.asks_relation());
        for relation in [Relation::Staff, Relation::Student, Relation::Parent] {
            assert!(scope.receives(relation));
        }
        assert!(!scope.receives(Relation::Other));
        assert_eq!(scope.relations_zh(), "教职工、学生、家长");
        assert!(scope.covers("教育 / 考试招生 / 中考"));
        assert!(scope.covers("教育"));
        assert!(!scope.covers("教育局"), "a prefix counts only as a whole class");
        assert!(!scope.covers("政法 / 公安"));
        // The other presets receive everyone on every matter.
        for id in ["federation", "community", "community-democratic", "town"] {
            assert!(shipped(id).unwrap().terms().scope.is_none(), "{id}");
        }
        let wrong = UnitTermsDraft {
            scope_relations: Some(vec!["staff".into(), "alien".into()]),
            scope_classes: Some(vec!["教".into()]),
            ..Default::default()
        };
        let fields: Vec<String> =
            wrong.parse(None, &["教育 / 教育体制"]).unwrap_err().iter().map(|e| e.field.clone()).collect();
        assert_eq!(fields, ["scope_classes[0]", "scope_relations[1]"]);
    }

    #[test]
    fn applying_again_never_overwrites_what_is_kept() {
        let preset = shipped("federation").unwrap().terms();
        let mut kept = UnitTerms::default();
        kept.roles.insert("officer".into(), "信访专干".into());
        kept.assignment_title = Some("交办单".into());
        let merged = preset.filling(&kept);
        assert_eq!(merged.role_name(Role::Officer), "信访专干");
        assert_eq!(merged.role_name(Role::Leader), "接待领导");
        assert_eq!(merged.assignment_title.as_deref(), Some("交办单"));
        assert_eq!(merged.transfer_title.as_deref(), Some("群众来信来访来电转办函"));
        assert_eq!(merged.first_classes, preset.first_classes);
    }
}
