//! DTLS on the command line: the machines the CLI drives with or without a [`Secured`] layer,
//! the PSK file of `lwm2m server --psk-file`, and the `coap://` / `coaps://` server URIs of
//! `lwm2m client`.
//!
//! [`Secured`]: lwm2m_runtime::dtls::Secured

mod layer;
mod psk_file;
mod uri;

pub(crate) use layer::Layer;
pub(crate) use psk_file::{load_psk_file, psk_store};
pub(crate) use uri::{Scheme, ServerUri};
