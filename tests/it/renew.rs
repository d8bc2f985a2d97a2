//! `renew` through the real binary against the Trakt-like test server on
//! 127.0.0.1: exact bytes after success, exit codes and untouched files
//! after failures, no secret in any output, one refresh for two renewals.

use std::fs;
use std::time::Duration;

use crate::support;
use crate::support::trakt::{assert_no_secret, config_text, renewed};
use crate::support::{kt, temp_file};
use trakt_test_server::{Config, Fault, GrantStyle, SETTINGS, Server, TOKEN};

#[test]
fn refresh_changes_exactly_the_three_values() {
    let server = Server::start(Config::default());
    let (_dir, file) = temp_file("config.yml", config_text().as_bytes());
    let r = kt(["renew", file.to_str().unwrap(), "--verify"])
        .against(&server)
        .run();
    assert_eq!(r.code, 0, "{}", r.stderr);
    let issued = server.issued();
    assert_eq!(issued.len(), 1);
    assert_eq!(
        fs::read_to_string(&file).unwrap(),
        renewed(&config_text(), &issued[0])
    );
    assert!(
        r.stdout
            .contains("verified: the new token works for Trakt user sean\n"),
        "{}",
        r.stdout
    );
    assert_eq!((server.count(TOKEN), server.count(SETTINGS)), (1, 1));
    for request in server.log() {
        assert_eq!(
            request.headers.get("user-agent").map(String::as_str),
            Some(concat!("kometa-trakt/", env!("CARGO_PKG_VERSION")))
        );
        assert_eq!(
            request.headers.get("trakt-api-version").map(String::as_str),
            Some("2")
        );
        assert_eq!(
            request.headers.get("trakt-api-key"),
            Some(&Config::default().client_id)
        );
    }
    assert_no_secret(&server, &r);
    // The old refresh token is dead now; the stored one works.
    assert_eq!(
        server.refresh_token().as_deref(),
        Some(issued[0].refresh_token.as_str())
    );
}

#[test]
fn not_due_is_nothing_to_do() {
    let server = Server::start(Config::default());
    let (_dir, file) = temp_file("config.yml", config_text().as_bytes());
    assert_eq!(
        kt(["renew", file.to_str().unwrap()])
            .against(&server)
            .run()
            .code,
        0
    );
    let r = kt(["renew", file.to_str().unwrap(), "--within", "1h"])
        .against(&server)
        .run();
    assert_eq!(r.code, 0);
    assert!(
        r.stdout
            .contains(": nothing to do: the token is not due for renewal"),
        "{}",
        r.stdout
    );
    assert_eq!(server.count(TOKEN), 1);
    let forced = kt(["renew", file.to_str().unwrap(), "--within", "2d"])
        .against(&server)
        .run();
    assert_eq!((forced.code, server.count(TOKEN)), (0, 2));
}

#[test]
fn dry_run_and_check_send_no_token_request() {
    let server = Server::start(Config::default());
    let (_dir, file) = temp_file("config.yml", config_text().as_bytes());
    let dry = kt(["renew", file.to_str().unwrap(), "--dry-run"])
        .against(&server)
        .run();
    assert_eq!(dry.code, 0);
    assert!(
        dry.stdout.contains("renewal due: the token expired"),
        "{}",
        dry.stdout
    );
    assert!(
        dry.stdout.contains(
            "-    access_token: 'a1b2…(64 chars)'\n+    access_token: 'ffff…(64 chars)'\n"
        ),
        "{}",
        dry.stdout
    );
    let check = kt(["renew", file.to_str().unwrap(), "--check"])
        .against(&server)
        .run();
    assert_eq!(check.code, 1);
    assert!(server.log().is_empty(), "no request at all");
    assert_eq!(fs::read_to_string(&file).unwrap(), config_text());
    assert_no_secret(&server, &dry);
}

/// A failure leaves the file byte-identical, exits `code`, says `why`,
/// and sends the token POST `posts` times.
fn fails(fault: Fault, code: i32, why: &str, posts: usize) {
    let server = Server::start(Config::default());
    server.fault(TOKEN, fault, 10);
    let (_dir, file) = temp_file("config.yml", config_text().as_bytes());
    let r = kt(["renew", file.to_str().unwrap()]).against(&server).run();
    assert_eq!(r.code, code, "{why}: {}", r.stderr);
    assert!(r.stderr.contains(why), "{}", r.stderr);
    assert_eq!(
        fs::read_to_string(&file).unwrap(),
        config_text(),
        "{why}: the file changed"
    );
    assert_no_secret(&server, &r);
    assert_eq!(
        server.count(TOKEN),
        posts,
        "{why}: a token POST is never repeated once it may have spent the token"
    );
}

