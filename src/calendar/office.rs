//! The calendar an office counts working days with: its own table (`holidays.toml`)
//! first, then the backend's holiday table, then the statutory days computed from the
//! lunar calendar for any year no table covers.
//!
//! A table that covers a year is complete for it: only its days are off that year (plus
//! weekends), and a `working` day makes a weekend day a working day (*làm bù*).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use jiff::civil::{Date, DateTime, Weekday};
use serde::Deserialize;

use crate::api::{HolidayKind, HolidayTable};
use crate::calendar::holidays::{DayKind, statutory};
use crate::config::FileError;

/// The built-in `holidays.toml`: commented, covering no year.
pub const DEFAULT_TOML: &str = include_str!("../../config/holidays.toml");

/// One day in a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableDay {
    pub name: String,
    pub kind: HolidayKind,
}

/// A table of days for the years it covers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    pub version: String,
    pub years: BTreeSet<i32>,
    pub days: BTreeMap<Date, TableDay>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileTable {
    #[serde(default)]
    version: String,
    #[serde(default)]
    years: Vec<i32>,
    #[serde(default)]
    day: Vec<FileDay>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileDay {
    date: String,
    name: String,
    kind: HolidayKind,
}

impl Table {
    /// Parses a `holidays.toml`; errors name the file and line.
    pub fn parse(file: &Path, text: &str) -> Result<Self, FileError> {
        let raw: FileTable =
            toml::from_str(text).map_err(|e| FileError::from_toml(file, text, &e))?;
        let mut table = Table {
            version: raw.version,
            years: raw.years.into_iter().collect(),
            days: BTreeMap::new(),
        };
        for d in raw.day {
            let problem = |p: String| FileError {
                file: file.to_path_buf(),
                line: text
                    .find(&d.date)
                    .map_or(0, |offset| crate::config::line_of(text, offset)),
                problem: p,
            };
            let date: Date = d
                .date
                .parse()
                .map_err(|_| problem(format!("`{}` is not a date (YYYY-MM-DD)", d.date)))?;
            if !table.years.contains(&i32::from(date.year())) {
                return Err(problem(format!(
                    "{} is outside the years the file covers ({:?})",
                    d.date, table.years
                )));
            }
            table.days.insert(
                date,
                TableDay {
                    name: crate::text::sanitize(&d.name).0,
                    kind: d.kind,
                },
            );
        }
        if !table.years.is_empty() && table.version.trim().is_empty() {
            return Err(FileError {
                file: file.to_path_buf(),
                line: 1,
                problem: "a table that covers years needs a `version`".into(),
            });
        }
        Ok(table)
    }

    /// The backend's table.
    pub fn from_api(t: &HolidayTable) -> Self {
        Table {
            version: t.version.clone(),
            years: t.years.iter().copied().collect(),
            days: t
                .days
                .iter()
                .filter_map(|d| {
                    let date: Date = d.date.parse().ok()?;
                    Some((
                        date,
                        TableDay {
                            name: crate::text::sanitize(&d.name).0,
                            kind: d.kind,
                        },
                    ))
                })
                .collect(),
        }
    }

    fn covers(&self, year: i32) -> bool {
        self.years.contains(&year)
    }
}

/// Where a day's status came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Office,
    Backend,
    Computed,
}

/// The office's calendar: the tables in order of precedence.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OfficeCalendar {
    pub office: Table,
    pub backend: Table,
}

/// A day off (or a worked weekend day) as the calendar sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Day {
    pub date: Date,
    pub name: String,
    pub kind: HolidayKind,
    pub source: Source,
}

fn is_weekend(d: Date) -> bool {
    matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)
}

impl OfficeCalendar {
    fn source(&self, year: i32) -> Source {
        if self.office.covers(year) {
            Source::Office
        } else if self.backend.covers(year) {
            Source::Backend
        } else {
            Source::Computed
        }
    }

    /// The table that decides `year`, or `None` when it is computed.
    fn table(&self, year: i32) -> Option<&Table> {
        match self.source(year) {
            Source::Office => Some(&self.office),
            Source::Backend => Some(&self.backend),
            Source::Computed => None,
        }
    }

    /// The days off and worked weekend days of `year`, by date.
    pub fn year(&self, year: i32) -> Vec<Day> {
        let source = self.source(year);
        let Some(table) = self.table(year) else {
            return statutory(year)
                .into_iter()
                .map(|d| Day {
                    date: d.date,
                    name: d.name.to_owned(),
                    kind: match d.kind {
                        DayKind::Holiday => HolidayKind::Holiday,
                        DayKind::Compensatory => HolidayKind::Compensatory,
                    },
                    source,
                })
                .collect();
        };
        table
            .days
            .iter()
            .filter(|(d, _)| i32::from(d.year()) == year)
            .map(|(d, t)| Day {
                date: *d,
                name: t.name.clone(),
                kind: t.kind,
                source,
            })
            .collect()
    }

