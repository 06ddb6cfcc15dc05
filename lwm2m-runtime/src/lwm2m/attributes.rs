//! Notification attributes (Core TS 1.1 §5.1.2): `pmin`, `pmax`, `gt`, `lt`, `st`, `epmin`,
//! `epmax`, as Write-Attributes carries them in Uri-Query options and Discover lists them.

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use lwm2m_core::Path;

/// A Write-Attributes query the receiver cannot accept (answered with 4.00 Bad Request).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AttributeError {
    /// An attribute name this implementation does not know.
    #[error("unknown attribute {0:?}")]
    Unknown(String),
    /// A value that does not parse (a negative period, a non-finite number, …).
    #[error("invalid value for attribute {0}")]
    InvalidValue(&'static str),
    /// The combination breaks the rules of Core TS 1.1 §5.1.2 (`lt` + 2·`st` < `gt`,
    /// `pmin` ≤ `pmax`, `epmin` ≤ `epmax`).
    #[error("inconsistent attributes: {0}")]
    Inconsistent(&'static str),
    /// `gt`, `lt` or `st` on something other than a numeric Resource.
    #[error("gt, lt and st apply to numeric resources only")]
    NotNumeric,
}

/// The notification attributes in effect at one path. `None` means "not set here".
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[non_exhaustive]
pub struct Attributes {
    /// Minimum period between notifications, seconds.
    pub pmin: Option<u32>,
    /// Maximum period between notifications, seconds.
    pub pmax: Option<u32>,
    /// Greater-than threshold.
    pub gt: Option<f64>,
    /// Less-than threshold.
    pub lt: Option<f64>,
    /// Step.
    pub st: Option<f64>,
    /// Minimum evaluation period, seconds.
    pub epmin: Option<u32>,
    /// Maximum evaluation period, seconds.
    pub epmax: Option<u32>,
}

/// A Write-Attributes request: for each attribute, `None` leaves it alone, `Some(None)` removes
/// it (`?pmin`), `Some(Some(v))` sets it (`?pmin=10`).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[non_exhaustive]
#[allow(clippy::option_option)]
pub struct AttributeChange {
    /// `pmin`.
    pub pmin: Option<Option<u32>>,
    /// `pmax`.
    pub pmax: Option<Option<u32>>,
    /// `gt`.
    pub gt: Option<Option<f64>>,
    /// `lt`.
    pub lt: Option<Option<f64>>,
    /// `st`.
    pub st: Option<Option<f64>>,
    /// `epmin`.
    pub epmin: Option<Option<u32>>,
    /// `epmax`.
    pub epmax: Option<Option<u32>>,
}

impl Attributes {
    /// True when no attribute is set.
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// `self` with every attribute it does not set taken from `parent` (a Resource inherits from
    /// its Object Instance, which inherits from its Object).
    pub fn or(self, parent: &Attributes) -> Attributes {
        Attributes {
            pmin: self.pmin.or(parent.pmin),
            pmax: self.pmax.or(parent.pmax),
            gt: self.gt.or(parent.gt),
            lt: self.lt.or(parent.lt),
            st: self.st.or(parent.st),
            epmin: self.epmin.or(parent.epmin),
            epmax: self.epmax.or(parent.epmax),
        }
    }

    /// Applies a Write-Attributes change.
    pub fn apply(&mut self, c: &AttributeChange) {
        fn set<T>(slot: &mut Option<T>, change: Option<Option<T>>) {
            if let Some(v) = change {
                *slot = v;
            }
        }
        set(&mut self.pmin, c.pmin);
        set(&mut self.pmax, c.pmax);
        set(&mut self.gt, c.gt);
        set(&mut self.lt, c.lt);
        set(&mut self.st, c.st);
        set(&mut self.epmin, c.epmin);
        set(&mut self.epmax, c.epmax);
    }

    /// Checks the consistency rules of Core TS 1.1 §5.1.2.
    pub fn validate(&self) -> Result<(), AttributeError> {
        if let (Some(min), Some(max)) = (self.pmin, self.pmax) {
            if min > max {
                return Err(AttributeError::Inconsistent("pmin is greater than pmax"));
            }
        }
        if let (Some(min), Some(max)) = (self.epmin, self.epmax) {
            if min > max {
                return Err(AttributeError::Inconsistent("epmin is greater than epmax"));
            }
        }
        if let (Some(lt), Some(gt)) = (self.lt, self.gt) {
            if lt + 2.0 * self.st.unwrap_or(0.0) >= gt {
                return Err(AttributeError::Inconsistent("lt + 2*st must be below gt"));
            }
        }
        Ok(())
    }

    /// True if `gt`, `lt` or `st` is set: then only numeric changes meeting them notify.
    pub fn has_value_conditions(&self) -> bool {
        self.gt.is_some() || self.lt.is_some() || self.st.is_some()
    }

    /// Whether a numeric change from `last` (the value last notified) to `new` meets the value
    /// conditions: crossing `gt` or `lt` in either direction, or moving by at least `st`. Without
    /// any condition every change qualifies.
    pub fn value_condition_met(&self, last: f64, new: f64) -> bool {
        if !self.has_value_conditions() {
            return true;
        }
        let crosses = |t: f64| (last > t) != (new > t);
        self.gt.is_some_and(crosses)
            || self.lt.is_some_and(|t| (last < t) != (new < t))
            || self.st.is_some_and(|st| (new - last).abs() >= st)
    }

    /// The attributes as link-format attributes, for Discover.
    pub fn to_link_attributes(&self) -> Vec<(String, Option<String>)> {
        let mut out = Vec::new();
        let mut push = |name: &str, v: Option<String>| {
            if let Some(v) = v {
                out.push((name.to_string(), Some(v)));
            }
        };
        push("pmin", self.pmin.map(|v| v.to_string()));
        push("pmax", self.pmax.map(|v| v.to_string()));
        push("gt", self.gt.map(fmt_f64));
        push("lt", self.lt.map(fmt_f64));
        push("st", self.st.map(fmt_f64));
        push("epmin", self.epmin.map(|v| v.to_string()));
        push("epmax", self.epmax.map(|v| v.to_string()));
        out
    }
}

fn fmt_f64(v: f64) -> String {
    if v == (v as i64) as f64 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

impl AttributeChange {
    /// Parses Uri-Query items such as `pmin=10`, `gt=25.5` or a bare `st` (remove).
    pub fn from_query<'a>(
        items: impl IntoIterator<Item = &'a str>,
    ) -> Result<Self, AttributeError> {
        let mut c = AttributeChange::default();
        for item in items {
            let (name, value) = match item.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (item, None),
            };
            match name {
                "pmin" => c.pmin = Some(value.map(|v| period(v, "pmin")).transpose()?),
                "pmax" => c.pmax = Some(value.map(|v| period(v, "pmax")).transpose()?),
                "epmin" => c.epmin = Some(value.map(|v| period(v, "epmin")).transpose()?),
                "epmax" => c.epmax = Some(value.map(|v| period(v, "epmax")).transpose()?),
                "gt" => c.gt = Some(value.map(|v| number(v, "gt")).transpose()?),
                "lt" => c.lt = Some(value.map(|v| number(v, "lt")).transpose()?),
                "st" => c.st = Some(value.map(|v| number(v, "st")).transpose()?),
                other => return Err(AttributeError::Unknown(other.into())),
            }
        }
        if c.st.flatten().is_some_and(|st| st < 0.0) {
            return Err(AttributeError::InvalidValue("st"));
        }
        Ok(c)
    }

    /// The Uri-Query items for this change.
    pub fn to_query(&self) -> Vec<String> {
        let mut out = Vec::new();
        fn item<T: ToString>(out: &mut Vec<String>, name: &str, v: Option<Option<T>>) {
            match v {
                Some(Some(v)) => out.push(format!("{name}={}", v.to_string())),
                Some(None) => out.push(name.into()),
                None => {}
            }
        }
        item(&mut out, "pmin", self.pmin);
        item(&mut out, "pmax", self.pmax);
        item(&mut out, "gt", self.gt);
        item(&mut out, "lt", self.lt);
        item(&mut out, "st", self.st);
        item(&mut out, "epmin", self.epmin);
        item(&mut out, "epmax", self.epmax);
        out
    }

    /// True if the change touches `gt`, `lt` or `st`.
    pub fn touches_value_conditions(&self) -> bool {
        self.gt.is_some() || self.lt.is_some() || self.st.is_some()
    }
}

