//! `motcua household verify`: a members list checked against a household head in one
//! batch, with the answers written (and logged) as they arrive, so an interrupted run
//! re-run with the same output picks up where it stopped.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use super::Failure;
use crate::api::PersonRef;
use crate::config::Config;
use crate::household::batch::{self, ChunkDone, Job};
use crate::household::{self, Counts, MemberInput, MemberRow, MemberState};
use crate::i18n::Lang;
use crate::paths::Paths;
use crate::store::audit::{CheckKind, LookupAudit};

/// Largest members file read.
const MAX_INPUT_MB: u64 = 16;

/// The arguments of `motcua household verify`.
#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// The household head's 12-digit personal ID number.
    #[arg(long)]
    pub head: String,
    /// The head's full name (checked with the number when given).
    #[arg(long)]
    pub head_name: Option<String>,
    /// The head's date of birth, DD/MM/YYYY or the year.
    #[arg(long)]
    pub head_dob: Option<String>,
    /// The members: one ID number per line, or CSV (see README).
    #[arg(long)]
    pub input: PathBuf,
    /// Where the results go (CSV; JSON Lines with --json). An existing file is
    /// continued: members it already answers are skipped.
    #[arg(long)]
    pub output: PathBuf,
    /// Write JSON Lines instead of CSV.
    #[arg(long)]
    pub json: bool,
    /// Requests in flight at most.
    #[arg(long, default_value_t = batch::Options::default().concurrency)]
    pub concurrency: usize,
    /// The procedure the verification is for.
    #[arg(long, default_value = DEFAULT_PROCEDURE)]
    pub procedure: String,
    /// The official signing in to a configured backend (password from standard input).
    #[arg(long, value_name = "USERNAME")]
    pub user: Option<String>,
}

/// Giải quyết trợ cấp xã hội hằng tháng: the benefit lists desks check households for.
pub const DEFAULT_PROCEDURE: &str = "1.001277";

fn answered_json(text: &str) -> std::collections::HashSet<String> {
    text.lines()
        .filter_map(|l| serde_json::from_str::<MemberRow>(l).ok())
        .filter(|r| r.state.is_answered())
        .map(|r| r.id_number)
        .collect()
}

/// The output file, opened to append; with the members it already answers.
fn open_output(
    path: &Path,
    json: bool,
    lang: Lang,
) -> Result<(std::fs::File, std::collections::HashSet<String>), Failure> {
    let fail = |e: &dyn std::fmt::Display| {
        Failure::runtime(lang.f(
            "cli.read_failed",
            &[("file", &path.display()), ("error", e)],
        ))
    };
    let existing = match std::fs::read_to_string(path) {
        Ok(t) => Some(t),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(fail(&e)),
    };
    let done = match &existing {
        Some(t) if json => answered_json(t),
        Some(t) => household::answered_in(t),
        None => std::collections::HashSet::new(),
    };
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| fail(&e))?;
    if !json && existing.as_deref().is_none_or(|t| t.trim().is_empty()) {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(household::RESULTS_HEADER)
            .map_err(|e| fail(&e))?;
        let bytes = w.into_inner().map_err(|e| fail(&e))?;
        file.write_all(&bytes).map_err(|e| fail(&e))?;
    } else if let Some(t) = &existing
        && !t.is_empty()
        && !t.ends_with('\n')
    {
        // A run killed mid-line: end that line so the next record starts clean.
        file.write_all(b"\n").map_err(|e| fail(&e))?;
    }
    Ok((file, done))
}

fn record_bytes(rows: &[MemberRow], json: bool) -> Result<Vec<u8>, String> {
    if json {
        let mut out = Vec::new();
        for r in rows {
            serde_json::to_writer(&mut out, r).map_err(|e| e.to_string())?;
            out.push(b'\n');
        }
        return Ok(out);
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        w.write_record(household::result_record(r))
            .map_err(|e| e.to_string())?;
    }
    w.into_inner().map_err(|e| e.to_string())
}

