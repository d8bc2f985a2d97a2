//! Real HTTPS: an `openssl s_server` on 127.0.0.1 with a certificate from a
//! throwaway CA. Untrusted, the binary refuses it with a clear message;
//! trusted (the CA bind-mounted over the system bundle in a private mount
//! namespace), it completes `status --online` over TLS.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crate::support::{fixture, in_namespace, kt};

/// The system bundle rustls-platform-verifier reads on Debian and Ubuntu.
const BUNDLE: &str = "/etc/ssl/certs/ca-certificates.crt";

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("openssl runs");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `openssl s_server -WWW` serving `dir/www`, killed when dropped.
struct TlsServer {
    child: Child,
    url: String,
}

impl TlsServer {
    /// Starts the server on a port it picks itself (`-accept
    /// 127.0.0.1:0`) and learns which from the `ACCEPT 127.0.0.1:PORT`
    /// line it prints once it listens: no port is probed and released
    /// first, so no other process can take it in between.
    fn start(dir: &Path) -> TlsServer {
        let mut child = Command::new("openssl")
            .current_dir(dir.join("www"))
            .args(["s_server", "-WWW", "-accept", "127.0.0.1:0"])
            .args(["-cert", "../leaf.pem", "-key", "../leaf.key"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("openssl s_server starts");
        let stdout = child.stdout.take().expect("stdout is a pipe");
        let (tx, rx) = mpsc::channel();
        // Reads to the end, so that the server never blocks on a full pipe.
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(at) = line.strip_prefix("ACCEPT ") {
                    let _ = tx.send(at.to_string());
                }
            }
        });
        let at = rx
            .recv_timeout(Duration::from_secs(10))
            .expect("s_server says `ACCEPT 127.0.0.1:PORT` once it listens");
        let port: u16 = at
            .strip_prefix("127.0.0.1:")
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("s_server listens on {at}"));
        assert_ne!(port, 0, "s_server listens on {at}");
        TlsServer {
            child,
            url: format!("https://127.0.0.1:{port}"),
        }
    }
}

impl Drop for TlsServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A CA, a leaf certificate for 127.0.0.1 signed by it, and Trakt's
/// settings answer as a file for `-WWW`.
fn make_site(dir: &Path) {
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "2",
            "-subj",
            "/CN=kometa-trakt test CA",
        ],
    );
    openssl(
        dir,
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "leaf.key",
            "-out",
            "leaf.csr",
            "-subj",
            "/CN=localhost",
        ],
    );
    std::fs::write(
        dir.join("leaf.ext"),
        "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "leaf.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "leaf.pem",
            "-days",
            "2",
            "-extfile",
            "leaf.ext",
        ],
    );
    std::fs::create_dir_all(dir.join("www/users")).unwrap();
    std::fs::write(
        dir.join("www/users/settings"),
        r#"{"user":{"username":"tls-user","private":false,"name":"TLS","vip":false,"vip_ep":false,"ids":{"slug":"tls-user"}}}"#,
    )
    .unwrap();
}

#[test]
fn https_works_with_a_trusted_certificate_and_refuses_an_untrusted_one() {
    assert!(
        Command::new("openssl").arg("version").output().is_ok(),
        "this test needs the openssl command (Debian: apt install openssl)"
    );
    let dir = tempfile::tempdir().unwrap();
    make_site(dir.path());
    std::fs::copy(fixture("config.yml"), dir.path().join("config.yml")).unwrap();
    let server = TlsServer::start(dir.path());
    let config = dir.path().join("config.yml");
    let config = config.to_str().unwrap();
    let url = server.url.as_str();

    let untrusted = kt([
        "status",
        config,
        "--online",
        "--api-url",
        url,
        "--auth-url",
        url,
    ])
    .run();
    assert_eq!(untrusted.code, 4);
    assert_eq!(
        untrusted.stderr,
        "kometa-trakt: cannot connect to Trakt for the settings request: its TLS certificate was not accepted (invalid peer certificate: UnknownIssuer); check the system's CA certificates, the clock, and any proxy that intercepts HTTPS\n"
    );

    let d = dir.path().display();
    let trusted = in_namespace(
        &format!(
            "mount --bind {d}/ca.pem {BUNDLE}
             \"$BIN\" status {config} --online --api-url $URL --auth-url $URL"
        ),
        &[("URL", url), ("KOMETA_TRAKT_NOW", "1764150000")],
    );
    assert!(trusted.ends_with("  account:     tls-user\n"), "{trusted}");
}
