//! The command line, run as a real process.

use std::path::Path;

use assert_cmd::Command;

/// `motcua` with its files confined to `dir`.
mod keys;

fn motcua(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("motcua").expect("binary");
    cmd.env("MOTCUA_CONFIG", dir.join("config.toml"))
        .env("MOTCUA_KEYMAP", dir.join("keymap.toml"))
        .env("MOTCUA_DATA_DIR", dir.join("data"))
        .env("MOTCUA_LOG_DIR", dir.join("logs"))
        .env("MOTCUA_HOLIDAYS", dir.join("holidays.toml"))
        .env_remove("MOTCUA_BACKEND_URL")
        .env_remove("MOTCUA_LANG")
        .env_remove("MOTCUA_THEME")
        .env_remove("MOTCUA_ASCII")
        .env_remove("MOTCUA_LOG");
    cmd
}

fn stdout(cmd: &mut Command) -> String {
    let out = cmd.output().expect("run");
    assert!(
        out.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

fn failure(cmd: &mut Command) -> (i32, String) {
    let out = cmd.output().expect("run");
    assert!(!out.status.success());
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stderr).expect("utf-8"),
    )
}

#[test]
fn readme_key_table_is_the_output_of_motcua_keys() {
    let dir = tempfile::tempdir().unwrap();
    let keys = stdout(motcua(dir.path()).arg("keys"));
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let start =
        readme.find("<!-- keys:start -->\n").expect("start marker") + "<!-- keys:start -->\n".len();
    let end = readme.find("<!-- keys:end -->").expect("end marker");
    assert_eq!(
        &readme[start..end],
        keys,
        "README key table is stale: paste `motcua keys` into it"
    );
}

#[test]
fn version_prints_paths() {
    let dir = tempfile::tempdir().unwrap();
    let out = stdout(motcua(dir.path()).arg("--version"));
    assert!(out.starts_with(&format!("motcua {}", env!("CARGO_PKG_VERSION"))));
    for p in ["config.toml", "keymap.toml", "data", "logs"] {
        assert!(
            out.contains(&dir.path().join(p).display().to_string()),
            "{p} missing in:\n{out}"
        );
    }
}

#[test]
fn config_print_merges_file_env_and_flags() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.toml"), "[ui]\nascii = true\n").unwrap();
    let out = stdout(
        motcua(dir.path())
            .env("MOTCUA_THEME", "mono")
            .args(["config", "print", "--lang", "en"]),
    );
    let parsed: toml::Table = toml::from_str(&out).unwrap();
    assert_eq!(parsed["ui"]["ascii"].as_bool(), Some(true));
    assert_eq!(parsed["ui"]["theme"].as_str(), Some("mono"));
    assert_eq!(parsed["ui"]["lang"].as_str(), Some("en"));
    assert_eq!(parsed["store"]["busy_timeout_ms"].as_integer(), Some(5000));
}

#[test]
fn broken_config_names_file_line_and_problem() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("config.toml");
    std::fs::write(&file, "[ui]\nlang = \"vi\"\ntheme = \"neon\"\n").unwrap();
    let (code, err) = failure(motcua(dir.path()).args(["config", "print"]));
    assert_eq!(code, 2);
    assert!(err.contains("Tệp cấu hình không hợp lệ"), "{err}");
    assert!(err.contains(&format!("{}:3:", file.display())), "{err}");
    assert!(err.contains("neon"), "{err}");
    // English on request, and the TUI refuses to start the same way.
    let (_, err) = failure(motcua(dir.path()).arg("--lang").arg("en"));
    assert!(err.contains("Invalid config file"), "{err}");
}

#[test]
fn duplicate_user_binding_names_file_line_and_key() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("keymap.toml");
    std::fs::write(
        &file,
        "[[binding]]\nkey = \"x\"\naction = \"quit\"\n\n[[binding]]\nkey = \"x\"\naction = \"help\"\n",
    )
    .unwrap();
    let (code, err) = failure(motcua(dir.path()).arg("keys"));
    assert_eq!(code, 2);
    assert!(err.contains(&format!("{}:6:", file.display())), "{err}");
    assert!(err.contains("`x`"), "{err}");
    std::fs::write(
        &file,
        "[[binding]]\nkey = \"ctrl+shift+nope\"\naction = \"quit\"\n",
    )
    .unwrap();
    let (_, err) = failure(motcua(dir.path()).arg("keys"));
    assert!(
        err.contains(":2:") && err.contains("ctrl+shift+nope"),
        "{err}"
    );
}

