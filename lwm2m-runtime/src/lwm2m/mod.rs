//! LwM2M-level pieces the client and the server share: the registration interface's query
//! parameters and object links, and the notification attributes of Write-Attributes/Discover.

mod attributes;
#[cfg(feature = "tokio")]
pub mod driver;
mod registration;

crate::__impl_machine!(crate::client::Client, crate::client::ClientEvent);
crate::__impl_machine!(crate::server::Server, crate::server::ServerEvent);

pub use attributes::{AttributeChange, AttributeError, AttributeStore, Attributes};
pub use registration::{
    ObjectLink, RegisterParams, RegistrationError, UpdateParams, decode_objects, encode_objects,
    parse_version, version_str,
};

/// The Uri-Path of the registration interface (`/rd`).
pub const RD_PATH: &str = "rd";
/// The Uri-Path of the Send operation (`/dp`, LwM2M 1.1).
pub const SEND_PATH: &str = "dp";
