//! Encode/decode cost per message: `cargo bench -p lwm2m-runtime --bench codec`.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use lwm2m_runtime::coap::option::number;
use lwm2m_runtime::coap::{
    BlockValue, Code, Config, Encoder, Endpoint, Event, Message, MessageRef, MessageType,
    ReadOptions, SeededRandom, Timestamp, Token,
};

/// A typical LwM2M notification: ACK 2.05, 4-byte token, Observe, Content-Format, Block2, 64 B.
fn encode_notification(buf: &mut [u8]) -> usize {
    let token = Token::new(&[0xde, 0xad, 0xbe, 0xef]).unwrap();
    let mut enc = Encoder::new(
        buf,
        MessageType::Acknowledgement,
        Code::CONTENT,
        0x1234,
        &token,
    )
    .unwrap();
    enc.uint_option(number::OBSERVE, 1234).unwrap();
    enc.uint_option(number::CONTENT_FORMAT, 112).unwrap();
    enc.block_option(number::BLOCK2, BlockValue::new(3, true, 6).unwrap())
        .unwrap();
    enc.payload(&[0x42; 64]).unwrap();
    enc.finish()
}

/// A typical request: CON GET /3303/0/5700 with Accept and Observe=0.
fn encode_request(buf: &mut [u8]) -> usize {
    let token = Token::new(&[1, 2, 3, 4]).unwrap();
    let mut enc = Encoder::new(buf, MessageType::Confirmable, Code::GET, 0x4321, &token).unwrap();
    enc.uint_option(number::OBSERVE, 0).unwrap();
    for seg in ["3303", "0", "5700"] {
        enc.option(number::URI_PATH, seg.as_bytes()).unwrap();
    }
    enc.uint_option(number::ACCEPT, 112).unwrap();
    enc.finish()
}

fn bench(c: &mut Criterion) {
    let mut buf = [0u8; 256];
    let n = encode_notification(&mut buf);
    let notification = buf[..n].to_vec();
    let n = encode_request(&mut buf);
    let request = buf[..n].to_vec();

    let mut g = c.benchmark_group("coap");
    g.throughput(Throughput::Elements(1));
    g.bench_function("encode_notification", |b| {
        b.iter(|| encode_notification(black_box(&mut buf)))
    });
    g.bench_function("encode_request", |b| {
        b.iter(|| encode_request(black_box(&mut buf)))
    });
    g.bench_function("decode_notification", |b| {
        b.iter(|| {
            let m = MessageRef::decode(black_box(&notification)).unwrap();
            (
                m.observe(),
                m.content_format(),
                m.block2(),
                m.payload().len(),
            )
        })
    });
    g.bench_function("decode_request", |b| {
        b.iter(|| {
            let m = MessageRef::decode(black_box(&request)).unwrap();
            (
                m.observe(),
                m.accept(),
                m.uri_path().map(str::len).sum::<usize>(),
            )
        })
    });
    let owned = Message::decode(&notification).unwrap();
    g.bench_function("owned_decode_notification", |b| {
        b.iter(|| Message::decode(black_box(&notification)).unwrap())
    });
    g.bench_function("owned_encode_notification", |b| {
        b.iter(|| black_box(&owned).encode().unwrap())
    });
    g.finish();
}

/// A confirmable GET and its piggybacked response through two in-memory endpoints: the whole
/// message layer (encode, decode, matching, dedup bookkeeping) without sockets.
fn bench_endpoint(c: &mut Criterion) {
    let (a, b) = ("10.0.0.1:1".parse().unwrap(), "10.0.0.2:2".parse().unwrap());
    let mut client = Endpoint::new(Config::default(), SeededRandom::new(1));
    let mut server = Endpoint::new(Config::default(), SeededRandom::new(2));
    let mut ms = 0;
    let mut g = c.benchmark_group("endpoint");
    g.throughput(Throughput::Elements(1));
    g.bench_function("con_get_round_trip", |bench| {
        bench.iter(|| {
            // 4 ms apart: 65536 message IDs then span more than EXCHANGE_LIFETIME (247 s), as
            // RFC 7252 §4.4 requires of a sender; faster, the server would see duplicates.
            ms += 4;
            let now = Timestamp::from_millis(ms);
            let req = Message::request(Code::GET).with_uri_path("/3303/0/5700");
            client.request(now, b, req).unwrap();
            let t = client.poll_transmit().unwrap();
            server.handle_datagram(now, a, &t.payload);
            let Some(Event::Request { id, .. }) = server.poll_event() else {
                unreachable!()
            };
            let resp = Message::response(Code::CONTENT).with_payload(&b"21.5"[..]);
            server.respond(now, id, resp).unwrap();
            let t = server.poll_transmit().unwrap();
            client.handle_datagram(now, b, &t.payload);
            let event = client.poll_event();
            // Let old message IDs expire as they would in real time.
            client.handle_timeout(now);
            server.handle_timeout(now);
            event
        })
    });
    g.finish();
}

criterion_group!(benches, bench, bench_endpoint);
criterion_main!(benches);
