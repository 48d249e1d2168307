//! The command line: the TUI by default, and headless subcommands.

use std::io::{BufRead, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand, ValueEnum};

use crate::app::{self, Options};
use crate::catalogue::{self, Format};
use crate::config::{Config, ThemeChoice};
use crate::i18n::Lang;
use crate::keymap::Keymap;
use crate::paths::Paths;
use crate::theme::Theme;

mod card;
mod household;
mod population;
mod purge;
mod sync;
mod unlock;

/// The local profile used while no backend is configured: the embedded demo.
pub const DEMO_PROFILE: &str = "demo";

/// Largest catalogue file accepted by `catalogue import`.
const MAX_IMPORT_MB: u64 = 64;

#[derive(Debug, Parser)]
#[command(
    name = "motcua",
    about = "motcua — phần mềm cho Bộ phận một cửa / a terminal app for Vietnam's one-stop desks",
    disable_version_flag = true
)]
pub struct Cli {
    /// Interface language (vi, en).
    #[arg(long, global = true, value_enum)]
    pub lang: Option<Lang>,
    /// Colour theme (auto, color, mono).
    #[arg(long, global = true, value_enum)]
    pub theme: Option<ThemeChoice>,
    /// Draw borders with ASCII characters.
    #[arg(long, global = true)]
    pub ascii: bool,
    /// The provincial backend's URL (default: the embedded demo backend).
    #[arg(long, global = true, value_name = "URL")]
    pub backend: Option<String>,
    /// Print the version and the config, data and log paths.
    #[arg(short = 'V', long)]
    pub version: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the key bindings as a Markdown table.
    Keys,
    /// Configuration.
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
    /// The procedure catalogue.
    Catalogue {
        #[command(subcommand)]
        command: CatalogueCommand,
    },
    /// Run the reference provincial backend (or, with --add-official, create an account).
    Serve(ServeArgs),
    /// Working days and holidays.
    Calendar {
        #[command(subcommand)]
        command: CalendarCommand,
    },
    /// Look a citizen up in the population database (logged in the audit log first).
    Lookup(population::LookupArgs),
    /// The audit log of population-database use.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Household-member verification (Xác thực chủ hộ).
    Household {
        #[command(subcommand)]
        command: HouseholdCommand,
    },
    /// The CCCD's QR code.
    Qr {
        #[command(subcommand)]
        command: QrCommand,
    },
    /// Card readers (PC/SC), and a virtual CCCD for pcscd's virtual reader.
    Card {
        #[command(subcommand)]
        command: card::CardCommand,
    },
    /// Sync with the provincial backend: one pass (exit status 3 if anything is left);
    /// `status`, `verify`, `retry`.
    Sync(sync::SyncArgs),
    /// Remove what is past its retention period ([retention]): local dossier copies and
    /// cached lookup results, old audit records; by the server's clock.
    Purge(purge::PurgeArgs),
}

