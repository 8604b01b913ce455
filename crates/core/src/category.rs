//! The three-level content classification of petitions (信访内容分类, GEN-10).
//!
//! The classes are data (shipped as a TSV, edited by administrators); this module reads the TSV,
//! gives each class a stable code (`01`, `0101`, `010101`: position in the shipped order), and
//! resolves what a user typed (a code, a full path, or a name that is unique) to one class.

use serde::{Deserialize, Serialize};

use crate::{FieldError, Invalid};

/// One class of the taxonomy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Category {
    /// Stable code: two digits per level.
    pub code: String,
    pub name: String,
    /// The parent's code; `None` for a top-level class.
    pub parent: Option<String>,
    pub level: u8,
    /// The names from the top down to this class, joined by ` / `.
    pub path: String,
    pub active: bool,
}

/// Reads the shipped TSV (`yjnr ejnr sjnr` header, one third-level class per line) into classes
/// of all three levels, in order, each with its code.
pub fn parse_tsv(tsv: &str) -> Vec<Category> {
    let mut out: Vec<Category> = Vec::new();
    let find_or_add = |out: &mut Vec<Category>, parent: Option<&Category>, name: &str| -> Category {
        let parent_code = parent.map(|p| p.code.clone());
        if let Some(c) = out.iter().find(|c| c.parent == parent_code && c.name == name) {
            return c.clone();
        }
        let siblings = out.iter().filter(|c| c.parent == parent_code).count();
        let code = format!("{}{:02}", parent_code.clone().unwrap_or_default(), siblings + 1);
        let path = match parent {
            Some(p) => format!("{} / {name}", p.path),
            None => name.to_owned(),
        };
        let level = parent.map_or(1, |p| p.level + 1);
        let c = Category { code, name: name.to_owned(), parent: parent_code, level, path, active: true };
        out.push(c.clone());
        c
    };
    for line in tsv.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').map(str::trim).collect();
        let [l1, l2, l3] = cols.as_slice() else { continue };
        if l1.is_empty() {
            continue;
        }
        let c1 = find_or_add(&mut out, None, l1);
        if l2.is_empty() {
            continue;
        }
        let c2 = find_or_add(&mut out, Some(&c1), l2);
        if !l3.is_empty() {
            find_or_add(&mut out, Some(&c2), l3);
        }
    }
    out
}

/// Finds the one active class meant by `input`: its code, its full path (levels joined by `/`),
/// or a name no other active class shares.
pub fn resolve<'a>(field: &str, classes: &'a [Category], input: &str) -> Result<&'a Category, FieldError> {
    let input = input.trim();
    let active = || classes.iter().filter(|c| c.active);
    if let Some(c) = active().find(|c| c.code == input) {
        return Ok(c);
    }
    let normalized: String = input.split('/').map(str::trim).collect::<Vec<_>>().join(" / ");
    if let Some(c) = active().find(|c| c.path == normalized) {
        return Ok(c);
    }
    let mut by_name = active().filter(|c| c.name == input);
    match (by_name.next(), by_name.next()) {
        (Some(c), None) => Ok(c),
        (Some(_), Some(_)) => Err(FieldError::new(field, Invalid::AmbiguousCategory)),
        _ => Err(FieldError::new(field, Invalid::UnknownCategory)),
    }
}

/// The deepest level of the classification.
pub const MAX_LEVEL: u8 = 3;
const NAME_MAX: usize = 50;

/// Checks a class name: required, at most 50 characters, and no `/` (it separates path levels).
pub fn parse_name(field: &str, raw: &str) -> Result<String, FieldError> {
    let name = crate::text::required(field, Some(raw), NAME_MAX)?;
    if name.contains('/') {
        return Err(FieldError::new(field, Invalid::NotAChoice { allowed: "不含 / 的名称".into() }));
    }
    Ok(name)
}

fn find<'a>(classes: &'a [Category], field: &str, code: &str) -> Result<&'a Category, FieldError> {
    classes.iter().find(|c| c.code == code).ok_or_else(|| FieldError::new(field, Invalid::UnknownCategory))
}

