//! `motcua card …`: the card readers pcscd sees, and a virtual CCCD served to vsmartcard's
//! virtual reader (vpcd), for tests and demonstrations without a card.

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::Subcommand;

use super::Failure;
use crate::card::pcsc_service::{self, ServiceError};
use crate::card::virtual_card::{self, Holder, VirtualCard};
use crate::card::{holder_file, vpcd};
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
    /// Put a virtual CCCD into vpcd's virtual reader (pcscd with vsmartcard-vpcd) and
    /// serve it until it is removed; then insert it again, unless --once.
    Virtual(VirtualArgs),
}

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
}

/// Runs `motcua card …`.
pub(super) fn run(config: &Config, command: &CardCommand) -> Result<(), Failure> {
    let lang = config.ui.lang;
    match command {
        CardCommand::Readers { json } => readers(config, *json),
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
    let size = std::fs::metadata(file).map_err(|e| bad(&e))?.len();
    if size > holder_file::MAX_LEN as u64 {
        return Err(bad(&holder_file::HolderFileError::TooLarge));
    }
    let text = std::fs::read_to_string(file).map_err(|e| bad(&e))?;
    holder_file::parse(&text).map_err(|e| bad(&e))
}

/// The card for one insertion (from 0): the holder's files, then what the flags change.
/// Later flags that alter the card (an SOD signed by a test PKI, a tampered file) apply
/// here, so every insertion gets the same card.
fn card_for(holder: &Holder, args: &VirtualArgs, insertion: u32) -> Result<VirtualCard, String> {
    let mut card = VirtualCard::new(holder, args.seed).map_err(|e| e.to_string())?;
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
