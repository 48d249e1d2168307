//! End-to-end: the real `motcua` binary in a pseudo-terminal at 80×24, its screen parsed
//! by a terminal emulator (vt100).

use std::io::Write;
use std::time::{Duration, Instant};

mod keys;

#[path = "common/pty.rs"]
mod pty;
use pty::{BIN, Session, contains, env_for};

/// The rows of the list that show a procedure: they start with its STT.
fn procedure_rows(screen: &str) -> Vec<String> {
    screen
        .lines()
        .skip(3)
        .filter(|l| {
            let t = l.trim_start();
            t.split(' ')
                .next()
                .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
        })
        .map(str::to_string)
        .collect()
}

/// How many procedures of the demo catalogue the filter `thu vien` matches.
fn thu_vien_matches() -> usize {
    let q = motcua::text::Query::new("thu vien", motcua::text::MatchMode::AllWords);
    motcua::server::synth::catalogue(2000, 1)
        .iter()
        .filter(|p| q.matches(&motcua::text::Folded::new(&p.name)).is_some())
        .count()
}

#[test]
fn demo_opens_the_full_catalogue_and_filters_thu_vien() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Session::start(dir.path(), &[]);
    // The embedded demo backend's feed brings the full catalogue; DEMO shows.
    let screen = s.wait_for("2000 thủ tục");
    assert!(screen.contains("DEMO"), "{screen}");
    assert!(
        screen.contains("demo"),
        "the demo official is signed in:\n{screen}"
    );
    assert!(procedure_rows(&screen).len() >= 10, "{screen}");

    s.send("/thu vien");
    let n = thu_vien_matches();
    assert!(n >= 3);
    let screen = s.wait_for(&format!("{n}/2000"));
    let rows = procedure_rows(&screen);
    // The three library procedures of seed 000 come first, verbatim.
    for (i, row) in rows.iter().take(3).enumerate() {
        assert!(
            row.trim_start()
                .starts_with(&format!("{} Thủ tục thông báo", i + 1)),
            "{row}\n{screen}"
        );
    }
    assert!(!screen.contains("Tham vấn"));

    s.send("\r");
    s.send("q");
    let status = s.wait_exit();
    assert!(status.success(), "exit status {status:?}");
    let raw = s.raw();
    assert!(
        !s.parser.lock().unwrap().screen().alternate_screen(),
        "left the alternate screen"
    );
    assert!(
        contains(&raw, b"\x1b[?1049l"),
        "leave-alternate-screen sequence written"
    );
    assert!(
        contains(&raw, b"\x1b[?2026h"),
        "frames use synchronized output"
    );
}

/// `motcua serve` in the background, stopped (SIGTERM) when dropped.
struct Served(std::process::Child);

impl Drop for Served {
    fn drop(&mut self) {
        let _ = std::process::Command::new("kill")
            .args(["-TERM", &self.0.id().to_string()])
            .status();
        let _ = self.0.wait();
    }
}

