//! The three-level content classification of petitions (信访内容分类, GEN-10).
//!
//! The classes are data (shipped as a TSV, edited by administrators); this module reads the TSV,
//! gives each class a stable code (`01`, `0101`, `010101`: position in the shipped order), and
//! resolves what a user typed (a code, a full path, or a name that is unique) to one class.

use serde::{Deserialize, Serialize};

use crate::{FieldError, Invalid};

/// One class of the taxonomy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
    fn gen_10_shipped_taxonomy_has_19_top_level_classes() {
        let tsv = include_str!("../../../data/categories/content-categories.tsv");
        let cs = parse_tsv(tsv);
        let top: Vec<&str> = cs.iter().filter(|c| c.level == 1).map(|c| c.name.as_str()).collect();
        assert_eq!(top.len(), 19, "{top:?}");
        assert_eq!(top.first(), Some(&"农村农业"));
        assert_eq!(top.last(), Some(&"其他"));
    }
}
