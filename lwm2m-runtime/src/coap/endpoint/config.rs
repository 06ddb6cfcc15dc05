//! Transmission parameters (RFC 7252 §4.8) and endpoint limits.

use core::time::Duration;

/// Endpoint configuration. Start from [`Config::default`] and change fields.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Config {
    /// ACK_TIMEOUT: the initial retransmission timeout before jitter (2 s).
    pub ack_timeout: Duration,
    /// ACK_RANDOM_FACTOR: the initial timeout is drawn from `[ack_timeout, ack_timeout * factor]` (1.5).
    pub ack_random_factor: f64,
    /// MAX_RETRANSMIT: retransmissions before giving up (4).
    pub max_retransmit: u8,
    /// EXCHANGE_LIFETIME: how long message IDs are remembered for duplicate detection (247 s).
    pub exchange_lifetime: Duration,
    /// NON_LIFETIME: the same for non-confirmable messages (145 s).
    pub non_lifetime: Duration,
    /// How long a confirmable request may wait for a piggybacked response before the endpoint
    /// sends an empty ACK and the response goes separately (1 s).
    pub separate_ack_delay: Duration,
    /// NSTART: confirmable requests outstanding (sent and not yet acknowledged) per peer;
    /// further requests wait in a queue (1, RFC 7252 §4.7).
    pub nstart: usize,
    /// Length of generated tokens, 0 to 8 (4).
    pub token_len: u8,
    /// Preferred block size exponent for block-wise transfers, 0 (16 B) to 6 (1024 B).
    pub block_szx: u8,
    /// Largest body reassembled from blocks (1 MiB).
    pub max_body_size: usize,
    /// Every n-th notification of an observation is confirmable (10).
    pub con_notify_every: u32,
    /// A notification is confirmable if none was for this long (24 h, RFC 7641 §4.5).
    pub con_notify_interval: Duration,
    /// Most received message IDs remembered for duplicate detection (65,536). When full, the
    /// oldest is forgotten before its lifetime is over and counted in
    /// [`Stats::dedup_evictions`](super::Stats::dedup_evictions).
    pub max_dedup_entries: usize,
    /// Client side of observe: re-register an observation (GET with Observe=0 and the same
    /// token) when the Max-Age of its latest notification passed without a newer one (RFC 7641
    /// §3.3.1). Off by default: LwM2M servers keep observations alive themselves.
    pub observe_refresh: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            ack_timeout: Duration::from_secs(2),
            ack_random_factor: 1.5,
            max_retransmit: 4,
            exchange_lifetime: Duration::from_secs(247),
            non_lifetime: Duration::from_secs(145),
            separate_ack_delay: Duration::from_secs(1),
            nstart: 1,
            token_len: 4,
            block_szx: 6,
            max_body_size: 1 << 20,
            con_notify_every: 10,
            con_notify_interval: Duration::from_secs(24 * 3600),
            max_dedup_entries: 65_536,
            observe_refresh: false,
        }
    }
}
