//! Runs the test server in the foreground, for trying kometa-trakt without
//! Trakt credentials: `cargo run -p trakt-test-server [ADDR]`.

use trakt_test_server::{Config, Server};

fn main() {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8765".to_string());
    let config = Config::default();
    let server = Server::bind(&addr, config.clone());
    println!("a Trakt-like test server on {}", server.url());
    println!(
        "it accepts client_id {} and the refresh token {}",
        config.client_id, config.refresh_token
    );
    println!("(the values in fixtures/config.yml); try, in another shell:");
    println!("  cp fixtures/config.yml /tmp/config.yml");
    println!(
        "  cargo run -- renew /tmp/config.yml --force --diff --api-url {0} --auth-url {0}",
        server.url()
    );
    println!("Ctrl-C stops it.");
    loop {
        std::thread::park();
    }
}
