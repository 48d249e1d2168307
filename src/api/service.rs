//! The backend service: runs API calls as tasks off the render loop and answers with
//! typed events carrying a `Result`. The app never awaits a call itself.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::api::Official;
use crate::api::ProcedureChange;
use crate::api::client::{Client, ClientError};

/// Largest page asked of the catalogue feed.
pub const FEED_PAGE: usize = 500;

/// A call for the backend service. `req` ties the answer to the request.
#[derive(Clone, PartialEq, Eq)]
pub enum BackendCmd {
    SignIn {
        req: u64,
        username: String,
        password: String,
    },
    /// Check the signed-in official's password against the keyring (the lock screen);
    /// answered as `PasswordChecked`. No network.
    CheckPassword {
        req: u64,
        username: String,
        password: String,
    },
    /// Pull the catalogue feed from `cursor` to its end.
    SyncCatalogue { req: u64, cursor: String },
    /// Reserve a block of dossier codes for the official's unit and today.
    ReserveCodes { count: u32 },
    /// Fetch the backend's holiday table.
    Holidays,
    /// Compare this machine's clock with the backend's (`/v1/time`).
    ServerTime,
    /// A population-database call (a lookup or a quick check).
    Check { req: u64, call: CheckCall },
    /// Verify household members in a batch; answers come as `HouseholdChunk`s, then
    /// `HouseholdDone`.
    Household {
        req: u64,
        job: crate::household::batch::Job,
        ids: Vec<String>,
        opts: crate::household::batch::Options,
    },
    /// Stop starting requests of a household batch (those in flight finish).
    CancelHousehold { req: u64 },
}

/// A call to the population database through the backend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckCall {
    Lookup(crate::api::LookupRequest),
    Verify(crate::api::VerifyRequest),
    DigitalIdentity(crate::api::DigitalIdentityRequest),
}

/// Its answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckAnswer {
    Lookup(Box<crate::api::LookupResponse>),
    Verify(crate::api::VerifyResponse),
    DigitalIdentity(crate::api::DigitalIdentityResponse),
}

/// Runs one population-database call.
pub async fn run_check(client: &Client, call: &CheckCall) -> Result<CheckAnswer, ClientError> {
    Ok(match call {
        CheckCall::Lookup(r) => CheckAnswer::Lookup(Box::new(client.lookup(r).await?)),
        CheckCall::Verify(r) => CheckAnswer::Verify(client.verify(r).await?),
        CheckCall::DigitalIdentity(r) => {
            CheckAnswer::DigitalIdentity(client.digital_identity(r).await?)
        }
    })
}

impl std::fmt::Debug for BackendCmd {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the password.
        match self {
            BackendCmd::SignIn { req, username, .. } => f
                .debug_struct("SignIn")
                .field("req", req)
                .field("username", username)
                .finish_non_exhaustive(),
            BackendCmd::CheckPassword { req, username, .. } => f
                .debug_struct("CheckPassword")
                .field("req", req)
                .field("username", username)
                .finish_non_exhaustive(),
            BackendCmd::SyncCatalogue { req, cursor } => f
                .debug_struct("SyncCatalogue")
                .field("req", req)
                .field("cursor", cursor)
                .finish(),
            BackendCmd::ReserveCodes { count } => f
                .debug_struct("ReserveCodes")
                .field("count", count)
                .finish(),
            BackendCmd::Holidays => f.write_str("Holidays"),
            BackendCmd::ServerTime => f.write_str("ServerTime"),
            BackendCmd::Check { req, call } => f
                .debug_struct("Check")
                .field("req", req)
                .field("call", call)
                .finish(),
            BackendCmd::Household { req, ids, opts, .. } => f
                .debug_struct("Household")
                .field("req", req)
                .field("members", &ids.len())
                .field("opts", opts)
                .finish_non_exhaustive(),
            BackendCmd::CancelHousehold { req } => {
                f.debug_struct("CancelHousehold").field("req", req).finish()
            }
        }
    }
}

/// The changes pulled from the catalogue feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogueFeed {
    pub changes: Vec<ProcedureChange>,
    pub cursor: String,
    pub version: u64,
}

/// What the backend service answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BackendEvent {
    SignedIn {
        req: u64,
        result: Result<Official, ClientError>,
        /// The store key, when the service has a keyring (the app's; not the CLI's).
        key: Option<crate::vault::StoreKey>,
        /// Signed in with the keyring: the backend could not be reached.
        offline: bool,
    },
    /// The lock screen's password check: `Err` holds the reason, for the official.
    PasswordChecked {
        req: u64,
        result: Result<(), String>,
    },
    CatalogueFeed {
        req: u64,
        result: Result<CatalogueFeed, ClientError>,
    },
    CodesReserved(Result<crate::api::ReservationResponse, ClientError>),
    Holidays(Result<crate::api::HolidayTable, ClientError>),
    Checked {
        req: u64,
        result: Result<CheckAnswer, ClientError>,
    },
    /// One request's answers of a household batch.
    HouseholdChunk {
        req: u64,
        chunk: crate::household::batch::ChunkDone,
    },
    /// The household batch is over (done or cancelled).
    HouseholdDone {
        req: u64,
    },
    /// The backend's clock minus this machine's, in seconds (measured at the middle of
    /// the call).
    ClockOffset(Result<i64, ClientError>),
}

