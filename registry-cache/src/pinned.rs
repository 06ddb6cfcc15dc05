//! Which files of a registry are pinned, and what the lock records about each.
//!
//! Pinned: every top-level `*.xml` (object files plus `Common.xml`, `DDF.xml`,
//! `LWM2M_senml_units.xml`), every `version_history/*.xml`, and the top-level `*.xsd` schemas.
//! Paths are registry-relative, `/`-separated.

use std::cmp::Ordering;
use std::path::Path;

use lwm2m_codegen::model::Version;
use quick_xml::Reader;
use quick_xml::events::Event;

/// Files every registry has besides its object files; always pinned and always fetched.
pub const EXTRA_FILES: [&str; 5] = [
    "Common.xml",
    "DDF.xml",
    "LWM2M_senml_units.xml",
    "LWM2M.xsd",
    "LWM2M-v1_1.xsd",
];

/// The registry sub-directory holding older object versions.
pub(crate) const HISTORY_DIR: &str = "version_history";

/// `true` if `rel` is a plain relative path (no `..`, no absolute, no `\`) that the lock pins.
pub fn is_pinned_path(rel: &str) -> bool {
    if !is_safe_path(rel) {
        return false;
    }
    match rel.split('/').collect::<Vec<_>>().as_slice() {
        [name] => name.ends_with(".xml") || name.ends_with(".xsd"),
        [dir, name] => *dir == HISTORY_DIR && name.ends_with(".xml"),
        _ => false,
    }
}

/// `true` if `rel` cannot escape the directory it is joined to.
pub(crate) fn is_safe_path(rel: &str) -> bool {
    !rel.is_empty()
        && !rel.contains('\\')
        && !rel.contains(':')
        && rel
            .split('/')
            .all(|c| !c.is_empty() && c != "." && c != ".." && !c.starts_with('.'))
}

/// All pinned files present in `dir`, in lock order: top-level files first, numeric names
/// by number (`2.xml` before `10.xml`), then `version_history/`.
pub fn list_pinned(dir: &Path) -> std::io::Result<Vec<String>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
            continue;
        };
        let kind = entry.file_type()?;
        if kind.is_dir() && name == HISTORY_DIR {
            for sub in std::fs::read_dir(entry.path())? {
                let sub = sub?;
                if let Some(sub_name) = sub.file_name().to_str() {
                    let rel = format!("{HISTORY_DIR}/{sub_name}");
                    if sub.file_type()?.is_file() && is_pinned_path(&rel) {
                        out.push(rel);
                    }
                }
            }
        } else if kind.is_file() && is_pinned_path(&name) {
            out.push(name);
        }
    }
    out.sort_by(|a, b| path_order(a, b));
    Ok(out)
}

/// Lock order: top-level files before `version_history/`, then by leading object id
/// numerically (`2.xml` before `10.xml`), then by name.
pub(crate) fn path_order(a: &str, b: &str) -> Ordering {
    fn key(p: &str) -> (bool, Option<u64>, &str) {
        let (nested, name) = match p.rsplit_once('/') {
            Some((_, name)) => (true, name),
            None => (false, p),
        };
        let digits: String = name.chars().take_while(char::is_ascii_digit).collect();
        (nested, digits.parse().ok().or(Some(u64::MAX)), p)
    }
    key(a).cmp(&key(b))
}

