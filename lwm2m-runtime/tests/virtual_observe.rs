//! Observe (RFC 7641) in virtual time: notifications, confirmable notifications, cancellation,
//! large notifications and the freshness rule under loss, duplication and reordering.

mod pair;

use lwm2m_runtime::coap::{
    Code, Config, EndReason, Event, Message, MessageType, ObservationId, ReadOptions, RequestId,
};
use pair::{Pair, Side, content, responses, serve};

fn observe_setup(p: &mut Pair) -> (RequestId, ObservationId) {
    let req = Message::request(Code::GET)
        .with_uri_path("/3303/0/5700")
        .with_observe(0);
    let id = p.client.request(p.now, p.server_addr, req).unwrap();
    let mut obs = None;
    assert!(p.drive(60_000, |p| {
        obs = obs.or(serve(p, |_| content(b"20.0")).pop());
        !responses(p, id).is_empty()
    }));
    (id, obs.expect("observation registered"))
}

#[test]
fn observe_notifications_con_every_nth_and_deregistration() {
    let mut server = Config::default();
    server.con_notify_every = 3;
    let mut p = Pair::with_configs(9, Config::default(), server);
    let (id, obs) = observe_setup(&mut p);
    for i in 1..=6 {
        p.server
            .notify(p.now, obs, content(format!("2{i}.0").as_bytes()))
            .unwrap();
        p.drive(500, |_| false);
    }
    let got = responses(&p, id);
    assert_eq!(got.len(), 7);
    let seqs: Vec<u32> = got.iter().map(|m| m.observe().unwrap()).collect();
    assert!(seqs.windows(2).all(|w| w[1] > w[0]), "{seqs:?}");
    assert_eq!(got[6].payload, b"26.0");
    let types: Vec<MessageType> = p
        .decoded_log()
        .filter(|(s, m)| *s == Side::Server && m.observe().is_some() && m.code() == Code::CONTENT)
        .map(|(_, m)| m.message_type())
        .collect();
    let con = types
        .iter()
        .filter(|t| **t == MessageType::Confirmable)
        .count();
    assert_eq!(con, 2, "every third notification is confirmable: {types:?}");

    p.client.cancel_observation(p.now, id).unwrap();
    assert!(p.drive(10_000, |p| {
        serve(p, |_| content(b"final"));
        responses(p, id).len() == 8
    }));
    assert!(p.server_events.contains(&Event::ObservationEnded {
        id: obs,
        reason: EndReason::Deregistered
    }));
    assert!(responses(&p, id)[7].observe().is_none());
    assert!(p.server.notify(p.now, obs, content(b"x")).is_err());
}

#[test]
fn observe_cancelled_by_reset_after_client_forgets() {
    let mut p = Pair::new(10);
    let (id, obs) = observe_setup(&mut p);
    assert!(p.client.forget(id));
    p.server.notify(p.now, obs, content(b"21.0")).unwrap();
    assert!(p.drive(10_000, |p| !p.server_events.is_empty()));
    assert_eq!(
        p.server_events,
        vec![Event::ObservationEnded {
            id: obs,
            reason: EndReason::Reset
        }]
    );
    assert_eq!(p.client.stats().resets_sent, 1);
}

#[test]
fn unacknowledged_con_notification_ends_the_observation() {
    let mut server = Config::default();
    server.con_notify_every = 1;
    let mut p = Pair::with_configs(11, Config::default(), server);
    let (_id, obs) = observe_setup(&mut p);
    p.loss = 1.0;
    p.server.notify(p.now, obs, content(b"lost")).unwrap();
    assert!(p.drive(200_000, |p| !p.server_events.is_empty()));
    assert_eq!(
        p.server_events,
        vec![Event::ObservationEnded {
            id: obs,
            reason: EndReason::Timeout
        }]
    );
}

#[test]
fn large_notifications_use_block2() {
    let mut p = Pair::new(12);
    let (id, obs) = observe_setup(&mut p);
    let big = vec![b'n'; 2500];
    p.server.notify(p.now, obs, content(&big)).unwrap();
    assert!(p.drive(10_000, |p| responses(p, id).len() == 2));
    let n = responses(&p, id)[1];
    assert_eq!(n.payload, big);
    assert!(n.observe().is_some());
    // The observation keeps working after the block transfer.
    p.server.notify(p.now, obs, content(b"small")).unwrap();
    assert!(p.drive(10_000, |p| responses(p, id).len() == 3));
}

