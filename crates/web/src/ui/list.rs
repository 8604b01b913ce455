//! The case list: filters, sorting and pages within the staff member's scope.

use askama::Template;
use axum::extract::{Query, State};
use chrono::Utc;
use huiyin_core::case::{Channel, Flag};
use huiyin_core::event::Status;
use serde::Deserialize;

use super::{Choice, Me, PageResult, Staff, check_csrf, choices, render, urlencode};
use crate::auth::Actor;
use axum::response::IntoResponse;
use huiyin_app::cases::{self, ListParams};
use huiyin_app::context::AppState;
use huiyin_app::error::AppError;
use huiyin_app::saved_filters;
use huiyin_app::views;

pub(super) struct ListRow {
    id: i64,
    case_number: String,
    received: String,
    channel: &'static str,
    name: String,
    headcount: i64,
    phone: String,
    category: String,
    /// The statement's start, or around the first match when searching, with the matches marked.
    excerpt: Vec<huiyin_search::Fragment>,
    flags: Vec<&'static str>,
    status: &'static str,
    due: String,
    overdue: bool,
}

/// A due date with the days left, as lists show it: `12-07(剩 11 天)`, `超期 3 天`.
pub(super) fn due_text(next_due: Option<chrono::NaiveDate>, today: chrono::NaiveDate) -> (String, bool) {
    match next_due {
        None => (String::new(), false),
        Some(d) => {
            let left = (d - today).num_days();
            let text = match left {
                0 => format!("{d}(今天到期)"),
                n if n > 0 => format!("{d}(剩 {n} 天)"),
                n => format!("{d}(超期 {} 天)", -n),
            };
            (text, left < 0)
        }
    }
}

#[derive(Template)]
#[template(path = "staff/cases.html")]
pub(super) struct CasesPage {
    me: Option<Me>,
    csrf: String,
    p: ListForm,
    statuses: Vec<Choice>,
    channels: Vec<Choice>,
    sorts: Vec<Choice>,
    dues: Vec<Choice>,
    owners: Vec<Choice>,
    helds: Vec<Choice>,
    waitings: Vec<Choice>,
    /// The first two levels of the content classes, as “劳动和社会保障 / 劳动关系”.
    classes: Vec<(String, String, bool)>,
    flags: Vec<Choice>,
    /// Numbered pages around the current one: (number, link); `None` marks a gap (…).
    numbers: Vec<Option<(u32, String)>>,
    /// The person's saved filters: (id, name, link).
    saved: Vec<(i64, String, String)>,
    /// The filters shown now, as a query string to save.
    current_query: String,
    /// The person may export personal data in full (COM-4: logged).
    may_export_full: bool,
    /// The person routes cases (批量交办、移交), and whom to: staff in scope, (login, name · unit).
    may_route: bool,
    staff: Vec<(String, String)>,
    units: Vec<(String, String)>,
    items: Vec<ListRow>,
    total: i64,
    /// False: a search matched more than `total`; `count_all` counts them.
    total_exact: bool,
    count_all: String,
    page: u32,
    pages: i64,
    prev: Option<String>,
    next: Option<String>,
    error: Option<String>,
}

/// The list filters as strings, for refilling the form.
#[derive(Default, Deserialize, Clone)]
pub(super) struct ListForm {
    #[serde(default)]
    status: String,
    #[serde(default)]
    channel: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    sort: String,
    #[serde(default)]
    due: String,
    #[serde(default)]
    owner: String,
    #[serde(default)]
    held: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    flag: String,
    #[serde(default)]
    waiting: String,
    /// `exact` counts every match of a search; by default the list counts up to a bound.
    #[serde(default)]
    total: String,
    /// A reception session's id (TWN-10): its visits.
    #[serde(default)]
    session: String,
    /// The filters a report's number links with (issue 21): purpose, problem place, skip-level
    /// reach, and a measure's part over a period.
    #[serde(default)]
    purpose: String,
    #[serde(default)]
    place: String,
    #[serde(default)]
    reached: String,
    #[serde(default)]
    measure: String,
    #[serde(default)]
    part: String,
    #[serde(default)]
    period: String,
    page: Option<u32>,
}

