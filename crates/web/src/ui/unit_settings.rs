//! 单位设置 (issue 18): one page per unit for what its administrator sets — its kind, its time
//! limits beside those it would inherit (GEN-2 … GEN-5), its letterhead and signature block with a
//! preview of a notice, what it tells the public and its reception hours (COM-3), and its weekly
//! leaders' reception days (FED-3, FED-4). Each section is its own form; a refused one comes back
//! with the reason under its field and the values as typed, the others as stored.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;

use super::{Choice, FormErrors, Me, PageResult, Staff, check_csrf, choices, render};
use huiyin_app::context::AppState;
use huiyin_app::documents::issue;
use huiyin_app::error::AppError;
use huiyin_app::{deadlines, units};
use huiyin_core::calendar::Limit;
use huiyin_core::limits::LimitRules;
use huiyin_core::unit::{PublicInfoDraft, ReceptionDay, UnitKind, weekday_zh};
use huiyin_core::{FieldError, Invalid, ValidationErrors};

/// One time limit as the form shows it, with what the unit would inherit beside it.
pub(super) struct LimitRow {
    field: &'static str,
    label: &'static str,
    count: String,
    working: bool,
    /// “15 日” or “5 个工作日”.
    inherited: String,
    /// The value in force is not the inherited one.
    differs: bool,
}

/// One weekday of the reception schedule as the form shows it.
pub(super) struct DayRow {
    weekday: u8,
    label: &'static str,
    leader: String,
    title: String,
    credential: String,
    /// The row's place among the days sent, for its errors (`days[2].leader`); none if not sent.
    sent_as: Option<usize>,
}

/// A staff member of the unit offered for the reception schedule, with their card.
pub(super) struct Leader {
    name: String,
    title: String,
    credential: String,
}

#[derive(Template)]
#[template(path = "staff/admin_unit_settings.html")]
pub(super) struct SettingsPage {
    me: Option<Me>,
    csrf: String,
    code: String,
    name: String,
    kind_label: &'static str,
    /// The kind may be changed here: not the administrator's own unit.
    kind_editable: bool,
    kinds: Vec<Choice>,
    own_limits: bool,
    /// The limits may be set here: not the administrator's own unit, unless it is the top one.
    limits_editable: bool,
    preset: String,
    presets: Vec<Choice>,
    limits: Vec<LimitRow>,
    approvals: Vec<Choice>,
    inherited_approvals: u8,
    review_levels: Vec<Choice>,
    inherited_review_levels: u8,
    min_ranks: Vec<Choice>,
    inherited_min_rank: String,
    publish_by: String,
    inherited_publish_by: u8,
    screening_by: String,
    inherited_screening_by: u8,
    letterhead: String,
    signature: String,
    own_letterhead: bool,
    info: PublicInfoDraft,
    days: Vec<DayRow>,
    leaders: Vec<Leader>,
    /// 属地 (TWN-2): place names, address prefixes and boundary points, one a line.
    territory: TerritoryText,
    done: Option<&'static str>,
    errors: Option<ValidationErrors>,
}

impl FormErrors for SettingsPage {
    fn form_errors(&self) -> Option<&ValidationErrors> {
        self.errors.as_ref()
    }
}

impl SettingsPage {
    /// A schedule row's field as its errors name it.
    fn day_field(&self, row: &DayRow, name: &str) -> String {
        row.sent_as.map(|i| format!("days[{i}].{name}")).unwrap_or_default()
    }
}

/// The limit's count and unit as staff read them: “15 日”, “5 个工作日”.
fn limit_text(limit: Limit) -> String {
    match limit {
        Limit::CalendarDays(n) => format!("{n} 日"),
        Limit::WorkingDays(n) => format!("{n} 个工作日"),
    }
}

/// The preset names as staff read them.
fn preset_label(name: &str) -> &'static str {
    match name {
        "national" => "全国(《信访工作条例》)",
        "zhejiang" => "浙江",
        "shandong" => "山东",
        _ => "自定",
    }
}