/// A new class under `parent` (or at the top): the next free code among its siblings. Refused when
/// the parent is unknown or retired, the level would exceed three, a sibling has the same name, or the
/// siblings' 99 codes are used up.
pub fn add(classes: &[Category], parent: Option<&str>, name: &str) -> Result<Category, FieldError> {
    let name = parse_name("name", name)?;
    let parent = match parent {
        None => None,
        Some(code) => {
            let p = find(classes, "parent", code)?;
            if !p.active {
                return Err(FieldError::new("parent", Invalid::UnknownCategory));
            }
            if p.level >= MAX_LEVEL {
                return Err(FieldError::new("parent", Invalid::OutOfRange { min: 1, max: i64::from(MAX_LEVEL - 1) }));
            }
            Some(p)
        }
    };
    let parent_code = parent.map(|p| p.code.clone());
    let siblings: Vec<&Category> = classes.iter().filter(|c| c.parent == parent_code).collect();
    if siblings.iter().any(|c| c.name == name) {
        return Err(FieldError::new("name", Invalid::AlreadyExists));
    }
    let prefix = parent_code.clone().unwrap_or_default();
    let highest = siblings.iter().filter_map(|c| c.code[prefix.len()..].parse::<u32>().ok()).max().unwrap_or(0);
    if highest >= 99 {
        return Err(FieldError::new("parent", Invalid::OutOfRange { min: 1, max: 99 }));
    }
    let path = match parent {
        Some(p) => format!("{} / {name}", p.path),
        None => name.clone(),
    };
    Ok(Category {
        code: format!("{prefix}{:02}", highest + 1),
        name,
        parent: parent_code,
        level: parent.map_or(1, |p| p.level + 1),
        path,
        active: true,
    })
}

/// The class and all classes below it.
fn with_descendants<'a>(classes: &'a [Category], code: &str) -> Vec<&'a Category> {
    classes.iter().filter(|c| c.code.starts_with(code)).collect()
}

/// Renames a class; returns it and its descendants with their paths rebuilt. Cases keep the path
/// they were registered under.
pub fn rename(classes: &[Category], code: &str, name: &str) -> Result<Vec<Category>, FieldError> {
    let class = find(classes, "code", code)?;
    let name = parse_name("name", name)?;
    if classes.iter().any(|c| c.parent == class.parent && c.code != class.code && c.name == name) {
        return Err(FieldError::new("name", Invalid::AlreadyExists));
    }
    let old_prefix = class.path.clone();
    let new_prefix = match class.path.rsplit_once(" / ") {
        Some((above, _)) => format!("{above} / {name}"),
        None => name.clone(),
    };
    Ok(with_descendants(classes, code)
        .into_iter()
        .map(|c| {
            let mut c = c.clone();
            c.path = format!("{new_prefix}{}", &c.path[old_prefix.len()..]);
            if c.code == code {
                c.name = name.clone();
            }
            c
        })
        .collect())
}

/// Retires (or restores) a class with everything below it; retired classes cannot be chosen for new
/// cases, and cases registered under them keep them.
pub fn set_active(classes: &[Category], code: &str, active: bool) -> Result<Vec<Category>, FieldError> {
    let class = find(classes, "code", code)?;
    if active
        && let Some(parent) = &class.parent
        && !find(classes, "code", parent)?.active
    {
        return Err(FieldError::new("code", Invalid::UnknownCategory));
    }
    Ok(with_descendants(classes, code).into_iter().map(|c| Category { active, ..c.clone() }).collect())
}

