//! All naming in one place: registry names to Rust identifiers.
//!
//! Rules, in order: non-breaking spaces fold to spaces; `+` and a `-` that is not inside a
//! word (`power-`, `(-A)`) are signs and become `plus` / `minus`; `&` becomes `and`, `%`
//! `percent`, `#` `number`; everything else that is not ASCII alphanumeric separates words.
//! heck then applies the case. A leading digit gets a `_` prefix (`5QI` → `_5qi`), Rust
//! keywords become raw identifiers (`type` → `r#type`) except those that cannot be raw
//! (`self`, `super`, `crate`, `Self`), which get a `_` suffix. An empty result is `_` + a
//! fallback the caller gives (the resource id).
//!
//! Two names that map to the same identifier are a collision: [`unique_snake`] resolves it
//! deterministically by suffixing `_<id>` to every name after the first and reports it.

use heck::{ToSnakeCase, ToUpperCamelCase};

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "extern", "false",
    "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "static", "struct", "trait", "true", "type", "unsafe", "use", "where",
    "while", "abstract", "become", "box", "do", "final", "macro", "override", "priv", "try",
    "typeof", "unsized", "virtual", "yield",
];
const NOT_RAW: &[&str] = &["self", "super", "crate", "Self"];

/// Splits a registry name into ASCII words, spelling out signs.
pub fn words(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 8);
    spell(name, |piece| out.push_str(piece));
    out
}

/// The pieces [`words`] is made of, in order: each ASCII alphanumeric of `name`, spelled-out
/// signs and folded letters, and spaces where words break.
fn spell(name: &str, mut out: impl FnMut(&str)) {
    let mut prev: Option<char> = None;
    let mut it = name.char_indices().peekable();
    while let Some((at, c)) = it.next() {
        let next = it.peek().map(|&(_, n)| n);
        match c {
            c if c.is_ascii_alphanumeric() => out(&name[at..at + 1]),
            '+' => out(" plus "),
            '-' if prev.is_some_and(|p| p.is_ascii_alphanumeric())
                && next.is_some_and(|n| n.is_ascii_alphanumeric()) =>
            {
                out(" ")
            }
            '-' => out(" minus "),
            '&' => out(" and "),
            '%' => out(" percent "),
            '#' => out(" number "),
            c if !c.is_ascii() => out(latin(c)),
            _ => out(" "),
        }
        prev = Some(c);
    }
}

/// A Latin letter with a diacritic as its ASCII letter(s) (`é` → `e`, `ß` → `ss`); anything
/// else non-ASCII separates words.
fn latin(c: char) -> &'static str {
    const FOLD: &[(&str, &str)] = &[
        ("àáâãäåā", "a"),
        ("ÀÁÂÃÄÅĀ", "A"),
        ("çć", "c"),
        ("ÇĆ", "C"),
        ("èéêëē", "e"),
        ("ÈÉÊËĒ", "E"),
        ("ìíîïī", "i"),
        ("ÌÍÎÏĪ", "I"),
        ("ñń", "n"),
        ("ÑŃ", "N"),
        ("òóôõöøō", "o"),
        ("ÒÓÔÕÖØŌ", "O"),
        ("ùúûüū", "u"),
        ("ÙÚÛÜŪ", "U"),
        ("ýÿ", "y"),
        ("Ý", "Y"),
        ("ß", "ss"),
        ("æ", "ae"),
        ("Æ", "Ae"),
        ("µ", "u"),
    ];
    FOLD.iter()
        .find(|(set, _)| set.contains(c))
        .map_or(" ", |(_, ascii)| ascii)
}

/// A cheap key that is equal for any two names whose [`snake`] identifiers are equal (the
/// converse need not hold): lowercase ASCII alphanumerics of [`words`]. Lets collision checks
/// run heck only on candidate pairs.
pub fn collision_key(name: &str) -> String {
    let mut key = words(name);
    key.retain(|c| c.is_ascii_alphanumeric());
    key.make_ascii_lowercase();
    key
}