#[derive(Debug, Subcommand)]
pub enum QrCommand {
    /// Read a scanned QR text (`-` or nothing: one line from standard input).
    Parse {
        text: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum HouseholdCommand {
    /// Check a members list against a household head, in one batch.
    Verify(household::VerifyArgs),
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Write one citizen's lookup history (standard output, or a new file).
    Export {
        /// The citizen's document number, exactly.
        #[arg(long)]
        citizen: String,
        #[arg(long, value_enum, default_value_t = population::ExportFormat::Json)]
        format: population::ExportFormat,
        /// Write to this file (it must not exist yet).
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// The official signing in to a configured backend (the password is read from
        /// standard input; the local store opens only for a signed-in official).
        #[arg(long, value_name = "USERNAME")]
        user: Option<String>,
    },
    /// Check the audit log's hash chain; name the first broken link (exit status 3).
    Verify {
        /// Print JSON.
        #[arg(long)]
        json: bool,
        #[arg(long, value_name = "USERNAME")]
        user: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum CalendarCommand {
    /// Print the appointment date (ngày hẹn trả): N working days after --from, same time.
    Due {
        /// Received date and time, "DD/MM/YYYY HH:MM:SS" (or "DD/MM/YYYY HH:MM", "DD/MM/YYYY").
        #[arg(long)]
        from: String,
        /// Processing time in working days.
        #[arg(long)]
        days: u32,
    },
    /// List the days off (and worked weekend days) of YEAR.
    Holidays { year: i16 },
}

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Data folder of the backend (default: DATA/server).
    #[arg(long, value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// Address to listen on.
    #[arg(long, default_value = crate::server::DEFAULT_ADDR)]
    pub addr: std::net::SocketAddr,
    /// People to generate when the data folder is new (1,000,000 works).
    #[arg(long, default_value_t = 10_000)]
    pub citizens: usize,
    /// Procedures to generate when the data folder is new.
    #[arg(long, default_value_t = 2_000)]
    pub procedures: usize,
    /// Seed of the generated data (same seed, same data).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Lifetime of an access token, in seconds.
    #[arg(long, default_value_t = 900, value_name = "SECONDS")]
    pub token_ttl: u64,
    /// Create (or reset) the account USERNAME, reading its password from standard
    /// input, then exit.
    #[arg(long, value_name = "USERNAME")]
    pub add_official: Option<String>,
    /// The official's full name (with --add-official).
    #[arg(long, requires = "add_official")]
    pub full_name: Option<String>,
    /// The official's unit code, the prefix of its dossier codes (with --add-official).
    #[arg(long, requires = "add_official", default_value = crate::server::DEMO_UNIT)]
    pub unit: String,
    /// Test only: mount /v1/_test/faults so tests can break the server on purpose.
    #[arg(long, hide = true)]
    pub test_faults: bool,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print the merged configuration (defaults, your file, environment, flags).
    Print,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FormatArg {
    Json,
    Csv,
}

#[derive(Debug, Subcommand)]
pub enum CatalogueCommand {
    /// Replace the local catalogue with the procedures in FILE (JSON or CSV, see README).
    Import {
        file: PathBuf,
        /// The file's format, when its extension does not say.
        #[arg(long, value_enum)]
        format: Option<FormatArg>,
    },
    /// Write a realistic synthetic catalogue as JSON (for tests and benchmarks).
    Generate {
        /// How many procedures.
        #[arg(default_value_t = 2000)]
        count: usize,
        /// Seed of the generator (same seed, same catalogue).
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Write to this file instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
}

/// A failure to report to the user, already worded in their language.
struct Failure {
    message: String,
    code: u8,
}

impl Failure {
    fn usage(message: String) -> Self {
        Self { message, code: 2 }
    }

    fn runtime(message: String) -> Self {
        Self { message, code: 1 }
    }
}

/// Entry point of the `motcua` binary.
#[must_use]
pub fn main() -> ExitCode {
    // Before anything is read or written: private files, no core dumps.
    crate::hardening::harden_process();
    let cli = Cli::parse();
    let paths = Paths::from_env();
    let early_lang = cli
        .lang
        .or_else(|| match std::env::var("MOTCUA_LANG").ok()?.as_str() {
            "en" => Some(Lang::En),
            "vi" => Some(Lang::Vi),
            _ => None,
        })
        .unwrap_or_default();
    match run(cli, &paths, early_lang) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            let _ = writeln!(std::io::stderr(), "motcua: {}", f.message);
            ExitCode::from(f.code)
        }
    }
}

fn run(cli: Cli, paths: &Paths, early_lang: Lang) -> Result<(), Failure> {
    let loaded = Config::load(&paths.config_file)
        .map_err(|e| Failure::usage(early_lang.f("cli.config_error", &[("error", &e)])))?;
    let mut config = loaded.config;
    if let Some(lang) = cli.lang {
        config.ui.lang = lang;
    }
    if let Some(theme) = cli.theme {
        config.ui.theme = theme;
    }
    if cli.ascii {
        config.ui.ascii = true;
    }
    if let Some(url) = cli.backend {
        config.backend.url = url;
    }
    let lang = config.ui.lang;
    if cli.version {
        print_version(paths, lang);
        return Ok(());
    }
    init_logging(paths, &config);
    match cli.command {
        None => run_tui(paths, &config),
        Some(Command::Keys) => {
            let (keymap, _) = load_keymap(paths, lang)?;
            print!("{}", keymap.markdown());
            Ok(())
        }
        Some(Command::Config {
            command: ConfigCommand::Print,
        }) => {
            print!("{}", config.to_toml());
            Ok(())
        }
        Some(Command::Catalogue {
            command: CatalogueCommand::Import { file, format },
        }) => import_catalogue(paths, &config, &file, format),
        Some(Command::Catalogue {
            command:
                CatalogueCommand::Generate {
                    count,
                    seed,
                    output,
                },
        }) => generate_catalogue(lang, count, seed, output.as_deref()),
        Some(Command::Serve(args)) => serve(paths, lang, args),
        Some(Command::Calendar { command }) => calendar(paths, lang, command),
        Some(Command::Lookup(args)) => population::lookup(paths, &config, &args),
        Some(Command::Audit {
            command:
                AuditCommand::Export {
                    citizen,
                    format,
                    output,
                    user,
                },
        }) => population::export(
            paths,
            &config,
            &citizen,
            (format, output.as_deref()),
            user.as_ref(),
        ),
        Some(Command::Audit {
            command: AuditCommand::Verify { json, user },
        }) => population::verify_chain(paths, &config, json, user.as_ref()),
        Some(Command::Household {
            command: HouseholdCommand::Verify(args),
        }) => household::verify(paths, &config, &args),
        Some(Command::Qr {
            command: QrCommand::Parse { text, json },
        }) => qr_parse(lang, text.as_deref(), json),
        Some(Command::Card { command }) => card::run(paths, &config, &command),
        Some(Command::Sync(args)) => sync::run(paths, &config, &args),
        Some(Command::Purge(args)) => purge::run(paths, &config, &args),
    }
}

/// `motcua qr parse`.
fn qr_parse(lang: Lang, text: Option<&str>, json: bool) -> Result<(), Failure> {
    use crate::card::qr;
    let text = match text {
        Some(t) if t != "-" => t.to_owned(),
        _ => {
            // One line, read to at most the longest QR text and its line ending (CR LF)
            // plus one byte: a longer line is refused by its length, however long it
            // is, and never held whole.
            let mut line = Vec::new();
            std::io::stdin()
                .lock()
                .take(u64::try_from(qr::MAX_LEN + 3).unwrap_or(u64::MAX))
                .read_until(b'\n', &mut line)
                .map_err(|e| Failure::runtime(e.to_string()))?;
            let line = line.strip_suffix(b"\n").unwrap_or(&line);
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            String::from_utf8_lossy(line).into_owned()
        }
    };
    let q = qr::parse(&text).map_err(|e| {
        let owned = e.args();
        let args: Vec<(&str, &dyn std::fmt::Display)> = owned
            .iter()
            .map(|(k, v)| (*k, v as &dyn std::fmt::Display))
            .collect();
        Failure::usage(lang.f(e.key(), &args))
    })?;
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&q).map_err(|e| Failure::runtime(e.to_string()))?
        );
        return Ok(());
    }
    let date = |d: jiff::civil::Date| d.strftime("%d/%m/%Y").to_string();
    let sex = match q.sex {
        crate::api::Sex::Male => lang.t("sex.male"),
        crate::api::Sex::Female => lang.t("sex.female"),
    };
    let rows = [
        (lang.t("pop.id_number"), q.id_number.clone()),
        (
            lang.t("pop.old_id_number"),
            q.old_id_number.clone().unwrap_or_default(),
        ),
        (lang.t("pop.full_name"), q.full_name.clone()),
        (lang.t("pop.birth_date"), date(q.birth_date)),
        (lang.t("pop.sex"), sex.to_owned()),
        (lang.t("pop.permanent_address"), q.address.clone()),
        (
            lang.t("qr.issue_date"),
            q.issue_date.map(date).unwrap_or_default(),
        ),
    ];
    let w = rows
        .iter()
        .map(|(l, _)| crate::text::width(l))
        .max()
        .unwrap_or(0);
    for (label, value) in rows {
        let pad = w.saturating_sub(crate::text::width(label));
        println!("{label}{}  {value}", " ".repeat(pad));
    }
    Ok(())
}

