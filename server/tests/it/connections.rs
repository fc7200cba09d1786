//! Issue 12: what a slow, greedy or oversized client gets: a deadline for its request's
//! headers, a cap on connections answered 503, a 413 for a body over the limit that changes
//! nothing. Raw TCP, so the test sees exactly what goes over the wire.

use std::time::Duration;

use entente_server::http::limits::{MAX_BODY_BYTES, TOO_LARGE};
use entente_server::store::Store;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::support::app::{TestApp, spawn_app, spawn_app_with};
use crate::support::both_engines;
use crate::support::engines::fetch_count;

/// Opens a connection to the test server.
async fn connect(app: &TestApp) -> TcpStream {
    TcpStream::connect(app.address.trim_start_matches("http://"))
        .await
        .expect("connect")
}

/// Everything the server sends until it closes, within `limit` (a generous bound: the test
/// fails only if the server never closes).
async fn read_until_closed(stream: &mut TcpStream, limit: Duration) -> String {
    let mut answer = Vec::new();
    let read = tokio::time::timeout(limit, async {
        let mut buffer = [0_u8; 8192];
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(read) => answer.extend_from_slice(&buffer[..read]),
            }
        }
    })
    .await;
    assert!(
        read.is_ok(),
        "the server kept the connection open: {}",
        String::from_utf8_lossy(&answer)
    );
    String::from_utf8_lossy(&answer).into_owned()
}

/// A sign-up form body of `length` bytes (the name padded with spaces).
fn sign_up_head(app: &TestApp, length: usize, framing: &str) -> String {
    let host = app.address.trim_start_matches("http://");
    format!(
        "POST /api/sign_up HTTP/1.1\r\nhost: {host}\r\norigin: {}\r\n\
         content-type: application/x-www-form-urlencoded\r\n{framing}\r\n",
        app.address
    )
    .replace("{length}", &length.to_string())
}

both_engines! {
    async fn a_body_declared_over_the_limit_is_answered_413_and_changes_nothing(store: Store) {
        let app = spawn_app(store).await;
        let length = MAX_BODY_BYTES + 1;
        let mut stream = connect(&app).await;
        let head = sign_up_head(&app, length, "content-length: {length}\r\n");
        stream.write_all(head.as_bytes()).await.unwrap();
        let form = format!("account_name=Big&name=Bo&email=bo%40big.example&password=correct+horse+battery&x={}", "a".repeat(length));
        // Sends the whole body, as a browser would, while the server answers.
        let _ = stream.write_all(&form.as_bytes()[..length]).await;
        let answer = read_until_closed(&mut stream, Duration::from_secs(20)).await;
        assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
        assert!(answer.ends_with(TOO_LARGE), "{answer}");
        assert_eq!(fetch_count(&app.store, "SELECT COUNT(*) FROM accounts").await, 0);
    }

    async fn a_chunked_body_that_grows_over_the_limit_is_refused_and_changes_nothing(store: Store) {
        let app = spawn_app(store).await;
        let mut stream = connect(&app).await;
        let head = sign_up_head(&app, 0, "transfer-encoding: chunked\r\n");
        stream.write_all(head.as_bytes()).await.unwrap();
        let chunk = format!("account_name=Big&name=Bo&email=bo%40big.example&password=correct+horse+battery&x={}", "a".repeat(64 * 1024));
        for _ in 0..(MAX_BODY_BYTES / chunk.len() + 2) {
            if stream.write_all(format!("{:x}\r\n{chunk}\r\n", chunk.len()).as_bytes()).await.is_err() {
                break;
            }
        }
        let _ = stream.write_all(b"0\r\n\r\n").await;
        let answer = read_until_closed(&mut stream, Duration::from_secs(20)).await;
        let status: u16 = answer.get(9..12).and_then(|code| code.parse().ok()).unwrap_or(0);
        assert!(matches!(status, 400 | 413), "a clear refusal, not a server error: {answer}");
        assert_eq!(fetch_count(&app.store, "SELECT COUNT(*) FROM accounts").await, 0);
    }

    async fn a_client_that_sends_no_headers_is_disconnected(store: Store) {
        let app = spawn_app_with(store, |args| args.connections.header_timeout_secs = 1).await;
        let mut silent = connect(&app).await;
        let answer = read_until_closed(&mut silent, Duration::from_secs(15)).await;
        assert!(!answer.contains("200 OK"), "{answer}");

        let mut half = connect(&app).await;
        half.write_all(b"GET /healthz HTTP/1.1\r\nhost: 127.0.0.1\r\n").await.unwrap();
        let answer = read_until_closed(&mut half, Duration::from_secs(15)).await;
        assert!(!answer.contains("200 OK"), "headers that never end get no page: {answer}");
    }

    async fn connections_over_the_cap_are_answered_503_and_the_cap_frees_up(store: Store) {
        let app = spawn_app_with(store, |args| args.connections.max_connections = 2).await;
        let first = connect(&app).await;
        let second = connect(&app).await;
        // Both are accepted (a request on each would be served); give the loop a moment to
        // take them before the third arrives.
        let mut probe = connect(&app).await;
        probe.write_all(b"GET /healthz HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n").await.unwrap();
        let answer = read_until_closed(&mut probe, Duration::from_secs(15)).await;
        assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
        assert!(answer.contains("retry-after: 1"), "{answer}");
        assert!(answer.ends_with("The service is busy. Please try again in a moment.\r\n"), "{answer}");

        drop(first);
        drop(second);
        let mut served = None;
        for _ in 0..50 {
            let response = reqwest::Client::new().get(app.url("/healthz")).send().await;
            if let Ok(response) = response && response.status() == reqwest::StatusCode::OK {
                served = Some(response);
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(served.is_some(), "closed connections give their slots back");
    }
}