/// A hash of [`collision_key`] computed without building it (FNV-1a over its bytes): equal
/// for any two names whose [`snake`] identifiers are equal.
pub fn collision_hash(name: &str) -> u64 {
    let mut h: u64 = EMPTY_KEY_HASH;
    // ASCII: the same pieces as `spell`, a byte at a time (spaces carry nothing here), each
    // byte classified by one table lookup (of 256 entries: no mask, no `is_ascii` pass
    // first). The loop does only that and, for the usual byte (an alphanumeric, lowercased by
    // the table), the hash step; signs and non-ASCII names go out of line. Lowercasing again
    // in the step and the rest inline cost 1.1M instructions more per registry parse (issue #2).
    let b = name.as_bytes();
    for (i, &c) in b.iter().enumerate() {
        match BYTE_CLASS[usize::from(c)] {
            lower if lower > NON_ASCII => h = fnv(h, lower),
            SKIP => {}
            NON_ASCII => return spelled_hash(name),
            sign => h = sign_hash(h, sign, b, i),
        }
    }
    h
}

/// One FNV-1a step.
#[inline]
fn fnv(h: u64, b: u8) -> u64 {
    (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
}

/// `h` fed the lowercase alphanumerics of `piece`.
fn fed(h: u64, piece: &[u8]) -> u64 {
    piece
        .iter()
        .filter(|b| b.is_ascii_alphanumeric())
        .fold(h, |h, &b| fnv(h, b.to_ascii_lowercase()))
}

/// [`collision_hash`] of a name that is not all ASCII, from the pieces of [`spell`].
#[cold]
fn spelled_hash(name: &str) -> u64 {
    let mut h: u64 = EMPTY_KEY_HASH;
    spell(name, |piece| h = fed(h, piece.as_bytes()));
    h
}

/// `h` fed the word a sign at `b[i]` is spelled as, if any.
#[cold]
fn sign_hash(h: u64, sign: u8, b: &[u8], i: usize) -> u64 {
    match sign {
        PLUS => fed(h, b"plus"),
        MINUS => {
            let inside = i > 0
                && b[i - 1].is_ascii_alphanumeric()
                && b.get(i + 1).is_some_and(u8::is_ascii_alphanumeric);
            if inside { h } else { fed(h, b"minus") }
        }
        AND => fed(h, b"and"),
        PERCENT => fed(h, b"percent"),
        _ => fed(h, b"number"),
    }
}

// Classes of bytes for `collision_hash`: bytes that carry nothing, bytes spelled as a word,
// bytes of non-ASCII characters, and (any value above these) an alphanumeric's lowercase form.
const SKIP: u8 = 0;
const PLUS: u8 = 1;
const MINUS: u8 = 2;
const AND: u8 = 3;
const PERCENT: u8 = 4;
const NUMBER: u8 = 5;
const NON_ASCII: u8 = 6;

const BYTE_CLASS: [u8; 256] = {
    let mut t = [SKIP; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = match b {
            b'+' => PLUS,
            b'-' => MINUS,
            b'&' => AND,
            b'%' => PERCENT,
            b'#' => NUMBER,
            _ if b.is_ascii_alphanumeric() => b.to_ascii_lowercase(),
            _ if !b.is_ascii() => NON_ASCII,
            _ => SKIP,
        };
        c += 1;
    }
    t
};

fn finish(mut s: String, fallback: u16) -> String {
    if s.is_empty() {
        s = format!("_{fallback}");
    } else if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, '_');
    }
    if NOT_RAW.contains(&s.as_str()) {
        s.push('_');
    } else if KEYWORDS.contains(&s.as_str()) {
        s.insert_str(0, "r#");
    }
    s
}

/// `snake_case` identifier for a field, method or module.
pub fn snake(name: &str, fallback: u16) -> String {
    finish(acronyms(words(name)).to_snake_case(), fallback)
}

/// `UpperCamelCase` identifier for a type or enum variant.
pub fn camel(name: &str, fallback: u16) -> String {
    finish(acronyms(words(name)).to_upper_camel_case(), fallback)
}

