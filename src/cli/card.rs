//! `motcua card …`: the card readers pcscd sees, and a virtual CCCD served to vsmartcard's
//! virtual reader (vpcd), for tests and demonstrations without a card.

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::Subcommand;

use super::Failure;
use crate::card::pcsc_service::{self, ServiceError};
use crate::card::testpki::TestPki;
use crate::card::virtual_card::{self, Holder, VirtualCard};
use crate::card::{dg13, holder_file, reader, vpcd};
use crate::config::Config;
use crate::i18n::Lang;

/// The pause between a removal and the next insertion.
const REINSERT_PAUSE: Duration = Duration::from_millis(500);

/// How often to try again while vpcd is not listening.
const CONNECT_RETRY: Duration = Duration::from_secs(1);

#[derive(Debug, Subcommand)]
pub enum CardCommand {
    /// List the card readers pcscd sees, and whether a card is on each.
    Readers {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Read a CCCD's chip (BAC, secure messaging, passive authentication) and print it.
    Read(ReadArgs),
    /// Put a virtual CCCD into vpcd's virtual reader (pcscd with vsmartcard-vpcd) and
    /// serve it until it is removed; then insert it again, unless --once.
    Virtual(VirtualArgs),
}

/// `motcua card read`.
#[derive(Debug, clap::Args)]
pub struct ReadArgs {
    /// The reader: its name or a part of it (default: `card.reader`, else automatic).
    #[arg(long, value_name = "NAME")]
    pub reader: Option<String>,
    /// The 12-digit personal ID number (for the access key).
    #[arg(long)]
    pub id: String,
    /// Birth date, dd/mm/yyyy.
    #[arg(long, value_name = "DD/MM/YYYY")]
    pub dob: String,
    /// Expiry date, dd/mm/yyyy, or `none` for a card without one.
    #[arg(long, value_name = "DD/MM/YYYY|none")]
    pub expiry: String,
    /// Folder of trusted CSCA certificates (default: `card.csca_dir`, else `csca` in
    /// the data folder).
    #[arg(long, value_name = "DIR")]
    pub csca: Option<PathBuf>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    /// Read the in-process virtual card (the demo holder) instead of a reader.
    #[arg(long)]
    pub virtual_card: bool,
}

/// How long `card read` waits for a card on the reader.
const CARD_WAIT: Duration = Duration::from_secs(15);

/// `motcua card virtual`.
#[derive(Debug, clap::Args)]
pub struct VirtualArgs {
    /// vpcd's host.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// vpcd's port (35963: `Virtual PCD 00 00`; 35964: `Virtual PCD 00 01`).
    #[arg(long, default_value_t = vpcd::DEFAULT_PORT)]
    pub port: u16,
    /// The holder, as JSON (see src/card/holder_file.rs); default: the demo holder.
    #[arg(long, value_name = "FILE.json")]
    pub holder: Option<PathBuf>,
    /// Seed of the card's challenges and keys.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Pull the card out after N APDUs (a removal mid-read), on the first insertion
    /// only: inserted again, the card answers normally.
    #[arg(long, value_name = "N")]
    pub pull_after: Option<usize>,
    /// Serve one insertion and exit; exit 1 if vpcd is not listening.
    #[arg(long)]
    pub once: bool,
    /// Write the test CSCA certificate that signed the card's EF.SOD into this folder
    /// (as `motcua-test-csca.pem`), for `card.csca_dir` or `card read --csca`.
    #[arg(long, value_name = "DIR")]
    pub csca_out: Option<PathBuf>,
    /// Change a file after signing, so passive authentication fails (`dg13`).
    #[arg(long, value_enum)]
    pub tamper: Option<Tamper>,
}

/// What `--tamper` changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Tamper {
    /// DG13 with another name, after the SOD was signed.
    Dg13,
}

/// The CSCA folder the configuration names (empty: `csca` in the data folder).
#[must_use]
pub fn csca_dir(paths: &crate::paths::Paths, config: &Config) -> PathBuf {
    let dir = config.card.csca_dir.trim();
    if dir.is_empty() {
        paths.data_dir.join("csca")
    } else {
        PathBuf::from(dir)
    }
}

/// Runs `motcua card …`.
pub(super) fn run(
    paths: &crate::paths::Paths,
    config: &Config,
    command: &CardCommand,
) -> Result<(), Failure> {
    let lang = config.ui.lang;
    match command {
        CardCommand::Readers { json } => readers(config, *json),
        CardCommand::Read(args) => read(paths, config, args),
        CardCommand::Virtual(args) => serve_virtual(lang, args),
    }
}

fn service_failure(lang: Lang, e: &ServiceError) -> Failure {
    let owned = e.args();
    let args: Vec<(&str, &dyn std::fmt::Display)> = owned
        .iter()
        .map(|(k, v)| (*k, v as &dyn std::fmt::Display))
        .collect();
    Failure::runtime(lang.f(e.key(), &args))
}

