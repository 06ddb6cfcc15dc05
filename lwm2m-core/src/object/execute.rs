//! Execute arguments (LwM2M 1.1 TS Core §5.4.5): `0='text',1,3='more'`.

use crate::error::Error;
use crate::path::Path;

/// Validated Execute arguments, borrowed from the request payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ExecArgs<'a> {
    raw: &'a str,
}

impl<'a> ExecArgs<'a> {
    /// No arguments.
    pub const EMPTY: ExecArgs<'static> = ExecArgs { raw: "" };

    /// Parses and validates `raw`; a malformed list is 4.00 Bad Request at `path`.
    pub fn parse(raw: &'a str, path: Path) -> Result<Self, Error> {
        let args = ExecArgs { raw };
        for arg in args.split() {
            arg.ok_or(Error::malformed(path, "malformed execute argument"))?;
        }
        Ok(args)
    }

    /// The payload as given.
    pub const fn as_str(&self) -> &'a str {
        self.raw
    }

    /// `(digit, value)` pairs in order.
    pub fn iter(&self) -> impl Iterator<Item = (u8, Option<&'a str>)> + 'a {
        self.split().flatten()
    }

    /// The value of argument `digit`: `None` if absent, `Some(None)` if given without a value.
    pub fn get(&self, digit: u8) -> Option<Option<&'a str>> {
        self.iter().find(|(d, _)| *d == digit).map(|(_, v)| v)
    }

    fn split(&self) -> impl Iterator<Item = Option<(u8, Option<&'a str>)>> + 'a {
        let mut rest = self.raw.trim();
        core::iter::from_fn(move || {
            if rest.is_empty() {
                return None;
            }
            let (arg, tail) = take_arg(rest);
            rest = tail;
            Some(arg)
        })
    }
}

/// One argument from the front of `s`, and what follows its separating comma.
fn take_arg(s: &str) -> (Option<(u8, Option<&str>)>, &str) {
    let bytes = s.as_bytes();
    let fail = (None, "");
    if !bytes[0].is_ascii_digit() {
        return fail;
    }
    let digit = bytes[0] - b'0';
    let after = &s[1..];
    let (value, tail) = if let Some(v) = after.strip_prefix("='") {
        match v.find('\'') {
            Some(end) => (Some(&v[..end]), &v[end + 1..]),
            None => return fail,
        }
    } else {
        (None, after)
    };
    match tail.strip_prefix(',') {
        Some(next) if !next.is_empty() => (Some((digit, value)), next),
        None if tail.is_empty() => (Some((digit, value)), ""),
        _ => fail,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses() {
        let p = Path::resource(3, 0, 4);
        let a = ExecArgs::parse("0='reboot now',1,3='x'", p).unwrap();
        assert_eq!(a.get(0), Some(Some("reboot now")));
        assert_eq!(a.get(1), Some(None));
        assert_eq!(a.get(2), None);
        assert_eq!(a.iter().count(), 3);
        assert!(ExecArgs::parse("", p).is_ok());
        for bad in ["x", "0=", "0='open", "0,", "12", "0,,1"] {
            assert!(ExecArgs::parse(bad, p).is_err(), "{bad}");
        }
    }
}
