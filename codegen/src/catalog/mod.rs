//! A browsable Markdown catalog of registry objects, rendered with askama: `index.md` and one
//! page per object (every version, every Resource, as facts: no description prose).

use std::path::Path;

use askama::Template;

use crate::emit::{feature_for, object_groups};
use crate::load::Registry;
use crate::model::{ObjectDef, Range, RangeItem};

struct Row {
    id: u16,
    name: String,
    versions: String,
    feature: &'static str,
    module: String,
    resources: usize,
}

#[derive(Template)]
#[template(path = "catalog/index.md")]
struct Index {
    registry: String,
    rows: Vec<Row>,
}

struct ResRow {
    id: u16,
    name: String,
    kind: &'static str,
    ops: &'static str,
    mandatory: &'static str,
    multiple: &'static str,
    units: String,
    range: String,
    labels: String,
}

struct VersionView {
    version: String,
    urn: String,
    lwm2m: String,
    multiple: bool,
    mandatory: bool,
    resources: Vec<ResRow>,
}

#[derive(Template)]
#[template(path = "catalog/object.md")]
struct ObjectPage {
    id: u16,
    name: String,
    module: String,
    feature: &'static str,
    versions: Vec<VersionView>,
}

/// Markdown-table-safe text.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace(['\n', '\r'], " ")
}

fn range_text(r: &Range) -> String {
    let b = |x: &crate::model::Bound| x.to_string();
    match r {
        Range::Any | Range::Enumeration => String::new(),
        Range::Span { min, max } => format!("{}..{}", b(min), b(max)),
        Range::Set(items) => items
            .iter()
            .map(|i| match i {
                RangeItem::Value(v) => b(v),
                RangeItem::Span(x, y) => format!("{}..{}", b(x), b(y)),
            })
            .collect::<Vec<_>>()
            .join(", "),
        Range::Length { min, max } => format!("{min}..{max} bytes"),
        Range::Lengths(v) => format!(
            "{} bytes",
            v.iter().map(u64::to_string).collect::<Vec<_>>().join(", ")
        ),
        Range::Strings(v) => v.join(";"),
        _ => "(not machine-readable)".to_owned(),
    }
}

fn version_view(o: &ObjectDef) -> VersionView {
    let yes = |b: bool| if b { "yes" } else { "no" };
    VersionView {
        version: o.object_version.to_string(),
        urn: o.urn.to_string(),
        lwm2m: o.lwm2m_version.to_string(),
        multiple: o.multiple,
        mandatory: o.mandatory,
        resources: o
            .resources
            .iter()
            .map(|r| ResRow {
                id: r.id,
                name: cell(&r.name),
                kind: if r.kind.as_str().is_empty() {
                    "—"
                } else {
                    r.kind.as_str()
                },
                ops: r.operations.as_str(),
                mandatory: yes(r.mandatory),
                multiple: yes(r.multiple),
                units: cell(&r.units),
                range: cell(&range_text(&r.range)),
                labels: cell(
                    &r.enumeration
                        .iter()
                        .map(|v| format!("{}: {}", v.value, v.label))
                        .collect::<Vec<_>>()
                        .join("; "),
                ),
            })
            .collect(),
    }
}

/// Renders the catalog into `dir` (`index.md`, `<id>.md`); returns the number of pages.
pub fn write(reg: &Registry, ids: Option<&[u16]>, dir: &Path) -> std::io::Result<usize> {
    let groups = object_groups(reg, ids);
    let mut rows = Vec::new();
    for g in &groups {
        let newest = g.versions[g.versions.len() - 1];
        let page = ObjectPage {
            id: newest.id,
            name: cell(&newest.name),
            module: g.module.clone(),
            feature: feature_for(newest.id),
            versions: g.versions.iter().rev().map(|o| version_view(o)).collect(),
        };
        let text = page.render().map_err(std::io::Error::other)?;
        crate::emit::write_if_changed(&dir.join(format!("{}.md", newest.id)), &text)?;
        rows.push(Row {
            id: newest.id,
            name: cell(&newest.name),
            versions: g
                .versions
                .iter()
                .map(|o| o.object_version.to_string())
                .collect::<Vec<_>>()
                .join(", "),
            feature: g.feature,
            module: g.module.clone(),
            resources: newest.resources.len(),
        });
    }
    let index = Index {
        registry: reg.root.display().to_string(),
        rows,
    };
    let text = index.render().map_err(std::io::Error::other)?;
    crate::emit::write_if_changed(&dir.join("index.md"), &text)?;
    Ok(groups.len() + 1)
}
