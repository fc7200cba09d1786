//! What the integration tests share, one copy of each: fresh databases on both engines and the
//! `both_engines!` macro ([`engines`]), the real app on a free port ([`app`]), typed calls of
//! server functions by their own path and arguments ([`calls`]), and signed-in organizations
//! with their users and emails ([`fixtures`]).

pub mod app;
pub mod calls;
pub mod engines;
pub mod fixtures;
pub mod logs;
pub mod moto;

pub(crate) use engines::both_engines;