/// The sibling a class changes places with to move one place up (or down) among the classes under
/// the same parent, in the order they are listed; none at the end it moves towards. Codes never
/// change: only the order in which pickers list the classes.
pub fn neighbour<'a>(classes: &'a [Category], code: &str, up: bool) -> Result<Option<&'a Category>, FieldError> {
    let class = find(classes, "code", code)?;
    let siblings: Vec<&Category> = classes.iter().filter(|c| c.parent == class.parent).collect();
    let at = siblings.iter().position(|c| c.code == class.code).unwrap_or_default();
    Ok(if up { at.checked_sub(1).and_then(|i| siblings.get(i)).copied() } else { siblings.get(at + 1).copied() })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TSV: &str = "yjnr\tejnr\tsjnr\n农村农业\t村务管理\t集体资产管理\n农村农业\t村务管理\t村务公开\n\
                       农村农业\t土地承包经营\t土地流转\n其他\t其他\t其他\n劳动社保\t工资\t补偿\n城乡建设\t拆迁\t补偿\n";

    #[test]
    fn gen_10_classes_get_stable_codes_by_position() {
        let cs = parse_tsv(TSV);
        let codes: Vec<(&str, &str)> = cs.iter().map(|c| (c.code.as_str(), c.name.as_str())).collect();
        assert_eq!(
            &codes[..5],
            &[
                ("01", "农村农业"),
                ("0101", "村务管理"),
                ("010101", "集体资产管理"),
                ("010102", "村务公开"),
                ("0102", "土地承包经营")
            ]
        );
        let c = cs.iter().find(|c| c.code == "010102").unwrap();
        assert_eq!(c.path, "农村农业 / 村务管理 / 村务公开");
        assert_eq!(c.level, 3);
    }

    #[test]
    fn resolve_by_code_path_or_unique_name() {
        let cs = parse_tsv(TSV);
        assert_eq!(resolve("category", &cs, "010101").unwrap().name, "集体资产管理");
        assert_eq!(resolve("category", &cs, "村务公开").unwrap().code, "010102");
        assert_eq!(resolve("category", &cs, "农村农业/村务管理/村务公开").unwrap().code, "010102");
        assert_eq!(resolve("category", &cs, "其他 / 其他 / 其他").unwrap().level, 3);
        // A top-level path wins over lower classes of the same name.
        assert_eq!(resolve("category", &cs, "其他").unwrap().level, 1);
        assert_eq!(resolve("category", &cs, "补偿").unwrap_err().invalid, Invalid::AmbiguousCategory);
        assert_eq!(resolve("category", &cs, "不存在").unwrap_err().invalid, Invalid::UnknownCategory);
    }

    #[test]
    fn gen_10_administrators_add_rename_and_retire_classes() {
        let mut cs = parse_tsv(TSV);
        let new = add(&cs, Some("0101"), "村民小组").unwrap();
        assert_eq!((new.code.as_str(), new.level, new.path.as_str()), ("010103", 3, "农村农业 / 村务管理 / 村民小组"));
        cs.push(new);
        assert_eq!(add(&cs, Some("0101"), "村民小组").unwrap_err().invalid, Invalid::AlreadyExists);
        assert_eq!(add(&cs, Some("010101"), "太深").unwrap_err().field, "parent");
        assert_eq!(add(&cs, None, "a/b").unwrap_err().field, "name");
        assert_eq!(add(&cs, None, "新类").unwrap().code, "05");

        let renamed = rename(&cs, "0101", "村务").unwrap();
        assert_eq!(renamed.len(), 4);
        assert!(renamed.iter().all(|c| c.path.starts_with("农村农业 / 村务")), "{renamed:?}");
        assert_eq!(renamed.iter().find(|c| c.code == "010103").unwrap().path, "农村农业 / 村务 / 村民小组");

        let retired = set_active(&cs, "0101", false).unwrap();
        assert!(retired.iter().all(|c| !c.active) && retired.len() == 4);
        for r in retired {
            let i = cs.iter().position(|c| c.code == r.code).unwrap();
            cs[i] = r;
        }
        assert_eq!(resolve("category", &cs, "村务公开").unwrap_err().invalid, Invalid::UnknownCategory);
        assert!(add(&cs, Some("0101"), "x").is_err(), "nothing is added under a retired class");
        assert!(set_active(&cs, "010101", true).is_err(), "a child is not restored under a retired parent");
        assert_eq!(set_active(&cs, "0101", true).unwrap().len(), 4);
    }

    #[test]
    fn gen_10_shipped_taxonomy_has_19_top_level_classes() {
        let tsv = include_str!("../../../data/categories/content-categories.tsv");
        let cs = parse_tsv(tsv);
        let top: Vec<&str> = cs.iter().filter(|c| c.level == 1).map(|c| c.name.as_str()).collect();
        assert_eq!(top.len(), 19, "{top:?}");
        assert_eq!(top.first(), Some(&"农村农业"));
        assert_eq!(top.last(), Some(&"其他"));
    }

    #[test]
    fn gen_10_a_class_changes_places_only_with_its_siblings() {
        let classes = parse_tsv(TSV);
        let first = &classes.iter().find(|c| c.path == "农村农业").unwrap().code;
        let second = &classes.iter().find(|c| c.path == "其他").unwrap().code;
        assert_eq!(neighbour(&classes, second, true).unwrap().map(|c| &c.code), Some(first));
        assert_eq!(neighbour(&classes, first, true).unwrap(), None, "the first goes no higher");
        let leaf = &classes.iter().find(|c| c.path == "农村农业 / 村务管理 / 村务公开").unwrap().code;
        let above = neighbour(&classes, leaf, true).unwrap().unwrap();
        assert_eq!(above.path, "农村农业 / 村务管理 / 集体资产管理");
        assert_eq!(neighbour(&classes, leaf, false).unwrap(), None, "not into another parent's classes");
        assert!(neighbour(&classes, "9999", true).is_err());
    }
}
