//! Entry point for the `registry_xml` fuzz target: arbitrary bytes through the object-file
//! path (decode, XML tree, lower) and, for whatever lowers, the validator. Never panics.

use std::sync::Arc;

use crate::diag::{Diagnostics, Level};
use crate::{lower, validate};

/// Parses `data` as an object definition file at both diagnostic levels and validates the
/// objects it yields.
pub fn registry_xml(data: &[u8]) {
    for level in [Level::Lenient, Level::Strict] {
        let mut diags = Diagnostics::new(level);
        if let Ok(objects) = lower::object_file(Arc::from("fuzz.xml"), data, &mut diags) {
            for o in &objects {
                validate::object(o, &mut diags);
            }
        }
    }
}
