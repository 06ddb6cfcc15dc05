//! The Objects the composite tests host (Device with a multiple-instance Resource, Temperature,
//! Light Control) and a lookup in composite results.

#![allow(dead_code)]

use lwm2m_core::object::Object;
use lwm2m_core::{Path, Record, Value};
use lwm2m_objects::{device, light_control, temperature};
use lwm2m_runtime::client::Client;

/// Device /3/0: manufacturer ACME, battery 87 %, UTC offset +01:00, two power source voltages.
pub(crate) fn device() -> Object<device::Instance> {
    let mut dev = device::Instance::default();
    dev.set_manufacturer("ACME".into());
    dev.set_battery_level(87).unwrap();
    dev.set_utc_offset("+01:00".into());
    dev.set_power_source_voltage([(0, 3300), (1, 5000)].into());
    let mut o = Object::<device::Instance>::new();
    o.insert(0, dev);
    o
}

/// Hosts [`device`], Temperature /3303/0 at 21.5 and Light Control /3311/0 on `client`.
pub(crate) fn objects(client: &mut Client) {
    client.add_object(device());
    let mut temp = temperature::Instance::default();
    temp.set_sensor_value(21.5);
    let mut temps = Object::<temperature::Instance>::new();
    temps.insert(0, temp);
    client.add_object(temps);
    let mut lights = Object::<light_control::Instance>::new();
    lights.insert(0, light_control::Instance::default());
    client.add_object(lights);
}

/// The value at `path` in composite `records`.
pub(crate) fn value_at(records: &[Record], path: Path) -> Option<&Value> {
    records.iter().find(|r| r.path == path).map(|r| &r.value)
}
