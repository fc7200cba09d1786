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

/// The stylesheet's address: `/pkg/entente.<hash>.css` when the site lists its files' content
/// hashes (Leptos' `hash_files`, the file `cargo xtask` writes), `/pkg/entente.css` otherwise.
pub fn stylesheet_href(options: &leptos::config::LeptosOptions) -> String {
    #[cfg(feature = "ssr")]
    if options.hash_files {
        use std::sync::OnceLock;
        // Read once: the file changes only with a new build, which restarts the server.
        static CSS_HASH: OnceLock<Option<String>> = OnceLock::new();
        let hash = CSS_HASH.get_or_init(|| {
            let text = std::fs::read_to_string(&*options.hash_file).ok()?;
            text.lines().find_map(|line| {
                let (file, hash) = line.split_once(':')?;
                (file.trim() == "css").then(|| hash.trim().to_owned())
            })
        });
        if let Some(hash) = hash {
            return format!(
                "/{}/{}.{hash}.css",
                options.site_pkg_dir, options.output_name
            );
        }
    }
    format!("/{}/{}.css", options.site_pkg_dir, options.output_name)
}
