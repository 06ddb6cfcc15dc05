//! `DDF.xml` rows to [`IndexEntry`]s.

use super::Ctx;
use super::fields;
use crate::diag::DiagnosticKind;
use crate::model::{IndexEntry, Version, trim};
use crate::xml::ddf;
use crate::xml::tree::Element;

pub(super) fn lower(ctx: &mut Ctx<'_, '_>, root: Element<'_>) -> Vec<IndexEntry> {
    let rows = root.children().filter(|c| c.name() == "Item").count();
    let mut out = Vec::with_capacity(rows);
    for item in ddf::items(root) {
        let Some(object_id) = item
            .object_id
            .as_ref()
            .and_then(|f| trim(f.text).parse::<u16>().ok())
        else {
            ctx.diag(
                DiagnosticKind::InvalidValue,
                None,
                item.pos,
                "index row without a valid <ObjectID>".into(),
            );
            continue;
        };
        out.push(IndexEntry {
            object_id,
            urn: fields::text(ctx, item.urn.as_ref()),
            name: fields::text(ctx, item.name.as_ref()),
            owner: fields::text(ctx, item.owner.as_ref()),
            version: item.ver.as_ref().and_then(|f| Version::parse(f.text)),
            ddf: fields::text(ctx, item.ddf.as_ref()),
            loc: ctx.loc(item.pos),
        });
    }
    out
}
