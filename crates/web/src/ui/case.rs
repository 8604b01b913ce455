//! The case page: its details and timeline, every action's form and what it answers, attachments
//! and documents.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use huiyin_core::case::Flag;
use huiyin_core::event::EventData;
use huiyin_core::lifecycle;
use huiyin_core::{FieldError, Lang};
use huiyin_store::StoreError;
use serde::Deserialize;

use super::case_forms::{ActionForm, FormContext, action_form};
use super::{Me, PageError, PageResult, Staff, check_csrf, render};
use huiyin_app::cases::{self, CaseAction};
use huiyin_app::context::AppState;
use huiyin_app::documents::{Names, issue};
use huiyin_app::error::AppError;
use huiyin_app::search;
use huiyin_app::views;

pub(super) struct EventRow {
    at: String,
    label: &'static str,
    actor: String,
    note: Option<String>,
    summary: String,
}

pub(super) struct DeadlineRow {
    label: &'static str,
    due: String,
    state: String,
    overdue: bool,
    provisional: bool,
}

pub(super) fn deadline_row(d: &huiyin_core::limits::Deadline, today: chrono::NaiveDate) -> DeadlineRow {
    use chrono::Datelike;
    if d.kind.owner() == huiyin_core::limits::DeadlineOwner::Petitioner {
        // The petitioner's window, never the office's lateness (never red).
        let day = format!("{}月{}日", d.due.date.month(), d.due.date.day());
        let state = match (d.met_at, d.days_left(today)) {
            (Some(t), _) => format!("已于 {} 提出", views::day(t)),
            (None, Some(n)) if n >= 0 => format!("可{}至{day}", d.kind.label_zh()),
            _ => format!("{}期限已于{day}届满", d.kind.label_zh()),
        };
        return DeadlineRow {
            label: d.kind.label_zh(),
            due: d.due.date.to_string(),
            overdue: false,
            provisional: d.due.provisional,
            state,
        };
    }
    let state = match (d.met_at, d.days_left(today)) {
        (Some(t), _) => format!("已于 {} 完成", views::day(t)),
        (None, Some(0)) => "今天到期".to_owned(),
        (None, Some(n)) if n > 0 => format!("剩余 {n} 天"),
        (None, Some(n)) => format!("超期 {} 天", -n),
        (None, None) => String::new(),
    };
    DeadlineRow {
        label: d.kind.label_zh(),
        due: d.due.date.to_string(),
        overdue: d.met_at.is_none() && d.days_left(today).is_some_and(|n| n < 0),
        provisional: d.due.provisional,
        state,
    }
}

pub(super) struct CaseTemplateView {
    id: i64,
    case_number: String,
    status_label: String,
    received_at: String,
    unit: views::UnitRef,
    first_receiver: String,
    /// Who was on duty that day (TWN-6), when the unit had a rota.
    on_duty: Option<String>,
    /// The leaders' reception session the visit was received in (TWN-10), in words.
    session: Option<String>,
    /// 重点信访人: the register's reason and unit, for the registers' keepers (TWN-8).
    key_petitioner: Option<String>,
    owner: String,
    owner_leader: Option<String>,
    holding_unit: String,
    forwarded: Option<String>,
    /// The case's version as the page shows it: the action forms send it back, and an action on a
    /// case someone changed since is refused (409) rather than taken blind.
    version: i64,
    petitioner: views::PetitionerView,
    headcount: u32,
    representatives: Vec<String>,
    category: views::CategoryView,
    place: Option<String>,
    accused: Option<views::AccusedView>,
    content: String,
    events: Vec<EventRow>,
    deadlines: Vec<DeadlineRow>,
}

