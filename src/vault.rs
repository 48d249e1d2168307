//! The store key and the keyring that lets an official open the store offline.
//!
//! The local store is encrypted (SQLCipher) with one random 256-bit **device key**. The
//! backend keeps that key for this device (`POST /v1/devices/key`) and releases it to any
//! official signed in online. The app then remembers it in `keyring.json`, next to the
//! store, **wrapped for each official**: AES-256-GCM under a key derived from the
//! official's password by Argon2id, with the time of that online sign-in. Later, with the
//! backend out of reach, the same official opens the store with their password alone,
//! for `[security] offline_days` after that sign-in; the lock screen checks the password
//! the same way. The key itself is never written anywhere in the clear, never put in
//! argv, the environment or a log, and is wiped from memory when dropped.

use std::path::Path;
use std::time::Duration;

use aws_lc_rs::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::api::Official;

/// Bytes in a store key.
pub const KEY_LEN: usize = 32;
/// The keyring's file name, in the store's folder.
pub const KEYRING_FILE: &str = "keyring.json";
/// A keyring larger than this is not a keyring.
const MAX_KEYRING_BYTES: u64 = 1024 * 1024;
/// Bytes of Argon2id salt.
const SALT_LEN: usize = 16;

/// A store key: 32 random bytes, wiped on drop, never printed.
#[derive(Clone)]
pub struct StoreKey(Zeroizing<[u8; KEY_LEN]>);

impl PartialEq for StoreKey {
    fn eq(&self, other: &Self) -> bool {
        // Constant time: compared keys are secrets.
        self.0
            .iter()
            .zip(other.0.iter())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
    }
}

impl Eq for StoreKey {}

impl std::fmt::Debug for StoreKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StoreKey(…)")
    }
}

impl StoreKey {
    /// A key from its bytes (as the backend releases it, or a test's).
    #[must_use]
    pub fn from_bytes(bytes: [u8; KEY_LEN]) -> Self {
        Self(Zeroizing::new(bytes))
    }

    /// A new random key.
    pub fn random() -> Result<Self, VaultError> {
        let mut k = Zeroizing::new([0u8; KEY_LEN]);
        getrandom::fill(k.as_mut()).map_err(|e| VaultError::Random(e.to_string()))?;
        Ok(Self(k))
    }

    /// A key from 64 hex digits (the wire form); `None` for anything else.
    #[must_use]
    pub fn from_hex(hex: &str) -> Option<Self> {
        let bytes = hex.as_bytes();
        if bytes.len() != KEY_LEN * 2 {
            return None;
        }
        let mut k = Zeroizing::new([0u8; KEY_LEN]);
        for (i, pair) in bytes.chunks_exact(2).enumerate() {
            let hi = char::from(pair[0]).to_digit(16)?;
            let lo = char::from(pair[1]).to_digit(16)?;
            k[i] = u8::try_from(hi * 16 + lo).ok()?;
        }
        Some(Self(k))
    }

    /// The key as 64 lower-case hex digits (the wire form), wiped on drop.
    #[must_use]
    pub fn to_hex(&self) -> Zeroizing<String> {
        Zeroizing::new(crate::api::hex(self.0.as_ref()))
    }

    /// The value SQLCipher's `PRAGMA key` takes for a raw key: `x'…'` (no key derivation).
    #[must_use]
    pub fn sqlcipher_value(&self) -> Zeroizing<String> {
        let hex = self.to_hex();
        Zeroizing::new(format!("x'{}'", hex.as_str()))
    }

    fn bytes(&self) -> &[u8; KEY_LEN] {
        &self.0
    }
}

/// Why the keyring could not give a key.
#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    #[error("không đọc được tệp khóa {path}: {detail} / cannot read the keyring")]
    Unreadable { path: String, detail: String },
    #[error("không ghi được tệp khóa {path}: {detail} / cannot write the keyring")]
    Write { path: String, detail: String },
    #[error(
        "cán bộ {0} chưa từng đăng nhập trực tuyến trên máy này — cần kết nối máy chủ để đăng nhập lần đầu / this official has never signed in online on this machine"
    )]
    Unknown(String),
    #[error(
        "lần đăng nhập trực tuyến gần nhất của {user} đã quá {days} ngày — cần kết nối máy chủ / the last online sign-in is older than {days} days"
    )]
    Expired { user: String, days: u64 },
    #[error("sai mật khẩu / wrong password")]
    WrongPassword,
    #[error("không tạo được số ngẫu nhiên: {0} / no randomness")]
    Random(String),
    #[error("lỗi mã hóa: {0} / crypto failure")]
    Crypto(String),
}

