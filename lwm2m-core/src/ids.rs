//! Identifier aliases. LwM2M ids are 16-bit; 65535 is reserved (it is not a valid id on the wire,
//! but the codecs accept it when decoding rather than guessing what a peer meant).

/// An Object id, such as `3` (Device) or `3303` (Temperature).
pub type ObjectId = u16;
/// An Object Instance id.
pub type InstanceId = u16;
/// A Resource id inside an Object.
pub type ResourceId = u16;
/// A Resource Instance id inside a multiple-instance Resource.
pub type ResourceInstanceId = u16;
