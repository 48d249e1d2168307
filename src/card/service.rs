//! What the app and the card service say to each other: the commands the app sends,
//! the reader's state and the reads' results it gets back. The PC/SC service
//! (`pcsc_service`) speaks this; so does an in-process virtual card in tests.

use super::reader::{CardRead, ReadError};

/// A command for the card service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CardCmd {
    /// Read the card on the reader with this BAC key input (MRZ information); DG2 (the
    /// face) only when wanted.
    Read {
        id: u64,
        bac_info: String,
        want_dg2: bool,
    },
    /// Stop the read in flight (within one APDU).
    Cancel,
    /// Stop the service.
    Shutdown,
}

/// The reader as the status bar shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReaderState {
    /// pcscd is not running.
    NoService,
    /// pcscd runs but no reader is plugged in.
    NoReader,
    /// The reader in use, and whether a card is on it.
    Ready { reader: String, card: bool },
    /// Something else went wrong with PC/SC.
    Error(String),
}

/// What passive authentication found, as the app shows and records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaSummary {
    /// `verified`, `signer_not_trusted` or `failed`.
    pub level: &'static str,
    /// Why not verified: i18n keys with their arguments.
    pub reasons: Vec<(&'static str, Vec<(&'static str, String)>)>,
    /// The document signer, as its certificate names it.
    pub signer: Option<String>,
}

/// A read that came back: the files, what passive authentication found, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChipRead {
    pub read: CardRead,
    pub pa: PaSummary,
    /// The reader's name.
    pub reader: String,
    /// When it was read (office time).
    pub at: jiff::civil::DateTime,
}

/// What the card service reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CardEvent {
    Reader(ReaderState),
    /// The read reached a step (a file's name).
    Progress {
        id: u64,
        step: &'static str,
    },
    Done {
        id: u64,
        result: Result<Box<ChipRead>, ServiceError>,
    },
}

/// Why a read could not be done.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ServiceError {
    #[error("pcscd is not running")]
    NoService,
    #[error("no card reader")]
    NoReader,
    #[error("the card reader was unplugged")]
    ReaderGone,
    #[error("no card on the reader")]
    NoCard,
    #[error("the card was removed")]
    Removed,
    #[error("the read was cancelled")]
    Cancelled,
    #[error("the reader is busy")]
    Busy,
    #[error("PC/SC: {0}")]
    Pcsc(String),
    #[error(transparent)]
    Read(ReadError),
}

impl ServiceError {
    /// The i18n key.
    #[must_use]
    pub const fn key(&self) -> &'static str {
        match self {
            ServiceError::NoService => "card.no_service",
            ServiceError::NoReader => "card.no_reader",
            ServiceError::ReaderGone => "card.reader_gone",
            ServiceError::NoCard => "card.no_card",
            ServiceError::Removed => "card.removed",
            ServiceError::Cancelled => "card.cancelled",
            ServiceError::Busy => "card.busy",
            ServiceError::Pcsc(_) => "card.transport",
            ServiceError::Read(e) => e.key(),
        }
    }

    /// The message's arguments.
    #[must_use]
    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            ServiceError::Pcsc(e) => vec![("error", e.clone())],
            ServiceError::Read(e) => e.args(),
            _ => Vec::new(),
        }
    }
}

/// A running card service: takes commands; dropping it stops the service.
pub trait CardLink: Send {
    fn send(&self, cmd: CardCmd);
}

/// Where a card service reports.
pub type Sink = Box<dyn Fn(CardEvent) + Send + 'static>;

/// Starts a card service that reports to the sink it is given (the runtime gives it
/// one that feeds the app loop).
pub type CardStarter = Box<dyn FnOnce(Sink) -> std::io::Result<Box<dyn CardLink>> + Send>;