    /// Whether `date` is a working day.
    pub fn is_working(&self, date: Date) -> bool {
        let year = i32::from(date.year());
        let Some(table) = self.table(year) else {
            return !is_weekend(date) && !statutory(year).iter().any(|d| d.date == date);
        };
        match table.days.get(&date).map(|d| d.kind) {
            Some(HolidayKind::Working) => true,
            Some(_) => false,
            None => !is_weekend(date),
        }
    }

    /// The appointment date: `n` working days after `start`, at the same time of day.
    /// Day 1 is the first working day after the day of `start`.
    pub fn due(&self, start: DateTime, n: u32) -> DateTime {
        let mut date = start.date();
        let mut left = n;
        let mut cache: BTreeMap<i32, Vec<Date>> = BTreeMap::new();
        while left > 0 {
            let Ok(next) = date.tomorrow() else {
                break;
            };
            date = next;
            let year = i32::from(date.year());
            let working = if self.source(year) == Source::Computed {
                let off = cache
                    .entry(year)
                    .or_insert_with(|| statutory(year).into_iter().map(|d| d.date).collect());
                !is_weekend(date) && !off.contains(&date)
            } else {
                self.is_working(date)
            };
            if working {
                left -= 1;
            }
        }
        DateTime::from_parts(date, start.time())
    }

    /// Names the tables a count from `start` over `n` days used, for the dossier.
    pub fn version_for(&self, start: DateTime, n: u32) -> String {
        let end = self.due(start, n);
        let mut parts = Vec::new();
        for year in i32::from(start.date().year())..=i32::from(end.date().year()) {
            let part = match self.source(year) {
                Source::Office => format!("office:{}", self.office.version),
                Source::Backend => format!("backend:{}", self.backend.version),
                Source::Computed => "computed:labour-code-2019".to_owned(),
            };
            if !parts.contains(&part) {
                parts.push(part);
            }
        }
        parts.join("+")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::{date, datetime};

    #[test]
    fn seed_001_vector_on_the_computed_calendar() {
        let cal = OfficeCalendar::default();
        assert_eq!(
            cal.due(datetime(2023, 3, 6, 14, 27, 45, 0), 15),
            datetime(2023, 3, 27, 14, 27, 45, 0)
        );
        assert_eq!(
            cal.version_for(datetime(2023, 3, 6, 14, 27, 45, 0), 15),
            "computed:labour-code-2019"
        );
    }

    #[test]
    fn an_office_table_replaces_the_year_and_can_make_a_saturday_a_working_day() {
        let text = r#"
version = "test-2025"
years = [2025]
[[day]]
date = "2025-01-27"
name = "Tết Nguyên đán"
kind = "holiday"
[[day]]
date = "2025-02-08"
name = "Làm bù"
kind = "working"
"#;
        let office = Table::parse(Path::new("holidays.toml"), text).unwrap();
        let cal = OfficeCalendar {
            office,
            backend: Table::default(),
        };
        assert!(!cal.is_working(date(2025, 1, 27)));
        // 29/1/2025 (Tết by rule) is a working day in this table: the table is complete.
        assert!(cal.is_working(date(2025, 1, 29)));
        assert!(
            cal.is_working(date(2025, 2, 8)),
            "a Saturday worked in exchange"
        );
        // Fri 7/2 + 1 working day is Sat 8/2.
        assert_eq!(
            cal.due(datetime(2025, 2, 7, 8, 0, 0, 0), 1),
            datetime(2025, 2, 8, 8, 0, 0, 0)
        );
        assert_eq!(
            cal.version_for(datetime(2025, 2, 7, 8, 0, 0, 0), 1),
            "office:test-2025"
        );
    }

    #[test]
    fn a_bad_table_names_the_file_and_line() {
        let e = Table::parse(
            Path::new("h.toml"),
            "version = \"v\"\nyears = [2025]\n[[day]]\ndate = \"2026-01-01\"\nname = \"x\"\nkind = \"holiday\"\n",
        )
        .unwrap_err();
        assert_eq!(e.line, 4, "{e}");
        assert!(Table::parse(Path::new("h.toml"), "nonsense = 1").is_err());
        assert!(Table::parse(Path::new("h.toml"), DEFAULT_TOML).is_ok());
    }
}