#[test]
fn serve_with_a_created_official_then_sign_in_over_the_backend_flag() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("server");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = format!("127.0.0.1:{port}");
    let serve_args = |extra: &[&str]| {
        let mut cmd = std::process::Command::new(BIN);
        for (k, v) in env_for(dir.path()) {
            cmd.env(k, v);
        }
        cmd.arg("serve")
            .arg("--data")
            .arg(&data)
            .args(["--addr", &addr, "--citizens", "200", "--procedures", "50"])
            .args(extra);
        cmd
    };
    // The password comes on standard input, never in argv.
    let mut add = serve_args(&["--add-official", "canbo1", "--full-name", "Lê Thị Hoà"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    add.stdin
        .take()
        .unwrap()
        .write_all("mật-khẩu-dài\n".as_bytes())
        .unwrap();
    let out = add.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("canbo1"));

    let _served = Served(
        serve_args(&[])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect(&addr).is_err() {
        assert!(Instant::now() < deadline, "motcua serve did not start");
        std::thread::sleep(Duration::from_millis(50));
    }

    let url = format!("http://{addr}");
    let mut s = Session::start(dir.path(), &[("MOTCUA_BACKEND_URL", &url)]);
    let screen = s.wait_for("Đăng nhập");
    assert!(!screen.contains("DEMO"), "{screen}");
    s.send("canbo1\r");
    s.send("sai-mat-khau\r");
    s.wait_for("không đúng");
    s.send("mật-khẩu-dài\r");
    let screen = s.wait_for("50 thủ tục");
    assert!(screen.contains("canbo1"), "{screen}");
    assert!(!screen.contains("mật-khẩu"), "the password is never shown");
    s.send("q");
    assert!(s.wait_exit().success());
}

#[test]
fn no_color_and_vt100_get_no_colour_codes() {
    let dir = tempfile::tempdir().unwrap();
    for env in [
        [("NO_COLOR", "1"), ("TERM", "xterm-256color")],
        [("NO_COLOR", ""), ("TERM", "vt100")],
    ] {
        let mut s = Session::start(dir.path(), &env);
        s.wait_for("2000 thủ tục");
        s.send("/thu vien");
        s.wait_for(&format!("{}/2000", thu_vien_matches()));
        s.send("\r");
        s.send("q");
        assert!(s.wait_exit().success());
        let raw = s.raw();
        for sgr in [
            &b"\x1b[38;"[..],
            b"\x1b[48;",
            b"\x1b[31m",
            b"\x1b[36m",
            b"\x1b[46m",
            b"\x1b[44m",
        ] {
            assert!(
                !contains(&raw, sgr),
                "{env:?}: colour code {:?} written",
                String::from_utf8_lossy(sgr)
            );
        }
    }
}

#[test]
fn sigterm_and_sighup_restore_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    for signal in ["-TERM", "-HUP"] {
        let mut s = Session::start(dir.path(), &[]);
        s.wait_for("2000 thủ tục");
        let pid = s.child.process_id().expect("pid").to_string();
        let killed = std::process::Command::new("kill")
            .args([signal, &pid])
            .status()
            .unwrap();
        assert!(killed.success());
        s.wait_exit();
        assert!(
            !s.parser.lock().unwrap().screen().alternate_screen(),
            "{signal}"
        );
        assert!(contains(&s.raw(), b"\x1b[?1049l"), "{signal}");
    }
}

#[test]
fn too_small_terminal_says_so_until_resized() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Session::start_sized(dir.path(), &[], 20, 60);
    s.wait_for("60×20");
    s.resize(24, 80);
    s.wait_for("Danh mục thủ tục");
    s.send("q");
    assert!(s.wait_exit().success());
}

/// Fills the intake form of a freshly opened dossier: submitter name, CCCD, birth date,
/// sex (Nữ), phone.
fn fill_submitter(s: &mut Session) {
    s.send("Lê Thị Thu Hà\t079192019782\t14/05/1992\t");
    // Right twice: chưa chọn → Nam → Nữ.
    s.send("\x1b[C");
    s.send("\x1b[C");
    s.send("\t0912345678");
    s.wait_for("0912345678");
}

