//! Sync: the outbox pushed to the provincial backend, the changes feed pulled back.
//!
//! - [`run_once`] is one pass — push batches until the queue is empty or a retryable
//!   failure stops it, then pull the changes feed to its end. `motcua sync` runs it once;
//!   the worker ([`worker`]) runs it after saves, on a period, when the backend is back,
//!   and on demand, pausing with [`Backoff`] between failed passes.
//! - The server's per-item result decides each item (a missing one is a failure); a
//!   failure of the whole request stops the pass without judging any item; a batch the
//!   server refuses as a whole is sent again one item at a time, so one bad item is
//!   parked and the rest go on.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::api::client::{Client, ClientError, ErrorClass};
use crate::api::{MAX_SYNC_BATCH, SyncBatch};
use crate::clock::Clock;
use crate::store::retention::{PurgeReport, Retention};
use crate::store::sync::{Applied, ChangesApplied, SyncSummary};
use crate::store::{Store, StoreError};

pub mod worker;

/// Largest page asked of the changes feed.
pub const CHANGES_PAGE: usize = 500;

/// How a pass runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PassOptions {
    /// Items per request, 1 to [`MAX_SYNC_BATCH`].
    pub batch: usize,
    /// Whether to pull the changes feed after pushing.
    pub pull: bool,
}

impl Default for PassOptions {
    fn default() -> Self {
        Self {
            batch: 50,
            pull: true,
        }
    }
}

/// Why a pass ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "stop", rename_all = "snake_case")]
pub enum Stop {
    /// The queue is empty (parked items aside) and the feed read to its end.
    Done,
    /// The backend cannot be reached.
    Offline { error: String },
    /// A retryable failure (5xx, 429, timeout, a broken answer): try again later.
    Retry {
        error: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        retry_after_s: Option<u64>,
    },
    /// The official must sign in (again).
    NeedsSignIn { error: String },
    /// The local store failed (disk full, …).
    Store { error: String },
}

impl Stop {
    /// A failure worth trying again after a pause.
    #[must_use]
    pub fn is_retryable(&self) -> bool {
        matches!(self, Stop::Offline { .. } | Stop::Retry { .. })
    }

    /// What the server asked us to wait.
    #[must_use]
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Stop::Retry {
                retry_after_s: Some(s),
                ..
            } => Some(Duration::from_secs(*s)),
            _ => None,
        }
    }

    fn of(e: &ClientError) -> Self {
        let error = e.to_string();
        match e.class() {
            // The words say "cannot reach the server" themselves: only the cause here.
            ErrorClass::Offline => Stop::Offline { error: e.detail() },
            ErrorClass::NeedsSignIn => Stop::NeedsSignIn { error },
            ErrorClass::Retryable | ErrorClass::Permanent => Stop::Retry {
                error,
                retry_after_s: e.retry_after().map(|d| d.as_secs().max(1)),
            },
        }
    }
}

/// What one pass did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    /// Requests sent to `/v1/sync/batches`.
    pub requests: usize,
    /// Items synced now (accepted, or confirmed as sent before).
    pub synced: usize,
    /// Items parked now, with their reasons on the items.
    pub parked: usize,
    /// Item results that asked for a retry, or were missing.
    pub failed: usize,
    /// `(dossier id, final code)` for provisional codes replaced.
    pub codes: Vec<(String, String)>,
    /// What the changes feed brought.
    pub changes: ChangesApplied,
    pub stop: Stop,
    /// The queue after the pass.
    pub summary: SyncSummary,
}

impl Report {
    fn new() -> Self {
        Self {
            requests: 0,
            synced: 0,
            parked: 0,
            failed: 0,
            codes: Vec::new(),
            changes: ChangesApplied::default(),
            stop: Stop::Done,
            summary: SyncSummary::default(),
        }
    }

    fn add(&mut self, a: Applied) {
        self.synced += a.synced;
        self.parked += a.parked;
        self.failed += a.failed;
        self.codes.extend(a.codes);
    }

    fn add_changes(&mut self, c: ChangesApplied) {
        let all = &mut self.changes;
        all.applied += c.applied;
        all.statuses.extend(c.statuses);
        all.answers.extend(c.answers);
        all.catalogue |= c.catalogue;
        all.holidays |= c.holidays;
    }