/// Parses "DD/MM/YYYY[ HH:MM[:SS]]" strictly (two-digit day and month, a real date).
pub fn parse_vn_datetime(s: &str) -> Option<jiff::civil::DateTime> {
    let s = s.trim();
    let (date, time) = s.split_once(' ').map_or((s, ""), |(d, t)| (d, t.trim()));
    let mut parts = date.split('/');
    let (d, m, y) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || d.len() != 2 || m.len() != 2 || y.len() != 4 {
        return None;
    }
    let num = |t: &str| -> Option<i16> {
        t.chars()
            .all(|c| c.is_ascii_digit())
            .then(|| t.parse().ok())?
    };
    let date = jiff::civil::Date::new(
        num(y)?,
        i8::try_from(num(m)?).ok()?,
        i8::try_from(num(d)?).ok()?,
    )
    .ok()?;
    let mut hms = [0i8; 3];
    if !time.is_empty() {
        let fields: Vec<&str> = time.split(':').collect();
        if !(2..=3).contains(&fields.len()) || fields.iter().any(|f| f.len() != 2) {
            return None;
        }
        for (slot, f) in hms.iter_mut().zip(&fields) {
            *slot = i8::try_from(num(f)?).ok()?;
        }
    }
    let time = jiff::civil::Time::new(hms[0], hms[1], hms[2], 0).ok()?;
    Some(jiff::civil::DateTime::from_parts(date, time))
}

