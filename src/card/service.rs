//! What the app and a card service say to each other — the commands, the reader's
//! state, the reads' results — and what every card service does after a read: passive
//! authentication against the CSCA folder. Two services speak it: `pcsc_service` (a
//! reader through pcscd) and [`spawn_virtual`] (a virtual card in process, for the demo
//! without pcscd, and for tests).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, mpsc};

use super::pa::{self, Level, TrustStore};
use super::reader::{self, CardRead, ReadError, Transport};
use super::virtual_card::VirtualCard;

/// Progress step: connecting to the card (an i18n key).
pub const STEP_CONNECT: &str = "card.step.connect";
/// Progress step: Basic Access Control (an i18n key).
pub const STEP_AUTHENTICATE: &str = "card.step.authenticate";
/// Progress step: reading the files under secure messaging (an i18n key).
pub const STEP_READ: &str = "card.step.read";
/// Progress step: checking the signature (an i18n key).
pub const STEP_VERIFY: &str = "card.step.verify";

/// A command for the card thread.
#[derive(Clone, PartialEq, Eq)]
pub enum CardCmd {
    /// Read the card on the chosen reader; answered by [`CardEvent::Done`] with `id`.
    Read {
        /// Ties the answer to the request.
        id: u64,
        /// The MRZ information for BAC (see [`super::mrz::bac_key_seed_input`]).
        bac_info: String,
        /// Also read DG2 (the photo), when the card lists it.
        want_dg2: bool,
    },
    /// Stop the read in progress, and any read asked before this command, within one
    /// APDU; each answers [`ServiceError::Cancelled`]. Reads asked after it run.
    Cancel,
    /// Stop the thread (a read in progress stops as with `Cancel`).
    Shutdown,
}

/// The BAC information is a citizen's data: it is not printed.
impl std::fmt::Debug for CardCmd {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CardCmd::Read { id, want_dg2, .. } => f
                .debug_struct("Read")
                .field("id", id)
                .field("bac_info", &"…")
                .field("want_dg2", want_dg2)
                .finish(),
            CardCmd::Cancel => f.write_str("Cancel"),
            CardCmd::Shutdown => f.write_str("Shutdown"),
        }
    }
}

/// What the official's reader looks like.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReaderState {
    /// pcscd is not running.
    NoService,
    /// No reader is connected (or none matches the configured name).
    NoReader,
    /// The chosen reader, and whether a card is on it.
    Ready {
        /// The reader's PC/SC name.
        reader: String,
        /// A card is present.
        card: bool,
    },
    /// PC/SC failed otherwise (the message is pcsc's, in English).
    Error(String),
}

/// What the card thread reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CardEvent {
    /// The reader's state changed.
    Reader(ReaderState),
    /// A read reached a step (one of the `STEP_*` i18n keys).
    Progress {
        /// The read's id.
        id: u64,
        /// The step's i18n key.
        step: &'static str,
    },
    /// A read ended.
    Done {
        /// The read's id.
        id: u64,
        /// The card's data with its passive authentication, or why there is none.
        result: Result<Box<ChipRead>, ServiceError>,
    },
}

/// Why a read (or a reader listing) failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ServiceError {
    #[error("the smart card service (pcscd) is not running")]
    NoService,
    #[error("no card reader is connected")]
    NoReader,
    #[error("the card reader was unplugged")]
    ReaderGone,
    #[error("there is no card on the reader")]
    NoCard,
    #[error("the card was taken off the reader")]
    Removed,
    #[error("the read was cancelled")]
    Cancelled,
    #[error("another program is using the card")]
    Busy,
    #[error("the system's random number source failed")]
    Random,
    #[error("the card reader failed: {0}")]
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
            ServiceError::Random => "card.random",
            ServiceError::Pcsc(_) => "card.reader_error",
            ServiceError::Read(e) => e.key(),
        }
    }

    /// The values its message names.
    #[must_use]
    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            ServiceError::Pcsc(e) => vec![("error", e.clone())],
            ServiceError::Read(e) => e.args(),
            _ => Vec::new(),
        }
    }
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

/// Passive authentication of a read: every data group read is hashed and compared with
/// EF.SOD, the signature checked, and the signer chained to a CSCA in `csca_dir` (read
/// at each call, so a certificate added to the folder counts at once). A chip without
/// EF.SOD proves nothing: `failed`.
#[must_use]
pub fn authenticate(read: &CardRead, csca_dir: Option<&Path>) -> PaSummary {
    let Some(sod) = &read.sod else {
        return PaSummary {
            level: Level::Failed.as_str(),
            reasons: vec![("pa.reason.no_sod", Vec::new())],
            signer: None,
        };
    };
    let trust = match csca_dir {
        Some(dir) if dir.is_dir() => {
            let (store, problems) = TrustStore::load_dir(dir);
            for (path, problem) in problems {
                tracing::warn!(file = %path.display(), %problem, "CSCA file skipped");
            }
            store
        }
        _ => TrustStore::empty(),
    };
    let mut dgs = BTreeMap::new();
    dgs.insert(1, read.dg1.clone());
    dgs.insert(13, read.dg13.clone());
    if let Some(dg2) = &read.dg2 {
        dgs.insert(2, dg2.clone());
    }
    let report = pa::verify(sod, &dgs, &trust);
    PaSummary {
        level: report.level.as_str(),
        reasons: report.reasons.iter().map(|r| (r.key(), r.args())).collect(),
        signer: report.signer,
    }
}

