//! The Bootstrap-Request (`POST /bs?ep=NAME[&pct=N]`, Transport TS §6.1) both sides share.

use alloc::string::String;
use alloc::vec::Vec;

use lwm2m_core::ContentFormat;

use crate::coap::{Code, Message, ReadOptions};

/// The Uri-Path of the bootstrap interface (`/bs`): Bootstrap-Request and Bootstrap-Finish.
pub const BS_PATH: &str = "bs";

/// Why a Bootstrap-Request is refused (answered 4.00 or 4.15).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RequestError {
    /// No `ep=` query parameter.
    #[error("bootstrap request without ep=")]
    NoEndpoint,
    /// `pct=` is not a number.
    #[error("pct={0:?} is not a content-format number")]
    InvalidPct(String),
    /// `pct=` names a format the bootstrap server cannot write with.
    #[error("pct={0} is not a format the bootstrap server writes")]
    UnsupportedPct(u16),
}

/// The parameters of a Bootstrap-Request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BootstrapRequest {
    /// Endpoint client name (`ep`).
    pub endpoint: String,
    /// Preferred Content Format (`pct`, LwM2M 1.1).
    pub preferred_format: Option<ContentFormat>,
}

/// The formats a bootstrap server writes Security and Server instances with.
pub(crate) fn writable_format(f: ContentFormat) -> bool {
    matches!(
        f,
        ContentFormat::Tlv
            | ContentFormat::SenmlJson
            | ContentFormat::SenmlCbor
            | ContentFormat::LwM2mCbor
    )
}

impl BootstrapRequest {
    /// The request message.
    pub fn to_message(&self) -> Message {
        let mut m = Message::request(Code::POST)
            .with_uri_path(BS_PATH)
            .with_uri_query(&alloc::format!("ep={}", self.endpoint));
        if let Some(f) = self.preferred_format {
            m = m.with_uri_query(&alloc::format!("pct={}", f.number()));
        }
        m
    }

    /// Parses the query of a `POST /bs` that carries `ep=`.
    pub fn from_message(msg: &Message) -> Result<Self, RequestError> {
        let mut endpoint = None;
        let mut pct = None;
        for q in msg.uri_query() {
            match q.split_once('=') {
                Some(("ep", v)) if !v.is_empty() => endpoint = Some(String::from(v)),
                Some(("pct", v)) => {
                    let n: u16 = v.parse().map_err(|_| RequestError::InvalidPct(v.into()))?;
                    let f = ContentFormat::from_number(n)
                        .ok()
                        .filter(|f| writable_format(*f))
                        .ok_or(RequestError::UnsupportedPct(n))?;
                    pct = Some(f);
                }
                _ => {}
            }
        }
        Ok(BootstrapRequest {
            endpoint: endpoint.ok_or(RequestError::NoEndpoint)?,
            preferred_format: pct,
        })
    }
}

/// Whether `msg` is a Bootstrap-Request or Bootstrap-Finish (`POST /bs`); the request carries
/// `ep=`, Finish does not.
pub(crate) fn is_bs_post(msg: &Message) -> bool {
    let segments: Vec<&str> = msg.uri_path().collect();
    msg.code == Code::POST && segments == [BS_PATH]
}
