//! `<RangeEnumeration>` text, parsed.
//!
//! The registry writes ranges many ways: `A..B`, `A...B`, `A-B`, `[A:B]`, `N bytes`,
//! `A..B bytes`, value lists (`10,26`, `5, 10, 15`), unions (`0..3, 99`), string lists
//! (`ON;OFF`) and `N: label` enumerations. Anything else is kept verbatim as
//! [`Range::Unparsed`]. Parsing never fails; oddities are reported as [`RangeNote`]s that the
//! validator turns into diagnostics.

use std::fmt;

use crate::model::{Text, trim};

/// One end of a numeric range, or one listed value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Bound {
    /// Integers, wide enough for both `i64::MIN` and `u64::MAX`.
    Int(i128),
    Float(f64),
}

impl Bound {
    pub fn as_f64(self) -> f64 {
        match self {
            Bound::Int(i) => i as f64,
            Bound::Float(f) => f,
        }
    }
}

impl fmt::Display for Bound {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Bound::Int(i) => write!(f, "{i}"),
            Bound::Float(x) => write!(f, "{x:?}"),
        }
    }
}

/// One member of a listed set: a single value or a span.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum RangeItem {
    Value(Bound),
    Span(Bound, Bound),
}

/// A parsed range.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Range {
    /// No range given.
    Any,
    /// `min..max`, inclusive.
    Span { min: Bound, max: Bound },
    /// A list of values and spans (`10,26`, `0..3, 99`).
    Set(Vec<RangeItem>),
    /// A byte length span (`0..255 bytes`, `32 bytes`), inclusive.
    Length { min: u64, max: u64 },
    /// A list of allowed byte lengths (`10 or 26 Bytes`, `16-32-48 bytes`).
    Lengths(Vec<u64>),
    /// A list of allowed strings (`ON;OFF`).
    Strings(Vec<String>),
    /// The text is an `N: label` enumeration; the labels are in
    /// [`ResourceDef::enumeration`](crate::model::ResourceDef::enumeration).
    Enumeration,
    /// Text we do not understand, kept verbatim (trimmed).
    Unparsed(String),
}

impl Range {
    /// The numeric spans and listed values, as inclusive `(min, max)` pairs (a value `v` is
    /// `(v, v)`); empty for ranges that are not numeric.
    pub fn numeric_spans(&self) -> Vec<(Bound, Bound)> {
        match self {
            Range::Span { min, max } => vec![(*min, *max)],
            Range::Set(items) => items
                .iter()
                .map(|i| match i {
                    RangeItem::Value(v) => (*v, *v),
                    RangeItem::Span(a, b) => (*a, *b),
                })
                .collect(),
            _ => Vec::new(),
        }
    }
}

/// Where an enumeration was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EnumSource {
    Range,
    Description,
}

/// One `N: label` pair.
#[derive(Clone, Debug, PartialEq)]
pub struct EnumVariant {
    pub value: i64,
    /// The label, cut to its first clause and trimmed.
    pub label: Text,
    pub source: EnumSource,
}

/// Something odd noticed while parsing a range, reported by the validator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RangeNote {
    /// `A...B` or `A-B` or `[A:B]` instead of `A..B`.
    NonStandardSyntax(&'static str),
    /// The text could not be understood.
    Unparsed,
}

/// The result of parsing a `<RangeEnumeration>`.
#[derive(Clone, Debug, PartialEq)]
pub struct ParsedRange {
    pub range: Range,
    /// Variants when the text was an `N: label` enumeration.
    pub enumeration: Vec<EnumVariant>,
    pub notes: Vec<RangeNote>,
}

/// Parses range text. Never fails: unknown text becomes [`Range::Unparsed`].
pub fn parse_range(text: &str) -> ParsedRange {
    parse_range_with(text, &copied)
}

/// A label copied out of the text it was found in (for text that is not the model's).
pub(crate) fn copied(label: &str) -> Text {
    Text::from(label)
}

