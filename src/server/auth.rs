//! Officials' passwords (Argon2id) and bearer tokens for the reference backend.
//!
//! Tokens are 32 random bytes from the OS; the server keeps only their SHA-256, so a
//! copy of its database does not let anyone sign in.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use sha2::{Digest as _, Sha256};

use crate::server::sqlite::hex;

/// Failed sign-ins in a row before the account locks.
pub const MAX_FAILURES: u32 = 5;

/// How long a lock lasts.
pub const LOCK_MS: i64 = 15 * 60 * 1000;

/// How long a refresh token lasts.
pub const REFRESH_TTL_MS: i64 = 12 * 60 * 60 * 1000;

/// Argon2id with the crate's defaults (19 MiB, 2 passes, 1 lane: OWASP's minimum).
fn argon2() -> argon2::Argon2<'static> {
    argon2::Argon2::default()
}

/// Hashes a password into a PHC string.
pub fn hash_password(password: &str) -> Result<String, String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| format!("no randomness from the OS: {e}"))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| e.to_string())?;
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

/// Whether `password` matches the PHC string. A malformed hash never matches.
pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|h| argon2().verify_password(password.as_bytes(), &h).is_ok())
}

/// Spends the time a real verification takes, so an unknown username is not faster.
pub fn burn_verification(password: &str) {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let phc = DUMMY.get_or_init(|| hash_password("motcua-dummy").unwrap_or_default());
    let _ = verify_password(password, phc);
}

/// A new random token with a readable prefix (`mca_` access, `mcr_` refresh).
pub fn new_token(prefix: &str) -> Result<String, String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| format!("no randomness from the OS: {e}"))?;
    Ok(format!("{prefix}{}", hex(&bytes)))
}

/// What the server stores for a token.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_only_its_password() {
        let h = hash_password("mật khẩu 1").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("mật khẩu 1", &h));
        assert!(!verify_password("mật khẩu 2", &h));
        assert!(!verify_password("mật khẩu 1", "not a hash"));
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let a = new_token("mca_").unwrap();
        let b = new_token("mca_").unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), 4 + 64);
        assert_eq!(token_hash(&a).len(), 64);
        assert_ne!(token_hash(&a), token_hash(&b));
    }
}
