//! The HTTP stack: the router with its middleware, health check, cross-site guard, security
//! headers and `Host` check, and the status of refused server functions.

pub mod bench;
pub mod client;
pub mod csrf;
pub mod health;
pub mod limits;
pub mod router;
pub mod security;
pub mod serve;
pub mod server_fn_status;
