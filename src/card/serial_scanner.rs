//! A serial (USB CDC) QR scanner: a device that sends each scan as a line of UTF-8.
//! Read on its own thread; each line becomes a scan. A missing or unplugged device is
//! reported once and retried every [`RETRY`], so plugging the scanner in later works.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// The pause before opening the device again.
pub const RETRY: Duration = Duration::from_secs(2);

/// The longest line taken, in bytes (the longest QR text [`super::qr`] reads); a longer
/// one is not a CCCD QR code: it is dropped as it comes (never held) and reported.
pub const MAX_LINE: usize = super::qr::MAX_LEN;

/// What the scanner sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScannerEvent {
    /// One scan, without its line ending.
    Line(String),
    /// A line longer than [`MAX_LINE`] was dropped: `len` bytes.
    TooLong { len: usize },
    /// The device cannot be read (reported once until it works again).
    Problem(String),
}

/// Splits a byte stream into lines at CR or LF; empty lines are skipped and overlong
/// ones dropped (at most [`MAX_LINE`] bytes are held).
#[derive(Debug, Default)]
pub struct Lines {
    buf: Vec<u8>,
    /// The length of the line being dropped, once it passed [`MAX_LINE`].
    overlong: Option<usize>,
}

impl Lines {
    /// Feeds bytes; returns the complete lines, and a [`ScannerEvent::TooLong`] for
    /// each overlong one.
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<ScannerEvent> {
        let mut out = Vec::new();
        for &b in bytes {
            if b == b'\r' || b == b'\n' {
                if let Some(len) = self.overlong.take() {
                    out.push(ScannerEvent::TooLong { len });
                } else if !self.buf.is_empty() {
                    out.push(ScannerEvent::Line(
                        String::from_utf8_lossy(&self.buf).into_owned(),
                    ));
                }
                self.buf.clear();
            } else if let Some(len) = self.overlong.as_mut() {
                *len = len.saturating_add(1);
            } else if self.buf.len() < MAX_LINE {
                self.buf.push(b);
            } else {
                self.overlong = Some(self.buf.len() + 1);
                self.buf.clear();
            }
        }
        out
    }
}

/// The running reader thread; dropping it stops the thread at its next wake-up.
pub struct ScannerHandle {
    stop: Arc<AtomicBool>,
}

impl Drop for ScannerHandle {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// Puts a tty into raw mode without echo (a scanner's line must not echo back to it).
/// Best effort: CDC ACM scanners work in the default mode too.
fn raw_mode(path: &Path) {
    use std::os::unix::fs::FileTypeExt;
    let is_tty = std::fs::metadata(path).is_ok_and(|m| m.file_type().is_char_device());
    if is_tty {
        let _ = std::process::Command::new("stty")
            .arg("-F")
            .arg(path)
            .args(["raw", "-echo"])
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status();
    }
}

/// Starts reading `device`; each scan and problem goes to `sink`.
pub fn spawn(
    device: PathBuf,
    sink: impl Fn(ScannerEvent) + Send + 'static,
) -> std::io::Result<ScannerHandle> {
    let stop = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&stop);
    std::thread::Builder::new()
        .name("qr-scanner".into())
        .spawn(move || run(&device, &flag, &sink))?;
    Ok(ScannerHandle { stop })
}