#[derive(Template)]
#[template(path = "staff/case.html")]
pub(super) struct CasePage {
    me: Option<Me>,
    csrf: String,
    c: CaseTemplateView,
    channel_label: &'static str,
    purpose_label: &'static str,
    /// How the petitioner stands to the unit (SCH-1), where asked.
    relation_label: Option<&'static str>,
    flag_labels: Vec<&'static str>,
    /// The case repeats a final matter and waits for the receiver's decision (GEN-5).
    final_matter: bool,
    /// SCH-1, SCH-2: the petitioner or the matter is outside the unit's scope.
    outside_petitioners: bool,
    outside_matters: bool,
    /// Other people's similar recent cases not linked yet, offered as one collective matter (FED-6).
    offers: Vec<search::EarlierView>,
    /// GEN-7: the case accuses a unit above the holder, which must route it out: the accused unit's
    /// name and where the case may go.
    route_out: Option<(String, Vec<String>)>,
    /// The forms of the actions offered to the staff member now, in the catalogue's order: the
    /// steps of the handling, then the other operations under their heading.
    forms: Vec<(&'static str, Vec<ActionForm>)>,
    nothing_offered: bool,
    /// The staff member the case accuses, as “name · unit” (GEN-7).
    accused_person: Option<String>,
    action_error: Option<String>,
    documents: Vec<DocumentLink>,
    /// The draft handling opinion as it will print, for the leader to read whole before approving.
    preview: Option<huiyin_pdf::Letter>,
    /// The draft is approved and waits for the reply.
    approved: bool,
    /// The letter partial is part of this page, not the page itself.
    doc_page: bool,
    /// (sha256, name, kind label)
    attachments: Vec<(String, String, &'static str)>,
    /// The registers of key petitioners the petitioner may be put on, (code, name, the reader's own),
    /// when the page offers it (TWN-8).
    key_registers: Vec<(String, String, bool)>,
    /// The case's referrals to a community's council or congress, with their decisions (DEM ¶4).
    referrals: Vec<huiyin_app::matters::MatterLine>,
    /// The page offers to refer the case.
    offers_referral: bool,
    /// The open handling limit's due day, which a referral does not stop.
    handling_due: Option<chrono::NaiveDate>,
}

/// The articles an answer or opinion cites, as the timeline names them (FED-9).
fn cited_line(cited: &[huiyin_core::policy::Citation]) -> String {
    if cited.is_empty() {
        return String::new();
    }
    let labels: Vec<&str> = cited.iter().map(|c| c.label.as_str()).collect();
    format!(";依据:{}", labels.join("、"))
}

/// What an event says on the timeline, with people by their names (`names`).
pub(super) fn event_summary(data: &EventData, names: &Names) -> String {
    match data {
        EventData::Registered { .. }
        | EventData::QueryCodeReissued {}
        | EventData::Accepted {}
        | EventData::Replied {}
        | EventData::Taken {}
        | EventData::Closed {} => String::new(),
        EventData::Answered { answer, cited } => format!("答复:{answer}{}", cited_line(cited)),
        EventData::Rejected { reason, channel } => format!("理由:{reason};告知途径:{channel}"),
        EventData::RegisteredOnly { reason } => reason.clone(),
        EventData::Assigned { unit, owner } => {
            format!(
                "交办至 {}{}",
                names.unit(unit),
                owner.as_deref().map(|o| format!(",承办人 {}", names.person(o))).unwrap_or_default()
            )
        }
        EventData::Transferred { unit } => format!("转办至 {}", names.unit(unit)),
        EventData::Objected { reason, back_to } => format!("退回 {}:{reason}", names.unit(back_to)),
        EventData::Escalated { unit, reason, .. } => format!("上交 {}:{reason}", names.unit(unit)),
        EventData::OpinionDrafted { outcome, text, cited, .. } => {
            format!("{}:{}{}", outcome.label_zh(), views::excerpt(text, 60), cited_line(cited))
        }
        EventData::OpinionReturned { comment } => format!("退回修改:{comment}"),
        EventData::Approved { complete } => {
            if *complete {
                "审批完成".into()
            } else {
                "已审批,待另一位领导审批".into()
            }
        }
        EventData::Rated { office, unit, reason } => format!(
            "对信访部门{},对承办单位{}{}",
            office.label_zh(),
            unit.label_zh(),
            reason.as_deref().map(|r| format!(";理由:{r}")).unwrap_or_default()
        ),
        EventData::ReviewRequested { reason, to_unit } => {
            format!("由 {} 复查/复核:{reason}", names.unit(to_unit))
        }
        EventData::Instructed { text } => format!("批示:{text}"),
        EventData::Recused { user, reason, ordered } => {
            format!("{} 回避({}):{reason}", names.person(user), if *ordered { "领导决定" } else { "本人申请" })
        }
        EventData::InvestigationNoted { text } => format!("调查笔录:{}", views::excerpt(text, 80)),
        EventData::Flagged { flag, related, reason, .. } => {
            let related = if related.is_empty() { String::new() } else { format!("(关联 {})", related.join("、")) };
            format!("{}{related}:{reason}", flag.label_zh())
        }
        EventData::FlagCleared { flag, reason } => format!("撤销{}:{reason}", flag.label_zh()),
        EventData::AccusedSet { name, unit, user, reason } => format!(
            "被反映对象更正为 {}{}{}:{reason}",
            name.as_deref().unwrap_or("—"),
            unit.as_deref().map(|u| format!("({})", names.unit(u))).unwrap_or_default(),
            user.as_deref().map(|u| format!("(工作人员 {})", names.person(u))).unwrap_or_default()
        ),
        EventData::ReturnVisited { method, outcome, reopened, .. } => format!(
            "{}回访:{outcome}{}",
            if method == "phone" { "电话" } else { "上门" },
            if *reopened { "(不满意,重新办理)" } else { "" }
        ),
        EventData::LeaderAssigned { leader } => format!("包案领导:{}", names.person(leader)),
        EventData::ReportedBack { to_unit, summary } => format!("向 {} 反馈:{summary}", names.unit(to_unit)),
        EventData::AttachmentAdded { media_type, filename, size, .. } => {
            format!("{}:{filename}({} KB)", media_type.label_zh(), size.div_ceil(1024))
        }
        EventData::LiaisonRecorded { agency, summary } => {
            let name = lifecycle::AGENCIES.iter().find(|(c, _)| c == agency).map_or(agency.as_str(), |(_, n)| n);
            format!("与{name}联系:{summary}")
        }
        EventData::HearingHeld { from, to, participants, conclusion, .. } => {
            format!("{from} 至 {to},参加:{};结论:{conclusion}", participants.join("、"))
        }
        EventData::Extended { days, reason } => format!("办理期限延长 {days} 天:{reason}"),
        EventData::HandedOff { to_user, to_unit, reason } => {
            let person = to_user.as_deref().map(|u| names.person(u));
            let unit = to_unit.as_deref().map(|u| names.unit(u));
            let to = [person, unit].into_iter().flatten().collect::<Vec<_>>().join(" · ");
            format!("移交给 {to}:{reason}")
        }
        EventData::ReportedUp { to_unit, summary } => format!("上报 {}:{summary}", names.unit(to_unit)),
    }
}

#[derive(Deserialize)]
pub(super) struct RevealParam {
    reveal: Option<String>,
}

pub(super) async fn case_page(
    state: &AppState,
    staff: &Staff,
    id: i64,
    full: bool,
    refused: Option<RefusedForm>,
) -> PageResult<CasePage> {
    let file = cases::case_file(state, &staff.actor, id).await?;
    let deadlines = cases::case_deadlines(state, &file).await?;
    let rules = state.store.limit_rules_for(file.unit_id).await?.unwrap_or_default();
    let view = cases::view(state, &staff.actor, &file, full, None).await?;
    let reg = &file.registration;
    // Other people's similar cases, offered until linked (FED-6).
    let linked: Vec<&String> = file
        .events
        .iter()
        .filter_map(|e| match &e.data {
            EventData::Flagged { flag: Flag::Collective, related, .. } => Some(related),
            _ => None,
        })
        .flatten()
        .collect();
    let offers = if staff.actor.user.role.can_register() {
        let mut offers = search::judge_case(state, &staff.actor, &file, search::Judging::Now).await?.collective;
        offers.retain(|o| !linked.contains(&&o.case_number));
        offers
    } else {
        Vec::new()
    };
    // People by their real names and titles, units by their names: not logins and codes.
    let names = issue::names(state).await?;
    let c = CaseTemplateView {
        id: view.id,
        case_number: view.case_number,
        status_label: view.status_label,
        received_at: views::minute(file.registration.received_at),
        unit: view.unit,
        first_receiver: names.staff.badge_of(&view.first_receiver),
        on_duty: view.on_duty.as_deref().map(|d| names.person(d)),
        session: view.session.as_ref().map(|s| {
            let leaders: Vec<String> = s.leaders.iter().map(|l| names.person(l)).collect();
            format!("{}:{}", s.kind_label, leaders.join("、"))
        }),
        key_petitioner: view.key_petitioner.as_ref().map(|k| format!("{}(列入{}名册)", k.reason, k.unit)),
        owner: names.person(&view.owner),
        owner_leader: view.owner_leader.as_deref().map(|l| names.person(l)),
        holding_unit: names.unit(&view.holding_unit),
        version: file.version,
        forwarded: view.forwarded_from.as_ref().map(|f| {
            format!("{}{}", f.unit.as_str(), f.reference.as_deref().map(|r| format!("({r})")).unwrap_or_default())
        }),
        petitioner: view.petitioner,
        headcount: view.headcount,
        representatives: view.representatives,
        category: view.category,
        place: view.place,
        accused: view.accused,
        content: view.content,
        deadlines: deadlines.iter().map(|d| deadline_row(d, huiyin_core::limits::china_day(Utc::now()))).collect(),
        events: file
            .events
            .iter()
            .map(|e| EventRow {
                at: views::minute(e.occurred_at),
                label: e.data.label_zh(),
                actor: names.person(&e.actor),
                note: e.note.clone(),
                summary: event_summary(&e.data, &names),
            })
            .collect(),
    };
    let cases::offers::Offers { actions: offered, pickers } = cases::offers::offers(state, &staff.actor, &file).await?;
    let referrals = huiyin_app::matters::of_case(state, &file).await?;
    let accused = huiyin_core::event::current_accused(reg, &file.events);
    let context = FormContext {
        pickers: &pickers,
        flags: file.state.flags.iter().copied().collect(),
        extension_max: rules.extension_max_days(),
        accused: (
            accused.as_ref().and_then(|a| a.name.clone()),
            accused.as_ref().and_then(|a| a.unit.as_ref().map(|u| u.as_str().to_owned())),
            accused.and_then(|a| a.user),
        ),
        opinion_due: file.state.status == huiyin_core::event::Status::Accepted,
        citations: referrals.iter().filter_map(|r| r.citation()).collect(),
    };
    let mut forms: Vec<ActionForm> = offered.into_iter().map(|kind| action_form(kind, &context)).collect();
    // A refused form comes back open, as it was sent, each field with its own reason.
    if let Some(r) = &refused
        && let Some(form) = forms.iter_mut().find(|f| f.segment == r.segment)
    {
        form.refill(&r.typed, &r.errors);
    }
    // The one-button steps (受理, 审批同意, 答复, 办结) first, then the forms to fill in.
    forms.sort_by_key(|f| !f.title.is_empty());
    let (other, steps): (Vec<ActionForm>, Vec<ActionForm>) = forms.into_iter().partition(|f| f.secondary);
    let nothing_offered = steps.is_empty() && other.is_empty();
    let forms = vec![("", steps), ("其他操作", other)];
    let accused_person = match c.accused.as_ref().and_then(|a| a.user.as_deref()) {
        Some(username) => Some(huiyin_app::accounts::name_and_unit(state, username).await?),
        None => None,
    };
    let key_registers =
        if huiyin_app::key_petitioners::offers_from_case(&staff.actor, &file, c.key_petitioner.is_some()) {
            let own = staff.actor.user.unit_id;
            huiyin_app::key_petitioners::registers_for_case(state, &staff.actor, &file)
                .await?
                .into_iter()
                .map(|u| (u.code, u.name, u.id == own))
                .collect()
        } else {
            Vec::new()
        };
    let offers_referral = huiyin_app::matters::offers_referral(state, &staff.actor, &file).await?;
    // The handling limit runs on while a body deliberates: the page says until when.
    let handling_due = file
        .deadlines
        .iter()
        .find(|d| d.kind == huiyin_core::limits::DeadlineKind::Handling && d.met_at.is_none())
        .map(|d| d.due.date);
    Ok(CasePage {
        referrals,
        offers_referral,
        handling_due,
        key_registers,
        accused_person,
        me: staff.me(),
        csrf: staff.csrf.clone(),
        c,
        channel_label: reg.channel.label_zh(),
        purpose_label: reg.purpose.label_zh(),
        relation_label: reg.relation.map(|r| r.label_zh()),
        flag_labels: file.state.flags.iter().map(|f| f.label_zh()).collect(),
        final_matter: file.state.flags.contains(&Flag::FinalMatter),
        outside_petitioners: file.state.outside_scope(Flag::OutsidePetitioners),
        outside_matters: file.state.outside_scope(Flag::OutsideMatters),
        offers,
        route_out: cases::route_out(state, &file).await?,
        forms,
        nothing_offered,
        action_error: refused.map(|r| r.message),
        attachments: file
            .events
            .iter()
            .filter_map(|e| match &e.data {
                EventData::AttachmentAdded { sha256, filename, media_type, .. } => {
                    Some((sha256.clone(), filename.clone(), media_type.label_zh()))
                }
                _ => None,
            })
            .collect(),
        documents: issue::compose_documents_named(state, &file, &names).await?.iter().map(DocumentLink::of).collect(),
        preview: issue::opinion_preview(state, &file, &names).await?,
        approved: file.state.status == huiyin_core::event::Status::Approved,
        doc_page: false,
    })
}

pub(super) async fn case_detail(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    Query(q): Query<RevealParam>,
) -> PageResult {
    let full = q.reveal.as_deref().is_some_and(|v| v == "1" || v == "true");
    Ok(render(&case_page(&state, &staff, id, full, None).await?))
}

/// An action's form that was refused: why, and what was typed into it, to give back.
pub(super) struct RefusedForm {
    pub message: String,
    /// The action's path segment: which form it was.
    pub segment: String,
    /// The fields as sent (without the page's token and version).
    pub typed: HashMap<String, String>,
    /// The fields refused, each with its reason.
    pub errors: Vec<FieldError>,
}

/// Back to the case after an action, or the case again with the refusal shown at the actions and
/// the refused form (`sent`: its segment and fields) open as it was sent.
pub(super) async fn after_action(
    state: &AppState,
    staff: &Staff,
    id: i64,
    outcome: Result<(), AppError>,
    sent: Option<(String, HashMap<String, String>)>,
) -> PageResult {
    let message = match outcome {
        // Read as the actor is now: an action may have put the case out of their sight (回避).
        Ok(())
            if cases::case_file(state, &huiyin_app::actor::Actor::load(state, staff.actor.user.clone()).await?, id)
                .await
                .is_ok() =>
        {
            return Ok(Redirect::to(&format!("/cases/{id}")).into_response());
        }
        // The action sent the case out of the actor's sight (an objection, say).
        Ok(()) => return Ok(Redirect::to("/cases").into_response()),
        // Refused for the fields, the state, the role or a change someone made first: the case
        // again, with the reason at the actions and the status the API answers.
        Err(e @ (AppError::Invalid(_) | AppError::Refused(_) | AppError::Forbidden | AppError::MayNotBackdate))
        | Err(e @ AppError::Store(StoreError::Conflict | StoreError::UnknownReference(_))) => {
            let errors = match &e {
                AppError::Invalid(v) => v.iter().cloned().collect(),
                AppError::Store(StoreError::UnknownReference(field)) => {
                    vec![FieldError::new(*field, huiyin_core::Invalid::UnknownUnit)]
                }
                _ => Vec::new(),
            };
            (crate::error::ApiError::answer(Lang::Zh, &e), errors)
        }
        Err(e) => return Err(e.into()),
    };
    let (message, errors) = message;
    let (segment, typed) = sent.unwrap_or_default();
    let refused = RefusedForm { message: message.message.clone(), segment, typed, errors };
    let page = case_page(state, staff, id, false, Some(refused)).await?;
    Ok((message.status, render(&page)).into_response())
}

/// Any action of the case's life from its form on the case page.
pub(super) async fn act(
    State(state): State<AppState>,
    staff: Staff,
    Path((id, action)): Path<(i64, String)>,
    Form(f): Form<HashMap<String, String>>,
) -> PageResult {
    check_csrf(&staff.session, f.get("csrf")).await?;
    let typed: HashMap<String, String> =
        f.iter().filter(|(k, _)| *k != "csrf" && *k != "version").map(|(k, v)| (k.clone(), v.clone())).collect();
    let segment = action.clone();
    // The version the page showed; a malformed one is no version.
    let shown = f.get("version").and_then(|v| v.trim().parse::<i64>().ok());
    // The forms use the API's field names: each action's form becomes its draft the same way.
    // An empty field is no value, except the accused staff member of 更正被反映对象: chosen as
    // “无”, it clears the person (left out, the person would stay as they are).
    let clears = |k: &str| action == "set-accused" && k == "user";
    let mut fields: serde_json::Map<String, serde_json::Value> = f
        .into_iter()
        .filter(|(k, v)| k != "csrf" && k != "version" && (!v.trim().is_empty() || clears(k)))
        .map(|(k, v)| (k, serde_json::Value::String(v.trim().to_owned())))
        .collect();
    // Where a form gives a list as one line, the draft takes a list: related case numbers (flag),
    // participants (hearing).
    if let Some(serde_json::Value::String(line)) = fields.remove("related") {
        let numbers: Vec<&str> =
            line.split([',', ',', '、', ' ', '\n']).map(str::trim).filter(|n| !n.is_empty()).collect();
        fields.insert("related".into(), serde_json::json!(numbers));
    }
    // The extension's days are a number; what is not one is no number of days (refused on the field).
    if let Some(serde_json::Value::String(days)) = fields.remove("days") {
        fields.insert("days".into(), serde_json::json!(days.parse::<i64>().unwrap_or(0)));
    }
    if let Some(serde_json::Value::String(line)) = fields.remove("participants") {
        fields.insert("participants".into(), serde_json::json!([line]));
    }
    // FED-9: the articles cited are ticked boxes `cite:{policy}:{number}`.
    let cited: Vec<String> = fields.keys().filter_map(|k| k.strip_prefix("cite:")).map(str::to_owned).collect();
    fields.retain(|k, _| !k.starts_with("cite:"));
    if !cited.is_empty() {
        fields.insert("articles".into(), serde_json::json!(cited));
    }
    // The catalogue of actions names every form the case page may post.
    let action = match CaseAction::from_json(&action, serde_json::Value::Object(fields)) {
        Some(Ok(action)) => action,
        Some(Err(e)) => {
            // A case the actor may not see is not found, whatever the form (GEN-7).
            cases::case_file(&state, &staff.actor, id).await?;
            return Err(PageError(StatusCode::BAD_REQUEST, format!("表单内容不符:{e}")));
        }
        None => return Err(PageError(StatusCode::NOT_FOUND, "没有这个操作。".into())),
    };
    let outcome = match cases::act(&state, &staff.actor, id, action, shown).await {
        Ok(file) => {
            issue::issue_after_action(&state, &file).await;
            Ok(())
        }
        Err(e) => Err(e),
    };
    after_action(&state, &staff, id, outcome, Some((segment, typed))).await
}

/// Uploads an attachment from the case page (multipart: `csrf`, `file`).
pub(super) async fn upload(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    mut form: axum::extract::Multipart,
) -> PageResult {
    let (mut csrf, mut file) = (None, None);
    while let Some(field) =
        form.next_field().await.map_err(|e| PageError(StatusCode::BAD_REQUEST, format!("上传失败:{e}")))?
    {
        match field.name() {
            Some("csrf") => csrf = field.text().await.ok(),
            Some("file") => {
                let name = field.file_name().unwrap_or_default().to_owned();
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|_| PageError(StatusCode::PAYLOAD_TOO_LARGE, "附件过大:单个附件不超过 10 MB。".into()))?;
                file = Some((name, bytes.to_vec()));
            }
            _ => {}
        }
    }
    check_csrf(&staff.session, csrf.as_ref()).await?;
    let (name, bytes) =
        file.ok_or_else(|| PageError(StatusCode::UNPROCESSABLE_ENTITY, "请选择要上传的文件。".into()))?;
    let outcome = cases::attach(&state, &staff.actor, id, &name, bytes).await.map(|_| ());
    after_action(&state, &staff, id, outcome, None).await
}

pub(super) async fn download(
    State(state): State<AppState>,
    staff: Staff,
    Path((id, sha256)): Path<(i64, String)>,
) -> PageResult {
    let (filename, blob) = cases::attachment(&state, &staff.actor, id, &sha256).await?;
    Ok(crate::attachment_response(&filename, blob))
}

/// A link to one issued document from the case page: its print view and its PDF.
pub(super) struct DocumentLink {
    code: &'static str,
    label: &'static str,
    issued_by: i64,
    issued_on: String,
}

impl DocumentLink {
    fn of(doc: &huiyin_app::documents::Issued) -> DocumentLink {
        DocumentLink {
            code: doc.kind.code(),
            label: doc.kind.label_zh(),
            issued_by: doc.issued_by,
            issued_on: views::day_zh(doc.issued_at),
        }
    }
}

#[derive(Template)]
#[template(path = "staff/document.html")]
pub(super) struct DocumentPage {
    id: i64,
    code: &'static str,
    issued_by: i64,
    doc: huiyin_pdf::Letter,
    /// The letter is the page itself.
    doc_page: bool,
}

/// Which document of a kind: `by` names the issuing event (or supervision item); the latest if absent.
#[derive(Debug, Deserialize)]
pub(super) struct DocumentQuery {
    by: Option<i64>,
}

pub(super) fn doc_kind(code: &str) -> PageResult<huiyin_app::documents::DocKind> {
    huiyin_app::documents::DocKind::parse(code).ok_or_else(|| PageError(StatusCode::NOT_FOUND, "没有这种文书。".into()))
}

/// A notice, letter or record of the case as a print view (受理告知书, 交办函, 信访处理意见书, 督办单, …).
pub(super) async fn document(
    State(state): State<AppState>,
    staff: Staff,
    Path((id, kind)): Path<(i64, String)>,
    Query(q): Query<DocumentQuery>,
) -> PageResult {
    let kind = doc_kind(&kind)?;
    let all = issue::case_documents(&state, &staff.actor, id).await?;
    let doc = huiyin_app::documents::find(all, kind, q.by)
        .ok_or_else(|| PageError(StatusCode::NOT_FOUND, "本件尚未出具该文书。".into()))?;
    Ok(render(&DocumentPage { id, code: kind.code(), issued_by: doc.issued_by, doc: doc.letter, doc_page: true }))
}

/// The same document as the PDF kept when it was issued.
pub(super) async fn document_pdf(
    State(state): State<AppState>,
    staff: Staff,
    Path((id, kind)): Path<(i64, String)>,
    Query(q): Query<DocumentQuery>,
) -> PageResult {
    let kind = doc_kind(&kind)?;
    let (record, blob) = issue::document_pdf(&state, &staff.actor, id, kind, q.by).await?;
    Ok(crate::pdf_response(&record, blob))
}

/// 延期告知书: the old address of the extension notice's print view.
pub(super) async fn extension_notice(Path(id): Path<i64>) -> Response {
    Redirect::permanent(&format!("/cases/{id}/documents/extension-notice")).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use huiyin_core::event::Rating;

    #[test]
    fn gen_9_staff_read_the_ratings_and_the_reason() {
        let rated = EventData::Rated {
            office: Rating::Satisfied,
            unit: Rating::Dissatisfied,
            reason: Some("钱只付了一半".into()),
        };
        assert_eq!(event_summary(&rated, &Default::default()), "对信访部门满意,对承办单位不满意;理由:钱只付了一半");
    }
}