/// [`parse_range`], with enumeration labels made by `label` from slices of `text` (the
/// lowering shares them with the file rather than copying them).
pub(crate) fn parse_range_with(text: &str, label: &dyn Fn(&str) -> Text) -> ParsedRange {
    // Fast path: most resources have an empty `<RangeEnumeration/>` (about four in five in
    // the registry); skipping `clean` and the trim saved 0.6M instructions per registry parse
    // (issue #2).
    if text.is_empty() {
        return ParsedRange {
            range: Range::Any,
            enumeration: Vec::new(),
            notes: Vec::new(),
        };
    }
    // Fast path: `A..B` of plain integers, most other ranges (1357 of the registry's 1745),
    // read as the general path reads them but without its searches (saved 0.77M
    // instructions per registry parse; issue #2).
    if let Some(range) = int_span(text) {
        return ParsedRange {
            range,
            enumeration: Vec::new(),
            notes: Vec::new(),
        };
    }
    parse_range_general(text, label)
}

/// [`parse_range`] without its fast paths (the tests check they agree).
pub(crate) fn parse_range_general(text: &str, label: &dyn Fn(&str) -> Text) -> ParsedRange {
    let mut notes = Vec::new();
    let t = clean(text);
    let t = trim(&t);
    let range = if t.is_empty() {
        Range::Any
    } else if let Some(vars) = several_segments(t)
        .then(|| parse_enum_lines(t, EnumSource::Range, label))
        .flatten()
    {
        return ParsedRange {
            range: Range::Enumeration,
            enumeration: vars,
            notes,
        };
    } else if let Some(r) = parse_lengths(t, &mut notes) {
        r
    } else if let Some(r) = parse_numeric(t, &mut notes) {
        r
    } else if let Some(list) = parse_strings(t) {
        Range::Strings(list)
    } else {
        notes.push(RangeNote::Unparsed);
        Range::Unparsed(t.to_owned())
    };
    ParsedRange {
        range,
        enumeration: Vec::new(),
        notes,
    }
}

/// `A..B` where `A` and `B` are an optional `-` and 1 to 18 digits (so that they fit an
/// `i64`), and nothing else: the [`Range::Span`] that [`parse_range`] makes of it.
fn int_span(text: &str) -> Option<Range> {
    let b = text.as_bytes();
    let at = memchr::memchr(b'.', b)?;
    if b.get(at + 1) != Some(&b'.') {
        return None;
    }
    let int = |s: &str| {
        let digits = s.strip_prefix('-').unwrap_or(s);
        let plain = (1..=18).contains(&digits.len()) && digits.bytes().all(|c| c.is_ascii_digit());
        plain
            .then(|| s.parse::<i64>().ok())
            .flatten()
            .map(i128::from)
    };
    Some(Range::Span {
        min: Bound::Int(int(&text[..at])?),
        max: Bound::Int(int(&text[at + 2..])?),
    })
}

/// Finds an `N: label` (also `N = label`, `N - label`) enumeration in description text: at
/// least two lines of that form with distinct values. Returns an empty list otherwise.
pub fn parse_description_enumeration(text: &str) -> Vec<EnumVariant> {
    description_enumeration_with(text, &copied)
}

/// [`parse_description_enumeration`] of a model text, whose labels share its bytes: copying
/// each label into a `String` (an allocation, and a free when the model is dropped) cost
/// 0.27M instructions per registry parse (issue #2).
pub(crate) fn description_enumeration(text: &Text) -> Vec<EnumVariant> {
    description_enumeration_with(text, &|part| text.share_part(part))
}

fn description_enumeration_with(text: &str, label: &dyn Fn(&str) -> Text) -> Vec<EnumVariant> {
    // Checked before `clean`, which only turns non-breaking spaces into spaces.
    if !several_segments(text) {
        return Vec::new();
    }
    parse_enum_lines(&clean(text), EnumSource::Description, label).unwrap_or_default()
}

/// Whether `text` has more than one segment for [`parse_enum_lines`] (a line break or `;`):
/// with one there cannot be two `N: label` pairs. Most ranges and descriptions have one, and
/// this check instead of the segment loop saved 0.7M instructions per registry parse (issue #2).
fn several_segments(text: &str) -> bool {
    memchr::memchr2(b'\n', b';', text.as_bytes()).is_some()
}

