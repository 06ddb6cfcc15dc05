//! The sans-IO message layer (RFC 7252 §4), with block-wise transfer and observe on top.

mod blockwise;
mod client;
mod config;
mod event;
mod fuzz;
mod observe;
mod queue;
mod random;
mod server;
mod time;
mod timers;
mod transmit;

use alloc::boxed::Box;
use alloc::collections::{BTreeMap, VecDeque};
use alloc::vec::Vec;
use core::fmt;
use core::net::SocketAddr;

use super::{Code, MessageRef, MessageType, Token, peek_header};

pub use config::Config;
pub use event::{
    EndReason, EndpointError, Event, FailReason, IncomingId, ObservationId, RequestId, Stats,
    Transmit,
};
#[doc(hidden)]
pub use fuzz::fuzz_endpoint;
pub use observe::is_fresh;
pub use random::{RandomSource, SeededRandom};
pub use time::Timestamp;

type Key = (SocketAddr, u16);

/// A CoAP endpoint without I/O: client and server roles at once, with block-wise transfer
/// and observe.
///
/// The contract follows quinn-proto: after every input ([`Endpoint::handle_datagram`],
/// [`Endpoint::handle_timeout`] or a command such as [`Endpoint::request`]), drain
/// [`Endpoint::poll_transmit`] and [`Endpoint::poll_event`], then arm a timer for
/// [`Endpoint::poll_timeout`].
///
/// Deadlines live in one heap (lazy deletion), so [`Endpoint::poll_timeout`] costs O(1) and
/// [`Endpoint::handle_timeout`] touches only what is due; the duplicate cache is capped
/// ([`Config::max_dedup_entries`]). Observations a client made are re-registered when Max-Age
/// passes if [`Config::observe_refresh`] is on.
///
/// Not implemented yet: PROBING_RATE for non-confirmable traffic, Echo/Request-Tag (RFC 9175),
/// No-Response (RFC 7967), multicast and proxying.
///
/// ```
/// use lwm2m_runtime::coap::{Code, Config, Endpoint, Event, Message, SeededRandom, Timestamp};
///
/// let (a, b) = ("127.0.0.1:5683".parse().unwrap(), "127.0.0.1:5684".parse().unwrap());
/// let mut client = Endpoint::new(Config::default(), SeededRandom::new(1));
/// let mut server = Endpoint::new(Config::default(), SeededRandom::new(2));
/// let now = Timestamp::ZERO;
///
/// let req = client.request(now, b, Message::request(Code::GET).with_uri_path("/3/0/0")).unwrap();
/// let t = client.poll_transmit().unwrap();
/// server.handle_datagram(now, a, &t.payload);
/// let Some(Event::Request { id, .. }) = server.poll_event() else { panic!() };
/// server.respond(now, id, Message::response(Code::CONTENT).with_payload("Open Mobile Alliance")).unwrap();
/// let t = server.poll_transmit().unwrap();
/// client.handle_datagram(now, b, &t.payload);
/// let Some(Event::Response { id, message }) = client.poll_event() else { panic!() };
/// assert_eq!((id, message.payload.as_slice()), (req, &b"Open Mobile Alliance"[..]));
/// ```
pub struct Endpoint {
    config: Config,
    random: Box<dyn RandomSource + Send>,
    /// Message IDs are per peer (RFC 7252 §4.4: unique per endpoint pair within
    /// EXCHANGE_LIFETIME); one shared counter wrapped after 65,536 messages to all peers and
    /// collided with IDs the peers still remembered as duplicates. With each counter, when it
    /// was last used: a peer not sent to for EXCHANGE_LIFETIME has forgotten our IDs, and its
    /// counter is dropped ([`Endpoint::sweep_mids`]).
    next_mid: BTreeMap<SocketAddr, (u16, Timestamp)>,
    /// When [`Endpoint::sweep_mids`] runs next.
    next_mid_sweep: Timestamp,
    next_id: u64,
    next_etag: u32,
    transmits: VecDeque<Transmit>,
    events: VecDeque<Event>,
    stats: Stats,
    /// Confirmable messages being retransmitted, by (peer, message ID).
    sent: BTreeMap<Key, transmit::Sent>,
    /// Non-confirmable messages a Reset may still refer to, with their expiry.
    sent_non: BTreeMap<Key, (transmit::Purpose, Timestamp)>,
    expiry: transmit::Expiry,
    /// Messages we received, for duplicate detection, by (peer, message ID).
    dedup: BTreeMap<Key, transmit::Dedup>,
    exchanges: BTreeMap<RequestId, client::Exchange>,
    /// Requests waiting for NSTART, per peer.
    queued: BTreeMap<SocketAddr, VecDeque<queue::Queued>>,
    /// The latest time seen in an input.
    last_now: Timestamp,
    tokens: BTreeMap<Token, RequestId>,
    incoming: BTreeMap<IncomingId, server::Pending>,
    block1_in: BTreeMap<(SocketAddr, Vec<u8>), blockwise::Assembly>,
    block2_out: BTreeMap<(SocketAddr, Vec<u8>), blockwise::Cached>,
    observations: BTreeMap<ObservationId, observe::Observation>,
    observation_keys: BTreeMap<(SocketAddr, Token), ObservationId>,
    /// Retransmission, exchange and incoming-request deadlines.
    timers: timers::Timers,
}

