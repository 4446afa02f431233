//! Reading a policy: the TOML file as written, checked and compiled into a
//! [`Policy`] in small named steps. Every error names the file, line and
//! column of the offending value, and a file is checked whole: every
//! problem found is reported at once, one per line, in file order.
//!
//! Two passes. The structural one reads the TOML (every syntax error the
//! parser can recover from), checks the keys of every table (unknown and
//! missing ones, all of them) and gives each `[[rule]]` and `[[exception]]`
//! to serde on its own, so one broken rule does not hide the next. The
//! semantic one checks what the values mean (countries, groups, dates,
//! empty lists, and, given the [`Names`] of the loaded rule packs, every
//! category and detector) for every part that read correctly.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};
use ipnet::IpNet;
use serde::Deserialize;
use toml::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};

use super::names::{Names, did_you_mean};
use super::{Exception, PRESETS, Places, Policy, Rule, RuleKind, Severity, SiteMapping, UnknownAs};
use crate::cloud::{host_glob, specificity};
use crate::country::{CountryId, builtin_groups, countries, expand_group};
use crate::error::{Error, Result};
use crate::resolve::{HostMatcher, HostPatternError, HostPlaces};

// ---- the file as written -------------------------------------------------

/// The top level of the file but its `[[rule]]` and `[[exception]]` arrays.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyHead {
    name: Spanned<String>,
    version: String,
    description: String,
    sources: Spanned<Vec<String>>,
    #[serde(default)]
    unknown_destination: Option<UnknownAs>,
    #[serde(default)]
    groups: BTreeMap<String, Spanned<Vec<Spanned<String>>>>,
    #[serde(default)]
    origins: OriginsSpec,
    #[serde(default)]
    destinations: DestinationsSpec,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct OriginsSpec {
    default: Option<Spanned<String>>,
    #[serde(default)]
    sites: BTreeMap<String, Spanned<String>>,
    #[serde(default)]
    paths: BTreeMap<String, Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct DestinationsSpec {
    #[serde(default)]
    hosts: BTreeMap<String, Spanned<String>>,
    #[serde(default)]
    cidrs: BTreeMap<String, Spanned<String>>,
}

type Strings = Spanned<Vec<Spanned<String>>>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleSpec {
    id: Spanned<String>,
    description: String,
    categories: Strings,
    detectors: Option<Strings>,
    origins: Option<Strings>,
    allow: Option<Strings>,
    deny: Option<Strings>,
    severity: Severity,
    unknown_destination: Option<UnknownAs>,
    source: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExceptionSpec {
    rule: Spanned<String>,
    owner: String,
    reason: String,
    expires: Spanned<toml::value::Datetime>,
    destinations: Option<Strings>,
    hosts: Option<Strings>,
    categories: Option<Strings>,
    origins: Option<Strings>,
    detectors: Option<Strings>,
}

/// The keys a table must have (serde knows them too, but reports only the
/// first one missing; `required_keys_are_required` keeps these in step).
const REQUIRED_TOP: &[&str] = &["name", "version", "description", "sources"];
const REQUIRED_RULE: &[&str] = &["id", "description", "categories", "severity"];
const REQUIRED_EXCEPTION: &[&str] = &["rule", "owner", "reason", "expires"];

/// The file as read by the structural pass.
struct Written {
    head: PolicyHead,
    /// Every `[[rule]]` table in file order: its id as written (if it has
    /// one) and the rule, if it read correctly.
    rules: Vec<(Option<String>, Option<Spanned<RuleSpec>>)>,
    exceptions: Vec<Spanned<ExceptionSpec>>,
}

/// A string value of a table as written (to name the table in errors).
fn string_key(t: &Spanned<DeValue<'_>>, key: &str) -> Option<String> {
    let DeValue::Table(t) = t.get_ref() else {
        return None;
    };
    (t.iter())
        .find(|(k, _)| k.get_ref() == key)
        .and_then(|(_, v)| v.get_ref().as_str().map(str::to_string))
}

/// Line and column (1-based) of a byte offset.
fn line_col(text: &str, at: usize) -> (usize, usize) {
    let before = &text[..at.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before
        .rfind('\n')
        .map_or(before.len(), |i| before.len() - i - 1)
        + 1;
    (line, col)
}

/// The field names of a struct, as its `Deserialize` impl declares them
/// (asked of it with a deserializer that only listens).
fn fields_of<T: for<'de> Deserialize<'de>>() -> &'static [&'static str] {
    #[derive(Debug)]
    struct Stop;
    impl fmt::Display for Stop {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("stop")
        }
    }
    impl std::error::Error for Stop {}
    impl serde::de::Error for Stop {
        fn custom<M: fmt::Display>(_: M) -> Self {
            Stop
        }
    }
    struct Probe<'a>(&'a mut &'static [&'static str]);
    impl<'de> serde::Deserializer<'de> for Probe<'_> {
        type Error = Stop;
        fn deserialize_any<V: serde::de::Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
            Err(Stop)
        }
        fn deserialize_struct<V: serde::de::Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Stop> {
            *self.0 = fields;
            Err(Stop)
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
            bytes byte_buf option unit unit_struct newtype_struct seq tuple
            tuple_struct map enum identifier ignored_any
        }
    }
    let mut fields: &'static [&'static str] = &[];
    let _ = T::deserialize(Probe(&mut fields));
    fields
}