/// The handle the runtime keeps. Calls run as tasks on the current tokio runtime.
#[derive(Clone)]
pub struct BackendService {
    client: Arc<Client>,
    reply: Arc<dyn Fn(BackendEvent) + Send + Sync>,
    /// The cancel switches of household batches running.
    batches: Arc<std::sync::Mutex<std::collections::HashMap<u64, Arc<AtomicBool>>>>,
    /// The keyring: sign-ins also unlock the store, and the lock screen checks here.
    vault: Option<Arc<crate::vault::VaultOptions>>,
}

impl std::fmt::Debug for BackendService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BackendService")
            .field("client", &self.client)
            .finish_non_exhaustive()
    }
}

impl BackendService {
    pub fn new(client: Arc<Client>, reply: impl Fn(BackendEvent) + Send + Sync + 'static) -> Self {
        Self {
            client,
            reply: Arc::new(reply),
            batches: Arc::default(),
            vault: None,
        }
    }

    /// Sign-ins also unlock the store with this keyring.
    #[must_use]
    pub fn with_vault(mut self, vault: crate::vault::VaultOptions) -> Self {
        self.vault = Some(Arc::new(vault));
        self
    }

    pub fn client(&self) -> &Arc<Client> {
        &self.client
    }

    /// Starts a call; its answer arrives through `reply`.
    pub fn send(&self, cmd: BackendCmd) {
        let client = self.client.clone();
        let reply = self.reply.clone();
        let vault = self.vault.clone();
        let cmd = match cmd {
            BackendCmd::Household {
                req,
                job,
                ids,
                opts,
            } => {
                let cancel = Arc::new(AtomicBool::new(false));
                if let Ok(mut b) = self.batches.lock() {
                    b.insert(req, cancel.clone());
                }
                let batches = self.batches.clone();
                tokio::spawn(async move {
                    let each = reply.clone();
                    crate::household::batch::run(
                        client,
                        Arc::new(job),
                        ids,
                        opts,
                        cancel,
                        |chunk| {
                            each(BackendEvent::HouseholdChunk { req, chunk });
                        },
                    )
                    .await;
                    if let Ok(mut b) = batches.lock() {
                        b.remove(&req);
                    }
                    reply(BackendEvent::HouseholdDone { req });
                });
                return;
            }
            BackendCmd::CancelHousehold { req } => {
                if let Ok(b) = self.batches.lock()
                    && let Some(flag) = b.get(&req)
                {
                    flag.store(true, Ordering::Relaxed);
                }
                return;
            }
            other => other,
        };
        tokio::spawn(async move {
            let event = match cmd {
                BackendCmd::SignIn {
                    req,
                    username,
                    password,
                } => {
                    let password = zeroize::Zeroizing::new(password);
                    let (result, key, offline) = match &vault {
                        Some(v) => {
                            match crate::vault::sign_in(&client, v, &username, &password).await {
                                Ok(u) => (Ok(u.official), Some(u.key), u.offline),
                                Err(e) => (Err(e), None, false),
                            }
                        }
                        None => (client.sign_in(&username, &password).await, None, false),
                    };
                    drop(password);
                    if let Err(e) = &result {
                        tracing::warn!(class = ?e.class(), "sign-in failed: {e}");
                    }
                    BackendEvent::SignedIn {
                        req,
                        result,
                        key,
                        offline,
                    }
                }
                BackendCmd::CheckPassword {
                    req,
                    username,
                    password,
                } => {
                    let password = zeroize::Zeroizing::new(password);
                    let result = match vault {
                        None => Err("no keyring".to_owned()),
                        Some(v) => tokio::task::spawn_blocking(move || {
                            crate::vault::check_password(&v, &username, &password)
                                .map_err(|e| e.to_string())
                        })
                        .await
                        .unwrap_or_else(|e| Err(e.to_string())),
                    };
                    BackendEvent::PasswordChecked { req, result }
                }
                BackendCmd::SyncCatalogue { req, cursor } => BackendEvent::CatalogueFeed {
                    req,
                    result: pull_catalogue(&client, cursor).await,
                },
                BackendCmd::ReserveCodes { count } => {
                    BackendEvent::CodesReserved(client.reserve_codes(count).await)
                }
                BackendCmd::Holidays => BackendEvent::Holidays(client.holidays().await),
                BackendCmd::ServerTime => {
                    let before = jiff::Timestamp::now();
                    let answer = client.time().await;
                    let after = jiff::Timestamp::now();
                    BackendEvent::ClockOffset(answer.map(|t| {
                        let middle = i64::midpoint(before.as_millisecond(), after.as_millisecond());
                        (t.unix_ms - middle) / 1000
                    }))
                }
                BackendCmd::Check { req, call } => BackendEvent::Checked {
                    req,
                    result: run_check(&client, &call).await,
                },
                BackendCmd::Household { req, .. } | BackendCmd::CancelHousehold { req } => {
                    BackendEvent::HouseholdDone { req }
                }
            };
            reply(event);
        });
    }
}

/// Pulls every page of the catalogue feed after `cursor`.
pub async fn pull_catalogue(
    client: &Client,
    mut cursor: String,
) -> Result<CatalogueFeed, ClientError> {
    let mut changes = Vec::new();
    loop {
        let page = client.procedures(&cursor, FEED_PAGE).await?;
        changes.extend(page.items);
        cursor = page.next_cursor;
        if !page.has_more {
            return Ok(CatalogueFeed {
                changes,
                cursor,
                version: page.catalogue_version,
            });
        }
    }
}
