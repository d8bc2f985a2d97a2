//! `auth --paste`: the block the Kometa Utilities page prints, as it is and
//! as web copies and editors mangle it, written with the usual minimal
//! edits; over placeholders (kept when they resolve to the pasted value,
//! the whole paste refused otherwise), a config without a trakt block, and
//! a block for another client; refused whole when it fails a check.

use std::fs;

use crate::support::trakt::config_text;
use crate::support::{NOW, kt, temp_file};
use trakt_test_server::{Config, Server, TOKEN};

const CLIENT: &str = "4f2a9c1e7b3d8a6f0e5c2b9d7a4f1e8c3b6d9a2f5e8c1b4d7a0f3e6c9b2d5a8f";
const SECRET: &str = "9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d";
const ACCESS: &str = "c1c2c3c4c5c6c7c8c9c0c1c2c3c4c5c6c7c8c9c0c1c2c3c4c5c6c7c8c9c0c1c2";
const REFRESH: &str = "d1d2d3d4d5d6d7d8d9d0d1d2d3d4d5d6d7d8d9d0d1d2d3d4d5d6d7d8d9d0d1d2";

/// The block as the Kometa Utilities page prints it, made at NOW.
fn printed(client: &str, secret: &str) -> String {
    format!(
        "trakt:\n  client_id: {client}\n  client_secret: {secret}\n  authorization:\n    access_token: {ACCESS}\n    token_type: bearer\n    expires_in: 604800\n    refresh_token: {REFRESH}\n    scope: public\n    created_at: {NOW}\n"
    )
}

/// The bundled fixture after a paste of `printed(CLIENT, SECRET)`: only
/// the values that differ, each in its own style, the pin emptied.
fn pasted_into_fixture() -> String {
    config_text()
        .replace(
            "access_token: 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90'",
            &format!("access_token: '{ACCESS}'"),
        )
        .replace("expires_in: 86400", "expires_in: 604800")
        .replace(
            "refresh_token: 0f9e8d7c6b5a49382716a5b4c3d2e1f00f9e8d7c6b5a49382716a5b4c3d2e1f0",
            &format!("refresh_token: {REFRESH}"),
        )
        .replace("created_at: 1764115200", &format!("created_at: {NOW}"))
}

fn paste(file: &std::path::Path, block: &str, env: &[(&str, &str)]) -> crate::support::Run {
    kt(["auth", file.to_str().unwrap(), "--paste"])
        .stdin(block.as_bytes().to_vec())
        .env("KOMETA_TRAKT_NOW", NOW)
        .envs(env.iter().copied())
        .run()
}

#[test]
fn the_printed_block_and_every_mangled_copy_write_the_same_bytes() {
    let block = printed(CLIENT, SECRET);
    let bare = block.replacen("trakt:\n", "", 1);
    let mangled = [
        ("as printed", block.clone()),
        ("without trakt:", bare.clone()),
        (
            "without indentation",
            block
                .lines()
                .map(|l| format!("{}\n", l.trim_start()))
                .collect(),
        ),
        (
            "indented more",
            block.lines().map(|l| format!("      {l}\n")).collect(),
        ),
        (
            "first line indented by the editor",
            format!("    {}", bare.trim_start()),
        ),
        (
            "no-break spaces",
            block.replace(": ", ":\u{a0}").replace("  ", "\u{a0}\u{a0}"),
        ),
        ("CRLF", block.replace('\n', "\r\n")),
        ("tabs", block.replace("    ", "\t\t").replace("  ", "\t")),
        (
            "a trailing comment",
            block.replace(&format!("{REFRESH}\n"), &format!("{REFRESH}   # copied\n")),
        ),
        (
            "quoted values",
            block
                .replace(
                    &format!("access_token: {ACCESS}"),
                    &format!("access_token: \"{ACCESS}\""),
                )
                .replace("scope: public", "scope: 'public'"),
        ),
    ];
    for (what, text) in mangled {
        let (_dir, file) = temp_file("config.yml", config_text().as_bytes());
        let r = paste(&file, &text, &[]);
        assert_eq!(r.code, 0, "{what}: {}", r.stderr);
        assert_eq!(
            r.stdout,
            format!(
                "{}: authorized; the token is valid until 2026-12-05 12:00:00 UTC\n",
                file.display()
            ),
            "{what}"
        );
        assert_eq!(
            fs::read_to_string(&file).unwrap(),
            pasted_into_fixture(),
            "{what}"
        );
    }
}

#[test]
fn a_config_without_a_trakt_block_gets_one() {
    let (_dir, file) = temp_file("config.yml", b"plex:\n  url: http://plex:32400\n");
    let r = paste(&file, &printed(CLIENT, SECRET), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        fs::read_to_string(&file).unwrap(),
        format!(
            "plex:\n  url: http://plex:32400\ntrakt:\n  client_id: {CLIENT}\n  client_secret: {SECRET}\n  authorization:\n    access_token: {ACCESS}\n    token_type: bearer\n    expires_in: 604800\n    refresh_token: {REFRESH}\n    scope: public\n    created_at: {NOW}\n"
        )
    );
}

#[test]
fn a_block_for_another_client_replaces_its_credentials_too() {
    let other = "x".repeat(64);
    let other_secret = "y".repeat(64);
    let (_dir, file) = temp_file("config.yml", config_text().as_bytes());
    let r = paste(&file, &printed(&other, &other_secret), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        fs::read_to_string(&file).unwrap(),
        pasted_into_fixture()
            .replace(
                &format!("client_id: {CLIENT}"),
                &format!("client_id: {other}")
            )
            .replace(&format!("\"{SECRET}\""), &format!("\"{other_secret}\""))
    );
}

