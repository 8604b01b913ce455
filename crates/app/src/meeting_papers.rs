//! 会议通知和会议纪要 (issue 20, DEM-3 … DEM-6): a meeting's notice and its minutes as PDF, with the
//! community's letterhead, for its staff and for the portal — and what the portal lists of a
//! community's meetings: those to come, with their notices, and those held in the last year, with
//! their decisions and minutes.
//!
//! The public papers name no one of their own: not who attended (their number only), not who raised
//! a matter or which case it came from; and every run of digits that could be a phone, ID card or
//! account number in the published text is masked (`mask::numbers_in_text`). The agenda, place and
//! decisions are printed as the staff typed them (their forms say they are published).

use chrono::Utc;
use huiyin_core::limits::china_day;
use huiyin_core::mask::numbers_in_text;
use huiyin_core::unit::UnitKind;
use huiyin_store::Unit;

use crate::actor::Actor;
use crate::context::AppState;
use crate::documents::issue::{issuer_of, typeset_off_thread};
use crate::error::{AppError, AppResult};
use crate::meetings::{MeetingView, meeting_view};

/// Who a paper is printed for: the community's own staff, or the public (names left out, numbers
/// masked).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Readers {
    Staff,
    Public,
}

impl Readers {
    fn text(self, text: &str) -> String {
        match self {
            Readers::Staff => text.to_owned(),
            Readers::Public => numbers_in_text(text),
        }
    }
}

fn when(view: &MeetingView) -> String {
    let m = &view.record.meeting;
    let time = m.starts.map(|t| t.format(" %H:%M").to_string()).unwrap_or_default();
    format!("{}{time}", crate::views::date_zh(m.day))
}

/// The notice of a meeting (会议通知).
async fn notice_letter(state: &AppState, view: &MeetingView, readers: Readers) -> AppResult<huiyin_pdf::Letter> {
    let m = &view.record.meeting;
    let issuer = issuer_of(state, &view.unit).await?;
    use huiyin_core::meeting::ConvenedBy;
    let by = match m.convened_by {
        ConvenedBy::Committee => "社区居民委员会研究",
        ConvenedBy::Chair => "议事协商会主任召集",
        ConvenedBy::Representatives => "居民代表联名提议",
    };
    let mut paragraphs = vec![format!(
        "经{by},定于{}在{}召开{}会议。请{}全体成员准时参加。",
        when(view),
        readers.text(&m.place),
        m.body.label_zh(),
        m.body.label_zh()
    )];
    if m.convened_by == ConvenedBy::Representatives {
        paragraphs.push(format!("本次会议由 {} 名居民代表联名提议召开。", m.signers.len()));
    }
    if view.recorded_afterwards() {
        paragraphs.push("(本会议于会议当天或会后登记,会前未经本系统提前公告。)".into());
    }
    paragraphs.push("会议议程见下表。".into());
    let rows = m.agenda.iter().enumerate().map(|(i, item)| vec![format!("{}", i + 1), readers.text(item)]).collect();
    Ok(huiyin_pdf::Letter {
        letterhead: issuer.letterhead,
        title: format!("关于召开{}会议的通知", m.body.label_zh()),
        number: None,
        addressee: Some(format!("{}全体成员、各位居民", m.body.label_zh())),
        paragraphs,
        facts: vec![
            ("会议时间".into(), when(view)),
            ("会议地点".into(), readers.text(&m.place)),
            ("召集".into(), m.convened_by.label_zh().into()),
        ],
        table: Some(huiyin_pdf::LetterTable {
            columns: vec!["序号".into(), "议题".into()], widths: vec![1, 9], rows
        }),
        signature: issuer.signature,
        issued_on: crate::views::day_zh(m.created_at),
    })
}

