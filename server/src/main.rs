//! The `entente-server` binary.
fn main() {}
