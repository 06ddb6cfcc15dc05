//! Fuzz target: see `lwm2m_runtime::dtls::fuzz_records`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| lwm2m_runtime::dtls::fuzz_records(data));
