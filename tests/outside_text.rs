//! Outside text is text (M8): escape sequences hidden in what comes from a card, a QR
//! code, the backend, an imported file or a paste never reach the terminal.
//!
//! Each test feeds hostile text through one path into the real `motcua` binary running
//! in a pseudo-terminal, then scans every byte the app wrote to the terminal: no injected
//! sequence may be there, nor any OSC at all (motcua never sets the window title, so
//! citizen data can never land in it), C1 control, bidi control, cursor-position request
//! or BEL. The screen, parsed by vt100, must show the harmless form: the text's letters
//! with `�` where the control characters were.
//!
//! The chip test needs pcscd with the vpcd driver (`scripts/pcscd.sh start`, which
//! `scripts/test.sh` runs and which sets `MOTCUA_PCSC_E2E=1`); without it the test says
//! why and passes, except under `CI`, where it fails.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

#[path = "common/pty.rs"]
mod pty;
use pty::{BIN, Session, contains, env_for};

/// The mark `motcua::text::sanitize` shows where it removed control characters.
const MARK: char = motcua::text::REMOVED_MARK;

/// `motcua` with its files in `dir`, for the commands run beside the app.
fn motcua(dir: &Path) -> Command {
    let mut cmd = Command::new(BIN);
    for (k, v) in env_for(dir) {
        cmd.env(k, v);
    }
    cmd.env_remove("MOTCUA_LANG").stdin(Stdio::null());
    cmd
}

/// What the app may never write, whatever it is fed: an OSC (`ESC ]`: the window title,
/// the clipboard, hyperlinks), a C1 control in UTF-8 (U+0080–U+009F, CSI U+009B among
/// them), a bidi control, a cursor-position request (`ESC [6n`, whose answer the
/// terminal would type into the app) and BEL (an OSC's end).
fn assert_never_written(raw: &[u8]) {
    assert!(!contains(raw, b"\x1b]"), "an OSC was written");
    assert!(
        !contains(raw, b"\x1b[6n"),
        "a cursor-position request was written"
    );
    assert!(!raw.contains(&0x07), "BEL was written");
    for c in (0x80..=0x9f)
        .chain(0x202a..=0x202e)
        .chain(0x2066..=0x2069)
        .chain([0x200e, 0x200f, 0x061c])
    {
        let c = char::from_u32(c).expect("a char");
        let mut buf = [0; 4];
        assert!(
            !contains(raw, c.encode_utf8(&mut buf).as_bytes()),
            "U+{:04X} was written",
            u32::from(c)
        );
    }
}

/// The raw output holds none of `injected` (each exactly as fed) and nothing of
/// [`assert_never_written`]. The app writes colours and clears itself, so sequences such
/// as `ESC [31m` are looked for with the text injected around them.
fn assert_clean(raw: &[u8], injected: &[&str]) {
    assert_never_written(raw);
    for bad in injected {
        assert!(
            !contains(raw, bad.as_bytes()),
            "the injected {bad:?} reached the terminal"
        );
    }
}

/// `s` with every `~` turned into the mark: expected screen text reads like the input.
fn marked(s: &str) -> String {
    s.replace('~', &MARK.to_string())
}

/// Opens a new dossier of a "thư viện" procedure from the full demo catalogue.
fn open_intake(s: &mut Session) {
    s.wait_for("2000 thủ tục");
    s.send("/thu vien");
    s.wait_for("/2000");
    s.send("\r\r");
    s.wait_for("Thêm mới hồ sơ");
}

/// Fills the submitter's number, birth date, sex (Nữ) and phone after the name.
fn fill_submitter_after_name(s: &mut Session) {
    s.send("\t079192019782\t14/05/1992\t");
    // Right twice: chưa chọn → Nam → Nữ.
    s.send("\x1b[C");
    s.send("\x1b[C");
    s.send("\t0912345678");
    s.wait_for("0912345678");
}

/// Esc, then waits until `gone` (shown until the Esc is handled) is gone, so that the
/// next key is not read with the Esc as Alt+key.
fn escape(s: &mut Session, gone: &str) {
    s.send("\x1b");
    s.wait_gone(gone);
}

