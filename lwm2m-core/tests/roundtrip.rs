//! Property tests: every format round-trips generated content, and all structured formats agree
//! on the same content (cross-format test).

mod common;

use std::collections::BTreeMap;

use common::{device_full, resolver, sorted_records, temperatures};
use lwm2m_core::codec::{self, text};
use lwm2m_core::{
    Content, ContentFormat, Instance, Node, ObjLink, Path, Resource, ResourceType, ResourceValue,
    Value,
};
use proptest::prelude::*;

const TYPES: [ResourceType; 9] = [
    ResourceType::String,
    ResourceType::Integer,
    ResourceType::UnsignedInteger,
    ResourceType::Float,
    ResourceType::Boolean,
    ResourceType::Opaque,
    ResourceType::Time,
    ResourceType::Objlnk,
    ResourceType::Corelnk,
];

/// The generated objects type each resource by its id.
fn type_of(rid: u16) -> ResourceType {
    TYPES[usize::from(rid) % TYPES.len()]
}

fn by_id(path: &Path) -> Option<ResourceType> {
    path.resource_id().map(type_of)
}

fn value_of(kind: ResourceType) -> BoxedStrategy<Value> {
    match kind {
        ResourceType::String => "\\PC{0,40}".prop_map(Value::String).boxed(),
        ResourceType::Corelnk => "[</>;=,a-z0-9]{0,30}".prop_map(Value::Corelnk).boxed(),
        ResourceType::Integer => any::<i64>().prop_map(Value::Integer).boxed(),
        ResourceType::UnsignedInteger => any::<u64>().prop_map(Value::UnsignedInteger).boxed(),
        ResourceType::Float => prop_oneof![
            any::<f64>().prop_filter("finite", |f| f.is_finite()),
            any::<f32>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(f64::from),
            (-1000i32..1000).prop_map(f64::from),
        ]
        .prop_map(Value::Float)
        .boxed(),
        ResourceType::Boolean => any::<bool>().prop_map(Value::Boolean).boxed(),
        ResourceType::Opaque => proptest::collection::vec(any::<u8>(), 0..300)
            .prop_map(Value::Opaque)
            .boxed(),
        ResourceType::Time => any::<i64>().prop_map(Value::Time).boxed(),
        _ => (any::<u16>(), any::<u16>())
            .prop_map(|(o, i)| Value::Objlnk(ObjLink::new(o, i)))
            .boxed(),
    }
}

fn resource(rid: u16) -> BoxedStrategy<Resource> {
    let kind = type_of(rid);
    prop_oneof![
        value_of(kind).prop_map(ResourceValue::Single),
        proptest::collection::btree_map(any::<u16>(), value_of(kind), 1..4)
            .prop_map(|m| ResourceValue::Multiple(m.into_iter().collect())),
    ]
    .prop_map(move |value| Resource { id: rid, value })
    .boxed()
}

fn resources() -> impl Strategy<Value = Vec<Resource>> {
    proptest::collection::btree_set(0u16..600, 1..8)
        .prop_flat_map(|ids| ids.into_iter().map(resource).collect::<Vec<_>>())
}

/// An Object with 1–3 instances of generated resources.
fn object() -> impl Strategy<Value = Content> {
    (
        1u16..40000,
        proptest::collection::btree_map(any::<u16>(), resources(), 1..4),
    )
        .prop_map(|(oid, instances)| Content {
            path: Path::object(oid),
            node: Node::Object(
                instances
                    .into_iter()
                    .map(|(id, resources)| Instance { id, resources })
                    .collect(),
            ),
        })
}

const STRUCTURED: [ContentFormat; 5] = [
    ContentFormat::Tlv,
    ContentFormat::SenmlJson,
    ContentFormat::SenmlCbor,
    ContentFormat::LwM2mCbor,
    ContentFormat::LwM2mJson,
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn structured_formats_round_trip(content in object()) {
        for format in STRUCTURED {
            let bytes = codec::encode(format, &content).unwrap();
            let back = codec::decode(format, content.path, &bytes, &by_id)
                .unwrap_or_else(|e| panic!("{format:?}: {e}"));
            prop_assert_eq!(sorted_records(&back), sorted_records(&content), "{:?}", format);
        }
    }

    #[test]
    fn instance_and_resource_paths_round_trip(content in object()) {
        let Node::Object(instances) = &content.node else { unreachable!() };
        let inst = &instances[0];
        let ipath = content.path.child(inst.id).unwrap();
        let instance = Content { path: ipath, node: Node::Instance(inst.resources.clone()) };
        let res = &inst.resources[0];
        let rpath = ipath.child(res.id).unwrap();
        let resource = Content {
            path: rpath,
            node: match &res.value {
                ResourceValue::Single(v) => Node::Single(v.clone()),
                ResourceValue::Multiple(items) => Node::Multiple(items.clone()),
                _ => unreachable!(),
            },
        };
        for c in [&instance, &resource] {
            for format in STRUCTURED {
                let bytes = codec::encode(format, c).unwrap();
                let back = codec::decode(format, c.path, &bytes, &by_id).unwrap();
                prop_assert_eq!(sorted_records(&back), sorted_records(c), "{:?}", format);
            }
        }
    }

    #[test]
    fn single_value_text_and_cbor_round_trip(
        (rid, value) in (0u16..600).prop_flat_map(|rid| (Just(rid), value_of(type_of(rid))))
    ) {
        let path = Path::resource(3, 0, rid);
        let c = Content::single(path, value);
        let bytes = text::encode(&c).unwrap();
        prop_assert_eq!(text::decode(path, &bytes, &by_id).unwrap(), c.clone());
        let bytes = codec::cbor::encode(&c).unwrap();
        prop_assert_eq!(codec::cbor::decode(path, &bytes, &by_id).unwrap(), c);
    }

    #[test]
    fn composite_records_round_trip(content in object()) {
        // Composite: the same values addressed from the root, for the formats that can.
        let composite = Content::records(Path::ROOT, content.to_records());
        for format in [ContentFormat::SenmlJson, ContentFormat::SenmlCbor, ContentFormat::LwM2mCbor] {
            let bytes = codec::encode(format, &composite).unwrap();
            let back = codec::decode(format, Path::ROOT, &bytes, &by_id).unwrap();
            prop_assert_eq!(sorted_records(&back), sorted_records(&composite), "{:?}", format);
        }
    }
}

#[test]
fn cross_format_device_and_temperatures() {
    for content in [device_full(), temperatures(5)] {
        let mut seen = BTreeMap::new();
        for format in STRUCTURED {
            let bytes = codec::encode(format, &content).unwrap();
            let back = codec::decode(format, content.path, &bytes, &resolver).unwrap();
            seen.insert(format!("{format:?}"), sorted_records(&back));
        }
        let expected = sorted_records(&content);
        for (format, records) in &seen {
            assert_eq!(records, &expected, "{format}");
        }
    }
}
