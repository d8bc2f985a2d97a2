//! The HTTP client for Trakt's OAuth and settings endpoints. It knows
//! nothing of YAML: it takes credentials and returns tokens or errors.

pub(crate) mod error;
pub(crate) mod tokens;

use std::sync::mpsc;
use std::thread::{self, sleep};
use std::time::{Duration, Instant};

use reqwest::blocking::{Client as Http, RequestBuilder};
use serde_json::{Value, json};

use crate::authorization::Answer;
use crate::signals;
pub(crate) use error::{Class, TraktError};

/// Where and how to reach Trakt.
#[derive(Debug, Clone)]
pub(crate) struct Endpoints {
    /// `https://api.trakt.tv` (`/users/settings`).
    pub(crate) api_url: String,
    /// `https://auth.trakt.tv` (every `/oauth/...` call).
    pub(crate) auth_url: String,
    pub(crate) redirect_uri: String,
    pub(crate) timeout: Duration,
    pub(crate) connect_timeout: Duration,
}

/// The account a token belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Account {
    pub(crate) username: String,
}

/// What the device flow shows the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DeviceCode {
    pub(crate) device_code: String,
    pub(crate) user_code: String,
    pub(crate) verification_url: String,
    pub(crate) expires_in: u64,
    pub(crate) interval: u64,
}

/// One poll of the device flow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Poll {
    Pending,
    SlowDown,
    Authorized(Answer),
}

/// Attempts for calls that are safe to repeat.
const ATTEMPTS: u32 = 3;

/// Makes HTTPS available: ring, smaller and quicker to start than rustls'
/// default provider. Called once by each command that goes online, never
/// on the offline paths.
pub(crate) fn go_online() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// A redirect answer: never followed, since the request carried a credential.
fn redirected(reply: &Reply, what: &str) -> Option<TraktError> {
    if !(300..400).contains(&reply.status) {
        return None;
    }
    let host = reply
        .location
        .as_deref()
        .and_then(|l| reqwest::Url::parse(l).ok())
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| "an unnamed place".into());
    Some(TraktError::temporary(format!(
        "Trakt answered the {what} with a redirect ({}) to {host}; kometa-trakt follows no redirect with credentials: check --api-url/--auth-url and any proxy",
        reply.status
    )))
}

/// Refuses `http://` except to a loopback address.
/// Whether `url` is plain HTTP (to a loopback address, once checked).
fn is_http(url: &str) -> bool {
    url.trim_start().to_ascii_lowercase().starts_with("http://")
}

fn check_url(url: &str, flag: &str) -> Result<(), TraktError> {
    let parsed = reqwest::Url::parse(url)
        .map_err(|_| TraktError::usage(format!("{flag}: `{url}` is not a URL")))?;
    let host = parsed
        .host_str()
        .unwrap_or_default()
        .trim_start_matches('[')
        .trim_end_matches(']');
    let loopback = host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    match parsed.scheme() {
        "https" => Ok(()),
        "http" if loopback => Ok(()),
        _ => Err(TraktError::usage(format!(
            "{flag}: only https:// is allowed (http:// for loopback test servers only)"
        ))),
    }
}

/// A client for one Trakt application.
pub(crate) struct Client {
    http: Http,
    endpoints: Endpoints,
    client_id: String,
    /// Deprecated and optional since late 2026: sent only when the config
    /// holds one.
    client_secret: Option<String>,
}

/// An answer, read whole.
struct Reply {
    status: u16,
    location: Option<String>,
    retry_after: Option<u64>,
    body: String,
}

/// The longest `Retry-After` a token request waits out before its one
/// more try.
const RETRY_WAIT: u64 = 60;

/// How long a request in flight may go on once a stop signal came
/// (container runtimes kill about 10 seconds after asking to stop).
const AFTER_STOP: Duration = Duration::from_secs(5);

/// How often a request in flight is checked for a stop signal.
const WATCH: Duration = Duration::from_millis(50);