#[test]
fn pasted_escape_sequences_show_marks_and_drive_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Session::start(dir.path(), &[]);
    s.wait_for("2000 thủ tục");
    // A bracketed paste hands over whatever the clipboard held, ESC and C1 included, up
    // to the closing ESC [201~. First into the list's filter…
    s.send("/\x1b[200~thu\x1b]2;INJ-FILTER\x07\x1b[201~");
    s.wait_for(&marked("Lọc: thu~]2;INJ-FILTER~"));
    escape(&mut s, "INJ-FILTER");
    s.send("/thu vien");
    s.wait_for("/2000");
    s.send("\r\r");
    s.wait_for("Thêm mới hồ sơ");
    // …then into the submitter's name.
    s.send("\x1b[200~Lê\x1b]0;INJ-PASTE\x07Thị\x1b[6nThu\u{9b}2JHà\u{202e}An\x1b[201~");
    let clean = marked("Lê~]0;INJ-PASTE~Thị~[6nThu~2JHà~An");
    let screen = s.wait_for(&clean);
    assert!(
        screen
            .lines()
            .any(|l| l.contains("Họ tên *") && l.contains(&clean)),
        "{screen}"
    );
    fill_submitter_after_name(&mut s);
    // F8: a members list pasted into the household screen, a name in it hostile.
    s.send("\x1b[19~");
    s.wait_for("Xác thực chủ hộ, thành viên hộ ");
    s.send("\x1b[200~042089006135,Lê\x1b[31mINJ-HH\u{2067}An\r079216003521\r\x1b[201~");
    let screen = s.wait_for("Đã thêm 2 người");
    assert!(screen.contains(&marked("Lê~[31mINJ-HH~An")), "{screen}");
    escape(&mut s, "Thành viên cần xác thực");
    // Saved: the receipt shows the name as stored, and the printable receipt (HTML,
    // which keeps bidi controls) holds it cleaned too.
    s.send("\x13");
    let screen = s.wait_for("GIẤY TIẾP NHẬN");
    assert!(screen.contains(&clean), "{screen}");
    s.send("x");
    s.wait_for("Đã xuất tệp để in");
    let exports: Vec<_> = std::fs::read_dir(dir.path().join("data").join("exports"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(exports.len(), 1);
    let html = std::fs::read_to_string(&exports[0]).unwrap();
    assert!(html.contains(&clean), "{html}");
    assert!(!html.contains(['\u{1b}', '\u{9b}', '\u{202e}']), "{html}");
    escape(&mut s, "GIẤY TIẾP NHẬN");
    // The dossier list shows the applicant as stored.
    s.send("d");
    let screen = s.wait_for("1 hồ sơ");
    assert!(screen.contains(&marked("Lê~]0;INJ")), "{screen}");
    s.send("q");
    assert!(s.wait_exit().success());
    assert_clean(
        &s.raw(),
        &[
            "\x1b]2;INJ-FILTER",
            "\x1b]0;INJ-PASTE",
            "INJ-PASTE\x07",
            "\x1b[31mINJ-HH",
        ],
    );
}

#[test]
fn qr_scans_with_escape_sequences_show_marks_and_drive_nothing() {
    let dir = tempfile::tempdir().unwrap();
    // The serial scanner is a FIFO here: the app reads its lines as from a USB CDC tty.
    let fifo = dir.path().join("scanner");
    rustix::fs::mkfifoat(
        rustix::fs::CWD,
        &fifo,
        rustix::fs::Mode::RUSR | rustix::fs::Mode::WUSR,
    )
    .expect("mkfifo");
    std::fs::write(
        dir.path().join("config.toml"),
        format!(
            "[scanner]\nserial_device = {:?}\n",
            fifo.display().to_string()
        ),
    )
    .unwrap();
    let mut s = Session::start(dir.path(), &[]);
    open_intake(&mut s);
    s.send("\x1b[15~"); // F5: the card box
    s.wait_for("Khóa truy cập chip");
    // A keyboard-wedge scanner types the code as keys: a terminal turns an ESC into a key
    // of its own, but C1 and bidi characters come through as text. The burst is sent
    // again if the machine was too slow to take it as one scan (a repeated scan is
    // harmless: the last one counts).
    let wedge = "079192019782||Lê\u{202e}Thị\u{9b}Thu Hà|14051992|Nữ|Số 25\u{2066}đường|10082021\r";
    let scanned = marked("Đã quét QR: Lê~Thị~Thu Hà · 079192019782");
    let tries = 3;
    let took = (0..tries).any(|_| {
        s.send(wedge);
        s.wait_within(&scanned, Duration::from_secs(10)).is_ok()
    });
    assert!(took, "no scan in {tries} bursts:\n{}", s.screen());
    // The serial scanner sends bytes: ESC and BEL come through as they are.
    let line = "079192019782||Lê\x1b]0;INJ-QR\x07Thị\x1b[2JThu Hà|14051992|Nữ\
                |Số 25\x1b[31mINJ-QR-ADDR đường|10082021\r\n";
    let path = fifo.clone();
    let writer = std::thread::spawn(move || {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .open(path)
            .expect("open the scanner FIFO");
        f.write_all(line.as_bytes())
            .expect("write the scanner FIFO");
    });
    s.wait_for(&marked("Đã quét QR: Lê~]0;INJ-QR~Thị~[2JThu Hà"));
    writer.join().unwrap();
    // F4: the QR's values into the form.
    s.send("\x1bOS");
    let screen = s.wait_for("Đã lấy 5 trường");
    let row = |label: &str| {
        screen
            .lines()
            .find(|l| l.contains(label))
            .unwrap_or_else(|| panic!("{label}:\n{screen}"))
            .to_owned()
    };
    assert!(
        row("Họ tên *").contains(&marked("Lê~]0;INJ-QR~Thị~[2JThu Hà")),
        "{screen}"
    );
    assert!(
        row("Địa chỉ").contains(&marked("Số 25~[31mINJ-QR-ADDR đường")),
        "{screen}"
    );
    assert!(row("Họ tên *").contains("Mã QR"), "{screen}");
    escape(&mut s, "Thêm mới hồ sơ");
    s.send("q");
    assert!(s.wait_exit().success());
    assert_clean(
        &s.raw(),
        &[
            "\x1b]0;INJ-QR",
            "INJ-QR\x07",
            "\x1b[2JThu",
            "\x1b[31mINJ-QR-ADDR",
        ],
    );
}

/// A child process killed and reaped when dropped, on every path out of the test.
struct Kid(std::process::Child);

impl Drop for Kid {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn a_chip_with_escape_sequences_in_dg13_shows_marks_and_drives_nothing() {
    if std::env::var_os("MOTCUA_PCSC_E2E").is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "MOTCUA_PCSC_E2E is not set: run the tests with scripts/test.sh"
        );
        eprintln!(
            "outside_text: the chip test is skipped: MOTCUA_PCSC_E2E is not set \
             (scripts/test.sh starts pcscd with the vpcd driver and sets it)"
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // The demo holder, with DG13 text a forged or broken card could carry (the MRZ, DG1,
    // can only hold A–Z, 0–9 and `<`).
    let holder = dir.path().join("holder.json");
    let file = serde_json::json!({
        "id_number": "079192019782",
        "surname": "Le",
        "given_names": "Thi Thu Ha",
        "birth": "1992-05-14",
        "sex": "F",
        "expiry": "2032-05-14",
        "details": {
            "id_number": "079192019782",
            "full_name": "Lê\x1b]0;INJ-CARD\x07Thị\u{202e}Thu\u{9b}6nHà",
            "birth_date": "14/05/1992",
            "sex": "Nữ",
            "permanent_address": "Số 25\x1b[2JINJ-CARD-ADDR\x1b[6n đường Nguyễn Thị Minh Khai",
            "father_name": "Lê Văn\x1b[31mINJ-CARD-FATHER",
            "issue_date": "10/08/2021",
            "expiry": "14/05/2032",
        },
    });
    std::fs::write(&holder, file.to_string()).unwrap();
    // The card on vpcd's first reader, read through pcscd by the app (the demo uses
    // PC/SC readers when pcscd has some).
    let log = std::fs::File::create(dir.path().join("card.log")).unwrap();
    let _card = Kid(motcua(dir.path())
        .args(["card", "virtual", "--port", "35963", "--holder"])
        .arg(&holder)
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("motcua card virtual"));
    let mut s = Session::start(dir.path(), &[]);
    open_intake(&mut s);
    // The chip's access key from the form: number and birth date (the expiry proposed).
    s.send("\t079192019782\t14/05/1992");
    s.wait_for("14/05/1992");
    s.send("\x1b[15~"); // F5: the card box
    s.wait_for("Virtual PCD 00 00 · có thẻ");
    s.send("\r");
    let screen = s.wait_for("Enter: lấy vào hồ sơ");
    assert!(
        screen.contains("đã xác thực"),
        "passive authentication:\n{screen}"
    );
    for (label, value) in [
        ("Họ và tên", "Lê~]0;INJ-CARD~Thị~Thu~6nHà"),
        ("Thường trú", "Số 25~[2JINJ-CARD-ADDR~[6n đường"),
        ("Cha · Mẹ", "Lê Văn~[31mINJ-CARD-FATHER"),
    ] {
        assert!(
            screen
                .lines()
                .any(|l| l.contains(label) && l.contains(&marked(value))),
            "{label}:\n{screen}"
        );
    }
    // Enter: taken into the form.
    s.send("\r");
    let screen = s.wait_for("Đã lấy 5 trường");
    assert!(
        screen
            .lines()
            .any(|l| l.contains("Họ tên *") && l.contains(&marked("Lê~]0;INJ-CARD~Thị~Thu~6nHà"))),
        "{screen}"
    );
    escape(&mut s, "Thêm mới hồ sơ");
    s.send("q");
    assert!(s.wait_exit().success());
    assert_clean(
        &s.raw(),
        &[
            "\x1b]0;INJ-CARD",
            "INJ-CARD\x07",
            "\x1b[2JINJ-CARD-ADDR",
            "\x1b[31mINJ-CARD-FATHER",
        ],
    );
}

/// Prepares the embedded demo's backend data in `dir`, as the app would at its first
/// start, with `motcua serve --add-official`; then writes hostile text into it behind
/// the server's back, as a compromised or broken provincial backend would serve it: the
/// name and field of procedure NT.0001, and citizen 079192019782's permanent address.
fn hostile_demo_backend(dir: &Path, name: &str, field: &str, address: &str) {
    let data = dir.join("data").join("demo-backend");
    let mut add = motcua(dir)
        .arg("serve")
        .arg("--data")
        .arg(&data)
        .args(["--add-official", "canbo-test"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("motcua serve");
    add.stdin
        .take()
        .expect("stdin")
        .write_all(b"mat-khau-du-dai\n")
        .expect("password");
    let out = add.wait_with_output().expect("motcua serve");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let db = rusqlite::Connection::open(data.join("backend.db")).expect("backend.db");
    let changed = db
        .execute(
            "UPDATE procedure SET record = json_set(record, '$.name', ?1, '$.field', ?2)
             WHERE code = 'NT.0001'",
            [name, field],
        )
        .expect("the procedure");
    assert_eq!(changed, 1);
    let changed = db
        .execute(
            "UPDATE citizen SET data = json_set(data, '$.permanent_detail', ?1)
             WHERE id_number = '079192019782'",
            [address],
        )
        .expect("the citizen");
    assert_eq!(changed, 1);
}

#[test]
fn backend_text_with_escape_sequences_shows_marks_and_drives_nothing() {
    let dir = tempfile::tempdir().unwrap();
    hostile_demo_backend(
        dir.path(),
        "Thủ tục INJ-SRV\x1b]0;INJ-SRV\x07thông báo\u{202e} thành lập thư viện",
        "Văn hóa\x1b[2J INJ-FIELD\u{9b}6n cơ sở",
        "Số 25\x1b[31mINJ-ADDR\x1b[6n đường Nguyễn Thị Minh Khai",
    );
    let mut s = Session::start(dir.path(), &[]);
    // The catalogue feed: the name and the field heading in the list.
    s.wait_for("2000 thủ tục");
    s.send("/inj-srv");
    let screen = s.wait_for("1/2000");
    assert!(
        screen.contains(&marked("Lĩnh vực Văn hóa~[2J INJ-FIELD~6n cơ sở")),
        "{screen}"
    );
    assert!(
        screen.contains(&marked("Thủ tục INJ-SRV~]0;INJ-SRV~thông báo~ ")),
        "{screen}"
    );
    s.send("\r\r");
    let screen = s.wait_for("Thêm mới hồ sơ");
    assert!(
        screen.contains(&marked(
            "NT.0001 Thủ tục INJ-SRV~]0;INJ-SRV~thông báo~ thành lập"
        )),
        "{screen}"
    );
    // The population database: F7, Enter; the address row differs and is selected.
    s.send("Lê Thị Thu Hà");
    fill_submitter_after_name(&mut s);
    s.send("\x1b[18~");
    s.wait_for("THÔNG TIN XÁC THỰC BẮT BUỘC");
    s.send("\r");
    let address = marked("Số 25~[31mINJ-ADDR~[6n đường Nguyễn Thị Minh Khai");
    let screen = s.wait_for("So sánh với CSDL dân cư");
    let row = screen
        .lines()
        .find(|l| l.contains("Thường trú"))
        .expect("the permanent-address row");
    assert!(row.contains(&marked("Số 25~[31mINJ-ADDR")), "{screen}");
    assert!(
        screen.contains(&format!("CSDL dân cư: {address}")),
        "{screen}"
    );
    // Space, Enter: taken into the form.
    s.send(" ");
    s.wait_for("[✓]");
    s.send("\r");
    let screen = s.wait_for("Đã lấy 1 trường");
    let row = screen
        .lines()
        .find(|l| l.contains("Địa chỉ"))
        .expect("the address row");
    assert!(
        row.contains(&marked("Số 25~[31mINJ-ADDR~[6n đường")),
        "{screen}"
    );
    escape(&mut s, "Thêm mới hồ sơ");
    s.send("q");
    assert!(s.wait_exit().success());
    assert_clean(
        &s.raw(),
        &[
            "\x1b]0;INJ-SRV",
            "INJ-SRV\x07",
            "\x1b[2J INJ-FIELD",
            "\x1b[31mINJ-ADDR",
        ],
    );
}

/// `motcua catalogue import FILE` in a terminal, as an official runs it, until it says
/// `last` (the end of its message): whether it succeeded, what it said and every byte it
/// wrote.
fn import_in_terminal(dir: &Path, file: &Path, last: &str) -> (bool, String, Vec<u8>) {
    let args = [
        std::ffi::OsStr::new("catalogue"),
        "import".as_ref(),
        file.as_os_str(),
    ];
    let mut s = Session::start_with(dir, &args, &[], 24, 80);
    let screen = s.wait_for(last);
    let ok = s.wait_exit().success();
    (ok, screen, s.raw())
}

#[test]
fn imported_escape_sequences_show_marks_and_drive_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let header = "code,name,field,days,charges_fee\n";
    // A cell that should hold a number holds a title-setting OSC and a cursor-position
    // request: the import is refused, and its message quotes the cell harmlessly.
    let bad = dir.path().join("bad-days.csv");
    std::fs::write(
        &bad,
        format!("{header}9.INJ,Đăng ký,Thư viện,\"1\x1b]0;INJ-CSV-DAYS\x07\x1b[6n\",không\n"),
    )
    .unwrap();
    let (ok, screen, raw) = import_in_terminal(dir.path(), &bad, "Chưa có gì được nhập.");
    assert!(!ok, "{screen}");
    assert!(
        screen.contains(&marked("found `1~]0;INJ-CSV-DAYS~[6n`")),
        "{screen}"
    );
    assert_clean(&raw, &["\x1b]0;INJ-CSV-DAYS", "INJ-CSV-DAYS\x07"]);
    // An escape sequence in a name: refused, the character named, not echoed.
    let bad = dir.path().join("bad-name.csv");
    std::fs::write(
        &bad,
        format!("{header}9.INJ,\"Đăng ký\x1b]2;INJ-CSV-NAME\x07\",Thư viện,1,không\n"),
    )
    .unwrap();
    let (ok, screen, raw) = import_in_terminal(dir.path(), &bad, "Chưa có gì được nhập.");
    assert!(!ok, "{screen}");
    assert!(screen.contains("(U+001B)"), "{screen}");
    assert_clean(&raw, &["\x1b]2;INJ-CSV-NAME", "INJ-CSV-NAME\x07"]);
    // Bidi controls are not control characters to the importer: taken, cleaned to marks.
    let csv = dir.path().join("catalogue.csv");
    std::fs::write(
        &csv,
        format!(
            "{header}9.INJCSV,\"Đăng ký INJ-CSV\u{202e}hoạt động\u{2066} thư viện\",\
             \"Thư viện\u{202d}INJ-CSV-FIELD\",10,không\n"
        ),
    )
    .unwrap();
    let (ok, screen, raw) = import_in_terminal(dir.path(), &csv, "0 thủ tục cũ không còn");
    assert!(ok, "{screen}");
    assert_clean(&raw, &["\u{202e}", "\u{2066}", "\u{202d}"]);
    // The app lists it (beside the demo backend's catalogue, which its feed adds).
    let mut s = Session::start(dir.path(), &[]);
    s.wait_for("2001 thủ tục");
    s.send("/inj-csv");
    let screen = s.wait_for("1/2001");
    assert!(
        screen.contains(&marked("Lĩnh vực Thư viện~INJ-CSV-FIELD")),
        "{screen}"
    );
    assert!(
        screen.contains(&marked("Đăng ký INJ-CSV~hoạt động~ thư viện")),
        "{screen}"
    );
    s.send("\r");
    s.wait_for("/ Lọc thủ tục");
    s.send("q");
    assert!(s.wait_exit().success());
    assert_clean(&s.raw(), &["\u{202e}", "\u{2066}", "\u{202d}"]);
}
