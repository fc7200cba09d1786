//! The HTTP stack: the router with its middleware, health check, cross-site guard and the
//! status of refused server functions.

pub mod csrf;
pub mod health;
pub mod router;
pub mod server_fn_status;