fn clean(text: &str) -> std::borrow::Cow<'_, str> {
    // U+00A0 is 0xC2 0xA0 in UTF-8: look for the rarer first byte before the character.
    if memchr::memchr(0xC2, text.as_bytes()).is_some() && text.contains('\u{a0}') {
        std::borrow::Cow::Owned(text.replace('\u{a0}', " "))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

fn parse_enum_lines(
    text: &str,
    source: EnumSource,
    make_label: &dyn Fn(&str) -> Text,
) -> Option<Vec<EnumVariant>> {
    // Labels stay slices of `text` until there are two: most texts have none or one, and
    // those allocate nothing.
    let mut found: Vec<(i64, &str)> = Vec::new();
    // Segments are lines and their `;`-separated parts (a `\r` before a `\n` is trimmed).
    let b = text.as_bytes();
    let mut start = 0;
    let ends = memchr::memchr2_iter(b'\n', b';', b).chain(std::iter::once(b.len()));
    for end in ends {
        let segment = &text[start..end];
        start = end + 1;
        // Cheap skip of segments that cannot start with a digit once trimmed (non-ASCII
        // may be Unicode whitespace, so it goes the slow way).
        let first = segment.bytes().find(|c| !c.is_ascii_whitespace());
        if !first.is_some_and(|c| c.is_ascii_digit() || c >= 0x80) {
            continue;
        }
        let line = trim(segment);
        let digits = line.bytes().take_while(|b| b.is_ascii_digit()).count();
        if digits == 0 || digits > 18 {
            continue;
        }
        let rest = line[digits..].trim_start();
        let Some(label) = rest.strip_prefix([':', '=', '-']) else {
            continue;
        };
        let label = short_label(label);
        if label.is_empty() {
            continue;
        }
        let value: i64 = line[..digits].parse().ok()?;
        if found.iter().any(|v| v.0 == value) {
            continue;
        }
        found.push((value, label));
    }
    (found.len() >= 2).then(|| {
        found
            .into_iter()
            .map(|(value, label)| EnumVariant {
                value,
                label: make_label(label),
                source,
            })
            .collect()
    })
}

/// The first clause of a label: up to a sentence end, a parenthesis or a comma, at most ~48
/// characters cut at a word boundary.
fn short_label(s: &str) -> &str {
    let s = trim(s).trim_start_matches(['-', ' ']);
    // The first `. `, ` (`, `, ` or `;` (one pass rather than a search per pattern).
    let b = s.as_bytes();
    let end = (0..b.len())
        .find(|&i| match b[i] {
            b';' => true,
            b'.' | b',' => b.get(i + 1) == Some(&b' '),
            b' ' => b.get(i + 1) == Some(&b'('),
            _ => false,
        })
        .unwrap_or(s.len());
    let out = trim(&s[..end]).trim_end_matches(['.', ',', ':']);
    // No more bytes than 48, no more characters either: the usual label, nothing to count
    // (counting them cost 0.26M instructions per registry parse; issue #2).
    if out.len() <= 48 {
        return out;
    }
    match out.char_indices().nth(48) {
        // More than 48 characters: the first 48, cut at a space when one is far enough in.
        Some((at, _)) => {
            let cut = &out[..at];
            match cut.rfind(' ') {
                Some(i) if i > 8 => &cut[..i],
                _ => cut,
            }
        }
        None => out,
    }
}

fn number(s: &str) -> Option<Bound> {
    let s = trim(s);
    if s.is_empty() {
        return None;
    }
    if let Ok(i) = s.parse::<i128>() {
        return Some(Bound::Int(i));
    }
    if let Some(p) = power(s) {
        return Some(Bound::Int(p));
    }
    let ok = s
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'))
        && s.bytes().any(|b| b.is_ascii_digit());
    ok.then(|| s.parse::<f64>().ok().map(Bound::Float))
        .flatten()
}

/// `2^N`, `2^N-1`, `-2^N`: powers of two as the registry writes some bounds (`0..2^32-1`).
fn power(s: &str) -> Option<i128> {
    let (neg, body) = match s.strip_prefix('-') {
        Some(rest) => (true, rest.trim()),
        None => (false, s),
    };
    let rest = body.strip_prefix("2^")?;
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let exp: u32 = rest[..digits].parse().ok().filter(|e| *e <= 64)?;
    let minus: i128 = match rest[digits..].trim() {
        "" => 0,
        tail => tail.strip_prefix('-')?.trim().parse().ok()?,
    };
    let v = (1i128 << exp) - minus;
    Some(if neg { -v } else { v })
}

/// `A..B`, `A...B`, `[A:B]`, `A-B` (both non-negative), or a single number.
fn span(s: &str, notes: &mut Vec<RangeNote>) -> Option<RangeItem> {
    let s = trim(s);
    if let Some(at) = dots(s, 3) {
        notes.push(RangeNote::NonStandardSyntax("A...B"));
        return Some(RangeItem::Span(number(&s[..at])?, number(&s[at + 3..])?));
    }
    if let Some(at) = dots(s, 2) {
        return Some(RangeItem::Span(number(&s[..at])?, number(&s[at + 2..])?));
    }
    if let Some(inner) = s.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
        let (a, b) = inner.split_once(':')?;
        notes.push(RangeNote::NonStandardSyntax("[A:B]"));
        return Some(RangeItem::Span(number(a)?, number(b)?));
    }
    if let Some(n) = number(s) {
        return Some(RangeItem::Value(n));
    }
    // `A-B` only when both sides are unsigned numbers, so `-5` or `-3-5` are never split.
    let (a, b) = s.split_once('-')?;
    let unsigned =
        |x: &str| !x.trim().is_empty() && x.trim().bytes().all(|c| c.is_ascii_digit() || c == b'.');
    if unsigned(a) && unsigned(b) {
        notes.push(RangeNote::NonStandardSyntax("A-B"));
        return Some(RangeItem::Span(number(a)?, number(b)?));
    }
    None
}

