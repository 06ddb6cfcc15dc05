use lwm2m_macros::lwm2m_object;

#[lwm2m_object(id = 32769)]
pub struct Lamp {
    #[resource(id = 0, operations = "RW")]
    on: bool,
    #[resource(id = 0, operations = "R")]
    level: u8,
}

fn main() {}
