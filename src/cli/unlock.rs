//! Opening the encrypted local store from the command line: the official signs in (the
//! embedded demo's signs in by itself; `--user` names one of a configured backend, whose
//! password is read from standard input), which gives the store key — from the backend,
//! or from the keyring when the backend cannot be reached (see `crate::vault`).

use std::sync::Arc;
use std::time::Duration;

use super::{Failure, connect_backend, connect_demo};
use crate::api::Official;
use crate::api::client::{Client, ClientError};
use crate::config::Config;
use crate::paths::Paths;
use crate::store::Store;

/// A signed-in official with the store open.
pub(super) struct Opened {
    /// Keeps the embedded demo server running.
    pub backend: crate::app::runtime::Backend,
    pub client: Arc<Client>,
    pub official: Official,
    /// Why the backend was not used, when the keyring signed the official in.
    pub offline: Option<ClientError>,
    pub store: Store,
}

/// A current-thread runtime for the command's calls.
pub(super) fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::runtime(e.to_string()))
}

/// Signs in and opens the store of the configured backend (the demo's when none).
pub(super) fn open(
    paths: &Paths,
    config: &Config,
    user: Option<&String>,
    rt: &tokio::runtime::Runtime,
) -> Result<Opened, Failure> {
    let (backend, _, profile) = connect_backend(paths, config)?;
    open_with(paths, config, backend, &profile, user, rt)
}

/// Signs the demo official in and opens the demo's store, whatever backend is
/// configured (`catalogue import` fills the demo's catalogue).
pub(super) fn open_demo(
    paths: &Paths,
    config: &Config,
    rt: &tokio::runtime::Runtime,
) -> Result<Opened, Failure> {
    let (backend, _, profile) = connect_demo(paths, config)?;
    open_with(paths, config, backend, &profile, None, rt)
}

fn open_with(
    paths: &Paths,
    config: &Config,
    backend: crate::app::runtime::Backend,
    profile: &str,
    user: Option<&String>,
    rt: &tokio::runtime::Runtime,
) -> Result<Opened, Failure> {
    let lang = config.ui.lang;
    let credentials = match (&backend.auto_sign_in, user) {
        (Some(c), _) => c.clone(),
        (None, Some(user)) => (user.clone(), super::population::read_password(lang)?),
        (None, None) => return Err(Failure::usage(lang.t("cli.lookup_needs_user").to_owned())),
    };
    let credentials = (credentials.0, zeroize::Zeroizing::new(credentials.1));
    let store_path = paths.store_file(profile);
    let vault = crate::vault::VaultOptions {
        keyring: crate::vault::keyring_for(&store_path),
        offline_for: backend.offline_for,
    };
    let client = backend.client.clone();
    let unlocked = rt
        .block_on(crate::vault::sign_in(
            &client,
            &vault,
            &credentials.0,
            &credentials.1,
        ))
        .map_err(|e| Failure::runtime(lang.f("cli.sign_in_failed", &[("error", &e)])))?;
    drop(credentials);
    let store = Store::open(
        &store_path,
        &unlocked.key,
        Duration::from_millis(config.store.busy_timeout_ms),
    )
    .map_err(|e| Failure::runtime(lang.f("cli.store_error", &[("error", &e)])))?;
    let offline = unlocked
        .offline
        .then(|| ClientError::Offline(lang.t("cli.signed_in_offline").to_owned()));
    Ok(Opened {
        backend,
        client,
        official: unlocked.official,
        offline,
        store,
    })
}
