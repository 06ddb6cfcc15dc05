//! `Common.xml` items to [`CommonResource`]s.

use super::fields::{self, check_children, required};
use super::{Ctx, Path};
use crate::diag::DiagnosticKind;
use crate::model::{CommonResource, ResourceDef, trim};
use crate::range::parse_range_with;
use crate::xml::Order;
use crate::xml::common::RawCommon;
use crate::xml::tree::Element;

pub(super) fn lower(ctx: &mut Ctx<'_, '_>, root: Element<'_>) -> Vec<CommonResource> {
    let raw = RawCommon::from_element(root);
    check_children(ctx, Order::default(), &raw.unknown, Path::File);
    let mut out = Vec::with_capacity(raw.items.len());
    for it in raw.items {
        let Some(id) = it.id.and_then(|s| trim(s).parse::<u16>().ok()) else {
            ctx.diag(
                DiagnosticKind::InvalidValue,
                None,
                it.pos,
                "reusable <Item> has no valid ID".into(),
            );
            continue;
        };
        let path = Path::Common(id);
        check_children(ctx, it.order, &it.unknown, path);
        let name = match required(ctx, it.name.as_ref(), "Name", path, it.pos) {
            Some(f) => fields::name(ctx, f, path),
            None => format!("Resource {id}").into(),
        };
        let range_text = it.range_enumeration.as_ref().map_or("", |f| f.text);
        let parsed = parse_range_with(range_text, &|l| ctx.text(l));
        let resource = ResourceDef {
            id,
            name,
            operations: fields::operations(ctx, it.operations.as_ref(), path, it.pos),
            // The reusable-resource schema has neither element: a reusing object decides.
            multiple: false,
            mandatory: false,
            kind: fields::resource_type(ctx, it.kind.as_ref(), path, it.pos),
            range: parsed.range,
            enumeration: parsed.enumeration,
            units: fields::text(ctx, it.units.as_ref()),
            description: fields::text(ctx, it.description.as_ref()),
            loc: ctx.loc(it.pos),
        };
        out.push(CommonResource { resource });
    }
    out
}
