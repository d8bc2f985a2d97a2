//! A loopback server that behaves like Trakt's OAuth API (see
//! docs/trakt-protocol.md): token rotation with single-use refresh tokens,
//! one-time PINs, the device-code flow, `/users/settings`, the error codes
//! Trakt sends, and faults on demand. Every request is logged.

mod http;

use std::collections::HashMap;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub use http::{Request, Response};
use serde_json::{Value, json};

/// The OAuth paths the server answers.
pub const TOKEN: &str = "/oauth/token";
pub const DEVICE_CODE: &str = "/oauth/device/code";
pub const DEVICE_TOKEN: &str = "/oauth/device/token";
pub const REVOKE: &str = "/oauth/revoke";
pub const SETTINGS: &str = "/users/settings";

/// How an `invalid_grant` is answered (Trakt has used all three).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GrantStyle {
    Json400,
    Json401,
    Empty400,
}

/// A misbehaviour for the next requests to one path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Answer this status with a short JSON body (e.g. 500, 502, 410, 423).
    Status(u16),
    /// `403` with a Cloudflare HTML page.
    Cloudflare,
    /// `401 invalid_client`.
    InvalidClient,
    /// `429` with `Retry-After: seconds`.
    RateLimited(u32),
    /// Wait this long, then answer normally.
    Slow(Duration),
    /// Wait until [`Server::release`] (or the server is dropped), then
    /// answer normally: a client stays inside its request as long as a
    /// test needs.
    Hold,
    /// `200` with a body that is not JSON (after rotating the tokens).
    Malformed,
    /// `200` with only some of the six fields (after rotating the tokens).
    MissingFields,
    /// Rotate the tokens, then close the connection without an answer.
    DropAfterRotation,
    /// `307 Temporary Redirect` to this URL (which a client must not follow
    /// with credentials).
    Redirect(String),
    /// `400 invalid_grant` with `error_description: "session not found"`:
    /// a refresh token from before Trakt's July 2026 auth migration.
    SessionNotFound,
    /// `429` without `Retry-After`.
    RateLimitedBare,
    /// Cloudflare's HTML `429` page, with `Retry-After` when given.
    CloudflareRateLimited(Option<u32>),
    /// Cloudflare's "error 1015" page (you are being rate limited), served
    /// with status 429.
    Cloudflare1015,
    /// `200` with this body (after rotating the tokens), e.g. an answer
    /// whose `expires_in` is a string.
    Answer(String),
}

/// What the server starts with.
#[derive(Debug, Clone)]
pub struct Config {
    pub client_id: String,
    pub client_secret: String,
    pub access_token: String,
    pub refresh_token: String,
    pub expires_in: i64,
    pub username: String,
    pub grant_style: GrantStyle,
    /// The device flow's polling interval, seconds.
    pub interval: u64,
    /// The device code's lifetime, seconds.
    pub device_expires_in: u64,
    /// Device codes approve themselves this many seconds after they are
    /// issued (for trying the device flow without Trakt).
    pub approve_after: Option<u64>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            client_id: "4f2a9c1e7b3d8a6f0e5c2b9d7a4f1e8c3b6d9a2f5e8c1b4d7a0f3e6c9b2d5a8f".into(),
            client_secret: "9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d"
                .into(),
            access_token: "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90".into(),
            refresh_token: "0f9e8d7c6b5a49382716a5b4c3d2e1f00f9e8d7c6b5a49382716a5b4c3d2e1f0"
                .into(),
            expires_in: 86_400,
            username: "sean".into(),
            grant_style: GrantStyle::Json400,
            interval: 1,
            device_expires_in: 600,
            approve_after: None,
        }
    }
}

/// Tokens the server issued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issued {
    pub access_token: String,
    pub refresh_token: String,
    pub expires_in: i64,
    pub created_at: i64,
}

/// Where a device code stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Device {
    Pending,
    Approved,
    Denied,
    Used,
    Expired,
}

struct State {
    config: Config,
    access_tokens: Vec<String>,
    refresh_token: Option<String>,
    pins: Vec<String>,
    devices: HashMap<String, Device>,
    /// When each device code was issued (Unix seconds).
    device_issued: HashMap<String, i64>,
    faults: Vec<(String, Fault, usize)>,
    issued: Vec<Issued>,
    log: Vec<Request>,
    counter: u64,
    /// Set by [`Server::release`]: held requests go on.
    released: bool,
}

/// A running server; it stops when dropped: it accepts no more
/// connections, and its port is closed.
pub struct Server {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    stop: Arc<AtomicBool>,
    accept: Option<JoinHandle<()>>,
}

