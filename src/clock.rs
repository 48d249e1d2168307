//! Time in Vietnam (UTC+7, no daylight saving) and the clock the services read.
//!
//! Everything that shows or records a time goes through a [`Clock`], so tests and
//! snapshots can fix it.

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::{self, TimeZone};

/// Vietnam's offset from UTC, in hours (Asia/Ho_Chi_Minh, fixed since 1975).
pub const VN_OFFSET_HOURS: i8 = 7;

/// Vietnam's time zone as a fixed offset (no time-zone database needed).
pub fn vn_tz() -> TimeZone {
    TimeZone::fixed(tz::offset(VN_OFFSET_HOURS))
}

/// Where the time comes from.
pub trait Clock: Send + Sync {
    fn now(&self) -> Timestamp;
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}

/// A clock that always says the same time (tests, snapshots).
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub Timestamp);

impl Clock for FixedClock {
    fn now(&self) -> Timestamp {
        self.0
    }
}

/// RFC 3339 in Vietnam's time, to the second: `2026-11-23T09:05:00+07:00`.
pub fn rfc3339_vn(ts: Timestamp) -> String {
    ts.to_zoned_datetime(vn_tz())
        .strftime("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

/// The calendar day in Vietnam at `ts`.
pub fn vn_date(ts: Timestamp) -> Date {
    ts.to_zoned_datetime(vn_tz()).date()
}

/// `YYYY-MM-DD`.
pub fn iso_date(d: Date) -> String {
    d.strftime("%Y-%m-%d").to_string()
}

/// `yyMMdd`, the date part of a dossier code.
pub fn short_date(d: Date) -> String {
    d.strftime("%y%m%d").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_in_vietnam_time() {
        // 2023-03-06 07:27:45 UTC is 14:27:45 in Vietnam (seed 001's received time).
        let ts: Timestamp = "2023-03-06T07:27:45Z".parse().unwrap();
        assert_eq!(rfc3339_vn(ts), "2023-03-06T14:27:45+07:00");
        let late: Timestamp = "2023-02-05T17:30:00Z".parse().unwrap();
        assert_eq!(iso_date(vn_date(late)), "2023-02-06");
        assert_eq!(short_date(vn_date(late)), "230206");
    }
}
