//! A client and a server session of this backend, back to back: the handshake and the first
//! exchange run in dimpl; from the server's receipt of the first request (client: of the first
//! answer) on, each side protects records itself with the keys dimpl derived.

use std::sync::Arc;

use super::DimplBackend;
use super::session::DimplSession;
use crate::coap::Timestamp;
use crate::dtls::backend::{DtlsSession, SessionError, SessionOutput};
use crate::dtls::record;
use crate::dtls::store::{InMemorySecurityStore, PskKey};

struct Side {
    session: DimplSession,
    /// Everything it yielded besides transmits.
    got: Vec<SessionOutput>,
    /// Every datagram it sent.
    sent: Vec<Vec<u8>>,
}

fn side(session: DimplSession) -> Side {
    Side {
        session,
        got: Vec::new(),
        sent: Vec::new(),
    }
}

fn pair() -> (Side, Side) {
    let store = InMemorySecurityStore::new();
    store.add_psk("dev-1", PskKey::new([7; 16]), "dev-1");
    let server = DimplBackend::server_seeded(Arc::new(store), Some(1)).unwrap();
    let client =
        DimplBackend::client_seeded(b"dev-1".to_vec(), PskKey::new([7; 16]), Some(2)).unwrap();
    let now = Timestamp::ZERO;
    (
        side(client.session(now, true).unwrap()),
        side(server.session(now, false).unwrap()),
    )
}

/// Sends everything `from` has queued to `to`; whether there was anything.
fn flush(from: &mut Side, to: &mut Side) -> Result<bool, SessionError> {
    let mut moved = false;
    while let Some(o) = from.session.poll_output() {
        match o {
            SessionOutput::Transmit(d) => {
                moved = true;
                to.session.handle_datagram(Timestamp::ZERO, &d)?;
                from.sent.push(d);
            }
            o => from.got.push(o),
        }
    }
    Ok(moved)
}

/// Delivers datagrams both ways until neither side has anything to send.
fn settle(a: &mut Side, b: &mut Side) -> Result<(), SessionError> {
    while flush(a, b)? | flush(b, a)? {}
    Ok(())
}

fn data(side: &Side) -> Vec<&[u8]> {
    side.got
        .iter()
        .filter_map(|o| match o {
            SessionOutput::Data(d) => Some(&d[..]),
            _ => None,
        })
        .collect()
}

#[test]
fn sessions_hand_over_after_the_first_exchange_and_keep_talking() {
    let (mut client, mut server) = pair();
    settle(&mut client, &mut server).unwrap();
    assert!(matches!(client.got[..], [SessionOutput::Connected(_)]));
    assert!(!client.session.is_handed_over() && !server.session.is_handed_over());

    client.session.send(b"request 1").unwrap();
    settle(&mut client, &mut server).unwrap();
    assert!(
        server.session.is_handed_over(),
        "the client has proven it completed"
    );
    assert!(!client.session.is_handed_over(), "no answer yet");

    server.session.send(b"answer 1").unwrap();
    settle(&mut client, &mut server).unwrap();
    assert!(client.session.is_handed_over());

    for i in 2..5 {
        client
            .session
            .send(format!("request {i}").as_bytes())
            .unwrap();
        server
            .session
            .send(format!("answer {i}").as_bytes())
            .unwrap();
        settle(&mut client, &mut server).unwrap();
    }
    let expect = |what: &str| -> Vec<Vec<u8>> {
        (1..5).map(|i| format!("{what} {i}").into_bytes()).collect()
    };
    assert_eq!(data(&server), expect("request"));
    assert_eq!(data(&client), expect("answer"));
    for side in [&client, &server] {
        let told = side
            .got
            .iter()
            .filter(|o| matches!(o, SessionOutput::RecordsHandedOver))
            .count();
        assert_eq!(told, 1, "the hand-over is reported once");
    }

    // Sequence numbers go on from dimpl's without a repeat, in each direction.
    for side in [&client, &server] {
        let mut seqs = Vec::new();
        for d in &side.sent {
            record::each_header(d, |h| {
                if h.epoch == 1 {
                    seqs.push(h.seq);
                }
            });
        }
        assert!(seqs.windows(2).all(|w| w[0] < w[1]), "{seqs:?}");
    }
}

/// A pair after one request and answer: both sides on their own records.
fn handed_over() -> (Side, Side) {
    let (mut client, mut server) = pair();
    settle(&mut client, &mut server).unwrap();
    client.session.send(b"ping").unwrap();
    settle(&mut client, &mut server).unwrap();
    server.session.send(b"pong").unwrap();
    settle(&mut client, &mut server).unwrap();
    assert!(client.session.is_handed_over() && server.session.is_handed_over());
    (client, server)
}

#[test]
fn close_notify_from_our_records_closes_the_peer() {
    let (mut client, mut server) = handed_over();
    client.session.close();
    settle(&mut client, &mut server).unwrap();
    assert!(matches!(server.got.last(), Some(SessionOutput::Closed)));
    assert_eq!(client.session.send(b"late"), Err(SessionError::Closed));
}

#[test]
fn replayed_and_forged_records_yield_nothing_after_the_hand_over() {
    let (mut client, mut server) = handed_over();
    client.session.send(b"own record").unwrap();
    settle(&mut client, &mut server).unwrap();
    let before = server.got.len();

    let own = client.sent.last().unwrap().clone();
    let mut forged = own.clone();
    *forged.last_mut().unwrap() ^= 1;
    server
        .session
        .handle_datagram(Timestamp::ZERO, &forged)
        .unwrap();
    server
        .session
        .handle_datagram(Timestamp::ZERO, &own[..own.len() - 3])
        .unwrap();
    assert!(server.session.poll_output().is_none());
    assert_eq!(server.got.len(), before);
    // Replays are the caller's to drop (`Secured` keeps the window): the record itself is
    // authentic, so it decrypts again.
    server
        .session
        .handle_datagram(Timestamp::ZERO, &own)
        .unwrap();
    assert!(matches!(
        server.session.poll_output(),
        Some(SessionOutput::Data(_))
    ));
}
