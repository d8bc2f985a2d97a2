//! A written config stays what it was: owner, group, mode bits (setuid and
//! setgid included), extended attributes, and its hard links. Where a
//! rename cannot keep them, the file is written in place after a backup.

use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};

use crate::support::trakt::config_text;
use crate::support::{is_root, kt, temp_file};

const EDIT: [&str; 2] = ["trakt.authorization.scope", "public private"];

fn edited() -> String {
    config_text().replace("scope: public\n", "scope: public private\n")
}

#[test]
fn setuid_and_setgid_bits_are_kept() {
    let (_dir, file) = temp_file("config.yml", config_text().as_bytes());
    fs::set_permissions(&file, fs::Permissions::from_mode(0o6640)).unwrap();
    let r = kt(["set", file.to_str().unwrap(), EDIT[0], EDIT[1]]).run();
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(fs::read_to_string(&file).unwrap(), edited());
    assert_eq!(fs::metadata(&file).unwrap().mode() & 0o7777, 0o6640);
}

#[test]
fn extended_attributes_are_kept() {
    let (_dir, file) = temp_file("config.yml", config_text().as_bytes());
    rustix::fs::setxattr(
        &file,
        "user.origin",
        b"kept",
        rustix::fs::XattrFlags::empty(),
    )
    .expect("the temp directory's filesystem takes user extended attributes");
    let r = kt(["set", file.to_str().unwrap(), EDIT[0], EDIT[1]]).run();
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(fs::read_to_string(&file).unwrap(), edited());
    let mut value = [0u8; 16];
    let n = rustix::fs::getxattr(&file, "user.origin", &mut value).expect("the attribute stays");
    assert_eq!(&value[..n], b"kept");
}

#[test]
fn a_hard_linked_config_is_written_in_place_and_its_links_stay_one_file() {
    let (dir, file) = temp_file("config.yml", config_text().as_bytes());
    let other = dir.path().join("also.yml");
    fs::hard_link(&file, &other).unwrap();
    let inode = fs::metadata(&file).unwrap().ino();
    let r = kt(["set", file.to_str().unwrap(), EDIT[0], EDIT[1]]).run();
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(fs::read_to_string(&other).unwrap(), edited());
    assert_eq!(fs::metadata(&file).unwrap().ino(), inode);
    assert_eq!(fs::metadata(&file).unwrap().nlink(), 2);
}

#[test]
#[ignore = "needs root (a config owned by root, edited by another user); run it as root with --include-ignored"]
fn a_group_member_editing_a_shared_config_leaves_its_owner_and_group() {
    assert!(
        is_root(),
        "this test needs root: run it as root, as CI does"
    );
    let dir = tempfile::tempdir().unwrap();
    let shared = dir.path().join("shared");
    fs::create_dir(&shared).unwrap();
    let home = dir.path().join("home");
    fs::create_dir(&home).unwrap();
    std::os::unix::fs::chown(&home, Some(65534), Some(65534)).unwrap();
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
    // root:4242, 0775 directory and 0664 config: a member of group 4242 may
    // write both, but could not give a new file root as its owner.
    std::os::unix::fs::chown(&shared, Some(0), Some(4242)).unwrap();
    fs::set_permissions(&shared, fs::Permissions::from_mode(0o775)).unwrap();
    let file = shared.join("config.yml");
    fs::write(&file, config_text()).unwrap();
    std::os::unix::fs::chown(&file, Some(0), Some(4242)).unwrap();
    fs::set_permissions(&file, fs::Permissions::from_mode(0o664)).unwrap();
    let out = kt(["set", file.to_str().unwrap(), EDIT[0], EDIT[1]])
        .via(
            "setpriv",
            ["--reuid=65534", "--regid=65534", "--groups=4242"],
        )
        .env("HOME", &home)
        .env_remove("XDG_STATE_HOME")
        .run();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(fs::read_to_string(&file).unwrap(), edited());
    let meta = fs::metadata(&file).unwrap();
    assert_eq!(
        (meta.uid(), meta.gid(), meta.mode() & 0o7777),
        (0, 4242, 0o664)
    );
    // The backup went to the member's own state directory and is gone.
    let state = home.join(".local/state/kometa-trakt");
    assert_eq!(fs::read_dir(&state).unwrap().count(), 0);
    assert_eq!(
        fs::read_dir(&shared).unwrap().count(),
        1,
        "no file was left beside the config"
    );
}