/// The object files named by `DDF.xml` (the registry index), plus [`EXTRA_FILES`], deduplicated
/// and in lock order. Entries that are empty or not plain registry paths are skipped.
pub fn ddf_file_list(ddf_xml: &[u8]) -> Vec<String> {
    let mut out: Vec<String> = EXTRA_FILES.iter().map(|s| (*s).to_owned()).collect();
    let mut reader = Reader::from_reader(strip_bom(ddf_xml));
    let mut buf = Vec::new();
    let mut in_ddf = false;
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => in_ddf = e.local_name().as_ref() == b"DDF",
            Ok(Event::End(_)) => in_ddf = false,
            Ok(Event::Text(t)) if in_ddf => {
                let text = String::from_utf8_lossy(&t).trim().to_owned();
                if is_pinned_path(&text) {
                    out.push(text);
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
        buf.clear();
    }
    out.sort_by(|a, b| path_order(a, b));
    out.dedup();
    out
}

/// The `<ObjectID>` and `<ObjectVersion>` of an object file (`LWM2M/Object/…`); `None` for
/// files that are not object definitions or lack the element. Never fails: malformed XML just
/// yields what was read before the error.
pub fn object_info(xml: &[u8]) -> (Option<u16>, Option<Version>) {
    let mut reader = Reader::from_reader(strip_bom(xml));
    let mut buf = Vec::new();
    let mut stack: Vec<Vec<u8>> = Vec::new();
    let (mut id, mut version) = (None, None);
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => {
                let name = e.local_name().as_ref().to_vec();
                if name == b"Resources" {
                    break; // id and version come before the resources
                }
                stack.push(name);
            }
            Ok(Event::End(_)) => {
                stack.pop();
            }
            Ok(Event::Text(t)) => {
                let at = |leaf: &[u8]| {
                    matches!(stack.as_slice(), [root, obj, l]
                        if root == b"LWM2M" && obj == b"Object" && l == leaf)
                };
                let text = String::from_utf8_lossy(&t);
                if at(b"ObjectID") {
                    id = text.trim().parse().ok();
                } else if at(b"ObjectVersion") {
                    version = Version::parse(&text);
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
        buf.clear();
    }
    (id, version)
}

fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pinned_paths() {
        assert!(is_pinned_path("3303.xml"));
        assert!(is_pinned_path("LWM2M-v1_1.xsd"));
        assert!(is_pinned_path("version_history/3-1_1.xml"));
        assert!(!is_pinned_path("README.md"));
        assert!(!is_pinned_path("../etc/x.xml"));
        assert!(!is_pinned_path("/abs.xml"));
        assert!(!is_pinned_path("other/3.xml"));
        assert!(!is_pinned_path(".3.xml.part"));
        assert!(!is_pinned_path("version_history/a/b.xml"));
    }

    #[test]
    fn order_is_numeric_then_history() {
        let mut v = vec!["version_history/1-1_0.xml", "10.xml", "Common.xml", "2.xml"];
        v.sort_by(|a, b| path_order(a, b));
        assert_eq!(
            v,
            ["2.xml", "10.xml", "Common.xml", "version_history/1-1_0.xml"]
        );
    }

    #[test]
    fn reads_id_and_version_not_resource_ids() {
        let xml = "\u{feff}<?xml version=\"1.0\"?><LWM2M><!-- <ObjectID>9</ObjectID> --><Object>\
            <Name>T</Name><ObjectID> 3303 </ObjectID><ObjectURN/><ObjectVersion>1.1</ObjectVersion>\
            <Resources><Item ID=\"1\"><ObjectID>7</ObjectID></Item></Resources></Object></LWM2M>";
        assert_eq!(
            object_info(xml.as_bytes()),
            (Some(3303), Some(Version::V1_1))
        );
        assert_eq!(
            object_info(b"<LWM2M><Object><ObjectID>5</ObjectID>"),
            (Some(5), None)
        );
        assert_eq!(
            object_info(b"<DDFList><Item><ObjectID>0</ObjectID></Item></DDFList>"),
            (None, None)
        );
    }

    #[test]
    fn ddf_lists_objects_and_extras() {
        let ddf =
            b"<DDFList><Item><ObjectID>0</ObjectID><DDF>version_history/0-1_0.xml</DDF></Item>\
            <Item><DDF>3.xml</DDF></Item><Item><DDF></DDF></Item><Item><DDF> 3.xml </DDF></Item>\
            <Item><DDF>../x.xml</DDF></Item></DDFList>";
        let list = ddf_file_list(ddf);
        assert_eq!(list.len(), EXTRA_FILES.len() + 2);
        assert_eq!(list[0], "3.xml");
        assert!(list.contains(&"version_history/0-1_0.xml".to_owned()));
    }
}