#[test]
fn placeholders_stay_when_they_resolve_to_the_pasted_value_and_refuse_the_paste_otherwise() {
    let text = config_text()
        .replace(
            &format!("client_secret: \"{SECRET}\""),
            "client_secret: <<trakt-secret>>",
        )
        .replace(
            "refresh_token: 0f9e8d7c6b5a49382716a5b4c3d2e1f00f9e8d7c6b5a49382716a5b4c3d2e1f0",
            "refresh_token: <<TRAKT_REFRESH>>",
        );
    // Both variables hold the pasted values: the placeholders are kept.
    let (_dir, file) = temp_file("config.yml", text.as_bytes());
    let r = paste(
        &file,
        &printed(CLIENT, SECRET),
        &[
            ("KOMETA_TRAKT_SECRET", SECRET),
            ("KOMETA_TRAKT_REFRESH", REFRESH),
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        fs::read_to_string(&file).unwrap(),
        pasted_into_fixture()
            .replace(
                &format!("client_secret: \"{SECRET}\""),
                "client_secret: <<trakt-secret>>"
            )
            .replace(
                &format!("refresh_token: {REFRESH}"),
                "refresh_token: <<TRAKT_REFRESH>>"
            )
    );
    // A variable that holds another value (or none): the whole paste is
    // refused, naming the variable and never the value.
    for env in [
        &[("KOMETA_TRAKT_SECRET", SECRET)][..],
        &[
            ("KOMETA_TRAKT_SECRET", SECRET),
            ("KOMETA_TRAKT_REFRESH", "old"),
        ][..],
    ] {
        let (_dir, file) = temp_file("config.yml", text.as_bytes());
        let r = paste(&file, &printed(CLIENT, SECRET), env);
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert_eq!(
            r.stderr,
            format!(
                "kometa-trakt: {}: `trakt.authorization.refresh_token` is the placeholder <<TRAKT_REFRESH>>, which kometa-trakt never overwrites, and KOMETA_TRAKT_REFRESH does not hold the pasted value: set KOMETA_TRAKT_REFRESH to it (where Kometa runs too), then paste again; nothing was written\n",
                file.display()
            )
        );
        assert!(!r.stderr.contains(REFRESH));
        assert_eq!(fs::read_to_string(&file).unwrap(), text);
    }
}

#[test]
fn a_block_that_fails_its_checks_is_refused_whole() {
    let block = printed(CLIENT, SECRET);
    let cases = [
        (
            block.replace(&format!("created_at: {NOW}"), "created_at: 1795000000"),
            "the pasted block: the block was made 10 days ago: a pasted block must be from the last 24 hours (authorize again on the Kometa Utilities page); nothing was written",
        ),
        (
            block.replace(&format!("created_at: {NOW}"), "created_at: 1795870000"),
            "the pasted block: the block's `created_at` lies in the future (2026-11-28 12:46:40 UTC): check the block and this machine's clock; nothing was written",
        ),
        (
            block.replace("    refresh_token", "    # refresh_token"),
            "the pasted block: the block lacks `refresh_token`: paste the whole block the Kometa Utilities page printed; nothing was written",
        ),
        (
            block.replace("scope: public", "scope: public\n    extra: 1"),
            "the pasted block: line 10: `extra` is not a key of a trakt block; nothing was written",
        ),
    ];
    for (text, why) in cases {
        let (_dir, file) = temp_file("config.yml", config_text().as_bytes());
        let r = paste(&file, &text, &[]);
        assert_eq!(
            (r.code, r.stderr.as_str()),
            (2, format!("kometa-trakt: {why}\n").as_str())
        );
        assert_eq!(fs::read_to_string(&file).unwrap(), config_text());
    }
    // No client id in the block nor in the config.
    let (_dir, file) = temp_file("config.yml", b"trakt:\n  client_id:\n");
    let without = block.replace(&format!("  client_id: {CLIENT}\n"), "");
    let r = paste(&file, &without, &[]);
    assert_eq!(
        r.stderr,
        "kometa-trakt: the pasted block: the block lacks `client_id`: paste the whole block the Kometa Utilities page printed; nothing was written\n"
    );
}

#[test]
fn verify_proves_the_tokens_before_anything_is_written() {
    let server = Server::start(Config {
        access_token: ACCESS.into(),
        ..Config::default()
    });
    let (_dir, file) = temp_file("config.yml", config_text().as_bytes());
    let r = kt(["auth", file.to_str().unwrap(), "--paste", "--verify"])
        .against(&server)
        .stdin(printed(CLIENT, SECRET).into_bytes())
        .env("KOMETA_TRAKT_NOW", NOW)
        .run();
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains(": authorized for Trakt user sean; "),
        "{}",
        r.stdout
    );
    assert_eq!(fs::read_to_string(&file).unwrap(), pasted_into_fixture());
    // A token Trakt does not know: exit 3, nothing written.
    let (_dir, file) = temp_file("config.yml", config_text().as_bytes());
    let r = kt(["auth", file.to_str().unwrap(), "--paste", "--verify"])
        .against(&Server::start(Config::default()))
        .stdin(printed(CLIENT, SECRET).into_bytes())
        .env("KOMETA_TRAKT_NOW", NOW)
        .run();
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        r.stderr.ends_with("; nothing was written\n"),
        "{}",
        r.stderr
    );
    assert_eq!(fs::read_to_string(&file).unwrap(), config_text());
    assert_eq!(server.count(TOKEN), 0, "a paste spends nothing");
}
