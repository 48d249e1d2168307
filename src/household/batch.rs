//! Verifying many members against one head: the list is cut into requests of `chunk`
//! members, at most `concurrency` requests are in flight, a rate-limited or failed
//! request is tried again after a jittered, growing pause (honouring `Retry-After`), and
//! every member ends in a final state — member, not a member, or an error with its
//! reason. Shared by the TUI's household service and `motcua household verify`.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use futures_util::StreamExt;

use super::MemberState;
use crate::api::client::{Client, ClientError, ErrorClass};
use crate::api::{HouseholdVerifyRequest, MAX_HOUSEHOLD_MEMBERS, MemberStatus, PersonRef};

/// How a batch runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Requests in flight at most.
    pub concurrency: usize,
    /// Members per request (at most [`MAX_HOUSEHOLD_MEMBERS`]).
    pub chunk: usize,
    /// Tries of one request before its members are marked as errors.
    pub max_tries: u32,
    /// The first pause after a retryable failure; it doubles each try (capped at 10 s).
    pub backoff: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            concurrency: 4,
            chunk: 10,
            max_tries: 5,
            backoff: Duration::from_millis(250),
        }
    }
}

impl Options {
    /// Clamped to what the backend accepts.
    #[must_use]
    pub fn clamped(self) -> Self {
        Self {
            concurrency: self.concurrency.clamp(1, 64),
            chunk: self.chunk.clamp(1, MAX_HOUSEHOLD_MEMBERS),
            max_tries: self.max_tries.max(1),
            backoff: self.backoff,
        }
    }
}

/// What the head and purpose are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub head: PersonRef,
    pub procedure_code: String,
    pub dossier_code: Option<String>,
}

/// The answer for one request's members.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChunkDone {
    /// Each member's final state (or `Unchecked` when the batch was cancelled first).
    pub rows: Vec<(String, MemberState)>,
    /// The backend's lookup id, when it answered.
    pub lookup_id: Option<String>,
    /// How many requests this chunk took.
    pub tries: u32,
}

impl ChunkDone {
    /// One audit record per member answered (members not started have none), each as
    /// `template` says (official, procedure, dossier) with its number and outcome.
    #[must_use]
    pub fn audits(
        &self,
        template: &crate::store::audit::LookupAudit,
    ) -> Vec<crate::store::audit::LookupAudit> {
        self.rows
            .iter()
            .filter(|(_, s)| !matches!(s, MemberState::Unchecked | MemberState::Checking))
            .map(|(id, state)| crate::store::audit::LookupAudit {
                citizen: id.clone(),
                outcome: match state {
                    MemberState::Error { reason } => format!("error:{reason}"),
                    s => s.code().to_owned(),
                },
                lookup_id: self.lookup_id.clone(),
                ..template.clone()
            })
            .collect()
    }
}

/// Error reasons are stable codes (`head_not_found`, `not_in_db`, `no_result`, `offline`,
/// `rate_limited`, `unavailable`, `sign_in`, `refused`, `failed`), with the server's
/// message after a colon for the last two; the screens word them.
fn reason_of(e: &ClientError) -> String {
    use crate::api::ErrorCode;
    let detail = crate::text::sanitize(&e.detail()).0;
    match (e.class(), e.code()) {
        (ErrorClass::Offline, _) => "offline".into(),
        (ErrorClass::NeedsSignIn, _) => "sign_in".into(),
        (_, Some(ErrorCode::RateLimited)) => "rate_limited".into(),
        (_, Some(ErrorCode::UpstreamUnavailable)) => "unavailable".into(),
        (ErrorClass::Permanent, _) => format!("refused:{detail}"),
        _ => format!("failed:{detail}"),
    }
}

