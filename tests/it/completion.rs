//! Shell completion, really completed: an interactive bash (on a pseudo
//! terminal from `script`) loads `kometa-trakt completions bash`, and TAB
//! completes subcommands, their flags and flag values as a user types them.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::support::kt;

/// Types `lines` into an interactive bash that has loaded the completion
/// script, with `kometa-trakt` a function that prints its arguments; returns
/// the arguments each line ran with, after TAB completion.
fn complete(lines: &[&str]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("kometa-trakt.bash");
    let out = kt(["completions", "bash"]).run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    std::fs::write(&script, out.stdout).unwrap();
    let mut input = format!(
        "source {}\nkometa-trakt() {{ echo \"ARGS:$*\"; }}\n",
        script.display()
    );
    for line in lines {
        input.push_str(line);
        input.push('\n');
    }
    input.push_str("exit\n");
    let mut child = Command::new("script")
        .args(["-qc", "bash --norc --noprofile -i", "/dev/null"])
        .env("TERM", "dumb")
        .env("HOME", dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the script command (util-linux) is installed");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split("ARGS:").nth(1))
        .filter(|l| !l.starts_with("$*"))
        .map(|l| l.trim_end_matches('\r').to_string())
        .collect()
}

#[test]
fn bash_completes_subcommands_their_flags_and_flag_values() {
    let ran = complete(&[
        "kometa-trakt ren\t --dry-r\t",
        "kometa-trakt check --form\tj\t --require-valid-\t 12h",
        "kometa-trakt set --ty\ti\t f p 1",
        "kometa-trakt status --form\tj\t",
    ]);
    assert_eq!(
        ran,
        [
            "renew --dry-run",
            "check --format json --require-valid-for 12h",
            "set --type int f p 1",
            "status --format json",
        ]
    );
}