/// One problem found: where (a byte offset) and what.
struct Problem {
    at: usize,
    message: String,
}

/// A problem was recorded; the caller goes on with the next part.
struct Reported;

type Checked<T> = std::result::Result<T, Reported>;

struct Ctx<'a> {
    text: &'a str,
    place: &'a str,
    /// The policy's own groups as written (for expansion).
    groups: BTreeMap<String, Vec<String>>,
    /// The categories and detectors of the loaded rule packs; None: names
    /// are not checked.
    names: Option<&'a Names>,
    problems: RefCell<Vec<Problem>>,
}

impl Ctx<'_> {
    /// Record a problem at the start of `span`.
    fn bad(&self, span: Range<usize>, msg: impl fmt::Display) -> Reported {
        self.problems.borrow_mut().push(Problem {
            at: span.start,
            message: msg.to_string(),
        });
        Reported
    }

    /// Every problem recorded, in file order, one per line, each with the
    /// file, line and column; None when there are none.
    fn error(&self) -> Option<Error> {
        let mut problems = self.problems.take();
        problems.sort_by_key(|p| p.at);
        let mut lines: Vec<(String, String)> = Vec::new();
        for p in problems {
            let (l, c) = line_col(self.text, p.at);
            let line = (format!("{}:{l}:{c}", self.place), p.message);
            if !lines.contains(&line) {
                lines.push(line);
            }
        }
        let mut it = lines.into_iter();
        let (place, mut message) = it.next()?;
        for (at, m) in it {
            message.push_str(&format!("\n{at}: {m}"));
        }
        Some(Error::config(place, message))
    }

    fn country(&self, s: &Spanned<String>, what: &str) -> Checked<CountryId> {
        countries().lookup(s.get_ref()).ok_or_else(|| {
            self.bad(
                s.span(),
                format!(
                    "{what}: unknown country code '{}' (use ISO 3166-1 alpha-2 codes such as DE)",
                    s.get_ref()
                ),
            )
        })
    }

    /// A list that must not be empty: leaving it out means "any".
    fn nonempty<'s>(&self, list: &'s Strings, what: &str, key: &str) -> Checked<&'s Strings> {
        if list.get_ref().is_empty() {
            return Err(self.bad(
                list.span(),
                format!("{what}: {key} must not be empty (leave it out to mean any)"),
            ));
        }
        Ok(list)
    }

    /// Expand a list of codes and groups; `tokens` are the `@origin` /
    /// `@any` words allowed in this position. Every bad entry is reported.
    fn places(&self, list: &[Spanned<String>], what: &str, tokens: &[&str]) -> Checked<Places> {
        let mut p = Places::default();
        let mut ok = true;
        for item in list {
            let s = item.get_ref().as_str();
            p.written.push(s.to_string());
            match s.strip_prefix('@') {
                Some("origin") if tokens.contains(&"@origin") => p.origin = true,
                Some("any") if tokens.contains(&"@any") => p.any = true,
                Some(g) => {
                    let set = if self.groups.contains_key(g) {
                        match expand_group(g, &self.groups, Some(builtin_groups()), &mut Vec::new())
                        {
                            Ok(set) => set,
                            Err(e) => {
                                self.bad(item.span(), format!("{what}: {e}"));
                                ok = false;
                                continue;
                            }
                        }
                    } else if let Some(b) = builtin_groups().get(g) {
                        b.members
                    } else {
                        let known: Vec<String> = builtin_groups()
                            .keys()
                            .chain(self.groups.keys())
                            .map(|k| format!("@{k}"))
                            .chain(tokens.iter().map(|t| t.to_string()))
                            .collect();
                        let hint = match did_you_mean(s, known.iter().map(String::as_str)) {
                            Some(m) => format!("; did you mean '{m}'?"),
                            None => format!(" (known: {})", known.join(", ")),
                        };
                        self.bad(item.span(), format!("{what}: unknown group '{s}'{hint}"));
                        ok = false;
                        continue;
                    };
                    p.set.union(&set);
                }
                None => match self.country(item, what) {
                    Ok(c) => p.set.insert(c),
                    Err(Reported) => ok = false,
                },
            }
        }
        if !ok {
            return Err(Reported);
        }
        p.countries = p.codes().iter().map(|c| c.to_string()).collect();
        Ok(p)
    }

    /// Detector id patterns as one set; a set too large to build is
    /// reported at the list's first entry, with its key.
    fn globs(&self, list: &[Spanned<String>], what: &str, key: &str) -> Checked<GlobSet> {
        let mut b = GlobSetBuilder::new();
        let mut ok = true;
        for g in list {
            match Glob::new(g.get_ref()) {
                Ok(glob) => {
                    b.add(glob);
                }
                Err(e) => {
                    self.bad(g.span(), format!("{what}: {e}"));
                    ok = false;
                }
            }
        }
        if !ok {
            return Err(Reported);
        }
        let at = list.first().map_or(0..0, Spanned::span);
        b.build()
            .map_err(|e| self.bad(at, format!("{what}: {key}: {e}")))
    }

    /// Host patterns (an exception's `hosts`), compiled as the resolver
    /// compiles `[destinations] hosts`.
    fn hosts(&self, list: &[Spanned<String>], what: &str) -> Checked<HostMatcher> {
        let mut ok = true;
        for g in list {
            if let Err(e) = host_glob(g.get_ref()) {
                self.bad(g.span(), format!("{what}: {e}"));
                ok = false;
            }
        }
        if !ok {
            return Err(Reported);
        }
        HostMatcher::new(list.iter().map(|g| g.get_ref().as_str())).map_err(|e| {
            self.bad(
                list[e.index].span(),
                format!("{what}: hosts {}", unmatchable(&e)),
            )
        })
    }

    /// Category names: each one a category of the loaded rule packs (when
    /// they are known) and, for an exception, one of its rule's.
    fn categories(
        &self,
        list: &[Spanned<String>],
        what: &str,
        of_rule: Option<&[String]>,
    ) -> Checked<Vec<String>> {
        let mut ok = true;
        for c in list {
            let name = c.get_ref().as_str();
            if let Some(names) = self.names
                && !names.has_category(name)
            {
                let msg = if let Some(cat) = names.category_of(name) {
                    format!(
                        "{what}: '{name}' is a detector, not a category; write \
                         categories = [\"{cat}\"] and detectors = [\"{name}\"]"
                    )
                } else {
                    let hint = match did_you_mean(name, names.categories()) {
                        Some(m) => format!("; did you mean '{m}'?"),
                        None => format!(
                            " (the loaded rule packs have: {}; a category of your own rule \
                             pack is known when that pack is loaded too)",
                            names.categories().collect::<Vec<_>>().join(", ")
                        ),
                    };
                    format!("{what}: unknown category '{name}'{hint}")
                };
                self.bad(c.span(), msg);
                ok = false;
            } else if let Some(rule_cats) = of_rule
                && !rule_cats.iter().any(|r| r == name)
            {
                self.bad(
                    c.span(),
                    format!(
                        "{what}: category '{name}' is not one of the rule's ({}), so the \
                         exception could never apply",
                        rule_cats.join(", ")
                    ),
                );
                ok = false;
            }
        }
        if !ok {
            return Err(Reported);
        }
        Ok(list.iter().map(|c| c.get_ref().clone()).collect())
    }

    /// Detector id patterns: each a valid glob that matches a detector of
    /// the loaded rule packs (when they are known), and one of `categories`
    /// (when given) so that it can ever apply.
    fn detectors(
        &self,
        list: &[Spanned<String>],
        what: &str,
        categories: Option<&[String]>,
    ) -> Checked<GlobSet> {
        let set = self.globs(list, what, "detectors")?;
        let Some(names) = self.names else {
            return Ok(set);
        };
        let mut ok = true;
        for g in list {
            let m = Glob::new(g.get_ref())
                .expect("compiled above")
                .compile_matcher();
            let hits: Vec<(&str, &str)> =
                names.detectors().filter(|(d, _)| m.is_match(d)).collect();
            let msg = if hits.is_empty() {
                let hint = match did_you_mean(g.get_ref(), names.detectors().map(|(d, _)| d)) {
                    Some(s) => format!("; did you mean '{s}'?"),
                    None => " (detector ids are category.name, such as personal.email: \
                              `borderscan rules list` shows them; a detector of your own \
                              rule pack is known when that pack is loaded too)"
                        .to_string(),
                };
                format!(
                    "{what}: detector '{}' matches no detector of the loaded rule packs{hint}",
                    g.get_ref()
                )
            } else if let Some(cats) = categories
                && !hits.iter().any(|(_, c)| cats.iter().any(|k| k == c))
            {
                let of: BTreeSet<&str> = hits.iter().map(|(_, c)| *c).collect();
                format!(
                    "{what}: detector '{}' only matches detectors of category {}, which \
                     categories ({}) does not list, so it could never apply",
                    g.get_ref(),
                    of.into_iter().collect::<Vec<_>>().join(", "),
                    cats.join(", ")
                )
            } else {
                continue;
            };
            self.bad(g.span(), msg);
            ok = false;
        }
        if ok { Ok(set) } else { Err(Reported) }
    }
}

