//! The HTTP client for Trakt's OAuth and settings endpoints. It knows
//! nothing of YAML: it takes credentials and returns tokens or errors.

pub(crate) mod error;
pub(crate) mod tokens;

use std::thread::sleep;
use std::time::Duration;

use reqwest::blocking::{Client as Http, RequestBuilder, Response};
use serde_json::{Value, json};

use crate::authorization::Tokens;
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
    Authorized(Tokens),
}

/// Attempts for calls that are safe to repeat.
const ATTEMPTS: u32 = 3;

/// A client for one Trakt application.
pub(crate) struct Client {
    http: Http,
    endpoints: Endpoints,
    client_id: String,
    client_secret: String,
}

/// Makes HTTPS available: ring, smaller and quicker to start than rustls'
/// default provider. Called once by each command that goes online, never
/// on the offline paths.
pub(crate) fn go_online() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// A redirect answer: never followed, since the request carried a credential.
fn redirected(response: &Response, what: &str) -> Option<TraktError> {
    let status = response.status();
    if !status.is_redirection() {
        return None;
    }
    let host = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .and_then(|l| reqwest::Url::parse(l).ok())
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| "an unnamed place".into());
    Some(TraktError::temporary(format!(
        "Trakt answered the {what} with a redirect ({}) to {host}; kometa-trakt follows no redirect with credentials: check --api-url/--auth-url and any proxy",
        status.as_u16()
    )))
}

/// Refuses `http://` except to a loopback address.
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

