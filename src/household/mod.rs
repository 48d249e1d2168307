//! Household-member verification (*Xác thực chủ hộ*, seed 004 annex 3): a household head
//! and a list of people, each answered *Thành viên* or *Không phải thành viên*.
//!
//! This module is pure: reading a members list (typed, pasted, or a CSV file) with
//! per-line problems, the table's states, and the results file the CLI writes as answers
//! arrive (and reads back to skip what is done). `batch` runs the verification.

pub mod batch;

use serde::{Deserialize, Serialize};

/// The most members one list may hold.
pub const MAX_MEMBERS: usize = 100_000;

/// The most unreadable lines reported for one list. A file of millions of bad lines
/// (not a members list at all) would otherwise cost far more memory as problems than
/// as text: reading stops with one last problem, `household.line.too_many_problems`.
pub const MAX_PROBLEMS: usize = 1000;

/// A person to verify, as the list gives them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberInput {
    /// 12-digit personal ID number.
    pub id_number: String,
    /// Họ tên, when the list has it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// Where it came from: the line number in the list (1-based).
    #[serde(skip)]
    pub line: usize,
}

/// A line of a list that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineProblem {
    /// 1-based line number.
    pub line: usize,
    /// i18n key: `household.line.id` (not a 12-digit number), `household.line.duplicate`,
    /// `household.line.columns`, `household.line.too_many`; and
    /// `household.line.too_many_problems` when reading stopped after [`MAX_PROBLEMS`].
    pub key: &'static str,
    /// What was on the line (trimmed, shortened).
    pub text: String,
}

/// Where a member stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum MemberState {
    /// Not checked yet.
    Unchecked,
    /// A request for it is in flight.
    Checking,
    /// Thành viên, with the relation to the head the database gives (kept in the row's
    /// `relation` once applied, so written once).
    Member {
        #[serde(skip_serializing, default)]
        relation: String,
    },
    /// Không phải thành viên.
    NotMember,
    /// No answer: why (not in the database, head not found, a server error…).
    Error { reason: String },
}

impl MemberState {
    /// Checked, with an answer (member or not).
    #[must_use]
    pub const fn is_answered(&self) -> bool {
        matches!(self, MemberState::Member { .. } | MemberState::NotMember)
    }

    /// The code written in results files: `member`, `not_member`, `error`, `unchecked`.
    #[must_use]
    pub const fn code(&self) -> &'static str {
        match self {
            MemberState::Unchecked | MemberState::Checking => "unchecked",
            MemberState::Member { .. } => "member",
            MemberState::NotMember => "not_member",
            MemberState::Error { .. } => "error",
        }
    }
}

/// One row of the members table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberRow {
    pub id_number: String,
    #[serde(default)]
    pub name: String,
    /// Quan hệ với chủ hộ (from the database's answer).
    #[serde(default)]
    pub relation: String,
    #[serde(flatten)]
    pub state: MemberState,
}

impl MemberRow {
    #[must_use]
    pub fn new(m: &MemberInput) -> Self {
        Self {
            id_number: m.id_number.clone(),
            name: m.name.clone(),
            relation: String::new(),
            state: MemberState::Unchecked,
        }
    }
}

fn is_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// Splits one CSV line (commas, or semicolons as spreadsheets in Vietnamese locales
/// write them; double quotes group).
fn fields(line: &str) -> Vec<String> {
    let sep = if line.contains(';') && !line.contains(',') {
        b';'
    } else {
        b','
    };
    // One line: a buffer of its size, not csv's default 8 KB for each line read.
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .delimiter(sep)
        .flexible(true)
        .buffer_capacity(line.len().max(1))
        .from_reader(line.as_bytes());
    reader
        .records()
        .next()
        .and_then(Result::ok)
        .map(|r| r.iter().map(|f| f.trim().to_owned()).collect())
        .unwrap_or_default()
}

/// Column positions of a CSV header line, when the line is one.
fn header(cols: &[String]) -> Option<(usize, Option<usize>)> {
    let folded: Vec<String> = cols
        .iter()
        .map(|c| crate::text::fold(c).replace([' ', '-'], "_"))
        .collect();
    let id = folded.iter().position(|c| {
        matches!(
            c.as_str(),
            "so_dinh_danh" | "id_number" | "id" | "cccd" | "so_cccd" | "so_giay_to" | "sdd"
        )
    })?;
    let name = folded
        .iter()
        .position(|c| matches!(c.as_str(), "ho_ten" | "ho_va_ten" | "name" | "full_name"));
    Some((id, name))
}

