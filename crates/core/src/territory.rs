//! 属地 (TWN-1, TWN-2, FED-17): a unit's territory — the place names and address prefixes it
//! answers for, and optionally its boundary as a polygon — and whether a place a petition names
//! lies in it. Routing takes the smallest unit whose territory holds the place (as FixMyStreet
//! routes a report by where it is); the tree's depth says which is smallest.

use serde::{Deserialize, Serialize};

use crate::informant::UnitTree;
use crate::text::{self, limits};
use crate::{FieldError, Invalid, ValidationErrors};

/// A point as Open311 gives it: latitude and longitude in degrees (WGS 84).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Point {
    pub lat: f64,
    pub long: f64,
}

impl Point {
    /// A point from the two numbers as typed, each on its field; `None` with the errors pushed.
    pub fn parse(lat: f64, long: f64, field: &str, errors: &mut Vec<FieldError>) -> Option<Point> {
        let mut ok = true;
        if !lat.is_finite() || !(-90.0..=90.0).contains(&lat) {
            errors.push(FieldError::new(format!("{field}.lat"), Invalid::OutOfRange { min: -90, max: 90 }));
            ok = false;
        }
        if !long.is_finite() || !(-180.0..=180.0).contains(&long) {
            errors.push(FieldError::new(format!("{field}.long"), Invalid::OutOfRange { min: -180, max: 180 }));
            ok = false;
        }
        ok.then_some(Point { lat, long })
    }
}

/// A unit's territory. Empty: the unit answers for no place of its own (routing passes it by).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Territory {
    /// Place names within it (村, 社区, 小区, 街道): a place text that names one is held.
    #[serde(default)]
    pub places: Vec<String>,
    /// Address prefixes (`西山镇东村`): an address that begins with one is held.
    #[serde(default)]
    pub address_prefixes: Vec<String>,
    /// The boundary, at least three `[lat, long]` points in order (as it is typed); a point inside
    /// it is held.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub polygon: Vec<[f64; 2]>,
}

/// How many names, prefixes or boundary points a territory may have.
pub const MAX_PLACES: usize = 200;
pub const MAX_POLYGON_POINTS: usize = 2000;

/// A territory as an administrator types it (`PUT /api/v1/units/{code}/territory`): the whole of
/// it, replacing the unit's.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TerritoryDraft {
    pub places: Option<Vec<String>>,
    pub address_prefixes: Option<Vec<String>>,
    /// Points as `[lat, long]` pairs; none or empty for no boundary.
    pub polygon: Option<Vec<[f64; 2]>>,
}

impl TerritoryDraft {
    /// The territory, or every mistake on its field (`places[2]`, `polygon[0].lat`).
    pub fn parse(&self) -> Result<Territory, ValidationErrors> {
        let mut errors = Vec::new();
        let mut names = |field: &str, given: &Option<Vec<String>>, min: usize| {
            let given = given.as_deref().unwrap_or_default();
            let mut kept: Vec<String> = Vec::new();
            if given.len() > MAX_PLACES {
                // One refusal for the list, not one for each of thousands of items.
                errors.push(FieldError::new(field, Invalid::ItemCount { min: 0, max: MAX_PLACES }));
                return kept;
            }
            for (i, raw) in given.iter().enumerate() {
                let field = format!("{field}[{i}]");
                match text::required(&field, Some(raw), limits::PLACE) {
                    Ok(name) if plain(&name).chars().count() < min => {
                        errors.push(FieldError::new(field, Invalid::TooShort { min }));
                    }
                    Ok(name) if !kept.contains(&name) => kept.push(name),
                    Ok(_) => {}
                    Err(e) => errors.push(e),
                }
            }
            kept
        };
        // A one-character name (“村”) would be found in almost any text.
        let places = names("places", &self.places, 2);
        let address_prefixes = names("address_prefixes", &self.address_prefixes, 2);
        let given = self.polygon.as_deref().unwrap_or_default();
        let mut polygon = Vec::new();
        if !given.is_empty() && (given.len() < 3 || given.len() > MAX_POLYGON_POINTS) {
            errors.push(FieldError::new("polygon", Invalid::ItemCount { min: 3, max: MAX_POLYGON_POINTS }));
        } else {
            for (i, [lat, long]) in given.iter().enumerate() {
                if let Some(point) = Point::parse(*lat, *long, &format!("polygon[{i}]"), &mut errors) {
                    polygon.push([point.lat, point.long]);
                }
            }
        }
        match ValidationErrors::from_vec(errors) {
            Some(errors) => Err(errors),
            None => Ok(Territory { places, address_prefixes, polygon }),
        }
    }
}