/// The minutes of a meeting held (会议纪要): attendance and quorum, then each agenda item with its
/// decision and votes.
async fn minutes_letter(state: &AppState, view: &MeetingView, readers: Readers) -> AppResult<huiyin_pdf::Letter> {
    let m = &view.record.meeting;
    let Some(attendance) = &view.record.attendance else { return Err(AppError::NotFound) };
    let issuer = issuer_of(state, &view.unit).await?;
    let mut facts = vec![
        ("会议时间".into(), when(view)),
        ("会议地点".into(), readers.text(&m.place)),
        ("召集".into(), m.convened_by.label_zh().into()),
        (
            "出席情况".into(),
            format!(
                "应到 {} 人,实到 {} 人,{}",
                attendance.sitting,
                attendance.present.len(),
                if attendance.quorate {
                    "达到议事规则规定的人数"
                } else {
                    "未达到议事规则规定的人数,不作决定"
                }
            ),
        ),
    ];
    if readers == Readers::Staff {
        let members = state.store.body_members(m.unit_id).await?;
        let names: Vec<String> = attendance
            .present
            .iter()
            .filter_map(|id| members.iter().find(|r| r.id == *id))
            .map(|r| format!("{}({})", r.member.name, r.member.role.label_zh()))
            .collect();
        facts.push(("出席人员".into(), names.join("、")));
    }
    let rows = m
        .agenda
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let (decision, votes) = match view.decision_on(i) {
                Some(d) => {
                    let d = &d.decision;
                    (
                        readers.text(&d.text),
                        format!(
                            "赞成 {} 反对 {} 弃权 {},{}",
                            d.votes_for,
                            d.votes_against,
                            d.abstentions,
                            if d.passed { "通过" } else { "未通过" }
                        ),
                    )
                }
                None => ("(未作决定)".into(), String::new()),
            };
            vec![format!("{}", i + 1), readers.text(item), decision, votes]
        })
        .collect();
    Ok(huiyin_pdf::Letter {
        letterhead: issuer.letterhead,
        title: format!("{}会议纪要", m.body.label_zh()),
        number: None,
        addressee: None,
        paragraphs: vec![format!(
            "{}{}召开{}会议,议事规则:{}出席方可开会,决定须经出席人员{}同意。会议议定事项见下表。",
            crate::views::date_zh(m.day),
            view.unit.name,
            m.body.label_zh(),
            m.rules.quorum.label_zh(),
            m.rules.majority.label_zh()
        )],
        facts,
        table: Some(huiyin_pdf::LetterTable {
            columns: ["序号", "议题", "决定事项", "表决情况"].map(String::from).to_vec(),
            widths: vec![2, 6, 9, 5],
            rows,
        }),
        signature: issuer.signature,
        issued_on: crate::views::day_zh(attendance.recorded_at),
    })
}

/// Which paper of a meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paper {
    Notice,
    Minutes,
}

impl Paper {
    pub fn parse(raw: &str) -> Option<Paper> {
        match raw {
            "notice" => Some(Paper::Notice),
            "minutes" => Some(Paper::Minutes),
            _ => None,
        }
    }

    fn title(self) -> &'static str {
        match self {
            Paper::Notice => "会议通知",
            Paper::Minutes => "会议纪要",
        }
    }
}

async fn typeset(state: &AppState, view: &MeetingView, paper: Paper, readers: Readers) -> AppResult<(String, Vec<u8>)> {
    let letter = match paper {
        Paper::Notice => notice_letter(state, view, readers).await?,
        Paper::Minutes => minutes_letter(state, view, readers).await?,
    };
    let m = &view.record.meeting;
    let ident = format!("meeting-{}-{}-{:?}", view.record.id, paper.title(), readers);
    let at = match (paper, &view.record.attendance) {
        (Paper::Minutes, Some(a)) => a.recorded_at,
        _ => m.created_at,
    };
    let pdf = typeset_off_thread(state, move |t| t.letter(&letter, &ident, at)).await?;
    Ok((format!("{}-{}-{}-{}.pdf", paper.title(), view.unit.code, m.body.label_zh(), m.day), pdf))
}