impl Server {
    /// Starts on 127.0.0.1 with an ephemeral port.
    pub fn start(config: Config) -> Server {
        Server::bind("127.0.0.1:0", config).expect("bind a loopback port")
    }

    /// Starts on `addr`; fails when it cannot listen there (a port taken).
    pub fn bind(addr: &str, config: Config) -> std::io::Result<Server> {
        let listener = TcpListener::bind(addr)?;
        let addr = listener.local_addr()?;
        let state = Arc::new(Mutex::new(State {
            access_tokens: vec![config.access_token.clone()],
            refresh_token: Some(config.refresh_token.clone()),
            config,
            pins: Vec::new(),
            devices: HashMap::new(),
            device_issued: HashMap::new(),
            faults: Vec::new(),
            issued: Vec::new(),
            log: Vec::new(),
            counter: 0,
            released: false,
        }));
        let stop = Arc::new(AtomicBool::new(false));
        let (shared, stopping) = (Arc::clone(&state), Arc::clone(&stop));
        // The thread owns the listener: when it returns, the port closes.
        let active = Arc::new(AtomicUsize::new(0));
        let accept = thread::spawn(move || {
            for stream in listener.incoming() {
                if stopping.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                // Counted here, in accept order, before the handler runs:
                // see `settle`.
                active.fetch_add(1, Ordering::SeqCst);
                let state = Arc::clone(&shared);
                let counted = Arc::clone(&active);
                thread::spawn(move || {
                    handle(&stream, &state, &counted);
                    counted.fetch_sub(1, Ordering::SeqCst);
                });
            }
        });
        Ok(Server {
            addr,
            state,
            stop,
            accept: Some(accept),
        })
    }

    /// The base URL, e.g. `http://127.0.0.1:40123`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Every request received so far.
    pub fn log(&self) -> Vec<Request> {
        self.state().log.clone()
    }

    /// How many requests reached `path`.
    pub fn count(&self, path: &str) -> usize {
        self.state().log.iter().filter(|r| r.path == path).count()
    }

    /// Misbehave on the next `times` requests to `path`.
    pub fn fault(&self, path: &str, fault: Fault, times: usize) {
        self.state().faults.push((path.to_string(), fault, times));
    }

    /// Accept `pin` once in an authorization-code exchange.
    pub fn add_pin(&self, pin: &str) {
        self.state().pins.push(pin.to_string());
    }

    /// Set every device code to `device` (approve, deny, expire).
    pub fn set_devices(&self, device: Device) {
        for d in self.state().devices.values_mut() {
            *d = device;
        }
    }

    /// Tokens issued so far, oldest first.
    pub fn issued(&self) -> Vec<Issued> {
        self.state().issued.clone()
    }

    /// The refresh token that works now, if any.
    pub fn refresh_token(&self) -> Option<String> {
        self.state().refresh_token.clone()
    }

    /// Every secret the server knows: its client secret and every access
    /// and refresh token it started with or issued. None may be printed.
    pub fn secrets(&self) -> Vec<String> {
        let s = self.state();
        let mut secrets = vec![
            s.config.client_secret.clone(),
            s.config.access_token.clone(),
            s.config.refresh_token.clone(),
        ];
        for i in &s.issued {
            secrets.push(i.access_token.clone());
            secrets.push(i.refresh_token.clone());
        }
        secrets
    }

    /// Returns once every connection made before this call has been
    /// handled to its end (for a client killed after sending a request:
    /// whether the server acted on it is then settled, not a race). A
    /// connection of its own is queued behind every earlier one (accept
    /// order), and is answered when it is the only one left open.
    pub fn settle(&self) {
        use std::io::{Read, Write};
        let mut barrier = TcpStream::connect(self.addr).expect("connect to the test server");
        let _ = barrier.set_read_timeout(Some(Duration::from_secs(60)));
        barrier
            .write_all(format!("{SETTLE} / HTTP/1.1\r\n\r\n").as_bytes())
            .expect("send the settle request");
        let mut answer = Vec::new();
        let _ = barrier.read_to_end(&mut answer);
        assert!(
            answer.starts_with(b"HTTP/1.1 200"),
            "the test server did not settle: {}",
            String::from_utf8_lossy(&answer)
        );
    }

    /// Lets every request held by [`Fault::Hold`] go on, and those held
    /// from now on.
    pub fn release(&self) {
        self.state().released = true;
    }
}

/// The method of the request `Server::settle` sends (never logged).
const SETTLE: &str = "SETTLE";