/// A territory as the form shows it: one place, prefix or `lat,long` point a line.
#[derive(Default, Clone, Deserialize)]
pub(super) struct TerritoryText {
    #[serde(default)]
    places: String,
    #[serde(default)]
    address_prefixes: String,
    #[serde(default)]
    polygon: String,
}

impl TerritoryText {
    fn of(t: &huiyin_core::territory::Territory) -> TerritoryText {
        TerritoryText {
            places: t.places.join("\n"),
            address_prefixes: t.address_prefixes.join("\n"),
            polygon: t.polygon.iter().map(|[lat, long]| format!("{lat},{long}")).collect::<Vec<_>>().join("\n"),
        }
    }

    /// The draft the lines make; a point line that is not two numbers is refused on its line.
    fn draft(&self) -> Result<huiyin_core::territory::TerritoryDraft, ValidationErrors> {
        let lines = |text: &str| -> Vec<String> {
            text.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect()
        };
        // Names typed on one line with commas or 顿号 are as many names.
        let names = |text: &str| -> Vec<String> {
            text.split(['\n', ',', '，', '、', ';', '；'])
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect()
        };
        let mut polygon = Vec::new();
        let mut errors = Vec::new();
        for (i, line) in lines(&self.polygon).iter().enumerate() {
            let numbers: Vec<Option<f64>> =
                line.split([',', '，', ' ']).filter(|n| !n.is_empty()).map(|n| n.parse().ok()).collect();
            match numbers.as_slice() {
                [Some(lat), Some(long)] => polygon.push([*lat, *long]),
                _ => errors.push(huiyin_core::FieldError::new(
                    format!("polygon[{i}]"),
                    huiyin_core::Invalid::NotAChoice { allowed: "纬度,经度(如 43.51,125.32)".into() },
                )),
            }
        }
        match ValidationErrors::from_vec(errors) {
            Some(errors) => Err(errors),
            None => Ok(huiyin_core::territory::TerritoryDraft {
                places: Some(names(&self.places)),
                address_prefixes: Some(names(&self.address_prefixes)),
                polygon: Some(polygon),
            }),
        }
    }
}

/// What one section sent, when it is shown again as typed.
#[derive(Default)]
struct Typed {
    limits: Option<HashMap<String, String>>,
    letterhead: Option<(String, String)>,
    info: Option<PublicInfoDraft>,
    days: Option<Vec<DayRow>>,
    kind: Option<String>,
    territory: Option<TerritoryText>,
}

#[derive(Deserialize, Default)]
pub(super) struct SettingsQuery {
    #[serde(default)]
    done: String,
}

/// 单位设置: the unit's settings as stored.
pub(super) async fn settings_page(
    State(state): State<AppState>,
    staff: Staff,
    Path(code): Path<String>,
    Query(q): Query<SettingsQuery>,
) -> PageResult {
    let done = match q.done.as_str() {
        "kind" => Some("单位类别已修改。"),
        "limits" => Some("办理期限已保存,此后计算的期限按新规则;已计算的期限不变。"),
        "letterhead" => Some("红头与落款已保存,此后出具的文书使用新红头与落款。"),
        "public-info" => Some("公开信息已保存,公开页面随即更新。"),
        "schedule" => Some("领导接待日已保存,公开页面随即更新。"),
        "territory" => Some("属地范围已保存:此后未选单位的网上信访按问题发生地点送往负责的单位。"),
        _ => None,
    };
    settings_view(&state, &staff, &code, Typed::default(), None, done).await
}

