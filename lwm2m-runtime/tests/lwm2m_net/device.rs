//! The device the LwM2M virtual-time tests manage: Device /3/0 (Reboot counts in [`REBOOTS`])
//! and Temperature /3303/0 at 21.5 °C, with helpers to register it and finish operations.

use std::sync::atomic::{AtomicU32, Ordering};

use lwm2m_core::object::{ExecArgs, Object};
use lwm2m_core::{Node, Path, Value};
use lwm2m_objects::{device, temperature};
use lwm2m_runtime::client::{ClientConfig, ClientEvent};
use lwm2m_runtime::server::{OpError, OpId, Reply, ServerEvent};

use super::Net;

/// Executions of Reboot (/3/0/4) on any client built by [`net`].
pub(crate) static REBOOTS: AtomicU32 = AtomicU32::new(0);

fn reboot(
    _dev: &mut device::Instance,
    _iid: u16,
    _rid: u16,
    _args: ExecArgs<'_>,
) -> Result<(), lwm2m_core::Error> {
    REBOOTS.fetch_add(1, Ordering::SeqCst);
    Ok(())
}

/// A network with a client hosting Device /3/0 and Temperature /3303/0 at 21.5 °C.
pub(crate) fn net(seed: u64, config: ClientConfig) -> Net {
    let mut n = Net::new(seed, config, &[&device::META, &temperature::META]);
    let mut dev = device::Instance::default();
    dev.set_manufacturer("ACME".into());
    dev.set_battery_level(87).unwrap();
    let mut devices = Object::<device::Instance>::new().on_execute(reboot);
    devices.insert(0, dev);
    let mut temp = temperature::Instance::default();
    temp.set_sensor_value(21.5);
    let mut temps = Object::<temperature::Instance>::new();
    temps.insert(0, temp);
    n.client.add_object(devices);
    n.client.add_object(temps);
    n
}

pub(crate) fn config(lifetime_s: u64) -> ClientConfig {
    let mut c = ClientConfig::new("dev-1");
    c.lifetime = std::time::Duration::from_secs(lifetime_s);
    c
}

pub(crate) fn register(n: &mut Net) {
    n.client.start(n.now).unwrap();
    let ep = n.wait_server(300_000, |e| match e {
        ServerEvent::Registered { endpoint, .. } => Some(endpoint.clone()),
        _ => None,
    });
    assert_eq!(ep.as_deref(), Some("dev-1"));
    assert!(
        n.wait_client(10_000, |e| matches!(e, ClientEvent::Registered { .. })
            .then_some(()))
            .is_some()
    );
}

/// Drives until operation `op` finishes and returns its result.
pub(crate) fn result(n: &mut Net, op: OpId) -> Result<Reply, OpError> {
    n.wait_server(600_000, |e| match e {
        ServerEvent::Response { op: o, result, .. } if *o == op => Some(result.clone()),
        _ => None,
    })
    .unwrap_or_else(|| panic!("operation {op:?} did not finish"))
}

pub(crate) fn content(r: Result<Reply, OpError>) -> lwm2m_core::Content {
    match r {
        Ok(Reply::Content(c)) => c,
        other => panic!("expected content, got {other:?}"),
    }
}

pub(crate) fn temperature_value(r: &lwm2m_core::Content) -> f64 {
    match &r.node {
        Node::Single(Value::Float(f)) => *f,
        other => panic!("expected a float, got {other:?}"),
    }
}

pub(crate) fn set_temperature(n: &mut Net, v: f64) {
    let temps = n
        .client
        .object_mut::<Object<temperature::Instance>>(3303)
        .unwrap();
    temps.instance_mut(0).unwrap().set_sensor_value(v);
    n.client.changed(n.now, Path::resource(3303, 0, 5700));
}
