//! Generates the project's own vendor objects (`examples/objects/*.xml`) into `OUT_DIR`, the
//! way a device crate would; `tests/custom_objects.rs` uses the result.

fn main() {
    lwm2m_codegen::Builder::new()
        .files([
            "examples/objects/32769-1_0.xml",
            "examples/objects/32769.xml",
        ])
        .generate()
        .unwrap_or_else(|e| panic!("generating examples/objects: {e}"));
}