#[test]
fn user_binding_shows_in_keys() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("keymap.toml"),
        "[[binding]]\nkey = \"ctrl+q\"\naction = \"quit\"\ndangerous = true\n",
    )
    .unwrap();
    let out = stdout(motcua(dir.path()).arg("keys"));
    assert!(
        out.contains("| global | `Ctrl+Q` | `quit` | Thoát ⚠ | Quit ⚠ |"),
        "{out}"
    );
}

#[test]
fn import_replaces_catalogue_and_bad_file_imports_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("config/sample-catalogue.json");
    let out = stdout(
        motcua(dir.path())
            .args(["catalogue", "import"])
            .arg(&sample),
    );
    assert!(out.contains("14"), "{out}");
    let (store, key) = keys::demo_store(&dir.path().join("data"));
    let count = || {
        let s =
            motcua::store::Store::open(&store, &key, std::time::Duration::from_secs(5)).unwrap();
        s.procedure_count().unwrap()
    };
    assert_eq!(count(), 14);

    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "code,name,field,days,charges_fee\nA1,Thủ tục A,Thuế,5,có\nA2,Thủ tục B,Thuế,năm,không\n",
    )
    .unwrap();
    let (code, err) = failure(motcua(dir.path()).args(["catalogue", "import"]).arg(&bad));
    assert_eq!(code, 1);
    assert!(err.contains("row 3") && err.contains("days"), "{err}");
    assert!(err.contains("Chưa có gì được nhập"), "{err}");
    assert_eq!(count(), 14, "a bad file imports nothing");

    let good = dir.path().join("two.csv");
    std::fs::write(&good, "code,name,field,days,charges_fee,fee\nA1,Thủ tục A,Thuế,5,✓,\"1.000.000\"\nA2,Thủ tục B,Thuế,3,⊗,0\n")
        .unwrap();
    stdout(motcua(dir.path()).args(["catalogue", "import"]).arg(&good));
    assert_eq!(count(), 2);
}

#[test]
fn unknown_extension_asks_for_a_format() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("cat.txt");
    std::fs::write(&f, "[]").unwrap();
    let (code, err) = failure(motcua(dir.path()).args(["catalogue", "import"]).arg(&f));
    assert_eq!(code, 2);
    assert!(err.contains("--format"), "{err}");
}

#[test]
fn tui_refuses_without_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let (code, err) = failure(&mut motcua(dir.path()));
    assert_eq!(code, 2);
    assert!(err.contains("terminal"), "{err}");
}

#[test]
fn generate_is_deterministic_json() {
    let dir = tempfile::tempdir().unwrap();
    let a = stdout(motcua(dir.path()).args(["catalogue", "generate", "50", "--seed", "3"]));
    let b = stdout(motcua(dir.path()).args(["catalogue", "generate", "50", "--seed", "3"]));
    assert_eq!(a, b);
    let procs = motcua::catalogue::parse(a.as_bytes(), motcua::catalogue::Format::Json).unwrap();
    assert_eq!(procs.len(), 50);
}