fn load_office_calendar(
    paths: &Paths,
    lang: Lang,
) -> Result<crate::calendar::office::OfficeCalendar, Failure> {
    use crate::calendar::office::{DEFAULT_TOML, OfficeCalendar, Table};
    let (file, text) = match std::fs::read_to_string(&paths.holidays_file) {
        Ok(text) => (paths.holidays_file.clone(), text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => (
            PathBuf::from("config/holidays.toml"),
            DEFAULT_TOML.to_owned(),
        ),
        Err(e) => {
            return Err(Failure::usage(lang.f(
                "cli.read_failed",
                &[("file", &paths.holidays_file.display()), ("error", &e)],
            )));
        }
    };
    let office = Table::parse(&file, &text)
        .map_err(|e| Failure::usage(lang.f("cli.holidays_error", &[("error", &e)])))?;
    Ok(OfficeCalendar {
        office,
        backend: Table::default(),
    })
}

fn calendar(paths: &Paths, lang: Lang, command: CalendarCommand) -> Result<(), Failure> {
    let cal = load_office_calendar(paths, lang)?;
    match command {
        CalendarCommand::Due { from, days } => {
            let start = parse_vn_datetime(&from)
                .ok_or_else(|| Failure::usage(lang.f("cli.bad_datetime", &[("value", &from)])))?;
            if days > 3650 {
                return Err(Failure::usage(lang.f("cli.bad_days", &[("value", &days)])));
            }
            let due = cal.due(start, days);
            println!("{}", due.strftime("%d/%m/%Y %H:%M:%S"));
            eprintln!(
                "{}",
                lang.f(
                    "cli.due_detail",
                    &[
                        ("weekday", &weekday_name(lang, due.date().weekday())),
                        ("version", &cal.version_for(start, days))
                    ]
                )
            );
            Ok(())
        }
        CalendarCommand::Holidays { year } => {
            if !(1900..=2199).contains(&year) {
                return Err(Failure::usage(lang.f("cli.bad_year", &[("value", &year)])));
            }
            for d in cal.year(i32::from(year)) {
                let kind = match d.kind {
                    crate::api::HolidayKind::Holiday => lang.t("cal.kind.holiday"),
                    crate::api::HolidayKind::Compensatory => lang.t("cal.kind.compensatory"),
                    crate::api::HolidayKind::SwapOff => lang.t("cal.kind.swap_off"),
                    crate::api::HolidayKind::Working => lang.t("cal.kind.working"),
                };
                println!(
                    "{}  {:<9}  {}  ({kind})",
                    d.date.strftime("%d/%m/%Y"),
                    weekday_name(lang, d.date.weekday()),
                    d.name
                );
            }
            Ok(())
        }
    }
}

fn weekday_name(lang: Lang, w: jiff::civil::Weekday) -> &'static str {
    use jiff::civil::Weekday;
    match w {
        Weekday::Monday => lang.t("cal.mon"),
        Weekday::Tuesday => lang.t("cal.tue"),
        Weekday::Wednesday => lang.t("cal.wed"),
        Weekday::Thursday => lang.t("cal.thu"),
        Weekday::Friday => lang.t("cal.fri"),
        Weekday::Saturday => lang.t("cal.sat"),
        Weekday::Sunday => lang.t("cal.sun"),
    }
}

