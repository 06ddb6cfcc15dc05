//! Hand-written fixtures (ours, not registry copies) for each odd case the parser must
//! survive, and the typed errors for input it cannot read.

use std::sync::Arc;

use lwm2m_codegen::diag::{DiagnosticKind, Diagnostics, Level};
use lwm2m_codegen::error::ParseError;
use lwm2m_codegen::lower::object_file;
use lwm2m_codegen::model::{ObjectDef, Operations, Range, ResourceType, Schema};
use lwm2m_codegen::validate;

const HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<LWM2M xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="http://openmobilealliance.org/tech/profiles/LWM2M-v1_1.xsd">
<Object ObjectType="MODefinition">
<Name>Widget</Name>
<Description1>A test widget.</Description1>
<ObjectID>32770</ObjectID>
<ObjectURN>urn:oma:lwm2m:x:32770</ObjectURN>
<LWM2MVersion>1.1</LWM2MVersion>
<ObjectVersion>1.0</ObjectVersion>
<MultipleInstances>Multiple</MultipleInstances>
<Mandatory>Optional</Mandatory>
<Resources>
"#;
const TAIL: &str = "</Resources>\n<Description2></Description2>\n</Object>\n</LWM2M>\n";

fn item(id: u16, name: &str, ops: &str, ty: &str, range: &str) -> String {
    format!(
        "<Item ID=\"{id}\"><Name>{name}</Name><Operations>{ops}</Operations><MultipleInstances>Single</MultipleInstances><Mandatory>Optional</Mandatory><Type>{ty}</Type><RangeEnumeration>{range}</RangeEnumeration><Units></Units><Description>d</Description></Item>\n"
    )
}

fn doc(items: &[String]) -> String {
    format!("{HEAD}{}{TAIL}", items.concat())
}

fn parse(bytes: &[u8]) -> (Result<Vec<ObjectDef>, ParseError>, Diagnostics) {
    let mut d = Diagnostics::new(Level::Lenient);
    let r = object_file(Arc::from("fixture.xml"), bytes, &mut d);
    for o in r.iter().flatten() {
        validate::object(o, &mut d);
    }
    (r, d)
}

fn kinds(d: &Diagnostics) -> Vec<DiagnosticKind> {
    d.iter().map(|d| d.kind).collect()
}

#[test]
fn a_clean_object_has_no_diagnostics() {
    let (r, d) = parse(doc(&[item(0, "Level", "RW", "Integer", "0..100")]).as_bytes());
    let o = &r.unwrap()[0];
    assert!(d.is_empty(), "{:?}", kinds(&d));
    assert_eq!(
        (o.id, o.name.as_str(), o.schema, o.multiple),
        (32770, "Widget", Schema::Lwm2m11, true)
    );
    let res = &o.resources[0];
    assert_eq!(
        (res.operations, res.kind),
        (Operations::RW, ResourceType::Integer)
    );
    assert_eq!(res.loc.line(), 13);
}

#[test]
fn bom_missing_declaration_and_crlf_are_reported_and_handled() {
    let text = doc(&[item(0, "Level", "R", "Integer", "")]);
    let body = text.split_once('\n').unwrap().1.replace('\n', "\r\n");
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(body.as_bytes());
    let (r, d) = parse(&bytes);
    assert_eq!(r.unwrap()[0].resources[0].name, "Level");
    let k = kinds(&d);
    for want in [
        DiagnosticKind::ByteOrderMark,
        DiagnosticKind::MissingXmlDeclaration,
        DiagnosticKind::CrlfLineEnds,
    ] {
        assert!(k.contains(&want), "{want} missing from {k:?}");
    }
}

#[test]
fn names_with_nbsp_and_stray_spaces_are_cleaned() {
    let (r, d) = parse(doc(&[item(0, " Max\u{a0} Level ", "R", "Integer", "")]).as_bytes());
    assert_eq!(r.unwrap()[0].resources[0].name, "Max Level");
    assert_eq!(kinds(&d), [DiagnosticKind::StrayWhitespace]);
}

#[test]
fn mojibake_is_reported_with_its_line() {
    let (_, d) = parse(
        doc(&[
            item(0, "Temp", "R", "Float", ""),
            item(1, "Sensorâ€™s", "R", "Float", ""),
        ])
        .as_bytes(),
    );
    let m = d
        .iter()
        .find(|d| d.kind == DiagnosticKind::Mojibake)
        .unwrap();
    assert_eq!(m.loc.line(), 14);
}

#[test]
fn contradictions_are_all_reported_at_once() {
    let items = [
        item(1, "Run", "E", "String", ""),
        item(2, "Value", "R", "", ""),
        item(3, "Flag", "R", "Boolean", "0..1"),
        item(4, "Span", "R", "Integer", "10..1"),
        item(5, "Count", "R", "Unsigned Integer", "-1..5"),
        item(5, "Again", "R", "Integer", ""),
        item(6, "Value", "R", "Integer", ""),
        item(7, "Odd", "X", "Number", "1...3"),
        item(8, "Free", "R", "String", "whatever this means"),
    ];
    let (r, d) = parse(doc(&items).as_bytes());
    assert_eq!(r.unwrap()[0].resources.len(), 9, "nothing is dropped");
    let k = kinds(&d);
    for want in [
        DiagnosticKind::ExecutableWithType,
        DiagnosticKind::MissingType,
        DiagnosticKind::RangeOnType,
        DiagnosticKind::InvertedRange,
        DiagnosticKind::RangeOutOfType,
        DiagnosticKind::DuplicateResourceId,
        DiagnosticKind::DuplicateResourceName,
        DiagnosticKind::InvalidValue,
        DiagnosticKind::NonStandardRange,
        DiagnosticKind::UnparsedRange,
    ] {
        assert!(k.contains(&want), "{want} missing from {k:?}");
    }
    let dup = d
        .iter()
        .find(|d| d.kind == DiagnosticKind::DuplicateResourceId)
        .unwrap();
    assert_eq!(
        (dup.path.as_deref(), dup.loc.line()),
        (Some("/32770/5"), 18)
    );
}

