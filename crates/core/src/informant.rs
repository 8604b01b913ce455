//! Informant protection (GEN-7, 《信访工作条例》 Art 30 ¶3): material that accuses a unit, and the
//! circumstances around it, are never shown or passed to that unit. This module owns the two
//! questions every read and every move of an accusing case asks of the unit tree:
//!
//! - who is *blind* to it: the accused unit and its own departments (a department's staff work for
//!   the unit it belongs to). For them the case does not exist;
//! - what lies *within the accused's reach*: the accused unit and every unit below it. No action may
//!   send the case there, make anyone of such a unit its holder, assignee, owner or reviewer, and a
//!   unit below the accused that registered the case may only route it out (its own handling would
//!   answer to the accused).
//!
//! The tree is passed in; the shells load it.

use std::collections::HashMap;

use crate::event::EventData;
use crate::lifecycle::Refusal;
use crate::unit::UnitKind;

/// One unit of the tree, as the guard needs it.
#[derive(Debug, Clone)]
pub struct UnitNode {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub kind: UnitKind,
    pub parent: Option<i64>,
}

/// The unit tree, by id and by code.
#[derive(Debug, Clone, Default)]
pub struct UnitTree {
    by_id: HashMap<i64, UnitNode>,
    by_code: HashMap<String, i64>,
}

impl UnitTree {
    pub fn new(nodes: impl IntoIterator<Item = UnitNode>) -> UnitTree {
        let mut tree = UnitTree::default();
        for node in nodes {
            tree.by_code.insert(node.code.to_ascii_uppercase(), node.id);
            tree.by_id.insert(node.id, node);
        }
        tree
    }

    pub fn get(&self, id: i64) -> Option<&UnitNode> {
        self.by_id.get(&id)
    }

    pub fn id_of(&self, code: &str) -> Option<i64> {
        self.by_code.get(&code.to_ascii_uppercase()).copied()
    }

    /// `unit` and the units above it, nearest first. A cycle (corrupt data) ends the walk.
    pub fn chain(&self, unit: i64) -> Vec<i64> {
        let mut chain = Vec::new();
        let mut next = Some(unit);
        while let Some(id) = next {
            if chain.contains(&id) {
                break;
            }
            chain.push(id);
            next = self.by_id.get(&id).and_then(|u| u.parent);
        }
        chain
    }

    /// `unit` and every unit below it, in id order: the units a member of `unit` sees.
    pub fn subtree(&self, unit: i64) -> Vec<i64> {
        let mut ids: Vec<i64> = self.by_id.keys().copied().filter(|id| self.chain(*id).contains(&unit)).collect();
        ids.sort_unstable();
        ids
    }

    /// The accused units whose accusations a member of `unit` never sees: the unit itself and,
    /// while it is a department, the unit it belongs to, up through departments of departments.
    pub fn blind_to(&self, unit: i64) -> Vec<i64> {
        let mut blind = vec![unit];
        let mut current = self.by_id.get(&unit);
        while let Some(u) = current.filter(|u| u.kind == UnitKind::Department) {
            let Some(parent) = u.parent.filter(|p| !blind.contains(p)) else { break };
            blind.push(parent);
            current = self.by_id.get(&parent);
        }
        blind
    }

    /// Whether `unit` lies within the reach of an accusation against `accused`: it is the accused
    /// unit or one below it.
    pub fn within_reach(&self, unit: i64, accused: i64) -> bool {
        self.chain(unit).contains(&accused)
    }

    /// The units above `unit` that lie outside the reach of `accused` (all of them when nothing is
    /// accused), nearest first: where escalation and review may go. Escalation from below the
    /// accused skips over it to the level above.
    pub fn above_outside_reach(&self, unit: i64, accused: Option<i64>) -> Vec<i64> {
        let chain = self.chain(unit);
        let skip = accused.and_then(|a| chain.iter().position(|u| *u == a)).map_or(1, |i| i + 1);
        chain.into_iter().skip(skip.max(1)).collect()
    }
}

/// Where an event sends a case or whom it makes answer for it: the units and the users it names.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Routes<'a> {
    pub units: Vec<&'a str>,
    pub users: Vec<&'a str>,
}