/// Reads a members list: one ID number per line, or CSV (with a header naming the
/// columns — `so_dinh_danh`/`id_number`, `ho_ten`/`name` — or without one: the number
/// first, the name second). Blank lines and lines starting with `#` are skipped; a line
/// that is not a 12-digit number, or repeats one, is reported by number and skipped;
/// after [`MAX_PROBLEMS`] such lines reading stops (the text is not a members list).
#[must_use]
pub fn parse_list(text: &str) -> (Vec<MemberInput>, Vec<LineProblem>) {
    let mut out: Vec<MemberInput> = Vec::new();
    let mut problems = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut columns: Option<(usize, Option<usize>)> = None;
    // A lone CR ends a line too (old spreadsheets, terminals' pastes).
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        let line = raw.trim().trim_start_matches('\u{feff}');
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if problems.len() >= MAX_PROBLEMS {
            problems.push(LineProblem {
                line: n,
                key: "household.line.too_many_problems",
                text: crate::text::shown(line, 40),
            });
            break;
        }
        let cols = fields(line);
        if out.is_empty()
            && columns.is_none()
            && problems.is_empty()
            && let Some(h) = header(&cols)
        {
            columns = Some(h);
            continue;
        }
        let (id_col, name_col) = columns.unwrap_or((0, Some(1)));
        let Some(id) = cols.get(id_col) else {
            problems.push(LineProblem {
                line: n,
                key: "household.line.columns",
                text: crate::text::shown(line, 40),
            });
            continue;
        };
        let id: String = id.chars().filter(|c| !c.is_whitespace()).collect();
        if !is_id(&id) {
            problems.push(LineProblem {
                line: n,
                key: "household.line.id",
                text: crate::text::shown(line, 40),
            });
            continue;
        }
        if !seen.insert(id.clone()) {
            problems.push(LineProblem {
                line: n,
                key: "household.line.duplicate",
                text: crate::text::shown(line, 40),
            });
            continue;
        }
        if out.len() >= MAX_MEMBERS {
            problems.push(LineProblem {
                line: n,
                key: "household.line.too_many",
                text: crate::text::shown(line, 40),
            });
            break;
        }
        let name = name_col
            .and_then(|c| cols.get(c))
            .map(|s| crate::text::sanitize(s).0)
            .unwrap_or_default();
        out.push(MemberInput {
            id_number: id,
            name,
            line: n,
        });
    }
    (out, problems)
}

/// The header of a results file.
pub const RESULTS_HEADER: [&str; 5] = ["so_dinh_danh", "ho_ten", "quan_he", "trang_thai", "ly_do"];

/// One results-file record for a row.
#[must_use]
pub fn result_record(r: &MemberRow) -> [String; 5] {
    let reason = match &r.state {
        MemberState::Error { reason } => reason.clone(),
        _ => String::new(),
    };
    [
        r.id_number.clone(),
        r.name.clone(),
        r.relation.clone(),
        r.state.code().to_owned(),
        reason,
    ]
}

/// The numbers a results file already answers (member or not a member): a re-run with
/// the same output skips them. Errors are not done: they are tried again.
#[must_use]
pub fn answered_in(results: &str) -> std::collections::HashSet<String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(results.as_bytes());
    reader
        .records()
        .filter_map(Result::ok)
        .filter(|r| matches!(r.get(3), Some("member" | "not_member")))
        .filter_map(|r| r.get(0).map(str::to_owned))
        .collect()
}

/// The household head a verification is against, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct HeadInput {
    pub id_number: String,
    pub name: String,
    /// `dd/mm/yyyy` or the year.
    pub birth: String,
}

/// A household verification kept with a dossier as evidence for the procedure.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct HouseholdCheck {
    pub head: HeadInput,
    pub rows: Vec<MemberRow>,
    /// When an answer last arrived (RFC 3339, Vietnam time).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checked_at: Option<String>,
}

impl HouseholdCheck {
    /// The table as CSV (the results-file columns, head first as a comment line).
    #[must_use]
    pub fn to_csv(&self) -> String {
        let mut w = csv::Writer::from_writer(Vec::new());
        let _ = w.write_record(RESULTS_HEADER);
        for r in &self.rows {
            let _ = w.write_record(result_record(r));
        }
        let body = w
            .into_inner()
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .unwrap_or_default();
        format!(
            "# chu_ho: {} {} {}\n{body}",
            self.head.id_number.trim(),
            crate::text::sanitize(self.head.name.trim()).0,
            self.head.birth.trim()
        )
    }

    /// The table as JSON.
    #[must_use]
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
    }

    /// Adds members not on the table yet; returns how many were added.
    pub fn add(&mut self, members: &[MemberInput]) -> usize {
        let mut n = 0;
        for m in members {
            if m.id_number == self.head.id_number.trim()
                || self.rows.iter().any(|r| r.id_number == m.id_number)
            {
                continue;
            }
            self.rows.push(MemberRow::new(m));
            n += 1;
        }
        n
    }
}

/// Counts of a table, for the gauge and the summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub total: usize,
    pub member: usize,
    pub not_member: usize,
    pub error: usize,
    pub checking: usize,
}

