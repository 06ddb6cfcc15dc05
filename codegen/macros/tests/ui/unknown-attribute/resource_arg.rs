use lwm2m_macros::lwm2m_object;

#[lwm2m_object(id = 32769)]
pub struct Lamp {
    #[resource(id = 0, operations = "RW", writable)]
    on: bool,
    #[resource(id = 1, unit = "%")]
    level: u8,
}

fn main() {}
