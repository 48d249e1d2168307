//! The store key of a store the `motcua` binary made, for tests that look inside it:
//! the device id from the store's keyring, the key from the backend's own database
//! (where the backend keeps each device's key).
#![allow(dead_code)]

use std::path::Path;
use std::time::Duration;

use motcua::vault::{KEY_LEN, KEYRING_FILE, Keyring, StoreKey};

/// The key a library-made test store is opened with.
pub fn test_key() -> StoreKey {
    StoreKey::from_bytes([9; KEY_LEN])
}

/// The key of the store at `store` (its keyring beside it), as kept by the backend whose
/// data folder is `backend_dir`.
pub fn store_key(store: &Path, backend_dir: &Path) -> StoreKey {
    let keyring = store.parent().unwrap().join(KEYRING_FILE);
    let ring = Keyring::load(&keyring, jiff::Timestamp::now()).unwrap();
    let db = rusqlite::Connection::open_with_flags(
        backend_dir.join("backend.db"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .unwrap();
    let key: Vec<u8> = db
        .query_row(
            "SELECT key FROM device_key WHERE device_id = ?1",
            [ring.device_id()],
            |r| r.get(0),
        )
        .unwrap();
    StoreKey::from_bytes(key.try_into().unwrap())
}

/// The demo's store and key in a motcua home made by the tests (`{home}/data/demo`).
pub fn demo_store(data_dir: &Path) -> (std::path::PathBuf, StoreKey) {
    let store = data_dir.join("demo").join("motcua.db");
    let key = store_key(&store, &data_dir.join("demo-backend"));
    (store, key)
}

/// A raw connection to an encrypted store, for what the store's API does not show.
pub fn open_db(store: &Path, key: &StoreKey) -> rusqlite::Connection {
    motcua::store::open_keyed(store, Duration::from_secs(10), Some(key))
        .unwrap_or_else(|e| panic!("{}: {e}", store.display()))
}
