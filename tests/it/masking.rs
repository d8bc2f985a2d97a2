//! Secrets masked where a careless reader would find them: values under
//! near-miss keys, lines of a syntax error, the second line of a wrapped
//! secret, commented-out tokens and anchored values in diffs, and
//! environment values in `--help`.

use crate::support::{kt, temp_file};

const SECRET: &str = "S3cr3tS3cr3tS3cr3tS3cr3t";

/// Every output format of `check` on `text`: none may hold the secret.
fn check_never_shows(text: &str) {
    check_with_never_shows(text, &[]);
}

/// The same, with `args` given to `check`.
fn check_with_never_shows(text: &str, args: &[&str]) {
    let (_dir, file) = temp_file("config.yml", text.as_bytes());
    for format in ["text", "json", "github", "sarif"] {
        let r = kt(["check", "--format", format, file.to_str().unwrap()])
            .args(args)
            .run();
        assert!(
            !r.stdout.contains(&SECRET[..8]) && !r.stderr.contains(&SECRET[..8]),
            "{format} shows the secret of:\n{text}\n{}",
            r.stdout
        );
    }
}

#[test]
fn values_under_near_miss_keys_are_masked() {
    for key in [
        "client_secert",
        "Client_Secret",
        "Access_Token",
        "access-token",
        "refreshtoken",
    ] {
        check_never_shows(&format!(
            "trakt:\n  client_id: 4f2a9c1e7b3d8a6f0e5c2b9d7a4f1e8c3b6d9a2f5e8c1b4d7a0f3e6c9b2d5a8f\n  {key}: {SECRET}\n"
        ));
    }
}

#[test]
fn secrets_inside_urls_are_masked_whatever_their_key() {
    // Each line is a finding of Kometa's schema (an unknown key on the
    // URL's line), so that the line is shown.
    for url in [
        format!("http://admin:{SECRET}@radarr:7878"),
        format!("https://plex:32400/?X-Plex-Token={SECRET}"),
        format!("https://plex:32400/library?a=1&apikey={SECRET}#top"),
        format!("https://discord.com/api/webhooks/1234/{SECRET}"),
    ] {
        check_with_never_shows(
            &format!("radarr: {{url: '{url}', bogus: 1}}\nwebhooks: {{error: {url}, z: 1}}\n"),
            &["--schema", "kometa"],
        );
    }
}

#[test]
fn a_syntax_error_in_a_flow_mapping_shows_no_secret() {
    check_never_shows(&format!(
        "trakt: {{client_id: x, client_secret: {SECRET}, pin: [}}\n"
    ));
}

#[test]
fn the_second_line_of_a_wrapped_secret_is_masked() {
    check_never_shows(&format!(
        "trakt:\n  client_id: 4f2a9c1e7b3d8a6f0e5c2b9d7a4f1e8c3b6d9a2f5e8c1b4d7a0f3e6c9b2d5a8f\n  client_secret: \"{}\n    {SECRET}\"\n  wrong: [\n",
        "x".repeat(20)
    ));
}

#[test]
fn diffs_mask_commented_out_tokens_and_anchored_values_used_as_secrets() {
    let text = format!(
        "trakt:\n  client_id: 4f2a9c1e7b3d8a6f0e5c2b9d7a4f1e8c3b6d9a2f5e8c1b4d7a0f3e6c9b2d5a8f\n  stash: &s {SECRET}\n  client_secret: *s\n  #   refresh_token: {SECRET}\n  note: x\n"
    );
    let (_dir, file) = temp_file("config.yml", text.as_bytes());
    let r = kt([
        "set",
        file.to_str().unwrap(),
        "trakt.note",
        "z",
        "--dry-run",
    ])
    .run();
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("-  note: x\n+  note: z\n"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("  stash: &s S3cr…(24 chars)\n"),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains(&SECRET[..8]), "{}", r.stdout);
    assert!(
        r.stdout.contains("#   refresh_token: S3cr…(24 chars)\n"),
        "{}",
        r.stdout
    );
}

#[test]
fn help_never_shows_an_environment_value() {
    for command in ["renew", "auth", "status"] {
        let out = kt([command, "--help"])
            .env("TRAKT_API_URL", "https://user:hunter2@api.example")
            .env("TRAKT_AUTH_URL", "")
            .run();
        assert_eq!(out.code, 0, "{}", out.stderr);
        let help = out.stdout;
        assert!(help.contains("[env: TRAKT_API_URL]"), "{help}");
        assert!(help.contains("[env: TRAKT_AUTH_URL]"), "{help}");
        assert!(
            !help.contains("hunter2") && !help.contains("URL="),
            "{help}"
        );
    }
}