impl Client {
    /// A client; the URLs are checked first.
    pub(crate) fn new(
        endpoints: Endpoints,
        client_id: &str,
        client_secret: &str,
    ) -> Result<Client, TraktError> {
        check_url(&endpoints.api_url, "--api-url")?;
        check_url(&endpoints.auth_url, "--auth-url")?;
        let http = Http::builder()
            .user_agent(concat!("kometa-trakt/", env!("CARGO_PKG_VERSION")))
            // Every request carries a credential: none follows a redirect.
            .redirect(reqwest::redirect::Policy::none())
            .timeout(endpoints.timeout)
            .connect_timeout(endpoints.connect_timeout)
            .build()
            .map_err(|e| TraktError::usage(format!("cannot set up HTTPS: {e}")))?;
        Ok(Client {
            http,
            endpoints,
            client_id: client_id.to_string(),
            client_secret: client_secret.to_string(),
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

    /// Sends a request that must not be repeated once it may have reached
    /// the server: only a failure to connect is retried.
    fn send_once(&self, request: RequestBuilder, what: &str) -> Result<Response, TraktError> {
        let mut delay = Duration::from_millis(250);
        for attempt in 1..=ATTEMPTS {
            let Some(req) = request.try_clone() else {
                break;
            };
            match req.send() {
                Ok(r) => return Ok(r),
                Err(e) if e.is_connect() && attempt < ATTEMPTS => {
                    sleep(delay);
                    delay *= 2;
                }
                Err(e) => return Err(network(&e, what, true)),
            }
        }
        Err(TraktError::temporary(format!("could not send the {what}")))
    }

    /// Sends a request that is safe to repeat, retrying 429 (after its
    /// Retry-After), 5xx and 52x answers and network failures.
    fn send_repeatable(
        &self,
        request: RequestBuilder,
        what: &str,
    ) -> Result<(u16, String, Option<u64>), TraktError> {
        let mut delay = Duration::from_millis(500);
        let mut last = TraktError::temporary(format!("could not send the {what}"));
        for attempt in 1..=ATTEMPTS {
            let Some(req) = request.try_clone() else {
                break;
            };
            match req.send() {
                Ok(r) => {
                    if let Some(e) = redirected(&r, what) {
                        return Err(e);
                    }
                    let status = r.status().as_u16();
                    let retry_after = r
                        .headers()
                        .get("retry-after")
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| v.parse().ok());
                    let body = r.text().unwrap_or_default();
                    let retryable = status == 429 || status >= 500;
                    if !retryable || attempt == ATTEMPTS {
                        return Ok((status, body, retry_after));
                    }
                    sleep(retry_after.map_or(delay, |s: u64| Duration::from_secs(s.min(60))));
                }
                Err(e) => {
                    last = network(&e, what, false);
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
    fn token(&self, body: Value, what: &str) -> Result<Tokens, TraktError> {
        let response = self.send_once(self.post("/oauth/token", &body), what)?;
        if let Some(e) = redirected(&response, what) {
            return Err(e);
        }
        let status = response.status().as_u16();
        let text = response.text().map_err(|e| network(&e, what, true))?;
        if status != 200 {
            return Err(error::from_status(status, &text, what));
        }
        tokens::from_json(&text)
    }

    /// Exchanges a refresh token for new tokens (the old one dies).
    pub(crate) fn refresh(&self, refresh_token: &str) -> Result<Tokens, TraktError> {
        let body = json!({
            "refresh_token": refresh_token,
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "redirect_uri": self.endpoints.redirect_uri,
            "grant_type": "refresh_token",
        });
        self.token(body, "refresh token")
    }

    /// Exchanges a one-time PIN for the first tokens.
    pub(crate) fn exchange_pin(&self, pin: &str) -> Result<Tokens, TraktError> {
        let body = json!({
            "code": pin,
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "redirect_uri": self.endpoints.redirect_uri,
            "grant_type": "authorization_code",
        });
        self.token(body, "PIN")
    }

    /// Starts the device flow.
    pub(crate) fn device_code(&self) -> Result<DeviceCode, TraktError> {
        let request = self.post("/oauth/device/code", &json!({"client_id": self.client_id}));
        let (status, body, _) = self.send_repeatable(request, "device code request")?;
        if status != 200 {
            return Err(error::from_status(status, &body, "device code request"));
        }
        let v: Value = serde_json::from_str(&body)
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
        let body = json!({"code": device_code, "client_id": self.client_id, "client_secret": self.client_secret});
        let response =
            self.send_once(self.post("/oauth/device/token", &body), "device token poll")?;
        if let Some(e) = redirected(&response, "device token poll") {
            return Err(e);
        }
        let status = response.status().as_u16();
        let text = response
            .text()
            .map_err(|e| network(&e, "device token poll", false))?;
        match status {
            200 => tokens::from_json(&text).map(Poll::Authorized),
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
            _ => Err(error::from_status(status, &text, "device token poll")),
        }
    }

    /// The account an access token belongs to (`GET /users/settings`).
    pub(crate) fn settings(&self, access_token: &str) -> Result<Account, TraktError> {
        let url = format!(
            "{}/users/settings",
            self.endpoints.api_url.trim_end_matches('/')
        );
        let request = self.headers(self.http.get(url)).bearer_auth(access_token);
        let (status, body, _) = self.send_repeatable(request, "settings request")?;
        if status != 200 {
            return Err(error::from_status(status, &body, "access token"));
        }
        let v: Value = serde_json::from_str(&body)
            .map_err(|_| TraktError::temporary("Trakt's settings answer was not JSON"))?;
        let username = v
            .pointer("/user/username")
            .and_then(Value::as_str)
            .unwrap_or("(unknown)")
            .to_string();
        Ok(Account { username })
    }
}

/// A network failure in words.
fn network(e: &reqwest::Error, what: &str, consumes: bool) -> TraktError {
    let risk = if consumes {
        "; the request may have reached Trakt: if the next attempt fails with invalid_grant, authorize again"
    } else {
        ""
    };
    let certificate = std::iter::successors(Some(e as &dyn std::error::Error), |e| e.source())
        .map(ToString::to_string)
        .find(|text| text.contains("certificate"));
    if e.is_timeout() {
        TraktError::temporary(format!("no answer from Trakt to the {what} in time{risk}"))
    } else if let Some(why) = certificate {
        TraktError::temporary(format!(
            "cannot connect to Trakt for the {what}: its TLS certificate was not accepted ({why}); check the system's CA certificates, the clock, and any proxy that intercepts HTTPS"
        ))
    } else if e.is_connect() {
        TraktError::temporary(format!(
            "cannot connect to Trakt for the {what}; check the network"
        ))
    } else {
        TraktError::temporary(format!("the connection broke during the {what}{risk}"))
    }
}
