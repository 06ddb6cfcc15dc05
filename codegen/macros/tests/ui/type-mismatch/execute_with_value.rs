use lwm2m_macros::lwm2m_object;

#[lwm2m_object(id = 32769)]
pub struct Lamp {
    #[resource(id = 0, operations = "E")]
    blink: u8,
    #[resource(id = 1, operations = "R")]
    level: (),
}

fn main() {}
