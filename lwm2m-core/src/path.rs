//! LwM2M paths: `/`, `/3`, `/3/0`, `/3/0/1`, `/3/0/1/2`.

use core::fmt;
use core::str::FromStr;

use crate::ids::{InstanceId, ObjectId, ResourceId, ResourceInstanceId};

/// A path into the LwM2M data model, from the root down to at most a Resource Instance.
///
/// `Copy`, four `u16` and a depth: no allocation.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Path {
    ids: [u16; 4],
    len: u8,
}

/// Why a string is not an LwM2M path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PathError {
    /// The path does not start with `/`.
    MissingLeadingSlash,
    /// A segment is empty (`//`) or not a decimal number.
    InvalidSegment,
    /// A segment is larger than 65535.
    IdOutOfRange,
    /// More than four segments.
    TooDeep,
}

impl fmt::Display for PathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::MissingLeadingSlash => "path must start with '/'",
            Self::InvalidSegment => "path segment is not a decimal id",
            Self::IdOutOfRange => "path id is larger than 65535",
            Self::TooDeep => "path has more than four ids",
        })
    }
}

#[cfg(feature = "std")]
impl std::error::Error for PathError {}

impl Path {
    /// The root path `/`.
    pub const ROOT: Path = Path {
        ids: [0; 4],
        len: 0,
    };

    /// `/oid`.
    pub const fn object(oid: ObjectId) -> Self {
        Path {
            ids: [oid, 0, 0, 0],
            len: 1,
        }
    }

    /// `/oid/iid`.
    pub const fn instance(oid: ObjectId, iid: InstanceId) -> Self {
        Path {
            ids: [oid, iid, 0, 0],
            len: 2,
        }
    }

    /// `/oid/iid/rid`.
    pub const fn resource(oid: ObjectId, iid: InstanceId, rid: ResourceId) -> Self {
        Path {
            ids: [oid, iid, rid, 0],
            len: 3,
        }
    }

    /// `/oid/iid/rid/riid`.
    pub const fn resource_instance(
        oid: ObjectId,
        iid: InstanceId,
        rid: ResourceId,
        riid: ResourceInstanceId,
    ) -> Self {
        Path {
            ids: [oid, iid, rid, riid],
            len: 4,
        }
    }

    /// Builds a path from up to four ids; `None` if there are more.
    pub fn from_ids(ids: &[u16]) -> Option<Self> {
        if ids.len() > 4 {
            return None;
        }
        let mut path = Path::ROOT;
        path.ids[..ids.len()].copy_from_slice(ids);
        path.len = ids.len() as u8;
        Some(path)
    }

    /// The ids, root first.
    pub fn ids(&self) -> &[u16] {
        &self.ids[..usize::from(self.len)]
    }

    /// Number of ids: 0 for `/`, 4 for a Resource Instance.
    pub const fn depth(&self) -> usize {
        self.len as usize
    }

    /// True for `/`.
    pub const fn is_root(&self) -> bool {
        self.len == 0
    }

    /// The Object id, if the path has one.
    pub fn object_id(&self) -> Option<ObjectId> {
        self.ids().first().copied()
    }

    /// The Object Instance id, if the path has one.
    pub fn instance_id(&self) -> Option<InstanceId> {
        self.ids().get(1).copied()
    }

    /// The Resource id, if the path has one.
    pub fn resource_id(&self) -> Option<ResourceId> {
        self.ids().get(2).copied()
    }

    /// The Resource Instance id, if the path has one.
    pub fn resource_instance_id(&self) -> Option<ResourceInstanceId> {
        self.ids().get(3).copied()
    }

    /// This path with one more id; `None` at depth 4.
    pub fn child(&self, id: u16) -> Option<Self> {
        if self.len >= 4 {
            return None;
        }
        let mut path = *self;
        path.ids[usize::from(self.len)] = id;
        path.len += 1;
        Some(path)
    }

    /// The path one level up; the root is its own parent.
    pub fn parent(&self) -> Self {
        let mut path = *self;
        if path.len > 0 {
            path.len -= 1;
            path.ids[usize::from(path.len)] = 0;
        }
        path
    }

    /// The Resource path (first three ids) of a Resource or Resource Instance path.
    pub fn resource_path(&self) -> Option<Self> {
        (self.len >= 3).then(|| Path {
            ids: [self.ids[0], self.ids[1], self.ids[2], 0],
            len: 3,
        })
    }

    /// True if `self` is `other` or lies below it.
    pub fn starts_with(&self, other: &Path) -> bool {
        self.len >= other.len && self.ids[..usize::from(other.len)] == *other.ids()
    }
}

impl FromStr for Path {
    type Err = PathError;

    /// Parses `/`, `/3`, … `/3/0/1/2`; a trailing slash (`/3/0/`, as SenML base names have) is
    /// accepted.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_bytes(s.bytes())
    }
}

