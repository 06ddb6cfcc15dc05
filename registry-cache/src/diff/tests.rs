//! Unit tests on hand-built objects.

use lwm2m_codegen::model::{
    Bound, EnumSource, EnumVariant, Loc, ObjectDef, Operations, Range, ResourceDef, ResourceType,
    Schema, Text, Version,
};

use super::*;

fn res(id: u16, name: &str, kind: ResourceType, operations: Operations) -> ResourceDef {
    ResourceDef {
        id,
        name: name.into(),
        operations,
        multiple: false,
        mandatory: false,
        kind,
        range: Range::Any,
        enumeration: Vec::new(),
        units: Text::new(),
        description: Text::new(),
        loc: Loc::synthetic("test"),
    }
}

fn obj(id: u16, version: Version, resources: Vec<ResourceDef>) -> ObjectDef {
    ObjectDef {
        id,
        name: format!("Object {id}").into(),
        description: "An object.".into(),
        urn: format!("urn:oma:lwm2m:ext:{id}").into(),
        object_version: version,
        lwm2m_version: Version::V1_0,
        multiple: true,
        mandatory: false,
        resources,
        schema: Schema::Lwm2m10,
        loc: Loc::synthetic("test"),
    }
}

fn temp_v1() -> ObjectDef {
    let mut value = res(5700, "Sensor Value", ResourceType::Float, Operations::R);
    value.mandatory = true;
    value.range = Range::Span {
        min: Bound::Int(-40),
        max: Bound::Int(85),
    };
    value.units = "Cel".into();
    let reset = res(
        5605,
        "Reset Min and Max Measured Values",
        ResourceType::None,
        Operations::E,
    );
    obj(3303, Version::V1_0, vec![reset, value])
}

fn run(old: &[ObjectDef], new: &[ObjectDef]) -> RegistryDiff {
    diff(
        Snapshot {
            current: old,
            history: &[],
        },
        Snapshot {
            current: new,
            history: &[],
        },
    )
}

fn only(d: &RegistryDiff) -> &Change {
    assert_eq!(d.changes.len(), 1, "{d}");
    &d.changes[0]
}

#[test]
fn identical_registries_have_no_changes() {
    let d = run(&[temp_v1()], &[temp_v1()]);
    assert!(d.changes.is_empty());
    assert_eq!(d.max_impact(), None);
}

#[test]
fn object_added_and_removed() {
    let d = run(&[temp_v1()], &[obj(3304, Version::V1_0, vec![])]);
    assert_eq!(d.changes.len(), 2);
    assert_eq!(d.object(3303).next().unwrap().impact, Impact::Breaking);
    let added = d.object(3304).next().unwrap();
    assert_eq!(added.impact, Impact::Additive);
    assert!(matches!(&added.kind, ChangeKind::ObjectAdded { version, .. } if version == "1.0"));
}

#[test]
fn new_version_kept_in_history_is_additive() {
    let old = [temp_v1()];
    let mut v11 = temp_v1();
    v11.object_version = Version::V1_1;
    let history = [temp_v1()];
    let d = diff(
        Snapshot {
            current: &old,
            history: &[],
        },
        Snapshot {
            current: std::slice::from_ref(&v11),
            history: &history,
        },
    );
    let c = only(&d);
    assert_eq!(
        c.kind,
        ChangeKind::VersionAdded {
            version: "1.1".into()
        }
    );
    assert_eq!(c.impact, Impact::Additive);
}

#[test]
fn resource_changes_are_classified() {
    let old = temp_v1();
    let mut new = temp_v1();
    new.resources[1].kind = ResourceType::Integer; // type change
    new.resources[1].units = "°C".into(); // units text
    new.resources.push(res(
        5701,
        "Sensor Units",
        ResourceType::String,
        Operations::R,
    ));
    let d = run(&[old], &[new]);
    let kinds: Vec<(Option<u16>, Impact)> =
        d.changes.iter().map(|c| (c.resource, c.impact)).collect();
    assert_eq!(
        kinds,
        [
            (Some(5700), Impact::Breaking),
            (Some(5700), Impact::Cosmetic),
            (Some(5701), Impact::Additive),
        ]
    );
    assert_eq!(
        d.summary(),
        Summary {
            breaking: 1,
            additive: 1,
            cosmetic: 1
        }
    );
}

#[test]
fn operations_widened_or_narrowed() {
    let with_ops = |ops| {
        obj(
            1,
            Version::V1_0,
            vec![res(1, "Lifetime", ResourceType::Integer, ops)],
        )
    };
    let widened = run(&[with_ops(Operations::R)], &[with_ops(Operations::RW)]);
    assert_eq!(only(&widened).impact, Impact::Additive);
    let narrowed = run(&[with_ops(Operations::RW)], &[with_ops(Operations::R)]);
    assert_eq!(only(&narrowed).impact, Impact::Breaking);
    let swapped = run(&[with_ops(Operations::R)], &[with_ops(Operations::E)]);
    assert_eq!(only(&swapped).impact, Impact::Breaking);
}

