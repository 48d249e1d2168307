//! Client-minted ids: UUIDv7 (RFC 9562), time-ordered, so ids sort by creation time and
//! two desks never mint the same one.

/// A UUIDv7 from a Unix time in milliseconds and 10 random bytes (from the OS in the
/// app; fixed in tests). Lower-case hyphenated form.
#[must_use]
pub fn uuid_v7(unix_ms: u64, random: [u8; 10]) -> String {
    let mut b = [0_u8; 16];
    b[..6].copy_from_slice(&unix_ms.to_be_bytes()[2..]);
    b[6..].copy_from_slice(&random);
    b[6] = 0x70 | (b[6] & 0x0f);
    b[8] = 0x80 | (b[8] & 0x3f);
    let hex: String = b.iter().fold(String::with_capacity(32), |mut acc, x| {
        use std::fmt::Write as _;
        let _ = write!(acc, "{x:02x}");
        acc
    });
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// A UUIDv7 for now, with random bits from the OS.
#[must_use]
pub fn new_uuid_v7(now: jiff::Timestamp) -> String {
    let mut random = [0_u8; 10];
    if getrandom::fill(&mut random).is_err() {
        // No OS randomness (never seen on Linux): nanoseconds still separate two ids.
        random[..8].copy_from_slice(&now.as_nanosecond().to_le_bytes()[..8]);
    }
    uuid_v7(u64::try_from(now.as_millisecond()).unwrap_or(0), random)
}

/// Whether `s` is a hyphenated UUID (any version), as accepted from files and servers.
#[must_use]
pub fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.char_indices().all(|(i, c)| {
            if matches!(i, 8 | 13 | 18 | 23) {
                c == '-'
            } else {
                c.is_ascii_hexdigit()
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_version_and_variant() {
        let id = uuid_v7(0x0190_1234_5678, [0xff; 10]);
        assert_eq!(id, "01901234-5678-7fff-bfff-ffffffffffff");
        assert!(is_uuid(&id));
        let id = uuid_v7(1, [0; 10]);
        assert_eq!(id, "00000000-0001-7000-8000-000000000000");
    }

    #[test]
    fn later_ids_sort_after_earlier_ones() {
        let a = uuid_v7(1_700_000_000_000, [0xff; 10]);
        let b = uuid_v7(1_700_000_000_001, [0; 10]);
        assert!(a < b);
        let now = jiff::Timestamp::from_second(1_700_000_000).unwrap();
        assert_ne!(new_uuid_v7(now), new_uuid_v7(now));
    }

    #[test]
    fn rejects_non_uuids() {
        assert!(!is_uuid(""));
        assert!(!is_uuid("01901234-5678-7fff-bfff-fffffffffffg"));
        assert!(!is_uuid("01901234x5678-7fff-bfff-ffffffffffff"));
    }
}
