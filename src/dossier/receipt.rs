//! The *giấy tiếp nhận hồ sơ và hẹn trả kết quả* (receipt and appointment slip): the
//! same lines on screen and in the printable HTML file given to the citizen.
//!
//! The slip is an official document in Vietnamese whatever the interface language.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::{Dossier, format_datetime};
use crate::catalogue::format_amount;

/// One line of the slip: a label and its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub label: &'static str,
    pub value: String,
}

/// What the slip says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    /// The unit that received the dossier (its code when its name is unknown).
    pub unit: String,
    pub code: String,
    /// The code is provisional: the slip says so, and that the final code follows.
    pub provisional: bool,
    pub lines: Vec<Line>,
    pub official: String,
}

/// The title of the slip.
pub const TITLE: &str = "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ";
/// What a provisional code is, on the slip.
pub const PROVISIONAL_NOTE: &str = "Mã hồ sơ tạm (cấp khi mất kết nối), sẽ được thay bằng mã chính thức khi đồng bộ; công dân tra cứu bằng mã chính thức.";

/// Builds the slip of a finalized dossier.
#[must_use]
pub fn receipt(d: &Dossier, unit: &str, official: &str) -> Receipt {
    let person = if d.owner.is_empty() {
        &d.submitter
    } else {
        &d.owner
    };
    let terms = d.terms();
    let fee = if terms.fee == 0 && terms.charge == 0 {
        "Không thu".to_owned()
    } else {
        format!(
            "Phí {} đ; lệ phí {} đ",
            format_amount(terms.fee),
            format_amount(terms.charge)
        )
    };
    let mut lines = vec![
        Line {
            label: "Thủ tục",
            value: d.procedure.name.clone(),
        },
        Line {
            label: "Người nộp",
            value: d.submitter.name.trim().to_owned(),
        },
        Line {
            label: "Số giấy tờ",
            value: d.submitter.id_number.trim().to_owned(),
        },
    ];
    if !d.owner.is_empty() && d.owner.name.trim() != d.submitter.name.trim() {
        lines.push(Line {
            label: "Chủ hồ sơ",
            value: d.owner.name.trim().to_owned(),
        });
    }
    for (label, value) in [
        ("Số điện thoại", person.phone.trim()),
        ("Địa chỉ", person.address.trim()),
        ("Email", person.email.trim()),
        ("Nội dung yêu cầu", d.summary.trim()),
    ] {
        if !value.is_empty() {
            lines.push(Line {
                label,
                value: value.to_owned(),
            });
        }
    }
    lines.push(Line {
        label: "Ngày tiếp nhận",
        value: format_datetime(d.received_at),
    });
    lines.push(Line {
        label: "Ngày hẹn trả kết quả",
        value: d
            .due_at
            .map_or_else(|| "Không quy định thời hạn".to_owned(), format_datetime),
    });
    lines.push(Line {
        label: "Phí, lệ phí",
        value: fee,
    });
    Receipt {
        unit: unit.to_owned(),
        code: d.code.clone().unwrap_or_default(),
        provisional: d.code_provisional,
        lines,
        official: official.to_owned(),
    }
}

/// Escapes text for HTML element content and attribute values.
fn escape(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
}