async fn settings_view(
    state: &AppState,
    staff: &Staff,
    code: &str,
    typed: Typed,
    errors: Option<ValidationErrors>,
    done: Option<&'static str>,
) -> PageResult {
    let actor = &staff.actor;
    if !actor.user.role.can_administer() {
        return Err(AppError::Forbidden.into());
    }
    let unit = units::unit_in_scope(state, actor, code).await?;
    let limits = deadlines::unit_limits(state, actor, code).await?;
    let (style, own_letterhead) = issue::document_style(state, actor, code).await?;
    let info = match typed.info {
        Some(info) => info,
        None => match state.store.unit_public_info(unit.id).await? {
            Some(i) => PublicInfoDraft {
                hotline: Some(i.hotline),
                address: Some(i.address),
                office_hours: Some(i.office_hours),
                procedure: Some(i.procedure),
            },
            None => PublicInfoDraft::default(),
        },
    };
    let days = match typed.days {
        Some(days) => days,
        None => {
            let week = state.store.reception_schedule(unit.id).await?;
            (1..=7u8)
                .map(|weekday| {
                    let day = week.iter().find(|d| d.weekday == weekday);
                    DayRow {
                        weekday,
                        label: weekday_zh(weekday),
                        leader: day.map(|d| d.leader.clone()).unwrap_or_default(),
                        title: day.map(|d| d.title.clone()).unwrap_or_default(),
                        credential: day.map(|d| d.credential.clone()).unwrap_or_default(),
                        sent_as: None,
                    }
                })
                .collect()
        }
    };
    let leaders = state
        .store
        .users()
        .await?
        .into_iter()
        .filter(|u| u.unit_id == unit.id && u.active && !huiyin_core::user::is_system_account(&u.username))
        .map(|u| Leader {
            name: u.display_name.clone(),
            title: u.title.clone().unwrap_or_default(),
            credential: u.credential.clone().unwrap_or_default(),
        })
        .collect();
    let sent = typed.limits.unwrap_or_default();
    let rows = limits
        .rules
        .named_limits()
        .into_iter()
        .zip(limits.inherited.named_limits())
        .map(|((field, limit), (_, inherited))| {
            let (Limit::CalendarDays(n) | Limit::WorkingDays(n)) = limit;
            LimitRow {
                field,
                label: LimitRules::label_zh(field),
                count: sent.get(&format!("{field}_count")).cloned().unwrap_or_else(|| n.to_string()),
                working: sent
                    .get(&format!("{field}_unit"))
                    .map_or(matches!(limit, Limit::WorkingDays(_)), |u| u == "working_days"),
                inherited: limit_text(inherited),
                differs: limit != inherited,
            }
        })
        .collect();
    let approvals = sent.get("approvals_required").cloned().unwrap_or(limits.rules.approvals_required.to_string());
    let levels = sent.get("review_levels_up").cloned().unwrap_or(limits.rules.review_levels_up.to_string());
    let min_rank = sent.get("reception_min_rank").cloned().unwrap_or(limits.rules.reception_min_rank.clone());
    let publish_by = sent.get("reception_publish_by").cloned().unwrap_or(limits.rules.reception_publish_by.to_string());
    let screening_by = sent.get("screening_by").cloned().unwrap_or(limits.rules.screening_by.to_string());
    let (letterhead, signature) = typed.letterhead.unwrap_or((style.letterhead, style.signature.join("\n")));
    let kind = typed.kind.unwrap_or_else(|| unit.kind.code().to_owned());
    let territory = match typed.territory {
        Some(t) => t,
        None => TerritoryText::of(&huiyin_app::territories::territory_of(state, actor, code).await?.1),
    };
    let page = SettingsPage {
        me: staff.me(),
        csrf: staff.csrf.clone(),
        code: unit.code.clone(),
        name: unit.name.clone(),
        kind_label: unit.kind.label_zh(),
        kind_editable: unit.id != actor.user.unit_id || actor.is_operator(),
        kinds: choices(UnitKind::ALL.iter().map(|k| (k.code(), k.label_zh())), &kind),
        own_limits: limits.own,
        limits_editable: deadlines::may_set_limits(actor, &unit),
        preset: preset_label(&limits.rules.preset).to_owned(),
        presets: choices(LimitRules::PRESETS.iter().map(|p| (*p, preset_label(p))), &limits.rules.preset),
        limits: rows,
        approvals: choices([("2", "2 位(接访领导和分管领导)"), ("1", "1 位")], &approvals),
        inherited_approvals: limits.inherited.approvals_required,
        review_levels: choices([("1", "上一级"), ("2", "上两级"), ("3", "上三级")], &levels),
        inherited_review_levels: limits.inherited.review_levels_up,
        min_ranks: choices(huiyin_core::reception::rank_names().map(|r| (r, r)), &min_rank),
        inherited_min_rank: limits.inherited.reception_min_rank.clone(),
        publish_by,
        inherited_publish_by: limits.inherited.reception_publish_by,
        screening_by,
        inherited_screening_by: limits.inherited.screening_by,
        letterhead,
        signature,
        own_letterhead,
        info,
        days,
        leaders,
        territory,
        done,
        errors,
    };
    let status = if page.errors.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok((status, render(&page)).into_response())
}

