//! The Trakt-like test server itself (`test-server/`): it keeps what its
//! documentation promises to the other tests.

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use trakt_test_server::{Config, Fault, SETTINGS, Server, TOKEN};

fn addr(server: &Server) -> SocketAddr {
    server
        .url()
        .strip_prefix("http://")
        .expect("an http URL")
        .parse()
        .expect("an address")
}

/// `GET path` with a user agent; the status line of the answer.
fn get(addr: SocketAddr, path: &str) -> String {
    let mut stream = TcpStream::connect(addr).expect("connect");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: x\r\nUser-Agent: test\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer.lines().next().unwrap_or_default().to_string()
}

#[test]
fn a_dropped_server_closes_its_port() {
    let server = Server::start(Config::default());
    let at = addr(&server);
    assert_eq!(get(at, SETTINGS), "HTTP/1.1 403 Forbidden");
    drop(server);
    let refused = TcpStream::connect_timeout(&at, Duration::from_secs(5))
        .expect_err("the port of a dropped server still accepts");
    assert_eq!(refused.kind(), ErrorKind::ConnectionRefused, "{refused}");
}

#[test]
fn a_held_request_is_answered_once_released_or_dropped() {
    let server = Server::start(Config::default());
    server.fault(TOKEN, Fault::Hold, 2);
    let at = addr(&server);
    let held = std::thread::spawn(move || get(at, TOKEN));
    super::support::wait_until("the held request", Duration::from_secs(10), || {
        server.count(TOKEN) == 1
    });
    std::thread::sleep(Duration::from_millis(100));
    assert!(!held.is_finished(), "answered before the release");
    server.release();
    assert_eq!(held.join().unwrap(), "HTTP/1.1 404 Not Found");
    // Released is released: the second hold goes straight on.
    assert_eq!(get(at, TOKEN), "HTTP/1.1 404 Not Found");

    let server = Server::start(Config::default());
    server.fault(TOKEN, Fault::Hold, 1);
    let at = addr(&server);
    let held = std::thread::spawn(move || get(at, TOKEN));
    super::support::wait_until("the held request", Duration::from_secs(10), || {
        server.count(TOKEN) == 1
    });
    drop(server);
    assert_eq!(held.join().unwrap(), "HTTP/1.1 404 Not Found");
}

#[test]
fn a_port_taken_is_an_error_not_a_panic() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let at = taken.local_addr().unwrap().to_string();
    let error = Server::bind(&at, Config::default())
        .err()
        .expect("a second server on a port taken");
    assert_eq!(error.kind(), ErrorKind::AddrInUse);
}
