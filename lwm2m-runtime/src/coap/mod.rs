//! CoAP (RFC 7252) with block-wise transfer (RFC 7959) and observe (RFC 7641).
//!
//! The codec ([`MessageRef`], [`Encoder`]) needs no allocator. With the `alloc` feature,
//! [`Message`] is the owned form and [`Endpoint`] the sans-IO message layer.
#![warn(missing_docs)]

mod access;
mod block;
mod code;
mod decode;
mod encode;
mod error;
pub mod option;
mod token;

#[cfg(feature = "alloc")]
mod endpoint;
#[cfg(feature = "alloc")]
mod machine;
#[cfg(feature = "alloc")]
mod message;
#[cfg(feature = "tokio")]
pub mod tokio;

pub use access::ReadOptions;
pub use block::{BlockValue, MAX_BLOCK_NUM, size_to_szx, szx_to_size};
pub use code::{Code, MessageType};
pub use decode::{MessageRef, peek_header};
pub use encode::{Encoder, MAX_OPTION_LEN};
pub use error::{DecodeError, EncodeError};
pub use option::RawOption;
pub use token::Token;

#[cfg(feature = "alloc")]
pub use endpoint::*;
#[cfg(feature = "alloc")]
pub use machine::Machine;
#[cfg(feature = "alloc")]
pub use message::Message;
