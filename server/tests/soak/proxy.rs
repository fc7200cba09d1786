//! A TCP proxy in front of PostgreSQL that a test can cut and restore, to take the database
//! away from a running server without touching the database itself.
//!
//! Two ways to cut: [`Cut::Refuse`] is a database that went down (every open connection is
//! closed, new ones are refused: the listening socket is closed) and [`Cut::Blackhole`] is a
//! network that stopped carrying packets (open connections stay open but nothing passes; new
//! ones are accepted and then hear nothing). [`Proxy::restore`] closes whatever the cut left
//! open and forwards new connections again, on the same port.

use std::net::SocketAddr;

use tokio::io::AsyncWriteExt as _;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// What the proxy does with traffic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cut {
    /// Forwards every connection.
    Open,
    /// The database is down: connections closed, new ones refused.
    Refuse,
    /// The network is silent: connections held open, nothing forwarded.
    Blackhole,
}

/// A running proxy; it stops when the test's runtime ends.
pub struct Proxy {
    /// The proxy's own address, to put in the database URL.
    pub address: SocketAddr,
    mode: watch::Sender<Cut>,
}

impl Proxy {
    /// Starts forwarding a free loopback port to `upstream`.
    pub async fn start(upstream: SocketAddr) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the proxy");
        let address = listener.local_addr().expect("the proxy's address");
        let (mode, watching) = watch::channel(Cut::Open);
        tokio::spawn(accept_loop(listener, address, upstream, watching));
        Proxy { address, mode }
    }

    /// Cuts the database off, the `cut` way.
    pub fn cut(&self, cut: Cut) {
        self.mode.send_replace(cut);
    }

    /// Forwards again: what the cut left open is closed, new connections pass.
    pub fn restore(&self) {
        self.mode.send_replace(Cut::Open);
    }
}

async fn accept_loop(
    first_listener: TcpListener,
    address: SocketAddr,
    upstream: SocketAddr,
    mut mode: watch::Receiver<Cut>,
) {
    let mut listener = Some(first_listener);
    loop {
        let Some(open_listener) = &listener else {
            // Refusing: no socket listens until the cut ends.
            if mode.wait_for(|cut| *cut != Cut::Refuse).await.is_err() {
                return;
            }
            listener = Some(rebind(address).await);
            continue;
        };
        tokio::select! {
            accepted = open_listener.accept() => {
                let Ok((client, _)) = accepted else { continue };
                let cut = *mode.borrow();
                let watching = mode.clone();
                match cut {
                    Cut::Open => {
                        tokio::spawn(forward(client, upstream, watching));
                    }
                    // Held open in silence until the cut ends, then closed.
                    _ => {
                        tokio::spawn(hold_until_restored(client, watching));
                    }
                }
            }
            changed = mode.changed() => {
                if changed.is_err() {
                    return;
                }
                if *mode.borrow() == Cut::Refuse {
                    listener = None;
                }
            }
        }
    }
}

/// Binds `address` again after a refusing cut (the port was ours a moment ago).
async fn rebind(address: SocketAddr) -> TcpListener {
    for _ in 0..100 {
        if let Ok(listener) = TcpListener::bind(address).await {
            return listener;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("the proxy could not listen on {address} again");
}

/// Copies both ways until either side closes, or a cut: a refusing cut closes both sides at
/// once, a blackhole holds them silent until the cut ends.
async fn forward(mut client: TcpStream, upstream: SocketAddr, mut mode: watch::Receiver<Cut>) {
    let Ok(mut server) = TcpStream::connect(upstream).await else {
        return;
    };
    tokio::select! {
        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => return,
        _ = mode.wait_for(|cut| *cut != Cut::Open) => {}
    }
    let cut = *mode.borrow();
    if cut == Cut::Blackhole {
        let _ = mode.wait_for(|cut| *cut == Cut::Open).await;
    }
    let _ = client.shutdown().await;
}

async fn hold_until_restored(client: TcpStream, mut mode: watch::Receiver<Cut>) {
    let _ = mode.wait_for(|cut| *cut == Cut::Open).await;
    drop(client);
}
