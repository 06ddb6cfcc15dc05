//! `<Object>` and its `<Item>`s to [`ObjectDef`] and [`ResourceDef`].

use super::fields::{self, check_children, flag, required};
use super::{Ctx, Path};
use crate::diag::DiagnosticKind;
use crate::error::ParseError;
use crate::model::{ObjectDef, ResourceDef, ResourceType, Schema, Text, Version, trim};
use crate::range::{RangeNote, description_enumeration, parse_range_with};
use crate::xml::Order;
use crate::xml::object::{RawItem, RawLwm2m, RawObject};
use crate::xml::tree::Element;

pub(super) fn lower_document(
    ctx: &mut Ctx<'_, '_>,
    root: Element<'_>,
) -> Result<Vec<ObjectDef>, ParseError> {
    let root_pos = root.pos();
    let raw = RawLwm2m::from_element(root);
    if raw.root_name != "LWM2M" {
        ctx.diag(
            DiagnosticKind::UnknownElement,
            None,
            root_pos,
            format!("root element is <{}>, expected <LWM2M>", raw.root_name),
        );
    }
    let schema = schema_of(raw.schema_location);
    if schema == Schema::Unknown {
        let what = raw.schema_location.unwrap_or("no schema location");
        ctx.diag(
            DiagnosticKind::SchemaMismatch,
            None,
            root_pos,
            format!("unknown schema: {what}"),
        );
    }
    check_children(ctx, Order::default(), &raw.unknown, Path::File);
    if raw.count == 0 {
        let (line, col) = ctx.src.line_col(root_pos);
        return Err(ParseError::Unusable {
            file: ctx.file.to_string(),
            line,
            col,
            message: "no <Object> element".into(),
        });
    }
    let mut out = Vec::with_capacity(raw.count);
    for o in raw.objects() {
        out.push(lower_object(ctx, o, schema)?);
    }
    Ok(out)
}

fn schema_of(location: Option<&str>) -> Schema {
    let file = location.map(|l| l.rsplit('/').next().unwrap_or(l).trim());
    match file {
        Some("LWM2M.xsd") => Schema::Lwm2m10,
        Some("LWM2M-v1_1.xsd") => Schema::Lwm2m11,
        Some("LWM2M-v1_2.xsd") => Schema::Lwm2m12,
        _ => Schema::Unknown,
    }
}

fn lower_object(
    ctx: &mut Ctx<'_, '_>,
    o: RawObject<'_>,
    schema: Schema,
) -> Result<ObjectDef, ParseError> {
    let unusable = |ctx: &Ctx<'_, '_>, pos: usize, message: String| {
        let (line, col) = ctx.src.line_col(pos);
        ParseError::Unusable {
            file: ctx.file.to_string(),
            line,
            col,
            message,
        }
    };
    let id_field = o
        .object_id
        .as_ref()
        .ok_or_else(|| unusable(ctx, o.pos, "<ObjectID> is missing".into()))?;
    let id: u16 = trim(id_field.text).parse().map_err(|_| {
        unusable(
            ctx,
            id_field.pos,
            format!(
                "<ObjectID> {:?} is not a number from 0 to 65535",
                id_field.text.trim()
            ),
        )
    })?;
    let path = Path::Object(id);
    check_children(ctx, o.order, &o.unknown, path);
    if let Some(t) = o.object_type.filter(|t| *t != "MODefinition") {
        ctx.diag(
            DiagnosticKind::InvalidValue,
            Some(path),
            o.pos,
            format!("ObjectType {t:?}; expected \"MODefinition\""),
        );
    }
    let name = match required(ctx, o.name.as_ref(), "Name", path, o.pos) {
        Some(f) => fields::name(ctx, f, path),
        None => format!("Object {id}").into(),
    };
    let urn = required(ctx, o.object_urn.as_ref(), "ObjectURN", path, o.pos)
        .map(|f| ctx.text(trim(f.text)))
        .unwrap_or_default();
    required(ctx, o.description1.as_ref(), "Description1", path, o.pos);
    let description = description(ctx, &o);
    let lwm2m_version = fields::version(ctx, o.lwm2m_version.as_ref(), "LWM2MVersion", path);
    let object_version = fields::version(ctx, o.object_version.as_ref(), "ObjectVersion", path);
    check_schema(ctx, schema, lwm2m_version, &o, path);
    let multiple = flag(
        ctx,
        o.multiple_instances.as_ref(),
        "Multiple",
        "Single",
        "MultipleInstances",
        path,
        o.pos,
    );
    let mandatory = flag(
        ctx,
        o.mandatory.as_ref(),
        "Mandatory",
        "Optional",
        "Mandatory",
        path,
        o.pos,
    );
    let resources = match o.resources {
        Some(r) => {
            check_children(ctx, Order::default(), &r.unknown, path);
            let mut out = Vec::with_capacity(r.count);
            r.each_item(|it| lower_item(ctx, it, id, &mut out));
            out
        }
        None => {
            ctx.diag(
                DiagnosticKind::MissingElement,
                Some(path),
                o.pos,
                "<Resources> is missing".into(),
            );
            Vec::new()
        }
    };
    Ok(ObjectDef {
        id,
        name,
        description,
        urn,
        object_version,
        lwm2m_version,
        multiple,
        mandatory,
        resources,
        schema,
        loc: ctx.loc(o.pos),
    })
}

