//! Hostile input from outside is refused cleanly, in bounded memory: a 10 MB QR code
//! through each way one comes in, a 100 MB catalogue file and an endless one, an
//! oversized members list, a 100 MB JSON body sent to the reference backend.
//!
//! Memory is bounded by construction — a refusal before anything is read or held — so
//! these tests assert the refusal, its message, and that the large path was not taken
//! (what was read, pulled or held), never a process's memory. Huge files are sparse
//! (`File::set_len`): fast, and next to nothing on disk.

mod common;

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use assert_cmd::Command;
use motcua::app::scan::{Detector, Input};
use motcua::app::{MAX_PASTE, Msg, update};
use motcua::bounded::MB;

/// [`MB`] as a length in memory.
const MB_USIZE: usize = 1024 * 1024;
use motcua::i18n::Lang;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

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

/// Runs a command that must fail: its exit status and standard error.
fn failure(cmd: &mut Command) -> (i32, String) {
    let out = cmd.output().expect("run");
    assert!(!out.status.success(), "succeeded");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A sparse file of `len` zero bytes.
fn sparse(path: &Path, len: u64) {
    std::fs::File::create(path)
        .and_then(|f| f.set_len(len))
        .expect("a sparse file");
}

// ---------------------------------------------------------------------------
// A 10 MB QR code
// ---------------------------------------------------------------------------

/// `motcua qr parse -` reads one line from standard input, at most the longest QR text
/// (and its line ending) plus one byte: a 10 MB line is refused by its length.
#[test]
fn a_10_mb_qr_on_standard_input_is_refused_by_its_length() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("qr.txt");
    sparse(&big, 10 * MB);
    let (code, err) = failure(
        motcua(dir.path())
            .args(["--lang", "vi", "qr", "parse", "-"])
            .pipe_stdin(&big)
            .expect("stdin"),
    );
    assert_eq!(code, 2);
    // The line was cut at 2,048 + 3 bytes: that is all that was read.
    assert!(
        err.contains("Mã QR quá dài (2051 byte, tối đa 2048)"),
        "{err}"
    );
    let (_, err) = failure(
        motcua(dir.path())
            .args(["--lang", "en", "qr", "parse", "-"])
            .pipe_stdin(&big)
            .expect("stdin"),
    );
    assert!(err.contains("The QR code is too long"), "{err}");
}

/// As an argument (the kernel caps one argument at 128 KiB, so 100 KB stands in for
/// 10 MB): refused by its length before anything else.
#[test]
fn a_long_qr_argument_is_refused_by_its_length() {
    let dir = tempfile::tempdir().unwrap();
    let long = "079192019782||Lê Thị Thu Hà|14051992|Nữ|".repeat(2500);
    let (code, err) = failure(motcua(dir.path()).args(["--lang", "vi", "qr", "parse", &long]));
    assert_eq!(code, 2);
    assert!(
        err.contains(&format!("Mã QR quá dài ({} byte, tối đa 2048)", long.len())),
        "{err}"
    );
}

/// A keyboard-wedge scanner typing 10 MB in one burst: the detector holds at most one
/// QR code's worth of keys, hands none on, and the burst ends in one refusal, which the
/// app says in the status line (the serial scanner's overlong line arrives as the same
/// message: `card::serial_scanner`'s tests).
#[test]
fn a_10_mb_keyboard_wedge_burst_is_refused_and_said() {
    let mut detector = Detector::default();
    let t0 = std::time::Instant::now();
    let burst = "079192019782||Lê Thị Thu Hà|14051992|Nữ|Số 25|10082021|";
    let mut inputs = Vec::new();
    let mut sent = 0;
    let mut at = t0;
    while sent < 10 * MB_USIZE {
        for c in burst.chars() {
            inputs.extend(detector.push(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE), at));
            sent += c.len_utf8();
        }
        at += std::time::Duration::from_millis(2);
    }
    assert!(inputs.is_empty(), "keys handed on: {}", inputs.len());
    let enter = KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE);
    let end = detector.push(enter, at);
    assert_eq!(end, vec![Input::TooLong { len: sent }]);

    let mut s = common::loaded(Lang::Vi, false, motcua::catalogue::sample());
    let effects = update(&mut s, Msg::ScanTooLong { len: sent });
    assert!(effects.is_empty());
    let flash = s.flash.as_ref().expect("a message");
    assert!(flash.error);
    assert_eq!(
        flash.text,
        format!(
            "Đã bỏ qua một lần quét dài {sent} byte (tối đa 2048): không phải mã QR trên CCCD."
        )
    );
}

