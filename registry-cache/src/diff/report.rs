//! Text rendering of a [`RegistryDiff`] and per-impact counts. (JSON is `serde_json` on the
//! same types.)

use std::fmt;

use serde::Serialize;

use super::{Change, ChangeKind, Impact, RegistryDiff};

/// Number of changes per impact.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub breaking: usize,
    pub additive: usize,
    pub cosmetic: usize,
}

impl RegistryDiff {
    /// Counts of changes per impact.
    pub fn summary(&self) -> Summary {
        let mut s = Summary::default();
        for c in &self.changes {
            match c.impact {
                Impact::Breaking => s.breaking += 1,
                Impact::Additive => s.additive += 1,
                Impact::Cosmetic => s.cosmetic += 1,
            }
        }
        s
    }
}

impl fmt::Display for Impact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Impact::Breaking => "breaking",
            Impact::Additive => "additive",
            Impact::Cosmetic => "cosmetic",
        })
    }
}

impl fmt::Display for RegistryDiff {
    /// One header line, then one line per change:
    /// `breaking  /3303/5700  type Float -> Integer`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.summary();
        writeln!(
            f,
            "{} -> {} objects, {} changes: {} breaking, {} additive, {} cosmetic",
            self.old_objects,
            self.new_objects,
            self.changes.len(),
            s.breaking,
            s.additive,
            s.cosmetic
        )?;
        for file in &self.unreadable {
            writeln!(f, "warning: not compared (unreadable): {file}")?;
        }
        for c in &self.changes {
            writeln!(f, "{c}")?;
        }
        Ok(())
    }
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = match self.resource {
            Some(r) => format!("/{}/{r}", self.object),
            None => format!("/{}", self.object),
        };
        write!(f, "{:<9} {path:<12} {}", self.impact, self.kind)
    }
}

impl fmt::Display for ChangeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let yes_no = |b: &bool| if *b { "yes" } else { "no" };
        match self {
            ChangeKind::ObjectAdded { name, version } => {
                write!(f, "object added: {name:?} version {version}")
            }
            ChangeKind::ObjectRemoved { name, version } => {
                write!(f, "object removed: {name:?} version {version}")
            }
            ChangeKind::VersionAdded { version } => write!(f, "version {version} added"),
            ChangeKind::VersionRemoved { version } => write!(f, "version {version} removed"),
            ChangeKind::VersionRevised { version, changes } => {
                write!(
                    f,
                    "published version {version} edited in place ({changes} changes)"
                )
            }
            ChangeKind::ObjectName { old, new } => write!(f, "object name {old:?} -> {new:?}"),
            ChangeKind::ObjectDescription => f.write_str("object description changed"),
            ChangeKind::ObjectMultiple { old, new } => write!(
                f,
                "object multiple instances {} -> {}",
                yes_no(old),
                yes_no(new)
            ),
            ChangeKind::ObjectMandatory { old, new } => {
                write!(f, "object mandatory {} -> {}", yes_no(old), yes_no(new))
            }
            ChangeKind::Lwm2mVersion { old, new } => write!(f, "LwM2M version {old} -> {new}"),
            ChangeKind::ResourceAdded { name, mandatory } => {
                let m = if *mandatory { "mandatory" } else { "optional" };
                write!(f, "{m} resource added: {name:?}")
            }
            ChangeKind::ResourceRemoved { name } => write!(f, "resource removed: {name:?}"),
            ChangeKind::ResourceName { old, new } => write!(f, "name {old:?} -> {new:?}"),
            ChangeKind::ResourceDescription => f.write_str("description changed"),
            ChangeKind::Type { old, new } => write!(f, "type {old} -> {new}"),
            ChangeKind::Operations { old, new } => write!(f, "operations {old:?} -> {new:?}"),
            ChangeKind::Multiple { old, new } => {
                write!(f, "multiple {} -> {}", yes_no(old), yes_no(new))
            }
            ChangeKind::Mandatory { old, new } => {
                write!(f, "mandatory {} -> {}", yes_no(old), yes_no(new))
            }
            ChangeKind::Range { old, new } => write!(f, "range {old:?} -> {new:?}"),
            ChangeKind::Enumeration {
                added,
                removed,
                relabeled,
            } => write!(
                f,
                "enumeration: added {added:?}, removed {removed:?}, relabeled {relabeled:?}"
            ),
            ChangeKind::Units { old, new } => write!(f, "units {old:?} -> {new:?}"),
        }
    }
}
