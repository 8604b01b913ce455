//! 工作台: what waits for a staff member, counted for the home page of their role (issue 17). Every
//! count is a case list of the actor's own (scope and GEN-7 as [`crate::cases::list_cases`]), and
//! its link opens that list: the home page shows nothing the lists would not, and counts work still
//! to do, not notices read or unread.

use huiyin_core::user::Role;
use huiyin_store::CaseSummary;

use crate::actor::Actor;
use crate::cases::{ListParams, list_cases};
use crate::context::AppState;
use crate::error::AppResult;

/// One count of the home page: what it counts, how many, and the list that shows them.
#[derive(Debug, Clone)]
pub struct WorkCount {
    pub label: &'static str,
    pub count: i64,
    /// The staff list (or page) showing exactly what is counted.
    pub href: &'static str,
    /// Something late: shown as a warning when not zero.
    pub late: bool,
}

/// What waits for the actor: the counts, the online petitions nobody has taken (FED-1), and the
/// cases the actor holds, by due date.
#[derive(Debug, Clone)]
pub struct Work {
    pub counts: Vec<WorkCount>,
    /// Online petitions of the units in scope that nobody has taken, oldest first; empty for a
    /// role that does not receive petitions.
    pub online_queue: Vec<CaseSummary>,
    pub online_total: i64,
    /// The cases the actor holds, the nearest due date first.
    pub mine: Vec<CaseSummary>,
}

/// The actor's work. A handler (承办人) does not take in petitions; only a leader approves.
pub async fn work(state: &AppState, actor: &Actor) -> AppResult<Work> {
    let role = actor.user.role;
    let receives = role.takes_petitions_in();
    // Sorting and accepting are the own unit's: a unit above does not sort its units' cases.
    let list = |status: Option<&str>, owner: Option<&str>, due: Option<&str>, sort: &str, per_page: u32| ListParams {
        status: status.map(str::to_owned),
        owner: owner.map(str::to_owned),
        held: matches!(status, Some("registered" | "assigned" | "awaiting_approval")).then(|| "unit".to_owned()),
        due: due.map(str::to_owned),
        sort: Some(sort.to_owned()),
        per_page: Some(per_page),
        ..Default::default()
    };
    let total = |params: ListParams| async move { list_cases(state, actor, &params).await.map(|l| l.page.total) };
    let mut counts = Vec::new();
    let (online_queue, online_total) = if receives {
        let queue =
            list_cases(state, actor, &list(Some("registered"), Some("online"), None, "received_at", 10)).await?;
        (queue.page.items, queue.page.total)
    } else {
        (Vec::new(), 0)
    };
    if receives {
        counts.push(WorkCount {
            label: "网上信访待领取",
            count: online_total,
            href: "/cases?owner=online&status=registered&sort=received_at",
            late: false,
        });
        counts.push(WorkCount {
            label: "待分办、受理",
            count: total(list(Some("registered"), None, None, "due", 1)).await?,
            href: "/cases?status=registered&held=unit&sort=urgent",
            late: false,
        });
    }
    if role != Role::Handler {
        counts.push(WorkCount {
            label: "交办、转办来件待受理",
            count: total(list(Some("assigned"), None, None, "due", 1)).await?,
            href: "/cases?status=assigned&held=unit&sort=urgent",
            late: false,
        });
    }
    if role == Role::Leader {
        counts.push(WorkCount {
            label: "处理意见待审批",
            count: total(list(Some("awaiting_approval"), None, None, "due", 1)).await?,
            href: "/cases?status=awaiting_approval&held=unit&sort=urgent",
            late: false,
        });
    }
    let mine = list_cases(state, actor, &list(Some("open"), Some("me"), None, "urgent", 10)).await?;
    counts.push(WorkCount {
        label: "我承办未办结的",
        count: mine.page.total,
        href: "/cases?status=open&owner=me&sort=urgent",
        late: false,
    });
    counts.push(WorkCount {
        label: "我的超期事项",
        count: total(list(None, Some("me"), Some("overdue"), "due", 1)).await?,
        href: "/cases?owner=me&due=overdue&sort=urgent",
        late: true,
    });
    let waiting = |what: &str| ListParams {
        owner: Some("me".to_owned()),
        waiting: Some(what.to_owned()),
        per_page: Some(1),
        ..Default::default()
    };
    counts.push(WorkCount {
        label: "退回修改的处理意见",
        count: total(waiting("redraft")).await?,
        href: "/cases?owner=me&waiting=redraft&sort=urgent",
        late: false,
    });
    counts.push(WorkCount {
        label: "不满意待回访",
        count: total(waiting("return_visit")).await?,
        href: "/cases?owner=me&waiting=return_visit&sort=urgent",
        late: false,
    });
    // FED-14: the staff of one's unit past their training's due day, for those who arrange it.
    let untrained = crate::training::overdue_count(state, actor).await?;
    if untrained > 0 {
        counts.push(WorkCount {
            label: "超过培训间隔未参加培训的人员",
            count: untrained,
            href: "/training",
            late: true,
        });
    }
    // FED-8: absences on the own unit's rota in the last 30 days, for its supervisors and leaders.
    if matches!(role, Role::Supervisor | Role::Leader) {
        let absences = crate::duty::recent_absences(state, actor, 30).await?;
        if absences > 0 {
            counts.push(WorkCount { label: "近30日值班缺勤", count: absences, href: "/duty", late: true });
        }
    }
    // FED-12: complaints against staff the actor investigates, and those past their due day.
    let (complaints, overdue) = crate::complaints::waiting_counts(state, actor).await?;
    if complaints > 0 {
        counts
            .push(WorkCount { label: "待调查办结的投诉", count: complaints, href: "/complaints", late: false });
    }
    if overdue > 0 {
        counts.push(WorkCount { label: "超期未办结的投诉", count: overdue, href: "/complaints", late: true });
    }
    // COM-5: 急事急办 comes first in every queue of the home page: the open urgent cases in scope
    // counted before everything else, and every list of work (one's own cases, those waiting on the
    // unit) with its urgent cases first, then by due date.
    let urgent = ListParams {
        status: Some("open".to_owned()),
        flag: Some("urgent".to_owned()),
        per_page: Some(1),
        ..Default::default()
    };
    let urgent = total(urgent).await?;
    if urgent > 0 {
        let href = "/cases?status=open&flag=urgent&sort=urgent";
        counts.insert(0, WorkCount { label: "急事急办在办", count: urgent, href, late: true });
    }
    // The lists the counts open put urgent cases first too (`sort=urgent`).
    Ok(Work { counts, online_queue, online_total, mine: mine.page.items })
}