/// Spellings heck would split that name one thing: `LwM2M` → `Lwm2m` (`lwm2m_server`, not
/// `lw_m2m_server`).
fn acronyms(mut w: String) -> String {
    let lower = w.to_ascii_lowercase();
    for (at, _) in lower.match_indices("lwm2m") {
        w.replace_range(at..at + 5, "Lwm2m");
    }
    w
}

/// A name that collided after mapping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Collision {
    /// Index (in input order) of the item whose identifier was changed.
    pub index: usize,
    /// The identifier both mapped to.
    pub ident: String,
    /// The identifier given instead.
    pub resolved: String,
}

/// Snake-case identifiers for a list of `(name, id)`, unique: on a collision every later
/// name gets `_<id>` appended. Deterministic for a given input order.
pub fn unique_snake(items: &[(&str, u16)]) -> (Vec<String>, Vec<Collision>) {
    let mut seen = std::collections::HashSet::new();
    let mut collisions = Vec::new();
    let idents = items
        .iter()
        .enumerate()
        .map(|(index, (name, id))| {
            let base = snake(name, *id);
            if seen.insert(base.clone()) {
                return base;
            }
            let mut resolved = format!("{}_{id}", base.trim_start_matches("r#"));
            while !seen.insert(resolved.clone()) {
                resolved.push('_');
            }
            collisions.push(Collision {
                index,
                ident: base,
                resolved: resolved.clone(),
            });
            resolved
        })
        .collect();
    (idents, collisions)
}

/// The collisions [`unique_snake`] would report, computing full identifiers only when two
/// names share a [`collision_hash`]. Use it where only the collisions are wanted.
pub fn collisions(items: &[(&str, u16)]) -> Vec<Collision> {
    let hashes: Vec<u64> = items
        .iter()
        .map(|&(n, id)| identifier_hash(collision_hash(n), id))
        .collect();
    collisions_hashed(items, &hashes)
}

/// The [`collision_hash`] of a name with no letters or digits (its identifier is `_<id>`).
const EMPTY_KEY_HASH: u64 = 0xcbf2_9ce4_8422_2325;

/// A hash equal for any two `(name, id)` whose [`snake`] identifiers are equal, from the name's
/// [`collision_hash`]: that hash, except for names without letters or digits, whose
/// identifier is the fallback `_<id>`. Inline, with that rare case out of line: validation
/// asks once per resource, and the call cost 0.15M instructions per registry parse (issue #2).
#[inline]
pub fn identifier_hash(name_hash: u64, id: u16) -> u64 {
    if name_hash == EMPTY_KEY_HASH {
        fallback_hash(id)
    } else {
        name_hash
    }
}

/// The [`collision_hash`] of the fallback identifier `_<id>`.
#[cold]
fn fallback_hash(id: u16) -> u64 {
    collision_hash(&id.to_string())
}

/// [`collisions`] with each item's [`identifier_hash`] already computed (`hashes[i]` for
/// `items[i]`). Only names that share a hash with another can collide, so only those get full
/// identifiers; the rest are looked at only if one of the changed identifiers could equal one
/// of their identifiers (then everything goes the full way).
pub fn collisions_hashed(items: &[(&str, u16)], hashes: &[u64]) -> Vec<Collision> {
    debug_assert_eq!(items.len(), hashes.len());
    let mut sorted = hashes.to_vec();
    sorted.sort_unstable();
    let shared = |h: u64| {
        let at = sorted.partition_point(|&x| x < h);
        sorted.get(at + 1) == Some(&h)
    };
    let candidates: Vec<usize> = (0..items.len()).filter(|&i| shared(hashes[i])).collect();
    if candidates.is_empty() {
        return Vec::new();
    }
    // `unique_snake` on the candidates alone. Identifiers of the other names cannot equal a
    // candidate's (equal identifiers have equal hashes), and can equal a changed one only when
    // their hashes agree (underscores carry nothing in a hash).
    let mut seen = std::collections::HashSet::new();
    let mut collisions = Vec::new();
    for &index in &candidates {
        let (name, id) = items[index];
        let base = snake(name, id);
        if seen.insert(base.clone()) {
            continue;
        }
        let mut resolved = format!("{}_{id}", base.trim_start_matches("r#"));
        let h = collision_hash(&resolved);
        if sorted.binary_search(&h).is_ok() && !shared(h) {
            return unique_snake(items).1;
        }
        while !seen.insert(resolved.clone()) {
            resolved.push('_');
        }
        collisions.push(Collision {
            index,
            ident: base,
            resolved,
        });
    }
    collisions
}