/// `Description1`, then `Description2` after a blank line when there is one.
fn description(ctx: &Ctx<'_, '_>, o: &RawObject<'_>) -> Text {
    let d1 = fields::text(ctx, o.description1.as_ref());
    let d2 = o.description2.as_ref().map_or("", |f| trim(f.text));
    if d2.is_empty() {
        return d1;
    }
    format!("{d1}\n\n{d2}").into()
}

/// The 1.0 schema has no `LWM2MVersion`; a 1.0 schema with a 1.1 object (or the reverse)
/// is a mismatch.
fn check_schema(
    ctx: &mut Ctx<'_, '_>,
    schema: Schema,
    lwm2m: Version,
    o: &RawObject<'_>,
    path: Path,
) {
    let pos = o.lwm2m_version.as_ref().map_or(o.pos, |f| f.pos);
    let declared = match schema {
        Schema::Lwm2m10 => Version::V1_0,
        Schema::Lwm2m11 => Version::V1_1,
        Schema::Lwm2m12 => Version::V1_2,
        Schema::Unknown => return,
    };
    if lwm2m > declared {
        let msg = format!("declares the LwM2M {declared} schema but uses LWM2MVersion {lwm2m}");
        ctx.diag(DiagnosticKind::SchemaMismatch, Some(path), pos, msg);
    }
}

/// Lowers one `<Item>` onto the end of `out` (pushed there rather than returned as an
/// `Option` to extend `out` with, which moved the resource once more: 0.28M instructions per
/// registry parse; issue #2).
fn lower_item(ctx: &mut Ctx<'_, '_>, it: &RawItem<'_>, object: u16, out: &mut Vec<ResourceDef>) {
    let Some(id) = it.id.and_then(|s| trim(s).parse::<u16>().ok()) else {
        let msg = format!(
            "<Item> has no valid ID attribute ({:?}); resource skipped",
            it.id
        );
        ctx.diag(
            DiagnosticKind::InvalidValue,
            Some(Path::Object(object)),
            it.pos,
            msg,
        );
        return;
    };
    let path = Path::Resource(object, id);
    check_children(ctx, it.order, &it.unknown, path);
    let name = match required(ctx, it.name.as_ref(), "Name", path, it.pos) {
        Some(f) => fields::name(ctx, f, path),
        None => format!("Resource {id}").into(),
    };
    let operations = fields::operations(ctx, it.operations.as_ref(), path, it.pos);
    let multiple = flag(
        ctx,
        it.multiple_instances.as_ref(),
        "Multiple",
        "Single",
        "MultipleInstances",
        path,
        it.pos,
    );
    let mandatory = flag(
        ctx,
        it.mandatory.as_ref(),
        "Mandatory",
        "Optional",
        "Mandatory",
        path,
        it.pos,
    );
    let kind = fields::resource_type(ctx, it.kind.as_ref(), path, it.pos);
    let description = fields::text(ctx, it.description.as_ref());
    let range_field = required(
        ctx,
        it.range_enumeration.as_ref(),
        "RangeEnumeration",
        path,
        it.pos,
    );
    let range_pos = range_field.map_or(it.pos, |f| f.pos);
    let parsed = parse_range_with(range_field.map_or("", |f| f.text), &|l| ctx.text(l));
    for note in &parsed.notes {
        let (kind, msg) = match note {
            RangeNote::NonStandardSyntax(form) => (
                DiagnosticKind::NonStandardRange,
                format!("range written as {form}"),
            ),
            RangeNote::Unparsed => (
                DiagnosticKind::UnparsedRange,
                format!(
                    "range {:?} kept as text",
                    range_field.map_or("", |f| f.text.trim())
                ),
            ),
        };
        ctx.diag(kind, Some(path), range_pos, msg);
    }
    let mut enumeration = parsed.enumeration;
    if enumeration.is_empty()
        && matches!(kind, ResourceType::Integer | ResourceType::UnsignedInteger)
    {
        enumeration = description_enumeration(&description);
    }
    let units = required(ctx, it.units.as_ref(), "Units", path, it.pos)
        .map(|f| ctx.text(trim(f.text)))
        .unwrap_or_default();
    out.push(ResourceDef {
        id,
        name,
        operations,
        multiple,
        mandatory,
        kind,
        range: parsed.range,
        enumeration,
        units,
        description,
        loc: ctx.loc(it.pos),
    });
}
