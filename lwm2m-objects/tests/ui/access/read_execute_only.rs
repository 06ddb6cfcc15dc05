use lwm2m_core::object::server;
use lwm2m_objects::device::Device;

fn main() {
    // Reboot (4) is execute-only.
    let _ = server::read(0, Device::REBOOT);
}