impl Drop for Server {
    /// Stops accepting: the accept thread is woken by a connection of our
    /// own, returns and closes the listener; held requests are released.
    /// Requests already being answered finish on their own threads.
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        self.release();
        let mut wake = self.addr;
        if wake.ip().is_unspecified() {
            wake.set_ip(match wake {
                SocketAddr::V4(_) => Ipv4Addr::LOCALHOST.into(),
                SocketAddr::V6(_) => Ipv6Addr::LOCALHOST.into(),
            });
        }
        // Without the wake-up connection the thread would wait forever.
        if TcpStream::connect_timeout(&wake, Duration::from_secs(5)).is_ok()
            && let Some(accept) = self.accept.take()
        {
            let _ = accept.join();
        }
    }
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

fn handle(stream: &TcpStream, state: &Mutex<State>, active: &AtomicUsize) {
    let Some(request) = http::read_request(stream) else {
        return;
    };
    if request.method == SETTLE {
        while active.load(Ordering::SeqCst) > 1 {
            thread::sleep(Duration::from_millis(1));
        }
        return Response::empty(200).send(stream);
    }
    let lock = || state.lock().unwrap_or_else(|e| e.into_inner());
    let fault = {
        let mut s = lock();
        s.log.push(request.clone());
        let slot = s
            .faults
            .iter_mut()
            .find(|(p, _, n)| *p == request.path && *n > 0);
        slot.map(|(_, f, n)| {
            *n -= 1;
            f.clone()
        })
    };
    if !request.headers.contains_key("user-agent") {
        return cloudflare().send(stream);
    }
    let response = match fault {
        Some(Fault::Status(code)) => Response::json(code, json!({"error": "server_error"})),
        Some(Fault::Cloudflare) => cloudflare(),
        Some(Fault::InvalidClient) => invalid_client(),
        Some(Fault::Redirect(location)) => {
            let mut r = Response::empty(307);
            r.headers.push(("Location".into(), location));
            r
        }
        Some(Fault::RateLimited(seconds)) => {
            let mut r = Response::json(429, json!({"error": "rate_limited"}));
            r.headers.push(("Retry-After".into(), seconds.to_string()));
            r
        }
        Some(Fault::Slow(delay)) => {
            thread::sleep(delay);
            route(&request, &mut lock())
        }
        Some(Fault::Hold) => {
            while !lock().released {
                thread::sleep(Duration::from_millis(5));
            }
            route(&request, &mut lock())
        }
        Some(Fault::Malformed) => {
            let _ = route(&request, &mut lock());
            Response {
                status: 200,
                content_type: "application/json",
                headers: Vec::new(),
                body: "{\"access_token\": ".into(),
            }
        }
        Some(Fault::MissingFields) => {
            let full = route(&request, &mut lock());
            let mut v: Value = serde_json::from_str(&full.body).unwrap_or(json!({}));
            if let Some(map) = v.as_object_mut() {
                map.remove("refresh_token");
                map.remove("created_at");
            }
            Response::json(full.status, v)
        }
        Some(Fault::DropAfterRotation) => {
            let _ = route(&request, &mut lock());
            return;
        }
        Some(Fault::SessionNotFound) => Response::json(
            400,
            json!({"error": "invalid_grant", "error_description": "session not found"}),
        ),
        Some(Fault::RateLimitedBare) => Response::json(429, json!({"error": "rate_limited"})),
        Some(Fault::CloudflareRateLimited(seconds)) => {
            let mut r = html(
                429,
                "<!DOCTYPE html><html><head><title>429 Too Many Requests</title></head><body><center><h1>429 Too Many Requests</h1></center><hr><center>cloudflare</center></body></html>",
            );
            if let Some(seconds) = seconds {
                r.headers.push(("Retry-After".into(), seconds.to_string()));
            }
            r
        }
        Some(Fault::Cloudflare1015) => html(
            429,
            "<!DOCTYPE html><html><head><title>Access denied | api.trakt.tv used Cloudflare to restrict access</title></head><body><h1>Error 1015</h1><h2>You are being rate limited</h2></body></html>",
        ),
        Some(Fault::Answer(body)) => {
            let _ = route(&request, &mut lock());
            Response {
                status: 200,
                content_type: "application/json",
                headers: Vec::new(),
                body,
            }
        }
        None => route(&request, &mut lock()),
    };
    response.send(stream);
}

fn cloudflare() -> Response {
    html(
        403,
        "<!DOCTYPE html><html><head><title>Attention Required! | Cloudflare</title></head><body><h1>Sorry, you have been blocked</h1></body></html>",
    )
}

fn html(status: u16, body: &str) -> Response {
    Response {
        status,
        content_type: "text/html",
        headers: Vec::new(),
        body: body.into(),
    }
}