#[test]
fn names_that_collide_as_identifiers_are_reported() {
    let (_, d) = parse(
        doc(&[
            item(1, "On/Off", "RW", "Boolean", ""),
            item(2, "On Off", "RW", "Boolean", ""),
        ])
        .as_bytes(),
    );
    let c = d
        .iter()
        .find(|d| d.kind == DiagnosticKind::NameCollision)
        .unwrap();
    assert!(c.message.contains("on_off_2"), "{}", c.message);
}

#[test]
fn element_order_and_unknown_elements() {
    let bad = "<Item ID=\"0\"><Operations>R</Operations><Name>N</Name><MultipleInstances>Single</MultipleInstances><Mandatory>Optional</Mandatory><Type>Integer</Type><RangeEnumeration/><Units/><Extra/><Description/></Item>\n";
    let (r, d) = parse(doc(&[bad.to_string()]).as_bytes());
    assert_eq!(r.unwrap()[0].resources[0].name, "N");
    let k = kinds(&d);
    assert!(
        k.contains(&DiagnosticKind::ElementOrder) && k.contains(&DiagnosticKind::UnknownElement),
        "{k:?}"
    );
}

#[test]
fn schema_declared_vs_version_used() {
    let text = doc(&[]).replace("LWM2M-v1_1.xsd", "LWM2M.xsd");
    let (_, d) = parse(text.as_bytes());
    assert_eq!(kinds(&d), [DiagnosticKind::SchemaMismatch]);
}

#[test]
fn enumerations_from_range_and_description() {
    let e = "<Item ID=\"0\"><Name>Mode</Name><Operations>RW</Operations><MultipleInstances>Single</MultipleInstances><Mandatory>Optional</Mandatory><Type>Integer</Type><RangeEnumeration></RangeEnumeration><Units/><Description>Mode.\n0: Off\n1: On\n2: Auto</Description></Item>\n";
    let (r, _) = parse(
        doc(&[
            e.to_string(),
            item(1, "State", "R", "Integer", "0: IDLE\n1: BUSY"),
        ])
        .as_bytes(),
    );
    let o = &r.unwrap()[0];
    assert_eq!(o.resources[0].enumeration.len(), 3);
    assert_eq!(o.resources[1].range, Range::Enumeration);
    assert_eq!(o.resources[1].enumeration[1].label, "BUSY");
}

#[test]
fn non_utf8_is_a_typed_error_with_position() {
    let mut bytes = doc(&[item(0, "Level", "R", "Integer", "")]).into_bytes();
    let at = bytes.windows(5).position(|w| w == b"Level").unwrap();
    bytes[at] = 0xFF;
    match parse(&bytes).0 {
        Err(ParseError::NotUtf8 {
            file, line, col, ..
        }) => assert_eq!((file.as_str(), line, col), ("fixture.xml", 13, 20)),
        other => panic!("{other:?}"),
    }
}

#[test]
fn truncated_xml_is_a_typed_error() {
    let text = doc(&[item(0, "Level", "R", "Integer", "")]);
    let cut = &text[..text.len() / 2];
    match parse(cut.as_bytes()).0 {
        Err(ParseError::Xml {
            file,
            line,
            message,
            ..
        }) => {
            assert_eq!(file, "fixture.xml");
            assert!(line > 1, "{line}");
            assert!(
                message.contains("not closed") || message.contains("end"),
                "{message}"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn missing_object_id_is_a_typed_error() {
    let text = doc(&[]).replace("<ObjectID>32770</ObjectID>", "");
    match parse(text.as_bytes()).0 {
        Err(ParseError::Unusable { message, line, .. }) => {
            assert!(message.contains("ObjectID"), "{message}");
            assert_eq!(line, 3);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_repeated_object_version_names_the_closest_earlier_definition() {
    use lwm2m_codegen::load::{FileKind, LoadOptions, SourceFile, parse_files};
    let widget = doc(&[item(1, "A", "R", "Integer", "")]);
    let other = widget.replace("32770", "32771");
    let file = |label: &str, text: &str| SourceFile {
        label: Arc::from(label),
        kind: FileKind::Object,
        bytes: Arc::new(text.as_bytes().to_vec()),
    };
    let files = [
        file("a.xml", &widget),
        file("b.xml", &other),
        file("c.xml", &widget),
        file("d.xml", &widget),
    ];
    let reg = parse_files(std::path::Path::new("reg"), &files, &LoadOptions::default());
    let found: Vec<(String, String)> = reg
        .diagnostics
        .iter()
        .filter(|d| d.kind == DiagnosticKind::DuplicateObject)
        .map(|d| (d.loc.to_string(), d.message.clone()))
        .collect();
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found[0].0.starts_with("c.xml:"), "{found:?}");
    assert!(
        found[0]
            .1
            .starts_with("object 32770 version 1.0 is also defined at a.xml:")
    );
    assert!(found[1].0.starts_with("d.xml:"), "{found:?}");
    assert!(
        found[1]
            .1
            .starts_with("object 32770 version 1.0 is also defined at c.xml:")
    );
}