fn serve(paths: &Paths, lang: Lang, args: ServeArgs) -> Result<(), Failure> {
    let data_dir = args.data.unwrap_or_else(|| paths.data_dir.join("server"));
    let opts = crate::server::ServeOptions {
        data_dir: data_dir.clone(),
        addr: args.addr,
        citizens: args.citizens,
        procedures: args.procedures,
        seed: args.seed,
        token_ttl_s: args.token_ttl.max(1),
        test_faults: args.test_faults,
        demo: false,
    };
    let fail = |e: &dyn std::fmt::Display| Failure::runtime(lang.f("serve.error", &[("error", e)]));
    let started = std::time::Instant::now();
    let state = crate::server::prepare(&opts, |step| {
        eprintln!("{}", lang.f("serve.step", &[("step", &step)]));
    })
    .map_err(|e| fail(&e))?;
    if let Some(username) = args.add_official {
        let username = username.trim().to_owned();
        if username.is_empty()
            || username
                .chars()
                .any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(Failure::usage(lang.t("serve.bad_username").to_string()));
        }
        let password = read_new_password(lang)?;
        let full_name = args.full_name.unwrap_or_else(|| username.clone());
        crate::server::add_official(&state, &username, &full_name, &args.unit, &password)
            .map_err(|e| fail(&e))?;
        println!(
            "{}",
            lang.f(
                "serve.official_added",
                &[("user", &username), ("unit", &args.unit)]
            )
        );
        return Ok(());
    }
    let running = crate::server::spawn(state, opts.addr).map_err(|e| fail(&e))?;
    tracing::info!(addr = %running.addr, "reference backend listening");
    eprintln!(
        "{}",
        lang.f(
            "serve.listening",
            &[
                ("url", &running.url()),
                ("dir", &data_dir.display()),
                ("secs", &format!("{:.1}", started.elapsed().as_secs_f64()))
            ]
        )
    );
    wait_for_stop_signal().map_err(|e| fail(&e))?;
    drop(running);
    Ok(())
}

/// Blocks until SIGINT, SIGTERM or SIGHUP.
fn wait_for_stop_signal() -> std::io::Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let mut term = signal(SignalKind::terminate())?;
        let mut hup = signal(SignalKind::hangup())?;
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
            _ = hup.recv() => {}
        }
        Ok(())
    })
}

/// Reads a new password: twice without echo on a terminal, one line from a pipe.
/// Never from argv or the environment, so it stays out of `ps` and shell history.
fn read_new_password(lang: Lang) -> Result<String, Failure> {
    let password = if std::io::stdin().is_terminal() {
        let first = read_secret(lang.t("serve.password_prompt"))
            .map_err(|e| Failure::runtime(e.to_string()))?;
        let again = read_secret(lang.t("serve.password_again"))
            .map_err(|e| Failure::runtime(e.to_string()))?;
        if first != again {
            return Err(Failure::usage(
                lang.t("serve.password_mismatch").to_string(),
            ));
        }
        first
    } else {
        let mut line = String::new();
        std::io::stdin()
            .read_line(&mut line)
            .map_err(|e| Failure::runtime(e.to_string()))?;
        line.trim_end_matches(['\n', '\r']).to_owned()
    };
    if password.chars().count() < 8 {
        return Err(Failure::usage(lang.t("serve.password_short").to_string()));
    }
    Ok(password)
}

/// Reads a line from the terminal without echoing it.
fn read_secret(prompt: &str) -> std::io::Result<String> {
    use ratatui::crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};
    use ratatui::crossterm::terminal;
    eprint!("{prompt}: ");
    std::io::stderr().flush()?;
    terminal::enable_raw_mode()?;
    let mut secret = String::new();
    let result = loop {
        match event::read() {
            Ok(Event::Key(k)) if k.kind != KeyEventKind::Release => match k.code {
                KeyCode::Enter => break Ok(()),
                KeyCode::Esc => break Err(std::io::Error::other("cancelled")),
                KeyCode::Char('c') if k.modifiers.contains(KeyModifiers::CONTROL) => {
                    break Err(std::io::Error::other("cancelled"));
                }
                KeyCode::Backspace => {
                    secret.pop();
                }
                KeyCode::Char(c) => secret.push(c),
                _ => {}
            },
            Ok(Event::Paste(text)) => secret.push_str(text.trim_end_matches(['\n', '\r'])),
            Ok(_) => {}
            Err(e) => break Err(e),
        }
    };
    let _ = terminal::disable_raw_mode();
    eprintln!();
    result.map(|()| secret)
}

fn print_version(paths: &Paths, lang: Lang) {
    let exists = |p: &Path| {
        if p.exists() {
            String::new()
        } else {
            format!(" {}", lang.t("cli.paths_missing"))
        }
    };
    println!("motcua {}", env!("CARGO_PKG_VERSION"));
    println!(
        "{}: {}{}",
        lang.t("cli.paths_config"),
        paths.config_file.display(),
        exists(&paths.config_file)
    );
    println!(
        "{}: {}{}",
        lang.t("cli.paths_keymap"),
        paths.keymap_file.display(),
        exists(&paths.keymap_file)
    );
    println!("{}: {}", lang.t("cli.paths_data"), paths.data_dir.display());
    println!(
        "{}: {}",
        lang.t("cli.paths_store"),
        paths.store_file(DEMO_PROFILE).display()
    );
    println!(
        "{}: {}",
        lang.t("cli.paths_log"),
        paths.log_file().display()
    );
}

