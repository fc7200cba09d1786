//! What the shell tells the browser about the server's rules for scripts and files: the nonce
//! Leptos put on this page's inline scripts, handed to the server, which names it in the
//! page's Content Security Policy (`entente_server::http::security`), and the stylesheet's
//! content-hashed name.

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

/// The stylesheet's address: in the bundle's folder (`/pkg/<hash>/entente.css` when the site
/// was built by `cargo xtask`, `/pkg/entente.css` otherwise).
pub fn stylesheet_href(options: &leptos::config::LeptosOptions) -> String {
    format!("/{}/{}.css", options.site_pkg_dir, options.output_name)
}
