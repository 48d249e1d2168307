//! `motcua sync`: one sync pass without the terminal UI (for cron), the queue's state,
//! reconciliation with the server's per-day digest, parked items put back in the queue,
//! and (for tests and benchmarks) synthetic dossiers taken in as the desk would.

use std::io::Write;

use super::Failure;
use super::unlock::{self, runtime};
use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::i18n::Lang;
use crate::paths::Paths;
use crate::store::Store;
use crate::store::sync::{ItemState, OutboxEntry};
use crate::sync::{PassOptions, Report, Stop, run_once};

/// Exit status when something is left in the queue (pending or parked), or a day
/// differs from the server's.
pub const EXIT_LEFT: u8 = 3;

#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct SyncArgs {
    #[command(subcommand)]
    pub command: Option<SyncCommand>,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
    /// The official signing in to a configured backend (the password is read from
    /// standard input). Not needed for the embedded demo.
    #[arg(long, value_name = "USERNAME")]
    pub user: Option<String>,
    /// Items per request (1 to 100).
    #[arg(long, default_value_t = 50)]
    pub batch: usize,
}

#[derive(Debug, clap::Subcommand)]
pub enum SyncCommand {
    /// The queue: items pending and parked (with their last error), the last sync.
    Status {
        #[arg(long)]
        json: bool,
        /// List this many items at most.
        #[arg(long, default_value_t = 50)]
        limit: usize,
        #[arg(long, value_name = "USERNAME")]
        user: Option<String>,
    },
    /// Compare each day's dossiers (count and id hash) with the server's digest.
    Verify {
        #[arg(long)]
        json: bool,
        #[arg(long, value_name = "USERNAME")]
        user: Option<String>,
    },
    /// Put parked items back in the queue (after fixing what was wrong).
    Retry {
        /// The item's id (see `sync status`).
        id: Option<String>,
        /// Every parked item.
        #[arg(long, conflicts_with = "id")]
        all: bool,
        #[arg(long, value_name = "USERNAME")]
        user: Option<String>,
    },
    /// Tests and benchmarks: take in COUNT synthetic dossiers as the desk would,
    /// printing each id once it is saved (and so acknowledged to the official).
    #[command(hide = true)]
    Load {
        #[arg(long, default_value_t = 100)]
        count: usize,
        /// The procedure of the dossiers (default: the first of the local catalogue).
        #[arg(long)]
        procedure: Option<String>,
        /// Run a sync pass after every N dossiers (0: never).
        #[arg(long, default_value_t = 0)]
        sync_every: usize,
        #[arg(long, value_name = "USERNAME")]
        user: Option<String>,
        /// Seed of the synthetic names (same seed, same dossiers but their ids).
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

/// `motcua sync …`.
pub fn run(paths: &Paths, config: &Config, args: &SyncArgs) -> Result<(), Failure> {
    match &args.command {
        None => sync_once(paths, config, args),
        Some(SyncCommand::Status { json, limit, user }) => {
            status(paths, config, *json, *limit, user.as_ref())
        }
        Some(SyncCommand::Verify { json, user }) => verify(paths, config, *json, user.as_ref()),
        Some(SyncCommand::Retry { id, all, user }) => {
            retry(paths, config, id.as_deref(), *all, user.as_ref())
        }
        Some(SyncCommand::Load {
            count,
            procedure,
            sync_every,
            user,
            seed,
        }) => load(
            paths,
            config,
            &Load {
                count: *count,
                procedure: procedure.clone(),
                sync_every: *sync_every,
                user: user.clone(),
                seed: *seed,
            },
        ),
    }
}

fn offline_report(store: &Store, error: String) -> Result<Report, crate::store::StoreError> {
    Ok(Report {
        requests: 0,
        synced: 0,
        parked: 0,
        failed: 0,
        codes: Vec::new(),
        changes: crate::store::sync::ChangesApplied::default(),
        stop: Stop::Offline { error },
        summary: store.sync_summary()?,
    })
}

/// `motcua sync`: one pass.
fn sync_once(paths: &Paths, config: &Config, args: &SyncArgs) -> Result<(), Failure> {
    let lang = config.ui.lang;
    let rt = runtime()?;
    let opened = unlock::open(paths, config, args.user.as_ref(), &rt)?;
    let mut store = opened.store;
    let report = match &opened.offline {
        None => rt.block_on(run_once(
            &mut store,
            &opened.client,
            &SystemClock,
            PassOptions {
                batch: args.batch,
                pull: true,
            },
        )),
        Some(e) => offline_report(&store, e.to_string())
            .map_err(|e| Failure::runtime(lang.f("cli.store_error", &[("error", &e)])))?,
    };
    let parked = store
        .outbox_entries(usize::MAX)
        .map(|v| {
            v.into_iter()
                .filter(|e| e.state == ItemState::Parked)
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    let mut out = std::io::stdout().lock();
    let written = if args.json {
        let json = serde_json::json!({
            "report": report,
            "parked_items": parked,
        });
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&json).unwrap_or_default()
        )
    } else {
        write_report(&mut out, lang, &report, &parked)
    };
    written.map_err(|e| Failure::runtime(e.to_string()))?;
    if let Stop::Store { error } = &report.stop {
        return Err(Failure::runtime(
            lang.f("cli.store_error", &[("error", error)]),
        ));
    }
    left(lang, report.summary.pending, report.summary.parked)?;
    // The queue is empty but the changes feed was not read to its end: for cron, that
    // is something left too.
    if report.stop != Stop::Done {
        return Err(Failure {
            message: crate::screens::sync::stop_line(&report.stop, lang),
            code: EXIT_LEFT,
        });
    }
    Ok(())
}

fn write_report(
    out: &mut impl Write,
    lang: Lang,
    r: &Report,
    parked: &[OutboxEntry],
) -> std::io::Result<()> {
    writeln!(
        out,
        "{}",
        lang.f(
            "sync.cli.pass",
            &[
                ("synced", &r.synced),
                ("parked", &r.parked),
                ("requests", &r.requests),
                ("changes", &r.changes.applied),
            ]
        )
    )?;
    for (id, code) in &r.codes {
        writeln!(
            out,
            "  {}",
            lang.f("sync.cli.code", &[("id", id), ("code", &clean(code))])
        )?;
    }
    writeln!(out, "{}", crate::screens::sync::stop_line(&r.stop, lang))?;
    writeln!(
        out,
        "{}",
        lang.f(
            "sync.cli.left",
            &[
                ("pending", &r.summary.pending),
                ("parked", &r.summary.parked)
            ]
        )
    )?;
    for e in parked {
        write_entry(out, lang, e)?;
    }
    Ok(())
}

/// Text from the server or the store, made safe for a terminal.
fn clean(s: &str) -> String {
    crate::text::sanitize(s).0
}

fn write_entry(out: &mut impl Write, lang: Lang, e: &OutboxEntry) -> std::io::Result<()> {
    let what = match (&e.dossier_code, &e.citizen) {
        (Some(code), _) => format!("{} #{}", clean(code), e.revision.unwrap_or(0)),
        (None, Some(c)) => clean(c),
        _ => String::new(),
    };
    writeln!(
        out,
        "  {} {} {:<8} {} {}: {}",
        e.id,
        e.kind.as_str(),
        lang.t(crate::screens::sync::state_key(e.state)),
        what,
        lang.f("sync.cli.tries", &[("n", &e.tries)]),
        clean(e.last_error.as_deref().unwrap_or("—")),
    )
}

/// `Ok` when the queue is empty, else the exit status [`EXIT_LEFT`] with a message.
fn left(lang: Lang, pending: usize, parked: usize) -> Result<(), Failure> {
    if pending == 0 && parked == 0 {
        return Ok(());
    }
    Err(Failure {
        message: lang.f(
            "sync.cli.left_exit",
            &[("pending", &pending), ("parked", &parked)],
        ),
        code: EXIT_LEFT,
    })
}

/// `motcua sync status`.
fn status(
    paths: &Paths,
    config: &Config,
    json: bool,
    limit: usize,
    user: Option<&String>,
) -> Result<(), Failure> {
    let lang = config.ui.lang;
    let store = unlock::open(paths, config, user, &runtime()?)?.store;
    let err =
        |e: crate::store::StoreError| Failure::runtime(lang.f("cli.store_error", &[("error", &e)]));
    let summary = store.sync_summary().map_err(err)?;
    let entries: Vec<OutboxEntry> = store
        .outbox_entries(limit)
        .map_err(err)?
        .into_iter()
        .filter(|e| e.state != ItemState::Synced)
        .collect();
    let mut out = std::io::stdout().lock();
    let written = if json {
        let json = serde_json::json!({ "summary": summary, "items": entries });
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&json).unwrap_or_default()
        )
    } else {
        let last = summary
            .last_sync
            .clone()
            .unwrap_or_else(|| lang.t("sync.never").to_owned());
        writeln!(
            out,
            "{}",
            lang.f(
                "sync.cli.status",
                &[
                    ("pending", &summary.pending),
                    ("parked", &summary.parked),
                    ("synced", &summary.synced),
                    ("last", &last),
                ]
            )
        )
        .and_then(|()| {
            entries
                .iter()
                .try_for_each(|e| write_entry(&mut out, lang, e))
        })
    };
    written.map_err(|e| Failure::runtime(e.to_string()))?;
    left(lang, summary.pending, summary.parked)
}

