//! The real `motcua` binary in a pseudo-terminal, its screen parsed by a terminal emulator
//! (vt100) and every byte it writes kept. Shared by the end-to-end tests that drive the
//! app as a person (or a scanner) at a terminal would; included with
//! `#[path = "common/pty.rs"] mod pty;`.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, PtySize, native_pty_system};

/// How long a wait for the screen or for the app to exit may take before the test fails:
/// generous, for a debug build on a busy machine.
pub const WAIT: Duration = Duration::from_secs(30);

fn nz(n: u16) -> std::num::NonZeroU16 {
    std::num::NonZeroU16::new(n).expect("non-zero")
}

pub const BIN: &str = env!("CARGO_BIN_EXE_motcua");

pub struct Session {
    pub master: Box<dyn portable_pty::MasterPty + Send>,
    pub child: Box<dyn Child + Send + Sync>,
    pub writer: Box<dyn Write + Send>,
    pub parser: Arc<Mutex<vt100::Parser>>,
    pub raw: Arc<Mutex<Vec<u8>>>,
    /// Set when the reader has read the terminal to its end (every process holding it
    /// has exited).
    drained: Arc<std::sync::atomic::AtomicBool>,
}

/// The environment that keeps every file of the app inside `dir`.
pub fn env_for(dir: &Path) -> Vec<(&'static str, String)> {
    vec![
        (
            "MOTCUA_CONFIG",
            dir.join("config.toml").display().to_string(),
        ),
        (
            "MOTCUA_KEYMAP",
            dir.join("keymap.toml").display().to_string(),
        ),
        ("MOTCUA_DATA_DIR", dir.join("data").display().to_string()),
        ("MOTCUA_LOG_DIR", dir.join("logs").display().to_string()),
    ]
}

impl Session {
    pub fn start(dir: &Path, extra_env: &[(&str, &str)]) -> Self {
        Self::start_sized(dir, extra_env, 24, 80)
    }

    pub fn start_sized(dir: &Path, extra_env: &[(&str, &str)], rows: u16, cols: u16) -> Self {
        Self::start_with(dir, &[], extra_env, rows, cols)
    }

    /// `motcua ARGS…` (the app when `args` is empty, else a command such as
    /// `catalogue import`) in a terminal of `rows`×`cols`.
    pub fn start_with(
        dir: &Path,
        args: &[&std::ffi::OsStr],
        extra_env: &[(&str, &str)],
        rows: u16,
        cols: u16,
    ) -> Self {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("openpty");
        let mut cmd = CommandBuilder::new(BIN);
        cmd.args(args);
        cmd.env("TERM", "xterm-256color");
        cmd.env("LANG", "C.UTF-8");
        cmd.env_remove("NO_COLOR");
        cmd.env_remove("MOTCUA_LANG");
        for (k, v) in env_for(dir) {
            cmd.env(k, v);
        }
        for (k, v) in extra_env {
            cmd.env(k, v);
        }
        let child = pair.slave.spawn_command(cmd).expect("spawn motcua");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("reader");
        let writer = pair.master.take_writer().expect("writer");
        let parser = Arc::new(Mutex::new(vt100::Parser::new(nz(rows), nz(cols), 0)));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let drained = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (p, r, d) = (parser.clone(), raw.clone(), drained.clone());
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            let mut held = Vec::new();
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                r.lock().unwrap().extend_from_slice(&buf[..n]);
                held.extend_from_slice(&buf[..n]);
                let ready = held.len() - partial_mark(&held);
                p.lock().unwrap().process(&with_stand_in(&held[..ready]));
                held.drain(..ready);
            }
            d.store(true, std::sync::atomic::Ordering::SeqCst);
        });
        Self {
            master: pair.master,
            child,
            writer,
            parser,
            raw,
            drained,
        }
    }

    /// The screen as text, `�` where the app wrote one.
    pub fn screen(&self) -> String {
        self.parser
            .lock()
            .unwrap()
            .screen()
            .contents()
            .replace(STAND_IN, "\u{FFFD}")
    }

    pub fn wait_for(&self, what: &str) -> String {
        self.wait_within(what, WAIT).unwrap_or_else(|s| {
            panic!("timed out waiting for {what:?}; screen:\n{s}");
        })
    }

    /// The screen once `what` is gone from it.
    pub fn wait_gone(&self, what: &str) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            let s = self.screen();
            if !s.contains(what) {
                return s;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what:?} to go; screen:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The screen once it shows `what`, or (`Err`) the screen after `limit`.
    pub fn wait_within(&self, what: &str, limit: Duration) -> Result<String, String> {
        let deadline = Instant::now() + limit;
        loop {
            let s = self.screen();
            if s.contains(what) {
                return Ok(s);
            }
            if Instant::now() >= deadline {
                return Err(s);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn send(&mut self, bytes: &str) {
        self.writer.write_all(bytes.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    pub fn wait_exit(&mut self) -> portable_pty::ExitStatus {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                // Let the reader thread read the last bytes, up to the terminal's end
                // (a few seconds at most: a process the app started may hold it).
                let drain_deadline = Instant::now() + Duration::from_secs(5);
                while !self.drained.load(std::sync::atomic::Ordering::SeqCst)
                    && Instant::now() < drain_deadline
                {
                    std::thread::sleep(Duration::from_millis(10));
                }
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "motcua did not exit; screen:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn resize(&self, rows: u16, cols: u16) {
        let size = PtySize {
            rows,
            cols,
            pixel_width: 0,
            pixel_height: 0,
        };
        self.master.resize(size).unwrap();
        self.parser.lock().unwrap().set_size(nz(rows), nz(cols));
    }

    /// Every byte the app has written to the terminal so far.
    pub fn raw(&self) -> Vec<u8> {
        self.raw.lock().unwrap().clone()
    }
}

/// U+FFFD `�` in UTF-8. vt100 drops it from the screen (its UTF-8 decoder makes it of
/// bytes that are not UTF-8), yet it is the mark motcua shows where it removed control
/// characters from outside text, so the harness hands vt100 a stand-in instead.
const MARK_UTF8: [u8; 3] = [0xEF, 0xBF, 0xBD];
/// A private-use character of the same width (one cell) and length (three bytes) that
/// motcua never writes.
const STAND_IN: &str = "\u{E000}";

/// The bytes with every `�` replaced by [`STAND_IN`].
fn with_stand_in(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut rest = bytes;
    while !rest.is_empty() {
        if rest.starts_with(&MARK_UTF8) {
            out.extend_from_slice(STAND_IN.as_bytes());
            rest = &rest[MARK_UTF8.len()..];
        } else {
            out.push(rest[0]);
            rest = &rest[1..];
        }
    }
    out
}

/// How many bytes at the end of `bytes` may be the start of a `�` cut by a read.
fn partial_mark(bytes: &[u8]) -> usize {
    if bytes.ends_with(&MARK_UTF8[..2]) {
        2
    } else {
        usize::from(bytes.ends_with(&MARK_UTF8[..1]))
    }
}

pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
