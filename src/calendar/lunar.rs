//! The Vietnamese lunar calendar (âm lịch), computed astronomically.
//!
//! The calendar is lunisolar: a month starts on the local day of a new moon, and the
//! months are numbered by the sun's position. This module implements the rules as
//! published by Hồ Ngọc Đức ("Thuật toán tính âm lịch"), using the approximate
//! astronomical formulas of Jean Meeus:
//!
//! - the instant of the k-th new moon (*Astronomical Formulae for Calculators*, the
//!   mean lunation plus the periodic terms, minus a polynomial ΔT);
//! - the sun's apparent ecliptic longitude (*Astronomical Algorithms*, ch. 25, low
//!   accuracy: the equation of the centre, then nutation and aberration).
//!
//! Rules of the calendar:
//!
//! 1. A lunar month begins on the local calendar day that contains a new moon.
//! 2. The 11th month is the month that contains the winter solstice (the sun at 270°).
//! 3. Between two 11th months (a *suì*) there are 12 or 13 months. When there are 13,
//!    the first month after the 11th in which the sun enters no new 30° sector (a month
//!    without a "major solar term", *trung khí*) is a leap month (*tháng nhuận*) and
//!    takes the number of the month before it.
//! 4. Months 11 and 12 belong to the lunar year that began before them; month 1 day 1
//!    is Tết Nguyên đán.
//!
//! **Time zone.** Every "local day" above is taken in UTC+7, the time zone of the
//! official Vietnamese calendar since August 1967. The Chinese calendar applies the
//! same rules in UTC+8, so a new moon or a solar term shortly before midnight in UTC+8
//! falls on a different day, and occasionally in a different month (Tết 1985 came a
//! month apart). This is why Chinese-calendar libraries give wrong Vietnamese dates.
//! Dates before 1967 are also computed in UTC+7, which is not the calendar that was in
//! use at the time (North Vietnam used UTC+8 until 1967, South Vietnam until 1975).
//!
//! **Range.** Results are verified for 1900–2199 (known Tết and Giỗ Tổ dates, and every
//! day of the range round-trips and steps through the lunar calendar one day at a
//! time). Any date jiff can represent (years -9999 to 9999) converts without panicking,
//! and the two conversions stay inverse to each other, but the approximate formulas
//! drift far from 1900–2199 (ΔT especially), so results there are neither historically
//! nor astronomically exact. The proleptic Gregorian
//! calendar is used throughout (jiff's calendar), also before 1582.

use std::f64::consts::{PI, TAU};

use jiff::civil::Date;

/// The time zone of the Vietnamese calendar, in hours east of UTC.
const VIETNAM_UTC_OFFSET_HOURS: f64 = 7.0;

/// The mean length of a lunation (synodic month), in days.
const SYNODIC_MONTH: f64 = 29.530_588_853;

/// The Julian Date of new moon number 0 (1900-01-01, about 13:51 UT), from which the
/// new moons are counted.
const NEW_MOON_ZERO_JD: f64 = 2_415_021.076_998_695;

/// The Julian Day Number of 1970-01-01, used to check the day-number arithmetic.
#[cfg(test)]
const UNIX_EPOCH_JDN: i64 = 2_440_588;

/// A date of the Vietnamese lunar calendar.
///
/// `year` is the lunar year, which starts at Tết: lunar 15/12 of year 2024 falls in
/// January 2025. `leap` marks a day of a leap month (*tháng nhuận*), which repeats the
/// number of the month before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LunarDate {
    /// Day of the month, 1–29 or 1–30.
    pub day: u8,
    /// Month number, 1–12.
    pub month: u8,
    /// Lunar year (the solar year in which its Tết falls).
    pub year: i32,
    /// Whether the month is the leap month of that year.
    pub leap: bool,
}

/// Converts a solar (Gregorian) date to the Vietnamese lunar calendar (UTC+7).
///
/// Never panics; see the module documentation for the range in which results are
/// meaningful (1900–2199 verified).
pub fn solar_to_lunar(date: Date) -> LunarDate {
    solar_to_lunar_in(date, VIETNAM_UTC_OFFSET_HOURS)
}