/// A 10 MB paste (a QR code pasted, or anything) is refused whole before a screen
/// copies, cleans or parses it: the filter it would have gone into stays empty.
#[test]
fn a_10_mb_paste_is_refused_before_any_screen_sees_it() {
    let mut s = common::loaded(Lang::Vi, false, motcua::catalogue::sample());
    let qr = "079192019782||Lê Thị Thu Hà|14051992|Nữ|Số 25|10082021\n";
    let paste = qr.repeat(10 * MB_USIZE / qr.len() + 1);
    let effects = update(&mut s, Msg::Paste(paste));
    assert!(effects.is_empty());
    let flash = s.flash.as_ref().expect("a message");
    assert!(flash.error);
    assert_eq!(
        flash.text,
        "Đã bỏ qua nội dung dán quá dài (10 MB, tối đa 1 MB). Danh sách dài hãy nhập từ tệp."
    );
    let screen = common::text(&common::draw(&s));
    assert!(!screen.contains("079192019782"), "{screen}");
    // A paste at the limit goes through as before.
    let mut s = common::loaded(Lang::En, false, motcua::catalogue::sample());
    let _ = update(&mut s, Msg::Paste("thư viện".to_owned()));
    assert!(s.flash.is_none());
    assert!(common::text(&common::draw(&s)).contains("thư viện"));
    let at_limit = "a".repeat(MAX_PASTE);
    let _ = update(&mut s, Msg::Paste(at_limit));
    assert!(s.flash.is_none(), "{:?}", s.flash);
}

// ---------------------------------------------------------------------------
// Files: a 100 MB catalogue, an endless one, a large members list
// ---------------------------------------------------------------------------

/// A 100 MB catalogue file is refused from its size: nothing is read, no store opened.
#[test]
fn a_100_mb_catalogue_is_refused_from_its_size() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("catalogue.json");
    sparse(&big, 100 * MB);
    let (code, err) = failure(
        motcua(dir.path())
            .args(["--lang", "vi", "catalogue", "import"])
            .arg(&big),
    );
    assert_eq!(code, 1);
    assert!(err.contains("quá lớn (tối đa 64 MB)"), "{err}");
    let (_, err) = failure(
        motcua(dir.path())
            .args(["--lang", "en", "catalogue", "import"])
            .arg(&big),
    );
    assert!(err.contains("is too large (at most 64 MB)"), "{err}");
    assert!(
        !dir.path().join("data/demo/motcua.db").exists(),
        "the store was opened"
    );
}

/// A file with no size to check — `/dev/zero` says 0 bytes and never ends — is read to
/// the cap and one byte more, then refused (before, `std::fs::read` filled memory).
#[test]
fn an_endless_catalogue_is_read_only_to_the_cap() {
    let dir = tempfile::tempdir().unwrap();
    let (code, err) = failure(motcua(dir.path()).args([
        "--lang",
        "vi",
        "catalogue",
        "import",
        "--format",
        "json",
        "/dev/zero",
    ]));
    assert_eq!(code, 1);
    assert!(err.contains("quá lớn (tối đa 64 MB)"), "{err}");
}