fn load_keymap(paths: &Paths, lang: Lang) -> Result<(Keymap, Option<PathBuf>), Failure> {
    Keymap::load(&paths.keymap_file)
        .map_err(|e| Failure::usage(lang.f("cli.keymap_error", &[("error", &e)])))
}

/// Logs go to a file in the log folder, never to the screen. If the file cannot be
/// opened, motcua runs without a log rather than not at all.
fn init_logging(paths: &Paths, config: &Config) {
    use crate::config::LogLevel;
    if crate::hardening::private_dir(&paths.log_dir).is_err() {
        return;
    }
    let level = match config.log.level {
        LogLevel::Error => tracing::Level::ERROR,
        LogLevel::Warn => tracing::Level::WARN,
        LogLevel::Info => tracing::Level::INFO,
        LogLevel::Debug => tracing::Level::DEBUG,
        LogLevel::Trace => tracing::Level::TRACE,
    };
    let appender = tracing_appender::rolling::never(&paths.log_dir, "motcua.log");
    // A log written by an older version may be wider than 0600.
    let _ = crate::hardening::private_file(&paths.log_file());
    let _ = tracing_subscriber::fmt()
        .with_writer(appender)
        .with_ansi(false)
        .with_max_level(level)
        .try_init();
}

/// Where receipts are exported: the configured folder, else `exports` in the data folder.
fn export_dir(paths: &Paths, config: &Config) -> PathBuf {
    if config.export.dir.trim().is_empty() {
        paths.data_dir.join("exports")
    } else {
        PathBuf::from(config.export.dir.trim())
    }
}

fn run_tui(paths: &Paths, config: &Config) -> Result<(), Failure> {
    let lang = config.ui.lang;
    let (keymap, _) = load_keymap(paths, lang)?;
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        return Err(Failure::usage(lang.t("cli.not_a_terminal").to_string()));
    }
    let no_color = std::env::var("NO_COLOR").ok();
    let term = std::env::var("TERM").ok();
    let theme = Theme::choose(
        config.ui.theme,
        config.ui.ascii,
        no_color.as_deref(),
        term.as_deref(),
    );
    let (backend, mode, profile) = connect_backend(paths, config)?;
    let demo = mode == app::BackendMode::Demo;
    let opts = Options {
        lang,
        theme,
        keymap,
        match_mode: config.procedures.match_mode,
        demo: mode == app::BackendMode::Demo,
        seed_catalogue: None,
        backend: mode,
        calendar: load_office_calendar(paths, lang)?,
        export_dir: export_dir(paths, config),
        household_concurrency: config.household.concurrency,
        card_service: config.card.enabled,
    };
    tracing::info!(
        version = env!("CARGO_PKG_VERSION"),
        "starting the terminal UI"
    );
    app::runtime::run(
        opts,
        paths.store_file(&profile),
        Duration::from_millis(config.store.busy_timeout_ms),
        Some(backend),
        devices(paths, config, demo),
    )
    .map_err(|e| Failure::runtime(lang.f("cli.terminal_error", &[("error", &e)])))
}

