//! The services the server injects through Leptos context (STYLE 5: inject, don't reach).
//!
//! `entente-app` cannot depend on `entente-server`, so each area names what it needs as a
//! trait, its *port*, beside its server functions (`api::<area>::port`); the server implements
//! each once at start-up around its single database pool and hands them over in [`Services`].

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use leptos::prelude::use_context;

use crate::api::activity::port::ActivityService;
use crate::api::auth::port::AuthService;
use crate::api::contacts::port::ContactsService;
use crate::api::documents::port::DocumentsService;
use crate::api::mailbox::port::MailboxService;
use crate::api::partners::port::PartnersService;
use crate::api::proofs::port::ProofsService;
use crate::api::sharing::port::SharingService;
use crate::api::status::port::Backend;
use crate::api::users::port::UsersService;
use crate::error::AppError;

/// A boxed future, so the ports stay object-safe.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A failure inside the backend, to be logged by the caller.
pub type BackendResult<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// Everything the server provides to server functions, built once at start-up.
#[derive(Clone)]
pub struct Services {
    /// The storage-backed services.
    pub backend: Arc<dyn Backend>,
    /// Accounts, sign-in and sessions.
    pub auth: Arc<dyn AuthService>,
    /// The Users page, set-password links and password resets.
    pub users: Arc<dyn UsersService>,
    /// The Contacts page: listing, adding and removing contacts.
    pub contacts: Arc<dyn ContactsService>,
    /// The Documents pages: folders, files and their versions, the trash.
    pub documents: Arc<dyn DocumentsService>,
    /// Sharing with partners: an item's sharing panel, sharing and revoking, "Shared with
    /// us" and "Shared by us".
    pub sharing: Arc<dyn SharingService>,
    /// Proofs and review: sending for review, the proof page, "My reviews", our proofs.
    pub proofs: Arc<dyn ProofsService>,
    /// The Partners tab: listing, sending, accepting, rejecting and deleting requests.
    pub partners: Arc<dyn PartnersService>,
    /// The Activity page: the account's audit trail.
    pub activity: Arc<dyn ActivityService>,
    /// The outbox reader behind the Mailbox page; `None` unless `ENTENTE_DEV_MAILBOX` is on.
    pub mailbox: Option<Arc<dyn MailboxService>>,
}

/// Returns the injected services, or an internal error if the server forgot to provide them.
pub fn services() -> Result<Services, AppError> {
    use_context::<Services>().ok_or_else(|| AppError::internal("services missing from context"))
}