impl Counts {
    #[must_use]
    pub fn of(rows: &[MemberRow]) -> Self {
        let mut c = Counts {
            total: rows.len(),
            ..Counts::default()
        };
        for r in rows {
            match r.state {
                MemberState::Member { .. } => c.member += 1,
                MemberState::NotMember => c.not_member += 1,
                MemberState::Error { .. } => c.error += 1,
                MemberState::Checking => c.checking += 1,
                MemberState::Unchecked => {}
            }
        }
        c
    }

    /// Members with a final state (answered or failed).
    #[must_use]
    pub const fn done(&self) -> usize {
        self.member + self.not_member + self.error
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_of_numbers_with_bad_lines_reported_by_number() {
        let text = "079192019782\n\n# comment\n0792160035\n079216003521\n079192019782\nabc\n";
        let (members, problems) = parse_list(text);
        let ids: Vec<&str> = members.iter().map(|m| m.id_number.as_str()).collect();
        assert_eq!(ids, ["079192019782", "079216003521"]);
        assert_eq!(members[1].line, 5);
        let lines: Vec<(usize, &str)> = problems.iter().map(|p| (p.line, p.key)).collect();
        assert_eq!(
            lines,
            [
                (4, "household.line.id"),
                (6, "household.line.duplicate"),
                (7, "household.line.id")
            ]
        );
    }

    #[test]
    fn csv_with_a_vietnamese_header_in_any_order_and_semicolons() {
        let text = "\u{feff}Họ tên;Số định danh\nPhạm Minh Khang;079216003521\n\"Phạm Bảo Ngọc\";079 320 001 846\n";
        let (members, problems) = parse_list(text);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(members.len(), 2);
        assert_eq!(members[0].name, "Phạm Minh Khang");
        assert_eq!(members[1].id_number, "079320001846");
        // Without a header: number first, name second.
        let (members, _) = parse_list("079216003521,Phạm Minh Khang\n");
        assert_eq!(members[0].name, "Phạm Minh Khang");
    }

    #[test]
    fn results_files_are_read_back_to_skip_answered_members() {
        let rows = [
            MemberRow {
                id_number: "079216003521".into(),
                name: "Phạm Minh Khang".into(),
                relation: "Con".into(),
                state: MemberState::Member {
                    relation: "Con".into(),
                },
            },
            MemberRow {
                id_number: "001200017187".into(),
                name: String::new(),
                relation: String::new(),
                state: MemberState::NotMember,
            },
            MemberRow {
                id_number: "001146003957".into(),
                name: String::new(),
                relation: String::new(),
                state: MemberState::Error {
                    reason: "429, thử lại".into(),
                },
            },
        ];
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(RESULTS_HEADER).unwrap();
        for r in &rows {
            w.write_record(result_record(r)).unwrap();
        }
        let text = String::from_utf8(w.into_inner().unwrap()).unwrap();
        let done = answered_in(&text);
        assert_eq!(done.len(), 2);
        assert!(done.contains("079216003521") && done.contains("001200017187"));
        let c = Counts::of(&rows);
        assert_eq!((c.member, c.not_member, c.error, c.done()), (1, 1, 1, 3));
    }

    #[test]
    fn a_checked_table_round_trips_through_json() {
        let check = HouseholdCheck {
            head: HeadInput {
                id_number: "079192019782".into(),
                name: "Lê Thị Thu Hà".into(),
                birth: "14/05/1992".into(),
            },
            rows: vec![
                MemberRow {
                    id_number: "042089006135".into(),
                    name: "Phạm Quốc Bảo".into(),
                    relation: "Chồng".into(),
                    state: MemberState::Member {
                        relation: "Chồng".into(),
                    },
                },
                MemberRow {
                    id_number: "099100000001".into(),
                    name: String::new(),
                    relation: String::new(),
                    state: MemberState::Error {
                        reason: "not_in_db".into(),
                    },
                },
            ],
            checked_at: Some("2026-11-24T07:00:00+07:00".into()),
        };
        let json = check.to_json();
        let back: HouseholdCheck = serde_json::from_str(&json).expect(&json);
        assert_eq!(back.rows.len(), 2);
        assert_eq!(back.rows[0].relation, "Chồng");
        assert!(back.rows[0].state.is_answered());
        assert_eq!(back.rows[1].state, check.rows[1].state);
        assert_eq!(json.matches("\"relation\"").count(), 2, "{json}");
    }

    #[test]
    fn control_characters_in_a_list_stay_out() {
        let (members, problems) = parse_list("079216003521,Ph\u{1b}[31mạm\n\u{1b}]0;x\u{7}\n");
        assert_eq!(members.len(), 1);
        assert!(!members[0].name.contains('\u{1b}'));
        assert_eq!(problems.len(), 1);
        assert!(!problems[0].text.contains('\u{1b}'));
    }
}
