//! Properties of the appointment-date calendar (*ngày hẹn trả*), through the public API
//! of `motcua::calendar`: the computed statutory calendar (Labour Code 2019, art. 111–112,
//! domain brief §3) and the working-day count on it.

use jiff::civil::{Date, DateTime, Weekday, date};
use motcua::calendar::holidays::{DayKind, add_working_days, is_working_day, statutory};
use motcua::calendar::lunar::{LunarDate, lunar_to_solar, solar_to_lunar, tet};
use motcua::calendar::office::OfficeCalendar;
use proptest::prelude::*;

const TET: &str = "Tết Nguyên đán";
const TET_COMPENSATORY: &str = "Nghỉ bù Tết Nguyên đán";

fn is_weekend(d: Date) -> bool {
    matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)
}

/// The reference: a day is worked when it is Monday–Friday and not in its own year's
/// statutory list (holidays and compensatory days).
fn reference_is_working(d: Date) -> bool {
    !is_weekend(d)
        && !statutory(i32::from(d.year()))
            .iter()
            .any(|off| off.date == d)
}

/// The reference count: walk day by day from the day after `start` until `n` working
/// days have passed; same time of day.
fn reference_due(start: DateTime, n: u32) -> DateTime {
    let mut d = start.date();
    let mut left = n;
    while left > 0 {
        d = d.tomorrow().expect("in range");
        if reference_is_working(d) {
            left -= 1;
        }
    }
    DateTime::from_parts(d, start.time())
}

fn days(from: Date, n: i64) -> Date {
    from.checked_add(jiff::Span::new().days(n))
        .expect("in range")
}

/// Checks every start in `starts` (at several times of day) against every n in 1..=15,
/// with both public counting functions; returns how many cases were checked.
fn check_window(starts: impl IntoIterator<Item = Date>, label: &str) -> usize {
    let cal = OfficeCalendar::default();
    let mut checked = 0;
    for start_date in starts {
        let year = i32::from(start_date.year());
        let off: Vec<_> = (year - 1..=year + 1).flat_map(statutory).collect();
        let tet_days: Vec<Date> = (year..=year + 1)
            .flat_map(statutory)
            .filter(|o| o.name == TET || o.name == TET_COMPENSATORY)
            .map(|o| o.date)
            .collect();
        for (h, m, s) in [(0, 0, 0), (8, 0, 0), (14, 27, 45), (23, 59, 59)] {
            let start = start_date.at(h, m, s, 0);
            for n in 1..=15 {
                let expected = reference_due(start, n);
                let due = cal.due(start, n);
                assert_eq!(due, expected, "{label}: {start} + {n}");
                assert_eq!(
                    add_working_days(start, n, |d| !is_working_day(d, &off)),
                    expected,
                    "{label}: add_working_days {start} + {n}"
                );
                assert!(cal.is_working(due.date()), "{label}: {start} + {n} → {due}");
                assert!(is_working_day(due.date(), &off));
                assert!(!tet_days.contains(&due.date()), "{label}: {due} is Tết");
                assert_eq!(due.time(), start.time());
                assert!(due.date() > start.date());
                checked += 1;
            }
        }
    }
    checked
}

/// The week (7 days) before `d`.
fn week_before(d: Date) -> impl Iterator<Item = Date> {
    (1..=7).rev().map(move |k| days(d, -k))
}

#[test]
fn seed_001_vector() {
    let start = date(2023, 3, 6).at(14, 27, 45, 0);
    let expected = date(2023, 3, 27).at(14, 27, 45, 0);
    assert_eq!(start.weekday(), Weekday::Monday);
    assert_eq!(OfficeCalendar::default().due(start, 15), expected);
    let off = statutory(2023);
    assert_eq!(
        add_working_days(start, 15, |d| !is_working_day(d, &off)),
        expected
    );
    assert_eq!(reference_due(start, 15), expected);
}

#[test]
fn across_tet_2020_to_2035() {
    for year in 2020..=2035 {
        let t = tet(year);
        // The reference must see the Tết break itself: 5 holiday days from the eve.
        let tet_holidays: Vec<Date> = statutory(year)
            .iter()
            .filter(|o| o.name == TET && o.kind == DayKind::Holiday)
            .map(|o| o.date)
            .collect();
        assert_eq!(tet_holidays.len(), 5, "{year}");
        assert_eq!(tet_holidays[0], days(t, -1), "{year}: the eve");
        assert_eq!(tet_holidays[4], days(t, 3), "{year}: 4 Tết");
        assert_eq!(
            check_window(week_before(t), &format!("Tết {year}")),
            7 * 4 * 15
        );
    }
}