fn period(v: &str, name: &'static str) -> Result<u32, AttributeError> {
    v.parse().map_err(|_| AttributeError::InvalidValue(name))
}

fn number(v: &str, name: &'static str) -> Result<f64, AttributeError> {
    v.parse::<f64>()
        .ok()
        .filter(|f| f.is_finite())
        .ok_or(AttributeError::InvalidValue(name))
}

/// Attributes assigned per path, with the inheritance of Core TS 1.1 §5.1.2: a Resource's
/// effective attributes are its own, then its Object Instance's, then its Object's.
#[derive(Debug, Clone, Default)]
pub struct AttributeStore {
    by_path: BTreeMap<Path, Attributes>,
}

impl AttributeStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// The attributes assigned at exactly `path`.
    pub fn get(&self, path: &Path) -> Attributes {
        self.by_path.get(path).copied().unwrap_or_default()
    }

    /// Applies `change` at `path` and validates the result (with inheritance); on error nothing
    /// changes.
    pub fn write(&mut self, path: Path, change: &AttributeChange) -> Result<(), AttributeError> {
        let mut attrs = self.get(&path);
        attrs.apply(change);
        let mut effective = attrs;
        let mut p = path;
        while !p.is_root() {
            p = p.parent();
            effective = effective.or(&self.get(&p));
        }
        effective.validate()?;
        if attrs.is_empty() {
            self.by_path.remove(&path);
        } else {
            self.by_path.insert(path, attrs);
        }
        Ok(())
    }

    /// The effective attributes at `path`, inherited from its ancestors.
    pub fn effective(&self, path: &Path) -> Attributes {
        let mut attrs = self.get(path);
        let mut p = *path;
        while !p.is_root() {
            p = p.parent();
            attrs = attrs.or(&self.get(&p));
        }
        attrs
    }

    /// Forgets every attribute at or below `path` (an instance was deleted).
    pub fn remove_below(&mut self, path: &Path) {
        self.by_path.retain(|p, _| !p.starts_with(path));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_round_trip_and_removal() {
        let c = AttributeChange::from_query(["pmin=10", "pmax=60", "gt=25.5", "st"]).unwrap();
        assert_eq!(c.pmin, Some(Some(10)));
        assert_eq!(c.st, Some(None));
        assert_eq!(c.to_query(), ["pmin=10", "pmax=60", "gt=25.5", "st"]);
        assert!(matches!(
            AttributeChange::from_query(["foo=1"]),
            Err(AttributeError::Unknown(_))
        ));
        assert!(AttributeChange::from_query(["pmin=-1"]).is_err());
        assert!(AttributeChange::from_query(["gt=NaN"]).is_err());
    }

    #[test]
    fn inheritance_and_validation() {
        let mut s = AttributeStore::new();
        let obj = Path::object(3303);
        let res = Path::resource(3303, 0, 5700);
        s.write(
            obj,
            &AttributeChange::from_query(["pmin=5", "pmax=50"]).unwrap(),
        )
        .unwrap();
        s.write(res, &AttributeChange::from_query(["pmax=20"]).unwrap())
            .unwrap();
        let e = s.effective(&res);
        assert_eq!((e.pmin, e.pmax), (Some(5), Some(20)));
        // pmin above the inherited pmax is rejected and leaves the store alone.
        let bad = AttributeChange::from_query(["pmin=30"]).unwrap();
        assert!(s.write(res, &bad).is_err());
        assert_eq!(s.effective(&res).pmin, Some(5));
        let lt_gt = AttributeChange::from_query(["lt=10", "gt=20", "st=6"]).unwrap();
        assert!(s.write(res, &lt_gt).is_err());
    }

    #[test]
    fn value_conditions() {
        let a = Attributes {
            gt: Some(25.0),
            lt: Some(10.0),
            st: Some(2.0),
            ..Attributes::default()
        };
        assert!(a.value_condition_met(24.0, 26.0)); // crosses gt
        assert!(a.value_condition_met(11.0, 9.0)); // crosses lt
        assert!(a.value_condition_met(15.0, 17.5)); // step
        assert!(!a.value_condition_met(15.0, 16.0));
        assert!(Attributes::default().value_condition_met(1.0, 1.1));
    }
}