impl Client {
    /// A client; the URLs are checked first. A request to a loopback
    /// `http://` URL never goes through a proxy (it would carry the
    /// credentials in clear text to it), and a client that speaks only
    /// plain HTTP loads no CA certificates.
    pub(crate) fn new(
        endpoints: Endpoints,
        client_id: &str,
        client_secret: Option<&str>,
    ) -> Result<Client, TraktError> {
        check_url(&endpoints.api_url, "--api-url")?;
        check_url(&endpoints.auth_url, "--auth-url")?;
        let (api_http, auth_http) = (is_http(&endpoints.api_url), is_http(&endpoints.auth_url));
        let mut builder = Http::builder()
            .user_agent(concat!("kometa-trakt/", env!("CARGO_PKG_VERSION")))
            // Every request carries a credential: none follows a redirect.
            .redirect(reqwest::redirect::Policy::none())
            .timeout(endpoints.timeout)
            .connect_timeout(endpoints.connect_timeout);
        if api_http || auth_http {
            builder = builder.no_proxy();
        }
        if api_http && auth_http {
            builder = builder.tls_backend_preconfigured(plain_http_only()?);
        }
        // The client's threads are born blocking the stop signals, which
        // the main thread alone takes (see `signals`).
        let http = signals::blocked(|| builder.build())
            .map_err(|e| TraktError::usage(format!("cannot set up HTTPS: {e}")))?;
        Ok(Client {
            http,
            endpoints,
            client_id: client_id.to_string(),
            client_secret: client_secret.filter(|s| !s.is_empty()).map(str::to_string),
        })
    }

    fn post(&self, path: &str, body: &Value) -> RequestBuilder {
        let url = format!("{}{path}", self.endpoints.auth_url.trim_end_matches('/'));
        self.headers(self.http.post(url)).json(body)
    }

    fn headers(&self, request: RequestBuilder) -> RequestBuilder {
        request
            .header("Content-Type", "application/json")
            .header("trakt-api-version", "2")
            .header("trakt-api-key", &self.client_id)
    }

    /// A JSON body with the client's credentials added: `client_id`, and
    /// `client_secret` only when there is one.
    fn credentials(&self, mut body: Value) -> Value {
        body["client_id"] = json!(self.client_id);
        if let Some(secret) = &self.client_secret {
            body["client_secret"] = json!(secret);
        }
        body
    }

    /// Sends a request and reads its whole answer on a thread of its own,
    /// while this thread watches for a stop signal: once one came, the
    /// request has at most [`AFTER_STOP`] left. `spends`: the request may
    /// spend something once it has arrived, so a failure after sending
    /// says so.
    fn exchange(
        &self,
        request: RequestBuilder,
        what: &str,
        spends: bool,
    ) -> Result<Reply, TraktError> {
        let (tx, rx) = mpsc::channel();
        signals::blocked(|| {
            thread::spawn(move || {
                let _ = tx.send(fetch(request));
            })
        });
        let mut deadline: Option<Instant> = None;
        loop {
            match rx.recv_timeout(WATCH) {
                Ok(Ok(reply)) => return Ok(reply),
                Ok(Err(e)) => return Err(network(&e, what, spends)),
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    return Err(stopped(what, spends, "the request was lost"));
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {}
            }
            if deadline.is_none() && signals::pending().is_some() {
                deadline = Some(Instant::now() + AFTER_STOP);
            }
            if deadline.is_some_and(|d| Instant::now() >= d) {
                return Err(stopped(
                    what,
                    spends,
                    "stopped by a signal before Trakt answered",
                ));
            }
        }
    }

    /// Sends a request that must not be repeated once it may have reached
    /// the server: only a failure to connect is retried.
    fn send_once(&self, request: RequestBuilder, what: &str) -> Result<Reply, TraktError> {
        let mut delay = Duration::from_millis(250);
        for attempt in 1..=ATTEMPTS {
            let Some(req) = request.try_clone() else {
                break;
            };
            match self.exchange(req, what, true) {
                Err(e) if not_sent(&e) && attempt < ATTEMPTS => {
                    sleep(delay);
                    delay *= 2;
                }
                result => return result,
            }
        }
        Err(TraktError::temporary(format!("could not send the {what}")))
    }

    /// Sends a request that is safe to repeat, retrying 429 (after its
    /// Retry-After), 5xx and 52x answers and network failures.
    fn send_repeatable(&self, request: RequestBuilder, what: &str) -> Result<Reply, TraktError> {
        let mut delay = Duration::from_millis(500);
        let mut last = TraktError::temporary(format!("could not send the {what}"));
        for attempt in 1..=ATTEMPTS {
            let Some(req) = request.try_clone() else {
                break;
            };
            match self.exchange(req, what, false) {
                Ok(reply) => {
                    if let Some(e) = redirected(&reply, what) {
                        return Err(e);
                    }
                    let retryable = reply.status == 429 || reply.status >= 500;
                    if !retryable || attempt == ATTEMPTS {
                        return Ok(reply);
                    }
                    sleep(
                        reply
                            .retry_after
                            .map_or(delay, |s| Duration::from_secs(s.min(60))),
                    );
                }
                Err(e) => {
                    last = e;
                    if attempt < ATTEMPTS {
                        sleep(delay);
                    }
                }
            }
            delay *= 2;
        }
        Err(last)
    }

