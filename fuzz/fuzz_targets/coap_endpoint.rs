//! Fuzz target: see `lwm2m_runtime::coap::fuzz_endpoint`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| lwm2m_runtime::coap::fuzz_endpoint(data));
