//! Countries (ISO 3166-1 alpha-2), the jurisdiction groups every policy can
//! use, and the country-code top-level domains. All three are data files
//! under `data/` (with their sources and dates), compiled into the binary so
//! a scan never needs a network or a file beside it.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use rustc_hash::FxHashMap;
use serde::Deserialize;

/// A country as a small integer: cheap to copy, hash and put in bit sets.
/// `UNKNOWN` and `INDETERMINATE` are not countries but outcomes of
/// resolution; they are never members of a group.
pub type CountryId = u16;
pub const UNKNOWN: CountryId = 0;
pub const INDETERMINATE: CountryId = 1;
const FIRST: CountryId = 2;

const COUNTRIES_TSV: &str = include_str!("../data/countries.tsv");
const GROUPS_TOML: &str = include_str!("../data/groups.toml");
const TLD_TOML: &str = include_str!("../data/tld.toml");

pub struct Countries {
    codes: Vec<String>,
    names: Vec<String>,
    by_code: FxHashMap<String, CountryId>,
}

/// The table of countries, parsed once.
pub fn countries() -> &'static Countries {
    static TABLE: OnceLock<Countries> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut codes = vec!["unknown".to_string(), "indeterminate".to_string()];
        let mut names = vec!["unknown".to_string(), "indeterminate".to_string()];
        for line in COUNTRIES_TSV.lines() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let (code, name) = line.split_once('\t').expect("countries.tsv: CODE<TAB>name");
            codes.push(code.to_string());
            names.push(name.to_string());
        }
        assert!(
            codes.len() <= CountrySet::CAPACITY,
            "country ids fit the bit set"
        );
        let by_code = codes
            .iter()
            .enumerate()
            .skip(FIRST as usize)
            .map(|(i, c)| (c.clone(), i as CountryId))
            .collect();
        Countries {
            codes,
            names,
            by_code,
        }
    })
}

impl Countries {
    /// The id of an ISO code, any case (`de`, `DE`).
    pub fn lookup(&self, code: &str) -> Option<CountryId> {
        if code.len() != 2 {
            return None;
        }
        self.by_code.get(&code.to_ascii_uppercase()).copied()
    }

    /// `DE`, or `unknown` / `indeterminate`.
    pub fn code(&self, id: CountryId) -> &str {
        &self.codes[id as usize]
    }

    pub fn name(&self, id: CountryId) -> &str {
        &self.names[id as usize]
    }

    pub fn len(&self) -> usize {
        self.codes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.codes.len() == FIRST as usize
    }

    /// Every real country id.
    pub fn ids(&self) -> impl Iterator<Item = CountryId> + '_ {
        FIRST..self.codes.len() as CountryId
    }
}

/// A set of countries as a bit set: membership is one shift and mask.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct CountrySet([u64; 4]);

impl CountrySet {
    pub const CAPACITY: usize = 256;

    pub fn insert(&mut self, id: CountryId) {
        self.0[id as usize / 64] |= 1 << (id % 64);
    }

    pub fn contains(&self, id: CountryId) -> bool {
        self.0[id as usize / 64] & (1 << (id % 64)) != 0
    }