/// Argon2id settings of one wrap (kept so that stronger defaults later still open
/// older wraps).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct Kdf {
    m_kib: u32,
    t_cost: u32,
    p_cost: u32,
}

impl Kdf {
    /// OWASP's minimum for Argon2id: 19 MiB, 2 passes, 1 lane.
    const DEFAULT: Kdf = Kdf {
        m_kib: 19 * 1024,
        t_cost: 2,
        p_cost: 1,
    };

    /// Refuses settings a tampered keyring could use to exhaust memory or time.
    fn sane(self) -> bool {
        (8..=1024 * 1024).contains(&self.m_kib)
            && (1..=16).contains(&self.t_cost)
            && (1..=8).contains(&self.p_cost)
    }

    fn derive(self, password: &str, salt: &[u8]) -> Result<Zeroizing<[u8; KEY_LEN]>, VaultError> {
        if !self.sane() {
            return Err(VaultError::Crypto("Argon2id settings out of range".into()));
        }
        let params = argon2::Params::new(self.m_kib, self.t_cost, self.p_cost, Some(KEY_LEN))
            .map_err(|e| VaultError::Crypto(e.to_string()))?;
        let argon =
            argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
        let mut out = Zeroizing::new([0u8; KEY_LEN]);
        argon
            .hash_password_into(password.as_bytes(), salt, out.as_mut())
            .map_err(|e| VaultError::Crypto(e.to_string()))?;
        Ok(out)
    }
}

/// One official's wrap of the device key.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Wrap {
    username: String,
    full_name: String,
    unit_code: String,
    kdf: Kdf,
    salt: String,
    nonce: String,
    /// The device key sealed with AES-256-GCM (ciphertext and tag), hex.
    wrapped: String,
    /// When the official last signed in online (Unix seconds).
    online_at: i64,
}

/// `keyring.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Keyring {
    version: u32,
    /// This installation's id, which the backend keeps the device key under.
    device_id: String,
    officials: Vec<Wrap>,
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    s.as_bytes()
        .chunks_exact(2)
        .map(|p| {
            let hi = char::from(p[0]).to_digit(16)?;
            let lo = char::from(p[1]).to_digit(16)?;
            u8::try_from(hi * 16 + lo).ok()
        })
        .collect()
}

/// What the seal is bound to: the format, the device and the official, so a wrap
/// copied to another official's entry or another device does not open.
fn aad(device_id: &str, username: &str) -> Vec<u8> {
    format!("motcua keyring v1\n{device_id}\n{username}").into_bytes()
}

impl Keyring {
    /// A new keyring for a new device id.
    pub fn new(now: jiff::Timestamp) -> Self {
        Self {
            version: 1,
            device_id: crate::ids::new_uuid_v7(now),
            officials: Vec::new(),
        }
    }