/// The card service and the serial scanner the configuration asks for. The demo reads
/// PC/SC readers when pcscd has one, else a virtual card in process; its CSCA folder is
/// its own, holding the test CSCA the virtual cards are signed under.
fn devices(paths: &Paths, config: &Config, demo: bool) -> app::runtime::Devices {
    use crate::card::{pcsc_service, service, testpki::TestPki, virtual_card};
    let device = config.scanner.serial_device.trim();
    let scanner = (!device.is_empty()).then(|| PathBuf::from(device));
    if !config.card.enabled {
        return app::runtime::Devices {
            card: None,
            scanner,
        };
    }
    let mut csca = card::csca_dir(paths, config);
    if demo && config.card.csca_dir.trim().is_empty() {
        csca = paths.data_dir.join(DEMO_PROFILE).join("csca");
        let pem = csca.join("motcua-test-csca.pem");
        if let Err(e) = std::fs::create_dir_all(&csca)
            .and_then(|()| std::fs::write(&pem, TestPki::generate(1).csca_pem()))
        {
            tracing::warn!(error = %e, "cannot write the demo CSCA");
        }
    }
    let readers = pcsc_service::list_readers().unwrap_or_default();
    let card: service::CardStarter = if demo && readers.is_empty() {
        tracing::info!("demo: no PC/SC reader, the virtual card is read in process");
        match virtual_card::VirtualCard::new(&virtual_card::demo_holder(), 1) {
            Ok(mut c) => {
                c.sign(&TestPki::generate(1));
                service::spawn_virtual(c, Some(csca))
            }
            Err(e) => {
                tracing::error!(error = %e, "the demo card cannot be built");
                return app::runtime::Devices {
                    card: None,
                    scanner,
                };
            }
        }
    } else {
        let mut cfg = pcsc_service::ServiceConfig::from_setting(&config.card.reader);
        cfg.csca_dir = Some(csca);
        Box::new(move |sink: service::Sink| {
            Ok(Box::new(pcsc_service::spawn(cfg, sink)) as Box<dyn service::CardLink>)
        })
    };
    app::runtime::Devices {
        card: Some(card),
        scanner,
    }
}

/// The backend the TUI talks to: the configured one, or the embedded demo started here
/// on a loopback port. Returns it with the mode and the local store's profile name.
fn connect_backend(
    paths: &Paths,
    config: &Config,
) -> Result<(app::runtime::Backend, app::BackendMode, String), Failure> {
    let url = config.backend.url.trim();
    if !url.is_empty() {
        let client = make_client(config, url)?;
        let profile = profile_for(client.base_url());
        let mode = app::BackendMode::Remote {
            url: client.base_url().to_owned(),
        };
        let backend = app::runtime::Backend {
            client,
            auto_sign_in: None,
            server: None,
            sync: sync_options(config),
            offline_for: offline_for(config),
            idle_lock: idle_lock(config),
        };
        return Ok((backend, mode, profile));
    }
    connect_demo(paths, config)
}

/// The client for `url`, with the configured timeout and CA bundle.
fn make_client(
    config: &Config,
    url: &str,
) -> Result<std::sync::Arc<crate::api::client::Client>, Failure> {
    use crate::api::client::{Client, ClientOptions};
    let mut opts = ClientOptions::new(url);
    opts.timeout = Duration::from_secs(config.backend.timeout_s.max(1));
    if !config.backend.ca_file.is_empty() {
        opts.ca_file = Some(PathBuf::from(&config.backend.ca_file));
    }
    Client::new(&opts)
        .map(std::sync::Arc::new)
        .map_err(|e| Failure::usage(config.ui.lang.f("cli.backend_error", &[("error", &e)])))
}

/// The embedded demo backend, started here on a loopback port.
fn connect_demo(
    paths: &Paths,
    config: &Config,
) -> Result<(app::runtime::Backend, app::BackendMode, String), Failure> {
    let lang = config.ui.lang;
    let fail =
        |e: &dyn std::fmt::Display| Failure::runtime(lang.f("cli.demo_error", &[("error", e)]));
    let mut opts = crate::server::ServeOptions::new(paths.data_dir.join("demo-backend"));
    opts.addr = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
    opts.demo = true;
    let mut said = false;
    let state = crate::server::prepare(&opts, |_| {
        if !std::mem::replace(&mut said, true) {
            eprintln!("{}", lang.t("cli.demo_preparing"));
        }
    })
    .map_err(|e| fail(&e))?;
    let password = crate::server::DEMO_PASSWORD.to_owned();
    crate::server::add_official(
        &state,
        crate::server::DEMO_USERNAME,
        crate::server::DEMO_FULL_NAME,
        crate::server::DEMO_UNIT,
        &password,
    )
    .map_err(|e| fail(&e))?;
    let server = crate::server::spawn(state, opts.addr).map_err(|e| fail(&e))?;
    let client = make_client(config, &server.url())?;
    let backend = app::runtime::Backend {
        client,
        auto_sign_in: Some((crate::server::DEMO_USERNAME.to_owned(), password)),
        server: Some(server),
        sync: sync_options(config),
        offline_for: offline_for(config),
        idle_lock: idle_lock(config),
    };
    Ok((backend, app::BackendMode::Demo, DEMO_PROFILE.to_owned()))
}