#[test]
fn calendar_due_counts_working_days_and_keeps_the_time() {
    let dir = tempfile::tempdir().unwrap();
    // Seed 001: received Mon 06/03/2023 14:27:45, 15 working days.
    let out = stdout(motcua(dir.path()).args([
        "calendar",
        "due",
        "--from",
        "06/03/2023 14:27:45",
        "--days",
        "15",
    ]));
    assert_eq!(out.trim(), "27/03/2023 14:27:45");
    // Across 30/4 and 1/5 (Wed, Thu in 2025).
    let out = stdout(motcua(dir.path()).args([
        "calendar",
        "due",
        "--from",
        "29/04/2025 09:00",
        "--days",
        "2",
    ]));
    assert_eq!(out.trim(), "05/05/2025 09:00:00");
    // 31/02 is not a date: a clear message, exit 2, nothing on stdout.
    let out = motcua(dir.path())
        .args([
            "calendar",
            "due",
            "--from",
            "31/02/2023 10:00:00",
            "--days",
            "1",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("31/02/2023"));
}

#[test]
fn calendar_holidays_follow_the_office_table_for_the_years_it_covers() {
    let dir = tempfile::tempdir().unwrap();
    let computed = stdout(motcua(dir.path()).args(["calendar", "holidays", "2025"]));
    assert!(computed.contains("02/09/2025"), "{computed}");
    assert!(computed.contains("30/04/2025"));
    std::fs::write(
        dir.path().join("holidays.toml"),
        "version = \"test\"\nyears = [2025]\n[[day]]\ndate = \"2025-05-02\"\nname = \"Nghỉ hoán đổi\"\nkind = \"swap_off\"\n",
    )
    .unwrap();
    let office = stdout(motcua(dir.path()).args(["calendar", "holidays", "2025"]));
    assert_eq!(office.lines().count(), 1, "{office}");
    let out = stdout(motcua(dir.path()).args([
        "calendar",
        "due",
        "--from",
        "01/05/2025 09:00:00",
        "--days",
        "1",
    ]));
    assert_eq!(
        out.trim(),
        "05/05/2025 09:00:00",
        "2/5 is off in the office's table"
    );
    std::fs::write(
        dir.path().join("holidays.toml"),
        "years = [2025]\n[[day]]\ndate = \"bad\"\n",
    )
    .unwrap();
    let out = motcua(dir.path())
        .args(["calendar", "holidays", "2025"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("holidays.toml"));
}

#[test]
fn lookup_prints_the_record_after_logging_it_and_audit_export_writes_the_history() {
    let dir = tempfile::tempdir().unwrap();
    let base = [
        "--lang",
        "vi",
        "lookup",
        "--id",
        "079192019782",
        "--dob",
        "14/05/1992",
        "--procedure",
        "1.001277",
    ];
    // The embedded demo backend; the name is matched tolerantly (case, accents' form).
    let out = stdout(
        motcua(dir.path())
            .args(base)
            .args(["--name", "LÊ THỊ THU HÀ"]),
    );
    assert!(out.contains("Lê Thị Thu Hà"), "{out}");
    assert!(out.contains("790142857"), "household book: {out}");
    assert!(out.contains("Đã ghi nhật ký tra cứu"), "{out}");
    let json = stdout(
        motcua(dir.path())
            .args(base)
            .args(["--name", "Lê Thị Thu Hà", "--json"]),
    );
    let v: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(v["citizen"]["id_number"], "079192019782");
    assert!(v["audit_id"].as_str().is_some_and(|s| s.len() == 36));
    // Nobody by that name: exit 3, and still logged.
    let (code, err) = failure(motcua(dir.path()).args(base).args(["--name", "Lê Thị Hà"]));
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("Không tìm thấy"), "{err}");
    // Bad inputs are refused before anything is sent (and so not logged).
    let (code, err) = failure(
        motcua(dir.path())
            .args(["--lang", "vi", "lookup", "--id", "03080104271"])
            .args(["--name", "Phạm Văn Quang", "--dob", "2/1/1981"])
            .args(["--procedure", "1.001277"]),
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--dob") && err.contains("--id"), "{err}");
    // A procedure that may not use the population database: logged as an error.
    let (_, err) = failure(
        motcua(dir.path())
            .args(["--lang", "vi", "lookup", "--id", "079192019782"])
            .args(["--name", "Lê Thị Thu Hà", "--dob", "14/05/1992"])
            .args(["--procedure", "1.002572"]),
    );
    assert!(err.contains("không được phép"), "{err}");

    let history = stdout(motcua(dir.path()).args(["audit", "export", "--citizen", "079192019782"]));
    let v: serde_json::Value = serde_json::from_str(&history).expect("JSON");
    let records = v.as_array().expect("an array");
    assert_eq!(records.len(), 4, "{history}");
    let outcomes: Vec<&str> = records
        .iter()
        .map(|r| r["detail"]["outcome"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        outcomes,
        [
            "found",
            "found",
            "not_found",
            "error:PROCEDURE_NOT_LICENSED"
        ]
    );
    assert!(
        records[0]["detail"]["fields"]
            .as_array()
            .is_some_and(|f| f.iter().any(|x| x == "full_name"))
    );
    assert!(records.iter().all(|r| r["official"] == "demo"));
    let csv_path = dir.path().join("history.csv");
    let csv_arg = csv_path.to_str().unwrap();
    motcua(dir.path())
        .args([
            "audit",
            "export",
            "--citizen",
            "079192019782",
            "--format",
            "csv",
        ])
        .args(["--output", csv_arg])
        .assert()
        .success();
    let csv = std::fs::read_to_string(&csv_path).unwrap();
    assert_eq!(csv.lines().count(), 5, "{csv}");
    // An export is evidence: it is never overwritten.
    let (code, _) = failure(
        motcua(dir.path())
            .args(["audit", "export", "--citizen", "079192019782"])
            .args(["--output", csv_arg]),
    );
    assert_eq!(code, 1);
}

#[test]
fn household_verify_writes_results_as_they_come_and_a_rerun_skips_what_is_done() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("members.csv");
    std::fs::write(
        &input,
        "so_dinh_danh,ho_ten\n042089006135,Phạm Quốc Bảo\n079216003521,Phạm Minh Khang\n\
         0792160035\n001200017187,Nguyễn Đức Minh\n079216003521,again\n",
    )
    .unwrap();
    let output = dir.path().join("results.csv");
    let args = |json: bool, out: &std::path::Path| {
        let mut v = vec![
            "--lang".to_owned(),
            "vi".into(),
            "household".into(),
            "verify".into(),
            "--head".into(),
            "079192019782".into(),
            "--head-name".into(),
            "Lê Thị Thu Hà".into(),
            "--head-dob".into(),
            "14/05/1992".into(),
            "--input".into(),
            input.display().to_string(),
            "--output".into(),
            out.display().to_string(),
        ];
        if json {
            v.push("--json".into());
        }
        v
    };
    let out = motcua(dir.path())
        .args(args(false, &output))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    // All three readable members were answered: exit 0; the bad lines are named.
    assert!(out.status.success(), "{err}");
    assert!(err.contains("dòng 4") && err.contains("dòng 6"), "{err}");
    assert!(err.contains("2 thành viên, 1 không phải"), "{err}");
    let csv = std::fs::read_to_string(&output).unwrap();
    assert!(
        csv.starts_with("so_dinh_danh,ho_ten,quan_he,trang_thai,ly_do\n"),
        "{csv}"
    );
    assert!(
        csv.contains("042089006135,Phạm Quốc Bảo,Chồng,member,"),
        "{csv}"
    );
    assert!(
        csv.contains("001200017187,Nguyễn Đức Minh,,not_member,"),
        "{csv}"
    );
    assert_eq!(csv.lines().count(), 4);
    // The same run again: everything is done, nothing is asked or written twice.
    let out = motcua(dir.path())
        .args(args(false, &output))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("còn 0 người"), "{err}");
    assert_eq!(std::fs::read_to_string(&output).unwrap(), csv);
    // JSON Lines; an unknown number is an error, so the exit status says not all passed.
    std::fs::write(&input, "042089006135\n099100000001\n").unwrap();
    let jsonl = dir.path().join("results.jsonl");
    let out = motcua(dir.path())
        .args(args(true, &jsonl))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let lines: Vec<serde_json::Value> = std::fs::read_to_string(&jsonl)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert!(
        lines
            .iter()
            .any(|l| l["status"] == "member" && l["relation"] == "Chồng")
    );
    assert!(
        lines
            .iter()
            .any(|l| l["status"] == "error" && l["reason"] == "not_in_db")
    );
    // Each answer is in the audit log.
    let history = stdout(motcua(dir.path()).args(["audit", "export", "--citizen", "042089006135"]));
    let v: serde_json::Value = serde_json::from_str(&history).unwrap();
    assert_eq!(v.as_array().map(Vec::len), Some(2), "{history}");
    assert_eq!(v[0]["action"], "population.household");
}

#[test]
fn qr_parse_reads_the_card_layout_and_says_what_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let json = stdout(motcua(dir.path()).args([
        "qr",
        "parse",
        "--json",
        "079192019782||Lê Thị Thu Hà|14051992|Nữ|Số 25 đường Nguyễn Thị Minh Khai|10082021",
    ]));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["birth_date"], "1992-05-14");
    assert_eq!(v["sex"], "female");
    assert!(v["old_id_number"].is_null());
    // From standard input, with the scanner's CR/LF.
    let out = motcua(dir.path())
        .args(["--lang", "vi", "qr", "parse"])
        .write_stdin("042089006135|183456789|Phạm Quốc Bảo|02/11/1989|Nam|Hà Tĩnh|01/02/2022\r\n")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("183456789"));
    let (code, err) = failure(motcua(dir.path()).args([
        "--lang",
        "vi",
        "qr",
        "parse",
        "079192019782||Lê Thị Thu Hà|31021992|Nữ|X|",
    ]));
    assert_eq!(code, 2);
    assert!(err.contains("31021992"), "{err}");
}