fn invalid_client() -> Response {
    Response::json(
        401,
        json!({"error": "invalid_client", "error_description": "Client authentication failed."}),
    )
}

fn invalid_grant(style: GrantStyle) -> Response {
    let body = json!({"error": "invalid_grant", "error_description": "The provided authorization grant is invalid, expired, revoked, or was issued to another client."});
    match style {
        GrantStyle::Json400 => Response::json(400, body),
        GrantStyle::Json401 => Response::json(401, body),
        GrantStyle::Empty400 => Response::empty(400),
    }
}

fn route(request: &Request, s: &mut State) -> Response {
    let body: Value = serde_json::from_str(&request.body).unwrap_or(Value::Null);
    let field = |name: &str| {
        body.get(name)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    // An app without a secret (Trakt made it optional in late 2026) takes
    // requests without one; an app with one requires it.
    let client_ok = field("client_id") == s.config.client_id
        && field("client_secret") == s.config.client_secret;
    match (request.method.as_str(), request.path.as_str()) {
        ("POST", TOKEN) => {
            if !client_ok {
                return invalid_client();
            }
            let granted = match field("grant_type").as_str() {
                "refresh_token" => {
                    s.refresh_token.as_deref() == Some(field("refresh_token").as_str())
                }
                "authorization_code" => match s.pins.iter().position(|p| *p == field("code")) {
                    Some(i) => {
                        s.pins.remove(i);
                        true
                    }
                    None => false,
                },
                _ => false,
            };
            if granted {
                Response::json(200, issue(s))
            } else {
                invalid_grant(s.config.grant_style)
            }
        }
        ("POST", DEVICE_CODE) => {
            if field("client_id") != s.config.client_id {
                return invalid_client();
            }
            s.counter += 1;
            let code = format!("device-{:056x}", s.counter);
            s.devices.insert(code.clone(), Device::Pending);
            s.device_issued.insert(code.clone(), now());
            Response::json(
                200,
                json!({
                    "device_code": code,
                    "user_code": format!("{:08X}", 0x5EA1_0000u64 + s.counter),
                    "verification_url": "https://trakt.tv/activate",
                    "expires_in": s.config.device_expires_in,
                    "interval": s.config.interval,
                }),
            )
        }
        ("POST", DEVICE_TOKEN) => {
            if !client_ok {
                return invalid_client();
            }
            let code = field("code");
            if let (Some(after), Some(Device::Pending), Some(&issued)) = (
                s.config.approve_after,
                s.devices.get(&code).copied(),
                s.device_issued.get(&code),
            ) && now() - issued >= after as i64
            {
                s.devices.insert(code.clone(), Device::Approved);
            }
            match s.devices.get(&code).copied() {
                None => Response::empty(404),
                Some(Device::Pending) => Response::empty(400),
                Some(Device::Used) => Response::empty(409),
                Some(Device::Expired) => Response::empty(410),
                Some(Device::Denied) => Response::empty(418),
                Some(Device::Approved) => {
                    s.devices.insert(field("code"), Device::Used);
                    Response::json(200, issue(s))
                }
            }
        }
        ("POST", REVOKE) => Response::json(200, json!({})),
        ("GET", SETTINGS) => {
            let bearer = request
                .headers
                .get("authorization")
                .and_then(|v| v.strip_prefix("Bearer "))
                .unwrap_or_default();
            let key = request
                .headers
                .get("trakt-api-key")
                .cloned()
                .unwrap_or_default();
            if key != s.config.client_id {
                Response::json(403, json!({"error": "forbidden"}))
            } else if s.access_tokens.iter().any(|t| t == bearer) {
                Response::json(
                    200,
                    json!({"user": {"username": s.config.username, "ids": {"slug": s.config.username}}}),
                )
            } else {
                Response::json(401, json!({"error": "invalid_token"}))
            }
        }
        _ => Response::empty(404),
    }
}

/// Issues new tokens: the old refresh token stops working.
fn issue(s: &mut State) -> Value {
    s.counter += 1;
    let seed = s.counter.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let issued = Issued {
        access_token: format!("{seed:016x}{:048x}", s.counter),
        refresh_token: format!("{:016x}{:048x}", seed ^ 0xFFFF_FFFF, s.counter),
        expires_in: s.config.expires_in,
        created_at: now(),
    };
    s.access_tokens.push(issued.access_token.clone());
    s.refresh_token = Some(issued.refresh_token.clone());
    s.issued.push(issued.clone());
    json!({
        "access_token": issued.access_token,
        "token_type": "bearer",
        "expires_in": issued.expires_in,
        "refresh_token": issued.refresh_token,
        "scope": "public",
        "created_at": issued.created_at,
    })
}