fn run(device: &Path, stop: &AtomicBool, sink: &dyn Fn(ScannerEvent)) {
    let mut reported: Option<String> = None;
    while !stop.load(Ordering::Relaxed) {
        raw_mode(device);
        match std::fs::File::open(device) {
            Ok(mut f) => {
                reported = None;
                let mut lines = Lines::default();
                let mut buf = [0u8; 512];
                loop {
                    match f.read(&mut buf) {
                        // End of input: the device went away (or a pipe's writer closed).
                        Ok(0) => break,
                        Ok(n) => {
                            for event in lines.feed(&buf[..n]) {
                                sink(event);
                            }
                        }
                        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                        Err(e) => {
                            let msg = format!("{}: {e}", device.display());
                            tracing::warn!(error = %msg, "scanner read failed");
                            sink(ScannerEvent::Problem(msg.clone()));
                            reported = Some(msg);
                            break;
                        }
                    }
                    if stop.load(Ordering::Relaxed) {
                        return;
                    }
                }
            }
            Err(e) => {
                let msg = format!("{}: {e}", device.display());
                if reported.as_deref() != Some(msg.as_str()) {
                    tracing::warn!(error = %msg, "scanner cannot be opened");
                    sink(ScannerEvent::Problem(msg.clone()));
                    reported = Some(msg);
                }
            }
        }
        std::thread::sleep(RETRY);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(s: &str) -> ScannerEvent {
        ScannerEvent::Line(s.to_owned())
    }

    #[test]
    fn lines_split_at_cr_or_lf_and_overlong_ones_are_dropped() {
        let mut l = Lines::default();
        assert!(l.feed(b"0791|Le").is_empty());
        assert_eq!(
            l.feed(b" Thi\r\n\r\nabc\n"),
            [line("0791|Le Thi"), line("abc")]
        );
        let long = vec![b'x'; MAX_LINE + 10];
        assert!(l.feed(&long).is_empty());
        assert_eq!(
            l.feed(b"\nok\r"),
            [ScannerEvent::TooLong { len: MAX_LINE + 10 }, line("ok")]
        );
        assert_eq!(l.feed("Hà\u{1b}\n".as_bytes()), [line("Hà\u{1b}")]);
        // At the limit exactly, the line is kept.
        let max = vec![b'1'; MAX_LINE];
        assert_eq!(
            l.feed(&[&max[..], b"\n"].concat()),
            [line(&"1".repeat(MAX_LINE))]
        );
    }

    #[test]
    fn a_ten_megabyte_line_is_reported_without_being_held() {
        let mut l = Lines::default();
        let chunk = vec![b'7'; 64 * 1024];
        let total = 10 * 1024 * 1024;
        for _ in 0..total / chunk.len() {
            assert!(l.feed(&chunk).is_empty());
            // Never more than the line limit held (a Vec at most doubles as it grows).
            assert!(
                l.buf.capacity() <= 2 * MAX_LINE,
                "{} bytes held",
                l.buf.capacity()
            );
        }
        assert_eq!(l.feed(b"\r\n"), [ScannerEvent::TooLong { len: total }]);
    }

    #[test]
    fn a_device_sending_a_10_mb_line_gets_it_reported_then_the_next_scan_read() {
        use std::io::{Seek as _, Write as _};
        // A sparse 10 MB "line" of NUL bytes, its line ending, then a real scan.
        let dir = tempfile::tempdir().unwrap();
        let dev = dir.path().join("scanner");
        let mut f = std::fs::File::create(&dev).unwrap();
        let len = 10 * 1024 * 1024;
        f.set_len(u64::try_from(len).unwrap()).unwrap();
        f.seek(std::io::SeekFrom::End(0)).unwrap();
        f.write_all("\r\n079192019782||Lê Thị Thu Hà|14051992|Nữ|Số 25|10082021\r\n".as_bytes())
            .unwrap();
        drop(f);
        let (tx, rx) = std::sync::mpsc::channel();
        let _h = spawn(dev, move |e| {
            let _ = tx.send(e);
        })
        .unwrap();
        let wait = Duration::from_secs(10);
        assert_eq!(
            rx.recv_timeout(wait).unwrap(),
            ScannerEvent::TooLong { len }
        );
        match rx.recv_timeout(wait).unwrap() {
            ScannerEvent::Line(l) => assert!(l.starts_with("079192019782||Lê"), "{l}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_device_delivers_each_line_and_a_missing_device_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("ttyACM9");
        let (tx, rx) = std::sync::mpsc::channel();
        let sink_tx = tx.clone();
        let _h = spawn(missing.clone(), move |e| {
            let _ = sink_tx.send(e);
        })
        .unwrap();
        match rx.recv_timeout(Duration::from_secs(5)).unwrap() {
            ScannerEvent::Problem(m) => assert!(m.contains("ttyACM9"), "{m}"),
            other @ (ScannerEvent::Line(_) | ScannerEvent::TooLong { .. }) => panic!("{other:?}"),
        }
        // A regular file stands in for the device: its lines arrive, then it is
        // reopened after RETRY (and read again), which is what an unplug looks like.
        let dev = dir.path().join("scanner");
        std::fs::write(
            &dev,
            "079192019782||Lê Thị Thu Hà|14051992|Nữ|Số 25|10082021\r\n",
        )
        .unwrap();
        let (tx2, rx2) = std::sync::mpsc::channel();
        let _h2 = spawn(dev, move |e| {
            let _ = tx2.send(e);
        })
        .unwrap();
        match rx2.recv_timeout(Duration::from_secs(5)).unwrap() {
            ScannerEvent::Line(l) => assert!(l.starts_with("079192019782||Lê")),
            other @ (ScannerEvent::Problem(_) | ScannerEvent::TooLong { .. }) => {
                panic!("{other:?}")
            }
        }
    }
}
