//! Issue 12: the headers every answer carries (Content Security Policy with the page's nonce,
//! no framing, no sniffing, no referrer to other sites, HSTS behind https, no caching of pages
//! and server-function answers) and the `Host` check that refuses a rebound name.

use entente_server::store::Store;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use crate::support::app::{html, spawn_app, spawn_app_with};
use crate::support::both_engines;

/// One header's text, or "" when it is absent.
fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .map_or("", |value| value.to_str().unwrap())
}

/// The headers every answer carries, whatever produced it.
fn assert_common(headers: &HeaderMap) {
    assert_eq!(header(headers, "x-content-type-options"), "nosniff");
    assert_eq!(header(headers, "x-frame-options"), "DENY");
    assert_eq!(header(headers, "referrer-policy"), "same-origin");
    assert_eq!(header(headers, "cross-origin-opener-policy"), "same-origin");
    assert!(header(headers, "content-security-policy").contains("frame-ancestors 'none'"));
    assert!(header(headers, "permissions-policy").contains("camera=()"));
    assert_eq!(
        header(headers, entente_app::NONCE_HEADER),
        "",
        "the nonce header never leaves"
    );
}

both_engines! {
    async fn a_page_names_its_scripts_nonce_in_its_policy_and_is_never_cached(store: Store) {
        let app = spawn_app(store).await;
        let response = app.client.get(app.url("/")).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let headers = response.headers().clone();
        assert_common(&headers);
        assert_eq!(header(&headers, "cache-control"), "no-store");
        assert_eq!(header(&headers, "strict-transport-security"), "", "no HSTS over plain http");
        let policy = header(&headers, "content-security-policy");
        assert!(policy.contains("'wasm-unsafe-eval'"), "{policy}");
        assert!(!policy.contains("unsafe-inline"), "{policy}");
        let html = html(response).await;
        let nonce = html
            .split("<script type=\"module\" nonce=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .expect("the hydration script has a nonce");
        assert!(policy.contains(&format!("'nonce-{nonce}'")), "{policy} / {nonce}");
        for script in html.split("<script").skip(1) {
            assert!(script.starts_with(&format!(" type=\"module\" nonce=\"{nonce}\"")) || script.contains(&format!("nonce=\"{nonce}\"")), "an inline script without the nonce: <script{}", &script[..script.len().min(120)]);
        }

        let again = app.client.get(app.url("/")).send().await.unwrap();
        let second = header(again.headers(), "content-security-policy").to_owned();
        assert_ne!(second, policy, "a new nonce for every page");
    }

    async fn pages_and_static_files_served_at_once_keep_their_own_headers(store: Store) {
        // leptos_axum's static-file fallback created its reactive owner under whatever owner
        // the thread last entered, and moved that request's headers onto the file: under load
        // a page lost its nonce policy (its scripts were blocked) and a stylesheet carried it.
        let pkg = std::env::temp_dir().join("entente-test-site").join("pkg");
        std::fs::create_dir_all(&pkg).unwrap();
        std::fs::write(pkg.join("headers-test.css"), "body { color: black }").unwrap();
        let app = spawn_app(store).await;
        let requests = (0..40).map(|n| {
            let path = if n % 2 == 0 { "/" } else { "/pkg/headers-test.css" };
            let request = app.client.get(app.url(path)).send();
            async move { (path, request.await.unwrap()) }
        });
        for (path, response) in futures::future::join_all(requests).await {
            assert_eq!(response.status(), StatusCode::OK, "{path}");
            let headers = response.headers().clone();
            assert_common(&headers);
            let policy = header(&headers, "content-security-policy").to_owned();
            if path == "/" {
                let html = html(response).await;
                let nonce = html
                    .split("nonce=\"")
                    .nth(1)
                    .and_then(|rest| rest.split('"').next())
                    .expect("the page's scripts have a nonce");
                assert!(policy.contains(&format!("'nonce-{nonce}'")), "{policy} / {nonce}");
            } else {
                assert!(policy.starts_with("default-src 'none'"), "{path}: {policy}");
                assert_eq!(header(&headers, "cache-control"), "no-cache", "{path}");
            }
        }
        // "no-cache" costs a revalidation, not the file: the WASM is megabytes.
        let first = app.client.get(app.url("/pkg/headers-test.css")).send().await.unwrap();
        let modified = header(first.headers(), "last-modified").to_owned();
        assert!(!modified.is_empty(), "static files say when they changed");
        let again = app
            .client
            .get(app.url("/pkg/headers-test.css"))
            .header("if-modified-since", &modified)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    }

    async fn a_file_compressed_at_build_time_is_sent_as_it_is(store: Store) {
        // `cargo xtask` writes `<file>.br` and `<file>.gz` beside the WASM, JS and CSS: the
        // server sends those bytes instead of compressing megabytes on every request.
        let pkg = std::env::temp_dir().join("entente-test-site").join("pkg");
        std::fs::create_dir_all(&pkg).unwrap();
        std::fs::write(pkg.join("packed.js"), "export const plain = 1;").unwrap();
        std::fs::write(pkg.join("packed.js.br"), "stands for brotli bytes").unwrap();
        let app = spawn_app(store).await;
        let packed = app
            .client
            .get(app.url("/pkg/packed.js"))
            .header("accept-encoding", "br, gzip")
            .send()
            .await
            .unwrap();
        assert_eq!(packed.status(), StatusCode::OK);
        assert_eq!(header(packed.headers(), "content-encoding"), "br");
        assert_eq!(packed.text().await.unwrap(), "stands for brotli bytes");
        let plain = app
            .client
            .get(app.url("/pkg/packed.js"))
            .header("accept-encoding", "identity")
            .send()
            .await
            .unwrap();
        assert_eq!(header(plain.headers(), "content-encoding"), "");
        assert_eq!(plain.text().await.unwrap(), "export const plain = 1;");
    }

    async fn pages_link_the_bundle_by_content_hash_and_browsers_keep_those_files(store: Store) {
        // The site `cargo xtask` builds: the bundle in a folder named by its content's hash,
        // named in hash.txt beside pkg/.
        const HASH: &str = "0123456789abcdef";
        let site = tempfile::tempdir().unwrap();
        let bundle = site.path().join("pkg").join(HASH);
        std::fs::create_dir_all(&bundle).unwrap();
        for extension in ["js", "wasm", "css"] {
            std::fs::write(bundle.join(format!("entente.{extension}")), "bytes").unwrap();
        }
        std::fs::write(site.path().join("pkg").join("entente.css"), "bytes").unwrap();
        std::fs::write(site.path().join("hash.txt"), format!("bundle: {HASH}\n")).unwrap();
        let root = site.path().to_owned();
        let app = spawn_app_with(store, move |args| args.site_root = root).await;

        let page = html(app.client.get(app.url("/")).send().await.unwrap()).await;
        for file in ["js", "wasm", "css"].map(|extension| format!("/pkg/{HASH}/entente.{extension}")) {
            assert!(page.contains(&file), "the page links {file}");
            let response = app.client.get(app.url(&file)).send().await.unwrap();
            assert_eq!(response.status(), StatusCode::OK, "{file}");
            assert_eq!(header(response.headers(), "cache-control"), "public, max-age=31536000, immutable", "{file}");
        }
        assert!(!page.contains("/pkg/entente.css\""), "no link to the plain name");
        let plain = app.client.get(app.url("/pkg/entente.css")).send().await.unwrap();
        assert_eq!(header(plain.headers(), "cache-control"), "no-cache", "a plain name is revalidated");
    }

    async fn a_page_names_its_own_area_s_wasm_modules_every_time_and_no_other_area_s(store: Store) {
        // The bundle is split by area of pages; the build's manifest says which modules each
        // area's split point needs, and a page preloads exactly its area's.
        const HASH: &str = "fedcba9876543210";
        let site = tempfile::tempdir().unwrap();
        let bundle = site.path().join("pkg").join(HASH);
        std::fs::create_dir_all(&bundle).unwrap();
        std::fs::write(
            bundle.join("split-manifest.json"),
            r#"{"visitor_area_12564559774285843776": ["chunk_3", "split_visitor_area"],
                "home_area_12564559774285843776": ["chunk_3", "split_home_area"]}"#,
        )
        .unwrap();
        std::fs::write(site.path().join("hash.txt"), format!("bundle: {HASH}\n")).unwrap();
        let root = site.path().to_owned();
        let app = spawn_app_with(store, move |args| args.site_root = root).await;

        let loader = format!("href=\"/pkg/{HASH}/__wasm_split.______________________.js\"");
        // Several times: Leptos' own preloading left a page without them now and then.
        for _ in 0..5 {
            let page = html(app.client.get(app.url("/sign-in")).send().await.unwrap()).await;
            for stem in ["chunk_3", "split_visitor_area"] {
                let link = format!("<link as=\"fetch\" crossorigin=\"anonymous\" href=\"/pkg/{HASH}/{stem}.wasm\" rel=\"preload\" type=\"application/wasm\">");
                assert!(page.contains(&link), "the sign-in page preloads {stem}: {page}");
            }
            assert!(page.contains(&loader), "and their loader");
            assert!(!page.contains("split_home_area"), "not the home page's module");
        }
        let home = html(app.client.get(app.url("/")).send().await.unwrap()).await;
        assert!(home.contains(&format!("/pkg/{HASH}/split_home_area.wasm")));
        assert!(!home.contains("split_visitor_area"));
    }

    async fn server_function_answers_and_refusals_allow_nothing_and_are_never_cached(store: Store) {
        let app = spawn_app(store).await;
        let answer = app
            .client
            .post(app.url("/api/status"))
            .header("sec-fetch-site", "same-origin")
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), StatusCode::OK);
        let refused = app
            .client
            .post(app.url("/api/status"))
            .header("sec-fetch-site", "cross-site")
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
        for response in [answer, refused] {
            let headers = response.headers();
            assert_common(headers);
            assert!(header(headers, "content-security-policy").starts_with("default-src 'none'"));
            assert_eq!(header(headers, "cache-control"), "no-store");
        }
    }

    async fn static_files_are_revalidated_not_stored_blind(store: Store) {
        let app = spawn_app(store).await;
        let response = app.client.get(app.url("/favicon.ico")).send().await.unwrap();
        if response.status() == StatusCode::OK {
            assert_eq!(header(response.headers(), "cache-control"), "no-cache");
        } else {
            assert_eq!(header(response.headers(), "cache-control"), "no-store", "a missing file is not kept");
        }
        assert_common(response.headers());
    }

    async fn behind_https_every_answer_asks_for_https_from_then_on(store: Store) {
        let app = spawn_app_with(store, |args| {
            args.public_url = Some("https://entente.example".parse().unwrap());
        })
        .await;
        for path in ["/", "/healthz", "/no/such/page"] {
            let response = app.client.get(app.url(path)).send().await.unwrap();
            assert_eq!(
                header(response.headers(), "strict-transport-security"),
                "max-age=63072000; includeSubDomains",
                "{path}"
            );
        }
    }

    async fn a_foreign_host_name_is_refused_before_anything_runs(store: Store) {
        // DNS rebinding: a name the attacker controls pointed at this server's address.
        let app = spawn_app(store).await;
        let port = app.address.rsplit(':').next().unwrap().to_owned();
        let rebound = app
            .client
            .post(app.url("/api/sign_up"))
            .header("host", format!("rebind.attacker.example:{port}"))
            .form(&[
                ("account_name", "Rebound"),
                ("name", "Rita Rebound"),
                ("email", "rita@rebound.example"),
                ("password", "correct horse battery"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(rebound.status(), StatusCode::MISDIRECTED_REQUEST);
        assert_common(rebound.headers());
        assert_eq!(rebound.text().await.unwrap(), "This server does not answer for that host name.");
        let accounts = crate::support::engines::fetch_count(&app.store, "SELECT COUNT(*) FROM accounts").await;
        assert_eq!(accounts, 0, "nothing ran");

        for host in [format!("localhost:{port}"), format!("127.0.0.1:{port}"), format!("[::1]:{port}")] {
            let response = app.client.get(app.url("/healthz")).header("host", &host).send().await.unwrap();
            assert_eq!(response.status(), StatusCode::OK, "{host}");
        }
    }
}
