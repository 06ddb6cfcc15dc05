//! [`Text`]: the model's strings (names, units, URNs, descriptions).
//!
//! Why not `String`: a loaded registry holds ~30,000 of them, and copying each out of its file
//! was about a tenth of the whole parse (issue #2: an allocation and a copy per field, and as
//! many frees when the model is dropped). Text read from a file is a slice of that file's bytes,
//! shared with every other slice of the file (one reference count, no copy); text the model
//! makes itself (a repaired name, two descriptions joined, a macro argument) owns its bytes.
//! The storage is `bytestring::ByteString` (a UTF-8 view of `bytes::Bytes`), wrapped so that the
//! model's API does not name another crate's type.

use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;

use bytestring::ByteString;

/// An immutable string: derefs to `str`, compares, hashes and prints as one.
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Text(ByteString);

impl Text {
    /// The empty text.
    pub const fn new() -> Self {
        Text(ByteString::new())
    }

    /// A text that borrows a static string (no allocation, no reference count).
    pub const fn from_static(s: &'static str) -> Self {
        Text(ByteString::from_static(s))
    }

    /// The text as a `str` (what deref gives too).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `part` as a slice of `whole` when it lies inside it (no copy), else a copy of `part`.
    pub(crate) fn share(whole: &ByteString, part: &str) -> Self {
        let (base, at) = (whole.as_ptr() as usize, part.as_ptr() as usize);
        if at >= base && at + part.len() <= base + whole.len() {
            Text(whole.slice_ref(part))
        } else {
            Text::copied(part)
        }
    }

    /// `part` as a slice of this text when it lies inside it (no copy), else a copy of `part`.
    pub(crate) fn share_part(&self, part: &str) -> Self {
        Text::share(&self.0, part)
    }

    /// A copy of `part`; none for empty text, the usual text found outside the file (most
    /// `<Units>` are empty, and the tree gives a literal `""`): copying it went through
    /// `Bytes::copy_from_slice`, 0.23M instructions more per registry parse (issue #2).
    #[inline(never)]
    fn copied(part: &str) -> Self {
        if part.is_empty() {
            Text::new()
        } else {
            Text::from(part)
        }
    }
}

impl Deref for Text {
    type Target = str;

    #[inline]
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for Text {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

impl From<String> for Text {
    fn from(s: String) -> Self {
        Text(ByteString::from(s))
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Self {
        Text(ByteString::from(s))
    }
}

impl From<Text> for String {
    fn from(t: Text) -> Self {
        t.as_str().to_owned()
    }
}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Text {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<Text> for str {
    fn eq(&self, other: &Text) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<Text> for &str {
    fn eq(&self, other: &Text) -> bool {
        *self == other.as_str()
    }
}

impl PartialEq<Text> for String {
    fn eq(&self, other: &Text) -> bool {
        self == other.as_str()
    }
}

/// `s.trim()`, at once when `s` is empty or starts and ends with a printable ASCII character
/// other than a space (then neither end is whitespace). Most text read from the registry
/// does, and `str::trim`, a call that decodes a character at each end, cost ~40 instructions
/// each time: this saved 1.55M instructions per registry parse (issue #2).
#[inline]
pub(crate) fn trim(s: &str) -> &str {
    let printable = |b: &u8| (b'!'..=b'~').contains(b);
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(first), Some(last)) if !(printable(first) && printable(last)) => s.trim(),
        // Empty (most `<Units>`), or nothing to trim.
        _ => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slice_of_the_whole_is_shared_and_anything_else_copied() {
        let whole = ByteString::from("<Name>Temperature</Name>");
        let part = &whole[6..17];
        let shared = Text::share(&whole, part);
        assert_eq!(shared, "Temperature");
        assert_eq!(shared.as_ptr(), part.as_ptr(), "no copy");
        let elsewhere = String::from("Temperature");
        let copied = Text::share(&whole, &elsewhere);
        assert_eq!(copied, shared);
        assert_ne!(copied.as_ptr(), elsewhere.as_ptr());
        assert_eq!(Text::share(&whole, ""), "");
    }

    #[test]
    fn trim_trims_like_str_trim() {
        for s in [
            "",
            " ",
            "a",
            " a",
            "a ",
            "\ta\n",
            "a b",
            "~x!",
            "\u{a0}a",
            "a\u{2003}",
            "é",
            " é ",
            "\u{b}v\u{c}",
        ] {
            assert_eq!(trim(s), s.trim(), "{s:?}");
        }
    }

    #[test]
    fn prints_and_compares_as_a_str() {
        let t = Text::from("a \"b\"");
        assert_eq!(format!("{t:?}"), format!("{:?}", "a \"b\""));
        assert_eq!(format!("{t}"), "a \"b\"");
        assert_eq!(t, String::from("a \"b\""));
        assert_eq!("a \"b\"", t);
        assert_eq!(String::from(t.clone()), "a \"b\"");
        let (a, b) = (Text::from_static("a"), Text::from(String::from("b")));
        assert!(a < b);
    }
}
