//! The command line: the TUI by default, and headless subcommands.

use std::io::{IsTerminal, Write};
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
use crate::store::Store;
use crate::theme::Theme;

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
    }
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
    if std::fs::create_dir_all(&paths.log_dir).is_err() {
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
    let _ = tracing_subscriber::fmt()
        .with_writer(appender)
        .with_ansi(false)
        .with_max_level(level)
        .try_init();
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
    let opts = Options {
        lang,
        theme,
        keymap,
        match_mode: config.procedures.match_mode,
        demo: true,
        seed_catalogue: Some(catalogue::sample()),
    };
    tracing::info!(
        version = env!("CARGO_PKG_VERSION"),
        "starting the terminal UI"
    );
    app::runtime::run(
        opts,
        paths.store_file(DEMO_PROFILE),
        Duration::from_millis(config.store.busy_timeout_ms),
    )
    .map_err(|e| Failure::runtime(lang.f("cli.terminal_error", &[("error", &e)])))
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
    let size = std::fs::metadata(file).map_err(|e| read_err(&e))?.len();
    if size > MAX_IMPORT_MB * 1024 * 1024 {
        return Err(Failure::runtime(
            lang.f("cli.too_big", &[("file", &shown), ("max", &MAX_IMPORT_MB)]),
        ));
    }
    let bytes = std::fs::read(file).map_err(|e| read_err(&e))?;
    let procedures = catalogue::parse(&bytes, format).map_err(|e| {
        Failure::runtime(lang.f("cli.import_failed", &[("file", &shown), ("error", &e)]))
    })?;
    let store_path = paths.store_file(DEMO_PROFILE);
    let store_err =
        |e: &dyn std::fmt::Display| Failure::runtime(lang.f("cli.store_error", &[("error", e)]));
    let mut store = Store::open(
        &store_path,
        Duration::from_millis(config.store.busy_timeout_ms),
    )
    .map_err(|e| store_err(&e))?;
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
