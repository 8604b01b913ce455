//! Which of the reader's units a full-text search names (issue 5): a reader's scope is their unit's
//! subtree, and PostgreSQL keeps in each search entry the units above the case's units, so that a
//! subtree's cases are found by its top unit alone.

use std::collections::HashSet;

/// How a scope limits a search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reach {
    /// The scope is every unit: no limit at all.
    Everywhere,
    /// The scope is these units' whole subtrees.
    Subtrees(Vec<i64>),
    /// The scope is some other set of units, to be listed.
    Units,
}

/// What `scope` is, given each unit of the tree with its parent.
pub fn of_scope(scope: &[i64], tree: &[(i64, Option<i64>)]) -> Reach {
    let scope: HashSet<i64> = scope.iter().copied().collect();
    let units: HashSet<i64> = tree.iter().map(|(id, _)| *id).collect();
    if scope.is_empty() || !scope.is_subset(&units) {
        return Reach::Units;
    }
    if scope.len() == units.len() {
        return Reach::Everywhere;
    }
    let parent_in_scope = |parent: &Option<i64>| parent.is_some_and(|p| scope.contains(&p));
    // Whole subtrees: every child of a unit in the scope is in it too.
    if tree.iter().any(|(id, parent)| parent_in_scope(parent) && !scope.contains(id)) {
        return Reach::Units;
    }
    let mut tops: Vec<i64> =
        tree.iter().filter(|(id, parent)| scope.contains(id) && !parent_in_scope(parent)).map(|(id, _)| *id).collect();
    tops.sort_unstable();
    Reach::Subtrees(tops)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A county (1) with a town (2) and its community (3), and a school (4).
    const TREE: [(i64, Option<i64>); 4] = [(1, None), (2, Some(1)), (3, Some(2)), (4, Some(1))];

    #[test]
    fn fed_9_a_subtree_is_named_by_its_top_unit() {
        assert_eq!(of_scope(&[2, 3], &TREE), Reach::Subtrees(vec![2]));
        assert_eq!(of_scope(&[3], &TREE), Reach::Subtrees(vec![3]));
        assert_eq!(of_scope(&[4, 3, 2], &TREE), Reach::Subtrees(vec![2, 4]));
        assert_eq!(of_scope(&[4, 3, 2, 1], &TREE), Reach::Everywhere);
    }

    #[test]
    fn fed_9_other_scopes_list_their_units() {
        // The town without its community, nothing, and a unit that does not exist.
        assert_eq!(of_scope(&[2], &TREE), Reach::Units);
        assert_eq!(of_scope(&[], &TREE), Reach::Units);
        assert_eq!(of_scope(&[3, 9], &TREE), Reach::Units);
    }
}