/// Where the first run of `n` dots starts (`s.find("...")` without a substring searcher).
fn dots(s: &str, n: usize) -> Option<usize> {
    let b = s.as_bytes();
    memchr::memchr_iter(b'.', b).find(|&i| {
        b.get(i..i + n)
            .is_some_and(|w| w.iter().all(|&c| c == b'.'))
    })
}

fn parse_numeric(t: &str, notes: &mut Vec<RangeNote>) -> Option<Range> {
    let mut local = Vec::new();
    // One part (the usual `A..B`): no lists to build.
    if !t.contains([',', ';']) && !trim(t).is_empty() {
        let item = span(trim(t), &mut local)?;
        notes.extend(local);
        return Some(match item {
            RangeItem::Span(min, max) => Range::Span { min, max },
            value => Range::Set(vec![value]),
        });
    }
    let parts: Vec<&str> = t
        .split([',', ';'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    let items = parts
        .iter()
        .map(|p| span(p, &mut local))
        .collect::<Option<Vec<_>>>()?;
    notes.extend(local);
    Some(match items.as_slice() {
        [RangeItem::Span(min, max)] => Range::Span {
            min: *min,
            max: *max,
        },
        _ => Range::Set(items),
    })
}

/// `N bytes`, `A..B bytes`, `10 or 26 Bytes`, `16-32-48 bytes`.
fn parse_lengths(t: &str, notes: &mut Vec<RangeNote>) -> Option<Range> {
    // Most ranges are no lengths: look at the ending before making a lowercase copy.
    let ends_with = |suffix: &str| {
        t.len() >= suffix.len()
            && t.as_bytes()[t.len() - suffix.len()..].eq_ignore_ascii_case(suffix.as_bytes())
    };
    if !(ends_with("byte") || ends_with("bytes") || ends_with(" b")) {
        return None;
    }
    let lower = t.to_ascii_lowercase();
    let body = lower
        .strip_suffix("bytes")
        .or_else(|| lower.strip_suffix("byte"))
        .or_else(|| lower.strip_suffix(" b"))?
        .trim();
    let as_u64 = |b: Bound| match b {
        Bound::Int(i) => u64::try_from(i).ok(),
        Bound::Float(_) => None,
    };
    if body.contains(" or ") || body.matches('-').count() > 1 || body.contains(',') {
        let vals = body
            .split(['-', ','])
            .flat_map(|p| p.split(" or "))
            .map(|p| p.trim().parse::<u64>().ok())
            .collect::<Option<Vec<_>>>()?;
        return Some(Range::Lengths(vals));
    }
    match span(body, notes)? {
        RangeItem::Value(v) => {
            let n = as_u64(v)?;
            Some(Range::Length { min: n, max: n })
        }
        RangeItem::Span(a, b) => Some(Range::Length {
            min: as_u64(a)?,
            max: as_u64(b)?,
        }),
    }
}

/// `ON;OFF`: a list of at least two identifiers.
fn parse_strings(t: &str) -> Option<Vec<String>> {
    let parts: Vec<&str> = t.split([';', ',']).map(str::trim).collect();
    let word =
        |p: &&str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    (parts.len() >= 2 && parts.iter().all(word))
        .then(|| parts.iter().map(|p| (*p).to_owned()).collect())
}
