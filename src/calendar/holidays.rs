//! Vietnam's statutory public holidays and working-day arithmetic.
//!
//! [`statutory`] computes, by rule, the public holidays of the Labour Code 2019
//! (Bộ luật Lao động 45/2019/QH14), art. 112 clause 1, and the compensatory days of
//! art. 111 clause 3. It is the *computed default*: every year the government announces
//! the exact days (which 5 days of Tết, swaps of a working day for a Saturday, …), and an
//! office's own holiday table overrides this list.
//!
//! The rules, for the solar year `Y`:
//!
//! | holiday | days | rule |
//! |---|---|---|
//! | Tết Dương lịch | 1 | 1 January |
//! | Tết Nguyên đán | 5 | the last day of the lunar year before Tết (29 or 30 Tết), and lunar 1/1 to 4/1 of lunar year `Y` |
//! | Giỗ Tổ Hùng Vương | 1 | lunar 10/3 (of the regular 3rd month when the year also has a leap 3rd month) |
//! | Ngày Chiến thắng | 1 | 30 April |
//! | Ngày Quốc tế Lao động | 1 | 1 May |
//! | Quốc khánh | 2 | 2 September and one adjacent day, see below |
//!
//! **Quốc khánh.** The law gives 2/9 "and one day immediately before or after it"; the
//! government picks it each year. The rule used here: if one neighbour of 2/9 is a
//! Saturday or Sunday, take the other one; otherwise take 1/9 if it is a Monday (the break
//! then joins the weekend), else 3/9. By the weekday of 2/9:
//!
//! | 2/9 | Mon | Tue | Wed | Thu | Fri | Sat | Sun |
//! |---|---|---|---|---|---|---|---|
//! | adjacent day | 3/9 Tue | 1/9 Mon | 3/9 Thu | 3/9 Fri | 1/9 Thu | 1/9 Fri | 3/9 Mon |
//!
//! This matches the announced schedules of 2021 (Thu: 2–3/9), 2022 (Fri: 1–2/9),
//! 2023 (Sat: 1–2/9, compensatory Mon 4/9), 2024 (Mon: 2–3/9) and 2025 (Tue: 1–2/9).
//!
//! **Tết Nguyên đán.** The government chooses the 5 days each year, often 1–2 days
//! earlier than the rule above, and usually arranges them (with a swapped Saturday) so
//! that weekend days inside the break are not compensated one by one. For 2024 the rule
//! gives 9–13/2 plus compensatory 14–15/2, where the announced break was 8–14/2. Offices
//! must enter the announced days in their own table.
//!
//! **Compensatory days (nghỉ bù).** Each holiday day that falls on a Saturday or Sunday
//! gives one compensatory day "on the next working day" (art. 111 clause 3): taking the
//! weekend holidays in date order, each gets the first Monday–Friday after it that is
//! neither a holiday nor already a compensatory day. Tết days are included. When two
//! holidays fall on the same date, the day is listed once (the first in the table
//! above) and no extra day is given, as the law provides none.

use std::iter;

use jiff::civil::{Date, DateTime, Weekday};

use super::lunar::{LunarDate, lunar_to_solar};

/// Why a day is off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DayKind {
    /// A public holiday (ngày lễ, tết) itself.
    Holiday,
    /// A compensatory day (nghỉ bù) for a holiday that fell on a weekend.
    Compensatory,
}

/// A day on which offices are closed, besides Saturdays and Sundays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DayOff {
    /// The solar date.
    pub date: Date,
    /// The Vietnamese name, e.g. "Tết Nguyên đán" or "Nghỉ bù Quốc khánh".
    pub name: &'static str,
    /// A holiday or a compensatory day.
    pub kind: DayKind,
}

/// A holiday's name and the name of the compensatory day it gives.
#[derive(Debug, Clone, Copy)]
struct Holiday {
    name: &'static str,
    compensatory: &'static str,
}