impl ListForm {
    pub(super) fn params(&self) -> ListParams {
        let some = |s: &String| Some(s.clone()).filter(|s| !s.trim().is_empty());
        ListParams {
            status: some(&self.status),
            channel: some(&self.channel),
            unit: some(&self.unit),
            from: some(&self.from),
            to: some(&self.to),
            q: some(&self.q),
            sort: some(&self.sort),
            due: some(&self.due),
            owner: some(&self.owner),
            held: some(&self.held),
            category: some(&self.category),
            flag: some(&self.flag),
            waiting: some(&self.waiting),
            total: Some(if self.total == "exact" { "exact" } else { "bounded" }.into()),
            // A value no link gives is a session no one has: an empty list.
            session: some(&self.session).map(|s| s.trim().parse().unwrap_or(0)),
            purpose: some(&self.purpose),
            place: some(&self.place),
            reached: some(&self.reached),
            measure: some(&self.measure),
            part: some(&self.part),
            period: some(&self.period),
            page: self.page,
            per_page: Some(20),
        }
    }

    /// The filters as a query string, without the page (what a saved filter keeps).
    fn query(&self) -> String {
        let href = self.href(1);
        href.strip_prefix("/cases?page=1").unwrap_or_default().trim_start_matches('&').to_owned()
    }

    /// The filters that are set, by name (a form's hidden fields, a link's query).
    pub(super) fn pairs(&self) -> Vec<(&'static str, &str)> {
        [
            ("q", &self.q),
            ("status", &self.status),
            ("channel", &self.channel),
            ("unit", &self.unit),
            ("from", &self.from),
            ("to", &self.to),
            ("sort", &self.sort),
            ("due", &self.due),
            ("owner", &self.owner),
            ("held", &self.held),
            ("category", &self.category),
            ("flag", &self.flag),
            ("waiting", &self.waiting),
            ("total", &self.total),
            ("session", &self.session),
            ("purpose", &self.purpose),
            ("place", &self.place),
            ("reached", &self.reached),
            ("measure", &self.measure),
            ("part", &self.part),
            ("period", &self.period),
        ]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (k, v.as_str()))
        .collect()
    }

    /// The report's filters (issue 21), which the filter form has no field for: kept as hidden
    /// fields, and said above the list.
    pub(super) fn report_pairs(&self) -> Vec<(&'static str, &str)> {
        self.pairs()
            .into_iter()
            .filter(|(k, _)| REPORT_KEYS.contains(k) || (*k == "held" && self.held_is_unit()))
            .collect()
    }

    /// Whether `held` names a unit by its code (a report's link) rather than the reader's own.
    pub(super) fn held_is_unit(&self) -> bool {
        !matches!(self.held.as_str(), "" | "unit")
    }

    /// The report's filters in words: “按期办结率 未达标 · 2026年11月”.
    pub(super) fn report_words(&self) -> String {
        let mut words = Vec::new();
        if !self.measure.is_empty() {
            use huiyin_core::kpi::{MeasureCode, MeasurePart, measures};
            let label = measures(&Default::default())
                .into_iter()
                .find(|m| m.code == self.measure)
                .map_or(self.measure.clone(), |m| m.label.to_owned());
            let part = MeasurePart::parse("part", if self.part.is_empty() { "all" } else { &self.part });
            let which = match (MeasureCode::parse("measure", &self.measure), part) {
                (Ok(measure), Ok(part)) => measure.part_label(part),
                _ => "",
            };
            words.push(format!("{label}:{which}"));
        }
        if !self.period.is_empty() {
            let today = huiyin_core::limits::china_day(Utc::now());
            let period = huiyin_core::kpi::MeasurePeriod::parse(Some(&self.period), None, None, today);
            words.push(period.map_or(self.period.clone(), |p| p.label_zh()));
        }
        if !self.purpose.is_empty() {
            let purpose = huiyin_core::case::Purpose::parse("purpose", &self.purpose);
            words.push(format!("诉求目的:{}", purpose.map_or(self.purpose.as_str(), |p| p.label_zh())));
        }
        if !self.place.is_empty() {
            words.push(format!("问题属地:{}", self.place));
        }
        if self.held_is_unit() {
            words.push(format!("现办理单位:{}", self.held));
        }
        if !self.reached.is_empty() {
            let reached = huiyin_core::statistics::Reached::parse(&self.reached);
            words.push(format!("越级访{}", reached.map_or("", |r| r.label_zh())));
        }
        words.join(" · ")
    }

    fn href(&self, page: u32) -> String {
        let mut out = format!("/cases?page={page}");
        for (k, v) in self.pairs() {
            out.push_str(&format!("&{k}={}", urlencode(v)));
        }
        out
    }
}

