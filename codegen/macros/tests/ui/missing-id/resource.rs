use lwm2m_macros::lwm2m_object;

#[lwm2m_object(id = 32769)]
pub struct Lamp {
    #[resource(operations = "RW")]
    on: bool,
    level: u8,
}

fn main() {}