/// False when no two of `names` can map to one identifier (nor be equal): their
/// [`collision_hash`]es are all distinct.
pub fn may_collide<'a>(names: impl Iterator<Item = &'a str>) -> bool {
    let mut hashes: Vec<u64> = names.map(collision_hash).collect();
    hashes.sort_unstable();
    hashes.windows(2).any(|w| w[0] == w[1])
}

/// `SCREAMING_SNAKE_CASE` for constants, from an identifier made by [`snake`]: the raw prefix
/// is dropped (`r#type` → `TYPE`; `TYPE` is no keyword), a leading `_` kept (`_5qi` → `_5QI`).
pub fn shouty(snake_ident: &str) -> String {
    snake_ident.trim_start_matches("r#").to_ascii_uppercase()
}

/// A prefixed method name from an identifier made by [`snake`]: `set_` + `r#type` →
/// `set_type`, `set_` + `_5qi` → `set_5qi` (the prefix already makes it a valid identifier).
pub fn prefixed(prefix: &str, snake_ident: &str) -> String {
    let base = snake_ident.trim_start_matches("r#").trim_start_matches('_');
    format!("{prefix}{base}")
}

/// One scope of identifiers (a module's types, an impl's methods, an enum's variants).
/// [`Namespace::claim`] hands out each identifier once; a taken one gets `_<id>`, then `_`
/// suffixes, the same way every run.
#[derive(Debug, Default, Clone)]
pub struct Namespace {
    taken: std::collections::HashSet<String>,
}

