//! LwM2M 1.1 attributes on the client (Core TS 1.1 §5.1.2): the evaluation periods `epmin` and
//! `epmax` in virtual time, and `dim` in Discover on the wire.

mod lwm2m_net;

use std::time::Duration;

use lwm2m_core::object::Object;
use lwm2m_core::{Node, Path, Value};
use lwm2m_net::Net;
use lwm2m_objects::{device, temperature};
use lwm2m_runtime::client::{Client, ClientConfig};
use lwm2m_runtime::coap::option::number;
use lwm2m_runtime::coap::{
    Code, Config, Endpoint, Message, ReadOptions, SeededRandom, Timestamp, Token,
};
use lwm2m_runtime::lwm2m::AttributeChange;
use lwm2m_runtime::server::{OpId, Reply, ServerEvent};

const SENSOR: Path = Path::resource(3303, 0, 5700);

fn device() -> Object<device::Instance> {
    let mut dev = device::Instance::default();
    dev.set_manufacturer("ACME".into());
    dev.set_power_source_voltage([(0, 3300), (1, 5000)].into());
    let mut o = Object::<device::Instance>::new();
    o.insert(0, dev);
    o
}

/// A registered client with Temperature /3303/0 at 21.5 °C, observed at `SENSOR` with `attrs`.
fn observed(seed: u64, attrs: &[&str]) -> (Net, OpId) {
    let mut n = Net::new(
        seed,
        ClientConfig::new("dev-1"),
        &[&device::META, &temperature::META],
    );
    let mut temp = temperature::Instance::default();
    temp.set_sensor_value(21.5);
    let mut temps = Object::<temperature::Instance>::new();
    temps.insert(0, temp);
    n.client.add_object(temps);
    n.client.start(n.now).unwrap();
    let registered = n.wait_server(300_000, |e| {
        matches!(e, ServerEvent::Registered { .. }).then_some(())
    });
    assert!(registered.is_some());
    let change = AttributeChange::from_query(attrs.iter().copied()).unwrap();
    let op = n
        .server
        .write_attributes(n.now, "dev-1", SENSOR, &change)
        .unwrap();
    assert_eq!(response(&mut n, op), Ok(Reply::Changed));
    let obs = n.server.observe(n.now, "dev-1", SENSOR).unwrap();
    assert!(response(&mut n, obs).is_ok());
    (n, obs)
}

fn response(n: &mut Net, op: OpId) -> Result<Reply, lwm2m_runtime::server::OpError> {
    n.wait_server(600_000, |e| match e {
        ServerEvent::Response { op: o, result, .. } if *o == op => Some(result.clone()),
        _ => None,
    })
    .expect("a response")
}

/// Sets the temperature; reports the change to the client only if `report`.
fn set(n: &mut Net, v: f64, report: bool) {
    let temps = n
        .client
        .object_mut::<Object<temperature::Instance>>(3303)
        .unwrap();
    temps.instance_mut(0).unwrap().set_sensor_value(v);
    if report {
        n.client.changed(n.now, SENSOR);
    }
}

/// Waits up to `ms` for a notification of `obs`; returns its value.
fn notified(n: &mut Net, obs: OpId, ms: u64) -> Option<f64> {
    n.wait_server(ms, |e| match e {
        ServerEvent::Notification { op, content, .. } if *op == obs => match content.node {
            Node::Single(Value::Float(f)) => Some(f),
            _ => None,
        },
        _ => None,
    })
}

#[test]
fn epmin_defers_evaluation_and_samples_the_value_of_that_moment() {
    let (mut n, obs) = observed(1, &["epmin=5", "st=1"]);
    let t0 = n.now;
    // A spike reported within epmin of the last evaluation is not evaluated yet...
    n.run_for(1_000);
    set(&mut n, 30.0, true);
    n.run_for(1_000);
    set(&mut n, 21.6, true);
    // ...and at the end of epmin the value of that moment (21.6, within st of 21.5) is what is
    // evaluated: the spike is never notified.
    assert_eq!(notified(&mut n, obs, 8_000), None);
    assert!(n.now.saturating_since(t0) >= Duration::from_secs(5));
    // Long after the last evaluation, a change is evaluated at once.
    set(&mut n, 24.0, true);
    let at = n.now;
    assert_eq!(notified(&mut n, obs, 1_000), Some(24.0));
    assert!(n.now.saturating_since(at) < Duration::from_millis(500));
    // A second change right after waits for epmin, then carries the latest value.
    n.run_for(100);
    set(&mut n, 26.0, true);
    n.run_for(100);
    set(&mut n, 27.5, true);
    assert_eq!(notified(&mut n, obs, 10_000), Some(27.5));
    let waited = n.now.saturating_since(at);
    assert!(
        waited >= Duration::from_secs(5) && waited < Duration::from_secs(6),
        "{waited:?}"
    );
    assert_eq!(
        notified(&mut n, obs, 20_000),
        None,
        "one notification for both"
    );
}

#[test]
fn epmax_samples_values_the_application_did_not_report() {
    let (mut n, obs) = observed(2, &["epmax=10"]);
    let t0 = n.now;
    n.run_for(2_000);
    set(&mut n, 23.0, false);
    // Nobody called `changed`: the client evaluates on its own when epmax is due.
    assert_eq!(notified(&mut n, obs, 15_000), Some(23.0));
    let waited = n.now.saturating_since(t0);
    assert!(
        waited >= Duration::from_secs(10) && waited < Duration::from_secs(11),
        "{waited:?}"
    );
    // Unchanged values are sampled but not notified.
    assert_eq!(notified(&mut n, obs, 25_000), None);
    set(&mut n, 19.0, false);
    assert_eq!(notified(&mut n, obs, 11_000), Some(19.0));
}

#[test]
fn without_epmax_unreported_changes_stay_unnoticed() {
    let (mut n, obs) = observed(3, &["pmin=1"]);
    set(&mut n, 23.0, false);
    assert_eq!(notified(&mut n, obs, 60_000), None);
}

/// GET with Accept 40 (Discover) of `path`, answered by a client hosting Device /3/0 with two
/// Power Source Voltage instances; the link-format body.
fn discover(path: &str) -> String {
    let server = "192.0.2.1:5683".parse().unwrap();
    let endpoint = Endpoint::new(Config::default(), SeededRandom::new(5));
    let mut client = Client::new(ClientConfig::new("dev-1"), endpoint, server);
    client.add_object(device());
    let mut m = Message::request(Code::GET).with_uri_path(path);
    m.set_uint_option(number::ACCEPT, 40);
    m.message_id = 7;
    m.token = Token::new(&[1]).unwrap();
    client.handle_datagram(Timestamp::ZERO, server, &m.encode().unwrap());
    let r = Message::decode(&client.poll_transmit().unwrap().payload).unwrap();
    assert_eq!((r.code, r.content_format()), (Code::CONTENT, Some(40)));
    String::from_utf8(r.payload).unwrap()
}

#[test]
fn discover_lists_dim_for_multiple_instance_resources() {
    assert_eq!(discover("/3/0/7"), "</3/0/7>;dim=2,</3/0/7/0>,</3/0/7/1>");
    let instance = discover("/3/0");
    let links: Vec<&str> = instance.split(',').collect();
    assert!(links.contains(&"</3/0/7>;dim=2"), "{instance}");
    // Mandatory Error Code, with no instance yet.
    assert!(links.contains(&"</3/0/11>;dim=0"), "{instance}");
    // Single-instance Resources carry no dim.
    assert!(links.contains(&"</3/0/0>"), "{instance}");
    assert!(discover("/3").contains("</3/0/7>;dim=2"));
}