#[test]
fn intake_by_keyboard_at_80x24_then_found_in_the_list() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Session::start(dir.path(), &[]);
    s.wait_for("2000 thủ tục");
    s.send("/thu vien");
    s.wait_for("/2000");
    s.send("\r");
    s.send("\r");
    let screen = s.wait_for("Thêm mới hồ sơ");
    assert!(
        screen.contains("Thủ tục thông báo thành lập thư viện"),
        "{screen}"
    );
    fill_submitter(&mut s);
    let screen = s.wait_for("‹Nữ›");
    assert!(
        !screen.contains('✗'),
        "no problems on a valid form:\n{screen}"
    );
    // Ctrl+S: "Cập nhật". The receipt shows the final code reserved from the backend.
    s.send("\x13");
    let screen = s.wait_for("GIẤY TIẾP NHẬN");
    assert!(
        screen.contains("Mã hồ sơ: 000.00.92.H55-"),
        "a final code from the demo unit's block:\n{screen}"
    );
    assert!(!screen.contains("TẠM"), "{screen}");
    // x exports the printable receipt inside the export folder.
    s.send("x");
    s.wait_for("Đã xuất tệp để in");
    let exports: Vec<_> = std::fs::read_dir(dir.path().join("data").join("exports"))
        .unwrap()
        .collect();
    assert_eq!(exports.len(), 1);
    s.send("\x1b");
    std::thread::sleep(Duration::from_millis(300));
    // The dossier list (d) finds it, also when searched without accents.
    s.send("d");
    let screen = s.wait_for("Lê Thị Thu Hà");
    assert!(screen.contains("1 hồ sơ"), "{screen}");
    // The demo backend runs: the dossier is sent at once and gets its final code.
    let screen = s.wait_for("Đã gửi");
    assert!(!screen.contains("-T0"), "{screen}");
    s.send("/thu ha");
    s.wait_for("thu ha");
    s.send("\r\r");
    let screen = s.wait_for("chỉ xem");
    assert!(screen.contains("079192019782"), "{screen}");
    s.send("q");
    assert!(s.wait_exit().success());
}

#[test]
fn kill_9_mid_form_then_the_draft_reopens() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Session::start(dir.path(), &[]);
    s.wait_for("2000 thủ tục");
    s.send("/thu vien");
    s.wait_for("/2000");
    s.send("\r\r");
    s.wait_for("Thêm mới hồ sơ");
    fill_submitter(&mut s);
    // The draft is saved within a second of typing.
    s.wait_for("bản nháp đã lưu");
    let pid = s.child.process_id().expect("pid");
    let killed = std::process::Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let _ = s.wait_exit();
    drop(s);

    let mut s = Session::start(dir.path(), &[]);
    let screen = s.wait_for("Đã khôi phục bản nháp");
    for typed in [
        "Lê Thị Thu Hà",
        "079192019782",
        "14/05/1992",
        "‹Nữ›",
        "0912345678",
    ] {
        assert!(screen.contains(typed), "{typed} recovered:\n{screen}");
    }
    // Finish it: it becomes a dossier, and the next start has nothing to recover.
    s.send("\x13");
    s.wait_for("GIẤY TIẾP NHẬN");
    s.send("q");
    assert!(s.wait_exit().success());
    let mut s = Session::start(dir.path(), &[]);
    let screen = s.wait_for("2000 thủ tục");
    assert!(!screen.contains("khôi phục"), "{screen}");
    s.send("q");
    assert!(s.wait_exit().success());
}