/// The printable slip: one self-contained HTML page (no scripts, no outside resources),
/// A5-sized for the desk's printer.
#[must_use]
pub fn html(r: &Receipt) -> String {
    let mut out = String::with_capacity(4096);
    out.push_str("<!DOCTYPE html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
    escape(TITLE, &mut out);
    out.push_str(" — ");
    escape(&r.code, &mut out);
    out.push_str(
        "</title>\n<style>\n@page { size: A5; margin: 12mm; }\n\
         body { font-family: 'Times New Roman', serif; font-size: 13pt; }\n\
         .head { display: flex; justify-content: space-between; text-align: center; }\n\
         h1 { font-size: 14pt; text-align: center; margin: 18px 0 4px; }\n\
         .code { text-align: center; font-weight: bold; }\n\
         .provisional { border: 1px solid #000; padding: 4px; margin: 6px 0; }\n\
         table { border-collapse: collapse; width: 100%; margin-top: 10px; }\n\
         td { vertical-align: top; padding: 3px 4px; }\n\
         td.l { width: 38%; }\n\
         .sign { display: flex; justify-content: space-between; margin-top: 28px; text-align: center; }\n\
         </style>\n</head>\n<body>\n<div class=\"head\">\n<div>",
    );
    escape(&r.unit, &mut out);
    out.push_str(
        "<br><b>BỘ PHẬN MỘT CỬA</b></div>\n<div><b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b>\
         <br><b>Độc lập - Tự do - Hạnh phúc</b></div>\n</div>\n<h1>",
    );
    escape(TITLE, &mut out);
    out.push_str("</h1>\n<p class=\"code\">Mã hồ sơ: ");
    escape(&r.code, &mut out);
    if r.provisional {
        out.push_str(" (TẠM)</p>\n<p class=\"provisional\">");
        escape(PROVISIONAL_NOTE, &mut out);
    }
    out.push_str("</p>\n<table>\n");
    for line in &r.lines {
        out.push_str("<tr><td class=\"l\">");
        escape(line.label, &mut out);
        out.push_str(":</td><td>");
        escape(&line.value, &mut out);
        out.push_str("</td></tr>\n");
    }
    out.push_str(
        "</table>\n<div class=\"sign\">\n<div><b>NGƯỜI NỘP HỒ SƠ</b><br><i>(Ký, ghi rõ họ tên)</i></div>\n\
         <div><b>NGƯỜI TIẾP NHẬN HỒ SƠ</b><br><i>(Ký, ghi rõ họ tên)</i><br><br><br>",
    );
    escape(&r.official, &mut out);
    let _ = writeln!(out, "</div>\n</div>\n</body>\n</html>");
    out
}

/// The most characters of a dossier code kept in a file name: a code may come from the
/// backend, any length, and a file name holds at most 255 bytes.
pub const MAX_NAME_CODE_CHARS: usize = 80;

/// `s` as part of a file name: its first `max` characters, anything but ASCII letters,
/// digits, dots and dashes (`/`, NUL, controls, spaces, accents) replaced by `_`, no
/// leading dot. So no part can name a folder, `.`, `..` or a hidden file.
fn safe_part(s: &str, max: usize) -> String {
    let safe: String = s
        .chars()
        .take(max)
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    safe.trim_start_matches('.').to_owned()
}

/// The file name of a slip: `giay-hen-{code}.html`, the code in safe characters (see
/// `safe_part`) and at most [`MAX_NAME_CODE_CHARS`] of them, so the name can never
/// leave the export folder.
#[must_use]
pub fn file_name(code: &str, attempt: u32) -> String {
    let safe = safe_part(code, MAX_NAME_CODE_CHARS);
    let safe = if safe.is_empty() { "ho-so" } else { &safe };
    if attempt == 0 {
        format!("giay-hen-{safe}.html")
    } else {
        format!("giay-hen-{safe}-{}.html", attempt + 1)
    }
}

/// Writes the slip into `dir` (created if missing) under a new file name, never over an
/// existing file or through a link; returns the path written.
pub fn export(dir: &Path, code: &str, html: &str) -> std::io::Result<PathBuf> {
    export_named(dir, |attempt| file_name(code, attempt), html.as_bytes())
}

/// A file name `{prefix}-{code}.{ext}` (`-2`, `-3`… on later attempts), every part in
/// the characters a file name can always hold.
#[must_use]
pub fn export_name(prefix: &str, code: &str, ext: &str, attempt: u32) -> String {
    let base = file_name(code, attempt);
    let stem = base
        .strip_prefix("giay-hen-")
        .and_then(|b| b.strip_suffix(".html"))
        .unwrap_or("ho-so");
    let prefix = safe_part(prefix, 40);
    let ext = safe_part(ext, 10);
    let prefix = if prefix.is_empty() { "tep" } else { &prefix };
    let ext = if ext.is_empty() { "txt" } else { &ext };
    format!("{prefix}-{stem}.{ext}")
}

/// Writes `bytes` into `dir` (created if missing) under the first new name `name(n)`
/// gives, never over an existing file or through a link; returns the path written.
///
/// Confinement: a name that is not one plain file name (empty, `.`, `..`, or holding
/// `/` or NUL) is refused, so the path written is always `dir/name`. The file is
/// created with `create_new` (`O_CREAT | O_EXCL`), which fails on anything already at
/// that name — a symbolic link included, dangling or not, and is never followed — and
/// the next name is tried; its mode is 0600. `dir` itself is used as configured, link
/// or not: it is the official's own folder, and whoever could swap it for a link could
/// already write into it.
pub fn export_named(
    dir: &Path,
    name: impl Fn(u32) -> String,
    bytes: &[u8],
) -> std::io::Result<PathBuf> {
    use std::io::Write as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    std::fs::create_dir_all(dir)?;
    for attempt in 0..1000 {
        let name = name(attempt);
        if name.is_empty() || name == "." || name == ".." || name.contains(['/', '\0']) {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("not a file name: {name:?}"),
            ));
        }
        let path = dir.join(name);
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)
        {
            Ok(mut f) => {
                f.write_all(bytes)?;
                f.sync_all()?;
                return Ok(path);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::new(
        std::io::ErrorKind::AlreadyExists,
        "too many slips with this code",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dossier::{Dossier, ProcedureInfo};
    use jiff::civil::date;

    fn dossier() -> Dossier {
        let mut d = Dossier::new(
            "id".into(),
            ProcedureInfo {
                code: "1.001776".into(),
                name: "Đăng ký khai sinh".into(),
                days: 15,
                charge: 8000,
                ..ProcedureInfo::default()
            },
            date(2023, 3, 6).at(14, 27, 45, 0),
        );
        d.code = Some("000.00.92.H55-230306-0001".into());
        d.submitter.name = "Lê Thị <b>Thu</b> Hà".into();
        d.submitter.id_number = "079192019782".into();
        d.compute_due(&crate::calendar::office::OfficeCalendar::default());
        d
    }

    #[test]
    fn slip_has_the_dates_and_escapes_text() {
        let r = receipt(&dossier(), "000.00.92.H55", "demo\u{1b}[31m");
        let page = html(&r);
        assert!(page.contains("27/03/2023 14:27:45"));
        assert!(page.contains("06/03/2023 14:27:45"));
        assert!(page.contains("Lê Thị &lt;b&gt;Thu&lt;/b&gt; Hà"));
        assert!(page.contains("Phí 0 đ; lệ phí 8.000 đ"));
        assert!(!page.contains('\u{1b}'));
        assert!(!page.contains("TẠM"));
    }

    #[test]
    fn provisional_codes_are_said_on_the_slip() {
        let mut d = dossier();
        d.code = Some("000.00.92.H55-230306-T001".into());
        d.code_provisional = true;
        let page = html(&receipt(&d, "u", "o"));
        assert!(page.contains("(TẠM)"));
        assert!(page.contains(PROVISIONAL_NOTE));
    }

    #[test]
    fn file_names_stay_in_the_folder() {
        assert_eq!(
            file_name("000.00.92.H55-230306-0001", 0),
            "giay-hen-000.00.92.H55-230306-0001.html"
        );
        assert_eq!(
            file_name("../../etc/passwd", 0),
            "giay-hen-_.._etc_passwd.html"
        );
        assert_eq!(file_name("", 1), "giay-hen-ho-so-2.html");
        let dir = tempfile::tempdir().unwrap();
        let a = export(dir.path(), "../x", "a").unwrap();
        let b = export(dir.path(), "../x", "b").unwrap();
        assert_eq!(a.parent(), Some(dir.path()));
        assert_ne!(a, b);
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "a");
    }

    /// Everything under `dir`, recursively, as paths relative to it.
    fn tree(dir: &Path) -> Vec<PathBuf> {
        let mut out = Vec::new();
        let mut pending = vec![dir.to_path_buf()];
        while let Some(d) = pending.pop() {
            for entry in std::fs::read_dir(&d).unwrap() {
                let p = entry.unwrap().path();
                if p.symlink_metadata().unwrap().is_dir() {
                    pending.push(p.clone());
                }
                out.push(p.strip_prefix(dir).unwrap().to_path_buf());
            }
        }
        out.sort();
        out
    }

    #[test]
    fn hostile_codes_and_names_cannot_write_outside_the_export_folder() {
        use std::os::unix::fs::PermissionsExt as _;
        let root = tempfile::tempdir().unwrap();
        let exports = root.path().join("exports");
        // Codes a hostile backend or a tampered store could hand over: traversal,
        // absolute paths, NUL, control characters, a citizen's name, dots only, and a
        // code far longer than a file name may be.
        let long = "9".repeat(5000);
        let codes = [
            "../../etc/passwd",
            "/etc/passwd",
            "..",
            "...",
            "a/../../b",
            "x\0y",
            "\u{1b}[31m\r\n",
            "Lê Thị Thu Hà",
            "..\\..\\windows",
            long.as_str(),
        ];
        for code in codes {
            let slip = export(&exports, code, "slip").unwrap();
            let csv = export_named(
                &exports,
                |n| export_name("ho-gia-dinh", code, "csv", n),
                b"csv",
            )
            .unwrap();
            // A prefix and an extension are made safe too.
            let odd =
                export_named(&exports, |n| export_name("../x", code, "/json", n), b"json").unwrap();
            for path in [&slip, &csv, &odd] {
                assert_eq!(path.parent(), Some(exports.as_path()), "{code:?}: {path:?}");
                let name = path.file_name().unwrap().to_str().unwrap();
                assert!(
                    name.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"-._".contains(&b)),
                    "{name:?}"
                );
                assert!(!name.starts_with('.') && name.len() <= 120, "{name:?}");
                let meta = path.symlink_metadata().unwrap();
                assert!(meta.is_file());
                assert_eq!(meta.permissions().mode() & 0o777, 0o600);
            }
        }
        // Nothing but the export folder and the files in it.
        let outside: Vec<PathBuf> = tree(root.path())
            .into_iter()
            .filter(|p| p.parent() != Some(Path::new("exports")) && p != Path::new("exports"))
            .collect();
        assert!(outside.is_empty(), "written outside: {outside:?}");
        assert_eq!(tree(&exports).len(), 3 * codes.len());
        // A name that is not a plain file name is refused outright.
        for bad in ["", ".", "..", "../x", "a/b", "x\0"] {
            let e = export_named(&exports, |_| bad.to_owned(), b"x").unwrap_err();
            assert_eq!(e.kind(), std::io::ErrorKind::InvalidInput, "{bad:?}");
        }
    }

    #[test]
    fn a_link_planted_at_the_file_name_is_not_followed() {
        let root = tempfile::tempdir().unwrap();
        let exports = root.path().join("exports");
        std::fs::create_dir(&exports).unwrap();
        let code = "000.00.92.H55-230306-0001";
        // A link to a file outside, where the slip would go; a dangling link to
        // another outside file where the household CSV would go.
        let victim = root.path().join("victim.txt");
        std::fs::write(&victim, "do not touch").unwrap();
        let slip_name = exports.join(file_name(code, 0));
        std::os::unix::fs::symlink(&victim, &slip_name).unwrap();
        let not_yet = root.path().join("not-yet.txt");
        let csv_name = exports.join(export_name("ho-gia-dinh", code, "csv", 0));
        std::os::unix::fs::symlink(&not_yet, &csv_name).unwrap();

        let slip = export(&exports, code, "<html>slip</html>").unwrap();
        let csv = export_named(
            &exports,
            |n| export_name("ho-gia-dinh", code, "csv", n),
            b"so_dinh_danh\n",
        )
        .unwrap();
        // Written beside the links, under the next names.
        assert_eq!(slip, exports.join(file_name(code, 1)));
        assert_eq!(
            csv,
            exports.join(export_name("ho-gia-dinh", code, "csv", 1))
        );
        assert_eq!(std::fs::read_to_string(&slip).unwrap(), "<html>slip</html>");
        // The outside file is as it was, the dangling link's target still absent, and
        // the links are still links.
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "do not touch");
        assert!(!not_yet.exists());
        for link in [&slip_name, &csv_name] {
            assert!(link.symlink_metadata().unwrap().file_type().is_symlink());
        }
    }
}
