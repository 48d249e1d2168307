//! `motcua lookup` and `motcua audit export`: the population lookup without the
//! terminal UI, with the same audit record as the TUI's, written before anything is
//! printed; and one citizen's audit history.

use std::io::{IsTerminal, Write};
use std::path::Path;

use super::{Failure, read_secret};
use crate::api::DocumentType;
use crate::config::Config;
use crate::dossier::population::{self, LookupInput, PopField};
use crate::i18n::Lang;
use crate::paths::Paths;
use crate::store::audit::{AuditEntry, CheckKind, LookupAudit};

/// The arguments of `motcua lookup`.
#[derive(Debug, clap::Args)]
pub struct LookupArgs {
    /// The document number: a 12-digit CCCD, or a 9-digit CMND with --doc cmnd.
    #[arg(long)]
    pub id: String,
    /// Full name (accents and case as on the papers; matched tolerantly).
    #[arg(long)]
    pub name: String,
    /// Date of birth, DD/MM/YYYY, or the year alone.
    #[arg(long)]
    pub dob: String,
    /// The procedure the lookup is for (its code in the catalogue).
    #[arg(long)]
    pub procedure: String,
    /// The dossier the lookup is for, when there is one.
    #[arg(long)]
    pub dossier: Option<String>,
    /// The document type.
    #[arg(long, value_enum, default_value_t = DocArg::Cccd)]
    pub doc: DocArg,
    /// Print the record as JSON.
    #[arg(long)]
    pub json: bool,
    /// The official signing in to a configured backend (the password is read from
    /// standard input). Not needed for the embedded demo.
    #[arg(long, value_name = "USERNAME")]
    pub user: Option<String>,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum DocArg {
    Cccd,
    Cmnd,
}

/// The format of `audit export`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ExportFormat {
    Json,
    Csv,
}

/// `motcua lookup`.
pub fn lookup(paths: &Paths, config: &Config, args: &LookupArgs) -> Result<(), Failure> {
    let lang = config.ui.lang;
    let now = jiff::Timestamp::now();
    let today = crate::clock::vn_date(now);
    let input = LookupInput {
        name: args.name.clone(),
        birth: args.dob.clone(),
        doc: match args.doc {
            DocArg::Cccd => DocumentType::Cccd,
            DocArg::Cmnd => DocumentType::Cmnd,
        },
        number: args.id.clone(),
    };
    let problems = input.problems(today);
    if !problems.is_empty() {
        let text: Vec<String> = problems
            .iter()
            .map(|(f, p)| {
                let field = match f {
                    population::LookupField::Name => "--name",
                    population::LookupField::Birth => "--dob",
                    population::LookupField::DocType => "--doc",
                    population::LookupField::Number => "--id",
                };
                format!("{field}: {}", crate::screens::intake::problem_text(p, lang))
            })
            .collect();
        return Err(Failure::usage(text.join("\n")));
    }
    let request = input.request(today, &args.procedure, args.dossier.clone());
    let rt = super::unlock::runtime()?;
    let opened = super::unlock::open(paths, config, args.user.as_ref(), &rt)?;
    if let Some(e) = &opened.offline {
        return Err(Failure::runtime(
            lang.f("cli.sign_in_failed", &[("error", e)]),
        ));
    }
    let official = opened.official.clone();
    let answer = rt.block_on(opened.client.lookup(&request));
    let backend = opened.backend;
    let mut audit = LookupAudit {
        kind: CheckKind::Lookup,
        official: official.username.clone(),
        citizen: request.document_number.clone(),
        procedure_code: request.procedure_code.clone(),
        dossier_id: None,
        dossier_code: request.dossier_code.clone(),
        fields: Vec::new(),
        outcome: String::new(),
        lookup_id: None,
    };
    audit.answered(
        &answer
            .clone()
            .map(|r| crate::api::service::CheckAnswer::Lookup(Box::new(r))),
    );
    // The record is in the audit log before anything of it is printed.
    let mut store = opened.store;
    let entry = store
        .record_lookup(&audit, jiff::Timestamp::now())
        .map_err(|e| Failure::runtime(lang.f("cli.audit_failed", &[("error", &e)])))?;
    drop(store);
    drop(backend);
    let response =
        answer.map_err(|e| Failure::runtime(crate::app::check_failure_text(&e, lang)))?;
    let Some(citizen) = response.citizen else {
        return Err(Failure {
            message: lang.f("check.not_found", &[("number", &request.document_number)]),
            code: 3,
        });
    };
    let mut out = std::io::stdout().lock();
    let result = if args.json {
        let json = serde_json::json!({
            "lookup_id": response.lookup_id,
            "audit_id": entry.id,
            "citizen": citizen,
        });
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&json).unwrap_or_default()
        )
    } else {
        let label_w = PopField::ALL
            .iter()
            .map(|f| crate::text::width(lang.t(&f.key())))
            .max()
            .unwrap_or(0);
        let mut r = Ok(());
        for f in PopField::ALL {
            let value = crate::text::sanitize(&population::db_value(&citizen, f)).0;
            let label = lang.t(&f.key());
            let pad = label_w.saturating_sub(crate::text::width(label));
            r = r.and(writeln!(out, "{label}{}  {value}", " ".repeat(pad)));
        }
        r.and(writeln!(
            out,
            "{}",
            lang.f("cli.lookup_logged", &[("id", &entry.id)])
        ))
    };
    result.map_err(|e| Failure::runtime(e.to_string()))
}