impl Namespace {
    /// A scope where some identifiers are reserved up front.
    pub fn with(reserved: &[&str]) -> Self {
        Namespace {
            taken: reserved.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    /// Claims `ident`, or a deterministic variant of it; the flag says whether it was changed.
    pub fn claim(&mut self, ident: &str, id: impl std::fmt::Display) -> (String, bool) {
        if self.taken.insert(ident.to_owned()) {
            return (ident.to_owned(), false);
        }
        let mut resolved = format!("{}_{id}", ident.trim_start_matches("r#"));
        while !self.taken.insert(resolved.clone()) {
            resolved.push('_');
        }
        (resolved, true)
    }

    /// Like [`Namespace::claim`] for `UpperCamelCase` names: `Name<id>`, then `Name<id>Alt`, ….
    pub fn claim_camel(&mut self, ident: &str, id: impl std::fmt::Display) -> (String, bool) {
        if self.taken.insert(ident.to_owned()) {
            return (ident.to_owned(), false);
        }
        let mut resolved = format!("{ident}{id}");
        while !self.taken.insert(resolved.clone()) {
            resolved.push_str("Alt");
        }
        (resolved, true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_names() {
        assert_eq!(snake("Sensor Value", 5700), "sensor_value");
        assert_eq!(camel("Light Control", 3311), "LightControl");
        assert_eq!(snake("LwM2M Server", 1), "lwm2m_server");
        assert_eq!(snake("Température °C", 1), "temperature_c");
        assert_eq!(camel("LWM2M Security", 0), "Lwm2mSecurity");
        assert_eq!(
            snake("APN Retry Back-Off Period", 1),
            "apn_retry_back_off_period"
        );
    }

    #[test]
    fn signs_carry_meaning() {
        assert_eq!(
            snake("Active power+ (QI+QIV)", 1),
            "active_power_plus_qi_plus_qiv"
        );
        assert_eq!(
            snake("Active power- (QII+QIII)", 1),
            "active_power_minus_qii_plus_qiii"
        );
        assert_eq!(
            snake("Active energy export (-A) Un", 1),
            "active_energy_export_minus_a_un"
        );
        assert_ne!(snake("X (+export)", 1), snake("X (-export)", 1));
    }

    #[test]
    fn leading_digits_keywords_and_empty() {
        assert_eq!(snake("5QI", 1), "_5qi");
        assert_eq!(camel("3-Phase Power Meter", 1), "_3PhasePowerMeter");
        assert_eq!(snake("Type", 1), "r#type");
        assert_eq!(snake("Self", 1), "self_");
        assert_eq!(snake("°", 42), "_42");
        assert_eq!(snake("Name\u{a0}With NBSP ", 1), "name_with_nbsp");
    }

    #[test]
    fn collisions_are_resolved_deterministically() {
        let (ids, col) = unique_snake(&[("Value", 1), ("value", 2), ("VALUE", 3), ("Other", 4)]);
        assert_eq!(ids, vec!["value", "value_2", "value_3", "other"]);
        assert_eq!(col.len(), 2);
        assert_eq!(
            col[0],
            Collision {
                index: 1,
                ident: "value".into(),
                resolved: "value_2".into()
            }
        );
    }

    #[test]
    fn collision_hash_follows_the_key() {
        let names = [
            "Sensor Value",
            "sensor-value",
            "Active power+ (QI+QIV)",
            "Température °C",
            "5QI",
            "Back-Off",
            "X (-export)",
            "50% & #1",
            "50 percent and number 1",
            "a-b -c d- +",
            "AB minusC D minus plus",
            "",
        ];
        for a in names {
            for b in names {
                let same_key = collision_key(a) == collision_key(b);
                assert_eq!(
                    collision_hash(a) == collision_hash(b),
                    same_key,
                    "{a:?} {b:?}"
                );
            }
        }
        assert!(may_collide(["Value", "VALUE"].into_iter()));
        assert!(!may_collide(["Value", "Other"].into_iter()));
    }

    #[test]
    fn collisions_agree_with_unique_snake() {
        let cases: &[&[(&str, u16)]] = &[
            &[("Value", 1), ("value", 2), ("VALUE", 3), ("Other", 4)],
            // A changed identifier equal to another name's: the full way.
            &[("Foo", 1), ("foo", 5), ("Foo 5", 9)],
            &[("Foo 5", 9), ("Foo", 1), ("foo", 5)],
            &[("Foo", 1), ("foo", 5), ("Foo 5", 9), ("foo_5", 3)],
            &[("Type", 1), ("type", 2), ("Type 2", 3), ("°", 4), ("%", 5)],
            &[("A", 1), ("B", 2)],
            // A name without letters or digits is `_<id>`, like a name of digits.
            &[("5", 1), ("", 5), ("_", 5)],
            &[],
        ];
        for items in cases {
            assert_eq!(collisions(items), unique_snake(items).1, "{items:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn collisions_agree_with_unique_snake_on_any_names(
            names in proptest::collection::vec("[aAbB5 _%+-]{0,4}", 0..12)
        ) {
            let items: Vec<(&str, u16)> =
                names.iter().enumerate().map(|(i, n)| (n.as_str(), (i % 7) as u16)).collect();
            proptest::prop_assert_eq!(collisions(&items), unique_snake(&items).1);
        }
    }

    #[test]
    fn derived_names() {
        assert_eq!(shouty("r#type"), "TYPE");
        assert_eq!(shouty("_5qi"), "_5QI");
        assert_eq!(prefixed("set_", "r#type"), "set_type");
        assert_eq!(prefixed("set_", "_5qi"), "set_5qi");
        let mut ns = Namespace::with(&["Other"]);
        assert_eq!(ns.claim("Other", 3), ("Other_3".to_owned(), true));
        assert_eq!(ns.claim("On", 1), ("On".to_owned(), false));
        assert_eq!(ns.claim("On", 1), ("On_1".to_owned(), true));
        assert_eq!(ns.claim("On", 1), ("On_1_".to_owned(), true));
        assert_eq!(ns.claim_camel("Other", 7), ("Other7".to_owned(), true));
        assert_eq!(ns.claim_camel("Other", 7), ("Other7Alt".to_owned(), true));
    }
}
