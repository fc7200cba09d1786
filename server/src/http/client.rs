//! Who is on the other end: puts an `entente_app::api::session::ClientAddress` in every
//! request's extensions, for per-client limits and the developers' Mailbox.
//!
//! The connection's own address is the client's, unless the connection comes from the
//! configured trusted proxy (`ENTENTE_TRUSTED_PROXY`): then the last address of its
//! `X-Forwarded-For` is (the one the proxy itself appended; earlier ones are the client's
//! claims and are never believed).

use std::net::IpAddr;

use axum::extract::{Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;
use entente_app::api::session::ClientAddress;

use crate::http::serve::peer;
use crate::startup::AppState;

/// The forwarding headers a proxy may add.
const FORWARDING: [&str; 3] = ["x-forwarded-for", "forwarded", "x-real-ip"];

/// Records the request's [`ClientAddress`]; a request from no connection (an in-process
/// call) has none.
pub async fn identify(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    if let Some(peer) = peer(request.extensions()) {
        let client = client_address(
            peer.ip(),
            request.headers(),
            state.connections.trusted_proxy,
        );
        request.extensions_mut().insert(client);
    }
    next.run(request).await
}

/// Decides the client's address from the connection's `peer` and the request's headers.
pub fn client_address(
    peer: IpAddr,
    headers: &HeaderMap,
    trusted_proxy: Option<IpAddr>,
) -> ClientAddress {
    let forwarded = FORWARDING.iter().any(|name| headers.contains_key(*name));
    if trusted_proxy.is_some_and(|proxy| same_address(proxy, peer)) {
        let ip = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .next_back()
            .and_then(|last| last.trim().parse::<IpAddr>().ok())
            .unwrap_or(peer);
        return ClientAddress {
            ip,
            local: ip.is_loopback(),
        };
    }
    ClientAddress {
        ip: peer,
        local: peer.is_loopback() && !forwarded,
    }
}

/// Compares addresses, reading an IPv4-mapped IPv6 address as the IPv4 one.
fn same_address(left: IpAddr, right: IpAddr) -> bool {
    left.to_canonical() == right.to_canonical()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, value.parse().unwrap());
        }
        map
    }

    #[test]
    fn client_address_table() {
        let loopback: IpAddr = "127.0.0.1".parse().unwrap();
        let proxy: IpAddr = "10.0.0.2".parse().unwrap();
        let remote: IpAddr = "198.51.100.7".parse().unwrap();
        let cases = [
            // (peer, headers, trusted proxy) → (ip, local)
            (loopback, headers(&[]), None, loopback, true),
            (remote, headers(&[]), None, remote, false),
            // An untrusted peer's forwarding header is not believed, and a forwarded loopback
            // request (a local proxy nobody declared) does not count as local.
            (
                remote,
                headers(&[("x-forwarded-for", "127.0.0.1")]),
                None,
                remote,
                false,
            ),
            (
                loopback,
                headers(&[("x-forwarded-for", "198.51.100.7")]),
                None,
                loopback,
                false,
            ),
            (
                loopback,
                headers(&[("forwarded", "for=198.51.100.7")]),
                None,
                loopback,
                false,
            ),
            // The trusted proxy's last entry is the client; earlier entries are claims.
            (
                proxy,
                headers(&[("x-forwarded-for", "127.0.0.1, 198.51.100.7")]),
                Some(proxy),
                remote,
                false,
            ),
            (
                proxy,
                headers(&[
                    ("x-forwarded-for", "1.1.1.1"),
                    ("x-forwarded-for", "198.51.100.7"),
                ]),
                Some(proxy),
                remote,
                false,
            ),
            (
                proxy,
                headers(&[("x-forwarded-for", "garbage")]),
                Some(proxy),
                proxy,
                false,
            ),
            (proxy, headers(&[]), Some(proxy), proxy, false),
            // A peer that is not the trusted proxy is itself the client.
            (
                remote,
                headers(&[("x-forwarded-for", "127.0.0.1")]),
                Some(proxy),
                remote,
                false,
            ),
            (
                "::ffff:10.0.0.2".parse().unwrap(),
                headers(&[("x-forwarded-for", "198.51.100.7")]),
                Some(proxy),
                remote,
                false,
            ),
        ];
        for (peer, headers, trusted, ip, local) in cases {
            assert_eq!(
                client_address(peer, &headers, trusted),
                ClientAddress { ip, local },
                "{peer} {headers:?} {trusted:?}"
            );
        }
    }
}
