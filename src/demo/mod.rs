//! What `lwm2m client`, `lwm2m server` and `lwm2m demo` share: the simulated device (Device and a
//! drifting Temperature), the server with the Objects it knows, and the one-line rendering of
//! values the commands print.

mod device;
mod show;

pub(crate) use device::{drift, lwm2m_server, simulated_device};
pub(crate) use show::{object_list, resource_name, show, value};
