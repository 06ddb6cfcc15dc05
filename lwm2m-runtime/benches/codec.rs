//! Encode/decode cost per message: `cargo bench -p lwm2m-runtime --bench codec`.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use lwm2m_runtime::coap::option::number;
use lwm2m_runtime::coap::{
    BlockValue, Code, Encoder, Message, MessageRef, MessageType, ReadOptions, Token,
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

criterion_group!(benches, bench);
criterion_main!(benches);