/// The pause before try `n + 1` (n ≥ 1): the server's `Retry-After` when it gave one,
/// else `backoff · 2^(n-1)` capped at 10 s; plus up to a quarter of it at random.
fn pause(opts: &Options, e: &ClientError, n: u32, seed: u64) -> Duration {
    let base = e.retry_after().unwrap_or_else(|| {
        opts.backoff
            .saturating_mul(1 << (n - 1).min(10))
            .min(Duration::from_secs(10))
    });
    let mut rng = crate::rng::SplitMix64(seed ^ u64::from(n).wrapping_mul(0x9e37_79b9));
    let quarter = u64::try_from(base.as_millis() / 4).unwrap_or(0);
    base + Duration::from_millis(rng.next_u64() % (quarter + 1))
}

async fn verify_chunk(
    client: &Client,
    job: &Job,
    ids: Vec<String>,
    opts: Options,
    cancel: &AtomicBool,
    seed: u64,
) -> ChunkDone {
    let req = HouseholdVerifyRequest {
        head: job.head.clone(),
        members: ids
            .iter()
            .map(|id| PersonRef {
                id_number: id.clone(),
                full_name: None,
                birth_date: None,
            })
            .collect(),
        procedure_code: job.procedure_code.clone(),
        dossier_code: job.dossier_code.clone(),
    };
    let mut tries = 0;
    loop {
        if cancel.load(Ordering::Relaxed) {
            return ChunkDone {
                rows: ids
                    .into_iter()
                    .map(|id| (id, MemberState::Unchecked))
                    .collect(),
                lookup_id: None,
                tries,
            };
        }
        tries += 1;
        match client.verify_members(&req).await {
            Ok(resp) => {
                let rows = ids
                    .into_iter()
                    .map(|id| {
                        let state = match resp.results.iter().find(|r| r.id_number == id) {
                            Some(r) => match r.status {
                                MemberStatus::Member => MemberState::Member {
                                    relation: crate::text::sanitize(
                                        r.relation.as_deref().unwrap_or(""),
                                    )
                                    .0,
                                },
                                MemberStatus::NotMember => MemberState::NotMember,
                                MemberStatus::Unknown if !resp.head_found => MemberState::Error {
                                    reason: "head_not_found".into(),
                                },
                                MemberStatus::Unknown => MemberState::Error {
                                    reason: "not_in_db".into(),
                                },
                            },
                            None => MemberState::Error {
                                reason: "no_result".into(),
                            },
                        };
                        (id, state)
                    })
                    .collect();
                return ChunkDone {
                    rows,
                    lookup_id: Some(resp.lookup_id),
                    tries,
                };
            }
            Err(e) => {
                let again = matches!(e.class(), ErrorClass::Retryable | ErrorClass::Offline)
                    && tries < opts.max_tries;
                if again {
                    tokio::time::sleep(pause(&opts, &e, tries, seed)).await;
                    continue;
                }
                let reason = reason_of(&e);
                return ChunkDone {
                    rows: ids
                        .into_iter()
                        .map(|id| {
                            (
                                id,
                                MemberState::Error {
                                    reason: reason.clone(),
                                },
                            )
                        })
                        .collect(),
                    lookup_id: None,
                    tries,
                };
            }
        }
    }
}

/// Verifies `ids` against the job's head; `on_chunk` gets each request's answers as they
/// arrive (in completion order). Stops starting requests once `cancel` is set; members
/// not started then come back `Unchecked`.
pub async fn run(
    client: Arc<Client>,
    job: Arc<Job>,
    ids: Vec<String>,
    opts: Options,
    cancel: Arc<AtomicBool>,
    mut on_chunk: impl FnMut(ChunkDone),
) {
    let opts = opts.clamped();
    let chunks: Vec<Vec<String>> = ids.chunks(opts.chunk).map(<[String]>::to_vec).collect();
    let mut stream = futures_util::stream::iter(chunks.into_iter().enumerate())
        .map(|(i, chunk)| {
            let (client, job, cancel) = (client.clone(), job.clone(), cancel.clone());
            async move { verify_chunk(&client, &job, chunk, opts, &cancel, i as u64 + 1).await }
        })
        .buffer_unordered(opts.concurrency);
    while let Some(done) = stream.next().await {
        on_chunk(done);
    }
}