/// Back to the page with what was done said, at the section done.
fn done(code: &str, section: &str) -> PageResult {
    Ok(Redirect::to(&format!("/admin/units/{code}/settings?done={section}#{section}-h")).into_response())
}

/// Shows the page again with the section as typed and its errors, or fails as the error says.
async fn refused(state: &AppState, staff: &Staff, code: &str, typed: Typed, e: AppError) -> PageResult {
    match e {
        AppError::Invalid(errors) => settings_view(state, staff, code, typed, Some(errors), None).await,
        e => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub(super) struct KindForm {
    csrf: Option<String>,
    #[serde(default)]
    kind: String,
}

/// 修改单位类别.
pub(super) async fn set_kind(
    State(state): State<AppState>,
    staff: Staff,
    Path(code): Path<String>,
    Form(f): Form<KindForm>,
) -> PageResult {
    check_csrf(&staff.session, f.csrf.as_ref()).await?;
    match units::set_unit_kind(&state, &staff.actor, &code, &f.kind).await {
        Ok(_) => done(&code, "kind"),
        Err(e) => refused(&state, &staff, &code, Typed { kind: Some(f.kind), ..Typed::default() }, e).await,
    }
}

/// 办理期限: a preset taken whole, the unit's own limits saved, or the unit's own dropped so that
/// it inherits again (`step`: `preset`, `save`, `inherit`).
pub(super) async fn set_limits(
    State(state): State<AppState>,
    staff: Staff,
    Path(code): Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> PageResult {
    check_csrf(&staff.session, f.get("csrf")).await?;
    let actor = &staff.actor;
    let result = match f.get("step").map(String::as_str) {
        Some("preset") => {
            let preset = f.get("preset").map(String::as_str).unwrap_or_default();
            deadlines::set_unit_limits(&state, actor, &code, Some(preset), None).await.map(|_| ())
        }
        Some("inherit") => deadlines::inherit_unit_limits(&state, actor, &code).await.map(|_| ()),
        _ => match typed_rules(&state, &staff, &code, &f).await {
            Ok(rules) => deadlines::set_unit_limits(&state, actor, &code, None, Some(rules)).await.map(|_| ()),
            Err(e) => Err(e),
        },
    };
    match result {
        Ok(()) => done(&code, "limits"),
        Err(e) => refused(&state, &staff, &code, Typed { limits: Some(f), ..Typed::default() }, e).await,
    }
}

/// The limits as typed over those in force: each count a whole number of days.
async fn typed_rules(
    state: &AppState,
    staff: &Staff,
    code: &str,
    f: &HashMap<String, String>,
) -> Result<LimitRules, AppError> {
    let mut rules = deadlines::unit_limits(state, &staff.actor, code).await?.rules;
    let mut errors = Vec::new();
    let fields: Vec<&'static str> = rules.named_limits().iter().map(|(field, _)| *field).collect();
    for field in fields {
        let count = f.get(&format!("{field}_count")).map(|c| c.trim()).unwrap_or_default();
        let Ok(n) = count.parse::<u32>() else {
            errors.push(FieldError::new(format!("rules.{field}"), Invalid::OutOfRange { min: 1, max: 3650 }));
            continue;
        };
        let working = f.get(&format!("{field}_unit")).is_some_and(|u| u == "working_days");
        if let Some(limit) = rules.limit_mut(field) {
            *limit = if working { Limit::WorkingDays(n) } else { Limit::CalendarDays(n) };
        }
    }
    let number = |name: &str, max: i64| {
        f.get(name)
            .and_then(|v| v.trim().parse::<u8>().ok())
            .ok_or_else(|| FieldError::new(format!("rules.{name}"), Invalid::OutOfRange { min: 1, max }))
    };
    match number("approvals_required", 2) {
        Ok(n) => rules.approvals_required = n,
        Err(e) => errors.push(e),
    }
    match number("review_levels_up", 3) {
        Ok(n) => rules.review_levels_up = n,
        Err(e) => errors.push(e),
    }
    if f.contains_key("reception_publish_by") {
        match number("reception_publish_by", 10) {
            Ok(n) => rules.reception_publish_by = n,
            Err(e) => errors.push(e),
        }
    }
    if f.contains_key("screening_by") {
        match number("screening_by", 10) {
            Ok(n) => rules.screening_by = n,
            Err(e) => errors.push(e),
        }
    }
    if let Some(rank) = f.get("reception_min_rank") {
        rules.reception_min_rank = rank.trim().to_owned();
    }
    match ValidationErrors::from_vec(errors) {
        Some(errors) => Err(AppError::Invalid(errors)),
        None => Ok(rules),
    }
}

#[derive(Deserialize)]
pub(super) struct LetterheadForm {
    csrf: Option<String>,
    #[serde(default)]
    letterhead: String,
    /// The signature block, one line a line.
    #[serde(default)]
    signature: String,
}

impl LetterheadForm {
    fn lines(&self) -> Vec<String> {
        self.signature.lines().map(str::to_owned).collect()
    }
}

/// 保存红头与落款.
pub(super) async fn set_letterhead(
    State(state): State<AppState>,
    staff: Staff,
    Path(code): Path<String>,
    Form(f): Form<LetterheadForm>,
) -> PageResult {
    check_csrf(&staff.session, f.csrf.as_ref()).await?;
    match issue::set_document_style(&state, &staff.actor, &code, Some(&f.letterhead), &f.lines()).await {
        Ok(_) => done(&code, "letterhead"),
        Err(e) => {
            let typed = Typed { letterhead: Some((f.letterhead, f.signature)), ..Typed::default() };
            refused(&state, &staff, &code, typed, e).await
        }
    }
}

/// 预览: a sample notice with the letterhead and signature block as typed, not saved, as PDF.
pub(super) async fn preview_letterhead(
    State(state): State<AppState>,
    staff: Staff,
    Path(code): Path<String>,
    Form(f): Form<LetterheadForm>,
) -> PageResult {
    check_csrf(&staff.session, f.csrf.as_ref()).await?;
    match issue::preview_document_style(&state, &staff.actor, &code, Some(&f.letterhead), &f.lines()).await {
        Ok(pdf) => Ok((
            [
                (header::CONTENT_TYPE, "application/pdf"),
                (header::CONTENT_DISPOSITION, "inline; filename=\"letterhead-preview.pdf\""),
            ],
            pdf,
        )
            .into_response()),
        Err(e) => {
            let typed = Typed { letterhead: Some((f.letterhead, f.signature)), ..Typed::default() };
            refused(&state, &staff, &code, typed, e).await
        }
    }
}

#[derive(Deserialize)]
pub(super) struct PublicInfoForm {
    csrf: Option<String>,
    #[serde(default)]
    hotline: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    office_hours: String,
    #[serde(default)]
    procedure: String,
}

/// 保存公开信息.
pub(super) async fn set_public_info(
    State(state): State<AppState>,
    staff: Staff,
    Path(code): Path<String>,
    Form(f): Form<PublicInfoForm>,
) -> PageResult {
    check_csrf(&staff.session, f.csrf.as_ref()).await?;
    let draft = PublicInfoDraft {
        hotline: Some(f.hotline),
        address: Some(f.address),
        office_hours: Some(f.office_hours),
        procedure: Some(f.procedure),
    };
    match units::set_unit_public_info(&state, &staff.actor, &code, &draft).await {
        Ok(_) => done(&code, "public-info"),
        Err(e) => refused(&state, &staff, &code, Typed { info: Some(draft), ..Typed::default() }, e).await,
    }
}

/// 保存领导接待日: the days with anything typed; a week left empty clears the schedule.
pub(super) async fn set_schedule(
    State(state): State<AppState>,
    staff: Staff,
    Path(code): Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> PageResult {
    check_csrf(&staff.session, f.get("csrf")).await?;
    let typed = |name: &str, weekday: u8| f.get(&format!("{name}{weekday}")).cloned().unwrap_or_default();
    let mut rows = Vec::new();
    let mut week = Vec::new();
    for weekday in 1..=7u8 {
        let (leader, title, credential) =
            (typed("leader", weekday), typed("title", weekday), typed("credential", weekday));
        let filled = [&leader, &title, &credential].iter().any(|v| !v.trim().is_empty());
        let sent_as = filled.then_some(week.len());
        if filled {
            week.push(ReceptionDay {
                weekday,
                leader: leader.clone(),
                title: title.clone(),
                credential: credential.clone(),
            });
        }
        rows.push(DayRow { weekday, label: weekday_zh(weekday), leader, title, credential, sent_as });
    }
    match units::set_reception_schedule(&state, &staff.actor, &code, &week).await {
        Ok(_) => done(&code, "schedule"),
        Err(e) => refused(&state, &staff, &code, Typed { days: Some(rows), ..Typed::default() }, e).await,
    }
}

#[derive(Deserialize)]
pub(super) struct TerritoryForm {
    csrf: Option<String>,
    #[serde(flatten)]
    territory: TerritoryText,
}

/// 保存属地范围 (TWN-2).
pub(super) async fn set_territory(
    State(state): State<AppState>,
    staff: Staff,
    Path(code): Path<String>,
    Form(f): Form<TerritoryForm>,
) -> PageResult {
    check_csrf(&staff.session, f.csrf.as_ref()).await?;
    let typed = || Typed { territory: Some(f.territory.clone()), ..Typed::default() };
    let draft = match f.territory.draft() {
        Ok(draft) => draft,
        Err(errors) => return refused(&state, &staff, &code, typed(), by_box(AppError::Invalid(errors))).await,
    };
    match huiyin_app::territories::set_territory(&state, &staff.actor, &code, &draft).await {
        Ok(_) => done(&code, "territory"),
        Err(e) => refused(&state, &staff, &code, typed(), by_box(e)).await,
    }
}

/// A line's error (`places[2]`) under the box it was typed in (`places`), which shows the lines.
fn by_box(e: AppError) -> AppError {
    match e {
        AppError::Invalid(errors) => {
            let boxed = errors
                .iter()
                .map(|e| {
                    let field = e.field.split('[').next().unwrap_or(&e.field);
                    huiyin_core::FieldError::new(field, e.invalid.clone())
                })
                .collect();
            ValidationErrors::from_vec(boxed).map_or(AppError::Invalid(errors), AppError::Invalid)
        }
        e => e,
    }
}