/// Converts a Vietnamese lunar date (UTC+7) to the solar (Gregorian) calendar.
///
/// Returns `None` when the lunar date does not exist: a month outside 1–12, a day
/// outside 1–30, day 30 of a 29-day month, or `leap` set for a month that is not the
/// leap month of that year. Also `None` when the result is outside jiff's range. When
/// it returns `Some(d)`, `solar_to_lunar(d) == l`.
pub fn lunar_to_solar(l: LunarDate) -> Option<Date> {
    lunar_to_solar_in(l, VIETNAM_UTC_OFFSET_HOURS)
}

/// The solar date of Tết Nguyên đán (lunar 1/1) of the lunar year `year`, in the
/// Vietnamese calendar (UTC+7).
///
/// # Panics
///
/// If Tết of `year` is outside jiff's range, which only happens for years outside
/// -9999..=9999. No panic for the years jiff can represent (results are meaningful for
/// 1900–2199, see the module documentation).
pub fn tet(year: i32) -> Date {
    let Some(date) = tet_in(year, VIETNAM_UTC_OFFSET_HOURS) else {
        panic!("tet({year}): the year is outside the supported range -9999..=9999");
    };
    date
}

// ---------------------------------------------------------------------------------
// Conversions with an explicit time zone (hours east of UTC). Only UTC+7 is public;
// the tests use UTC+8 to reproduce the Chinese calendar.

fn solar_to_lunar_in(date: Date, tz: f64) -> LunarDate {
    let day = jdn_from_date(date);
    let solar_year = i64::from(date.year());
    let month_start = month_around(day, tz);

    // The 11th months around the date: `a11` at or before its month, `b11` after it.
    let this_year_11 = month_11_start(solar_year, tz);
    let (a11, b11, mut lunar_year) = if this_year_11 >= month_start {
        (month_11_start(solar_year - 1, tz), this_year_11, solar_year)
    } else {
        (
            this_year_11,
            month_11_start(solar_year + 1, tz),
            solar_year + 1,
        )
    };

    // Months since the 11th month; consecutive month starts are 29 or 30 days apart,
    // so dividing by 29 counts them exactly (for fewer than 29 months).
    let months_after_11 = (month_start - a11) / 29;
    let mut month = months_after_11 + 11;
    let mut leap = false;
    if b11 - a11 > 365 {
        let leap_offset = leap_month_offset(a11, tz);
        if months_after_11 >= leap_offset {
            month = months_after_11 + 10;
            leap = months_after_11 == leap_offset;
        }
    }
    let month = (month - 1).rem_euclid(12) + 1;
    if month >= 11 && months_after_11 < 4 {
        lunar_year -= 1;
    }

    LunarDate {
        day: u8::try_from(day - month_start + 1)
            .expect("a lunar month starts at most 30 days before the date"),
        month: u8::try_from(month).expect("the month number is reduced to 1..=12"),
        year: i32::try_from(lunar_year).expect("a jiff year ±1 fits in i32"),
        leap,
    }
}

fn lunar_to_solar_in(l: LunarDate, tz: f64) -> Option<Date> {
    let day = lunar_to_jdn(l, tz)?;
    let date = date_from_jdn(day)?;
    (solar_to_lunar_in(date, tz) == l).then_some(date)
}

fn tet_in(year: i32, tz: f64) -> Option<Date> {
    let new_year = LunarDate {
        day: 1,
        month: 1,
        year,
        leap: false,
    };
    date_from_jdn(lunar_to_jdn(new_year, tz)?)
}

/// The Julian Day Number of a lunar date, or `None` if the lunar date does not exist.
fn lunar_to_jdn(l: LunarDate, tz: f64) -> Option<i64> {
    if !(1..=12).contains(&l.month) || !(1..=30).contains(&l.day) {
        return None;
    }
    let year = i64::from(l.year);
    let month = i64::from(l.month);

    // The suì (11th month to 11th month) that contains the month.
    let (a11, b11) = if month < 11 {
        (month_11_start(year - 1, tz), month_11_start(year, tz))
    } else {
        (month_11_start(year, tz), month_11_start(year + 1, tz))
    };
    let k = new_moon_index_of(a11);

    let mut offset = (month - 11).rem_euclid(12);
    if b11 - a11 > 365 {
        let leap_offset = leap_month_offset(a11, tz);
        let leap_month = (leap_offset + 9).rem_euclid(12) + 1;
        if l.leap && month != leap_month {
            return None;
        }
        if l.leap || offset >= leap_offset {
            offset += 1;
        }
    } else if l.leap {
        return None;
    }

    let month_start = new_moon_day(k + offset, tz);
    let month_length = new_moon_day(k + offset + 1, tz) - month_start;
    if i64::from(l.day) > month_length {
        return None;
    }
    Some(month_start + i64::from(l.day) - 1)
}