/// Where a petition says the matter is: the place or address as written, and the point when one
/// was given (Open311's `lat` and `long`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Location {
    pub text: Option<String>,
    pub point: Option<Point>,
}

impl Location {
    pub fn is_empty(&self) -> bool {
        self.text.as_deref().is_none_or(|t| plain(t).is_empty()) && self.point.is_none()
    }
}

impl Territory {
    pub fn is_empty(&self) -> bool {
        self.places.is_empty() && self.address_prefixes.is_empty() && self.polygon.is_empty()
    }

    /// How closely the territory holds `location`, or `None` when it does not: a point inside the
    /// boundary holds it above all; else the length of the longest address prefix the text begins
    /// with or place name it contains (the longer, the more particular). Spaces do not count.
    pub fn holds(&self, location: &Location) -> Option<usize> {
        if let Some(point) = location.point
            && self.polygon.len() >= 3
            && inside(&self.polygon, point)
        {
            return Some(usize::MAX);
        }
        let text = plain(location.text.as_deref()?);
        if text.is_empty() {
            return None;
        }
        let prefixes = self.address_prefixes.iter().map(|p| plain(p)).filter(|p| text.starts_with(p.as_str()));
        let names = self.places.iter().map(|p| plain(p)).filter(|p| text.contains(p.as_str()));
        prefixes.chain(names).map(|p| p.chars().count()).max()
    }
}

/// The smallest unit whose territory holds `location` (TWN-2): the one whose chain of units above
/// holds the place most often (西镇东村 is the 东村 of 西镇, not of 东镇), then the deepest in the
/// tree, then the one holding it most particularly.
/// `None` when no unit does, or two hold it alike (nobody guesses between them). `routable` says
/// which units may take a petition (not closed).
pub fn smallest_holding(
    tree: &UnitTree,
    territories: &[(i64, Territory)],
    routable: impl Fn(i64) -> bool,
    location: &Location,
) -> Option<i64> {
    if location.is_empty() {
        return None;
    }
    let holds = |id: i64| territories.iter().any(|(u, t)| *u == id && t.holds(location).is_some());
    let mut best: Option<((usize, usize, usize), i64)> = None;
    let mut tied = false;
    for (id, territory) in territories {
        let Some(strength) = territory.holds(location) else { continue };
        if !routable(*id) {
            continue;
        }
        let chain = tree.chain(*id);
        let holders = chain.iter().filter(|u| holds(**u)).count();
        let rank = (holders, chain.len(), strength);
        match best {
            Some((kept, _)) if kept > rank => {}
            Some((kept, _)) if kept == rank => tied = true,
            _ => {
                best = Some((rank, *id));
                tied = false;
            }
        }
    }
    if tied { None } else { best.map(|(_, id)| id) }
}

