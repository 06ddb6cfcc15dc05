//! Byte-exact codec tests built from the RFC examples (the datagrams are written out here from the
//! figures' fields), plus property tests.

use lwm2m_runtime::coap::option::number;
use lwm2m_runtime::coap::{
    BlockValue, Code, DecodeError, Encoder, Message, MessageRef, MessageType, ReadOptions, Token,
};
use proptest::prelude::*;

fn round_trip(bytes: &[u8]) -> Message {
    let msg = Message::decode(bytes).unwrap();
    assert_eq!(msg.encode().unwrap(), bytes, "re-encoding is byte-exact");
    msg
}

/// RFC 7252 Appendix A, figure 16: CON [0x7d34] GET /temperature, no token;
/// ACK [0x7d34] 2.05 Content "22.3 C".
#[test]
fn rfc7252_appendix_a_get_piggybacked() {
    let req = b"\x40\x01\x7d\x34\xbbtemperature";
    let m = round_trip(req);
    assert_eq!(
        (m.ty, m.code, m.message_id),
        (MessageType::Confirmable, Code::GET, 0x7d34)
    );
    assert!(m.token.is_empty());
    assert_eq!(m.uri_path().collect::<Vec<_>>(), ["temperature"]);
    let mut built = Message::request(Code::GET).with_uri_path("/temperature");
    built.message_id = 0x7d34;
    assert_eq!(built.encode().unwrap(), req);

    let resp = b"\x60\x45\x7d\x34\xff22.3 C";
    let m = round_trip(resp);
    assert_eq!(
        (m.ty, m.code),
        (MessageType::Acknowledgement, Code::CONTENT)
    );
    assert_eq!(m.payload, b"22.3 C");
}

/// RFC 7252 Appendix A, figure 17 (with token 0x20) and figure 21 (separate response: empty ACK,
/// then CON [0xa7c6] 2.05 with the same 4-byte token).
#[test]
fn rfc7252_appendix_a_token_and_separate_response() {
    let req = b"\x41\x01\x7d\x35\x20\xbbtemperature";
    assert_eq!(round_trip(req).token.as_bytes(), [0x20]);
    let empty_ack = [0x60, 0x00, 0x7d, 0x38];
    let m = MessageRef::decode(&empty_ack).unwrap();
    assert!(m.code().is_empty() && m.message_type() == MessageType::Acknowledgement);
    let sep = b"\x44\x45\xa7\xc6\x12\x34\x56\x78\xff22.5 C";
    let m = round_trip(sep);
    assert_eq!(
        (m.ty, m.message_id, m.token.as_bytes()),
        (
            MessageType::Confirmable,
            0xa7c6,
            &[0x12, 0x34, 0x56, 0x78][..]
        )
    );
}

/// RFC 7252 §3.1: option delta/length 13 (+1 byte, minus 13) and 14 (+2 bytes, minus 269).
#[test]
fn rfc7252_section_3_1_extended_forms() {
    // Size1 (60) = 1280 as the only option: delta 60 = 13 + 47.
    let bytes = [0x40, 0x02, 0x00, 0x01, 0xd2, 0x2f, 0x05, 0x00];
    let m = round_trip(&bytes);
    assert_eq!(m.size1(), Some(1280));
    // Option 300 (unregistered, elective) with a 270-byte value: delta 14 + 31, length 14 + 1.
    let mut bytes = vec![0x40, 0x02, 0x00, 0x01, 0xee, 0x00, 0x1f, 0x00, 0x01];
    bytes.extend([0xab; 270]);
    let m = round_trip(&bytes);
    assert_eq!(m.option(300).map(<[u8]>::len), Some(270));
    assert_eq!(
        MessageRef::decode(&bytes).unwrap().unrecognized_critical(),
        None
    );
    // Repeated options use delta 0.
    let m = round_trip(b"\x40\x01\x00\x01\xb1a\x01b\x01c");
    assert_eq!(m.uri_path_string(), "/a/b/c");
}

/// RFC 7959 §3.2 figure 3: CON [1234] GET /status, Block2 0/0/64 and the reply 2:0/1/64;
/// later blocks 2:1/1/64 and 2:2/0/64.
#[test]
fn rfc7959_section_3_2_block2() {
    let mut buf = [0u8; 32];
    let mut enc = Encoder::new(
        &mut buf,
        MessageType::Confirmable,
        Code::GET,
        1234,
        &Token::EMPTY,
    )
    .unwrap();
    enc.option(number::URI_PATH, b"status").unwrap();
    enc.block_option(number::BLOCK2, BlockValue::new(0, false, 2).unwrap())
        .unwrap();
    let n = enc.finish();
    // Uri-Path (11) len 6, then Block2 (23) delta 12 len 1 value 0x02.
    assert_eq!(&buf[..n], b"\x40\x01\x04\xd2\xb6status\xc1\x02");
    let m = MessageRef::decode(&buf[..n]).unwrap();
    assert_eq!(m.block2(), BlockValue::new(0, false, 2));
    for (num, more, byte) in [(0, true, 0x0a), (1, true, 0x1a), (2, false, 0x22)] {
        let mut b = [0; 3];
        assert_eq!(
            BlockValue::new(num, more, 2).unwrap().encode(&mut b),
            [byte]
        );
    }
}