/// `motcua card readers`.
fn readers(config: &Config, json: bool) -> Result<(), Failure> {
    let lang = config.ui.lang;
    let readers = pcsc_service::list_readers().map_err(|e| match e {
        ServiceError::NoService => service_failure(lang, &e),
        e => Failure::runtime(lang.f("cli.card_failed", &[("error", &e)])),
    })?;
    let chosen = pcsc_service::choose_reader(
        pcsc_service::ServiceConfig::from_setting(&config.card.reader)
            .reader
            .as_deref(),
        &readers,
    )
    .map(|(name, _)| name.clone());
    if json {
        /// One reader in `--json`.
        #[derive(serde::Serialize)]
        struct Entry<'a> {
            name: &'a str,
            /// A card is on it.
            card: bool,
            /// The reader motcua would read from (config `card.reader`, else automatic).
            chosen: bool,
        }
        let list: Vec<Entry> = readers
            .iter()
            .map(|(name, card)| Entry {
                name,
                card: *card,
                chosen: chosen.as_ref() == Some(name),
            })
            .collect();
        let text =
            serde_json::to_string_pretty(&list).map_err(|e| Failure::runtime(e.to_string()))?;
        println!("{text}");
        return Ok(());
    }
    if readers.is_empty() {
        eprintln!("{}", lang.t("cli.card_no_readers"));
        return Ok(());
    }
    let w = readers
        .iter()
        .map(|(n, _)| crate::text::width(n))
        .max()
        .unwrap_or(0);
    for (name, card) in &readers {
        let mark = if chosen.as_ref() == Some(name) {
            '*'
        } else {
            ' '
        };
        let pad = w.saturating_sub(crate::text::width(name));
        let state = lang.t(if *card {
            "card.state.card"
        } else {
            "card.state.no_card"
        });
        println!("{mark} {name}{}  {state}", " ".repeat(pad));
    }
    Ok(())
}

/// The holder from `--holder`, or the demo holder.
fn holder(lang: Lang, file: Option<&Path>) -> Result<Holder, Failure> {
    let Some(file) = file else {
        return Ok(virtual_card::demo_holder());
    };
    let shown = file.display();
    let bad = |e: &dyn std::fmt::Display| {
        Failure::usage(lang.f("cli.holder_error", &[("file", &shown), ("error", e)]))
    };
    let max = u64::try_from(holder_file::MAX_LEN).unwrap_or(u64::MAX);
    let bytes = crate::bounded::read(file, max).map_err(|e| match e {
        crate::bounded::ReadError::TooLarge { .. } => bad(&holder_file::HolderFileError::TooLarge),
        e => bad(&lang.f_owned(e.key(), &e.args())),
    })?;
    let text = String::from_utf8(bytes).map_err(|e| bad(&e))?;
    holder_file::parse(&text).map_err(|e| bad(&e))
}

/// The card for one insertion (from 0): the holder's files, then what the flags change.
/// Later flags that alter the card (an SOD signed by a test PKI, a tampered file) apply
/// here, so every insertion gets the same card.
fn card_for(holder: &Holder, args: &VirtualArgs, insertion: u32) -> Result<VirtualCard, String> {
    let mut card = VirtualCard::new(holder, args.seed).map_err(|e| e.to_string())?;
    // Every card carries an EF.SOD signed under the test CSCA of its seed.
    card.sign(&TestPki::generate(args.seed));
    if args.tamper == Some(Tamper::Dg13) {
        let mut details = holder.details.clone();
        details.full_name = Some("Nguyễn Văn Giả".to_owned());
        card.set_file(reader::EF_DG13, dg13::encode(&details, true));
    }
    if insertion == 0 {
        card.pull_after = args.pull_after;
    }
    Ok(card)
}