/// `motcua sync retry`.
fn retry(
    paths: &Paths,
    config: &Config,
    id: Option<&str>,
    all: bool,
    user: Option<&String>,
) -> Result<(), Failure> {
    let lang = config.ui.lang;
    let mut store = unlock::open(paths, config, user, &runtime()?)?.store;
    let now = SystemClock.now();
    let err =
        |e: crate::store::StoreError| Failure::runtime(lang.f("cli.store_error", &[("error", &e)]));
    let n = match (id, all) {
        (_, true) => store.requeue_all(now).map_err(err)?,
        (Some(id), false) => usize::from(store.requeue(id, now).map_err(err)?),
        (None, false) => return Err(Failure::usage(lang.t("sync.cli.retry_what").to_owned())),
    };
    println!("{}", lang.f("sync.cli.requeued", &[("n", &n)]));
    if n == 0 && !all {
        return Err(Failure {
            message: lang.t("sync.cli.not_parked").to_owned(),
            code: EXIT_LEFT,
        });
    }
    Ok(())
}

/// One day compared with the server.
#[derive(Debug, serde::Serialize)]
struct DayCheck {
    day: String,
    local: usize,
    server: u64,
    same: bool,
    /// Dossiers of that day the server has not confirmed.
    unconfirmed: Vec<String>,
}

