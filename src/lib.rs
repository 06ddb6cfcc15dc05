//! Support code of the `lwm2m` command line that tests and other tools use too: the custom
//! objects of the simulated device.

pub mod objects;