    /// Reads `path`; a missing file gives a new keyring (saved by [`Keyring::save`]).
    pub fn load(path: &Path, now: jiff::Timestamp) -> Result<Self, VaultError> {
        let unreadable = |detail: String| VaultError::Unreadable {
            path: path.display().to_string(),
            detail,
        };
        let file = match std::fs::File::open(path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Self::new(now)),
            Err(e) => return Err(unreadable(e.to_string())),
        };
        let mut text = String::new();
        std::io::Read::read_to_string(
            &mut std::io::Read::take(file, MAX_KEYRING_BYTES + 1),
            &mut text,
        )
        .map_err(|e| unreadable(e.to_string()))?;
        if text.len() as u64 > MAX_KEYRING_BYTES {
            return Err(unreadable("too large".into()));
        }
        let ring: Keyring = serde_json::from_str(&text).map_err(|e| unreadable(e.to_string()))?;
        if ring.version != 1 || !crate::ids::is_uuid(&ring.device_id) {
            return Err(unreadable("unknown version or device id".into()));
        }
        Ok(ring)
    }

    /// Writes the keyring atomically (a temporary file renamed over the old), 0600.
    pub fn save(&self, path: &Path) -> Result<(), VaultError> {
        let failed = |detail: String| VaultError::Write {
            path: path.display().to_string(),
            detail,
        };
        if let Some(dir) = path.parent() {
            crate::hardening::private_dir(dir).map_err(|e| failed(e.to_string()))?;
        }
        let text = serde_json::to_vec_pretty(self).map_err(|e| failed(e.to_string()))?;
        let mut tmp = path.as_os_str().to_owned();
        tmp.push(".tmp");
        let tmp = std::path::PathBuf::from(tmp);
        let write = || -> std::io::Result<()> {
            let mut f = std::fs::File::create(&tmp)?;
            std::io::Write::write_all(&mut f, &text)?;
            f.sync_all()?;
            crate::hardening::private_file(&tmp)?;
            std::fs::rename(&tmp, path)?;
            if let Some(dir) = path.parent() {
                std::fs::File::open(dir)?.sync_all()?;
            }
            Ok(())
        };
        write().map_err(|e| failed(e.to_string()))
    }

    /// The id the backend keeps this device's key under.
    #[must_use]
    pub fn device_id(&self) -> &str {
        &self.device_id
    }

    /// Whether `username` has a wrap here.
    #[must_use]
    pub fn knows(&self, username: &str) -> bool {
        self.officials.iter().any(|w| w.username == username)
    }

    /// Wraps `key` for `official` under `password` (a fresh salt and nonce), recording
    /// `online_at` as their last online sign-in; replaces their older wrap.
    pub fn remember(
        &mut self,
        official: &Official,
        password: &str,
        key: &StoreKey,
        online_at: jiff::Timestamp,
    ) -> Result<(), VaultError> {
        let mut salt = [0u8; SALT_LEN];
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut salt).map_err(|e| VaultError::Random(e.to_string()))?;
        getrandom::fill(&mut nonce).map_err(|e| VaultError::Random(e.to_string()))?;
        let kdf = Kdf::DEFAULT;
        let kek = kdf.derive(password, &salt)?;
        let sealer = LessSafeKey::new(
            UnboundKey::new(&AES_256_GCM, kek.as_ref())
                .map_err(|e| VaultError::Crypto(e.to_string()))?,
        );
        let mut data = Zeroizing::new(key.bytes().to_vec());
        sealer
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(aad(&self.device_id, &official.username)),
                &mut *data,
            )
            .map_err(|e| VaultError::Crypto(e.to_string()))?;
        let wrap = Wrap {
            username: official.username.clone(),
            full_name: official.full_name.clone(),
            unit_code: official.unit_code.clone(),
            kdf,
            salt: crate::api::hex(&salt),
            nonce: crate::api::hex(&nonce),
            wrapped: crate::api::hex(&data),
            online_at: online_at.as_second(),
        };
        self.officials.retain(|w| w.username != official.username);
        self.officials.push(wrap);
        Ok(())
    }

    /// Opens `username`'s wrap with `password`: the device key and who they are. With
    /// `max_age`, refuses a wrap whose online sign-in is older than that at `now`.
    pub fn unlock(
        &self,
        username: &str,
        password: &str,
        now: jiff::Timestamp,
        max_age: Option<Duration>,
    ) -> Result<(StoreKey, Official), VaultError> {
        let wrap = self
            .officials
            .iter()
            .find(|w| w.username == username)
            .ok_or_else(|| VaultError::Unknown(username.to_owned()))?;
        if let Some(max) = max_age {
            let age = now.as_second().saturating_sub(wrap.online_at);
            if u64::try_from(age).unwrap_or(0) > max.as_secs() {
                return Err(VaultError::Expired {
                    user: username.to_owned(),
                    days: max.as_secs() / 86_400,
                });
            }
        }
        let bad = || VaultError::Unreadable {
            path: KEYRING_FILE.into(),
            detail: format!("the entry of {username} is damaged"),
        };
        let salt = unhex(&wrap.salt).ok_or_else(bad)?;
        let nonce: [u8; NONCE_LEN] = unhex(&wrap.nonce)
            .and_then(|n| n.try_into().ok())
            .ok_or_else(bad)?;
        let mut data = Zeroizing::new(unhex(&wrap.wrapped).ok_or_else(bad)?);
        let kek = wrap.kdf.derive(password, &salt)?;
        let opener = LessSafeKey::new(
            UnboundKey::new(&AES_256_GCM, kek.as_ref())
                .map_err(|e| VaultError::Crypto(e.to_string()))?,
        );
        let plain = opener
            .open_in_place(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(aad(&self.device_id, username)),
                &mut data,
            )
            .map_err(|_| VaultError::WrongPassword)?;
        let bytes: [u8; KEY_LEN] = plain.try_into().map_err(|_| bad())?;
        let key = StoreKey::from_bytes(bytes);
        Ok((
            key,
            Official {
                username: wrap.username.clone(),
                full_name: wrap.full_name.clone(),
                unit_code: wrap.unit_code.clone(),
            },
        ))
    }
}

