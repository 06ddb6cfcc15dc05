use lwm2m_core::object::server;
use lwm2m_objects::device::Device;

fn main() {
    // Battery Level (9) is read-only.
    let _ = server::write(0, Device::BATTERY_LEVEL, &50);
}