/// Today's date (UTC) as `YYYY-MM-DD`, for exception expiry.
pub fn today_utc() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    // Days since 1970-01-01 to a civil date (H. Hinnant's algorithm).
    let z = (secs / 86_400) as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

impl Policy {
    /// A shipped preset by name. Its category and detector names are not
    /// checked here: a test checks them against the built-in rule pack, and
    /// a scan that leaves that pack out may still use a preset.
    pub fn preset(name: &str, today: &str) -> Result<Self> {
        let Some((_, text)) = PRESETS.iter().find(|(n, _)| *n == name) else {
            let names: Vec<&str> = PRESETS.iter().map(|(n, _)| *n).collect();
            return Err(Error::config(
                "--preset",
                format!("unknown preset '{name}' (presets: {})", names.join(", ")),
            ));
        };
        Self::parse(text, &format!("preset:{name}"), today)
    }

    pub fn builtin() -> Self {
        Self::preset("default", &today_utc()).expect("the default preset is valid")
    }

    /// Parse and check a policy; `place` names it in errors, `today`
    /// (`YYYY-MM-DD`) decides which exceptions have expired. Category and
    /// detector names are not checked (see [`Policy::parse_checked`]).
    pub fn parse(text: &str, place: &str, today: &str) -> Result<Self> {
        Self::parse_checked(text, place, today, None)
    }

