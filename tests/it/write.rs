//! Writing the file back: mode and symlinks kept, and real filesystem
//! faults (single-file bind mount, read-only and full filesystems) made with
//! mounts in a private mount namespace (as root, or in a user namespace
//! where the kernel allows one; otherwise they fail saying so).

use std::fs;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::Path;

use crate::support::{in_namespace, kt, temp_file};

const CONFIG: &str = "trakt:\n  client_id: abc   # id\n  authorization:\n    access_token: old\n";
const EDITED: &str = "trakt:\n  client_id: abc   # id\n  authorization:\n    access_token: new\n";

#[test]
fn the_file_mode_is_kept() {
    let (_dir, file) = temp_file("config.yml", CONFIG.as_bytes());
    fs::set_permissions(&file, fs::Permissions::from_mode(0o640)).unwrap();
    let r = kt([
        "set",
        file.to_str().unwrap(),
        "trakt.authorization.access_token",
        "new",
    ])
    .run();
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(fs::read_to_string(&file).unwrap(), EDITED);
    assert_eq!(
        fs::metadata(&file).unwrap().permissions().mode() & 0o7777,
        0o640
    );
}

#[test]
fn a_symlinked_config_is_edited_at_its_target_and_stays_a_link() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("real")).unwrap();
    let target = dir.path().join("real/config.yml");
    fs::write(&target, CONFIG).unwrap();
    let link = dir.path().join("config.yml");
    symlink("real/config.yml", &link).unwrap();
    let r = kt([
        "set",
        link.to_str().unwrap(),
        "trakt.authorization.access_token",
        "new",
    ])
    .run();
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(fs::read_link(&link).unwrap(), Path::new("real/config.yml"));
    assert_eq!(fs::read_to_string(&target).unwrap(), EDITED);
    assert_eq!(leftovers(dir.path()), ["config.yml", "real"]);
    assert_eq!(leftovers(&dir.path().join("real")), ["config.yml"]);
}

#[test]
fn a_symlink_loop_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.yml");
    symlink(dir.path().join("b.yml"), &a).unwrap();
    symlink(&a, dir.path().join("b.yml")).unwrap();
    let r = kt(["set", a.to_str().unwrap(), "trakt.pin", "1"]).run();
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("cannot read: Too many levels of symbolic links"),
        "{}",
        r.stderr
    );
}

/// The names in a directory, sorted.
fn leftovers(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn single_file_bind_mount_is_rewritten_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().display();
    fs::write(dir.path().join("source.yml"), CONFIG).unwrap();
    fs::create_dir(dir.path().join("app")).unwrap();
    fs::write(dir.path().join("app/config.yml"), "placeholder\n").unwrap();
    let out = in_namespace(&format!(
        "mount --bind {d}/source.yml {d}/app/config.yml
         set +e; \"$BIN\" set {d}/app/config.yml trakt.authorization.access_token new 2>{d}/err; echo rc=$?; set -e
         ls -A {d}/app"
    ), &[]);
    assert_eq!(
        out,
        "rc=0\nconfig.yml\n",
        "stderr: {}",
        fs::read_to_string(dir.path().join("err")).unwrap()
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("source.yml")).unwrap(),
        EDITED
    );
}

#[test]
fn read_only_filesystem_is_refused_and_the_file_is_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().display();
    fs::create_dir(dir.path().join("mnt")).unwrap();
    let out = in_namespace(&format!(
        "mount -t tmpfs -o size=64k tmpfs {d}/mnt
         printf '{}' > {d}/mnt/config.yml
         mount -o remount,bind,ro {d}/mnt
         set +e; \"$BIN\" set {d}/mnt/config.yml trakt.authorization.access_token new 2>{d}/err; echo rc=$?; set -e
         cp {d}/mnt/config.yml {d}/after.yml",
        CONFIG.replace('\n', "\\n")
    ), &[]);
    assert_eq!(out, "rc=2\n");
    let err = fs::read_to_string(dir.path().join("err")).unwrap();
    assert_eq!(
        err,
        format!(
            "kometa-trakt: {d}/mnt/config.yml: cannot write: Read-only file system; the file is unchanged\n"
        )
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("after.yml")).unwrap(),
        CONFIG
    );
}

#[test]
fn full_filesystem_fails_cleanly_and_restores_the_original() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().display();
    fs::create_dir(dir.path().join("mnt")).unwrap();
    fs::create_dir(dir.path().join("state")).unwrap();
    // The config fills most of one 4 KiB page; the new value needs a second
    // page, which the full filesystem cannot give.
    let config = format!("{}{CONFIG}", "# padding\n".repeat(395));
    fs::write(dir.path().join("config.yml"), &config).unwrap();
    let long = "n".repeat(200);
    let out = in_namespace(&format!(
        "mount -t tmpfs -o size=64k tmpfs {d}/mnt
         cp {d}/config.yml {d}/mnt/config.yml
         dd if=/dev/zero of={d}/mnt/fill bs=4096 2>/dev/null || true
         set +e; XDG_STATE_HOME={d}/state \"$BIN\" set {d}/mnt/config.yml trakt.authorization.access_token {long} 2>{d}/err; echo rc=$?; set -e
         cp {d}/mnt/config.yml {d}/after.yml
         ls -A {d}/mnt"
    ), &[]);
    assert_eq!(out, "rc=2\nconfig.yml\nfill\n");
    let err = fs::read_to_string(dir.path().join("err")).unwrap();
    assert_eq!(
        err,
        format!(
            "kometa-trakt: {d}/mnt/config.yml: cannot write: No space left on device; the file is unchanged\n"
        )
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("after.yml")).unwrap(),
        config
    );
    assert_eq!(
        leftovers(&dir.path().join("state/kometa-trakt")),
        Vec::<String>::new()
    );
}
