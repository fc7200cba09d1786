//! The HTTP stack: the router with its middleware, health check and cross-site guard.

pub mod csrf;
pub mod health;
pub mod router;