/// The text with every kind of space taken out, as places are compared.
fn plain(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Whether `p` lies inside the polygon of `[lat, long]` points (even-odd rule, the ray cast along
/// the latitude).
fn inside(polygon: &[[f64; 2]], p: Point) -> bool {
    let mut inside = false;
    let mut j = polygon.len() - 1;
    for i in 0..polygon.len() {
        let at = |[lat, long]: [f64; 2]| Point { lat, long };
        let (a, b) = (at(polygon[i]), at(polygon[j]));
        if (a.lat > p.lat) != (b.lat > p.lat) && p.long < (b.long - a.long) * (p.lat - a.lat) / (b.lat - a.lat) + a.long
        {
            inside = !inside;
        }
        j = i;
    }
    inside
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::informant::UnitNode;

    fn at(text: &str) -> Location {
        Location { text: Some(text.into()), point: None }
    }

    #[test]
    fn twn_2_a_territory_holds_its_places_prefixes_and_points() {
        let town = TerritoryDraft {
            places: Some(vec!["西山镇".into()]),
            address_prefixes: Some(vec!["吉林省 西山县西山镇".into()]),
            polygon: Some(vec![[43.0, 125.0], [43.0, 126.0], [44.0, 126.0], [44.0, 125.0]]),
        }
        .parse()
        .unwrap();
        let village =
            TerritoryDraft { places: Some(vec!["西山镇东村".into(), "东村".into()]), ..Default::default() }
                .parse()
                .unwrap();
        let address = at("吉林省西山县西山镇东村三组");
        assert_eq!(town.holds(&address), Some("吉林省西山县西山镇".chars().count()));
        assert_eq!(village.holds(&address), Some(5), "the longer name is the more particular");
        assert_eq!(village.holds(&at("东村 二组")), Some(2), "spaces do not count");
        assert_eq!(village.holds(&at("北村")), None);
        assert_eq!(
            town.holds(&Location { text: None, point: Some(Point { lat: 43.5, long: 125.5 }) }),
            Some(usize::MAX)
        );
        assert_eq!(town.holds(&Location { text: None, point: Some(Point { lat: 45.0, long: 125.5 }) }), None);
        assert_eq!(village.holds(&Location::default()), None);
        assert!(Location { text: Some("  ".into()), point: None }.is_empty());
    }

    #[test]
    fn twn_2_the_smallest_unit_holding_the_place_takes_it() {
        let node = |id: i64, parent: Option<i64>| UnitNode {
            id,
            code: format!("U{id}"),
            name: String::new(),
            kind: crate::unit::UnitKind::Agency,
            parent,
        };
        // 1 county > 2 西镇 > 3 西镇东村; 1 > 4 东镇 > 5 东镇东村; 6 西镇幸福村 closed.
        let tree = UnitTree::new([
            node(1, None),
            node(2, Some(1)),
            node(3, Some(2)),
            node(4, Some(1)),
            node(5, Some(4)),
            node(6, Some(2)),
        ]);
        let t = |places: &[&str]| Territory {
            places: places.iter().map(|p| (*p).to_owned()).collect(),
            ..Default::default()
        };
        let territories = vec![
            (1, t(&["西山县"])),
            (2, t(&["西镇"])),
            (3, t(&["东村"])),
            (4, t(&["东镇"])),
            (5, t(&["东村"])),
            (6, t(&["幸福村"])),
        ];
        let open = |id: i64| id != 6;
        let route = |text: &str| smallest_holding(&tree, &territories, open, &at(text));
        assert_eq!(route("西山县西镇东村三组"), Some(3), "the village of the town named");
        assert_eq!(route("东镇东村"), Some(5));
        assert_eq!(route("东村"), None, "two villages alike: nobody guesses");
        assert_eq!(route("西镇政府门口"), Some(2));
        assert_eq!(route("西镇幸福村"), Some(2), "a closed unit is passed by for the one above");
        assert_eq!(route("北京"), None);
        assert_eq!(route(""), None);
    }

    #[test]
    fn a_bad_territory_is_refused_on_its_fields() {
        let bad = TerritoryDraft {
            places: Some(vec!["村".into(), "ok村".into(), "a\0b".into()]),
            address_prefixes: Some(vec![String::new()]),
            polygon: Some(vec![[91.0, 0.0], [0.0, f64::NAN]]),
        };
        let fields: Vec<String> = bad.parse().unwrap_err().iter().map(|e| e.field.clone()).collect();
        assert_eq!(fields, ["places[0]", "places[2]", "address_prefixes[0]", "polygon"]);
        let off =
            TerritoryDraft { polygon: Some(vec![[91.0, 0.0], [0.0, f64::NAN], [1.0, 1.0]]), ..Default::default() };
        let fields: Vec<String> = off.parse().unwrap_err().iter().map(|e| e.field.clone()).collect();
        assert_eq!(fields, ["polygon[0].lat", "polygon[1].long"]);
        let huge = TerritoryDraft { places: Some(vec!["东村".into(); MAX_PLACES + 1]), ..Default::default() };
        assert_eq!(huge.parse().unwrap_err().iter().count(), 1, "one refusal for a list too long");
        let doubled = TerritoryDraft { places: Some(vec!["东村".into(), " 东村 ".into()]), ..Default::default() };
        assert_eq!(doubled.parse().unwrap().places, ["东村"]);
    }
}
