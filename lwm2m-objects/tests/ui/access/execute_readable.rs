use lwm2m_core::object::server;
use lwm2m_objects::device::Device;

fn main() {
    // Battery Level (9) is read-only: it has a value, not an execute.
    let _ = server::execute(0, Device::BATTERY_LEVEL, "");
}
