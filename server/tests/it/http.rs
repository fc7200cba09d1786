//! The HTTP stack on both engines: health check, server-side rendering, 404, the cross-site
//! guard, request ids and compression.

use entente_server::store::Store;
use reqwest::StatusCode;

use crate::support::app::{html, serve_args, spawn_app};
use crate::support::both_engines;
use crate::support::engines::with_sqlite;

both_engines! {
    async fn healthz_answers_ok_while_the_database_answers_and_503_after(store: Store) {
        let app = spawn_app(store).await;
        let response = app.client.get(app.url("/healthz")).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.text().await.unwrap(), "ok");

        app.store.close().await;
        let response = app.client.get(app.url("/healthz")).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    }

    async fn home_page_is_rendered_on_the_server_with_the_live_status(store: Store) {
        let engine = store.engine().label();
        let app = spawn_app(store).await;
        let response = app.client.get(app.url("/")).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert!(response.headers().contains_key("x-request-id"), "every response carries a request id");
        let html = html(response).await;
        assert!(html.contains("<title>Entente</title>"), "{html}");
        assert!(html.contains("Work with your partners as one team"));
        assert!(html.contains("The service is running and its database answered in "), "{html}");
        // Issue 12: a visitor learns neither the engine nor how many organizations there are.
        assert!(!html.contains(engine), "{html}");
        assert!(!html.contains(" organizations."), "{html}");
        assert!(html.contains("/pkg/entente.js"), "the page loads the hydration script");
    }

    async fn unknown_pages_answer_404_with_a_readable_page(store: Store) {
        let app = spawn_app(store).await;
        let (status, html) = app.page(&app.client, "/no/such/page").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(html.contains("Page not found"), "{html}");
    }

    async fn server_functions_answer_same_origin_posts(store: Store) {
        let app = spawn_app(store).await;
        let response = app
            .client
            .post(app.url("/api/status"))
            .header("origin", &app.address)
            .header("sec-fetch-site", "same-origin")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let report: serde_json::Value = response.json().await.unwrap();
        assert!(report["database_micros"].is_u64(), "{report}");
        assert_eq!(report.as_object().unwrap().len(), 1, "the status says nothing else: {report}");
    }

    async fn cross_site_posts_are_refused_before_any_handler(store: Store) {
        let app = spawn_app(store).await;
        let cases = [
            ("sec-fetch-site", "cross-site".to_string()),
            ("origin", "https://evil.example".to_string()),
            ("referer", "https://evil.example/form".to_string()),
        ];
        for (header, value) in cases {
            let response = app
                .client
                .post(app.url("/api/status"))
                .header(header, &value)
                .header("content-type", "application/x-www-form-urlencoded")
                .body("")
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::FORBIDDEN, "{header}: {value}");
            let text = response.text().await.unwrap();
            assert!(text.contains("came from another site"), "{text}");
        }
    }

    async fn server_functions_are_not_reachable_by_get(store: Store) {
        let app = spawn_app(store).await;
        let response = app.client.get(app.url("/api/status")).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    }

    async fn pages_are_compressed_when_the_browser_accepts_it(store: Store) {
        let app = spawn_app(store).await;
        let response = app
            .client
            .get(app.url("/"))
            .header("accept-encoding", "br")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers().get("content-encoding").map(|v| v.to_str().unwrap()), Some("br"));
    }
}

#[tokio::test]
async fn a_port_in_use_gives_a_clear_error() {
    let taken = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let args = serve_args(taken.local_addr().unwrap());
    let error = entente_server::startup::bind(&args).await.unwrap_err();
    let message = format!("{error:#}");
    assert!(message.contains("could not listen on"), "{message}");
    assert!(
        message.contains("is another server using that port?"),
        "{message}"
    );
}

#[tokio::test]
async fn the_server_stops_gracefully_when_the_shutdown_signal_completes() {
    with_sqlite(|store: Store| async move {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let state = entente_server::startup::AppState::new(&serve_args(addr), store)
            .expect("the server's state");
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(entente_server::startup::serve(listener, state, async {
            let _ = stopped.await;
        }));
        let health = reqwest::get(format!("http://{addr}/healthz"))
            .await
            .unwrap();
        assert_eq!(health.status(), StatusCode::OK);
        stop.send(()).unwrap();
        let outcome = tokio::time::timeout(std::time::Duration::from_secs(10), server).await;
        assert!(
            matches!(outcome, Ok(Ok(Ok(())))),
            "the server did not stop cleanly: {outcome:?}"
        );
        assert!(
            reqwest::get(format!("http://{addr}/healthz"))
                .await
                .is_err(),
            "still answering after shutdown"
        );
    })
    .await;
}

/// Regression: Leptos suppresses resource loading process-wide while it lists a router's
/// routes, and a page whose resource first ran in that window never finished
/// (leptos-rs/leptos#4773). Tests start hundreds of servers in one process, so pages must
/// keep rendering while other routers are built.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_keep_rendering_while_other_routers_are_built() {
    with_sqlite(|store: Store| async move {
        let app = spawn_app(store.clone()).await;
        let state = entente_server::startup::AppState::new(
            &serve_args("127.0.0.1:0".parse().unwrap()),
            store,
        )
        .expect("the server's state");
        let building = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
        let builder = {
            let building = building.clone();
            let runtime = tokio::runtime::Handle::current();
            std::thread::spawn(move || {
                let _guard = runtime.enter();
                let mut built = 0_u32;
                while building.load(std::sync::atomic::Ordering::Relaxed) {
                    drop(entente_server::http::router::build(state.clone()));
                    built += 1;
                }
                built
            })
        };
        for round in 0..30 {
            let page = tokio::time::timeout(
                std::time::Duration::from_secs(10),
                app.client.get(app.url("/")).send(),
            )
            .await
            .unwrap_or_else(|_| panic!("render {round} hung while routers were being built"))
            .unwrap();
            assert_eq!(page.status(), StatusCode::OK);
            let html = tokio::time::timeout(std::time::Duration::from_secs(10), page.text())
                .await
                .unwrap_or_else(|_| panic!("render {round} stalled mid-body"))
                .unwrap();
            assert!(
                html.contains("The service is running and its database answered in "),
                "{html}"
            );
        }
        building.store(false, std::sync::atomic::Ordering::Relaxed);
        let built = builder.join().unwrap();
        assert!(built > 0, "no router was built while pages rendered");
    })
    .await;
}