/// `household verify --input` with a 50 MB list: refused from its size, before the
/// backend or the store is touched.
#[test]
fn a_large_members_list_is_refused_from_its_size() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("members.csv");
    sparse(&big, 50 * MB);
    let out = dir.path().join("results.csv");
    let (code, err) = failure(
        motcua(dir.path())
            .args([
                "--lang",
                "vi",
                "household",
                "verify",
                "--head",
                "079192019782",
            ])
            .arg("--input")
            .arg(&big)
            .arg("--output")
            .arg(&out),
    );
    assert_eq!(code, 1);
    assert!(err.contains("quá lớn (tối đa 16 MB)"), "{err}");
    assert!(!out.exists(), "the results file was created");
}

// ---------------------------------------------------------------------------
// A 100 MB JSON body sent to the reference backend
// ---------------------------------------------------------------------------

/// The reference backend's body limit (`routes::BODY_LIMIT`, 2 MB, set explicitly with
/// `DefaultBodyLimit`; axum's default is the same) holds for a 100 MB JSON body that
/// streams in without a length, on the sign-in route and, signed in, on the sync
/// route: the answer is 413 `PAYLOAD_TOO_LARGE` in the error model, and the server
/// pulled no more than the limit (and the chunk that crossed it) of the 100 MB.
#[tokio::test]
async fn a_100_mb_json_body_is_refused_by_the_reference_backend_at_its_limit() {
    use axum::body::{Body, Bytes};
    use tower::ServiceExt as _;
    let dir = tempfile::tempdir().unwrap();
    let mut opts = motcua::server::ServeOptions::new(dir.path().to_path_buf());
    opts.citizens = 20;
    opts.procedures = 20;
    let state = motcua::server::prepare(&opts, |_| {}).expect("the backend's state");
    motcua::server::add_official(&state, "canbo1", "Cán Bộ", "000.00.92.H55", "mat-khau-thu")
        .expect("an official");
    let app = motcua::server::routes::router(state);

    let sign_in = axum::http::Request::post("/v1/auth/token")
        .header("content-type", "application/json")
        .body(Body::from(
            r#"{"grant_type":"password","username":"canbo1","password":"mat-khau-thu"}"#,
        ))
        .expect("a request");
    let answer = app.clone().oneshot(sign_in).await.expect("an answer");
    assert_eq!(answer.status(), 200);
    let bytes = axum::body::to_bytes(answer.into_body(), MB_USIZE)
        .await
        .expect("the token");
    let token: motcua::api::TokenResponse = serde_json::from_slice(&bytes).expect("a token");

    let chunk = Bytes::from(vec![b' '; 64 * 1024]);
    let chunks = 100 * MB_USIZE / chunk.len();
    for (route, bearer) in [
        ("/v1/auth/token", None),
        ("/v1/sync/batches", Some(&token.access_token)),
    ] {
        let pulled = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&pulled);
        // `{` then JSON whitespace: a valid start, so only the size can stop it.
        let body = std::iter::once(Bytes::from_static(b"{"))
            .chain(std::iter::repeat_n(chunk.clone(), chunks))
            .map(move |c| {
                counter.fetch_add(c.len(), Ordering::Relaxed);
                Ok::<_, std::io::Error>(c)
            });
        let mut request =
            axum::http::Request::post(route).header("content-type", "application/json");
        if let Some(token) = bearer {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        let request = request
            .body(Body::from_stream(futures_util::stream::iter(body)))
            .expect("a request");
        let answer = app.clone().oneshot(request).await.expect("an answer");
        assert_eq!(answer.status(), 413, "{route}");
        let bytes = axum::body::to_bytes(answer.into_body(), MB_USIZE)
            .await
            .expect("the error body");
        let error: motcua::api::ApiError = serde_json::from_slice(&bytes).expect("the error model");
        assert_eq!(
            error.code,
            motcua::api::ErrorCode::PayloadTooLarge,
            "{route}"
        );
        let pulled = pulled.load(Ordering::Relaxed);
        assert!(
            pulled <= motcua::server::routes::BODY_LIMIT + chunk.len() + 1,
            "{route}: {pulled} bytes of 100 MB pulled"
        );
    }
}