/// The list filters only a report's links set (issue 21).
const REPORT_KEYS: [&str; 6] = ["purpose", "place", "reached", "measure", "part", "period"];

/// 保存当前筛选: saves the list's filters under a name, and shows the list again.
pub(super) async fn save_filter(
    State(state): State<AppState>,
    staff: Staff,
    axum::extract::Form(f): axum::extract::Form<SaveFilterForm>,
) -> PageResult {
    check_csrf(&staff.session, f.csrf.as_ref()).await?;
    let draft = saved_filters::SavedFilterDraft { name: Some(f.name.clone()), query: Some(f.query.clone()) };
    saved_filters::save_filter(&state, &staff.actor, &draft).await?;
    Ok(axum::response::Redirect::to(&format!("/cases?{}", f.query)).into_response())
}

#[derive(Deserialize)]
pub(super) struct SaveFilterForm {
    csrf: Option<String>,
    #[serde(default)]
    name: String,
    #[serde(default)]
    query: String,
}

/// Deletes one of the person's saved filters.
pub(super) async fn delete_filter(
    State(state): State<AppState>,
    staff: Staff,
    axum::extract::Path(id): axum::extract::Path<i64>,
    axum::extract::Form(f): axum::extract::Form<super::login::CsrfForm>,
) -> PageResult {
    check_csrf(&staff.session, f.csrf.as_ref()).await?;
    saved_filters::delete_saved_filter(&state, &staff.actor, id).await?;
    Ok(axum::response::Redirect::to("/cases").into_response())
}