#[test]
fn every_trakt_error_has_its_exit_code_and_leaves_the_file_alone() {
    let spent = "; the request reached Trakt, so what it carried may be spent";
    let mut cases = vec![
        (Fault::InvalidClient, 3, "Trakt does not know this app (invalid_client): it was deleted (Trakt deletes apps unused for 30 days".to_string(), 1),
        (Fault::Status(403), 3, "Trakt does not know this app (403 Forbidden)".to_string(), 1),
        (Fault::Cloudflare, 4, "Cloudflare front blocked the request (403, an HTML page)".to_string(), 1),
        (Fault::Status(410), 3, "deactivated (410 Gone)".to_string(), 1),
        (Fault::Status(423), 3, "locked (423 Locked)".to_string(), 1),
        (Fault::Status(426), 3, "426 Upgrade Required: this needs a Trakt VIP account".to_string(), 1),
        (Fault::SessionNotFound, 3, "this refresh token predates Trakt's July 2026 auth migration, after which old tokens cannot be exchanged; authorize once more".to_string(), 1),
        // A 429 refused the request before anything was spent: a short
        // Retry-After is waited out and the request sent once more.
        (Fault::RateLimited(1), 4, "Trakt's rate limit was hit (429 Too Many Requests): nothing was spent; try again in 1 s (after ".to_string(), 2),
        (Fault::RateLimitedBare, 4, "Trakt's rate limit was hit (429 Too Many Requests): nothing was spent; try again in a few minutes".to_string(), 1),
        (Fault::CloudflareRateLimited(Some(600)), 4, "Trakt's rate limit was hit (429 Too Many Requests): nothing was spent; try again in 600 s (after ".to_string(), 1),
        (Fault::Cloudflare1015, 4, "Cloudflare's rate limit (error 1015) was hit".to_string(), 1),
        (Fault::Slow(Duration::from_secs(4)), 5, format!("no answer from Trakt to the refresh token in time{spent}"), 1),
        (Fault::Malformed, 5, format!("Trakt accepted the refresh token but its answer holds no refresh token{spent}"), 1),
        (Fault::MissingFields, 5, format!("Trakt accepted the refresh token but its answer holds no refresh token{spent}"), 1),
        (Fault::DropAfterRotation, 5, format!("the connection broke during the refresh token{spent}"), 1),
    ];
    for status in [500, 502, 503, 504, 520, 521, 522] {
        cases.push((
            Fault::Status(status),
            4,
            format!("Trakt is having trouble ({status})"),
            1,
        ));
    }
    for (fault, code, why, posts) in cases {
        fails(fault, code, &why, posts);
    }
}

#[test]
fn a_used_refresh_token_is_invalid_grant_in_every_style() {
    for style in [
        GrantStyle::Json400,
        GrantStyle::Json401,
        GrantStyle::Empty400,
    ] {
        let server = Server::start(Config {
            refresh_token: "another-token".into(),
            grant_style: style,
            ..Config::default()
        });
        let (_dir, file) = temp_file("config.yml", config_text().as_bytes());
        let r = kt(["renew", file.to_str().unwrap()]).against(&server).run();
        assert_eq!(r.code, 3, "{style:?}: {}", r.stderr);
        assert!(
            r.stderr
                .contains("Trakt refused the refresh token (invalid_grant)"),
            "{}",
            r.stderr
        );
        assert_eq!(fs::read_to_string(&file).unwrap(), config_text());
    }
}

#[test]
fn placeholders_in_tokens_are_refused_before_any_request() {
    let server = Server::start(Config::default());
    let text = config_text().replace(
        "'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90'",
        "<<TRAKT_TOKEN>>",
    );
    let (_dir, file) = temp_file("config.yml", text.as_bytes());
    let r = kt(["renew", file.to_str().unwrap()]).against(&server).run();
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("is a placeholder; kometa-trakt never overwrites placeholders"),
        "{}",
        r.stderr
    );
    assert!(server.log().is_empty());
}

#[test]
fn credential_placeholders_are_resolved_from_kometa_variables() {
    let server = Server::start(Config::default());
    let config = Config::default();
    let text = config_text()
        .replace(
            &format!("client_id: {}", config.client_id),
            "client_id: <<trakt-id>>",
        )
        .replace(
            &format!("client_secret: \"{}\"", config.client_secret),
            "client_secret: <<TRAKT_SECRET>>",
        );
    let (_dir, file) = temp_file("config.yml", text.as_bytes());
    let missing = kt(["renew", file.to_str().unwrap()]).against(&server).run();
    assert_eq!(missing.code, 2);
    assert_eq!(
        missing.stderr,
        format!(
            "kometa-trakt: {}: `trakt.client_id` is the placeholder <<trakt-id>>, and KOMETA_TRAKT_ID is not set: set it as for Kometa (or in a .env file beside the config)\n",
            file.display()
        )
    );
    assert!(server.log().is_empty());
    let ok = kt(["renew", file.to_str().unwrap()])
        .against(&server)
        .env("KOMETA_TRAKT_ID", &config.client_id)
        .env("KOMETA_TRAKT_SECRET", &config.client_secret)
        .run();
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    let after = fs::read_to_string(&file).unwrap();
    assert!(
        after.contains("client_id: <<trakt-id>>\n")
            && after.contains("client_secret: <<TRAKT_SECRET>>   #"),
        "{after}"
    );
}