    /// Parse and check a policy, and, given the [`Names`] of the rule packs
    /// a scan loads, that every category and detector it names is one of
    /// theirs (a misspelt name would otherwise silently match nothing).
    ///
    /// Every problem of the file is reported at once: the error's message
    /// holds one per line, each after its `file:line:column`.
    pub fn parse_checked(
        text: &str,
        place: &str,
        today: &str,
        names: Option<&Names>,
    ) -> Result<Self> {
        let mut ctx = Ctx {
            text,
            place,
            groups: BTreeMap::new(),
            names,
            problems: RefCell::new(Vec::new()),
        };
        let written = ctx.read_toml();
        let Some(file) = written else {
            return Err(ctx.error().expect("a problem was recorded"));
        };
        ctx.groups = (file.head.groups.iter())
            .map(|(k, v)| {
                let members = v.get_ref().iter().map(|s| s.get_ref().clone()).collect();
                (k.clone(), members)
            })
            .collect();
        let policy = ctx.compile(file, place, today);
        match ctx.error() {
            Some(e) => Err(e),
            None => Ok(policy.expect("no problems, so every part compiled")),
        }
    }
}

/// Host or CIDR patterns with the country code each is placed in, as
/// written.
type Placed = Vec<(String, String)>;

// ---- the structural pass -------------------------------------------------