/// Shows progress on stderr: a bar redrawn in place on a terminal, a line at most every
/// two seconds otherwise.
struct Progress {
    tty: bool,
    last: Option<Instant>,
    lang: Lang,
    /// The last line written (a plain log does not repeat it at the end).
    shown: String,
}

impl Progress {
    fn show(&mut self, c: &Counts, total: usize, last: bool) {
        let done = c.done();
        let text = self.lang.f(
            "household.progress",
            &[
                ("done", &done),
                ("total", &total),
                ("member", &c.member),
                ("not_member", &c.not_member),
                ("error", &c.error),
            ],
        );
        let mut err = std::io::stderr().lock();
        if self.tty {
            let width = 24;
            let filled = (done * width).checked_div(total).unwrap_or(width);
            let _ = write!(
                err,
                "\r[{}{}] {text}\x1b[K",
                "#".repeat(filled),
                "-".repeat(width - filled)
            );
            if last {
                let _ = writeln!(err);
            }
        } else if (last && self.shown != text)
            || (!last
                && self
                    .last
                    .is_none_or(|t| t.elapsed() >= Duration::from_secs(2)))
        {
            let _ = writeln!(err, "{text}");
            self.last = Some(Instant::now());
            self.shown = text;
        }
    }
}

/// `motcua household verify`.
pub fn verify(paths: &Paths, config: &Config, args: &VerifyArgs) -> Result<(), Failure> {
    let lang = config.ui.lang;
    let today = crate::clock::vn_date(jiff::Timestamp::now());
    let head = args.head.trim();
    if head.len() != 12 || !head.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Failure::usage(lang.t("household.bad_head").to_owned()));
    }
    let head_birth = match args.head_dob.as_deref() {
        None => None,
        Some(d) => Some(
            match crate::dossier::validate::parse_birth_date(d, true, today) {
                Ok(crate::dossier::validate::BirthDate::Full(d)) => d.to_string(),
                Ok(crate::dossier::validate::BirthDate::Year(y)) => format!("{y:04}"),
                Err(p) => {
                    return Err(Failure::usage(format!(
                        "--head-dob: {}",
                        crate::screens::intake::problem_text(&p, lang)
                    )));
                }
            },
        ),
    };
    let input = &args.input;
    let read_err = |e: &dyn std::fmt::Display| {
        Failure::runtime(lang.f(
            "cli.read_failed",
            &[("file", &input.display()), ("error", e)],
        ))
    };
    let bytes =
        crate::bounded::read(input, MAX_INPUT_MB * crate::bounded::MB).map_err(|e| match e {
            crate::bounded::ReadError::TooLarge { .. } => Failure::runtime(lang.f(
                "cli.too_big",
                &[("file", &input.display()), ("max", &MAX_INPUT_MB)],
            )),
            e => read_err(&lang.f_owned(e.key(), &e.args())),
        })?;
    let text = String::from_utf8_lossy(&bytes);
    let (members, problems) = household::parse_list(&text);
    for p in &problems {
        eprintln!(
            "{}",
            lang.f(
                "household.line_skipped",
                &[
                    ("line", &p.line),
                    ("why", &lang.t(p.key)),
                    ("text", &p.text)
                ]
            )
        );
    }
    let (mut out, done) = open_output(&args.output, args.json, lang)?;
    let todo: Vec<MemberInput> = members
        .into_iter()
        .filter(|m| !done.contains(&m.id_number))
        .collect();
    if !done.is_empty() {
        eprintln!(
            "{}",
            lang.f(
                "household.resumed",
                &[("n", &done.len()), ("left", &todo.len())]
            )
        );
    }
    let rt = super::unlock::runtime()?;
    let opened = super::unlock::open(paths, config, args.user.as_ref(), &rt)?;
    if let Some(e) = &opened.offline {
        return Err(Failure::runtime(
            lang.f("cli.sign_in_failed", &[("error", e)]),
        ));
    }
    let official = opened.official.clone();
    let client = opened.client.clone();
    let backend = opened.backend;
    let mut store = opened.store;
    let job = Arc::new(Job {
        head: PersonRef {
            id_number: head.to_owned(),
            full_name: args.head_name.clone().filter(|n| !n.trim().is_empty()),
            birth_date: head_birth,
        },
        procedure_code: args.procedure.trim().to_owned(),
        dossier_code: None,
    });
    let names: std::collections::HashMap<String, String> = todo
        .iter()
        .map(|m| (m.id_number.clone(), m.name.clone()))
        .collect();
    let ids: Vec<String> = todo.iter().map(|m| m.id_number.clone()).collect();
    let total = ids.len();
    let cancel = Arc::new(AtomicBool::new(false));
    let mut rows: Vec<MemberRow> = Vec::with_capacity(total);
    let mut progress = Progress {
        tty: std::io::stderr().is_terminal(),
        last: None,
        lang,
        shown: String::new(),
    };
    let mut write_error: Option<Failure> = None;
    let opts = batch::Options {
        concurrency: args.concurrency,
        ..batch::Options::default()
    };
    rt.block_on(async {
        let stop = cancel.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                stop.store(true, std::sync::atomic::Ordering::Relaxed);
            }
        });
        let on_chunk = |chunk: ChunkDone| {
            if write_error.is_some() {
                return;
            }
            let answered: Vec<MemberRow> = chunk
                .rows
                .iter()
                .filter(|(_, s)| !matches!(s, MemberState::Unchecked | MemberState::Checking))
                .map(|(id, state)| MemberRow {
                    id_number: id.clone(),
                    name: names.get(id).cloned().unwrap_or_default(),
                    relation: match state {
                        MemberState::Member { relation } => relation.clone(),
                        _ => String::new(),
                    },
                    state: state.clone(),
                })
                .collect();
            // Logged first, then written: the audit log never misses an answer.
            let audits = chunk.audits(&LookupAudit {
                kind: CheckKind::Household,
                official: official.username.clone(),
                citizen: String::new(),
                procedure_code: job.procedure_code.clone(),
                dossier_id: None,
                dossier_code: None,
                fields: Vec::new(),
                outcome: String::new(),
                lookup_id: None,
            });
            if let Err(e) = store.record_lookups(&audits, jiff::Timestamp::now()) {
                write_error = Some(Failure::runtime(
                    lang.f("cli.audit_failed", &[("error", &e)]),
                ));
                return;
            }
            let written = record_bytes(&answered, args.json).and_then(|b| {
                out.write_all(&b)
                    .and_then(|()| out.flush())
                    .map_err(|e| e.to_string())
            });
            if let Err(e) = written {
                write_error = Some(Failure::runtime(lang.f(
                    "cli.read_failed",
                    &[("file", &args.output.display()), ("error", &e)],
                )));
                return;
            }
            rows.extend(answered);
            progress.show(&Counts::of(&rows), total, false);
        };
        batch::run(
            client.clone(),
            job.clone(),
            ids,
            opts,
            cancel.clone(),
            on_chunk,
        )
        .await;
    });
    drop(backend);
    if let Some(f) = write_error {
        return Err(f);
    }
    let _ = out.sync_all();
    let counts = Counts::of(&rows);
    progress.show(&counts, total, true);
    let unchecked = total - counts.done();
    let summary = lang.f(
        "household.summary",
        &[
            ("member", &counts.member),
            ("not_member", &counts.not_member),
            ("error", &counts.error),
            ("unchecked", &unchecked),
            ("skipped", &problems.len()),
            ("path", &args.output.display()),
        ],
    );
    if counts.error == 0 && unchecked == 0 {
        eprintln!("{summary}");
        Ok(())
    } else {
        Err(Failure::runtime(summary))
    }
}