impl fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Endpoint")
            .field("stats", &self.stats)
            .field("in_flight", &self.sent.len())
            .field("exchanges", &self.exchanges.len())
            .field("incoming", &self.incoming.len())
            .field("observations", &self.observations.len())
            .finish_non_exhaustive()
    }
}

impl Endpoint {
    /// A new endpoint; `random` seeds message IDs, tokens and retransmission jitter.
    pub fn new(mut config: Config, random: impl RandomSource + Send + 'static) -> Self {
        config.block_szx = config.block_szx.min(6);
        config.token_len = config.token_len.min(8);
        let random: Box<dyn RandomSource + Send> = Box::new(random);
        Self {
            config,
            random,
            next_mid: BTreeMap::new(),
            next_mid_sweep: Timestamp::ZERO,
            next_id: 1,
            next_etag: 0,
            transmits: VecDeque::new(),
            events: VecDeque::new(),
            stats: Stats::default(),
            sent: BTreeMap::new(),
            sent_non: BTreeMap::new(),
            expiry: transmit::Expiry::default(),
            dedup: BTreeMap::new(),
            exchanges: BTreeMap::new(),
            queued: BTreeMap::new(),
            last_now: Timestamp::ZERO,
            tokens: BTreeMap::new(),
            incoming: BTreeMap::new(),
            block1_in: BTreeMap::new(),
            block2_out: BTreeMap::new(),
            observations: BTreeMap::new(),
            observation_keys: BTreeMap::new(),
            timers: timers::Timers::default(),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Counters.
    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    /// The next datagram to send.
    pub fn poll_transmit(&mut self) -> Option<Transmit> {
        self.transmits.pop_front()
    }

    /// The next event for the application.
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// Handles a received datagram. Malformed input is counted in [`Stats`] and dropped (a
    /// malformed confirmable message is rejected with a Reset when its header is readable).
    pub fn handle_datagram(&mut self, now: Timestamp, peer: SocketAddr, datagram: &[u8]) {
        self.last_now = self.last_now.max(now);
        self.on_datagram(now, peer, datagram);
        self.send_queued(now);
    }

    fn on_datagram(&mut self, now: Timestamp, peer: SocketAddr, datagram: &[u8]) {
        self.stats.datagrams_received += 1;
        let msg = match MessageRef::decode(datagram) {
            Ok(m) => m,
            Err(_) => {
                self.stats.malformed += 1;
                if let Some((MessageType::Confirmable, mid)) = peek_header(datagram) {
                    self.send_reset(peer, mid);
                }
                return;
            }
        };
        let (ty, code, mid) = (msg.message_type(), msg.code(), msg.message_id());
        if code.is_response() && msg.unrecognized_critical().is_some() {
            // RFC 7252 §5.4.1: reject the response; an ACK is ignored, so the request is retransmitted.
            self.stats.ignored += 1;
            if ty == MessageType::Confirmable {
                self.send_reset(peer, mid);
            }
            return;
        }
        match ty {
            _ if code.is_empty() => match ty {
                // CoAP ping (RFC 7252 §4.3): answered with a Reset.
                MessageType::Confirmable => self.send_reset(peer, mid),
                MessageType::NonConfirmable => self.stats.ignored += 1,
                MessageType::Acknowledgement => self.on_ack(now, peer, mid, None),
                MessageType::Reset => self.on_reset(peer, mid),
            },
            MessageType::Acknowledgement if code.is_response() => {
                self.on_ack(now, peer, mid, Some(&msg))
            }
            MessageType::Confirmable | MessageType::NonConfirmable
                if code.is_request() || code.is_response() =>
            {
                if self.is_duplicate(now, peer, &msg) {
                    return;
                }
                if code.is_request() {
                    self.on_request(now, peer, &msg);
                } else {
                    self.on_response(now, peer, &msg);
                }
            }
            _ => self.stats.ignored += 1,
        }
    }

    /// Handles timer expiry: retransmissions, separate ACKs, exchange timeouts and cache expiry.
    pub fn handle_timeout(&mut self, now: Timestamp) {
        self.last_now = self.last_now.max(now);
        self.run_timers(now);
        self.block_timeouts(now);
        self.expire(now);
        self.sweep_mids(now);
        self.send_queued(now);
    }

    /// The earliest time [`handle_timeout`](Self::handle_timeout) has work to do.
    pub fn poll_timeout(&self) -> Option<Timestamp> {
        self.next_timer()
            .into_iter()
            .chain(self.expiry.earliest())
            .chain(self.server_deadlines())
            .min()
    }

    fn next_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    /// The next message ID for `peer`, starting from a random one.
    fn new_mid(&mut self, now: Timestamp, peer: SocketAddr) -> u16 {
        let random = &mut self.random;
        let (mid, used) = self
            .next_mid
            .entry(peer)
            .or_insert_with(|| (random.next_u32() as u16, now));
        *mid = mid.wrapping_add(1);
        *used = (*used).max(now);
        *mid
    }

    /// Drops the message-ID counters of peers not sent to for EXCHANGE_LIFETIME, at most once
    /// per EXCHANGE_LIFETIME (so the sweep costs O(1) per message, amortized).
    fn sweep_mids(&mut self, now: Timestamp) {
        if now < self.next_mid_sweep {
            return;
        }
        let lifetime = self.config.exchange_lifetime;
        self.next_mid.retain(|_, (_, used)| *used + lifetime > now);
        self.next_mid_sweep = now + lifetime;
    }

    fn new_token(&mut self) -> Token {
        let len = usize::from(self.config.token_len.min(8));
        loop {
            let mut b = [0u8; 8];
            self.random.fill(&mut b[..len]);
            let t = Token::new(&b[..len]).unwrap_or_default();
            if !self.tokens.contains_key(&t) || len == 0 {
                return t;
            }
        }
    }

    fn transmit(&mut self, destination: SocketAddr, payload: Vec<u8>) {
        self.stats.datagrams_sent += 1;
        self.transmits.push_back(Transmit {
            destination,
            payload,
        });
    }

    fn send_reset(&mut self, peer: SocketAddr, mid: u16) {
        self.stats.resets_sent += 1;
        self.transmit(peer, empty(MessageType::Reset, mid));
    }
}

/// The 4 bytes of an empty ACK or RST.
fn empty(ty: MessageType, mid: u16) -> Vec<u8> {
    let id = mid.to_be_bytes();
    alloc::vec![0x40 | (ty.bits() << 4), Code::EMPTY.raw(), id[0], id[1]]
}
