//! aiocoap (PyPI, an independent CoAP implementation; `.ci/install-peers` pins it) speaks to our
//! client as a LwM2M 1.1 server would: Read-Composite (FETCH with a SenML JSON path list),
//! Observe-Composite with a notification after a change, and a Reset for a notification it no
//! longer wants, which ends the observation. The script (`tests/peers/aiocoap_composite.py`)
//! parses the SenML itself. Our client answers only its server's address, so the test registers
//! it with a server on our runtime, stops that server and lets aiocoap bind the same port.

mod support;

use std::process::Command;
use std::time::Duration;

use lwm2m_core::Path;
use lwm2m_core::object::Object;
use lwm2m_objects::{device, temperature};
use lwm2m_runtime::client::{Client, ClientConfig, ClientEvent};
use lwm2m_runtime::coap::{Config, Endpoint, SeededRandom};
use lwm2m_runtime::lwm2m::driver::{Handle, spawn};
use lwm2m_runtime::server::{Server, ServerConfig, ServerEvent};
use tokio::net::UdpSocket;
use tokio::sync::mpsc::UnboundedReceiver;

use support::Proc;

const WAIT: Duration = Duration::from_secs(15);

/// Our client (Device /3/0 by ACME, Temperature /3303/0 at 21.5) registered with a server that
/// is gone again; returns its driver, its events, its address and the server's port.
async fn registered_client() -> (Handle<Client>, UnboundedReceiver<ClientEvent>, String, u16) {
    let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let addr = socket.local_addr().unwrap();
    let mut server = Server::new(
        ServerConfig::default(),
        Endpoint::new(Config::default(), SeededRandom::new(41)),
        SeededRandom::new(42),
    );
    server.add_objects(&[&device::META, &temperature::META]);
    let (server, mut server_events, task) = spawn(socket, server);

    let mut dev = device::Instance::default();
    dev.set_manufacturer("ACME".into());
    let mut devices = Object::<device::Instance>::new();
    devices.insert(0, dev);
    let mut temp = temperature::Instance::default();
    temp.set_sensor_value(21.5);
    let mut temps = Object::<temperature::Instance>::new();
    temps.insert(0, temp);
    // Confirmable notifications: aiocoap resets an unwanted CON (it ignores an unwanted NON).
    let mut coap = Config::default();
    coap.con_notify_every = 1;
    let mut client = Client::new(
        ClientConfig::new("rs-for-aiocoap"),
        Endpoint::new(coap, SeededRandom::new(43)),
        addr,
    );
    client.add_object(devices);
    client.add_object(temps);
    let client_socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let client_addr = client_socket.local_addr().unwrap();
    let (client, client_events, _c) = spawn(client_socket, client);
    client.call(|c, now| c.start(now)).await.unwrap().unwrap();
    let ev = tokio::time::timeout(WAIT, server_events.recv()).await;
    assert!(
        matches!(ev, Ok(Some(ServerEvent::Registered { .. }))),
        "expected a registration, got {ev:?}"
    );
    // The driver ends when its handle is gone; its socket closes with it.
    drop(server);
    drop(server_events);
    tokio::time::timeout(WAIT, task)
        .await
        .expect("server stops")
        .unwrap()
        .unwrap();
    (client, client_events, client_addr.to_string(), addr.port())
}

async fn set_temperature(client: &Handle<Client>, v: f64) {
    client
        .call(move |c, now| {
            let temps = c.object_mut::<Object<temperature::Instance>>(3303).unwrap();
            temps.instance_mut(0).unwrap().set_sensor_value(v);
            c.changed(now, Path::resource(3303, 0, 5700));
        })
        .await
        .unwrap();
}

#[tokio::test]
async fn aiocoap_reads_and_observes_our_client_with_composite_fetch() {
    let (client, mut events, client_addr, port) = registered_client().await;
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/peers/aiocoap_composite.py"
    );
    let mut cmd = Command::new("python3");
    cmd.arg(script).arg(port.to_string()).arg(&client_addr);
    let mut py = Proc::spawn(
        "aiocoap",
        &mut cmd,
        "install Python 3 and aiocoap (run .ci/install-peers)",
    );

    // Read-Composite: both values, in the requested SenML JSON.
    let fetch = py.expect_line("fetch ", WAIT).await;
    assert_eq!(
        fetch,
        "2.05 cf=110 obs=- /3/0/0=ACME /3303/0/5700=21.5",
        "{}",
        py.transcript()
    );
    // Observe-Composite: registered, then a notification with both values after a change.
    let observe = py.expect_line("observe ", WAIT).await;
    assert!(
        observe.starts_with("2.05 cf=110 obs=") && !observe.contains("obs=-"),
        "{observe}"
    );
    assert!(
        observe.ends_with("/3/0/0=ACME /3303/0/5700=21.5"),
        "{observe}"
    );
    set_temperature(&client, 23.25).await;
    let note = py.expect_line("notification ", WAIT).await;
    assert!(note.starts_with("2.05 cf=110 obs="), "{note}");
    assert!(note.ends_with("/3/0/0=ACME /3303/0/5700=23.25"), "{note}");

    // aiocoap forgot the observation: it takes one more notification, then resets the next,
    // which ends the observation here.
    py.expect_line("forgotten", WAIT).await;
    let mut v = 24.0;
    let ended = loop {
        set_temperature(&client, v).await;
        v += 1.0;
        let e = tokio::time::timeout(Duration::from_millis(500), async {
            loop {
                match events.recv().await.expect("client driver running") {
                    ClientEvent::ObservationEnded { path } => return path,
                    _ => continue,
                }
            }
        })
        .await;
        match e {
            Ok(path) => break path,
            Err(_) => assert!(v < 30.0, "no Reset ended the observation"),
        }
    };
    assert!(ended.is_root(), "{ended:?}");
    let resets = client
        .call(|c, _| c.endpoint().stats().resets_received)
        .await
        .unwrap();
    assert!(resets >= 1, "ended by aiocoap's Reset");
    py.send("done");
    assert!(py.wait_exit(WAIT).await, "{}", py.transcript());
}