const NEW_YEAR: Holiday = Holiday {
    name: "Tết Dương lịch",
    compensatory: "Nghỉ bù Tết Dương lịch",
};
const LUNAR_NEW_YEAR: Holiday = Holiday {
    name: "Tết Nguyên đán",
    compensatory: "Nghỉ bù Tết Nguyên đán",
};
const HUNG_KINGS: Holiday = Holiday {
    name: "Giỗ Tổ Hùng Vương",
    compensatory: "Nghỉ bù Giỗ Tổ Hùng Vương",
};
const VICTORY_DAY: Holiday = Holiday {
    name: "Ngày Chiến thắng",
    compensatory: "Nghỉ bù Ngày Chiến thắng",
};
const LABOUR_DAY: Holiday = Holiday {
    name: "Ngày Quốc tế Lao động",
    compensatory: "Nghỉ bù Ngày Quốc tế Lao động",
};
const NATIONAL_DAY: Holiday = Holiday {
    name: "Quốc khánh",
    compensatory: "Nghỉ bù Quốc khánh",
};

/// The statutory days off of the solar year `year`, computed by the rules in the module
/// documentation: 11 holiday days plus their compensatory days, sorted by date, one entry
/// per date.
///
/// The lunar dates are exact for 1900–2199 (see [`super::lunar`]). Returns an empty list
/// for a year jiff cannot represent (outside -9999..=9999).
pub fn statutory(year: i32) -> Vec<DayOff> {
    let Ok(y) = i16::try_from(year) else {
        return Vec::new();
    };
    let solar = |month: i8, day: i8| Date::new(y, month, day).ok();
    let lunar = |month: u8, day: u8| {
        lunar_to_solar(LunarDate {
            day,
            month,
            year,
            leap: false,
        })
    };

    let mut holidays: Vec<(Date, Holiday)> = Vec::with_capacity(11);
    holidays.extend(solar(1, 1).map(|d| (d, NEW_YEAR)));
    if let Some(eve) = lunar(1, 1).and_then(|tet| tet.yesterday().ok()) {
        let five_days = iter::successors(Some(eve), |d| d.tomorrow().ok()).take(5);
        holidays.extend(five_days.map(|d| (d, LUNAR_NEW_YEAR)));
    }
    holidays.extend(lunar(3, 10).map(|d| (d, HUNG_KINGS)));
    holidays.extend(solar(4, 30).map(|d| (d, VICTORY_DAY)));
    holidays.extend(solar(5, 1).map(|d| (d, LABOUR_DAY)));
    if let Some(sep_2) = solar(9, 2) {
        holidays.push((sep_2, NATIONAL_DAY));
        holidays.extend(national_day_neighbour(sep_2).map(|d| (d, NATIONAL_DAY)));
    }
    // Stable: on a shared date the holiday listed first above is kept.
    holidays.sort_by_key(|&(date, _)| date);
    holidays.dedup_by_key(|&mut (date, _)| date);

    let mut days: Vec<DayOff> = holidays
        .iter()
        .map(|&(date, holiday)| DayOff {
            date,
            name: holiday.name,
            kind: DayKind::Holiday,
        })
        .collect();
    for &(date, holiday) in &holidays {
        if !is_weekend(date) {
            continue;
        }
        let free = iter::successors(date.tomorrow().ok(), |d| d.tomorrow().ok())
            .find(|&d| !is_weekend(d) && !days.iter().any(|off| off.date == d));
        if let Some(free) = free {
            days.push(DayOff {
                date: free,
                name: holiday.compensatory,
                kind: DayKind::Compensatory,
            });
        }
    }
    days.sort_by_key(|off| off.date);
    days
}

/// The day next to 2/9 that is also off for Quốc khánh (see the module documentation).
fn national_day_neighbour(sep_2: Date) -> Option<Date> {
    let before = sep_2.yesterday().ok()?;
    let after = sep_2.tomorrow().ok()?;
    Some(match (is_weekend(before), is_weekend(after)) {
        (true, false) => after,
        (false, true) => before,
        _ if before.weekday() == Weekday::Monday => before,
        _ => after,
    })
}

fn is_weekend(date: Date) -> bool {
    matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday)
}

/// Whether `date` is a working day: Monday to Friday and not in `days_off`.
pub fn is_working_day(date: Date, days_off: &[DayOff]) -> bool {
    !is_weekend(date) && !days_off.iter().any(|off| off.date == date)
}