/// `motcua card virtual`.
fn serve_virtual(lang: Lang, args: &VirtualArgs) -> Result<(), Failure> {
    let holder = holder(lang, args.holder.as_deref())?;
    // Say now, before connecting, if this holder cannot make a card.
    card_for(&holder, args, 0).map_err(|e| {
        let file = args
            .holder
            .as_ref()
            .map_or_else(|| "(demo)".to_owned(), |p| p.display().to_string());
        Failure::usage(lang.f("cli.holder_error", &[("file", &file), ("error", &e)]))
    })?;
    if let Some(dir) = &args.csca_out {
        let path = dir.join("motcua-test-csca.pem");
        std::fs::create_dir_all(dir)
            .and_then(|()| std::fs::write(&path, TestPki::generate(args.seed).csca_pem()))
            .map_err(|e| {
                Failure::runtime(lang.f(
                    "cli.csca_write_error",
                    &[("file", &path.display()), ("error", &e)],
                ))
            })?;
    }
    let addr = format!("{}:{}", args.host, args.port);
    let mut insertion = 0u32;
    let mut said_waiting = false;
    loop {
        let stream = match TcpStream::connect((args.host.as_str(), args.port)) {
            Ok(stream) => stream,
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
                let msg = lang.f("cli.vpcd_not_listening", &[("addr", &addr)]);
                if args.once {
                    return Err(Failure::runtime(msg));
                }
                if !said_waiting {
                    eprintln!("motcua: {msg}");
                    eprintln!("motcua: {}", lang.t("cli.vpcd_waiting"));
                    said_waiting = true;
                }
                std::thread::sleep(CONNECT_RETRY);
                continue;
            }
            Err(e) => {
                return Err(Failure::runtime(
                    lang.f("cli.vpcd_error", &[("addr", &addr), ("error", &e)]),
                ));
            }
        };
        said_waiting = false;
        let mut card = card_for(&holder, args, insertion).map_err(Failure::runtime)?;
        eprintln!(
            "motcua: {}",
            lang.f("cli.vpcd_inserted", &[("addr", &addr)])
        );
        tracing::info!(%addr, insertion, "virtual card inserted");
        match vpcd::serve(stream, &mut card, &vpcd::ATR) {
            Ok(vpcd::Outcome::Pulled { apdus }) => {
                eprintln!(
                    "motcua: {}",
                    lang.f("cli.vpcd_pulled", &[("apdus", &apdus)])
                );
            }
            Ok(vpcd::Outcome::Closed { apdus }) => {
                eprintln!(
                    "motcua: {}",
                    lang.f("cli.vpcd_closed", &[("apdus", &apdus)])
                );
            }
            Err(e) => {
                let msg = lang.f("cli.vpcd_error", &[("addr", &addr), ("error", &e)]);
                if args.once {
                    return Err(Failure::runtime(msg));
                }
                eprintln!("motcua: {msg}");
            }
        }
        if args.once {
            return Ok(());
        }
        insertion = insertion.saturating_add(1);
        std::thread::sleep(REINSERT_PAUSE);
    }
}

/// The access key from the flags, or what is wrong with them.
fn bac_info(lang: Lang, args: &ReadArgs) -> Result<String, Failure> {
    let bad = |key: &str| Failure::usage(lang.t(key).to_owned());
    let id = args.id.trim();
    if id.len() != 12 || !id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad("card.key.id"));
    }
    let birth = crate::card::dg13::parse_date(&args.dob).ok_or_else(|| bad("card.key.birth"))?;
    let expiry =
        crate::screens::card::parse_expiry(&args.expiry).ok_or_else(|| bad("card.key.expiry"))?;
    crate::card::mrz::bac_key_seed_input(id, birth, expiry).map_err(|e| {
        let owned = e.args();
        let a: Vec<(&str, &dyn std::fmt::Display)> = owned
            .iter()
            .map(|(k, v)| (*k, v as &dyn std::fmt::Display))
            .collect();
        Failure::usage(lang.f(e.key(), &a))
    })
}

/// `motcua card read`: starts a card service (PC/SC, or the in-process virtual card),
/// waits for a card, reads it once and prints it.
fn read(paths: &crate::paths::Paths, config: &Config, args: &ReadArgs) -> Result<(), Failure> {
    use crate::card::service::{self, CardCmd, CardEvent, ReaderState};
    let lang = config.ui.lang;
    let info = bac_info(lang, args)?;
    let csca = args.csca.clone().unwrap_or_else(|| csca_dir(paths, config));
    let (tx, rx) = std::sync::mpsc::channel::<CardEvent>();
    let link: Box<dyn service::CardLink> = if args.virtual_card {
        let card = VirtualCard::new(&virtual_card::demo_holder(), 1)
            .map_err(|e| Failure::runtime(e.to_string()))?;
        let mut card = card;
        card.sign(&TestPki::generate(1));
        service::spawn_virtual(card, Some(csca))(Box::new(move |ev| {
            let _ = tx.send(ev);
        }))
        .map_err(|e| Failure::runtime(e.to_string()))?
    } else {
        let setting = args.reader.as_deref().unwrap_or(&config.card.reader);
        let mut cfg = pcsc_service::ServiceConfig::from_setting(setting);
        cfg.csca_dir = Some(csca);
        Box::new(pcsc_service::spawn(cfg, move |ev| {
            let _ = tx.send(ev);
        }))
    };
    // Wait for a card on the reader; say at once when there is no service or reader.
    let deadline = std::time::Instant::now() + CARD_WAIT;
    let mut last = None;
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        match rx.recv_timeout(left) {
            Ok(CardEvent::Reader(ReaderState::Ready { card: true, .. })) => break,
            Ok(CardEvent::Reader(ReaderState::NoService)) => {
                return Err(service_failure(lang, &ServiceError::NoService));
            }
            Ok(CardEvent::Reader(state)) => last = Some(state),
            Ok(_) => {}
            Err(_) => {
                let e = match last {
                    Some(ReaderState::Ready { .. }) => ServiceError::NoCard,
                    Some(ReaderState::Error(e)) => ServiceError::Pcsc(e),
                    _ => ServiceError::NoReader,
                };
                return Err(service_failure(lang, &e));
            }
        }
    }
    link.send(CardCmd::Read {
        id: 1,
        bac_info: info,
        want_dg2: false,
    });
    let chip = loop {
        match rx.recv_timeout(CARD_WAIT) {
            Ok(CardEvent::Done { id: 1, result }) => {
                break result.map_err(|e| service_failure(lang, &e))?;
            }
            Ok(_) => {}
            Err(_) => return Err(service_failure(lang, &ServiceError::Removed)),
        }
    };
    drop(link);
    if args.json {
        let out = serde_json::to_string_pretty(&card_json(&chip))
            .map_err(|e| Failure::runtime(e.to_string()))?;
        println!("{out}");
    } else {
        print_card(lang, &chip);
    }
    Ok(())
}