#[test]
fn plain_http_is_refused_unless_loopback() {
    let (_dir, file) = temp_file("config.yml", config_text().as_bytes());
    let out = kt([
        "renew",
        file.to_str().unwrap(),
        "--auth-url",
        "http://trakt.example",
    ])
    .run();
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("--auth-url: only https:// is allowed"),
        "{}",
        out.stderr
    );
}

#[test]
fn two_renewals_at_once_refresh_once() {
    let server = Server::start(Config::default());
    // The first renewal's token call is held: it stays inside its lock.
    server.fault(TOKEN, Fault::Hold, 1);
    let (dir, file) = temp_file("config.yml", config_text().as_bytes());
    let renew = || {
        kt(["renew", file.to_str().unwrap()])
            .against(&server)
            .spawn()
    };
    let mut first = renew();
    support::wait_until("the first token request", Duration::from_secs(10), || {
        server.count(TOKEN) == 1
    });
    // The second, due too, waits for the lock meanwhile.
    let second = renew();
    support::wait_until_waiting_for_lock(dir.path(), &[second.pid()]);
    assert!(first.is_running(), "the first renewal ended while held");
    server.release();
    let (a, b) = (first.wait(), second.wait());
    assert_eq!((a.code, b.code), (0, 0), "{}{}", a.stderr, b.stderr);
    assert_eq!(
        server.count(TOKEN),
        1,
        "exactly one refresh reached the server"
    );
    assert!(
        a.stdout.contains(": renewed ("),
        "the first renewed: {}",
        a.stdout
    );
    assert!(
        b.stdout
            .contains("another process renewed the tokens meanwhile"),
        "the second found the first's tokens: {}",
        b.stdout
    );
    assert_eq!(
        fs::read_to_string(&file).unwrap(),
        renewed(&config_text(), &server.issued()[0])
    );
}

#[test]
fn real_configs_keep_every_other_byte() {
    let cases = [
        (
            "kt-filled-words.yml",
            "CLIENT_ID",
            "CLIENT_SECRET",
            "TOKEN",
            7_889_238,
        ),
        (
            "kt-xxxx-redacted.yml",
            "XXXX-redacted-XXXX",
            "XXXX-redacted-XXXX",
            "XXXX-redacted-XXXX",
            7_889_238,
        ),
        (
            "02_Kometa__kitchen_sink_config.yml",
            "(redacted)",
            "(redacted)",
            "(redacted)",
            7_889_238,
        ),
    ];
    for (name, id, secret, refresh, expires_in) in cases {
        let text = fs::read_to_string(support::data("configs").join(name)).unwrap();
        let server = Server::start(Config {
            client_id: id.into(),
            client_secret: secret.into(),
            refresh_token: refresh.into(),
            expires_in,
            ..Config::default()
        });
        let (_dir, file) = temp_file("config.yml", text.as_bytes());
        let r = kt(["renew", file.to_str().unwrap(), "--force"])
            .against(&server)
            .run();
        assert_eq!(r.code, 0, "{name}: {}", r.stderr);
        let after = fs::read_to_string(&file).unwrap();
        let issued = &server.issued()[0];
        let before_lines: Vec<&str> = text.split_inclusive('\n').collect();
        let after_lines: Vec<&str> = after.split_inclusive('\n').collect();
        assert_eq!(before_lines.len(), after_lines.len(), "{name}");
        let changed: Vec<(&str, &str)> = before_lines
            .iter()
            .zip(&after_lines)
            .filter(|(a, b)| a != b)
            .map(|(a, b)| (*a, *b))
            .collect();
        assert_eq!(changed.len(), 3, "{name}: {changed:#?}");
        for (_, line) in &changed {
            let ok = line.ends_with(&format!("access_token: {}\n", issued.access_token))
                || line.ends_with(&format!("refresh_token: {}\n", issued.refresh_token))
                || line.ends_with(&format!("created_at: {}\n", issued.created_at));
            assert!(ok, "{name}: {line:?}");
        }
    }
}

#[test]
fn a_redirect_is_never_followed_with_the_credentials() {
    let elsewhere = Server::start(Config::default());
    let server = Server::start(Config::default());
    server.fault(
        TOKEN,
        Fault::Redirect(format!("{}{TOKEN}", elsewhere.url())),
        1,
    );
    let (_dir, file) = temp_file("config.yml", config_text().as_bytes());
    let r = kt(["renew", file.to_str().unwrap()]).against(&server).run();
    assert_eq!(r.code, 4, "{}", r.stderr);
    assert!(
        r.stderr.contains(
            "Trakt answered the refresh token with a redirect (307) to 127.0.0.1; kometa-trakt follows no redirect with credentials"
        ),
        "{}",
        r.stderr
    );
    assert!(elsewhere.log().is_empty(), "the redirect was followed");
    assert_eq!(fs::read_to_string(&file).unwrap(), config_text());
}