/// `motcua audit verify` passes on the log as written and names the first broken link
/// once a record is changed behind the app's back (its triggers dropped first).
#[test]
fn audit_verify_names_the_first_broken_link() {
    let dir = tempfile::tempdir().unwrap();
    // Three dossiers taken offline: three `dossier.finalize` audit records.
    stdout(motcua(dir.path()).args(["sync", "load", "--count", "3", "--procedure", "NT.0001"]));
    let out = stdout(motcua(dir.path()).args(["audit", "verify"]));
    assert!(out.contains("3 mắt xích"), "{out}");
    let (db, key) = keys::demo_store(&dir.path().join("data"));
    let conn = keys::open_db(&db, &key);
    let second: String = conn
        .query_row("SELECT audit_id FROM audit_chain WHERE seq = 2", [], |r| {
            r.get(0)
        })
        .unwrap();
    conn.execute_batch("DROP TRIGGER audit_append_only_update;")
        .unwrap();
    conn.execute(
        "UPDATE audit SET official = 'someone_else' WHERE id = ?1",
        [&second],
    )
    .unwrap();
    drop(conn);
    let (code, err) = failure(motcua(dir.path()).args(["audit", "verify"]));
    assert_eq!(code, 3, "{err}");
    assert!(err.contains(&second) && err.contains("đã bị sửa"), "{err}");
    let out = motcua(dir.path())
        .args(["audit", "verify", "--json", "--lang", "en"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["first_broken"]["seq"], 2);
    assert_eq!(json["first_broken"]["problem"], "changed");
}

/// `motcua purge` measures by the server's time: dossiers the server confirmed just now
/// stay; once their confirmation is older than `[retention] keep_days` they go, the purge
/// logs itself, and `audit verify` still passes.
#[test]
fn purge_removes_only_what_the_server_confirmed_long_enough_ago() {
    let dir = tempfile::tempdir().unwrap();
    stdout(motcua(dir.path()).args(["sync", "load", "--count", "3", "--procedure", "NT.0001"]));
    stdout(motcua(dir.path()).arg("sync"));
    let out = stdout(motcua(dir.path()).args(["purge", "--json"]));
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["dossiers"], 0, "{out}");
    assert_eq!(json["keep_days"], 30);
    assert!(json["server_time"].as_str().unwrap().ends_with("+07:00"));

    // The server confirmed them forty days ago (as the store would say by then).
    let (db, key) = keys::demo_store(&dir.path().join("data"));
    let conn = keys::open_db(&db, &key);
    let old = jiff::Timestamp::now()
        .checked_sub(jiff::SignedDuration::from_hours(40 * 24))
        .unwrap();
    let changed = conn
        .execute(
            "UPDATE dossier SET confirmed_at = ?1",
            [motcua::clock::rfc3339_vn(old)],
        )
        .unwrap();
    assert_eq!(changed, 3);
    drop(conn);
    let out = stdout(motcua(dir.path()).arg("purge"));
    assert!(
        out.contains("3 hồ sơ (3 phiên bản)") && out.contains("giờ máy chủ"),
        "{out}"
    );
    let conn = keys::open_db(&db, &key);
    let left: i64 = conn
        .query_row("SELECT count(*) FROM dossier", [], |r| r.get(0))
        .unwrap();
    assert_eq!(left, 0);
    let purges: i64 = conn
        .query_row(
            "SELECT count(*) FROM audit WHERE action = 'retention.purge'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(purges, 1, "the purge is in the audit log");
    drop(conn);
    let out = stdout(motcua(dir.path()).args(["audit", "verify"]));
    assert!(out.contains("4 mắt xích"), "{out}");
}

/// Data and log files are the official's only (0600 in 0700 folders), WAL and shared
/// memory included; a folder an older version left open is narrowed.
#[test]
fn data_and_log_files_are_private() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data").join("demo");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
    stdout(motcua(dir.path()).args(["sync", "load", "--count", "2", "--procedure", "NT.0001"]));
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&data), 0o700);
    let mut files = 0;
    for entry in std::fs::read_dir(&data).unwrap() {
        let p = entry.unwrap().path();
        assert_eq!(mode(&p), 0o600, "{}", p.display());
        files += 1;
    }
    assert!(files >= 1);
    let logs = dir.path().join("logs");
    assert_eq!(mode(&logs), 0o700);
    assert_eq!(mode(&logs.join("motcua.log")), 0o600);
}

