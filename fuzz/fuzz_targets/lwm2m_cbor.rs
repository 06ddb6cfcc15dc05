//! Fuzz target: see `lwm2m_core::__fuzz::lwm2m_cbor`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| lwm2m_core::__fuzz::lwm2m_cbor(data));
