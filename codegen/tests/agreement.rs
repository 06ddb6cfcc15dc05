//! One IR, two front ends: our own custom-object XML and the same object written as an
//! annotated Rust struct lower to equal `ObjectDef`s (locations aside: one has file:line, the
//! other names the struct).

use std::path::Path;

use lwm2m_codegen::load::{LoadOptions, load_file};
use lwm2m_codegen::macro_front::object_from_struct;
use lwm2m_codegen::model::{Loc, ObjectDef};

fn without_locs(mut o: ObjectDef) -> ObjectDef {
    o.loc = Loc::synthetic("");
    for r in &mut o.resources {
        r.loc = Loc::synthetic("");
    }
    o
}

const STRUCT: &str = r#"
    /// A heating controller with a set point.
    pub struct VendorThermostat {
        /// The measured temperature.
        #[resource(id = 0, operations = "R", range = "-40..125", units = "Cel")]
        temperature: f64,
        /// The wanted temperature.
        #[resource(id = 1, operations = "RW", range = "5..35", units = "Cel")]
        set_point: i8,
        /// Operating mode.
        #[resource(id = 2, operations = "RW", range = "0: Off\n1: Heat\n2: Auto")]
        mode: Option<i8>,
        /// Switching times.
        #[resource(id = 3, operations = "RW")]
        schedule: Option<Multi<String>>,
        /// Restores the factory settings.
        #[resource(id = 4, operations = "E", mandatory = false)]
        reset: (),
        /// Write-only key.
        #[resource(id = 5, operations = "W", range = "16 bytes")]
        firmware_key: Option<Vec<u8>>,
    }
"#;

#[test]
fn xml_and_struct_lower_to_the_same_ir() {
    let xml = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/agreement/thermostat.xml");
    let (mut objs, diags) = load_file(&xml, &LoadOptions::default()).unwrap();
    assert!(diags.is_empty(), "{diags:#?}");
    let from_xml = without_locs(objs.remove(0));

    let item: syn::ItemStruct = syn::parse_str(STRUCT).unwrap();
    let attr = quote::quote!(id = 32769, version = "1.0", lwm2m_version = "1.1", multiple);
    let from_rust = without_locs(object_from_struct(attr, &item).unwrap());

    assert_eq!(from_rust, from_xml);
}

#[test]
fn a_difference_is_seen() {
    let item: syn::ItemStruct = syn::parse_str(&STRUCT.replace("\"5..35\"", "\"5..30\"")).unwrap();
    let attr = quote::quote!(id = 32769, version = "1.0", lwm2m_version = "1.1", multiple);
    let from_rust = without_locs(object_from_struct(attr, &item).unwrap());
    let xml = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/agreement/thermostat.xml");
    let (mut objs, _) = load_file(&xml, &LoadOptions::default()).unwrap();
    assert_ne!(from_rust, without_locs(objs.remove(0)));
}
