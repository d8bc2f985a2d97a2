//! Runs the test server in the foreground, for trying kometa-trakt without
//! Trakt credentials: `cargo run -p trakt-test-server [ADDR] [OPTIONS]`.
//! Options make it Trakt for other values (scripts/kometa-diff uses them):
//! `--client-id`, `--client-secret`, `--access-token`, `--refresh-token`,
//! `--pin` (a PIN it will exchange once), `--expired` (the access token no
//! longer works, so a client must refresh), `--no-secret` (an app without a
//! client secret), `--approve-after SECONDS` (device codes approve
//! themselves: the device flow without a person).

use std::process::exit;

use trakt_test_server::{Config, Server};

const USAGE: &str =
    "usage: trakt-test-server [ADDR (127.0.0.1:8765)] [--client-id ID] [--client-secret SECRET]
       [--access-token TOKEN] [--refresh-token TOKEN] [--pin PIN]... [--expired] [--no-secret]
       [--approve-after SECONDS]
A Trakt-like OAuth server on a loopback address, for trying kometa-trakt without Trakt.";

/// Stops with the usage and exit 2.
fn usage(problem: &str) -> ! {
    eprintln!("trakt-test-server: {problem}\n{USAGE}");
    exit(2)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let mut addr = "127.0.0.1:8765".to_string();
    let mut config = Config::default();
    let mut pins = Vec::new();
    let mut expired = false;
    while let Some(arg) = args.next() {
        let mut value = || {
            args.next()
                .unwrap_or_else(|| usage(&format!("{arg} needs a value")))
        };
        match arg.as_str() {
            "--client-id" => config.client_id = value(),
            "--client-secret" => config.client_secret = value(),
            "--access-token" => config.access_token = value(),
            "--refresh-token" => config.refresh_token = value(),
            "--pin" => pins.push(value()),
            "--expired" => expired = true,
            "--no-secret" => config.client_secret = String::new(),
            "--approve-after" => {
                let seconds = value();
                let seconds = seconds.parse().unwrap_or_else(|_| {
                    usage(&format!("--approve-after takes seconds, not {seconds:?}"))
                });
                config.approve_after = Some(seconds);
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return;
            }
            _ if arg.starts_with('-') => usage(&format!("unknown option {arg}")),
            _ if arg.parse::<std::net::SocketAddr>().is_err() => {
                usage(&format!("{arg:?} is not an address such as 127.0.0.1:8765"))
            }
            _ => addr = arg,
        }
    }
    if expired {
        config.access_token = "an access token the server never issued".into();
    }
    let server = Server::bind(&addr, config.clone()).unwrap_or_else(|e| {
        eprintln!("trakt-test-server: cannot listen on {addr}: {e}");
        exit(1)
    });
    for pin in &pins {
        server.add_pin(pin);
    }
    println!("a Trakt-like test server on {}", server.url());
    println!(
        "it accepts client_id {} and the refresh token {}",
        config.client_id, config.refresh_token
    );
    println!("(the values in fixtures/config.yml); try, in another shell:");
    println!("  cp fixtures/config.yml /tmp/config.yml");
    println!(
        "  export TRAKT_API_URL={0} TRAKT_AUTH_URL={0}",
        server.url()
    );
    if config.approve_after.is_some() {
        println!("  cargo run -- auth /tmp/config.yml     # the device flow, approved by itself");
    }
    println!("  cargo run -- renew /tmp/config.yml --force --diff");
    println!("Ctrl-C stops it.");
    loop {
        std::thread::park();
    }
}
