//! `auth` through the real binary against the Trakt-like test server: a
//! PIN, the device flow (approved, denied, expired, used, slowed down), and
//! a pasted block.

use std::fs;
use std::time::Duration;

use crate::support::trakt::{UNAUTHORIZED, assert_no_secret, authorized};
use crate::support::{Running, kt, temp_file, wait_until};
use trakt_test_server::{Config, DEVICE_CODE, Device, Fault, Issued, Server};

#[test]
fn pin_from_the_file_gives_the_six_values_and_clears_the_pin() {
    let server = Server::start(Config::default());
    server.add_pin("7F3A9C21");
    let (_dir, file) = temp_file("config.yml", UNAUTHORIZED.as_bytes());
    let r = kt(["auth", file.to_str().unwrap(), "--pin"])
        .against(&server)
        .run();
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.starts_with("note: Trakt retired its PIN page in late 2026; a PIN still works for apps that have one (`auth --device` needs none)\n"),
        "{}",
        r.stdout
    );
    assert_eq!(
        fs::read_to_string(&file).unwrap(),
        authorized(&server.issued()[0])
    );
    let again = kt(["auth", file.to_str().unwrap(), "--pin", "7F3A9C21"])
        .against(&server)
        .run();
    assert_eq!(again.code, 3, "a PIN works once");
    assert_no_secret(&server, &r);
}

/// Runs `auth --device` against `server` in the background and returns it.
fn device_auth(server: &Server, file: &std::path::Path) -> Running {
    kt(["auth", file.to_str().unwrap(), "--device"])
        .against(server)
        .spawn()
}

#[test]
fn device_flow_polls_until_approved_or_denied() {
    let server = Server::start(Config::default());
    let (_dir, file) = temp_file("config.yml", UNAUTHORIZED.as_bytes());
    let child = device_auth(&server, &file);
    wait_until("the device code request", Duration::from_secs(10), || {
        server.count(DEVICE_CODE) > 0
    });
    // At least one poll is answered "pending" before the approval.
    wait_until("a pending poll", Duration::from_secs(10), || {
        server.count(trakt_test_server::DEVICE_TOKEN) >= 1
    });
    server.set_devices(Device::Approved);
    let out = child.wait();
    let stdout = out.stdout;
    assert_eq!(out.code, 0, "{stdout}");
    assert!(
        stdout.starts_with("Open https://trakt.tv/activate and enter the code 5EA10001\n"),
        "{stdout}"
    );
    assert_eq!(
        fs::read_to_string(&file).unwrap(),
        authorized(&server.issued()[0])
    );

    let denied = Server::start(Config::default());
    let (_dir2, file2) = temp_file("config.yml", UNAUTHORIZED.as_bytes());
    let child = device_auth(&denied, &file2);
    wait_until("the device code request", Duration::from_secs(10), || {
        denied.count(DEVICE_CODE) > 0
    });
    denied.set_devices(Device::Denied);
    let out = child.wait();
    assert_eq!(out.code, 3);
    assert!(out.stderr.contains("denied on Trakt's page (418)"));
    assert_eq!(fs::read_to_string(&file2).unwrap(), UNAUTHORIZED);
}

#[test]
fn device_flow_reports_expired_and_used_codes_and_stops_at_expiry() {
    for (state, why) in [
        (Device::Expired, "expired before it was approved (410)"),
        (Device::Used, "already used (409)"),
    ] {
        let server = Server::start(Config::default());
        let (_dir, file) = temp_file("config.yml", UNAUTHORIZED.as_bytes());
        let child = device_auth(&server, &file);
        wait_until("the device code request", Duration::from_secs(10), || {
            server.count(DEVICE_CODE) > 0
        });
        server.set_devices(state);
        let out = child.wait();
        assert_eq!(out.code, 3);
        assert!(out.stderr.contains(why), "{}", out.stderr);
        assert_eq!(fs::read_to_string(&file).unwrap(), UNAUTHORIZED);
    }
    let server = Server::start(Config {
        device_expires_in: 2,
        ..Config::default()
    });
    let (_dir, file) = temp_file("config.yml", UNAUTHORIZED.as_bytes());
    let out = device_auth(&server, &file).wait();
    assert_eq!(out.code, 3);
    assert!(
        out.stderr
            .contains("the device code expired before it was approved"),
        "{}",
        out.stderr
    );
    assert!(server.count(trakt_test_server::DEVICE_TOKEN) >= 1);
}

