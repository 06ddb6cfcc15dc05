//! Client configuration.

use alloc::string::String;
use core::time::Duration;

use lwm2m_core::{ContentFormat, FormatSet, LwM2mVersion};

/// Client settings. Start from [`ClientConfig::new`] and change fields.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ClientConfig {
    /// Endpoint client name (`ep`).
    pub endpoint: String,
    /// Registration lifetime (`lt`), whole seconds (86400 s).
    pub lifetime: Duration,
    /// Enabler version announced (`lwm2m=`, 1.1).
    pub version: LwM2mVersion,
    /// Binding (`b=`, `U`).
    pub binding: String,
    /// Queue mode (`Q`): the server holds requests until the client sends an Update.
    pub queue_mode: bool,
    /// Queue mode: how long the client stays awake after its last exchange (ClientAwakeTime,
    /// Core TS 1.1 §6.5; 93 s, CoAP's MAX_TRANSMIT_WAIT, the recommended default).
    pub awake_time: Duration,
    /// Updates are sent when this fraction of the lifetime has passed (0.9), or earlier so that
    /// CoAP's MAX_TRANSMIT_WAIT (93 s, at most half the lifetime) remains for retransmissions.
    pub update_fraction: f64,
    /// First wait before re-registering after a failure (10 s); doubled on every further failure.
    pub retry_initial: Duration,
    /// Longest wait between registration attempts (5 min).
    pub retry_max: Duration,
    /// Content formats the client encodes and decodes. Text, opaque, TLV and link format are
    /// always announced implicitly; others appear in the root link's `ct=`.
    pub formats: FormatSet,
    /// `pmin` when no attribute sets one (0 s).
    pub default_pmin: u32,
    /// `pmax` when no attribute sets one (none).
    pub default_pmax: Option<u32>,
}

impl ClientConfig {
    /// Defaults for endpoint name `endpoint`.
    pub fn new(endpoint: impl Into<String>) -> Self {
        ClientConfig {
            endpoint: endpoint.into(),
            lifetime: Duration::from_secs(86_400),
            version: LwM2mVersion::V1_1,
            binding: "U".into(),
            queue_mode: false,
            awake_time: Duration::from_secs(93),
            update_fraction: 0.9,
            retry_initial: Duration::from_secs(10),
            retry_max: Duration::from_secs(300),
            formats: FormatSet::EMPTY
                .with(ContentFormat::Text)
                .with(ContentFormat::Opaque)
                .with(ContentFormat::Tlv)
                .with(ContentFormat::LinkFormat)
                .with(ContentFormat::SenmlJson)
                .with(ContentFormat::SenmlCbor),
            default_pmin: 0,
            default_pmax: None,
        }
    }

    /// The Content-Format numbers to announce with `ct=` (beyond the mandatory ones).
    pub(crate) fn announced_formats(&self) -> alloc::vec::Vec<u16> {
        self.formats
            .iter()
            .filter(|f| {
                !matches!(
                    f,
                    ContentFormat::Text
                        | ContentFormat::Opaque
                        | ContentFormat::Tlv
                        | ContentFormat::LinkFormat
                )
            })
            .map(ContentFormat::number)
            .collect()
    }
}
