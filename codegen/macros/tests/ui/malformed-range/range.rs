use lwm2m_macros::lwm2m_object;

#[lwm2m_object(id = 32769)]
pub struct Lamp {
    #[resource(id = 0, operations = "RW", range = "lots")]
    level: u8,
    #[resource(id = 1, operations = "RW", range = "10..1")]
    dim: u8,
    #[resource(id = 2, operations = "RW", range = "1...3")]
    mode: u8,
}

fn main() {}
