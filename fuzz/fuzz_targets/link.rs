//! Fuzz target: see `lwm2m_core::__fuzz::link`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| lwm2m_core::__fuzz::link(data));