/// Parses a path from bytes, so that a SenML base name and name can be parsed as their
/// concatenation without building it.
pub(crate) fn parse_bytes(mut bytes: impl Iterator<Item = u8>) -> Result<Path, PathError> {
    if bytes.next() != Some(b'/') {
        return Err(PathError::MissingLeadingSlash);
    }
    let mut path = Path::ROOT;
    let mut segment: Option<u32> = None;
    loop {
        match bytes.next() {
            Some(b'/') => {
                let id = segment.take().ok_or(PathError::InvalidSegment)?;
                path = path.child(id as u16).ok_or(PathError::TooDeep)?;
            }
            Some(d @ b'0'..=b'9') => {
                let id = segment.unwrap_or(0) * 10 + u32::from(d - b'0');
                if id > u32::from(u16::MAX) {
                    return Err(PathError::IdOutOfRange);
                }
                segment = Some(id);
            }
            Some(_) => return Err(PathError::InvalidSegment),
            None => {
                if let Some(id) = segment {
                    path = path.child(id as u16).ok_or(PathError::TooDeep)?;
                }
                return Ok(path);
            }
        }
    }
}

/// Parses one decimal path segment.
pub(crate) fn parse_id(segment: &str) -> Result<u16, PathError> {
    if segment.is_empty() || !segment.bytes().all(|b| b.is_ascii_digit()) {
        return Err(PathError::InvalidSegment);
    }
    // At most 5 significant digits fit; longer strings are out of range (leading zeros allowed).
    let trimmed = segment.trim_start_matches('0');
    if trimmed.len() > 5 {
        return Err(PathError::IdOutOfRange);
    }
    let mut value: u32 = 0;
    for b in trimmed.bytes() {
        value = value * 10 + u32::from(b - b'0');
    }
    u16::try_from(value).map_err(|_| PathError::IdOutOfRange)
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.len == 0 {
            return f.write_str("/");
        }
        for id in self.ids() {
            write!(f, "/{id}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Path({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_display() {
        for s in ["/", "/3", "/3/0", "/3/0/1", "/3/0/1/2", "/65535/0"] {
            let p: Path = s.parse().unwrap();
            assert_eq!(alloc_free_display(&p), s);
        }
        assert_eq!("/3/0/".parse::<Path>().unwrap(), Path::instance(3, 0));
    }

    fn alloc_free_display(p: &Path) -> heapless_str::Buf {
        let mut b = heapless_str::Buf::default();
        core::fmt::write(&mut b, format_args!("{p}")).unwrap();
        b
    }

    #[test]
    fn parse_errors() {
        assert_eq!("3/0".parse::<Path>(), Err(PathError::MissingLeadingSlash));
        assert_eq!("/3//1".parse::<Path>(), Err(PathError::InvalidSegment));
        assert_eq!("/a".parse::<Path>(), Err(PathError::InvalidSegment));
        assert_eq!("/65536".parse::<Path>(), Err(PathError::IdOutOfRange));
        assert_eq!(
            "/1000000000000".parse::<Path>(),
            Err(PathError::IdOutOfRange)
        );
        assert_eq!("/1/2/3/4/5".parse::<Path>(), Err(PathError::TooDeep));
        assert_eq!("/+1".parse::<Path>(), Err(PathError::InvalidSegment));
    }

    #[test]
    fn navigation() {
        let p = Path::resource_instance(3, 0, 7, 1);
        assert_eq!(p.parent(), Path::resource(3, 0, 7));
        assert_eq!(p.resource_path(), Some(Path::resource(3, 0, 7)));
        assert!(p.starts_with(&Path::instance(3, 0)));
        assert!(!p.starts_with(&Path::instance(3, 1)));
        assert_eq!(p.child(1), None);
        assert_eq!(Path::ROOT.parent(), Path::ROOT);
    }

    /// A tiny fixed buffer so this test runs without `alloc`.
    mod heapless_str {
        #[derive(Default)]
        pub(super) struct Buf {
            data: [u8; 32],
            len: usize,
        }
        impl core::fmt::Write for Buf {
            fn write_str(&mut self, s: &str) -> core::fmt::Result {
                let end = self.len + s.len();
                self.data
                    .get_mut(self.len..end)
                    .ok_or(core::fmt::Error)?
                    .copy_from_slice(s.as_bytes());
                self.len = end;
                Ok(())
            }
        }
        impl PartialEq<&str> for Buf {
            fn eq(&self, other: &&str) -> bool {
                &self.data[..self.len] == other.as_bytes()
            }
        }
        impl core::fmt::Debug for Buf {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                write!(f, "{:?}", core::str::from_utf8(&self.data[..self.len]))
            }
        }
    }
}