#[test]
fn population_check_takes_the_database_value_into_the_dossier_and_logs_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Session::start(dir.path(), &[]);
    s.wait_for("2000 thủ tục");
    s.send("/thu vien");
    s.wait_for("/2000");
    s.send("\r\r");
    s.wait_for("Thêm mới hồ sơ");
    fill_submitter(&mut s);
    // One wrong field: house number 52 where the database has 25.
    s.send("\tSố 52 đường Nguyễn Thị Minh Khai, Phường Bến Thành, Thành phố Hồ Chí Minh");
    s.wait_for("Bến Thành");
    // F7: the check box, prefilled from the form; Enter: look the citizen up.
    s.send("\x1b[18~");
    let screen = s.wait_for("THÔNG TIN XÁC THỰC BẮT BUỘC");
    assert!(screen.contains("079192019782"), "{screen}");
    s.send("\r");
    let screen = s.wait_for("So sánh với CSDL dân cư");
    let address_row = screen
        .lines()
        .find(|l| l.contains("Thường trú"))
        .expect("the permanent-address row");
    assert!(address_row.contains('≠'), "{screen}");
    assert!(
        address_row.contains("Số 52") && address_row.contains("Số 25"),
        "{screen}"
    );
    for same in ["Họ và tên", "Ngày sinh", "Giới tính"] {
        let row = screen.lines().find(|l| l.contains(same)).unwrap();
        assert!(row.contains('='), "{same} equal:\n{screen}");
    }
    // The cursor starts on the first difference: Space marks it, Enter takes it.
    s.send(" ");
    s.wait_for("[✓]≠");
    s.send("\r");
    let screen = s.wait_for("Đã lấy 1 trường");
    assert!(screen.contains("đã kiểm tra lúc"), "{screen}");
    assert!(screen.contains("CSDL DC ●●●"), "{screen}");
    // Saved: the dossier keeps the database's value with its source.
    s.send("\x13");
    s.wait_for("GIẤY TIẾP NHẬN");
    s.send("\x1b");
    std::thread::sleep(Duration::from_millis(300));
    // F12: the lookup is in the audit log.
    s.send("\x1b[24~");
    let screen = s.wait_for("Nhật ký tra cứu CSDL dân cư ·");
    let row = screen
        .lines()
        .find(|l| l.contains("079192019782") && l.contains("Tra cứu"))
        .expect("the lookup in the log");
    assert!(row.contains("Tìm thấy"), "{screen}");
    // Its purpose names the dossier by the code it was given when saved.
    s.send("j");
    let screen = s.wait_for("trả về");
    assert!(screen.contains("hồ sơ 000.00.92.H55-"), "{screen}");
    s.send("q");
    assert!(s.wait_exit().success());

    let db = {
        let (store, key) = keys::demo_store(&dir.path().join("data"));
        keys::open_db(&store, &key)
    };
    let body: String = db
        .query_row(
            "SELECT body FROM dossier_revision ORDER BY finalized_at DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let d: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert!(
        d["submitter"]["address"]
            .as_str()
            .is_some_and(|a| a.starts_with("Số 25 đường")),
        "{body}"
    );
    assert_eq!(
        d["submitter"]["evidence"]["address"]["source"],
        "population_db"
    );
    assert_eq!(d["population_checks"]["submitter"]["state"], "found");
    let logged: i64 = db
        .query_row(
            "SELECT count(*) FROM audit WHERE action = 'population.lookup' AND citizen = '079192019782'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(logged, 1);
}