/// A meeting's notice or minutes for its community's staff (whoever may read the meeting); the
/// minutes only once it was held.
pub async fn staff_paper(state: &AppState, actor: &Actor, id: i64, paper: Paper) -> AppResult<(String, Vec<u8>)> {
    let view = meeting_view(state, actor, id).await?;
    typeset(state, &view, paper, Readers::Staff).await
}

/// A meeting of an open community, as the public may read it (else 404).
async fn public_view(state: &AppState, id: i64) -> AppResult<MeetingView> {
    let record = state.store.meeting(id).await?.ok_or(AppError::NotFound)?;
    let unit = state.store.unit_by_id(record.meeting.unit_id).await?.ok_or(AppError::NotFound)?;
    if !is_public(&unit) {
        return Err(AppError::NotFound);
    }
    let decisions = state.store.decisions(id).await?;
    let matters = state.store.meeting_matters(id).await?;
    Ok(MeetingView { record, unit, decisions, matters })
}

fn is_public(unit: &Unit) -> bool {
    unit.kind == UnitKind::Community && unit.closed_at.is_none()
}

/// A meeting's notice or minutes as published on the portal (DEM-6): typeset once for what it holds
/// (the attendance, the decisions) and kept, so that anyone's requests do not typeset it again.
pub async fn public_paper(state: &AppState, id: i64, paper: Paper) -> AppResult<(String, Vec<u8>)> {
    use crate::public::memory::MEETING_PAPERS_KEPT;
    let view = public_view(state, id).await?;
    let m = &view.record.meeting;
    let name = format!("{}-{}-{}-{}.pdf", paper.title(), view.unit.code, m.body.label_zh(), m.day);
    let key = format!("{id}:{:?}:{}:{}", paper, view.record.attendance.is_some(), view.decisions.len());
    let kept = state.public_guards().meeting_papers.lock().ok().and_then(|c| c.get(&key).cloned());
    if let Some(pdf) = kept {
        return Ok((name, pdf.as_ref().clone()));
    }
    let (name, pdf) = typeset(state, &view, paper, Readers::Public).await?;
    if let Ok(mut cache) = state.public_guards().meeting_papers.lock() {
        if cache.len() >= MEETING_PAPERS_KEPT {
            cache.clear();
        }
        cache.insert(key, std::sync::Arc::new(pdf.clone()));
    }
    Ok((name, pdf))
}

/// A community's meetings as the portal lists them (DEM-6): those to come (their notices), and
/// those held in the last twelve months with their decisions (their minutes), newest first.
#[derive(Debug, Default)]
pub struct PublicMeetings {
    pub upcoming: Vec<MeetingView>,
    pub held: Vec<MeetingView>,
}

/// The most held meetings the portal lists.
const PUBLIC_HELD: usize = 12;

pub async fn public_meetings(state: &AppState, unit: &Unit) -> AppResult<PublicMeetings> {
    if !is_public(unit) {
        return Ok(PublicMeetings::default());
    }
    let today = china_day(Utc::now());
    let from = today.checked_sub_months(chrono::Months::new(12)).unwrap_or(today);
    let until = today + chrono::Duration::days(400);
    let mut out = PublicMeetings::default();
    for record in state.store.meetings(unit.id, from, until).await? {
        let id = record.id;
        let held = record.attendance.is_some();
        if !held && record.meeting.day < today {
            continue;
        }
        let decisions = if held { state.store.decisions(id).await? } else { Vec::new() };
        let view = MeetingView { record, unit: unit.clone(), decisions, matters: Vec::new() };
        if held {
            out.held.push(view);
        } else {
            out.upcoming.push(view);
        }
    }
    out.held.reverse();
    out.held.truncate(PUBLIC_HELD);
    Ok(out)
}

/// Published text (DEM-6): numbers masked.
pub fn published(text: &str) -> String {
    Readers::Public.text(text)
}
