//! The terminal: raw mode and the alternate screen, restored on every way out (normal
//! exit, error, panic, SIGTERM, SIGHUP); frames written with one `write` each, wrapped in
//! synchronized output so a slow link never shows half a frame.

use std::cell::RefCell;
use std::io::{self, Write};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};

use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::{cursor, event, execute, terminal};

/// Begin synchronized update (DEC mode 2026).
pub const SYNC_BEGIN: &[u8] = b"\x1b[?2026h";
/// End synchronized update.
pub const SYNC_END: &[u8] = b"\x1b[?2026l";

static ACTIVE: AtomicBool = AtomicBool::new(false);

/// A writer that collects a frame in memory; `flush` does nothing, the frame leaves in
/// one piece when [`Tui::commit`] is called.
#[derive(Debug, Clone, Default)]
pub struct FrameBuffer(Rc<RefCell<Vec<u8>>>);

impl FrameBuffer {
    /// Takes the bytes collected so far.
    #[must_use]
    pub fn take(&self) -> Vec<u8> {
        std::mem::take(&mut self.0.borrow_mut())
    }
}

impl Write for FrameBuffer {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Wraps a frame's bytes in synchronized-output markers.
#[must_use]
pub fn wrap_frame(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + SYNC_BEGIN.len() + SYNC_END.len());
    out.extend_from_slice(SYNC_BEGIN);
    out.extend_from_slice(bytes);
    out.extend_from_slice(SYNC_END);
    out
}

/// The app's terminal.
pub struct Tui {
    pub terminal: Terminal<CrosstermBackend<FrameBuffer>>,
    frame: FrameBuffer,
}

impl Tui {
    /// Enters raw mode and the alternate screen. Install [`install_panic_hook`] first.
    pub fn enter() -> io::Result<Self> {
        terminal::enable_raw_mode()?;
        ACTIVE.store(true, Ordering::SeqCst);
        execute!(
            io::stdout(),
            terminal::EnterAlternateScreen,
            event::EnableBracketedPaste,
            cursor::Hide
        )?;
        let frame = FrameBuffer::default();
        let terminal = Terminal::new(CrosstermBackend::new(frame.clone()))?;
        Ok(Self { terminal, frame })
    }

    /// Writes what the last draw produced, in one `write`, inside synchronized output.
    /// Clears the screen and makes the next draw repaint every cell. Unlike
    /// `Terminal::clear`, it never asks the terminal where its cursor is: a terminal that
    /// does not answer that question (or a slow link that answers late) made the app
    /// fail with "the cursor position could not be read".
    pub fn clear(&mut self) -> io::Result<()> {
        use ratatui::backend::{Backend as _, ClearType};
        self.terminal.backend_mut().clear_region(ClearType::All)?;
        // The buffer on screen is forgotten: the next diff is against an empty one.
        self.terminal.swap_buffers();
        Ok(())
    }

    pub fn commit(&mut self) -> io::Result<usize> {
        let bytes = self.frame.take();
        if bytes.is_empty() {
            return Ok(0);
        }
        let out = wrap_frame(&bytes);
        let mut stdout = io::stdout().lock();
        stdout.write_all(&out)?;
        stdout.flush()?;
        Ok(out.len())
    }
}

impl Drop for Tui {
    fn drop(&mut self) {
        restore();
    }
}

/// Leaves the alternate screen and raw mode. Safe to call more than once and from the
/// panic hook; errors are ignored (the terminal may be gone after SIGHUP).
pub fn restore() {
    if ACTIVE.swap(false, Ordering::SeqCst) {
        let _ = execute!(
            io::stdout(),
            event::DisableBracketedPaste,
            terminal::LeaveAlternateScreen,
            cursor::Show
        );
        let _ = terminal::disable_raw_mode();
    }
}

/// Restores the terminal before the default panic message is printed.
pub fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        tracing::error!(panic = %info, "panic");
        previous(info);
    }));
}