/// RFC 7959 §2.2: NUM uses 4, 12 or 20 bits; blocks 4096 and 100000 need 3 bytes.
#[test]
fn rfc7959_block_numbers_4096_and_100000() {
    let mut m = Message::request(Code::GET);
    m.set_block(number::BLOCK2, BlockValue::new(4096, true, 0).unwrap());
    let bytes = m.encode().unwrap();
    assert_eq!(&bytes[4..], [0xd3, 23 - 13, 0x01, 0x00, 0x08]);
    assert_eq!(
        Message::decode(&bytes).unwrap().block2().unwrap().num(),
        4096
    );
    m.set_block(number::BLOCK1, BlockValue::new(100_000, false, 6).unwrap());
    let back = Message::decode(&m.encode().unwrap()).unwrap();
    assert_eq!(back.block1(), BlockValue::new(100_000, false, 6));
}

/// RFC 7641 figure 3 style: GET /temperature with Observe 0 and token 0x4a; the response carries
/// Observe 12 and "22.9 Cel".
#[test]
fn rfc7641_observe_registration_and_notification() {
    let req = b"\x41\x01\x00\x01\x4a\x60\x5btemperature";
    let m = round_trip(req);
    assert_eq!(m.observe(), Some(0));
    assert_eq!(m.uri_path().collect::<Vec<_>>(), ["temperature"]);
    let notif = b"\x61\x45\x00\x01\x4a\x61\x0c\xff22.9 Cel";
    let m = round_trip(notif);
    assert_eq!(m.observe(), Some(12));
    // 24-bit sequence numbers take 3 bytes.
    let m = Message::response(Code::CONTENT).with_observe(0xff_fffe);
    assert_eq!(
        Message::decode(&m.encode().unwrap()).unwrap().observe(),
        Some(0xff_fffe)
    );
}

#[test]
fn typed_options_read_back() {
    let m = Message::request(Code::PUT)
        .with_option(number::URI_HOST, "example.org")
        .with_option(number::URI_PORT, vec![0x16, 0x33])
        .with_uri_path("/1/0")
        .with_uri_query("ep=dev1")
        .with_content_format(112)
        .with_option(number::ACCEPT, vec![0x2d, 0x16])
        .with_option(number::ETAG, vec![1, 2, 3])
        .with_option(number::MAX_AGE, vec![0x0e, 0x10])
        .with_option(number::IF_MATCH, vec![9])
        .with_option(number::IF_NONE_MATCH, Vec::new())
        .with_option(number::SIZE2, vec![0x04, 0x00])
        .with_option(number::LOCATION_PATH, "rd");
    let m = Message::decode(&m.encode().unwrap()).unwrap();
    assert_eq!(m.uri_host(), Some("example.org"));
    assert_eq!(m.uri_port(), Some(5683));
    assert_eq!(m.uri_query().collect::<Vec<_>>(), ["ep=dev1"]);
    assert_eq!((m.content_format(), m.accept()), (Some(112), Some(11542)));
    assert_eq!(
        (m.etag(), m.max_age(), m.size2()),
        (Some(&[1u8, 2, 3][..]), 3600, Some(1024))
    );
    assert_eq!(m.if_match().collect::<Vec<_>>(), [&[9u8][..]]);
    assert!(m.if_none_match());
    assert_eq!(m.location_path().collect::<Vec<_>>(), ["rd"]);
    // Out-of-bounds values are treated as absent: ETag of 9 bytes.
    let bad = Message::request(Code::GET).with_option(number::ETAG, vec![0; 9]);
    assert_eq!(
        Message::decode(&bad.encode().unwrap()).unwrap().etag(),
        None
    );
}

#[test]
fn truncations_of_a_valid_message_never_panic() {
    let full = b"\x44\x45\xa7\xc6\x12\x34\x56\x78\xd2\x2f\x05\x00\xff22.5 C";
    for n in 0..full.len() {
        let _ = MessageRef::decode(&full[..n]);
        lwm2m_runtime::fuzz_decode(&full[..n]);
    }
    assert_eq!(
        MessageRef::decode(&full[..10]),
        Err(DecodeError::TruncatedOption)
    );
}

fn arb_message() -> impl Strategy<Value = Message> {
    let ty = (0u8..4).prop_map(MessageType::from_bits);
    let code = any::<u8>()
        .prop_filter("non-empty", |c| *c != 0)
        .prop_map(Code::from_raw);
    let token = proptest::collection::vec(any::<u8>(), 0..=8);
    let opts = proptest::collection::vec(
        (1u16..2000, proptest::collection::vec(any::<u8>(), 0..300)),
        0..12,
    );
    let payload = proptest::collection::vec(any::<u8>(), 0..200);
    (ty, code, any::<u16>(), token, opts, payload).prop_map(
        |(ty, code, mid, token, opts, payload)| {
            let mut m = Message::new(ty, code);
            m.message_id = mid;
            m.token = Token::new(&token).unwrap();
            for (n, v) in opts {
                m.add_option(n, v);
            }
            m.payload = payload;
            m
        },
    )
}

proptest! {
    #[test]
    fn encode_decode_round_trip(m in arb_message()) {
        let bytes = m.encode().unwrap();
        prop_assert_eq!(bytes.len(), m.encoded_len());
        prop_assert_eq!(Message::decode(&bytes).unwrap(), m);
    }

    #[test]
    fn block_values_round_trip(num in 0u32..(1 << 20), more: bool, szx in 0u8..7) {
        let b = BlockValue::new(num, more, szx).unwrap();
        let mut buf = [0; 3];
        let enc = b.encode(&mut buf).to_vec();
        prop_assert_eq!(BlockValue::decode(&enc).unwrap(), b);
        let mut m = Message::request(Code::GET);
        m.set_block(number::BLOCK2, b);
        prop_assert_eq!(Message::decode(&m.encode().unwrap()).unwrap().block2(), Some(b));
    }

    #[test]
    fn arbitrary_bytes_never_panic(data in proptest::collection::vec(any::<u8>(), 0..64)) {
        lwm2m_runtime::fuzz_decode(&data);
    }
}
