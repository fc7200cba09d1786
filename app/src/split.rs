//! Preloading a page's own WASM modules with its HTML.
//!
//! The bundle is split by area of pages (`lazy_areas!` in `lib.rs`); the site build writes
//! which modules each area's split point needs into [`MANIFEST`] beside them. When the server
//! renders a page it names those modules in the page's `<head>` (`<link rel="preload">`, and
//! the JS that instantiates them as a module preload), so the browser fetches them beside the
//! main bundle instead of after it, and hydration, which waits for them, starts sooner.
//!
//! Leptos can do this from its own manifest, but it looks that manifest up from whichever
//! reactive owner is current once the page is rendered, which on a busy server is not always
//! the page's: pages went out without their preloads about one time in three. So the build
//! names the manifest differently (Leptos finds none), the server provides ours with every
//! page's context, and the page's route asks here, inside its own render.

use std::collections::HashMap;
use std::sync::Arc;

use leptos::config::LeptosOptions;
use leptos::prelude::*;
use leptos_meta::Link;

/// The manifest the site build writes into the bundle's folder: for each split point (named
/// after the area's function), the modules it needs, by file stem.
const MANIFEST: &str = "split-manifest.json";

/// The module that loads and instantiates the split modules (the name Leptos' loader expects
/// when the bundle's files are not hashed one by one: ours share a hashed folder).
const LOADER: &str = "__wasm_split.______________________.js";

/// The manifest of the site the server serves, and where its bundle is served from. The server
/// reads it once at start ([`AreaModules::read`]) and provides it to every page it renders.
#[derive(Clone)]
pub struct AreaModules {
    /// `/pkg/<hash>`.
    bundle: Arc<str>,
    /// Split point name → the file stems of the modules it needs.
    modules: Arc<HashMap<String, Vec<String>>>,
}

impl AreaModules {
    /// Reads the manifest of the site `options` describe (it changes only with a new build,
    /// which restarts the server). A site without one (the tests', one built otherwise)
    /// preloads nothing.
    pub fn read(options: &LeptosOptions) -> Option<Self> {
        let manifest = format!("{}/{}/{MANIFEST}", options.site_root, options.site_pkg_dir);
        let text = std::fs::read_to_string(&manifest).ok()?;
        let modules = serde_json::from_str(&text)
            .inspect_err(|error| tracing::error!("{manifest} is unreadable: {error}"))
            .ok()?;
        Some(Self {
            bundle: format!("/{}", options.site_pkg_dir).into(),
            modules: Arc::new(modules),
        })
    }
}

/// Names in the page's `<head>` the modules the split point `area` (an area function's
/// name) needs, and their loader.
pub fn preload(area: &str) {
    let Some(site) = use_context::<AreaModules>() else {
        return;
    };
    // `#[lazy]` names a split point `<function>_<hash of where it is written>`.
    let prefix = format!("{area}_");
    let Some(stems) = site.modules.iter().find_map(|(point, stems)| {
        point
            .strip_prefix(&prefix)
            .is_some_and(|hash| hash.bytes().all(|byte| byte.is_ascii_digit()))
            .then_some(stems)
    }) else {
        return;
    };
    let bundle = &site.bundle;
    for stem in stems {
        // Rendering a meta component on the server registers it for the `<head>`.
        _ = view! {
            <Link
                rel="preload"
                href=format!("{bundle}/{stem}.wasm")
                as_="fetch"
                type_="application/wasm"
                crossorigin="anonymous"
            />
        }
        .to_html();
    }
    _ = view! { <Link rel="modulepreload" href=format!("{bundle}/{LOADER}") /> }.to_html();
}