/// Office time now (Vietnam).
#[must_use]
pub fn office_now() -> jiff::civil::DateTime {
    jiff::Timestamp::now()
        .to_zoned_datetime(crate::clock::vn_tz())
        .datetime()
}

/// Reads a card over `t` and authenticates it: what both services do for a `Read`.
/// `cancel` is looked at before each APDU.
pub fn read_chip(
    t: &mut dyn Transport,
    bac_info: &str,
    want_dg2: bool,
    csca_dir: Option<&Path>,
    reader_name: &str,
    progress: &dyn Fn(&'static str),
) -> Result<Box<ChipRead>, ServiceError> {
    let mut random_failed = false;
    let mut random = |buf: &mut [u8]| {
        if getrandom::fill(buf).is_err() {
            random_failed = true;
        }
    };
    let mut step = |s: &'static str| {
        progress(if s == "BAC" {
            STEP_AUTHENTICATE
        } else {
            STEP_READ
        });
    };
    let read = reader::read_with(t, bac_info, &mut random, want_dg2, &mut step)
        .map_err(ServiceError::Read)?;
    if random_failed {
        return Err(ServiceError::Random);
    }
    progress(STEP_VERIFY);
    let pa = authenticate(&read, csca_dir);
    Ok(Box::new(ChipRead {
        read,
        pa,
        reader: reader_name.to_owned(),
        at: office_now(),
    }))
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

/// The name the in-process virtual card's reader shows.
pub const VIRTUAL_READER: &str = "motcua virtual card (in process)";

/// The in-process virtual card service.
struct VirtualLink {
    tx: mpsc::Sender<CardCmd>,
    cancel: Arc<AtomicBool>,
}

impl CardLink for VirtualLink {
    fn send(&self, cmd: CardCmd) {
        if cmd == CardCmd::Cancel {
            self.cancel.store(true, Ordering::SeqCst);
        }
        let _ = self.tx.send(cmd);
    }
}

impl Drop for VirtualLink {
    fn drop(&mut self) {
        let _ = self.tx.send(CardCmd::Shutdown);
    }
}

/// The virtual card as a transport that stops when cancelled.
struct Cancellable<'a> {
    card: &'a mut VirtualCard,
    cancel: &'a AtomicBool,
}

impl Transport for Cancellable<'_> {
    fn transmit(&mut self, apdu: &[u8]) -> Result<Vec<u8>, String> {
        if self.cancel.load(Ordering::SeqCst) {
            return Err("cancelled".into());
        }
        self.card.transmit(apdu)
    }

    fn extended_length(&self) -> bool {
        self.card.extended_length()
    }
}

/// A card service over a virtual card always on its reader, in process: the demo's
/// card when no PC/SC reader is there, and the app tests'. Reads run on its own thread
/// like a real reader's.
#[must_use]
pub fn spawn_virtual(card: VirtualCard, csca_dir: Option<PathBuf>) -> CardStarter {
    Box::new(move |sink: Sink| {
        let (tx, rx) = mpsc::channel::<CardCmd>();
        let cancel = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&cancel);
        std::thread::Builder::new()
            .name("card-virtual".into())
            .spawn(move || {
                let mut card = card;
                sink(CardEvent::Reader(ReaderState::Ready {
                    reader: VIRTUAL_READER.to_owned(),
                    card: true,
                }));
                while let Ok(cmd) = rx.recv() {
                    match cmd {
                        CardCmd::Read {
                            id,
                            bac_info,
                            want_dg2,
                        } => {
                            card.reset();
                            let mut t = Cancellable {
                                card: &mut card,
                                cancel: &flag,
                            };
                            let progress = |step| sink(CardEvent::Progress { id, step });
                            let result = read_chip(
                                &mut t,
                                &bac_info,
                                want_dg2,
                                csca_dir.as_deref(),
                                VIRTUAL_READER,
                                &progress,
                            )
                            .map_err(|e| {
                                if flag.load(Ordering::SeqCst) {
                                    ServiceError::Cancelled
                                } else {
                                    e
                                }
                            });
                            sink(CardEvent::Done { id, result });
                        }
                        CardCmd::Cancel => flag.store(false, Ordering::SeqCst),
                        CardCmd::Shutdown => return,
                    }
                }
            })?;
        Ok(Box::new(VirtualLink { tx, cancel }) as Box<dyn CardLink>)
    })
}