/// The page numbers a pager shows: the first and last, and two on each side of the current one;
/// `None` where numbers are left out.
fn page_numbers(current: u32, pages: i64, href: impl Fn(u32) -> String) -> Vec<Option<(u32, String)>> {
    let last = u32::try_from(pages.max(1)).unwrap_or(u32::MAX);
    if last == 1 {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut previous = 0;
    for n in 1..=last {
        let near = n == 1 || n == last || n.abs_diff(current) <= 2;
        if !near {
            continue;
        }
        if n > previous + 1 {
            out.push(None);
        }
        out.push(Some((n, href(n))));
        previous = n;
    }
    out
}

/// Active staff of the units in the actor's scope, as a picker names them (“王秀英（接访员） · 西山社区”).
async fn staff_in_scope(state: &AppState, actor: &Actor) -> PageResult<Vec<(String, String)>> {
    let units = state.store.units().await?;
    let unit_name = |id: i64| units.iter().find(|u| u.id == id).map(|u| u.name.as_str()).unwrap_or_default();
    Ok(state
        .store
        .users()
        .await?
        .into_iter()
        .filter(|u| u.active && actor.sees_unit(u.unit_id) && !huiyin_core::user::is_system_account(&u.username))
        .map(|u| {
            let label = huiyin_app::cases::offers::staff_label(&u, unit_name(u.unit_id));
            (u.username, label)
        })
        .collect())
}

pub(super) async fn units_in_scope(state: &AppState, actor: &Actor) -> PageResult<Vec<(String, String)>> {
    Ok(huiyin_app::units::units_in_scope(state, actor).await?.into_iter().map(|u| (u.code, u.name)).collect())
}

pub(super) async fn cases(State(state): State<AppState>, staff: Staff, Query(f): Query<ListForm>) -> PageResult {
    let today = huiyin_core::limits::china_day(Utc::now());
    let (page, terms, error) = match cases::list_cases(&state, &staff.actor, &f.params()).await {
        Ok(listing) => (Some(listing.page), listing.terms, None),
        Err(AppError::Invalid(v)) => (None, Vec::new(), Some(v.to_string())),
        Err(e) => return Err(e.into()),
    };
    let total_exact = page.as_ref().is_none_or(|p| p.total_exact);
    let (items, total, current, per_page) = match &page {
        Some(p) => (
            p.items
                .iter()
                .map(|s| ListRow {
                    id: s.id,
                    case_number: s.case_number.clone(),
                    received: views::minute(s.received_at),
                    channel: s.channel.label_zh(),
                    name: s.petitioner_name.clone().unwrap_or_else(|| "(匿名)".into()),
                    headcount: s.headcount,
                    phone: s.petitioner_phone.clone().unwrap_or_default(),
                    category: s.category_path.rsplit(" / ").next().unwrap_or_default().to_owned(),
                    excerpt: huiyin_search::highlight(&s.content, &terms, 40),
                    flags: s.flags.iter().filter_map(|f| Flag::parse("flags", f).ok()).map(Flag::label_zh).collect(),
                    status: Status::parse("status", s.status.code()).map(Status::label_zh).unwrap_or(""),
                    due: due_text(s.next_due, today).0 + if s.due_provisional { " 暂定" } else { "" },
                    overdue: due_text(s.next_due, today).1,
                })
                .collect(),
            p.total,
            p.page,
            i64::from(p.per_page),
        ),
        None => (Vec::new(), 0, 1, 20),
    };
    let pages = ((total + per_page - 1) / per_page).max(1);
    let page = CasesPage {
        me: staff.me(),
        csrf: staff.csrf.clone(),
        statuses: choices(
            std::iter::once(("open", "未办结")).chain(Status::ALL.iter().map(|s| (s.code(), s.label_zh()))),
            &f.status,
        ),
        channels: choices(Channel::ALL.iter().map(|c| (c.code(), c.label_zh())), &f.channel),
        sorts: choices(
            [
                ("", "默认(有关键字时按相关度)"),
                ("relevance", "相关度"),
                ("-received_at", "收到时间(新→旧)"),
                ("received_at", "收到时间(旧→新)"),
                ("case_number", "编号(小→大)"),
                ("-case_number", "编号(大→小)"),
                ("due", "期限(近→远)"),
                ("urgent", "急事急办在前,再按期限"),
            ],
            &f.sort,
        ),
        dues: choices(
            [("", "全部"), ("soon", "三日内到期"), ("overdue", "已超期"), ("provisional", "期限暂定")],
            &f.due,
        ),
        owners: choices([("", "全部"), ("me", "我承办的"), ("online", "网上信访待领取")], &f.owner),
        helds: choices([("", "本单位及下级"), ("unit", "本单位在办的")], &f.held),
        waitings: choices(
            [("", "全部"), ("redraft", "退回修改的处理意见"), ("return_visit", "不满意待回访")],
            &f.waiting,
        ),
        classes: state
            .store
            .categories()
            .await?
            .into_iter()
            .filter(|c| c.level <= 2)
            .map(|c| {
                let selected = c.code == f.category;
                (c.code, c.path, selected)
            })
            .collect(),
        flags: choices(Flag::ALL.iter().map(|f| (f.code(), f.label_zh())), &f.flag),
        numbers: if total_exact { page_numbers(current, pages, |n| f.href(n)) } else { Vec::new() },
        saved: saved_filters::saved_filters(&state, &staff.actor)
            .await?
            .into_iter()
            .map(|s| (s.id, s.name, format!("/cases?{}", s.query)))
            .collect(),
        current_query: f.query(),
        may_route: staff.actor.user.role.can_register(),
        staff: staff_in_scope(&state, &staff.actor).await?,
        may_export_full: staff.actor.user.role.takes_petitions_in(),
        units: units_in_scope(&state, &staff.actor).await?,
        prev: (current > 1).then(|| f.href(current - 1)),
        next: (!total_exact || i64::from(current) < pages).then(|| f.href(current + 1)),
        count_all: ListForm { total: "exact".into(), ..f.clone() }.href(current),
        p: f,
        items,
        total,
        total_exact,
        page: current,
        pages,
        error,
    };
    Ok(render(&page))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cases_page(total: i64, total_exact: bool, form: ListForm) -> String {
        CasesPage {
            me: None,
            csrf: String::new(),
            statuses: Vec::new(),
            channels: Vec::new(),
            sorts: Vec::new(),
            dues: Vec::new(),
            owners: Vec::new(),
            helds: Vec::new(),
            waitings: Vec::new(),
            classes: Vec::new(),
            flags: Vec::new(),
            numbers: page_numbers(1, 50, |n| form.href(n)),
            saved: Vec::new(),
            current_query: String::new(),
            may_export_full: false,
            may_route: false,
            staff: Vec::new(),
            units: Vec::new(),
            items: Vec::new(),
            prev: None,
            next: Some(form.href(2)),
            count_all: ListForm { total: "exact".into(), ..form.clone() }.href(1),
            p: form,
            total,
            total_exact,
            page: 1,
            pages: 50,
            error: None,
        }
        .render()
        .unwrap()
    }

    #[test]
    fn the_list_form_carries_every_filter_a_saved_filter_keeps() {
        let all = ListForm {
            status: "s".into(),
            channel: "s".into(),
            unit: "s".into(),
            from: "s".into(),
            to: "s".into(),
            q: "s".into(),
            sort: "s".into(),
            due: "s".into(),
            owner: "s".into(),
            held: "s".into(),
            category: "s".into(),
            flag: "s".into(),
            waiting: "s".into(),
            total: "s".into(),
            session: "s".into(),
            purpose: "s".into(),
            place: "s".into(),
            reached: "s".into(),
            measure: "s".into(),
            part: "s".into(),
            period: "s".into(),
            page: None,
        };
        let mut keys: Vec<&str> = all.pairs().into_iter().map(|(k, _)| k).collect();
        let mut filters = huiyin_app::cases::FILTER_KEYS.to_vec();
        keys.sort_unstable();
        filters.sort_unstable();
        assert_eq!(keys, filters);
    }

    #[test]
    fn fed_9_a_bounded_count_says_there_are_more_and_offers_the_exact_one() {
        let form = ListForm { q: "低保".into(), ..Default::default() };
        let html = cases_page(1_000, false, form.clone());
        assert!(html.contains(r#"<strong id="total">1000</strong> 件以上"#), "{html}");
        assert!(
            html.contains(r#"<a href="/cases?page=1&#38;q=%E4%BD%8E%E4%BF%9D&#38;total=exact">精确计数</a>"#),
            "{html}"
        );
        let exact = cases_page(1_000, true, form);
        assert!(exact.contains(r#"共 <strong id="total">1000</strong> 件,第 1 / 50 页"#), "{exact}");
        assert!(!exact.contains("精确计数"));
        // The staff list asks for a bounded count unless the exact one was asked for.
        assert_eq!(ListForm::default().params().total.as_deref(), Some("bounded"));
        let asked = ListForm { total: "exact".into(), ..Default::default() };
        assert_eq!(asked.params().total.as_deref(), Some("exact"));
    }
}