    /// Whether anything is left in the queue (pending or parked).
    #[must_use]
    pub fn anything_left(&self) -> bool {
        self.summary.pending > 0 || self.summary.parked > 0
    }
}

fn store_stop(e: &StoreError) -> Stop {
    Stop::Store {
        error: e.to_string(),
    }
}

/// One pass: push, then pull. Never panics; every failure ends in `Report::stop`.
pub async fn run_once(
    store: &mut Store,
    client: &Client,
    clock: &dyn Clock,
    opts: PassOptions,
) -> Report {
    let mut report = Report::new();
    report.stop = push(store, client, clock, opts, &mut report).await;
    if report.stop == Stop::Done && opts.pull {
        report.stop = pull(store, client, clock, &mut report).await;
    }
    if report.stop == Stop::Done
        && let Err(e) = store.mark_synced_at(clock.now())
    {
        report.stop = store_stop(&e);
    }
    match store.sync_summary() {
        Ok(s) => report.summary = s,
        Err(e) => report.stop = store_stop(&e),
    }
    report
}

async fn push(
    store: &mut Store,
    client: &Client,
    clock: &dyn Clock,
    opts: PassOptions,
    report: &mut Report,
) -> Stop {
    let full = opts.batch.clamp(1, MAX_SYNC_BATCH);
    // Items of a batch refused as a whole that are still to be sent one at a time.
    let mut singles = 0usize;
    loop {
        let size = if singles > 0 { 1 } else { full };
        let batch = match store.next_batch(size, clock.now()) {
            Ok(b) => b,
            Err(e) => return store_stop(&e),
        };
        report.parked += batch.parked;
        if batch.items.is_empty() {
            return Stop::Done;
        }
        let items = batch.items;
        report.requests += 1;
        let sent = client
            .sync_batch(&SyncBatch {
                items: items.clone(),
            })
            .await;
        match sent {
            Ok(response) => {
                let applied = match store.apply_results(&items, &response, clock.now()) {
                    Ok(a) => a,
                    Err(e) => return store_stop(&e),
                };
                let failed = applied.failed;
                report.add(applied);
                if failed > 0 {
                    // The server could not store some items now: sending them again at
                    // once would only repeat that. Pause.
                    return Stop::Retry {
                        error: format!("{failed} item(s) to send again"),
                        retry_after_s: None,
                    };
                }
                singles = singles.saturating_sub(1);
            }
            Err(e) if e.class() == ErrorClass::Permanent && items.len() > 1 => {
                // Refused as a whole: find the item at fault by sending one at a time.
                tracing::warn!(error = %e, "a batch was refused as a whole; one at a time");
                singles = items.len();
            }
            Err(e) if e.class() == ErrorClass::Permanent => {
                // One item, refused as a whole request: park it with the reason.
                let response = crate::api::SyncResponse {
                    results: vec![crate::api::SyncResult {
                        id: items[0].id.clone(),
                        outcome: crate::api::SyncOutcome::Rejected,
                        dossier_code: None,
                        error: Some(e.api_error().cloned().unwrap_or(crate::api::ApiError {
                            code: crate::api::ErrorCode::ValidationFailed,
                            message: e.to_string(),
                            retryable: false,
                            fields: Vec::new(),
                        })),
                    }],
                    server_time: None,
                };
                match store.apply_results(&items, &response, clock.now()) {
                    Ok(a) => report.add(a),
                    Err(e) => return store_stop(&e),
                }
                singles = singles.saturating_sub(1);
            }
            Err(e) => {
                let stop = Stop::of(&e);
                if let Err(e) = store.note_send_failure(&items, &e.to_string(), clock.now()) {
                    return store_stop(&e);
                }
                return stop;
            }
        }
    }
}