// ---------------------------------------------------------------------------------
// Calendar rules on day numbers (Julian Day Numbers: day 2_451_545 is 2000-01-01).

/// The first day of the lunar month that contains `day`.
fn month_around(day: i64, tz: f64) -> i64 {
    // An estimate of the last new moon before the day; the true new moon may be up to
    // about 0.7 days away from the mean one, so step to the right month.
    let mut k = floor_to_i64((to_f64(day) - NEW_MOON_ZERO_JD) / SYNODIC_MONTH);
    let mut start = new_moon_day(k, tz);
    let mut next = new_moon_day(k + 1, tz);
    // Each loop runs at most once or twice; the bounds keep them finite regardless.
    for _ in 0..4 {
        if start > day {
            k -= 1;
            next = start;
            start = new_moon_day(k, tz);
        } else if next <= day {
            k += 1;
            start = next;
            next = new_moon_day(k + 1, tz);
        } else {
            break;
        }
    }
    start
}

/// The day on which the 11th lunar month (the one containing the winter solstice) of
/// the solar year `year` starts.
fn month_11_start(year: i64, tz: f64) -> i64 {
    let dec_31 = jdn_from_ymd(year, 12, 31);
    let k = floor_to_i64((to_f64(dec_31) - NEW_MOON_ZERO_JD) / SYNODIC_MONTH);
    let start = new_moon_day(k, tz);
    // The last new moon of the year (about). If the sun is already at 270° or more on
    // that day, the solstice came before it and the 11th month is the previous one.
    if sun_sector(start, tz) >= 9 {
        new_moon_day(k - 1, tz)
    } else {
        start
    }
}

/// In a suì of 13 months starting on `month_11`, the offset (1–12, counted from the
/// 11th month) of the leap month: the first month in which the sun enters no new 30°
/// sector. Returns 13 if none is found (which does not happen in a 13-month suì for
/// the supported years).
fn leap_month_offset(month_11: i64, tz: f64) -> i64 {
    let k = new_moon_index_of(month_11);
    let mut sector = sun_sector(new_moon_day(k + 1, tz), tz);
    for offset in 1..13 {
        let next_sector = sun_sector(new_moon_day(k + offset + 1, tz), tz);
        if next_sector == sector {
            return offset;
        }
        sector = next_sector;
    }
    13
}

/// The index `k` of the new moon that starts the month beginning on `month_start`.
fn new_moon_index_of(month_start: i64) -> i64 {
    floor_to_i64((to_f64(month_start) - NEW_MOON_ZERO_JD) / SYNODIC_MONTH + 0.5)
}

/// The local day (Julian Day Number) of the k-th new moon.
fn new_moon_day(k: i64, tz: f64) -> i64 {
    floor_to_i64(new_moon_jd(k) + 0.5 + tz / 24.0)
}

/// The 30° sector (0–11) the sun is in at the start (local midnight) of `day`. Sector
/// 9 starts at the winter solstice (270°).
fn sun_sector(day: i64, tz: f64) -> i64 {
    let midnight_ut = to_f64(day) - 0.5 - tz / 24.0;
    floor_to_i64(sun_longitude(midnight_ut) / (PI / 6.0)).clamp(0, 11)
}

// ---------------------------------------------------------------------------------
// Astronomy.