/// The keyring of the store at `store`: beside it.
#[must_use]
pub fn keyring_for(store: &Path) -> std::path::PathBuf {
    store
        .parent()
        .map_or_else(|| KEYRING_FILE.into(), |d| d.join(KEYRING_FILE))
}

/// Where the keyring lives and how long offline work may go on after an online
/// sign-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VaultOptions {
    pub keyring: std::path::PathBuf,
    pub offline_for: Duration,
}

/// A signed-in official and the store key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unlocked {
    pub official: Official,
    pub key: StoreKey,
    /// Signed in with the keyring because the backend could not be reached.
    pub offline: bool,
}

/// A keyring failure as the client reports failures.
fn as_client_error(e: &VaultError) -> crate::api::client::ClientError {
    use crate::api::client::ClientError;
    let api = |code| crate::api::ApiError {
        code,
        message: e.to_string(),
        retryable: false,
        fields: Vec::new(),
    };
    match e {
        VaultError::WrongPassword => {
            ClientError::NeedsSignIn(api(crate::api::ErrorCode::Unauthenticated))
        }
        VaultError::Unknown(_) | VaultError::Expired { .. } => ClientError::Offline(e.to_string()),
        _ => ClientError::Permanent(api(crate::api::ErrorCode::Internal)),
    }
}

/// Runs keyring work (file I/O and Argon2id) off the async runtime's thread.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, VaultError> + Send + 'static,
) -> Result<T, crate::api::client::ClientError> {
    match tokio::task::spawn_blocking(f).await {
        Ok(r) => r.map_err(|e| as_client_error(&e)),
        Err(e) => Err(as_client_error(&VaultError::Crypto(e.to_string()))),
    }
}

/// Signs `username` in and gets the store key: online, from the backend (and the
/// keyring then remembers it for this official); with the backend out of reach, from
/// the keyring, if the official signed in online here within `offline_for`.
pub async fn sign_in(
    client: &crate::api::client::Client,
    opts: &VaultOptions,
    username: &str,
    password: &str,
) -> Result<Unlocked, crate::api::client::ClientError> {
    use crate::api::client::ErrorClass;
    let password = Zeroizing::new(password.to_owned());
    match client.sign_in(username, &password).await {
        Ok(official) => {
            let path = opts.keyring.clone();
            let ring = blocking(move || Keyring::load(&path, jiff::Timestamp::now())).await?;
            let key = client.device_key(ring.device_id()).await?;
            let path = opts.keyring.clone();
            let (who, k) = (official.clone(), key.clone());
            // The device id must be on disk before the key encrypts anything: a new id
            // would get a new key, and the store would not open again.
            blocking(move || {
                let mut ring = ring;
                ring.remember(&who, &password, &k, jiff::Timestamp::now())?;
                ring.save(&path)
            })
            .await?;
            Ok(Unlocked {
                official,
                key,
                offline: false,
            })
        }
        Err(e) if e.class() == ErrorClass::Offline => {
            let path = opts.keyring.clone();
            let user = username.to_owned();
            let max = opts.offline_for;
            let unlocked = blocking(move || {
                let now = jiff::Timestamp::now();
                Keyring::load(&path, now)?.unlock(&user, &password, now, Some(max))
            })
            .await;
            match unlocked {
                Ok((key, official)) => Ok(Unlocked {
                    official,
                    key,
                    offline: true,
                }),
                Err(crate::api::client::ClientError::Offline(why)) => Err(
                    crate::api::client::ClientError::Offline(format!("{e}; {why}")),
                ),
                Err(other) => Err(other),
            }
        }
        Err(e) => Err(e),
    }
}