    /// The token call: one POST, never repeated once it may have arrived.
    /// Any answer holding a refresh token is returned, however incomplete.
    fn token(&self, body: Value, what: &str) -> Result<Answer, TraktError> {
        let request = self.post("/oauth/token", &self.credentials(body));
        let mut reply = self.send_once(request.try_clone().expect("a JSON body"), what)?;
        // A 429 refused the request before it spent anything: wait as Trakt
        // asks, if briefly, and try once more.
        if let (429, Some(seconds @ 0..=RETRY_WAIT)) = (reply.status, reply.retry_after) {
            wait_unless_stopped(Duration::from_secs(seconds))
                .map_err(|()| error::rate_limited(reply.retry_after, &reply.body))?;
            reply = self.send_once(request, what)?;
        }
        if let Some(e) = redirected(&reply, what) {
            return Err(e);
        }
        if reply.status != 200 {
            return Err(error::from_status(
                reply.status,
                &reply.body,
                reply.retry_after,
                what,
            ));
        }
        usable(tokens::read_answer(&reply.body), what)
    }

    /// Exchanges a refresh token for new tokens (the old one dies).
    pub(crate) fn refresh(&self, refresh_token: &str) -> Result<Answer, TraktError> {
        let body = json!({
            "refresh_token": refresh_token,
            "redirect_uri": self.endpoints.redirect_uri,
            "grant_type": "refresh_token",
        });
        self.token(body, "refresh token")
    }

    /// Exchanges a one-time PIN for the first tokens.
    pub(crate) fn exchange_pin(&self, pin: &str) -> Result<Answer, TraktError> {
        let body = json!({
            "code": pin,
            "redirect_uri": self.endpoints.redirect_uri,
            "grant_type": "authorization_code",
        });
        self.token(body, "PIN")
    }

    /// Starts the device flow.
    pub(crate) fn device_code(&self) -> Result<DeviceCode, TraktError> {
        let what = "device code request";
        let request = self.post("/oauth/device/code", &json!({"client_id": self.client_id}));
        let reply = self.send_repeatable(request, what)?;
        if reply.status != 200 {
            return Err(error::from_status(
                reply.status,
                &reply.body,
                reply.retry_after,
                what,
            ));
        }
        let v: Value = serde_json::from_str(&reply.body)
            .map_err(|_| TraktError::temporary("Trakt's device code answer was not JSON"))?;
        let text = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
        let number = |k: &str| v.get(k).and_then(Value::as_u64);
        match (
            text("device_code"),
            text("user_code"),
            text("verification_url"),
        ) {
            (Some(device_code), Some(user_code), Some(verification_url)) => Ok(DeviceCode {
                device_code,
                user_code,
                verification_url,
                expires_in: number("expires_in").unwrap_or(600),
                interval: number("interval").unwrap_or(5),
            }),
            _ => Err(TraktError::temporary(
                "Trakt's device code answer lacks fields",
            )),
        }
    }

    /// Polls the device flow once.
    pub(crate) fn poll_device(&self, device_code: &str) -> Result<Poll, TraktError> {
        let what = "device token poll";
        let body = self.credentials(json!({"code": device_code}));
        let reply = self.send_once(self.post("/oauth/device/token", &body), what)?;
        if let Some(e) = redirected(&reply, what) {
            return Err(e);
        }
        match reply.status {
            200 => usable(tokens::read_answer(&reply.body), what).map(Poll::Authorized),
            400 => Ok(Poll::Pending),
            429 => Ok(Poll::SlowDown),
            404 => Err(TraktError::dead(
                "Trakt does not know this device code (404); start again",
            )),
            409 => Err(TraktError::dead(
                "this device code was already used (409); start again",
            )),
            410 => Err(TraktError::dead(
                "the device code expired before it was approved (410); start again",
            )),
            418 => Err(TraktError::dead(
                "the authorization was denied on Trakt's page (418)",
            )),
            status => Err(error::from_status(
                status,
                &reply.body,
                reply.retry_after,
                what,
            )),
        }
    }