/// The Julian Date (UT) of the k-th new moon after the one of 1900-01-01.
///
/// Meeus, *Astronomical Formulae for Calculators*: the mean phase plus the largest
/// periodic terms (sun's mean anomaly `m`, moon's mean anomaly `m1`, moon's argument
/// of latitude `f`), which is in Ephemeris Time; the ΔT polynomial converts it to UT.
fn new_moon_jd(k: i64) -> f64 {
    let k = to_f64(k);
    let t = k / 1236.85; // Julian centuries since 1900
    let t2 = t * t;
    let t3 = t2 * t;

    let mean = 2_415_020.759_33 + 29.530_588_68 * k + 0.000_117_8 * t2 - 0.000_000_155 * t3
        + 0.000_33 * (166.56 + 132.87 * t - 0.009_173 * t2).to_radians().sin();
    let m = (359.2242 + 29.105_356_08 * k - 0.000_033_3 * t2 - 0.000_003_47 * t3).to_radians();
    let m1 = (306.0253 + 385.816_918_06 * k + 0.010_730_6 * t2 + 0.000_012_36 * t3).to_radians();
    let f = (21.2964 + 390.670_506_46 * k - 0.001_652_8 * t2 - 0.000_002_39 * t3).to_radians();

    let periodic = (0.1734 - 0.000_393 * t) * m.sin() + 0.0021 * (2.0 * m).sin()
        - 0.4068 * m1.sin()
        + 0.0161 * (2.0 * m1).sin()
        - 0.0004 * (3.0 * m1).sin()
        + 0.0104 * (2.0 * f).sin()
        - 0.0051 * (m + m1).sin()
        - 0.0074 * (m - m1).sin()
        + 0.0004 * (2.0 * f + m).sin()
        - 0.0004 * (2.0 * f - m).sin()
        - 0.0006 * (2.0 * f + m1).sin()
        + 0.0010 * (2.0 * f - m1).sin()
        + 0.0005 * (2.0 * m1 + m).sin();

    let delta_t = if t < -11.0 {
        0.001 + 0.000_839 * t + 0.000_226_1 * t2 - 0.000_008_45 * t3 - 0.000_000_081 * t * t3
    } else {
        -0.000_278 + 0.000_265 * t + 0.000_262 * t2
    };

    mean + periodic - delta_t
}

/// The sun's apparent ecliptic longitude, in radians in `[0, 2π)`, at the Julian Date
/// `jd` (UT).
///
/// Meeus, *Astronomical Algorithms* ch. 25 (low accuracy): mean longitude plus the
/// equation of the centre, then the correction for nutation and aberration.
fn sun_longitude(jd: f64) -> f64 {
    let t = (jd - 2_451_545.0) / 36_525.0; // Julian centuries since J2000.0
    let t2 = t * t;
    let mean_anomaly =
        (357.529_10 + 35_999.050_30 * t - 0.000_155_9 * t2 - 0.000_000_48 * t * t2).to_radians();
    let mean_longitude = 280.466_45 + 36_000.769_83 * t + 0.000_303_2 * t2;
    let centre = (1.914_600 - 0.004_817 * t - 0.000_014 * t2) * mean_anomaly.sin()
        + (0.019_993 - 0.000_101 * t) * (2.0 * mean_anomaly).sin()
        + 0.000_290 * (3.0 * mean_anomaly).sin();
    let omega = (125.04 - 1934.136 * t).to_radians();
    let apparent = mean_longitude + centre - 0.005_69 - 0.004_78 * omega.sin();
    apparent.to_radians().rem_euclid(TAU)
}

// ---------------------------------------------------------------------------------
// Day numbers.

/// A day number or lunation count as `f64`.
#[expect(
    clippy::cast_precision_loss,
    reason = "day numbers and lunation counts are far below 2^53, so exact"
)]
fn to_f64(n: i64) -> f64 {
    n as f64
}

/// `floor(x)` as an integer; saturates on values no supported input produces.
fn floor_to_i64(x: f64) -> i64 {
    x.floor() as i64
}

/// The Julian Day Number of a proleptic Gregorian date.
fn jdn_from_ymd(year: i64, month: i64, day: i64) -> i64 {
    // Count years from March, so that the leap day is the last day of the year.
    let a = (14 - month).div_euclid(12);
    let y = year + 4800 - a;
    let m = month + 12 * a - 3;
    day + (153 * m + 2) / 5 + 365 * y + y.div_euclid(4) - y.div_euclid(100) + y.div_euclid(400)
        - 32_045
}

fn jdn_from_date(date: Date) -> i64 {
    jdn_from_ymd(
        i64::from(date.year()),
        i64::from(date.month()),
        i64::from(date.day()),
    )
}