/// The units and users an event routes the case to (holder, assignee, owner, owning leader,
/// reviewer, the unit reported to). Every kind of event is named here, so an event added later
/// must say whether it routes. An objection returns the case to the unit that sent it, which held
/// it before, and so is not a new route.
pub fn routes(data: &EventData) -> Routes<'_> {
    let mut r = Routes::default();
    match data {
        EventData::HandedOff { to_user, to_unit, .. } => {
            r.units.extend(to_unit.as_deref());
            r.users.extend(to_user.as_deref());
        }
        EventData::ReportedUp { to_unit, .. }
        | EventData::ReviewRequested { to_unit, .. }
        | EventData::ReportedBack { to_unit, .. } => r.units.push(to_unit),
        EventData::Assigned { unit, owner } => {
            r.units.push(unit);
            r.users.extend(owner.as_deref());
        }
        EventData::Transferred { unit } | EventData::Escalated { unit, .. } => r.units.push(unit),
        EventData::LeaderAssigned { leader } => r.users.push(leader),
        EventData::Registered { .. }
        | EventData::Objected { .. }
        | EventData::QueryCodeReissued {}
        | EventData::Accepted {}
        | EventData::Extended { .. }
        | EventData::Answered { .. }
        | EventData::Rejected { .. }
        | EventData::RegisteredOnly { .. }
        | EventData::OpinionDrafted { .. }
        | EventData::Approved { .. }
        | EventData::OpinionReturned { .. }
        | EventData::Taken {}
        | EventData::Replied {}
        | EventData::Rated { .. }
        | EventData::Closed {}
        | EventData::HearingHeld { .. }
        | EventData::Instructed { .. }
        | EventData::LiaisonRecorded { .. }
        | EventData::ReturnVisited { .. }
        | EventData::InvestigationNoted { .. }
        | EventData::AttachmentAdded { .. }
        | EventData::Flagged { .. }
        | EventData::FlagCleared { .. }
        | EventData::AccusedSet { .. }
        | EventData::Recused { .. } => {}
    }
    r
}

/// Whether the event is the holding unit's own handling of the matter (accepting, answering,
/// deciding, replying, closing): what a unit within the accused's reach may not do, since its answer
/// would be the accused's. Routing, flags, instructions, liaison and attachments stay open to it.
pub fn handles(data: &EventData) -> bool {
    match data {
        EventData::Accepted {}
        | EventData::Extended { .. }
        | EventData::Answered { .. }
        | EventData::Rejected { .. }
        | EventData::RegisteredOnly { .. }
        | EventData::OpinionDrafted { .. }
        | EventData::Approved { .. }
        | EventData::OpinionReturned { .. }
        | EventData::Taken {}
        | EventData::Replied {}
        | EventData::Rated { .. }
        | EventData::Closed {}
        | EventData::HearingHeld { .. }
        | EventData::ReturnVisited { .. }
        | EventData::InvestigationNoted { .. }
        | EventData::ReviewRequested { .. }
        | EventData::ReportedBack { .. }
        | EventData::Objected { .. } => true,
        EventData::Registered { .. }
        | EventData::HandedOff { .. }
        | EventData::ReportedUp { .. }
        | EventData::QueryCodeReissued {}
        | EventData::Assigned { .. }
        | EventData::Transferred { .. }
        | EventData::Escalated { .. }
        | EventData::Instructed { .. }
        | EventData::LiaisonRecorded { .. }
        | EventData::LeaderAssigned { .. }
        | EventData::AttachmentAdded { .. }
        | EventData::Flagged { .. }
        | EventData::FlagCleared { .. }
        | EventData::AccusedSet { .. }
        | EventData::Recused { .. } => false,
    }
}

/// Who a case accuses among ours (GEN-7): a unit (its id) and a staff member (their login name).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Accusation<'a> {
    pub unit: Option<i64>,
    pub user: Option<&'a str>,
}