/// How long offline sign-ins work after an online one (`[security] offline_days`, at
/// most a year).
fn offline_for(config: &Config) -> Duration {
    Duration::from_hours(24 * config.security.offline_days.min(366))
}

/// The idle lock (`[security] idle_lock_min`; 0 turns it off).
fn idle_lock(config: &Config) -> Option<Duration> {
    let min = config.security.idle_lock_min;
    (min > 0).then(|| Duration::from_mins(min.min(24 * 60)))
}

/// The sync worker's settings from `[sync]`, kept within sane bounds.
fn sync_options(config: &Config) -> crate::sync::worker::WorkerOptions {
    let c = &config.sync;
    crate::sync::worker::WorkerOptions {
        period: Duration::from_secs(c.period_s.clamp(5, 86_400)),
        probe: Duration::from_secs(c.probe_s.clamp(1, 3_600)),
        pass: crate::sync::PassOptions {
            batch: c.batch.clamp(1, crate::api::MAX_SYNC_BATCH),
            pull: true,
        },
        seed: std::process::id().into(),
        purge: Some(purge_options(config)),
        ..crate::sync::worker::WorkerOptions::default()
    }
}

/// The retention purge's settings from `[retention]` (validated when loaded).
fn purge_options(config: &Config) -> crate::sync::PurgeOptions {
    crate::sync::PurgeOptions {
        retention: config.retention.retention(),
        every: Duration::from_hours(u64::from(config.retention.every_hours.max(1))),
    }
}

/// The local profile of a backend: its host and port, in characters safe for a folder.
fn profile_for(base_url: &str) -> String {
    let host = base_url
        .split_once("://")
        .map_or(base_url, |(_, rest)| rest);
    let safe: String = host
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("backend-{safe}")
}

fn import_catalogue(
    paths: &Paths,
    config: &Config,
    file: &Path,
    format: Option<FormatArg>,
) -> Result<(), Failure> {
    let lang = config.ui.lang;
    let shown = file.display();
    let format = match format {
        Some(FormatArg::Json) => Format::Json,
        Some(FormatArg::Csv) => Format::Csv,
        None => Format::from_path(file)
            .ok_or_else(|| Failure::usage(lang.f("cli.unknown_format", &[("file", &shown)])))?,
    };
    let read_err = |e: &dyn std::fmt::Display| {
        Failure::runtime(lang.f("cli.read_failed", &[("file", &shown), ("error", e)]))
    };
    let bytes =
        crate::bounded::read(file, MAX_IMPORT_MB * crate::bounded::MB).map_err(|e| match e {
            crate::bounded::ReadError::TooLarge { .. } => Failure::runtime(
                lang.f("cli.too_big", &[("file", &shown), ("max", &MAX_IMPORT_MB)]),
            ),
            e => read_err(&lang.f_owned(e.key(), &e.args())),
        })?;
    let procedures = catalogue::parse(&bytes, format).map_err(|e| {
        Failure::runtime(lang.f("cli.import_failed", &[("file", &shown), ("error", &e)]))
    })?;
    let store_path = paths.store_file(DEMO_PROFILE);
    let store_err =
        |e: &dyn std::fmt::Display| Failure::runtime(lang.f("cli.store_error", &[("error", e)]));
    let mut store = unlock::open_demo(paths, config, &unlock::runtime()?)?.store;
    let summary = store
        .replace_catalogue(&procedures)
        .map_err(|e| store_err(&e))?;
    tracing::info!(count = summary.total, "catalogue imported");
    println!(
        "{}",
        lang.f(
            "cli.import_done",
            &[
                ("n", &summary.total),
                ("path", &store_path.display()),
                ("removed", &summary.removed)
            ]
        )
    );
    Ok(())
}

fn generate_catalogue(
    lang: Lang,
    count: usize,
    seed: u64,
    output: Option<&Path>,
) -> Result<(), Failure> {
    let procedures = catalogue::generate(count, seed);
    let json = serde_json::json!({ "procedures": procedures });
    let text = serde_json::to_string_pretty(&json).map_err(|e| Failure::runtime(e.to_string()))?;
    match output {
        Some(path) => {
            std::fs::write(path, text + "\n").map_err(|e| {
                Failure::runtime(lang.f(
                    "cli.read_failed",
                    &[("file", &path.display()), ("error", &e)],
                ))
            })?;
            eprintln!(
                "{}",
                lang.f("cli.generated", &[("n", &count), ("path", &path.display())])
            );
        }
        None => println!("{text}"),
    }
    Ok(())
}