#[test]
fn observe_survives_loss_duplication_and_reordering() {
    let mut server = Config::default();
    server.con_notify_every = 2;
    let mut p = Pair::with_configs(13, Config::default(), server);
    let (id, obs) = observe_setup(&mut p);
    p.loss = 0.2;
    p.duplicate = 0.3;
    p.jitter_ms = 400;
    for i in 0..40u32 {
        p.server
            .notify(p.now, obs, content(i.to_string().as_bytes()))
            .unwrap();
        p.drive(100, |_| false);
    }
    p.drive(120_000, |_| false);
    let seqs: Vec<u32> = responses(&p, id)
        .iter()
        .map(|m| m.observe().unwrap())
        .collect();
    assert!(
        seqs.windows(2).all(|w| w[1] > w[0]),
        "delivered notifications only move forward: {seqs:?}"
    );
    assert!(seqs.len() > 20, "{}", seqs.len());
}

#[test]
fn large_notification_replaced_mid_transfer_delivers_the_newer_one() {
    let mut p = Pair::new(14);
    let (id, obs) = observe_setup(&mut p);
    let (old, new) = (vec![b'a'; 3000], vec![b'b'; 3000]);
    p.server.notify(p.now, obs, content(&old)).unwrap();
    p.server.notify(p.now, obs, content(&new)).unwrap();
    p.drive(10_000, |_| false);
    let got = responses(&p, id);
    assert_eq!(got.last().unwrap().payload, new);
    assert!(
        got.iter()
            .all(|m| !m.payload.windows(2).any(|w| w == b"ab" || w == b"ba")),
        "never a body mixed from two representations"
    );
    let etags = p
        .decoded_log()
        .filter(|(s, m)| *s == Side::Server && m.etag().is_some())
        .count();
    assert!(etags > 0, "sliced bodies carry an ETag");
}

#[test]
fn small_notification_overtaking_a_block_transfer_wins() {
    let mut p = Pair::new(15);
    let (id, obs) = observe_setup(&mut p);
    p.server.notify(p.now, obs, content(&[b'x'; 3000])).unwrap();
    p.server.notify(p.now, obs, content(b"small")).unwrap();
    p.drive(10_000, |_| false);
    let got = responses(&p, id);
    let seqs: Vec<u32> = got.iter().map(|m| m.observe().unwrap()).collect();
    assert!(seqs.windows(2).all(|w| w[1] > w[0]), "{seqs:?}");
    assert_eq!(got.last().unwrap().payload, b"small");
    assert!(
        got.iter().all(|m| m.payload.len() != 3000),
        "the older large body is abandoned"
    );
}

#[test]
fn client_re_registers_when_max_age_passes_without_a_notification() {
    let mut client = Config::default();
    client.observe_refresh = true;
    let mut p = Pair::with_configs(21, client, Config::default());
    let (id, obs) = observe_setup(&mut p);
    // A notification valid for 5 s, then silence.
    let mut fresh = content(b"21.0");
    fresh.set_uint_option(lwm2m_runtime::coap::option::number::MAX_AGE, 5);
    p.server.notify(p.now, obs, fresh).unwrap();
    p.drive(1_000, |_| false);
    assert_eq!(responses(&p, id).len(), 2);
    // After Max-Age the client sends GET Observe=0 with the registration's token; the server
    // answers it as a refresh of the same observation, and the answer reaches the request.
    let mut refreshed = Vec::new();
    assert!(p.drive(10_000, |p| {
        refreshed.extend(serve(p, |_| content(b"22.0")));
        responses(p, id).len() == 3
    }));
    assert_eq!(refreshed, [obs], "the same observation, refreshed");
    let last = responses(&p, id)[2];
    assert_eq!(last.payload, b"22.0");
    assert!(last.observe().is_some(), "still observing");
    let regs: Vec<_> = p
        .decoded_log()
        .filter(|(s, m)| *s == Side::Client && m.observe() == Some(0))
        .map(|(_, m)| m.token())
        .collect();
    assert_eq!(regs.len(), 2, "registration and one re-registration");
    assert_eq!(regs[0], regs[1], "same token");
    // Without the option nothing is re-sent.
    let mut p = Pair::new(21);
    let (id, _) = observe_setup(&mut p);
    p.drive(200_000, |p| {
        serve(p, |_| content(b"x"));
        false
    });
    assert_eq!(responses(&p, id).len(), 1);
}
