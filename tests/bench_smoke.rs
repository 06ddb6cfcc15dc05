//! `lwm2m bench` with tiny numbers: the run finishes by itself and prints every figure (the DTLS
//! ones too), in JSON and as a table. No timing assertions: only that each phase measured something.

use std::process::Command;

fn bench(extra: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_lwm2m"))
        .args([
            "bench",
            "--clients",
            "3",
            "--duration",
            "0.3",
            "--registrations",
            "500",
        ])
        .args(extra)
        .output()
        .expect("running lwm2m bench");
    let stdout = String::from_utf8(out.stdout).expect("UTF-8 output");
    assert!(
        out.status.success(),
        "lwm2m bench failed: {}\n{stdout}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

#[test]
fn json_has_every_figure() {
    let out = bench(&["--json"]);
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON report");
    for phase in ["registrations", "reads", "notifications", "baseline"] {
        for field in ["completed", "failed", "seconds", "per_second"] {
            assert!(v[phase][field].is_number(), "{phase}.{field} in {out}");
        }
        assert!(
            v[phase]["completed"].as_u64().unwrap() > 0,
            "{phase} completed nothing: {out}"
        );
    }
    assert!(v["read_ratio"].as_f64().unwrap() > 0.0, "{out}");
    for phase in ["handshakes", "reads", "plain_reads"] {
        let r = &v["dtls"][phase];
        assert!(r["completed"].as_u64().unwrap() > 0, "dtls.{phase}: {out}");
        assert_eq!(r["failed"], 0, "dtls.{phase}: {out}");
    }
    assert!(v["dtls"]["read_ratio"].as_f64().unwrap() > 0.0, "{out}");
    let rounds = v["dtls"]["round_ratios"].as_array().unwrap();
    assert!(
        rounds[0].as_f64().unwrap() <= rounds[1].as_f64().unwrap(),
        "{out}"
    );
    assert!(
        v["dtls"]["server_stats"]["handshakes_completed"]
            .as_u64()
            .unwrap()
            >= v["dtls"]["handshakes"]["completed"].as_u64().unwrap(),
        "{out}"
    );
    assert!(
        v["dtls"]["server_stats"]["records_handed_over"]
            .as_u64()
            .unwrap()
            >= v["dtls"]["handshakes"]["completed"].as_u64().unwrap(),
        "every session that carried a Register moved to our record layer: {out}"
    );
    assert_eq!(v["dtls_read_ratio_target"], 0.7);
    assert_eq!(v["clients"], 3);
    let m = &v["memory"];
    assert_eq!(m["registrations"], 500);
    for field in [
        "rss_before_kib",
        "hwm_after_kib",
        "rss_after_kib",
        "peak_bytes_per_registration",
        "retained_bytes_per_registration",
        "sans_io_registrations_per_second",
    ] {
        assert!(m[field].is_number(), "memory.{field} in {out}");
    }
    assert!(v["server_stats"]["datagrams_received"].as_u64().unwrap() > 0);
}

#[test]
fn table_has_every_figure() {
    let out = bench(&[]);
    for label in [
        "registrations",
        "reads",
        "notifications",
        "udp echo baseline",
        "reads / baseline",
        "dtls handshakes",
        "dtls reads",
        "plain reads, same rounds",
        "dtls reads / reads",
        "server dtls:",
        "load average",
        "memory per registration",
        "retained per registration",
        "sans-IO registrations",
        "server endpoint:",
    ] {
        assert!(out.contains(label), "no {label:?} in\n{out}");
    }
}