    /// The account an access token belongs to (`GET /users/settings`).
    pub(crate) fn settings(&self, access_token: &str) -> Result<Account, TraktError> {
        let url = format!(
            "{}/users/settings",
            self.endpoints.api_url.trim_end_matches('/')
        );
        let request = self.headers(self.http.get(url)).bearer_auth(access_token);
        let reply = self.send_repeatable(request, "settings request")?;
        if reply.status != 200 {
            return Err(error::from_status(
                reply.status,
                &reply.body,
                reply.retry_after,
                "access token",
            ));
        }
        let v: Value = serde_json::from_str(&reply.body)
            .map_err(|_| TraktError::temporary("Trakt's settings answer was not JSON"))?;
        let username = v
            .pointer("/user/username")
            .and_then(Value::as_str)
            .unwrap_or("(unknown)")
            .to_string();
        Ok(Account { username })
    }
}

/// Sleeps `wait`, unless a stop signal comes first.
fn wait_unless_stopped(wait: Duration) -> Result<(), ()> {
    let end = Instant::now() + wait;
    while Instant::now() < end {
        if signals::pending().is_some() {
            return Err(());
        }
        sleep(WATCH.min(end - Instant::now()));
    }
    Ok(())
}

/// A TLS setup for a client that speaks plain HTTP only: no CA
/// certificates are loaded, since none are needed.
fn plain_http_only() -> Result<rustls::ClientConfig, TraktError> {
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map(|b| {
            b.with_root_certificates(rustls::RootCertStore::empty())
                .with_no_client_auth()
        })
        .map_err(|e| TraktError::usage(format!("cannot set up the HTTP client: {e}")))
}

/// Sends `request` and reads its whole answer.
fn fetch(request: RequestBuilder) -> Result<Reply, reqwest::Error> {
    let response = request.send()?;
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let status = response.status().as_u16();
    let location = header("location");
    let retry_after = header("retry-after").and_then(|v| v.trim().parse().ok());
    let body = response.text()?;
    Ok(Reply {
        status,
        location,
        retry_after,
        body,
    })
}

/// A token answer is worth keeping only with a refresh token; without one,
/// the code or token sent is spent and nothing came back for it.
fn usable(answer: Answer, what: &str) -> Result<Answer, TraktError> {
    if answer.refresh_token.is_some() {
        return Ok(answer);
    }
    Err(TraktError::maybe_spent(format!(
        "Trakt accepted the {what} but its answer holds no refresh token{SPENT}"
    )))
}

/// What a failure after sending a spending request means.
const SPENT: &str = "; the request reached Trakt, so what it carried may be spent: run `kometa-trakt renew` again, and if Trakt then refuses the token (invalid_grant), authorize again with `kometa-trakt auth --device`";

/// The start of a message for a failure that certainly happened before
/// anything was sent.
const NOT_SENT: &str = "cannot connect to Trakt";

/// Whether a failure certainly happened before anything was sent (so the
/// request may be tried again).
fn not_sent(e: &TraktError) -> bool {
    e.class == Class::Temporary && e.message.starts_with(NOT_SENT)
}

/// A request that got no answer because it was stopped.
fn stopped(what: &str, spends: bool, why: &str) -> TraktError {
    if spends {
        TraktError::maybe_spent(format!("{why} (the {what}){SPENT}"))
    } else {
        TraktError::temporary(format!("{why} (the {what}); nothing was spent"))
    }
}

/// A network failure in words: one after sending a spending request may
/// have spent it.
fn network(e: &reqwest::Error, what: &str, spends: bool) -> TraktError {
    let after_sending = |message: String| {
        if spends {
            TraktError::maybe_spent(format!("{message}{SPENT}"))
        } else {
            TraktError::temporary(message)
        }
    };
    let certificate = std::iter::successors(Some(e as &dyn std::error::Error), |e| e.source())
        .map(ToString::to_string)
        .find(|text| text.contains("certificate"));
    if e.is_connect() && certificate.is_none() {
        TraktError::temporary(format!(
            "{NOT_SENT} for the {what}; check the network (nothing was sent)"
        ))
    } else if e.is_timeout() {
        after_sending(format!("no answer from Trakt to the {what} in time"))
    } else if let Some(why) = certificate {
        TraktError::temporary(format!(
            "cannot connect to Trakt for the {what}: its TLS certificate was not accepted ({why}); check the system's CA certificates, the clock, and any proxy that intercepts HTTPS"
        ))
    } else {
        after_sending(format!("the connection broke during the {what}"))
    }
}
