//! Hands the nonce Leptos put on this page's inline scripts to the server, which names it in
//! the page's Content Security Policy (`entente_server::http::security`).

/// The response header that carries the nonce from the shell to the server's security layer,
/// which removes it before the response leaves.
pub const NONCE_HEADER: &str = "x-entente-csp-nonce";

/// Called by the shell while the server renders a page; does nothing in the browser.
pub fn hand_nonce_to_server() {
    #[cfg(feature = "ssr")]
    {
        use http::header::{HeaderName, HeaderValue};
        use leptos::prelude::use_context;

        let nonce = leptos::nonce::use_nonce();
        let response = use_context::<leptos_axum::ResponseOptions>();
        if let (Some(nonce), Some(response)) = (nonce, response)
            && let Ok(value) = HeaderValue::from_str(&nonce)
        {
            response.insert_header(HeaderName::from_static(NONCE_HEADER), value);
        }
    }
}
