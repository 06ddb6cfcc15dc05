use lwm2m_macros::lwm2m_object;

#[lwm2m_object(id = 32769, id = 32770)]
pub struct Lamp {
    #[resource(id = 0, id = 1, operations = "RW")]
    on: bool,
}

fn main() {}