    pub fn union(&mut self, other: &CountrySet) {
        for (a, b) in self.0.iter_mut().zip(other.0) {
            *a |= b;
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0 == [0; 4]
    }

    pub fn iter(&self) -> impl Iterator<Item = CountryId> + '_ {
        (0..Self::CAPACITY as CountryId).filter(|&i| self.contains(i))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GroupsFile {
    #[allow(dead_code)]
    updated: toml::value::Datetime,
    group: BTreeMap<String, GroupSpec>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GroupSpec {
    description: String,
    source: String,
    members: Vec<String>,
}

/// A built-in jurisdiction group (EU, EEA, EU_ADEQUACY, ASEAN, ...).
#[derive(Debug, Clone)]
pub struct Group {
    pub name: String,
    pub description: String,
    pub source: String,
    pub members: CountrySet,
}

/// The built-in groups, members expanded (`@EU` inside EEA resolved).
pub fn builtin_groups() -> &'static BTreeMap<String, Group> {
    static GROUPS: OnceLock<BTreeMap<String, Group>> = OnceLock::new();
    GROUPS.get_or_init(|| {
        let file: GroupsFile = toml::from_str(GROUPS_TOML).expect("data/groups.toml is valid");
        let raw: BTreeMap<String, Vec<String>> = file
            .group
            .iter()
            .map(|(k, g)| (k.clone(), g.members.clone()))
            .collect();
        file.group
            .into_iter()
            .map(|(name, g)| {
                let members = expand_group(&name, &raw, None, &mut Vec::new())
                    .unwrap_or_else(|e| panic!("data/groups.toml: {e}"));
                let group = Group {
                    name: name.clone(),
                    description: g.description,
                    source: g.source,
                    members,
                };
                (name, group)
            })
            .collect()
    })
}

/// Members of group `name` in `groups`, with `@OTHER` references expanded
/// against `groups` first, then `outer` (the built-in groups, when a
/// policy's own groups are expanded). `stack` detects cycles.
pub fn expand_group(
    name: &str,
    groups: &BTreeMap<String, Vec<String>>,
    outer: Option<&BTreeMap<String, Group>>,
    stack: &mut Vec<String>,
) -> Result<CountrySet, String> {
    if stack.iter().any(|s| s == name) {
        stack.push(name.to_string());
        return Err(format!("group cycle: {}", stack.join(" -> ")));
    }
    let members = groups
        .get(name)
        .ok_or_else(|| format!("unknown group @{name}"))?;
    stack.push(name.to_string());
    let mut set = CountrySet::default();
    for m in members {
        if let Some(inner) = m.strip_prefix('@') {
            if groups.contains_key(inner) {
                set.union(&expand_group(inner, groups, outer, stack)?);
            } else if let Some(g) = outer.and_then(|o| o.get(inner)) {
                set.union(&g.members);
            } else {
                return Err(format!("unknown group @{inner} (in group {name})"));
            }
        } else {
            let id = countries()
                .lookup(m)
                .ok_or_else(|| format!("unknown country code '{m}' in group {name}"))?;
            set.insert(id);
        }
    }
    stack.pop();
    Ok(set)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TldFile {
    #[allow(dead_code)]
    updated: toml::value::Datetime,
    #[allow(dead_code)]
    source: String,
    aliases: BTreeMap<String, String>,
    generic: Vec<String>,
    regional: BTreeMap<String, String>,
}

/// What a top-level domain says about where a host is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TldCountry {
    Country(CountryId),
    /// A ccTLD marketed for generic use (`.io`, `.co`): says nothing.
    Generic,
    /// A TLD naming a region (`.eu`): not one country.
    Regional,
}

struct TldTable {
    aliases: FxHashMap<String, CountryId>,
    generic: Vec<String>,
    regional: Vec<String>,
}

fn tld_table() -> &'static TldTable {
    static TABLE: OnceLock<TldTable> = OnceLock::new();
    TABLE.get_or_init(|| {
        let file: TldFile = toml::from_str(TLD_TOML).expect("data/tld.toml is valid");
        TldTable {
            aliases: file
                .aliases
                .into_iter()
                .map(|(k, v)| {
                    let id = countries()
                        .lookup(&v)
                        .unwrap_or_else(|| panic!("data/tld.toml: unknown country {v}"));
                    (k, id)
                })
                .collect(),
            generic: file.generic,
            regional: file.regional.into_keys().collect(),
        }
    })
}

/// The country a top-level domain (lower case, no dot) stands for.
pub fn tld_country(tld: &str) -> Option<TldCountry> {
    let t = tld_table();
    if t.generic.iter().any(|g| g == tld) {
        return Some(TldCountry::Generic);
    }
    if t.regional.iter().any(|g| g == tld) {
        return Some(TldCountry::Regional);
    }
    if let Some(&id) = t.aliases.get(tld) {
        return Some(TldCountry::Country(id));
    }
    countries().lookup(tld).map(TldCountry::Country)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countries_and_groups_load() {
        let c = countries();
        let de = c.lookup("de").unwrap();
        assert_eq!(c.code(de), "DE");
        assert_eq!(c.code(UNKNOWN), "unknown");
        assert!(c.lookup("XX").is_none());
        let g = builtin_groups();
        let eea = &g["EEA"].members;
        assert!(eea.contains(de));
        assert!(eea.contains(c.lookup("NO").unwrap()));
        assert!(!eea.contains(c.lookup("CH").unwrap()));
        assert_eq!(eea.iter().count(), 30);
        assert!(g["EU_ADEQUACY"].members.contains(c.lookup("JP").unwrap()));
        assert!(!g["EU_ADEQUACY"].members.contains(c.lookup("US").unwrap()));
    }

    #[test]
    fn tlds() {
        let c = countries();
        assert_eq!(
            tld_country("jp"),
            Some(TldCountry::Country(c.lookup("JP").unwrap()))
        );
        assert_eq!(
            tld_country("uk"),
            Some(TldCountry::Country(c.lookup("GB").unwrap()))
        );
        assert_eq!(tld_country("io"), Some(TldCountry::Generic));
        assert_eq!(tld_country("eu"), Some(TldCountry::Regional));
        assert_eq!(tld_country("com"), None);
    }

    #[test]
    fn group_cycles_and_unknowns_are_errors() {
        let mut g = BTreeMap::new();
        g.insert("A".to_string(), vec!["@B".to_string()]);
        g.insert("B".to_string(), vec!["@A".to_string()]);
        let e = expand_group("A", &g, None, &mut Vec::new()).unwrap_err();
        assert!(e.contains("cycle"), "{e}");
        g.insert("C".to_string(), vec!["Germany".to_string()]);
        let e = expand_group("C", &g, None, &mut Vec::new()).unwrap_err();
        assert!(e.contains("Germany"), "{e}");
        g.insert("D".to_string(), vec!["@EEA".to_string(), "CH".to_string()]);
        let d = expand_group("D", &g, Some(builtin_groups()), &mut Vec::new()).unwrap();
        assert!(d.contains(countries().lookup("CH").unwrap()));
        assert!(d.contains(countries().lookup("IS").unwrap()));
    }
}
