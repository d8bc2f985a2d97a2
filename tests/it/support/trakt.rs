//! For the tests against the Trakt-like test server (run the binary with
//! `kt(..).against(&server)`): the configs they start from, what a renewal
//! or an authorization writes, and no secret the server knows in any
//! output.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use trakt_test_server::{Fault, Issued, Server, TOKEN};

use super::{Run, fixture, in_namespace, kt, wait_until};

/// The bundled fixture's values are what the test server accepts by default.
pub(crate) fn config_text() -> String {
    fs::read_to_string(fixture("config.yml")).unwrap()
}

/// Every secret the server knows (its own and what it issued): none may be
/// printed. The first 12 characters are enough to recognize one.
pub(crate) fn assert_no_secret(server: &Server, r: &Run) {
    for s in server.secrets() {
        let s = &s[..s.len().min(12)];
        assert!(
            !r.stdout.contains(s) && !r.stderr.contains(s),
            "a secret was printed:\n{}\n{}",
            r.stdout,
            r.stderr
        );
    }
}

/// The fixture after storing `issued` (only the three changed lines).
pub(crate) fn renewed(text: &str, issued: &Issued) -> String {
    text.replace(
        "access_token: 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90'",
        &format!("access_token: '{}'", issued.access_token),
    )
    .replace(
        "refresh_token: 0f9e8d7c6b5a49382716a5b4c3d2e1f00f9e8d7c6b5a49382716a5b4c3d2e1f0",
        &format!("refresh_token: {}", issued.refresh_token),
    )
    .replace(
        "created_at: 1764115200",
        &format!("created_at: {}", issued.created_at),
    )
}

pub(crate) const UNAUTHORIZED: &str = "trakt:
  client_id: 4f2a9c1e7b3d8a6f0e5c2b9d7a4f1e8c3b6d9a2f5e8c1b4d7a0f3e6c9b2d5a8f
  client_secret: 9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d
  pin: '7F3A9C21'   # from trakt.tv/activate
  authorization:
mal:
  client_id: x
";

pub(crate) fn authorized(issued: &Issued) -> String {
    format!(
        "trakt:
  client_id: 4f2a9c1e7b3d8a6f0e5c2b9d7a4f1e8c3b6d9a2f5e8c1b4d7a0f3e6c9b2d5a8f
  client_secret: 9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d
  pin:    # from trakt.tv/activate
  authorization:
    access_token: {}
    token_type: bearer
    expires_in: 86400
    refresh_token: {}
    scope: public
    created_at: {}
mal:
  client_id: x
",
        issued.access_token, issued.refresh_token, issued.created_at
    )
}

/// `in_namespace` with `$URL` set to the server's.
pub(crate) fn in_namespace_with(server: &Server, script: &str) -> String {
    in_namespace(script, &[("URL", &server.url())])
}

/// The recovery file a failed renewal names: "They are in PATH (readable by you only)".
pub(crate) fn recovery_path(err: &str) -> PathBuf {
    let rest = err
        .split("They are in ")
        .nth(1)
        .unwrap_or_else(|| panic!("no recovery file in {err}"));
    PathBuf::from(rest.split(" (readable by you only)").next().unwrap())
}

/// The fixture config padded to most of one 4 KiB page: renewed, it needs
/// a second page.
pub(crate) fn one_page_config() -> String {
    let base = config_text().replace(
        "'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90'",
        "'a1b2'",
    );
    let line = "# padding padding padding padding padding padding padding padding padding\n";
    let mut padded = format!(
        "{}{base}",
        line.repeat((4060 - 2 - base.len()) / line.len())
    );
    padded.insert_str(0, &format!("#{}\n", "-".repeat(4060 - padded.len() - 2)));
    assert_eq!(
        padded.len(),
        4060,
        "fits one page now, needs two after renewal"
    );
    padded
}

/// Runs `renew --force` on `file` against `server` with `env`, and changes
/// the config (a line appended) while the token request is held, so that
/// the answer, spent, can no longer be saved into it: the renewal keeps
/// the new tokens in its recovery file. Returns the run.
pub(crate) fn renew_changed_midway(server: &Server, file: &Path, env: &[(&str, &str)]) -> Run {
    server.fault(TOKEN, Fault::Hold, 1);
    let running = kt(["renew", file.to_str().unwrap(), "--force"])
        .against(server)
        .envs(env.iter().copied())
        .spawn();
    wait_until("the token request", Duration::from_secs(20), || {
        server.count(TOKEN) >= 1
    });
    let mut changed = fs::read_to_string(file).unwrap();
    changed.push_str("# edited meanwhile\n");
    fs::write(file, changed).unwrap();
    server.release();
    running.wait()
}
