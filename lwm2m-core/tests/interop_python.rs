//! Interop with an independent implementation: SenML CBOR written by Python's `cbor2` and
//! SenML JSON written by Python's `json` module decode to the same content as our encoders
//! produce, and `cbor2` reads what we encode. Needs `python3` with `cbor2` (`.ci/install-peers`
//! installs it); a missing peer fails the test with a message, it never skips silently.

mod common;

use std::process::Command;

use common::{device_instance, resolver};
use lwm2m_core::codec::senml;
use lwm2m_core::{Content, Path};

/// Device `/3/0` as Python data: SenML labels from RFC 8428 §6 (bn = -2, n = 0, v = 2, vs = 3),
/// the same values as the LwM2M Core TS example in `common`.
const RECORDS: &str = r#"
records = [
    {-2: "/3/0/", 0: "0", 3: "Open Mobile Alliance"},
    {0: "1", 3: "Lightweight M2M Client"},
    {0: "2", 3: "345000123"},
    {0: "3", 3: "1.0"},
    {0: "6/0", 2: 1}, {0: "6/1", 2: 5},
    {0: "7/0", 2: 3800}, {0: "7/1", 2: 5000},
    {0: "8/0", 2: 125}, {0: "8/1", 2: 900},
    {0: "9", 2: 100},
    {0: "10", 2: 15},
    {0: "11/0", 2: 0},
    {0: "13", 2: 1367491215},
    {0: "14", 3: "+02:00"},
    {0: "16", 3: "U"},
]
names = {-2: "bn", 0: "n", 2: "v", 3: "vs"}
"#;

fn python(script: &str, stdin: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut child = Command::new("python3")
        .arg("-c")
        .arg(script)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("python3 is needed for the interop tests (.ci/install-peers)");
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "python failed (is cbor2 installed? `pip install cbor2`):\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn decode_cbor(bytes: &[u8]) -> Content {
    senml::cbor::decode(Path::instance(3, 0), bytes, &resolver).unwrap()
}

#[test]
fn senml_cbor_from_cbor2_decodes() {
    let script =
        format!("{RECORDS}\nimport sys, cbor2\nsys.stdout.buffer.write(cbor2.dumps(records))");
    let bytes = python(&script, b"");
    assert_eq!(decode_cbor(&bytes), device_instance());
}

#[test]
fn senml_json_from_python_decodes() {
    let script = format!(
        "{RECORDS}\nimport sys, json\nout = [{{names[k]: v for k, v in r.items()}} for r in records]\nsys.stdout.write(json.dumps(out, indent=1))"
    );
    let bytes = python(&script, b"");
    let c = senml::json::decode(Path::instance(3, 0), &bytes, &resolver).unwrap();
    assert_eq!(c, device_instance());
}

#[test]
fn cbor2_reads_our_senml_cbor() {
    let ours = senml::cbor::encode(&device_instance()).unwrap();
    // cbor2 decodes our bytes; Python re-encodes them canonically as it understood them; we
    // decode that independent re-encoding and must get the same content back.
    let script = "import sys, cbor2\nrecs = cbor2.loads(sys.stdin.buffer.read())\nassert isinstance(recs, list) and all(isinstance(r, dict) for r in recs)\nsys.stdout.buffer.write(cbor2.dumps(recs, canonical=True))";
    let round = python(script, &ours);
    assert_eq!(decode_cbor(&round), device_instance());
}