/// `motcua sync verify`.
fn verify(
    paths: &Paths,
    config: &Config,
    json: bool,
    user: Option<&String>,
) -> Result<(), Failure> {
    let lang = config.ui.lang;
    let rt = runtime()?;
    let opened = unlock::open(paths, config, user, &rt)?;
    if let Some(e) = &opened.offline {
        return Err(Failure::runtime(
            lang.f("sync.stop.offline", &[("error", e)]),
        ));
    }
    let days = opened
        .store
        .dossier_days()
        .map_err(|e| Failure::runtime(lang.f("cli.store_error", &[("error", &e)])))?;
    let mut checks = Vec::new();
    for d in days {
        let digest = rt
            .block_on(opened.client.digest(&d.day))
            .map_err(|e| Failure::runtime(lang.f("sync.stop.offline", &[("error", &e)])))?;
        let same =
            digest.count == d.ids.len() as u64 && digest.id_hash == crate::api::id_hash(&d.ids);
        checks.push(DayCheck {
            day: d.day,
            local: d.ids.len(),
            server: digest.count,
            same,
            unconfirmed: d.unconfirmed,
        });
    }
    let differ = checks.iter().filter(|c| !c.same).count();
    let mut out = std::io::stdout().lock();
    let written = if json {
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({ "days": checks }))
                .unwrap_or_default()
        )
    } else {
        let mut r = Ok(());
        for c in &checks {
            let line = if c.same {
                lang.f("sync.verify.same", &[("day", &c.day), ("n", &c.local)])
            } else {
                lang.f(
                    "sync.verify.differs",
                    &[("day", &c.day), ("local", &c.local), ("server", &c.server)],
                )
            };
            r = r.and(writeln!(out, "{line}"));
            if !c.same {
                for id in &c.unconfirmed {
                    r = r.and(writeln!(
                        out,
                        "  {}",
                        lang.f("sync.verify.unconfirmed", &[("id", id)])
                    ));
                }
                if c.unconfirmed.is_empty() || c.server > c.local as u64 {
                    r = r.and(writeln!(out, "  {}", lang.t("sync.verify.server_other")));
                }
            }
        }
        r.and(writeln!(
            out,
            "{}",
            lang.f(
                "sync.verify.summary",
                &[("days", &checks.len()), ("differ", &differ)]
            )
        ))
    };
    written.map_err(|e| Failure::runtime(e.to_string()))?;
    if differ > 0 {
        return Err(Failure {
            message: lang.f("sync.verify.exit", &[("differ", &differ)]),
            code: EXIT_LEFT,
        });
    }
    Ok(())
}