/// The one guard on every action of an accusing case (GEN-7): no route to the accused person and
/// none into the accused unit's reach (`target_units` are the units the event names, `user_units`
/// the units of the users it names), and no handling while the holder, or the acting staff
/// member's unit (`actor_unit`: a community that escalated the case still sees it), lies within
/// that reach. `Ok` when the case accuses nobody of ours.
pub fn guard(
    tree: &UnitTree,
    accused: Accusation<'_>,
    holder: i64,
    actor_unit: i64,
    data: &EventData,
    target_units: &[i64],
    user_units: &[i64],
) -> Result<(), Refusal> {
    if let Some(person) = accused.user
        && routes(data).users.iter().any(|u| u.eq_ignore_ascii_case(person))
    {
        return Err(Refusal::AccusedPerson);
    }
    let Some(accused) = accused.unit else { return Ok(()) };
    if target_units.iter().chain(user_units).any(|u| tree.within_reach(*u, accused)) {
        return Err(Refusal::AccusedUnit);
    }
    if handles(data) && (tree.within_reach(holder, accused) || tree.within_reach(actor_unit, accused)) {
        return Err(Refusal::HolderWithinAccusedReach);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 县 1 > 镇 2 > {社区 3, 民政办 4 (department) > 低保股 5 (department)}; 东镇 6 under the county.
    fn tree() -> UnitTree {
        let n = |id, code: &str, kind, parent| UnitNode { id, code: code.into(), name: code.into(), kind, parent };
        UnitTree::new([
            n(1, "QX", UnitKind::County, None),
            n(2, "XZ", UnitKind::Town, Some(1)),
            n(3, "XS", UnitKind::Community, Some(2)),
            n(4, "XZ-MZ", UnitKind::Department, Some(2)),
            n(5, "XZ-MZ-DB", UnitKind::Department, Some(4)),
            n(6, "DZ", UnitKind::Town, Some(1)),
        ])
    }

    #[test]
    fn gen_7_the_accused_unit_and_its_departments_are_blind() {
        let t = tree();
        assert_eq!(t.blind_to(2), vec![2], "the town itself");
        assert_eq!(t.blind_to(4), vec![4, 2], "its department works for it");
        assert_eq!(t.blind_to(5), vec![5, 4, 2], "a department of a department too");
        assert_eq!(t.blind_to(3), vec![3], "a community below the town is not the town");
        assert_eq!(t.blind_to(1), vec![1]);
    }

    #[test]
    fn gen_7_reach_is_the_accused_and_everything_below_it() {
        let t = tree();
        for unit in [2, 3, 4, 5] {
            assert!(t.within_reach(unit, 2), "{unit}");
        }
        assert!(!t.within_reach(1, 2) && !t.within_reach(6, 2));
        assert_eq!(t.subtree(2), vec![2, 3, 4, 5], "a unit sees itself and everything below it");
        assert_eq!(t.id_of("xz-mz"), Some(4));
    }

    #[test]
    fn gen_7_escalation_skips_over_the_accused() {
        let t = tree();
        assert_eq!(t.above_outside_reach(3, Some(2)), vec![1], "from the community past the town");
        assert_eq!(t.above_outside_reach(5, Some(2)), vec![1]);
        assert_eq!(t.above_outside_reach(3, None), vec![2, 1]);
        assert_eq!(t.above_outside_reach(3, Some(6)), vec![2, 1], "another unit accused: nothing skipped");
    }

    #[test]
    fn gen_7_no_route_into_the_accused_reach_and_no_handling_from_inside_it() {
        let t = tree();
        let town = Accusation { unit: Some(2), user: None };
        let accepted = EventData::Accepted {};
        let assigned = EventData::Assigned { unit: "XZ-MZ".into(), owner: None };
        assert_eq!(guard(&t, town, 1, 1, &assigned, &[4], &[]), Err(Refusal::AccusedUnit));
        assert_eq!(guard(&t, town, 1, 1, &assigned, &[6], &[5]), Err(Refusal::AccusedUnit), "an owner of the town");
        assert_eq!(guard(&t, town, 1, 1, &assigned, &[6], &[1]), Ok(()));
        assert_eq!(guard(&t, town, 3, 3, &accepted, &[], &[]), Err(Refusal::HolderWithinAccusedReach));
        assert_eq!(
            guard(&t, town, 1, 3, &accepted, &[], &[]),
            Err(Refusal::HolderWithinAccusedReach),
            "the community that escalated it may not handle it either"
        );
        let escalated = EventData::Escalated { unit: "QX".into(), reason: "r".into(), owner_released: true };
        assert_eq!(guard(&t, town, 3, 3, &escalated, &[1], &[]), Ok(()), "routing out stays open");
        assert_eq!(guard(&t, Accusation::default(), 3, 3, &accepted, &[], &[]), Ok(()));
        assert_eq!(routes(&assigned), Routes { units: vec!["XZ-MZ"], users: vec![] });
    }

    #[test]
    fn gen_7_nothing_routes_to_the_accused_person() {
        let t = tree();
        let person = Accusation { unit: None, user: Some("zhang") };
        let handed = EventData::HandedOff { to_user: Some("zhang".into()), to_unit: None, reason: "r".into() };
        let owned = EventData::Assigned { unit: "DZ".into(), owner: Some("zhang".into()) };
        let led = EventData::LeaderAssigned { leader: "zhang".into() };
        for data in [&handed, &owned, &led] {
            assert_eq!(guard(&t, person, 1, 1, data, &[6], &[6]), Err(Refusal::AccusedPerson), "{data:?}");
        }
        let other = EventData::LeaderAssigned { leader: "li".into() };
        assert_eq!(guard(&t, person, 1, 1, &other, &[], &[6]), Ok(()), "anyone else may lead it");
        let both = Accusation { unit: Some(2), user: Some("zhang") };
        assert_eq!(guard(&t, both, 1, 1, &other, &[], &[5]), Err(Refusal::AccusedUnit), "and the unit's rule holds");
    }
}
