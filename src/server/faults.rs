//! Fault switches, for tests only: the reference backend misbehaves on purpose so the
//! app's retry, offline and de-duplication paths run against real HTTP, not mocks.
//!
//! Off unless the server starts with the test-only `--test-faults` flag (or a test
//! builds it with faults enabled); then `PUT /v1/_test/faults` sets them.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use crate::api::ErrorCode;
use crate::server::routes::Failure;

/// What to break, and how often. Rates are probabilities from 0 to 1.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Faults {
    /// Added before every affected request is handled.
    pub latency_ms: u64,
    /// Answer 500 or 503 (`error_status`) without handling the request.
    pub error_rate: f64,
    pub error_status: u16,
    /// Answer 429 with `Retry-After: retry_after_s` without handling the request.
    pub rate_limit_rate: f64,
    pub retry_after_s: u64,
    /// Handle the request (commit its effects), then break the connection mid-body.
    pub drop_after_commit_rate: f64,
    /// Handle the request, then answer 200 with a body that is not JSON.
    pub garbage_rate: f64,
    /// Never answer.
    pub hang_rate: f64,
    /// Only paths starting with this are affected; empty means all but `/v1/_test`.
    pub path_prefix: String,
}

impl Faults {
    /// Checks the values make sense.
    pub fn check(&self) -> Result<(), String> {
        let rates = [
            ("error_rate", self.error_rate),
            ("rate_limit_rate", self.rate_limit_rate),
            ("drop_after_commit_rate", self.drop_after_commit_rate),
            ("garbage_rate", self.garbage_rate),
            ("hang_rate", self.hang_rate),
        ];
        for (name, rate) in rates {
            if !(0.0..=1.0).contains(&rate) {
                return Err(format!("{name} must be between 0 and 1"));
            }
        }
        if !matches!(self.error_status, 0 | 500 | 503) {
            return Err("error_status must be 500 or 503 (0 means 503)".into());
        }
        Ok(())
    }
}

/// The live switches and a deterministic dice.
#[derive(Debug, Default)]
pub struct FaultState {
    faults: RwLock<Faults>,
    rolls: AtomicU64,
    /// Requests being handled now, the most at once, and how many in all, since the
    /// switches were last set (tests check a client's concurrency bound with them).
    in_flight: AtomicU64,
    max_in_flight: AtomicU64,
    requests: AtomicU64,
}

/// `GET /v1/_test/stats`: what the server saw since the switches were last set.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    pub requests: u64,
    pub in_flight: u64,
    pub max_in_flight: u64,
}

/// Counts a request in flight until dropped (also when the client goes away).
struct InFlight(Arc<FaultState>);

impl InFlight {
    fn start(state: &Arc<FaultState>) -> Self {
        state.requests.fetch_add(1, Ordering::SeqCst);
        let now = state.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        state.max_in_flight.fetch_max(now, Ordering::SeqCst);
        Self(state.clone())
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

impl FaultState {
    pub fn get(&self) -> Faults {
        self.faults.read().map(|f| f.clone()).unwrap_or_default()
    }

    pub fn set(&self, faults: Faults) {
        if let Ok(mut f) = self.faults.write() {
            *f = faults;
        }
        self.requests.store(0, Ordering::SeqCst);
        self.max_in_flight
            .store(self.in_flight.load(Ordering::SeqCst), Ordering::SeqCst);
    }

    /// What the server saw since the switches were last set.
    pub fn stats(&self) -> Stats {
        Stats {
            requests: self.requests.load(Ordering::SeqCst),
            in_flight: self.in_flight.load(Ordering::SeqCst),
            max_in_flight: self.max_in_flight.load(Ordering::SeqCst),
        }
    }

    /// A number in `[0, 1)`, the same sequence on every run.
    fn roll(&self) -> f64 {
        let mut rng = crate::rng::SplitMix64(self.rolls.fetch_add(1, Ordering::Relaxed));
        f64::from((rng.next_u64() >> 32) as u32) / 4_294_967_296.0
    }
}

/// The middleware that applies the switches.
pub async fn apply(State(state): State<Arc<FaultState>>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let f = state.get();
    if path.starts_with("/v1/_test") || !path.starts_with(&f.path_prefix) {
        return next.run(req).await;
    }
    let _counted = InFlight::start(&state);
    if f == Faults::default() {
        return next.run(req).await;
    }
    if f.latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(f.latency_ms)).await;
    }
    if state.roll() < f.hang_rate {
        std::future::pending::<()>().await;
    }
    if state.roll() < f.rate_limit_rate {
        let mut resp = Failure::new(
            ErrorCode::RateLimited,
            "Quá nhiều yêu cầu, vui lòng thử lại sau.",
        )
        .into_response();
        if let Ok(v) = HeaderValue::from_str(&f.retry_after_s.to_string()) {
            resp.headers_mut().insert(header::RETRY_AFTER, v);
        }
        return resp;
    }
    if state.roll() < f.error_rate {
        let status =
            StatusCode::from_u16(f.error_status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
        let code = if status == StatusCode::INTERNAL_SERVER_ERROR {
            ErrorCode::Internal
        } else {
            ErrorCode::UpstreamUnavailable
        };
        return Failure::new(
            code,
            "Hệ thống tạm thời gián đoạn (lỗi giả lập để kiểm thử).",
        )
        .with_status(status)
        .into_response();
    }
    let resp = next.run(req).await;
    if state.roll() < f.drop_after_commit_rate {
        // The handler has committed; now the connection breaks before the body ends.
        let (parts, _) = resp.into_parts();
        let chunks: Vec<Result<Bytes, std::io::Error>> = vec![
            Ok(Bytes::from_static(b"{\"results\":[")),
            Err(std::io::Error::other(
                "fault: connection dropped after commit",
            )),
        ];
        let mut resp =
            Response::from_parts(parts, Body::from_stream(futures_util::stream::iter(chunks)));
        resp.headers_mut().remove(header::CONTENT_LENGTH);
        return resp;
    }
    if state.roll() < f.garbage_rate {
        return (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "application/json")],
            "<html>502 Bad Gateway</html>\u{0}\u{1b}[31m",
        )
            .into_response();
    }
    resp
}
