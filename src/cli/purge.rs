//! `motcua purge`: the retention purge now (the sync worker runs it by itself once a
//! day): local dossier copies and cached lookup results past `[retention] keep_days`,
//! audit records past `audit_days`, by the server's clock.

use super::Failure;
use super::unlock::{self, runtime};
use crate::config::Config;
use crate::paths::Paths;
use crate::store::retention::PurgeReport;

#[derive(Debug, clap::Args)]
pub struct PurgeArgs {
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
    /// The official signing in to a configured backend (the password is read from
    /// standard input). Not needed for the embedded demo.
    #[arg(long, value_name = "USERNAME")]
    pub user: Option<String>,
}

/// Runs the purge at the server's time (asked now, else the last one known) and prints
/// what it removed; without any server time nothing is removed (still exit 0).
pub fn run(paths: &Paths, config: &Config, args: &PurgeArgs) -> Result<(), Failure> {
    let lang = config.ui.lang;
    let rt = runtime()?;
    let mut opened = unlock::open(paths, config, args.user.as_ref(), &rt)?;
    let opts = super::purge_options(config);
    let report = rt
        .block_on(crate::sync::purge_pass(
            &mut opened.store,
            &opened.client,
            opts,
            true,
            &opened.official.username,
        ))
        .map_err(|e| Failure::runtime(lang.f("cli.store_error", &[("error", &e)])))?;
    drop(opened);
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).unwrap_or_default()
        );
        return Ok(());
    }
    match report {
        Some(r) => print_report(config, &r),
        None => println!("{}", lang.t("cli.purge.no_server_time")),
    }
    Ok(())
}

fn print_report(config: &Config, r: &PurgeReport) {
    let lang = config.ui.lang;
    println!(
        "{}",
        lang.f(
            "cli.purge.done",
            &[
                ("at", &r.server_time),
                ("dossiers", &r.dossiers),
                ("revisions", &r.revisions),
                ("checks", &r.checks),
                ("outbox", &r.outbox),
                ("audit", &r.audit),
            ],
        )
    );
    if let Some(cp) = &r.checkpoint {
        println!(
            "{}",
            lang.f(
                "cli.purge.checkpoint",
                &[("seq", &cp.seq), ("hash", &cp.hash)]
            )
        );
    }
    if r.audit_skipped.is_some() {
        println!("{}", lang.t("cli.purge.skipped"));
    }
}
