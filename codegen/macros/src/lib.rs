//! `#[lwm2m_object]`: a custom LwM2M object written as a Rust struct.
//!
//! A thin shim: the struct goes through `lwm2m_codegen::macro_front` into the same model
//! (`ObjectDef`) the registry XML path builds, is validated by the same checks, and is emitted
//! by the same emitter. See `lwm2m_codegen::macro_front` for the attribute reference.
//!
//! ```
//! use lwm2m_macros::lwm2m_object;
//!
//! #[lwm2m_object(id = 32769, version = "1.0", name = "Vendor Thermostat", multiple)]
//! pub struct Thermostat {
//!     #[resource(id = 0, operations = "R", units = "Cel")]
//!     temperature: f64,
//!     #[resource(id = 1, operations = "RW", range = "5..35")]
//!     set_point: i8,
//!     #[resource(id = 2, operations = "E")]
//!     reset: (),
//! }
//!
//! let mut t = Thermostat::default();
//! t.set_set_point(21).unwrap();
//! assert_eq!(*t.set_point(), 21);
//! assert!(t.set_set_point(40).is_err(), "5..35 is checked");
//! assert_eq!(thermostat::META.id, 32769);
//! ```

use proc_macro::TokenStream;

/// Turns a struct into an LwM2M object. See the crate docs.
#[proc_macro_attribute]
pub fn lwm2m_object(attr: TokenStream, item: TokenStream) -> TokenStream {
    lwm2m_codegen::macro_front::expand(attr.into(), item.into()).into()
}