struct Load {
    count: usize,
    procedure: Option<String>,
    sync_every: usize,
    user: Option<String>,
    seed: u64,
}

/// `motcua sync load`: synthetic dossiers, each finalized in its own transaction and
/// its id printed (and flushed) only after the commit.
fn load(paths: &Paths, config: &Config, args: &Load) -> Result<(), Failure> {
    let lang = config.ui.lang;
    let rt = runtime()?;
    let opened = unlock::open(paths, config, args.user.as_ref(), &rt)?;
    let client = opened.client.clone();
    let online = opened.offline.is_none();
    let official = opened.official.username.clone();
    let mut store = opened.store;
    let err =
        |e: crate::store::StoreError| Failure::runtime(lang.f("cli.store_error", &[("error", &e)]));
    let info =
        if let Some(code) = &args.procedure {
            store.procedure_info(code).map_err(err)?.unwrap_or_else(|| {
                crate::dossier::ProcedureInfo {
                    code: code.clone(),
                    local_code: String::new(),
                    name: code.clone(),
                    field: String::new(),
                    channels: Vec::new(),
                    days: 0,
                    fee: 0,
                    charge: 0,
                    population_lookup: None,
                    population_fields: Vec::new(),
                }
            })
        } else {
            {
                let first = store.procedures().map_err(err)?.into_iter().next();
                let code = first.map(|p| p.code).ok_or_else(|| {
                    Failure::usage(lang.t("sync.cli.load_no_procedure").to_owned())
                })?;
                store.procedure_info(&code).map_err(err)?.ok_or_else(|| {
                    Failure::usage(lang.t("sync.cli.load_no_procedure").to_owned())
                })?
            }
        };
    let mut dice = crate::rng::SplitMix64(args.seed);
    let mut out = std::io::stdout().lock();
    for i in 0..args.count {
        let now = SystemClock.now();
        let received = now.to_zoned_datetime(crate::clock::vn_tz()).datetime();
        let received = received.round(jiff::Unit::Second).unwrap_or(received);
        let mut d =
            crate::dossier::Dossier::new(crate::ids::new_uuid_v7(now), info.clone(), received);
        d.submitter.name = synthetic_name(&mut dice);
        d.submitter.id_number = format!("0792{:08}", dice.next_u64() % 100_000_000);
        d.summary = format!("Hồ sơ thử số {}", i + 1);
        let saved = store.finalize(&d, None, &official, now).map_err(err)?;
        writeln!(
            out,
            "{} {}",
            saved.dossier.id,
            saved.dossier.code.as_deref().unwrap_or("")
        )
        .and_then(|()| out.flush())
        .map_err(|e| Failure::runtime(e.to_string()))?;
        if args.sync_every > 0 && (i + 1) % args.sync_every == 0 && online {
            let r = rt.block_on(run_once(
                &mut store,
                &client,
                &SystemClock,
                PassOptions::default(),
            ));
            tracing::info!(synced = r.synced, stop = ?r.stop, "load: a pass");
        }
    }
    Ok(())
}

fn synthetic_name(dice: &mut crate::rng::SplitMix64) -> String {
    const FAMILY: [&str; 8] = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi"];
    const MIDDLE: [&str; 6] = ["Văn", "Thị", "Minh", "Thu", "Quốc", "Ngọc"];
    const GIVEN: [&str; 8] = ["An", "Bình", "Hà", "Lan", "Hùng", "Dũng", "Hương", "Tâm"];
    format!(
        "{} {} {}",
        dice.pick(&FAMILY),
        dice.pick(&MIDDLE),
        dice.pick(&GIVEN)
    )
}