/// Checks `username`'s password against the keyring (the lock screen): no network.
pub fn check_password(
    opts: &VaultOptions,
    username: &str,
    password: &str,
) -> Result<(), VaultError> {
    let now = jiff::Timestamp::now();
    Keyring::load(&opts.keyring, now)?
        .unlock(username, password, now, None)
        .map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn official(name: &str) -> Official {
        Official {
            username: name.into(),
            full_name: "Nguyễn Văn Cán Bộ".into(),
            unit_code: "000.00.92.H55".into(),
        }
    }

    fn at(s: &str) -> jiff::Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn a_wrap_opens_with_its_password_only() {
        let now = at("2026-11-24T02:00:00Z");
        let mut ring = Keyring::new(now);
        let key = StoreKey::random().unwrap();
        ring.remember(&official("canbo1"), "mật khẩu đúng", &key, now)
            .unwrap();
        let (got, who) = ring.unlock("canbo1", "mật khẩu đúng", now, None).unwrap();
        assert_eq!(got.bytes(), key.bytes());
        assert_eq!(who.full_name, "Nguyễn Văn Cán Bộ");
        assert!(matches!(
            ring.unlock("canbo1", "mật khẩu sai", now, None),
            Err(VaultError::WrongPassword)
        ));
        assert!(matches!(
            ring.unlock("canbo2", "mật khẩu đúng", now, None),
            Err(VaultError::Unknown(_))
        ));
    }

    #[test]
    fn offline_use_ends_after_the_configured_period() {
        let signed = at("2026-11-01T02:00:00Z");
        let mut ring = Keyring::new(signed);
        let key = StoreKey::random().unwrap();
        ring.remember(&official("canbo1"), "pw-12345678", &key, signed)
            .unwrap();
        let week = Some(Duration::from_hours(7 * 24));
        assert!(
            ring.unlock("canbo1", "pw-12345678", at("2026-11-08T01:00:00Z"), week)
                .is_ok()
        );
        assert!(matches!(
            ring.unlock("canbo1", "pw-12345678", at("2026-11-08T03:00:00Z"), week),
            Err(VaultError::Expired { days: 7, .. })
        ));
    }

    #[test]
    fn a_wrap_moved_to_another_official_or_device_does_not_open() {
        let now = at("2026-11-24T02:00:00Z");
        let mut ring = Keyring::new(now);
        let key = StoreKey::random().unwrap();
        ring.remember(&official("canbo1"), "pw-12345678", &key, now)
            .unwrap();
        let mut moved = ring.clone();
        moved.officials[0].username = "canbo2".into();
        assert!(matches!(
            moved.unlock("canbo2", "pw-12345678", now, None),
            Err(VaultError::WrongPassword)
        ));
        let mut other = ring.clone();
        other.device_id = crate::ids::new_uuid_v7(now);
        assert!(matches!(
            other.unlock("canbo1", "pw-12345678", now, None),
            Err(VaultError::WrongPassword)
        ));
        let mut greedy = ring;
        greedy.officials[0].kdf.m_kib = u32::MAX;
        assert!(matches!(
            greedy.unlock("canbo1", "pw-12345678", now, None),
            Err(VaultError::Crypto(_))
        ));
    }

    #[test]
    fn the_keyring_file_round_trips_privately_and_holds_no_key() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p").join(KEYRING_FILE);
        let now = at("2026-11-24T02:00:00Z");
        assert!(Keyring::load(&path, now).unwrap().officials.is_empty());
        let mut ring = Keyring::new(now);
        let key = StoreKey::random().unwrap();
        ring.remember(&official("canbo1"), "pw-12345678", &key, now)
            .unwrap();
        ring.save(&path).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains(key.to_hex().as_str()));
        assert!(!text.contains("pw-12345678"));
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let back = Keyring::load(&path, now).unwrap();
        assert_eq!(back.device_id(), ring.device_id());
        assert!(back.unlock("canbo1", "pw-12345678", now, None).is_ok());
        std::fs::write(&path, "{not json").unwrap();
        assert!(matches!(
            Keyring::load(&path, now),
            Err(VaultError::Unreadable { .. })
        ));
    }

    #[test]
    fn keys_read_from_hex_and_never_print() {
        let key = StoreKey::from_bytes([0xab; KEY_LEN]);
        assert_eq!(format!("{key:?}"), "StoreKey(…)");
        let back = StoreKey::from_hex(key.to_hex().as_str()).unwrap();
        assert_eq!(back.bytes(), key.bytes());
        assert!(StoreKey::from_hex("abc").is_none());
        assert!(StoreKey::from_hex(&"zz".repeat(KEY_LEN)).is_none());
        assert!(key.sqlcipher_value().starts_with("x'abab"));
    }
}
