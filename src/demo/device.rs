//! The simulated device and the server the CLI runs.

use std::net::SocketAddr;
use std::time::Duration;

use lwm2m_core::Path;
use lwm2m_core::object::{ExecArgs, Object};
use lwm2m_objects::{device, temperature};
use lwm2m_runtime::client::{Client, ClientConfig};
use lwm2m_runtime::coap::{Config, Endpoint, SeededRandom, tokio::os_seeded};
use lwm2m_runtime::lwm2m::driver::Handle;
use lwm2m_runtime::server::{Server, ServerConfig};

fn reboot(
    _dev: &mut device::Instance,
    _iid: u16,
    _rid: u16,
    _args: ExecArgs<'_>,
) -> Result<(), lwm2m_core::Error> {
    println!("reboot requested (simulated: nothing happens)");
    Ok(())
}

/// Device number `i` named `name`: Device (/3/0, Reboot prints a line) and Temperature
/// (/3303/0, starting at 20 + i mod 10 °C), registering with `server`.
pub(crate) fn simulated_device(
    name: &str,
    i: u32,
    server: SocketAddr,
    lifetime: Duration,
    queue_mode: bool,
) -> Client {
    let mut dev = device::Instance::default();
    dev.set_manufacturer("lwm2m-rs".into());
    dev.set_model_number("simulated".into());
    dev.set_serial_number(name.into());
    let _ = dev.set_battery_level(100);
    let mut devices = Object::<device::Instance>::new().on_execute(reboot);
    devices.insert(0, dev);
    let mut temp = temperature::Instance::default();
    temp.set_sensor_value(20.0 + f64::from(i % 10));
    temp.set_sensor_units("Cel".into());
    let mut temps = Object::<temperature::Instance>::new();
    temps.insert(0, temp);
    let mut config = ClientConfig::new(name);
    config.lifetime = lifetime.max(Duration::from_secs(1));
    config.queue_mode = queue_mode;
    let mut client = Client::new(
        config,
        Endpoint::new(Config::default(), os_seeded()),
        server,
    );
    client.add_object(devices);
    client.add_object(temps);
    client
}

/// Moves device `i`'s temperature by up to ±0.25 every `interval_ms` and tells the client, so
/// observers are notified. Returns when the driver stops.
pub(crate) async fn drift(handle: Handle<Client>, i: u32, interval_ms: u64) {
    let mut rng = SeededRandom::new(u64::from(i));
    let mut tick = tokio::time::interval(Duration::from_millis(interval_ms.max(10)));
    loop {
        tick.tick().await;
        let delta = (rng.next_u64() % 51) as f64 / 100.0 - 0.25;
        let alive = handle
            .call(move |c, now| {
                let Some(temps) = c.object_mut::<Object<temperature::Instance>>(3303) else {
                    return;
                };
                if let Some(t) = temps.instance_mut(0) {
                    let v = ((t.sensor_value() + delta) * 100.0).round() / 100.0;
                    t.set_sensor_value(v);
                }
                c.changed(now, Path::resource(3303, 0, 5700));
            })
            .await;
        if alive.is_none() {
            return;
        }
    }
}

/// The server `lwm2m server` runs: default settings, typed with Device and Temperature.
pub(crate) fn lwm2m_server() -> Server {
    let endpoint = Endpoint::new(Config::default(), os_seeded());
    let mut server = Server::new(ServerConfig::default(), endpoint, os_seeded());
    server.add_objects(&[&device::META, &temperature::META]);
    server
}