/// A date as the card writes it (`d/m/yyyy`), as `YYYY-MM-DD`; `None` for anything
/// else ("Không thời hạn").
fn iso(s: Option<&String>) -> Option<String> {
    s.and_then(|s| crate::card::dg13::parse_date(s))
        .map(crate::clock::iso_date)
}

/// The JSON of `card read`.
#[must_use]
pub fn card_json(chip: &crate::card::service::ChipRead) -> serde_json::Value {
    let d = &chip.read.details;
    let m = &chip.read.td1;
    let today = crate::clock::vn_date(jiff::Timestamp::now());
    let text = |v: &Option<String>| v.as_deref().map(|s| crate::text::sanitize(s).0);
    serde_json::json!({
        "id_number": text(&d.id_number),
        "full_name": text(&d.full_name),
        "birth_date": iso(d.birth_date.as_ref()),
        "sex": text(&d.sex),
        "nationality": text(&d.nationality),
        "ethnicity": text(&d.ethnicity),
        "religion": text(&d.religion),
        "hometown": text(&d.hometown),
        "permanent_address": text(&d.permanent_address),
        "identifying_features": text(&d.identifying_features),
        "issue_date": iso(d.issue_date.as_ref()),
        "expiry_date": iso(d.expiry.as_ref()),
        "father_name": text(&d.father_name),
        "mother_name": text(&d.mother_name),
        "spouse_name": text(&d.spouse_name),
        "old_id_number": text(&d.old_id_number).filter(|s| !s.is_empty()),
        "mrz": {
            "lines": m.lines,
            "document_number": m.document_number,
            "id_number": m.id_number,
            "birth_date": m.birth_date(today).map(crate::clock::iso_date),
            "sex": m.sex.map(String::from),
            "expiry_date": m.expiry_date().map(crate::clock::iso_date),
            "nationality": m.nationality,
            "surname": m.surname,
            "given_names": m.given_names,
        },
        "passive_authentication": chip.pa.level,
        "passive_authentication_reasons": chip.pa.reasons.iter().map(|(k, _)| *k).collect::<Vec<_>>(),
        "document_signer": chip.pa.signer,
        "reader": chip.reader,
        "apdu_count": chip.read.apdu_count,
    })
}

/// `card read` for people: the fields, the level and the reasons.
fn print_card(lang: Lang, chip: &crate::card::service::ChipRead) {
    let view = crate::app::chip_view(chip);
    let r = &view.reading;
    for (field, value) in &r.values {
        println!(
            "{:<18}{}",
            lang.t(&field.key()),
            crate::text::sanitize(value).0
        );
    }
    if let Some(f) = &view.features {
        println!(
            "{:<18}{}",
            lang.t("card.features"),
            crate::text::sanitize(f).0
        );
    }
    println!(
        "{:<18}{} / {}",
        lang.t("card.dates"),
        r.issue_date.as_deref().unwrap_or("—"),
        r.expiry.as_deref().unwrap_or("—")
    );
    let level = match chip.pa.level {
        "verified" => "pa.level.verified",
        "failed" => "pa.level.failed",
        _ => "pa.level.signer_not_trusted",
    };
    println!("{}: {}", lang.t("card.pa"), lang.t(level));
    for p in &view.reasons {
        println!("  {}", crate::screens::intake::problem_text(p, lang));
    }
    if let Some(signer) = &chip.pa.signer {
        println!(
            "{}",
            lang.f(
                "card.signer",
                &[("signer", &crate::text::sanitize(signer).0)]
            )
        );
    }
    println!("{}", lang.f("card.apdus", &[("n", &chip.read.apdu_count)]));
}