#[test]
fn device_polling_slows_down_on_429() {
    let server = Server::start(Config::default());
    server.fault(trakt_test_server::DEVICE_TOKEN, Fault::RateLimited(1), 1);
    let (_dir, file) = temp_file("config.yml", UNAUTHORIZED.as_bytes());
    let child = device_auth(&server, &file);
    wait_until("a second poll", Duration::from_secs(15), || {
        server.count(trakt_test_server::DEVICE_TOKEN) >= 2
    });
    server.set_devices(Device::Approved);
    let out = child.wait();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        fs::read_to_string(&file).unwrap(),
        authorized(&server.issued()[0])
    );
    // Trakt's interval is 1 s; after a 429 the client waits a second more.
    let polls: Vec<_> = server
        .log()
        .into_iter()
        .filter(|r| r.path == trakt_test_server::DEVICE_TOKEN)
        .map(|r| r.at)
        .collect();
    let gap = polls[1] - polls[0];
    assert!(
        gap >= Duration::from_millis(1900) && gap < Duration::from_secs(4),
        "the poll after a 429 came {gap:?} after the first"
    );
}

#[test]
fn a_pasted_block_is_applied_with_or_without_the_trakt_root() {
    let issued = Issued {
        access_token: "c".repeat(64),
        refresh_token: "d".repeat(64),
        expires_in: 86400,
        created_at: 1_795_867_200,
    };
    let body = format!(
        "access_token: {}\ntoken_type: bearer\nexpires_in: 86400\nrefresh_token: {}\nscope: public\ncreated_at: 1795867200\n",
        issued.access_token, issued.refresh_token
    );
    let nested = format!(
        "trakt:\n  authorization:\n{}",
        body.lines()
            .map(|l| format!("    {l}\n"))
            .collect::<String>()
    );
    for pasted in [body.clone(), nested] {
        let (dir, file) = temp_file("config.yml", UNAUTHORIZED.as_bytes());
        let block = dir.path().join("block.yml");
        fs::write(&block, &pasted).unwrap();
        let out = kt([
            "auth",
            file.to_str().unwrap(),
            "--from-file",
            block.to_str().unwrap(),
        ])
        .run();
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert_eq!(fs::read_to_string(&file).unwrap(), authorized(&issued));
        // Pasted on stdin (`-`) instead.
        let (_dir, file) = temp_file("config.yml", UNAUTHORIZED.as_bytes());
        let out = kt(["auth", file.to_str().unwrap(), "--from-file", "-"])
            .stdin(pasted.clone())
            .run();
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert_eq!(fs::read_to_string(&file).unwrap(), authorized(&issued));
    }
    let (dir, file) = temp_file("config.yml", UNAUTHORIZED.as_bytes());
    let block = dir.path().join("block.yml");
    fs::write(&block, "access_token: x\n").unwrap();
    let out = kt([
        "auth",
        file.to_str().unwrap(),
        "--from-file",
        block.to_str().unwrap(),
    ])
    .run();
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        format!(
            "kometa-trakt: {}: the block lacks `token_type`, `expires_in`, `refresh_token`, `scope`, `created_at`: paste the whole block the Kometa Utilities page printed; nothing was written\n",
            block.display()
        )
    );
    assert_eq!(fs::read_to_string(&file).unwrap(), UNAUTHORIZED);
}