#[test]
fn multiplicity_and_mandatory() {
    let base = || {
        obj(
            1,
            Version::V1_0,
            vec![res(7, "Value", ResourceType::Integer, Operations::R)],
        )
    };
    let mut multi = base();
    multi.resources[0].multiple = true;
    assert_eq!(only(&run(&[base()], &[multi])).impact, Impact::Breaking);
    let mut mandatory = base();
    mandatory.resources[0].mandatory = true;
    assert_eq!(only(&run(&[base()], &[mandatory])).impact, Impact::Breaking);
    let mut single_obj = base();
    single_obj.multiple = false;
    let c = run(&[base()], &[single_obj]);
    assert_eq!(
        only(&c).kind,
        ChangeKind::ObjectMultiple {
            old: true,
            new: false
        }
    );
    let mut mandatory_obj = base();
    mandatory_obj.mandatory = true;
    assert_eq!(
        only(&run(&[base()], &[mandatory_obj.clone()])).impact,
        Impact::Breaking
    );
    assert_eq!(
        only(&run(&[mandatory_obj], &[base()])).impact,
        Impact::Additive
    );
}

#[test]
fn new_mandatory_resource_breaks_implementors() {
    let mut new = temp_v1();
    let mut r = res(
        5750,
        "Application Type",
        ResourceType::String,
        Operations::RW,
    );
    r.mandatory = true;
    new.resources.push(r);
    let c = run(&[temp_v1()], &[new]);
    assert_eq!(only(&c).impact, Impact::Breaking);
}

#[test]
fn renames_judged_by_identifier() {
    let mut respelled = temp_v1();
    respelled.resources[1].name = "Sensor  value".into(); // same `sensor_value`
    assert_eq!(
        only(&run(&[temp_v1()], &[respelled])).impact,
        Impact::Cosmetic
    );
    let mut renamed = temp_v1();
    renamed.resources[1].name = "Measured Value".into();
    assert_eq!(
        only(&run(&[temp_v1()], &[renamed])).impact,
        Impact::Breaking
    );
    let mut described = temp_v1();
    described.description = "An  object.\r\n".into(); // whitespace only: no change
    assert!(run(&[temp_v1()], &[described.clone()]).changes.is_empty());
    described.description = "Another object.".into();
    let c = run(&[temp_v1()], &[described]);
    assert_eq!(only(&c).kind, ChangeKind::ObjectDescription);
    assert_eq!(only(&c).impact, Impact::Cosmetic);
}

#[test]
fn range_and_enumeration() {
    let mut wider = temp_v1();
    wider.resources[1].range = Range::Span {
        min: Bound::Int(-50),
        max: Bound::Int(150),
    };
    let c = run(&[temp_v1()], &[wider]);
    assert_eq!(only(&c).impact, Impact::Additive);
    assert_eq!(
        only(&c).kind,
        ChangeKind::Range {
            old: "-40..85".into(),
            new: "-50..150".into()
        }
    );

    let variant = |value, label: &str| EnumVariant {
        value,
        label: label.into(),
        source: EnumSource::Range,
    };
    let mut a = temp_v1();
    a.resources[1].enumeration = vec![variant(0, "Off"), variant(1, "On")];
    let mut b = a.clone();
    b.resources[1].enumeration.push(variant(2, "Blinking"));
    assert_eq!(only(&run(&[a.clone()], &[b])).impact, Impact::Additive);
    let mut c = a.clone();
    c.resources[1].enumeration[1].label = "ON".into(); // same identifier `On`
    let relabeled = run(&[a.clone()], &[c]);
    assert_eq!(only(&relabeled).impact, Impact::Cosmetic);
    let mut d = a.clone();
    d.resources[1].enumeration.pop();
    assert_eq!(only(&run(&[a], &[d])).impact, Impact::Breaking);
}

#[test]
fn json_and_text_output() {
    let mut new = temp_v1();
    new.resources[1].kind = ResourceType::Integer;
    let d = run(&[temp_v1()], &[new]);
    let json = serde_json::to_value(&d).unwrap();
    let c = &json["changes"][0];
    assert_eq!(c["object"], 3303);
    assert_eq!(c["resource"], 5700);
    assert_eq!(c["impact"], "breaking");
    assert_eq!(c["change"], "type");
    assert_eq!(c["old"], "Float");
    let text = d.to_string();
    assert!(text.contains("1 breaking"), "{text}");
    assert!(
        text.contains("/3303/5700") && text.contains("type Float -> Integer"),
        "{text}"
    );
}

#[test]
fn published_version_edited_in_place() {
    let mut v11 = temp_v1();
    v11.object_version = Version::V1_1;
    let old_history = [temp_v1()];
    let mut edited = temp_v1();
    edited.resources[1].kind = ResourceType::Integer;
    let new_history = [edited];
    let d = diff(
        Snapshot {
            current: std::slice::from_ref(&v11),
            history: &old_history,
        },
        Snapshot {
            current: std::slice::from_ref(&v11),
            history: &new_history,
        },
    );
    let c = only(&d);
    assert_eq!(
        c.kind,
        ChangeKind::VersionRevised {
            version: "1.0".into(),
            changes: 1
        }
    );
    assert_eq!(c.impact, Impact::Breaking);
}