/// A running motcua leaves no core dump: its core-file limit is 0.
#[test]
fn a_running_motcua_cannot_dump_core() {
    let dir = tempfile::tempdir().unwrap();
    let bin = assert_cmd::cargo::cargo_bin("motcua");
    let mut child = std::process::Command::new(bin)
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--citizens",
            "20",
            "--procedures",
            "5",
        ])
        .arg("--data")
        .arg(dir.path().join("server"))
        .env("MOTCUA_DATA_DIR", dir.path().join("data"))
        .env("MOTCUA_LOG_DIR", dir.path().join("logs"))
        .env("MOTCUA_CONFIG", dir.path().join("config.toml"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let limits = std::path::PathBuf::from(format!("/proc/{}/limits", child.id()));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let mut line = String::new();
    while std::time::Instant::now() < deadline {
        // The limit is set first thing; poll until the process has got that far.
        if let Some(l) = std::fs::read_to_string(&limits)
            .unwrap_or_default()
            .lines()
            .find(|l| l.starts_with("Max core file size"))
        {
            line = l.to_owned();
            // "Max core file size  SOFT  HARD  bytes": both 0 (the soft one often is
            // already; the hard one says motcua set it).
            if line.split_whitespace().nth(5) == Some("0") {
                break;
            }
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
    let fields: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(fields.get(4..6), Some(&["0", "0"][..]), "{line}");
}

/// What the headless commands write is encrypted on disk: no citizen data, not even the
/// schema, in the store, its WAL or shared memory; the keyring holds no key in the clear;
/// the store does not open with another key.
#[test]
fn the_store_on_disk_shows_nothing_readable() {
    let dir = tempfile::tempdir().unwrap();
    let out =
        stdout(motcua(dir.path()).args(["sync", "load", "--count", "3", "--procedure", "NT.0001"]));
    assert_eq!(out.lines().count(), 3, "{out}");
    let (store, key) = keys::demo_store(&dir.path().join("data"));
    let mut bytes = Vec::new();
    for suffix in ["", "-wal", "-shm"] {
        let mut p = store.as_os_str().to_owned();
        p.push(suffix);
        if let Ok(b) = std::fs::read(&p) {
            bytes.extend(b);
        }
    }
    let seen = |needle: &str| bytes.windows(needle.len()).any(|w| w == needle.as_bytes());
    assert!(bytes.len() > 4096);
    for needle in [
        "Hồ sơ thử số",
        "NT.0001",
        "CREATE TABLE",
        "SQLite format 3",
        "dossier",
    ] {
        assert!(!seen(needle), "{needle:?} readable in the store's files");
    }
    let keyring = std::fs::read_to_string(store.parent().unwrap().join("keyring.json")).unwrap();
    assert!(!keyring.contains(key.to_hex().as_str()));
    let other = motcua::vault::StoreKey::from_bytes([1; 32]);
    assert!(matches!(
        motcua::store::Store::open(&store, &other, std::time::Duration::from_secs(5)),
        Err(motcua::store::StoreError::WrongKey { .. })
    ));
    let s = motcua::store::Store::open(&store, &key, std::time::Duration::from_secs(5)).unwrap();
    assert!(
        s.outbox_pending().unwrap() >= 3,
        "the three dossiers wait to be sent"
    );
}