async fn pull(store: &mut Store, client: &Client, clock: &dyn Clock, report: &mut Report) -> Stop {
    // A feed that never ends (a broken server) must not keep a pass alive for ever.
    for _ in 0..1_000 {
        let cursor = match store.changes_cursor() {
            Ok(c) => c,
            Err(e) => return store_stop(&e),
        };
        let page = match client.changes(&cursor, CHANGES_PAGE).await {
            Ok(p) => p,
            Err(e) => return Stop::of(&e),
        };
        let more = page.has_more && !page.changes.is_empty();
        match store.apply_changes(&page, clock.now()) {
            Ok(c) => report.add_changes(c),
            Err(e) => return store_stop(&e),
        }
        if !more {
            return Stop::Done;
        }
    }
    Stop::Done
}

/// When and how the worker purges what is past its retention period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PurgeOptions {
    pub retention: Retention,
    /// At most this often (by the server's clock).
    pub every: Duration,
}

/// A retention purge at the server's time: asked of the backend now (`GET /v1/time`, and
/// kept), else the last one a sync answer brought. Nothing is purged without a server
/// time, nor (unless `force`) before `every` has passed since the last purge. The
/// `retention.purge` record names `by`. `Ok(None)`: nothing was run.
pub async fn purge_pass(
    store: &mut Store,
    client: &Client,
    opts: PurgeOptions,
    force: bool,
    by: &str,
) -> Result<Option<PurgeReport>, StoreError> {
    let asked = match client.time().await {
        Ok(t) => t.now.parse::<jiff::Timestamp>().ok(),
        Err(e) => {
            tracing::info!(error = %e, "the server's time cannot be asked: the last one known is used");
            None
        }
    };
    if let Some(t) = asked {
        store.note_server_time(t)?;
    }
    let Some(server_now) = asked.map_or_else(|| store.server_time(), |t| Ok(Some(t)))? else {
        return Ok(None);
    };
    if !force && !store.purge_due(server_now, opts.every)? {
        return Ok(None);
    }
    store.purge(server_now, &opts.retention, by).map(Some)
}

/// Jittered exponential backoff between failed passes, honouring `Retry-After`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    pub base: Duration,
    pub cap: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Self {
            base: Duration::from_secs(2),
            cap: Duration::from_mins(5),
        }
    }
}

/// The longest `Retry-After` honoured as sent (a broken server could ask for years).
pub const MAX_RETRY_AFTER: Duration = Duration::from_hours(1);

impl Backoff {
    /// The pause after the `failures`-th failure in a row (1 = the first): between half
    /// and all of `base · 2^(failures-1)` (capped), chosen by `unit` in [0, 1); never less
    /// than what the server asked (`retry_after`, itself capped at an hour).
    #[must_use]
    pub fn delay(&self, failures: u32, retry_after: Option<Duration>, unit: f64) -> Duration {
        let exp = failures.saturating_sub(1).min(20);
        let full = self
            .base
            .saturating_mul(1u32 << exp)
            .min(self.cap)
            .max(Duration::from_millis(1));
        let unit = if unit.is_finite() {
            unit.clamp(0.0, 1.0)
        } else {
            0.5
        };
        let jittered = full.mul_f64(0.5 + unit / 2.0);
        jittered.max(retry_after.map_or(Duration::ZERO, |r| r.min(MAX_RETRY_AFTER)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_is_jittered_capped_and_honours_retry_after() {
        let b = Backoff::default();
        assert_eq!(b.delay(1, None, 0.0), Duration::from_secs(1));
        assert_eq!(b.delay(1, None, 1.0), Duration::from_secs(2));
        assert_eq!(b.delay(3, None, 1.0), Duration::from_secs(8));
        assert_eq!(b.delay(30, None, 1.0), Duration::from_mins(5));
        assert_eq!(b.delay(30, None, 0.0), Duration::from_secs(150));
        assert_eq!(
            b.delay(1, Some(Duration::from_secs(30)), 0.0),
            Duration::from_secs(30)
        );
        assert_eq!(
            b.delay(1, Some(Duration::from_secs(1 << 40)), 0.0),
            MAX_RETRY_AFTER
        );
        assert_eq!(b.delay(2, None, f64::NAN), Duration::from_secs(3));
        // Different dice, different pauses: clients do not retry in step.
        assert_ne!(b.delay(4, None, 0.1), b.delay(4, None, 0.9));
    }
}