/// The proleptic Gregorian date of a Julian Day Number, if jiff can represent it.
fn date_from_jdn(jdn: i64) -> Option<Date> {
    // Shift to a March-based count from 4801 BC, then split into 400-year cycles,
    // centuries, 4-year cycles, years, months from March and days.
    let shifted = jdn + 32_044;
    let cycles = (4 * shifted + 3).div_euclid(146_097);
    let in_cycle = shifted - (146_097 * cycles).div_euclid(4);
    let years = (4 * in_cycle + 3) / 1461;
    let in_year = in_cycle - (1461 * years) / 4;
    let month_from_march = (5 * in_year + 2) / 153;
    let day = in_year - (153 * month_from_march + 2) / 5 + 1;
    let month = month_from_march + 3 - 12 * (month_from_march / 10);
    let year = 100 * cycles + years - 4800 + month_from_march / 10;
    Date::new(
        i16::try_from(year).ok()?,
        i8::try_from(month).ok()?,
        i8::try_from(day).ok()?,
    )
    .ok()
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;
    use proptest::prelude::*;

    use super::*;

    const CHINA_UTC_OFFSET_HOURS: f64 = 8.0;

    fn lunar(day: u8, month: u8, year: i32, leap: bool) -> LunarDate {
        LunarDate {
            day,
            month,
            year,
            leap,
        }
    }

    #[test]
    fn day_numbers_match_jiff() {
        assert_eq!(jdn_from_ymd(1970, 1, 1), UNIX_EPOCH_JDN);
        assert_eq!(jdn_from_ymd(2000, 1, 1), 2_451_545);
        assert_eq!(jdn_from_ymd(1900, 1, 1), 2_415_021);
        for (y, m, d) in [
            (-9999, 1, 1),
            (-4713, 11, 24),
            (-1, 12, 31),
            (0, 2, 29),
            (1582, 10, 4),
            (1600, 2, 29),
            (1900, 3, 1),
            (2024, 2, 29),
            (9999, 12, 31),
        ] {
            let jdn = jdn_from_ymd(y, m, d);
            let expected = date(y as i16, m as i8, d as i8);
            assert_eq!(date_from_jdn(jdn), Some(expected), "{y}-{m}-{d}");
            let epoch_days = expected.since(date(1970, 1, 1)).unwrap().get_days();
            assert_eq!(jdn - UNIX_EPOCH_JDN, i64::from(epoch_days), "{y}-{m}-{d}");
        }
        assert_eq!(date_from_jdn(jdn_from_ymd(-9999, 1, 1) - 1), None);
        assert_eq!(date_from_jdn(jdn_from_ymd(9999, 12, 31) + 1), None);
    }

    #[test]
    fn vietnamese_tet_dates() {
        for (year, m, d) in [
            (1968, 1, 29),
            (1985, 1, 21),
            (2007, 2, 17),
            (2020, 1, 25),
            (2021, 2, 12),
            (2022, 2, 1),
            (2023, 1, 22),
            (2024, 2, 10),
            (2025, 1, 29),
            (2026, 2, 17),
            (2027, 2, 6),
            (2028, 1, 26),
            (2029, 2, 13),
            // Not 3/2 as Chinese calendars give: the new moon is at about 23:07 in
            // UTC+7 on 2/2 (16:07 UT), 00:07 on 3/2 in UTC+8.
            (2030, 2, 2),
        ] {
            let expected = date(year as i16, m, d);
            assert_eq!(tet(year), expected, "Tết {year}");
            assert_eq!(solar_to_lunar(expected), lunar(1, 1, year, false));
            assert_eq!(lunar_to_solar(lunar(1, 1, year, false)), Some(expected));
        }
    }

    /// The same rules in UTC+8 give the Chinese New Year, which differs from Tết in
    /// these years.
    #[test]
    fn utc_plus_8_gives_the_chinese_dates() {
        for (year, vietnam, china) in [
            (1968, date(1968, 1, 29), date(1968, 1, 30)),
            (1985, date(1985, 1, 21), date(1985, 2, 20)),
            (2007, date(2007, 2, 17), date(2007, 2, 18)),
            (2030, date(2030, 2, 2), date(2030, 2, 3)),
            (2053, date(2053, 2, 18), date(2053, 2, 19)),
        ] {
            assert_eq!(tet(year), vietnam);
            assert_eq!(tet_in(year, CHINA_UTC_OFFSET_HOURS), Some(china));
        }
        // In 1985 the whole month differs: 21/01/1985 is 1/1 in Vietnam, but still
        // 1/12 of 1984 in China.
        assert_eq!(
            solar_to_lunar_in(date(1985, 1, 21), CHINA_UTC_OFFSET_HOURS),
            lunar(1, 12, 1984, false)
        );
        // Years where both calendars agree.
        for year in [2020, 2024, 2025, 2026] {
            assert_eq!(tet_in(year, CHINA_UTC_OFFSET_HOURS), Some(tet(year)));
        }
    }

    #[test]
    fn gio_to_hung_vuong() {
        for (year, expected) in [
            (2023, date(2023, 4, 29)),
            (2024, date(2024, 4, 18)),
            (2025, date(2025, 4, 7)),
            (2026, date(2026, 4, 26)),
        ] {
            let ten_three = lunar(10, 3, year, false);
            assert_eq!(lunar_to_solar(ten_three), Some(expected), "{year}");
            assert_eq!(solar_to_lunar(expected), ten_three);
        }
    }

    /// The leap month of each lunar year (none, or its number).
    fn leap_month_of(year: i32) -> Option<u8> {
        (1..=12).find(|&m| lunar_to_solar(lunar(1, m, year, true)).is_some())
    }

    #[test]
    fn leap_months() {
        assert_eq!(leap_month_of(2017), Some(6));
        assert_eq!(leap_month_of(2020), Some(4));
        assert_eq!(leap_month_of(2021), None);
        assert_eq!(leap_month_of(2023), Some(2));
        assert_eq!(leap_month_of(2024), None);
        assert_eq!(leap_month_of(2025), Some(6));
        assert_eq!(leap_month_of(2028), Some(5));

        // 2023: 2nd month from 20/02, leap 2nd month from 22/03, 3rd month from 20/04.
        assert_eq!(solar_to_lunar(date(2023, 2, 20)), lunar(1, 2, 2023, false));
        assert_eq!(solar_to_lunar(date(2023, 3, 21)), lunar(30, 2, 2023, false));
        assert_eq!(solar_to_lunar(date(2023, 3, 22)), lunar(1, 2, 2023, true));
        assert_eq!(solar_to_lunar(date(2023, 4, 19)), lunar(29, 2, 2023, true));
        assert_eq!(solar_to_lunar(date(2023, 4, 20)), lunar(1, 3, 2023, false));
        assert_eq!(
            lunar_to_solar(lunar(15, 2, 2023, true)),
            Some(date(2023, 4, 5))
        );
        // 2020: leap 4th month from 23/05/2020.
        assert_eq!(solar_to_lunar(date(2020, 5, 23)), lunar(1, 4, 2020, true));
        assert_eq!(solar_to_lunar(date(2020, 6, 21)), lunar(1, 5, 2020, false));
        // 2025: leap 6th month from 25/07/2025.
        assert_eq!(solar_to_lunar(date(2025, 7, 25)), lunar(1, 6, 2025, true));
        assert_eq!(solar_to_lunar(date(2025, 8, 23)), lunar(1, 7, 2025, false));
    }

    #[test]
    fn invalid_lunar_dates_are_none() {
        // No leap month in 2024, and 2023's leap month is the 2nd, not the 3rd.
        assert_eq!(lunar_to_solar(lunar(1, 3, 2024, true)), None);
        assert_eq!(lunar_to_solar(lunar(1, 3, 2023, true)), None);
        // Month and day out of range.
        assert_eq!(lunar_to_solar(lunar(1, 0, 2024, false)), None);
        assert_eq!(lunar_to_solar(lunar(1, 13, 2024, false)), None);
        assert_eq!(lunar_to_solar(lunar(0, 1, 2024, false)), None);
        assert_eq!(lunar_to_solar(lunar(31, 1, 2024, false)), None);
        // The 12th month of lunar 2024 has 29 days: no "30 Tết" in 2025.
        assert_eq!(
            lunar_to_solar(lunar(29, 12, 2024, false)),
            Some(date(2025, 1, 28))
        );
        assert_eq!(lunar_to_solar(lunar(30, 12, 2024, false)), None);
        // The 12th month of lunar 2023 has 30 days.
        assert_eq!(
            lunar_to_solar(lunar(30, 12, 2023, false)),
            Some(date(2024, 2, 9))
        );
        // Far outside jiff's range.
        assert_eq!(lunar_to_solar(lunar(1, 1, i32::MAX, false)), None);
        assert_eq!(lunar_to_solar(lunar(1, 1, i32::MIN, false)), None);
    }

    #[test]
    fn months_11_and_12_belong_to_the_previous_lunar_year() {
        assert_eq!(solar_to_lunar(date(2025, 1, 1)), lunar(2, 12, 2024, false));
        assert_eq!(
            solar_to_lunar(date(2024, 12, 31)),
            lunar(1, 12, 2024, false)
        );
        assert_eq!(solar_to_lunar(date(2024, 12, 1)), lunar(1, 11, 2024, false));
        assert_eq!(
            solar_to_lunar(date(2024, 11, 30)),
            lunar(30, 10, 2024, false)
        );
    }

    /// Every day from 1900 to 2199: the conversion round-trips, and consecutive days
    /// step through the lunar calendar one day at a time.
    #[test]
    fn every_day_1900_to_2199_round_trips_and_is_continuous() {
        let mut day = date(1900, 1, 1);
        let mut previous = solar_to_lunar(day);
        let mut tets = 0;
        while day < date(2200, 1, 1) {
            day = day.tomorrow().unwrap();
            let l = solar_to_lunar(day);
            assert_eq!(lunar_to_solar(l), Some(day), "{day} -> {l:?}");
            if l.day == 1 {
                assert!((29..=30).contains(&previous.day), "{day}: {previous:?}");
                let next_month = if previous.leap || previous.month == 12 {
                    (previous.month % 12 + 1, false)
                } else {
                    // Either the next month or the leap repeat of this one.
                    (
                        if l.leap {
                            previous.month
                        } else {
                            previous.month + 1
                        },
                        l.leap,
                    )
                };
                assert_eq!(
                    (l.month, l.leap),
                    next_month,
                    "{day}: {previous:?} -> {l:?}"
                );
                if l.month == 1 && !l.leap {
                    assert_eq!(l.year, previous.year + 1);
                    assert_eq!(tet(l.year), day);
                    tets += 1;
                } else {
                    assert_eq!(l.year, previous.year);
                }
            } else {
                assert_eq!(
                    l,
                    lunar(
                        previous.day + 1,
                        previous.month,
                        previous.year,
                        previous.leap
                    )
                );
            }
            previous = l;
        }
        assert_eq!(tets, 300);
    }

    /// Every lunar date of every lunar year 1900–2199 that exists maps to a solar date
    /// and back; a lunar year has 353–355 or 383–385 days.
    #[test]
    fn every_lunar_year_1900_to_2199() {
        for year in 1900..2200 {
            let mut days = 0;
            let mut leap_months = 0;
            for month in 1..=12 {
                for leap in [false, true] {
                    for day in 1..=30 {
                        let l = lunar(day, month, year, leap);
                        if let Some(d) = lunar_to_solar(l) {
                            assert_eq!(solar_to_lunar(d), l);
                            days += 1;
                            if leap && day == 1 {
                                leap_months += 1;
                            }
                        } else {
                            assert!(day >= 30 || leap, "{l:?} should exist");
                        }
                    }
                }
            }
            let length = tet(year + 1).since(tet(year)).unwrap().get_days();
            assert_eq!(days, length, "lunar year {year}");
            match leap_months {
                0 => assert!((353..=355).contains(&days), "{year}: {days}"),
                1 => assert!((383..=385).contains(&days), "{year}: {days}"),
                _ => panic!("{year} has {leap_months} leap months"),
            }
        }
    }

    /// Tết is computable, in January or February, for every year jiff can represent.
    #[test]
    fn tet_never_panics_in_jiff_range() {
        for year in -9999..=9999 {
            let d = tet(year);
            assert_eq!(i32::from(d.year()), year);
            assert!(
                d >= date(d.year(), 1, 15) && d <= date(d.year(), 2, 25),
                "{d}"
            );
        }
    }

    /// Runs through every day jiff can represent (slow: use `--ignored --release`).
    #[test]
    #[ignore = "slow: every day from -9999 to 9999"]
    fn whole_jiff_range_round_trips_without_panic() {
        let mut day = Date::MIN;
        let mut mismatches = 0_u32;
        loop {
            let l = solar_to_lunar(day);
            if lunar_to_solar(l) != Some(day) {
                mismatches += 1;
            }
            let Ok(next) = day.tomorrow() else { break };
            day = next;
        }
        assert_eq!(mismatches, 0, "round-trip mismatches over the whole range");
    }

    proptest! {
        #[test]
        fn solar_lunar_solar_round_trips(days in 0_i32..(300 * 366)) {
            let d = date(1900, 1, 1).checked_add(jiff::Span::new().days(days)).unwrap();
            prop_assume!(d.year() < 2200);
            let l = solar_to_lunar(d);
            prop_assert_eq!(lunar_to_solar(l), Some(d));
            prop_assert!((1..=30).contains(&l.day) && (1..=12).contains(&l.month));
        }
    }
}