pub(super) fn read_password(lang: Lang) -> Result<String, Failure> {
    if std::io::stdin().is_terminal() {
        read_secret(lang.t("cli.password_prompt")).map_err(|e| Failure::runtime(e.to_string()))
    } else {
        let mut line = String::new();
        std::io::stdin()
            .read_line(&mut line)
            .map_err(|e| Failure::runtime(e.to_string()))?;
        Ok(line.trim_end_matches(['\n', '\r']).to_owned())
    }
}

/// `motcua audit export --citizen ID`: one citizen's history, oldest first.
pub fn export(
    paths: &Paths,
    config: &Config,
    citizen: &str,
    (format, output): (ExportFormat, Option<&Path>),
    user: Option<&String>,
) -> Result<(), Failure> {
    let lang = config.ui.lang;
    let citizen = citizen.trim();
    if citizen.is_empty() || !citizen.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(Failure::usage(lang.t("cli.audit_bad_citizen").to_owned()));
    }
    let store = super::unlock::open(paths, config, user, &super::unlock::runtime()?)?.store;
    let entries = store
        .citizen_history(citizen)
        .map_err(|e| Failure::runtime(lang.f("cli.store_error", &[("error", &e)])))?;
    drop(store);
    let text = match format {
        ExportFormat::Json => {
            serde_json::to_string_pretty(&entries).map_err(|e| Failure::runtime(e.to_string()))?
                + "\n"
        }
        ExportFormat::Csv => csv_of(&entries).map_err(Failure::runtime)?,
    };
    match output {
        Some(path) => {
            write_new(path, text.as_bytes()).map_err(|e| {
                Failure::runtime(lang.f(
                    "cli.read_failed",
                    &[("file", &path.display()), ("error", &e)],
                ))
            })?;
            eprintln!(
                "{}",
                lang.f(
                    "cli.audit_exported",
                    &[("n", &entries.len()), ("path", &path.display())]
                )
            );
        }
        None => print!("{text}"),
    }
    Ok(())
}

/// `motcua audit verify`: walks the audit log's hash chain.
pub fn verify_chain(
    paths: &Paths,
    config: &Config,
    json: bool,
    user: Option<&String>,
) -> Result<(), Failure> {
    let lang = config.ui.lang;
    let store = super::unlock::open(paths, config, user, &super::unlock::runtime()?)?.store;
    let report = store
        .verify_audit_chain()
        .map_err(|e| Failure::runtime(lang.f("cli.store_error", &[("error", &e)])))?;
    drop(store);
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).unwrap_or_default()
        );
    }
    let Some(b) = &report.first_broken else {
        if !json {
            println!(
                "{}",
                lang.f(
                    "audit.verify_ok",
                    &[("links", &report.links), ("records", &report.records)]
                )
            );
        }
        return Ok(());
    };
    let key = match b.problem {
        crate::store::chain::Break::Removed => "audit.break.removed",
        crate::store::chain::Break::Changed => "audit.break.changed",
        crate::store::chain::Break::Relinked => "audit.break.relinked",
        crate::store::chain::Break::Unlinked => "audit.break.unlinked",
        crate::store::chain::Break::Checkpoint => "audit.break.checkpoint",
    };
    let at = b.seq.map_or_else(|| "—".to_owned(), |s| s.to_string());
    Err(Failure {
        message: lang.f(
            key,
            &[
                ("seq", &at),
                ("id", &crate::text::sanitize(&b.audit_id).0),
                ("links", &report.links),
            ],
        ),
        code: 3,
    })
}

/// Creates `path` (never overwrites: an export is evidence).
fn write_new(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

fn csv_of(entries: &[AuditEntry]) -> Result<String, String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let head = [
        "id",
        "at",
        "official",
        "action",
        "citizen",
        "procedure_code",
        "dossier_id",
        "dossier_code",
        "outcome",
        "fields",
        "lookup_id",
    ];
    w.write_record(head).map_err(|e| e.to_string())?;
    for e in entries {
        let s = |k: &str| {
            e.detail
                .get(k)
                .and_then(serde_json::Value::as_str)
                .unwrap_or("")
                .to_owned()
        };
        let fields = e
            .detail
            .get("fields")
            .and_then(serde_json::Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(serde_json::Value::as_str)
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .unwrap_or_default();
        w.write_record([
            e.id.as_str(),
            e.at.as_str(),
            e.official.as_str(),
            e.action.as_str(),
            e.citizen.as_str(),
            e.procedure_code.as_str(),
            e.dossier_id.as_deref().unwrap_or(""),
            &s("dossier_code"),
            &s("outcome"),
            &fields,
            &s("lookup_id"),
        ])
        .map_err(|e| e.to_string())?;
    }
    let bytes = w.into_inner().map_err(|e| e.to_string())?;
    String::from_utf8(bytes).map_err(|e| e.to_string())
}
