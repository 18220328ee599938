//! The domain of lane maintenance as Rust types. Constructors validate, so a value of one of
//! these types is always acceptable to store; the store never re-checks what a type guarantees.

pub mod contract;
pub mod device;
pub mod number;
pub mod org;
pub mod sla;
pub mod values;
pub mod work_order;

pub use values::*;
