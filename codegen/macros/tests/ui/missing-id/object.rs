use lwm2m_macros::lwm2m_object;

#[lwm2m_object(version = "1.0")]
pub struct Lamp {
    #[resource(id = 0, operations = "RW")]
    on: bool,
}

fn main() {}
