use lwm2m_macros::lwm2m_object;

#[lwm2m_object(id = 32769, colour = "red")]
pub struct Lamp {
    #[resource(id = 0, operations = "RW")]
    on: bool,
}

fn main() {
    let _ = Lamp { on: true };
}
