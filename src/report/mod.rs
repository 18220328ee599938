//! Service reports: PDF rendering and digital signatures (issue 5).
pub mod sign;
pub mod render;