#[test]
fn across_30_4_1_5_and_2_9_2020_to_2035() {
    for year in 2020..=2035 {
        let y = i16::try_from(year).unwrap();
        check_window(week_before(date(y, 4, 30)), &format!("30/4/{year}"));
        check_window(week_before(date(y, 9, 2)), &format!("2/9/{year}"));
        // Giỗ Tổ, and the year end into 1/1.
        let gio_to = lunar_to_solar(LunarDate {
            day: 10,
            month: 3,
            year,
            leap: false,
        })
        .unwrap();
        check_window(week_before(gio_to), &format!("Giỗ Tổ {year}"));
        check_window(week_before(date(y + 1, 1, 1)), &format!("1/1/{}", year + 1));
        // None of these days is ever a working day.
        for d in [
            date(y, 1, 1),
            date(y, 4, 30),
            date(y, 5, 1),
            date(y, 9, 2),
            gio_to,
        ] {
            assert!(!OfficeCalendar::default().is_working(d), "{d}");
        }
    }
}

/// Years with a leap lunar month: 2020 (leap 4th), 2023 (leap 2nd), 2025 (leap 6th).
#[test]
fn leap_month_years() {
    for (year, leap_month) in [(2020, 4_u8), (2023, 2), (2025, 6)] {
        let leap_start = lunar_to_solar(LunarDate {
            day: 1,
            month: leap_month,
            year,
            leap: true,
        });
        assert!(leap_start.is_some(), "{year} has a leap month {leap_month}");
        // 13 lunar months: 383 to 385 days from Tết to Tết.
        let length = tet(year).until(tet(year + 1)).unwrap().get_days();
        assert!((383..=385).contains(&length), "{year}: {length} days");
    }
    assert_eq!(tet(2021), date(2021, 2, 12));
    assert_eq!(tet(2024), date(2024, 2, 10));
    assert_eq!(tet(2026), date(2026, 2, 17));

    for (year, gio_to) in [
        (2020, date(2020, 4, 2)),
        (2023, date(2023, 4, 29)),
        (2025, date(2025, 4, 7)),
    ] {
        let l = solar_to_lunar(gio_to);
        assert_eq!((l.day, l.month, l.year, l.leap), (10, 3, year, false));
        let days_off = statutory(year);
        let named: Vec<Date> = days_off
            .iter()
            .filter(|o| o.name == "Giỗ Tổ Hùng Vương")
            .map(|o| o.date)
            .collect();
        assert_eq!(named, [gio_to], "Giỗ Tổ {year}");
        // Tết of the next year is the one in the next year's statutory list.
        let next = statutory(year + 1);
        let first_tet = next.iter().find(|o| o.name == TET).unwrap().date;
        assert_eq!(days(first_tet, 1), tet(year + 1), "Tết {}", year + 1);
    }
}

fn working_start() -> impl Strategy<Value = DateTime> {
    (0_i64..36_500, 0_i8..24, 0_i8..60, 0_i8..60).prop_filter_map(
        "a working day",
        |(offset, h, m, s)| {
            let d = days(date(2000, 1, 1), offset);
            reference_is_working(d).then(|| d.at(h, m, s, 0))
        },
    )
}

fn any_start() -> impl Strategy<Value = DateTime> {
    (0_i64..36_500, 0_i8..24).prop_map(|(offset, h)| days(date(2000, 1, 1), offset).at(h, 30, 0, 0))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn due_is_additive(start in working_start(), a in 0_u32..200, b in 0_u32..200) {
        let cal = OfficeCalendar::default();
        prop_assert_eq!(cal.due(start, a + b), cal.due(cal.due(start, a), b));
    }

    #[test]
    fn due_is_additive_from_any_day(start in any_start(), a in 0_u32..60, b in 0_u32..60) {
        let cal = OfficeCalendar::default();
        prop_assert_eq!(cal.due(start, a + b), cal.due(cal.due(start, a), b));
    }

    #[test]
    fn due_is_monotonic(start in any_start(), n in 0_u32..300, more in 1_u32..50) {
        let cal = OfficeCalendar::default();
        let end = cal.due(start, n);
        prop_assert!(end < cal.due(start, n + more));
        prop_assert!(end >= start);
        prop_assert_eq!(end.time(), start.time());
    }

    #[test]
    fn due_matches_the_reference(start in any_start(), n in 0_u32..120) {
        let cal = OfficeCalendar::default();
        prop_assert_eq!(cal.due(start, n), reference_due(start, n));
    }
}

/// Sanity of the reference itself: it counts only weekdays.
#[test]
fn reference_skips_weekends() {
    let friday = date(2024, 3, 8).at(9, 0, 0, 0);
    assert_eq!(reference_due(friday, 1), date(2024, 3, 11).at(9, 0, 0, 0));
}