#[test]
fn household_verification_of_a_demo_household_kept_with_the_dossier() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Session::start(dir.path(), &[]);
    s.wait_for("2000 thủ tục");
    s.send("/thu vien");
    s.wait_for("/2000");
    s.send("\r\r");
    s.wait_for("Thêm mới hồ sơ");
    fill_submitter(&mut s);
    // F8: the head is the submitter; paste household A with an outsider and a bad line.
    s.send("\x1b[19~");
    let screen = s.wait_for("Xác thực chủ hộ, thành viên hộ ");
    assert!(screen.contains("079192019782"), "{screen}");
    s.send("\x1b[200~042089006135\r079216003521\r079320001846,Phạm Bảo Ngọc\rxyz\r001200017187\x1b[201~");
    let screen = s.wait_for("Đã thêm 4 người");
    assert!(screen.contains("dòng 4"), "{screen}");
    // F5: verify all.
    s.send("\x1b[15~");
    let screen = s.wait_for("Xong: 3 thành viên, 1 không phải");
    let row = |id: &str| {
        screen
            .lines()
            .find(|l| l.contains(id))
            .unwrap_or_else(|| panic!("{id}:\n{screen}"))
            .to_owned()
    };
    assert!(row("042089006135").contains("Chồng"), "{screen}");
    assert!(row("079320001846").contains("Thành viên"), "{screen}");
    assert!(row("001200017187").contains("Không phải"), "{screen}");
    // Esc: back to the form, which shows the result; saving keeps it in the dossier.
    s.send("\x1b");
    let screen = s.wait_for("Xác thực hộ");
    assert!(screen.contains("3 TV, 1 không"), "{screen}");
    s.send("\x13");
    s.wait_for("GIẤY TIẾP NHẬN");
    s.send("\x1b");
    std::thread::sleep(Duration::from_millis(300));
    s.send("q");
    assert!(s.wait_exit().success());
    let db = {
        let (store, key) = keys::demo_store(&dir.path().join("data"));
        keys::open_db(&store, &key)
    };
    let body: String = db
        .query_row("SELECT body FROM dossier_revision LIMIT 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    let d: serde_json::Value = serde_json::from_str(&body).unwrap();
    let rows = d["household"]["rows"]
        .as_array()
        .expect("the table is kept");
    assert_eq!(rows.len(), 4, "{body}");
    assert_eq!(d["household"]["head"]["id_number"], "079192019782");
    let logged: i64 = db
        .query_row(
            "SELECT count(*) FROM audit WHERE action = 'population.household'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(logged, 4);
}

/// The demo with its backend stopped (F9, F8): a dossier taken meanwhile waits in the
/// outbox and the status bar says so; once the backend is started again (F8) the queue
/// drains by itself — no key pressed — and the dossier is on the server.
#[test]
fn offline_intake_waits_then_drains_when_the_demo_backend_returns() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Session::start(dir.path(), &[]);
    s.wait_for("2000 thủ tục");
    s.send("\x1b[20~"); // F9: the sync screen
    s.wait_for("Máy chủ demo đang chạy");
    s.send("\x1b[19~"); // F8: stop the embedded backend
    s.wait_for("Máy chủ demo đã TẮT");
    s.send("\x1b");
    // A lone Esc, not the start of Alt+/.
    std::thread::sleep(Duration::from_millis(300));
    s.send("/thu vien");
    s.wait_for("/2000");
    s.send("\r\r");
    s.wait_for("Thêm mới hồ sơ");
    fill_submitter(&mut s);
    s.send("\x13");
    s.wait_for("GIẤY TIẾP NHẬN");
    s.send("\x1b");
    std::thread::sleep(Duration::from_millis(300));
    let screen = s.wait_for("1 chờ");
    assert!(screen.contains("Ngoại tuyến"), "{screen}");
    s.send("\x1b[20~");
    let screen = s.wait_for("chờ gửi    hồ sơ");
    assert!(screen.contains("Chờ gửi 1"), "{screen}");
    s.send("\x1b[19~"); // F8: start it again; nothing else is pressed
    s.wait_for("Máy chủ demo đang chạy");
    let screen = s.wait_for("Chờ gửi 0 · Tạm giữ 0 · Đã gửi 1");
    assert!(
        screen.contains("đã gửi     hồ sơ    000.00.92.H55-"),
        "{screen}"
    );
    s.send("q");
    assert!(s.wait_exit().success());
}

/// The idle lock, for real: with `idle_lock_min = 1` the screen locks a minute after the
/// last key while a name is half typed; the lock shows nothing of the form; a wrong
/// password is refused; the right one brings the form back with the name as it was.
#[test]
fn an_idle_session_locks_and_the_password_brings_the_form_back() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("config.toml"),
        "[security]\nidle_lock_min = 1\n",
    )
    .unwrap();
    let mut s = Session::start(dir.path(), &[]);
    s.wait_for("thủ tục");
    s.send("/thu vien");
    s.wait_for(&format!("{}/", thu_vien_matches()));
    s.send("\r");
    std::thread::sleep(Duration::from_millis(200));
    s.send("\r");
    s.wait_for("Họ tên *");
    s.send("Lê Văn Khóa Màn");
    s.wait_for("Lê Văn Khóa Màn");
    let locked = s
        .wait_within("Màn hình đã khóa", Duration::from_secs(90))
        .unwrap_or_else(|screen| panic!("the screen did not lock:\n{screen}"));
    assert!(!locked.contains("Lê Văn Khóa Màn"), "{locked}");
    assert!(!locked.contains("Họ tên"), "{locked}");
    s.send("sai-mat-khau\r");
    s.wait_for("còn 4 lần thử");
    s.send(&format!("{}\r", motcua::server::DEMO_PASSWORD));
    let back = s.wait_for("Lê Văn Khóa Màn");
    assert!(!back.contains("Màn hình đã khóa"), "{back}");
    s.send("\x1b");
    std::thread::sleep(Duration::from_millis(300));
    s.send("q");
    assert!(s.wait_exit().success());
}