/// The date and time `n` working days after `start`, at the same time of day — the
/// *ngày hẹn trả* of a dossier received at `start` with a processing time of `n` days.
///
/// Convention: day 1 is the first working day *after* the day of `start`, whatever the
/// time of day and whether or not `start` itself is a working day; so a dossier received
/// on a Saturday or a holiday counts from the next working day. With `n == 0` the result
/// is `start` itself.
///
/// Saturdays and Sundays are never counted; `is_off` marks the other days off
/// (holidays, compensatory days), e.g. `|d| !is_working_day(d, &days_off)` or a lookup
/// in an office's table.
///
/// The count stops at jiff's last date, 9999-12-31: if it runs past it, the result is
/// that date at the time of `start`.
pub fn add_working_days(start: DateTime, n: u32, is_off: impl Fn(Date) -> bool) -> DateTime {
    let mut date = start.date();
    let mut left = n;
    while left > 0 {
        let Ok(next) = date.tomorrow() else {
            break;
        };
        date = next;
        if !is_weekend(date) && !is_off(date) {
            left -= 1;
        }
    }
    DateTime::from_parts(date, start.time())
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;
    use proptest::prelude::*;

    use super::*;

    fn holiday(date: Date, name: &'static str) -> DayOff {
        DayOff {
            date,
            name,
            kind: DayKind::Holiday,
        }
    }

    fn compensatory(date: Date, name: &'static str) -> DayOff {
        DayOff {
            date,
            name,
            kind: DayKind::Compensatory,
        }
    }

    /// The days off of several years, as `add_working_days` needs across a year end.
    fn days_off(years: impl IntoIterator<Item = i32>) -> Vec<DayOff> {
        years.into_iter().flat_map(statutory).collect()
    }

    fn due(start: DateTime, n: u32, days_off: &[DayOff]) -> DateTime {
        add_working_days(start, n, |d| !is_working_day(d, days_off))
    }

    /// Seed 001: received Mon 06/03/2023 14:27:45, 15 working days.
    #[test]
    fn seed_001_vector() {
        let off = days_off([2023]);
        let start = date(2023, 3, 6).at(14, 27, 45, 0);
        let expected = date(2023, 3, 27).at(14, 27, 45, 0);
        assert!(
            !off.iter()
                .any(|o| o.date > start.date() && o.date <= expected.date())
        );
        assert_eq!(due(start, 15, &off), expected);
        // The same with only weekends excluded.
        assert_eq!(add_working_days(start, 15, |_| false), expected);
    }

    #[test]
    fn a_span_over_30_4_and_1_5_2025_skips_them() {
        let off = days_off([2025]);
        let start = date(2025, 4, 28).at(8, 0, 0, 0); // Monday
        assert_eq!(due(start, 1, &off), date(2025, 4, 29).at(8, 0, 0, 0));
        // Wed 30/4 and Thu 1/5 are holidays.
        assert_eq!(due(start, 2, &off), date(2025, 5, 2).at(8, 0, 0, 0));
        assert_eq!(due(start, 3, &off), date(2025, 5, 5).at(8, 0, 0, 0));
        assert!(!is_working_day(date(2025, 4, 30), &off));
        assert!(!is_working_day(date(2025, 5, 1), &off));
    }

    #[test]
    fn a_span_over_tet_2024() {
        let off = days_off([2024]);
        // Tết 10/2/2024 (Sat). Holidays Fri 9 (30 Tết) to Tue 13; Sat 10 and Sun 11
        // give compensatory Wed 14 and Thu 15.
        let start = date(2024, 2, 7).at(10, 30, 0, 0); // Wednesday
        assert_eq!(due(start, 1, &off), date(2024, 2, 8).at(10, 30, 0, 0));
        assert_eq!(due(start, 2, &off), date(2024, 2, 16).at(10, 30, 0, 0));
        assert_eq!(due(start, 5, &off), date(2024, 2, 21).at(10, 30, 0, 0));
    }

    #[test]
    fn n_zero_returns_the_start() {
        let off = days_off([2024]);
        for start in [
            date(2024, 3, 6).at(14, 27, 45, 0),
            date(2024, 3, 9).at(9, 0, 0, 0),  // Saturday
            date(2024, 2, 12).at(9, 0, 0, 0), // Tết holiday
        ] {
            assert_eq!(due(start, 0, &off), start);
        }
    }

    #[test]
    fn starting_on_a_weekend_or_holiday_counts_from_the_next_working_day() {
        let off = days_off([2023, 2025]);
        let saturday = date(2023, 3, 4).at(9, 15, 0, 0);
        assert_eq!(due(saturday, 1, &off), date(2023, 3, 6).at(9, 15, 0, 0));
        let sunday = date(2023, 3, 5).at(16, 0, 0, 0);
        assert_eq!(due(sunday, 1, &off), date(2023, 3, 6).at(16, 0, 0, 0));
        let holiday = date(2025, 4, 30).at(7, 30, 0, 0);
        assert_eq!(due(holiday, 1, &off), date(2025, 5, 2).at(7, 30, 0, 0));
        // Late on a Friday still counts Monday as day 1.
        let friday_night = date(2023, 3, 10).at(23, 59, 59, 0);
        assert_eq!(
            due(friday_night, 1, &off),
            date(2023, 3, 13).at(23, 59, 59, 0)
        );
    }

    #[test]
    fn weekends_are_skipped_whatever_is_off_says() {
        let friday = date(2024, 3, 8).at(8, 0, 0, 0);
        assert_eq!(
            add_working_days(friday, 1, |_| false),
            date(2024, 3, 11).at(8, 0, 0, 0)
        );
        assert_eq!(
            add_working_days(friday, 1, |d| d == date(2024, 3, 11)),
            date(2024, 3, 12).at(8, 0, 0, 0)
        );
    }

    #[test]
    fn the_count_saturates_at_the_end_of_jiff_range() {
        let start = date(9999, 12, 20).at(8, 0, 0, 0);
        assert_eq!(
            add_working_days(start, 100, |_| false),
            Date::MAX.at(8, 0, 0, 0)
        );
        assert_eq!(
            add_working_days(date(2024, 1, 1).at(0, 0, 0, 0), 1, |_| true),
            Date::MAX.at(0, 0, 0, 0)
        );
    }

    #[test]
    fn holidays_2022_weekend_victory_and_labour_day() {
        let days = statutory(2022);
        let from = |d: Date| days.iter().filter(move |o| o.date >= d);
        // Giỗ Tổ Sun 10/4 → Mon 11/4.
        assert_eq!(
            from(date(2022, 4, 1)).take(2).copied().collect::<Vec<_>>(),
            [
                holiday(date(2022, 4, 10), "Giỗ Tổ Hùng Vương"),
                compensatory(date(2022, 4, 11), "Nghỉ bù Giỗ Tổ Hùng Vương"),
            ]
        );
        // 30/4 Sat and 1/5 Sun → Mon 2/5 and Tue 3/5.
        assert_eq!(
            from(date(2022, 4, 30)).take(4).copied().collect::<Vec<_>>(),
            [
                holiday(date(2022, 4, 30), "Ngày Chiến thắng"),
                holiday(date(2022, 5, 1), "Ngày Quốc tế Lao động"),
                compensatory(date(2022, 5, 2), "Nghỉ bù Ngày Chiến thắng"),
                compensatory(date(2022, 5, 3), "Nghỉ bù Ngày Quốc tế Lao động"),
            ]
        );
    }

    #[test]
    fn holidays_2023() {
        assert_eq!(
            statutory(2023),
            [
                holiday(date(2023, 1, 1), "Tết Dương lịch"), // Sunday
                compensatory(date(2023, 1, 2), "Nghỉ bù Tết Dương lịch"),
                holiday(date(2023, 1, 21), "Tết Nguyên đán"), // 30 Tết, Saturday
                holiday(date(2023, 1, 22), "Tết Nguyên đán"), // Sunday
                holiday(date(2023, 1, 23), "Tết Nguyên đán"),
                holiday(date(2023, 1, 24), "Tết Nguyên đán"),
                holiday(date(2023, 1, 25), "Tết Nguyên đán"),
                compensatory(date(2023, 1, 26), "Nghỉ bù Tết Nguyên đán"),
                compensatory(date(2023, 1, 27), "Nghỉ bù Tết Nguyên đán"),
                // As announced: 29/4–3/5.
                holiday(date(2023, 4, 29), "Giỗ Tổ Hùng Vương"), // Saturday
                holiday(date(2023, 4, 30), "Ngày Chiến thắng"),  // Sunday
                holiday(date(2023, 5, 1), "Ngày Quốc tế Lao động"),
                compensatory(date(2023, 5, 2), "Nghỉ bù Giỗ Tổ Hùng Vương"),
                compensatory(date(2023, 5, 3), "Nghỉ bù Ngày Chiến thắng"),
                // As announced: 1/9–4/9.
                holiday(date(2023, 9, 1), "Quốc khánh"),
                holiday(date(2023, 9, 2), "Quốc khánh"), // Saturday
                compensatory(date(2023, 9, 4), "Nghỉ bù Quốc khánh"),
            ]
        );
    }

    #[test]
    fn holidays_2024() {
        assert_eq!(
            statutory(2024),
            [
                holiday(date(2024, 1, 1), "Tết Dương lịch"),
                holiday(date(2024, 2, 9), "Tết Nguyên đán"), // 30 Tết
                holiday(date(2024, 2, 10), "Tết Nguyên đán"), // Saturday
                holiday(date(2024, 2, 11), "Tết Nguyên đán"), // Sunday
                holiday(date(2024, 2, 12), "Tết Nguyên đán"),
                holiday(date(2024, 2, 13), "Tết Nguyên đán"),
                compensatory(date(2024, 2, 14), "Nghỉ bù Tết Nguyên đán"),
                compensatory(date(2024, 2, 15), "Nghỉ bù Tết Nguyên đán"),
                holiday(date(2024, 4, 18), "Giỗ Tổ Hùng Vương"),
                holiday(date(2024, 4, 30), "Ngày Chiến thắng"),
                holiday(date(2024, 5, 1), "Ngày Quốc tế Lao động"),
                holiday(date(2024, 9, 2), "Quốc khánh"), // Monday
                holiday(date(2024, 9, 3), "Quốc khánh"),
            ]
        );
    }

    #[test]
    fn holidays_2025() {
        let days = statutory(2025);
        let dates: Vec<Date> = days.iter().map(|o| o.date).collect();
        assert_eq!(
            dates,
            [
                date(2025, 1, 1),
                // 29 Tết (the 12th month has 29 days) to 4/1; Sat 1/2 → Mon 3/2.
                date(2025, 1, 28),
                date(2025, 1, 29),
                date(2025, 1, 30),
                date(2025, 1, 31),
                date(2025, 2, 1),
                date(2025, 2, 3),
                date(2025, 4, 7),
                date(2025, 4, 30),
                date(2025, 5, 1),
                // 2/9 Tuesday: 1–2/9 as announced.
                date(2025, 9, 1),
                date(2025, 9, 2),
            ]
        );
        assert_eq!(days[6].name, "Nghỉ bù Tết Nguyên đán");
        assert_eq!(days[6].kind, DayKind::Compensatory);
    }

    #[test]
    fn holidays_2026() {
        assert_eq!(
            statutory(2026),
            [
                holiday(date(2026, 1, 1), "Tết Dương lịch"),
                // Tết Tue 17/2; 29 Tết Mon 16/2 (the 12th month has 29 days).
                holiday(date(2026, 2, 16), "Tết Nguyên đán"),
                holiday(date(2026, 2, 17), "Tết Nguyên đán"),
                holiday(date(2026, 2, 18), "Tết Nguyên đán"),
                holiday(date(2026, 2, 19), "Tết Nguyên đán"),
                holiday(date(2026, 2, 20), "Tết Nguyên đán"),
                holiday(date(2026, 4, 26), "Giỗ Tổ Hùng Vương"), // Sunday
                compensatory(date(2026, 4, 27), "Nghỉ bù Giỗ Tổ Hùng Vương"),
                holiday(date(2026, 4, 30), "Ngày Chiến thắng"),
                holiday(date(2026, 5, 1), "Ngày Quốc tế Lao động"),
                holiday(date(2026, 9, 2), "Quốc khánh"), // Wednesday
                holiday(date(2026, 9, 3), "Quốc khánh"),
            ]
        );
        // Across Tết 2026: Fri 13/2 + 1 → Mon 23/2.
        let off = days_off([2026]);
        assert_eq!(
            due(date(2026, 2, 13).at(15, 0, 0, 0), 1, &off),
            date(2026, 2, 23).at(15, 0, 0, 0)
        );
    }

    #[test]
    fn national_day_neighbour_for_each_weekday() {
        use Weekday::{Friday, Monday, Saturday, Sunday, Thursday, Tuesday, Wednesday};
        let mut seen = Vec::new();
        for year in 2021..2040 {
            let sep_2 = date(year, 9, 2);
            let neighbour = national_day_neighbour(sep_2).unwrap();
            let expected_day = match sep_2.weekday() {
                Monday | Wednesday | Thursday | Sunday => 3,
                Tuesday | Friday | Saturday => 1,
            };
            assert_eq!(neighbour, date(year, 9, expected_day), "{year}");
            assert!(!is_weekend(neighbour));
            seen.push(sep_2.weekday());
        }
        assert_eq!(
            national_day_neighbour(date(2021, 9, 2)),
            Some(date(2021, 9, 3))
        );
        assert_eq!(
            national_day_neighbour(date(2022, 9, 2)),
            Some(date(2022, 9, 1))
        );
        for weekday in [
            Monday, Tuesday, Wednesday, Thursday, Friday, Saturday, Sunday,
        ] {
            assert!(seen.contains(&weekday));
        }
    }

    /// Every year 1900–2199: sorted, one entry per date, 11 holiday days except in the
    /// one year where two holidays share a date, one compensatory day per weekend holiday, each on a
    /// weekday that is no holiday, within the year.
    #[test]
    fn invariants_1900_to_2199() {
        let mut shared_dates = Vec::new();
        for year in 1900..2200 {
            let days = statutory(year);
            assert!(days.windows(2).all(|w| w[0].date < w[1].date), "{year}");
            assert!(days.iter().all(|o| i32::from(o.date.year()) == year));
            let holidays: Vec<&DayOff> =
                days.iter().filter(|o| o.kind == DayKind::Holiday).collect();
            let compensatory: Vec<&DayOff> = days
                .iter()
                .filter(|o| o.kind == DayKind::Compensatory)
                .collect();
            if holidays.len() != 11 {
                shared_dates.push(year);
                assert_eq!(holidays.len(), 10, "{year}");
            }
            let weekend = holidays.iter().filter(|o| is_weekend(o.date)).count();
            assert_eq!(compensatory.len(), weekend, "{year}");
            assert!(compensatory.iter().all(|o| !is_weekend(o.date)));
            assert_eq!(
                holidays
                    .iter()
                    .filter(|o| o.name == "Tết Nguyên đán")
                    .count(),
                5
            );
            assert_eq!(
                holidays.iter().filter(|o| o.name == "Quốc khánh").count(),
                2
            );
        }
        // Lunar 1947 had a leap 2nd month, which put Giỗ Tổ on 30/4.
        assert_eq!(shared_dates, [1947]);
        assert_eq!(
            statutory(1947)[7],
            holiday(date(1947, 4, 30), "Giỗ Tổ Hùng Vương")
        );
    }

    #[test]
    fn years_outside_jiff_range() {
        assert!(statutory(10_000).is_empty());
        assert!(statutory(-10_000).is_empty());
        assert!(statutory(i32::MAX).is_empty());
        assert!(!statutory(9999).is_empty());
        assert!(!statutory(-9999).is_empty());
    }

    fn datetime_in_2000_to_2100() -> impl Strategy<Value = DateTime> {
        (0_i32..36_500, 0_i8..24, 0_i8..60, 0_i8..60).prop_map(|(days, h, m, s)| {
            date(2000, 1, 1)
                .checked_add(jiff::Span::new().days(days))
                .unwrap()
                .at(h, m, s, 0)
        })
    }

    proptest! {
        #[test]
        fn lands_on_a_working_day_and_is_monotonic(
            start in datetime_in_2000_to_2100(),
            n in 1_u32..300,
            more in 1_u32..50,
        ) {
            let year = i32::from(start.year());
            let off = days_off(year..=year + 2);
            let end = due(start, n, &off);
            prop_assert!(is_working_day(end.date(), &off));
            prop_assert_eq!(end.time(), start.time());
            prop_assert!(end.date() > start.date());
            prop_assert!(due(start, n - 1, &off) < end);
            prop_assert!(end < due(start, n + more, &off));
            // Exactly n working days in (start, end].
            let counted = iter::successors(start.date().tomorrow().ok(), |d| d.tomorrow().ok())
                .take_while(|&d| d <= end.date())
                .filter(|&d| is_working_day(d, &off))
                .count();
            prop_assert_eq!(counted, n as usize);
        }
    }
}