impl Ctx<'_> {
    /// The file as TOML: every syntax error, every unknown or missing key,
    /// and the first type error of each table, all recorded. None when the
    /// file is not TOML or its top level does not read; otherwise the parts
    /// that read (the others are recorded), for the semantic pass.
    fn read_toml(&self) -> Option<Written> {
        let (root, syntax) = DeTable::parse_recoverable(self.text);
        if !syntax.is_empty() {
            for e in syntax {
                let at = e.span().unwrap_or(0..0);
                self.bad(at, e.message().trim());
            }
            return None;
        }
        let root_span = root.span();
        let root = root.into_inner();
        let mut top_fields: Vec<&str> = fields_of::<PolicyHead>().to_vec();
        // `[redact]` is read by `redact::Actions::from_policy`: a scan
        // accepts it and leaves it alone.
        top_fields.extend(["rule", "exception", "redact"]);
        // Unknown keys are reported and left out, so that the rest is
        // still read and checked.
        self.keys(&root, &top_fields, REQUIRED_TOP, "", 0..0);
        let complete = (REQUIRED_TOP.iter()).all(|r| root.iter().any(|(k, _)| k.get_ref() == r));
        let mut head = DeTable::default();
        let mut rule_values = None;
        let mut exception_values = None;
        for (k, mut v) in root {
            match k.get_ref().as_ref() {
                "rule" => rule_values = Some(v),
                "exception" => exception_values = Some(v),
                "redact" => {}
                key if top_fields.contains(&key) => {
                    let nested = match key {
                        "origins" => Some(fields_of::<OriginsSpec>()),
                        "destinations" => Some(fields_of::<DestinationsSpec>()),
                        _ => None,
                    };
                    if let (Some(fields), DeValue::Table(t)) = (nested, v.get_ref())
                        && !self.keys(t, fields, &[], &format!("{key}: "), v.span())
                    {
                        let known: DeTable = (t.iter())
                            .filter(|(k, _)| fields.contains(&k.get_ref().as_ref()))
                            .map(|(k, v)| (k.clone(), v.clone()))
                            .collect();
                        v = Spanned::new(v.span(), DeValue::Table(known));
                    }
                    head.insert(k, v);
                }
                _ => {}
            }
        }
        let head = if complete {
            let de = toml::de::Deserializer::from(Spanned::new(root_span, head));
            PolicyHead::deserialize(de)
                .map_err(|e| self.bad(e.span().unwrap_or(0..0), e.message().trim()))
                .ok()
        } else {
            None
        };
        let mut rules = Vec::new();
        for t in self.tables(rule_values, "rule") {
            let id = string_key(&t, "id");
            let what = id
                .as_ref()
                .map_or("rule: ".to_string(), |id| format!("rule '{id}': "));
            rules.push((id, self.table::<RuleSpec>(t, REQUIRED_RULE, &what)));
        }
        let mut exceptions = Vec::new();
        for t in self.tables(exception_values, "exception") {
            let what = string_key(&t, "rule").map_or("exception: ".to_string(), |r| {
                format!("exception for rule '{r}': ")
            });
            exceptions.extend(self.table::<ExceptionSpec>(t, REQUIRED_EXCEPTION, &what));
        }
        // Rules and exceptions that read correctly are checked further
        // even when others did not; not without the head (the groups).
        Some(Written {
            head: head?,
            rules,
            exceptions,
        })
    }

    /// The elements of a `[[rule]]` / `[[exception]]` array.
    fn tables<'i>(&self, v: Option<Spanned<DeValue<'i>>>, key: &str) -> Vec<Spanned<DeValue<'i>>> {
        let Some(v) = v else {
            return Vec::new();
        };
        let span = v.span();
        match v.into_inner() {
            DeValue::Array(a) => a.iter().cloned().collect(),
            _ => {
                self.bad(span, format!("{key}: write each one as a [[{key}]] table"));
                Vec::new()
            }
        }
    }

    /// One table read on its own: keys checked, then given to serde.
    fn table<T: for<'de> Deserialize<'de>>(
        &self,
        t: Spanned<DeValue<'_>>,
        required: &[&str],
        what: &str,
    ) -> Option<Spanned<T>> {
        let span = t.span();
        let DeValue::Table(table) = t.get_ref() else {
            self.bad(span, format!("{what}expected a table"));
            return None;
        };
        let fields = fields_of::<T>();
        if !self.keys(table, fields, required, what, span.clone()) {
            // Reported; without its unknown keys the table may still read,
            // so that what its values mean is checked too.
            let known: DeTable = (table.iter())
                .filter(|(k, _)| fields.contains(&k.get_ref().as_ref()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            if required
                .iter()
                .any(|r| !known.iter().any(|(k, _)| k.get_ref() == r))
            {
                return None;
            }
            let t = Spanned::new(span, DeValue::Table(known));
            return Spanned::<T>::deserialize(ValueDeserializer::from(t)).ok();
        }
        Spanned::<T>::deserialize(ValueDeserializer::from(t))
            .map_err(|e| {
                let at = e.span().unwrap_or(span);
                self.bad(at, format!("{what}{}", e.message().trim()))
            })
            .ok()
    }

    /// Every unknown key of a table (with the closest known one) and every
    /// required key it lacks. True when there was none.
    fn keys(
        &self,
        table: &DeTable<'_>,
        fields: &[&str],
        required: &[&str],
        what: &str,
        span: Range<usize>,
    ) -> bool {
        let mut ok = true;
        for (k, _) in table.iter() {
            let key = k.get_ref().as_ref();
            if !fields.contains(&key) {
                let hint = match did_you_mean(key, fields.iter().copied()) {
                    Some(m) => format!("; did you mean '{m}'?"),
                    None => format!(" (keys: {})", fields.join(", ")),
                };
                self.bad(k.span(), format!("{what}unknown key '{key}'{hint}"));
                ok = false;
            }
        }
        for r in required {
            if !table.iter().any(|(k, _)| k.get_ref() == r) {
                self.bad(span.clone(), format!("{what}missing key '{r}'"));
                ok = false;
            }
        }
        ok
    }
}

// ---- the semantic pass ---------------------------------------------------

impl Ctx<'_> {
    /// Check and compile every part; None when any had a problem (all of
    /// them recorded).
    fn compile(&self, file: Written, place: &str, today: &str) -> Option<Policy> {
        let Written {
            head,
            rules: rule_specs,
            exceptions: exception_specs,
        } = file;
        let name = self.name(&head);
        let groups = self.own_groups(&head);
        let default_unknown = head.unknown_destination.unwrap_or(UnknownAs::Unknown);
        let rules = self.rules(&rule_specs, default_unknown);
        let ids: Vec<Option<String>> = rule_specs.into_iter().map(|(id, _)| id).collect();
        let exceptions = self.exceptions(&exception_specs, &ids, &rules, today);
        let o = &head.origins;
        let origin_default_id = o
            .default
            .as_ref()
            .map(|d| self.country(d, "origins.default"))
            .transpose();
        let origin_sites = self.origin_sites(o);
        let origin_paths = self.origin_paths(o);
        let destinations = self.destinations(&head.destinations);
        let rules: Option<Vec<Rule>> = rules.into_iter().collect();
        let (
            Ok(name),
            Ok(groups),
            Some(rules),
            Ok(exceptions),
            Ok(origin_default_id),
            Ok(origin_sites),
            Ok((origin_paths, path_set)),
            Ok((destination_hosts, destination_cidrs, host_places)),
        ) = (
            name,
            groups,
            rules,
            exceptions,
            origin_default_id,
            origin_sites,
            origin_paths,
            destinations,
        )
        else {
            return None;
        };
        Some(Policy {
            name,
            version: head.version,
            description: head.description,
            sources: head.sources.into_inner(),
            unknown_destination: default_unknown,
            groups,
            rules,
            exceptions,
            origin_default: origin_default_id.map(|c| countries().code(c).to_string()),
            origin_sites,
            origin_paths,
            destination_hosts,
            destination_cidrs,
            place: place.to_string(),
            origin_default_id,
            path_set,
            host_places,
        })
    }

    /// The policy's name and the public texts it follows.
    fn name(&self, file: &PolicyHead) -> Checked<String> {
        let name = file.name.get_ref();
        let mut ok = true;
        if name.is_empty()
            || !name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            self.bad(
                file.name.span(),
                "name: use lower-case letters, digits and '-'",
            );
            ok = false;
        }
        if file.sources.get_ref().is_empty() {
            self.bad(
                file.sources.span(),
                "sources: name at least one public text the policy follows",
            );
            ok = false;
        }
        if ok { Ok(name.clone()) } else { Err(Reported) }
    }

    /// The policy's own jurisdiction groups, expanded to country codes.
    fn own_groups(&self, file: &PolicyHead) -> Checked<BTreeMap<String, Vec<String>>> {
        let mut groups = BTreeMap::new();
        let mut ok = true;
        for (g, members) in &file.groups {
            let valid = g.bytes().next().is_some_and(|b| b.is_ascii_uppercase())
                && g.bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
            if !valid {
                self.bad(
                    members.span(),
                    format!("group '{g}': names are UPPER_SNAKE"),
                );
                ok = false;
                continue;
            }
            if builtin_groups().contains_key(g) {
                self.bad(
                    members.span(),
                    format!("group '{g}' is built in; choose another name"),
                );
                ok = false;
                continue;
            }
            match self.places(members.get_ref(), &format!("group {g}"), &[]) {
                Ok(p) => {
                    groups.insert(g.clone(), p.codes().iter().map(|c| c.to_string()).collect());
                }
                Err(Reported) => ok = false,
            }
        }
        if ok { Ok(groups) } else { Err(Reported) }
    }

    /// Every `[[rule]]`, checked and compiled, in file order (None for one
    /// with a problem, or that did not read).
    fn rules(
        &self,
        specs: &[(Option<String>, Option<Spanned<RuleSpec>>)],
        default_unknown: UnknownAs,
    ) -> Vec<Option<Rule>> {
        if specs.is_empty() {
            self.bad(0..0, "a policy needs at least one [[rule]]");
        }
        if specs.len() > u16::MAX as usize {
            self.bad(0..0, "too many rules");
        }
        let mut seen = BTreeSet::new();
        specs
            .iter()
            .map(|(_, r)| {
                let r = r.as_ref()?;
                self.rule(r, &mut seen, default_unknown).ok()
            })
            .collect()
    }

    /// One rule; `seen` are the ids of the rules above it (ids are unique).
    fn rule(
        &self,
        r: &Spanned<RuleSpec>,
        seen: &mut BTreeSet<String>,
        default_unknown: UnknownAs,
    ) -> Checked<Rule> {
        let span = r.span();
        let r = r.get_ref();
        let id = r.id.get_ref();
        let what = format!("rule '{id}'");
        let mut ok = true;
        if id.is_empty()
            || !id.bytes().all(|b| {
                b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_' | b'.')
            })
        {
            self.bad(
                r.id.span(),
                format!("{what}: ids use lower-case letters, digits, '.', '_' and '-'"),
            );
            ok = false;
        }
        if !seen.insert(id.clone()) {
            self.bad(r.id.span(), format!("{what}: duplicate rule id"));
            ok = false;
        }
        let categories = if r.categories.get_ref().is_empty() {
            Err(self.bad(
                r.categories.span(),
                format!("{what}: categories must not be empty"),
            ))
        } else {
            self.categories(r.categories.get_ref(), &what, None)
        };
        let detector_set = r
            .detectors
            .as_ref()
            .map(|d| {
                let d = self.nonempty(d, &what, "detectors")?;
                self.detectors(d.get_ref(), &what, categories.as_deref().ok())
            })
            .transpose();
        let kind = match (&r.allow, &r.deny) {
            (Some(a), None) => Ok((RuleKind::Allow, a)),
            (None, Some(d)) => Ok((RuleKind::Deny, d)),
            _ => Err(self.bad(
                span,
                format!(
                    "{what}: give exactly one of allow (may only go to) or deny (may never go to)"
                ),
            )),
        };
        let places = kind.and_then(|(kind, list)| {
            let (key, tokens): (&str, &[&str]) = match kind {
                RuleKind::Allow => ("allow", &["@origin"]),
                RuleKind::Deny => ("deny", &["@any"]),
            };
            let list = self.nonempty(list, &what, key)?;
            Ok((kind, self.places(list.get_ref(), &what, tokens)?))
        });
        let origins = r
            .origins
            .as_ref()
            .map(|o| {
                let o = self.nonempty(o, &what, "origins")?;
                self.places(o.get_ref(), &format!("{what} origins"), &[])
            })
            .transpose();
        let (true, Ok(categories), Ok(detector_set), Ok((kind, places)), Ok(origins)) =
            (ok, categories, detector_set, places, origins)
        else {
            return Err(Reported);
        };
        Ok(Rule {
            id: id.clone(),
            description: r.description.clone(),
            categories,
            detectors: (r.detectors.iter())
                .flat_map(|d| d.get_ref())
                .map(|d| d.get_ref().clone())
                .collect(),
            detector_set,
            origins,
            kind,
            places,
            severity: r.severity,
            unknown_destination: r.unknown_destination.unwrap_or(default_unknown),
            source: r.source.clone(),
        })
    }

    /// Every `[[exception]]`, tied to the rule it names; `today` decides
    /// which have expired. `ids` are the rules' ids as written, `rules`
    /// the compiled rules (None: one with a problem).
    fn exceptions(
        &self,
        specs: &[Spanned<ExceptionSpec>],
        ids: &[Option<String>],
        rules: &[Option<Rule>],
        today: &str,
    ) -> Checked<Vec<Exception>> {
        let mut exceptions = Vec::new();
        let mut ok = true;
        for x in specs {
            match self.exception(x.get_ref(), ids, rules, today) {
                Ok(x) => exceptions.push(x),
                Err(Reported) => ok = false,
            }
        }
        if ok { Ok(exceptions) } else { Err(Reported) }
    }

    fn exception(
        &self,
        x: &ExceptionSpec,
        ids: &[Option<String>],
        rules: &[Option<Rule>],
        today: &str,
    ) -> Checked<Exception> {
        let rule_id = x.rule.get_ref();
        let what = format!("exception for rule '{rule_id}'");
        let rule_index = ids.iter().position(|i| i.as_ref() == Some(rule_id));
        let rule = rule_index.and_then(|i| rules[i].as_ref());
        let mut ok = true;
        if rule_index.is_none() {
            let hint = match did_you_mean(rule_id, ids.iter().flatten().map(String::as_str)) {
                Some(m) => format!("; did you mean '{m}'?"),
                None => String::new(),
            };
            self.bad(
                x.rule.span(),
                format!("{what}: no such rule in this policy{hint}"),
            );
            ok = false;
        }
        let exp = x.expires.get_ref();
        let expires = match (exp.date, exp.time) {
            (Some(date), None) => Ok(date.to_string()),
            _ => Err(self.bad(
                x.expires.span(),
                format!("{what}: expires must be a date such as 2027-03-31"),
            )),
        };
        let rule_cats = rule.map(|r| r.categories.as_slice());
        let list = |key: &str, l: &Option<Strings>| -> Checked<Option<Vec<Spanned<String>>>> {
            l.as_ref()
                .map(|l| Ok(self.nonempty(l, &what, key)?.get_ref().clone()))
                .transpose()
        };
        let destinations = list("destinations", &x.destinations)
            .and_then(|d| d.map(|d| self.places(&d, &what, &[])).transpose());
        let hosts = list("hosts", &x.hosts).and_then(|h| {
            h.map(|h| Ok((h.clone(), self.hosts(&h, &what)?)))
                .transpose()
        });
        let categories = list("categories", &x.categories)
            .and_then(|c| c.map(|c| self.categories(&c, &what, rule_cats)).transpose());
        let origins = list("origins", &x.origins)
            .and_then(|o| o.map(|o| self.places(&o, &what, &[])).transpose());
        // Detectors must be of the categories the exception covers.
        let scope: Option<Vec<String>> = match (&categories, rule_cats) {
            (Ok(Some(c)), _) => Some(c.clone()),
            (Ok(None), Some(r)) => Some(r.to_vec()),
            _ => None,
        };
        let detectors = list("detectors", &x.detectors).and_then(|d| {
            d.map(|d| Ok((d.clone(), self.detectors(&d, &what, scope.as_deref())?)))
                .transpose()
        });
        let (
            true,
            Some(rule_index),
            Ok(expires),
            Ok(destinations),
            Ok(hosts),
            Ok(categories),
            Ok(origins),
            Ok(detectors),
        ) = (
            ok,
            rule_index,
            expires,
            destinations,
            hosts,
            categories,
            origins,
            detectors,
        )
        else {
            return Err(Reported);
        };
        let text = |l: &[Spanned<String>]| l.iter().map(|s| s.get_ref().clone()).collect();
        let (hosts, host_set) = hosts.map_or((None, None), |(h, s)| (Some(text(&h)), Some(s)));
        let (detectors, detector_set) =
            detectors.map_or((None, None), |(d, s)| (Some(text(&d)), Some(s)));
        Ok(Exception {
            rule: rule_id.clone(),
            rule_index,
            owner: x.owner.clone(),
            reason: x.reason.clone(),
            expired: today > expires.as_str(),
            expires,
            destinations,
            hosts,
            host_set,
            categories,
            origins,
            detectors,
            detector_set,
        })
    }

    /// `[origins.sites]`: site-code patterns, most specific first.
    fn origin_sites(&self, o: &OriginsSpec) -> Checked<Vec<SiteMapping>> {
        let mut origin_sites = Vec::new();
        let mut ok = true;
        for (pat, c) in &o.sites {
            let id = self.country(c, &format!("origins.sites '{pat}'"));
            let matcher = GlobBuilder::new(pat)
                .case_insensitive(true)
                .literal_separator(false)
                .build()
                .map_err(|e| self.bad(c.span(), format!("origins.sites '{pat}': {e}")));
            let (Ok(id), Ok(matcher)) = (id, matcher) else {
                ok = false;
                continue;
            };
            origin_sites.push(SiteMapping {
                pattern: pat.clone(),
                country: c.get_ref().to_ascii_uppercase(),
                matcher: matcher.compile_matcher(),
                id,
            });
        }
        if !ok {
            return Err(Reported);
        }
        origin_sites.sort_by_key(|m| specificity(&m.pattern));
        Ok(origin_sites)
    }

    /// `[origins.paths]`: path patterns, most specific first, and the set
    /// that matches them all at once.
    fn origin_paths(&self, o: &OriginsSpec) -> Checked<(Vec<SiteMapping>, GlobSet)> {
        let mut paths: Vec<(&String, &Spanned<String>)> = o.paths.iter().collect();
        paths.sort_by_key(|(p, _)| specificity(p));
        let mut origin_paths = Vec::new();
        let mut pb = GlobSetBuilder::new();
        let mut ok = true;
        for (pat, c) in paths {
            let id = self.country(c, &format!("origins.paths '{pat}'"));
            let glob = Glob::new(pat)
                .map_err(|e| self.bad(c.span(), format!("origins.paths '{pat}': {e}")));
            let (Ok(id), Ok(glob)) = (id, glob) else {
                ok = false;
                continue;
            };
            pb.add(glob.clone());
            origin_paths.push(SiteMapping {
                pattern: pat.clone(),
                country: c.get_ref().to_ascii_uppercase(),
                matcher: glob.compile_matcher(),
                id,
            });
        }
        if !ok {
            return Err(Reported);
        }
        let at = o.paths.values().next().map_or(0..0, Spanned::span);
        let path_set = pb
            .build()
            .map_err(|e| self.bad(at, format!("origins.paths: {e}")))?;
        Ok((origin_paths, path_set))
    }

    /// `[destinations]`: hosts and CIDR ranges placed by the policy, kept as
    /// written, and the hosts compiled as the resolver matches them
    /// ([`Policy::overrides`]): an error a scan would meet is met here.
    fn destinations(&self, d: &DestinationsSpec) -> Checked<(Placed, Placed, Arc<HostPlaces>)> {
        let mut destination_hosts = Vec::new();
        let mut placed = Vec::new();
        let mut ok = true;
        for (h, c) in &d.hosts {
            let country = self.country(c, &format!("destinations.hosts '{h}'"));
            let glob = host_glob(h)
                .map_err(|e| self.bad(c.span(), format!("destinations.hosts '{h}': {e}")));
            let (Ok(country), Ok(_)) = (country, glob) else {
                ok = false;
                continue;
            };
            destination_hosts.push((h.clone(), c.get_ref().to_ascii_uppercase()));
            placed.push((h.clone(), country));
        }
        let host_places = if ok {
            HostPlaces::new(placed).map_err(|e| {
                let at = d.hosts.get(&e.pattern).map_or(0..0, Spanned::span);
                self.bad(at, format!("destinations.hosts {}", unmatchable(&e)))
            })
        } else {
            Err(Reported)
        };
        let mut destination_cidrs = Vec::new();
        for (n, c) in &d.cidrs {
            let country = self.country(c, &format!("destinations.cidrs '{n}'"));
            let net = n.parse::<IpNet>().map_err(|e| {
                self.bad(
                    c.span(),
                    format!("destinations.cidrs '{n}': not a CIDR range ({e})"),
                )
            });
            if country.is_err() || net.is_err() {
                ok = false;
                continue;
            }
            destination_cidrs.push((n.clone(), c.get_ref().to_ascii_uppercase()));
        }
        match host_places {
            Ok(host_places) if ok => Ok((destination_hosts, destination_cidrs, host_places)),
            _ => Err(Reported),
        }
    }
}

/// Why a host pattern cannot be matched, after the key it is under; the
/// pattern is shortened, since one too large to match may be very long.
fn unmatchable(e: &HostPatternError) -> String {
    const SHOWN: usize = 80;
    let p = &e.pattern;
    let p = match p.char_indices().nth(SHOWN) {
        Some((at, _)) => format!("'{}...' ({} bytes)", &p[..at], p.len()),
        None => format!("'{p}'"),
    };
    if e.error.glob().is_some() {
        format!("{p}: {}", e.error)
    } else {
        format!(
            "{p}: too large to match ({}); split it into simpler patterns",
            e.error
        )
    }
}
