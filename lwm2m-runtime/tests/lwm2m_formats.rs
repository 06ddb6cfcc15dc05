//! Which Accept the server asks a client for, from what the client registered: a LwM2M 1.0
//! client without `ct=` (lwm2m-node-lib registers like this and implements text only).

use std::net::SocketAddr;

use lwm2m_core::{ContentFormat, FormatSet, Path};
use lwm2m_objects::{device, temperature};
use lwm2m_runtime::coap::{
    Code, Config, Endpoint, Message, MessageType, ReadOptions, SeededRandom, Timestamp,
};
use lwm2m_runtime::server::{Server, ServerConfig, ServerError};

const CLIENT: &str = "192.0.2.10:56830";

/// A server with `config` and one LwM2M 1.0 client `node` registered without `ct=`.
fn server_with_node(config: ServerConfig) -> Server {
    // Several reads outstanding at once (NSTART would queue all but the first).
    let mut coap = Config::default();
    coap.nstart = 16;
    let mut s = Server::new(
        config,
        Endpoint::new(coap, SeededRandom::new(3)),
        SeededRandom::new(4),
    );
    s.add_objects(&[&device::META, &temperature::META]);
    let mut register = Message::request(Code::POST)
        .with_uri_path("/rd")
        .with_uri_query("ep=node")
        .with_uri_query("lt=60")
        .with_uri_query("lwm2m=1.0")
        .with_uri_query("b=U")
        .with_content_format(ContentFormat::LinkFormat.number())
        .with_payload("</3/0>,</3303/0>");
    register.ty = MessageType::Confirmable;
    register.message_id = 7;
    let peer: SocketAddr = CLIENT.parse().unwrap();
    s.handle_datagram(Timestamp::ZERO, peer, &register.encode().unwrap());
    let created = Message::decode(&s.poll_transmit().unwrap().payload).unwrap();
    assert_eq!(created.code, Code::CREATED);
    s
}

/// The Accept of the request the server sent for a read of `path`.
fn accept_of_read(s: &mut Server, path: Path) -> Result<Option<u16>, ServerError> {
    s.read(Timestamp::ZERO, "node", path)?;
    let t = s.poll_transmit().expect("a request");
    Ok(Message::decode(&t.payload).unwrap().accept())
}

#[test]
fn by_default_a_1_0_client_is_read_with_text_and_tlv() {
    let mut s = server_with_node(ServerConfig::default());
    let text = ContentFormat::Text.number();
    let tlv = ContentFormat::Tlv.number();
    assert_eq!(
        accept_of_read(&mut s, Path::resource(3303, 0, 5700)),
        Ok(Some(text))
    );
    // TLV is mandatory for 1.0 clients (Core TS 1.0 §6.4): the spec's default for instances.
    assert_eq!(accept_of_read(&mut s, Path::instance(3, 0)), Ok(Some(tlv)));
}

#[test]
fn pinned_text_only_reads_single_values_as_text_and_refuses_instances_at_once() {
    let text_only = FormatSet::EMPTY
        .with(ContentFormat::Text)
        .with(ContentFormat::Opaque);
    let mut config = ServerConfig::default();
    config.unannounced_formats = Some(text_only);
    let mut s = server_with_node(config);
    let text = ContentFormat::Text.number();
    assert_eq!(
        accept_of_read(&mut s, Path::resource(3, 0, 0)),
        Ok(Some(text))
    );
    assert!(matches!(
        accept_of_read(&mut s, Path::instance(3303, 0)),
        Err(ServerError::Encode(_))
    ));
    // Per registration: TLV back for this client only.
    s.set_formats("node", Some(text_only.with(ContentFormat::Tlv)))
        .unwrap();
    let tlv = ContentFormat::Tlv.number();
    assert_eq!(
        accept_of_read(&mut s, Path::instance(3303, 0)),
        Ok(Some(tlv))
    );
    s.set_formats("node", None).unwrap();
    assert_eq!(accept_of_read(&mut s, Path::instance(3, 0)), Ok(Some(tlv)));
    assert!(matches!(
        s.set_formats("nobody", None),
        Err(ServerError::UnknownEndpoint(_))
    ));
}
