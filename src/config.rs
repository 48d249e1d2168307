//! Configuration: the embedded, commented `config/default.toml`, then the user's file,
//! then the environment, then command-line flags.
//!
//! A broken user file is an error naming the file, the line and the problem; a missing
//! one means defaults. Unknown keys are errors, so a typo never silently does nothing.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::i18n::Lang;
use crate::text::MatchMode;

/// The default configuration, as shipped.
pub const DEFAULT_TOML: &str = include_str!("../config/default.toml");

/// A problem in a file the user can edit, located by line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}:{line}: {problem}", file.display())]
pub struct FileError {
    /// The file.
    pub file: PathBuf,
    /// The 1-based line, or 0 when the problem is not on one line.
    pub line: usize,
    /// What is wrong.
    pub problem: String,
}

impl FileError {
    /// Builds an error from a TOML parse error, computing the line from its span.
    #[must_use]
    pub fn from_toml(file: &Path, source: &str, err: &toml::de::Error) -> Self {
        let line = err.span().map_or(0, |span| line_of(source, span.start));
        Self {
            file: file.to_path_buf(),
            line,
            problem: err.message().trim().to_string(),
        }
    }
}

/// The 1-based line number of a byte offset.
#[must_use]
pub fn line_of(source: &str, offset: usize) -> usize {
    let end = offset.min(source.len());
    source[..end].lines().count().max(1) + usize::from(source[..end].ends_with('\n'))
}

/// Colour theme choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum ThemeChoice {
    /// Monochrome when the terminal asks for it, colour otherwise.
    #[default]
    Auto,
    /// Always colour.
    Color,
    /// Always monochrome (reverse, bold, underline only).
    Mono,
}

/// `[ui]`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UiConfig {
    pub lang: Lang,
    pub theme: ThemeChoice,
    pub ascii: bool,
}

impl Default for UiConfig {
    fn default() -> Self {
        Self {
            lang: Lang::Vi,
            theme: ThemeChoice::Auto,
            ascii: false,
        }
    }
}

/// `[procedures]`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProceduresConfig {
    #[serde(with = "match_mode_serde")]
    pub match_mode: MatchMode,
}

impl Default for ProceduresConfig {
    fn default() -> Self {
        Self {
            match_mode: MatchMode::AllWords,
        }
    }
}

mod match_mode_serde {
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::text::MatchMode;

    #[allow(
        clippy::trivially_copy_pass_by_ref,
        reason = "serde's `with` signature"
    )]
    pub fn serialize<S: Serializer>(mode: &MatchMode, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(match mode {
            MatchMode::AllWords => "words",
            MatchMode::Fuzzy => "fuzzy",
        })
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<MatchMode, D::Error> {
        match String::deserialize(d)?.as_str() {
            "words" => Ok(MatchMode::AllWords),
            "fuzzy" => Ok(MatchMode::Fuzzy),
            other => Err(serde::de::Error::custom(format!(
                "unknown match mode `{other}`, expected \"words\" or \"fuzzy\""
            ))),
        }
    }
}

/// `[store]`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StoreConfig {
    pub busy_timeout_ms: u64,
}

impl Default for StoreConfig {
    fn default() -> Self {
        Self {
            busy_timeout_ms: 5000,
        }
    }
}

/// `[backend]`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BackendConfig {
    /// The provincial backend's address; empty runs the embedded demo backend.
    pub url: String,
    /// A PEM file of CA certificates to trust instead of the system's; empty: system.
    pub ca_file: String,
    /// Limit for one call to the backend, in seconds.
    pub timeout_s: u64,
}

impl Default for BackendConfig {
    fn default() -> Self {
        Self {
            url: String::new(),
            ca_file: String::new(),
            timeout_s: 15,
        }
    }
}

/// `[export]`
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ExportConfig {
    /// The folder receipts are written to; empty: `exports` under the data folder.
    pub dir: String,
}

/// `[household]`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HouseholdConfig {
    /// Verification requests in flight at most (1 to 64).
    pub concurrency: usize,
}

impl Default for HouseholdConfig {
    fn default() -> Self {
        Self { concurrency: 4 }
    }
}

/// `[sync]`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SyncConfig {
    /// A sync pass at least this often while the backend answers, in seconds.
    pub period_s: u64,
    /// While the backend cannot be reached, ask whether it is back this often, in seconds.
    pub probe_s: u64,
    /// Items per request (1 to 100).
    pub batch: usize,
}

impl Default for SyncConfig {
    fn default() -> Self {
        Self {
            period_s: 60,
            probe_s: 5,
            batch: 50,
        }
    }
}

/// `[security]`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SecurityConfig {
    /// Lock the screen after this many minutes without a key (0: never).
    pub idle_lock_min: u64,
    /// Signing in with the backend out of reach works for this many days after the
    /// official's last online sign-in on this machine (checked against the keyring).
    pub offline_days: u64,
}

impl Default for SecurityConfig {
    fn default() -> Self {
        Self {
            idle_lock_min: 10,
            offline_days: 7,
        }
    }
}

/// `[retention]`: how long citizens' data is kept here (storage limitation, Law
/// 91/2025 and Decree 356/2025), counted by the server's clock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RetentionConfig {
    /// Local dossier copies and cached lookup results: removed this many days after the
    /// server confirmed them (at least 1).
    pub keep_days: u32,
    /// Audit records: kept this many days (at least 1).
    pub audit_days: u32,
    /// The sync worker purges at most this often, in hours (at least 1).
    pub every_hours: u32,
}

impl Default for RetentionConfig {
    fn default() -> Self {
        Self {
            keep_days: 30,
            audit_days: 1095,
            every_hours: 24,
        }
    }
}

impl RetentionConfig {
    /// The periods the store purges by.
    #[must_use]
    pub fn retention(&self) -> crate::store::retention::Retention {
        crate::store::retention::Retention {
            keep_days: self.keep_days,
            audit_days: self.audit_days,
        }
    }
}

/// `[card]`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CardConfig {
    /// Use PC/SC card readers at all.
    pub enabled: bool,
    /// The reader to use: its name or a part of it; empty: the first with a card.
    pub reader: String,
    /// A folder of trusted CSCA certificates (PEM or DER) for passive authentication;
    /// empty: `csca` under the data folder.
    pub csca_dir: String,
}

impl Default for CardConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            reader: String::new(),
            csca_dir: String::new(),
        }
    }
}

/// `[scanner]`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct ScannerConfig {
    /// A serial (USB CDC) QR scanner's device, e.g. `/dev/ttyACM0`; empty: none
    /// (keyboard-wedge scanners need no setting).
    pub serial_device: String,
}

/// `[log]`
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogConfig {
    pub level: LogLevel,
}

impl Default for LogConfig {
    fn default() -> Self {
        Self {
            level: LogLevel::Info,
        }
    }
}

/// Log level of the log file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogLevel {
    Error,
    Warn,
    Info,
    Debug,
    Trace,
}

/// The whole configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub ui: UiConfig,
    pub procedures: ProceduresConfig,
    pub store: StoreConfig,
    pub backend: BackendConfig,
    pub export: ExportConfig,
    pub household: HouseholdConfig,
    pub sync: SyncConfig,
    pub security: SecurityConfig,
    pub retention: RetentionConfig,
    pub card: CardConfig,
    pub scanner: ScannerConfig,
    pub log: LogConfig,
}

/// Where the effective configuration came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loaded {
    pub config: Config,
    /// The user file, when it existed and was read.
    pub user_file: Option<PathBuf>,
}

impl Config {
    /// Parses a config file's text. Keys left out keep their defaults; values out of
    /// range are errors on their line.
    pub fn parse(file: &Path, text: &str) -> Result<Self, FileError> {
        let config: Self =
            toml::from_str(text).map_err(|e| FileError::from_toml(file, text, &e))?;
        config.validate(file, text)?;
        Ok(config)
    }

    /// Checks the values serde cannot: `[retention]`'s periods are at least 1.
    fn validate(&self, file: &Path, text: &str) -> Result<(), FileError> {
        let r = &self.retention;
        for (key, value) in [
            ("keep_days", r.keep_days),
            ("audit_days", r.audit_days),
            ("every_hours", r.every_hours),
        ] {
            if value == 0 {
                let line = text
                    .lines()
                    .position(|l| l.trim_start().starts_with(key))
                    .map_or(0, |i| i + 1);
                return Err(FileError {
                    file: file.to_path_buf(),
                    line,
                    problem: format!("[retention] {key} must be at least 1"),
                });
            }
        }
        Ok(())
    }

    /// Loads defaults, then the user file at `path` if it exists, then the environment.
    pub fn load(path: &Path) -> Result<Loaded, FileError> {
        let (mut config, user_file) = match std::fs::read(path) {
            Ok(bytes) => {
                let text = String::from_utf8(bytes).map_err(|e| FileError {
                    file: path.to_path_buf(),
                    line: 0,
                    problem: format!("not valid UTF-8 text ({e})"),
                })?;
                (Self::parse(path, &text)?, Some(path.to_path_buf()))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => (Self::default(), None),
            Err(e) => {
                return Err(FileError {
                    file: path.to_path_buf(),
                    line: 0,
                    problem: e.to_string(),
                });
            }
        };
        config.apply_env(|name| std::env::var(name).ok())?;
        Ok(Loaded { config, user_file })
    }

    /// Applies `MOTCUA_LANG`, `MOTCUA_THEME`, `MOTCUA_ASCII`, `MOTCUA_BACKEND_URL` and
    /// `MOTCUA_LOG`.
    pub fn apply_env(&mut self, get: impl Fn(&str) -> Option<String>) -> Result<(), FileError> {
        let env_error = |name: &str, problem: String| FileError {
            file: PathBuf::from(format!("${name}")),
            line: 0,
            problem,
        };
        let parse = |name: &str, key: &str, value: String| -> Result<toml::Value, FileError> {
            let doc = format!("{key} = {}", toml::Value::String(value));
            let table: toml::Table = toml::from_str(&doc)
                .map_err(|e: toml::de::Error| env_error(name, e.message().to_string()))?;
            Ok(table[key].clone())
        };
        if let Some(v) = get("MOTCUA_LANG").filter(|v| !v.is_empty()) {
            self.ui.lang = parse("MOTCUA_LANG", "lang", v)?
                .try_into()
                .map_err(|e: toml::de::Error| env_error("MOTCUA_LANG", e.message().to_string()))?;
        }
        if let Some(v) = get("MOTCUA_THEME").filter(|v| !v.is_empty()) {
            self.ui.theme = parse("MOTCUA_THEME", "theme", v)?
                .try_into()
                .map_err(|e: toml::de::Error| env_error("MOTCUA_THEME", e.message().to_string()))?;
        }
        if let Some(v) = get("MOTCUA_ASCII").filter(|v| !v.is_empty()) {
            self.ui.ascii = match v.as_str() {
                "1" | "true" | "yes" => true,
                "0" | "false" | "no" => false,
                other => {
                    return Err(env_error(
                        "MOTCUA_ASCII",
                        format!("expected 1 or 0, got `{other}`"),
                    ));
                }
            };
        }
        if let Some(v) = get("MOTCUA_BACKEND_URL").filter(|v| !v.is_empty()) {
            self.backend.url = v;
        }
        if let Some(v) = get("MOTCUA_LOG").filter(|v| !v.is_empty()) {
            self.log.level = parse("MOTCUA_LOG", "level", v)?
                .try_into()
                .map_err(|e: toml::de::Error| env_error("MOTCUA_LOG", e.message().to_string()))?;
        }
        Ok(())
    }

    /// The merged configuration as TOML (for `motcua config print`).
    #[must_use]
    pub fn to_toml(&self) -> String {
        toml::to_string_pretty(self).unwrap_or_else(|e| format!("# cannot print: {e}\n"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_default_parses_to_the_built_in_defaults() {
        let parsed = Config::parse(Path::new("default.toml"), DEFAULT_TOML).unwrap();
        assert_eq!(parsed, Config::default());
    }

    #[test]
    fn partial_user_file_keeps_other_defaults() {
        let c = Config::parse(Path::new("u.toml"), "[ui]\nlang = \"en\"\n").unwrap();
        assert_eq!(c.ui.lang, Lang::En);
        assert_eq!(c.ui.theme, ThemeChoice::Auto);
        assert_eq!(c.store.busy_timeout_ms, 5000);
    }

    #[test]
    fn errors_name_file_and_line() {
        let text = "[ui]\nlang = \"en\"\ntheme = \"neon\"\n";
        let e = Config::parse(Path::new("/x/c.toml"), text).unwrap_err();
        assert_eq!(e.line, 3);
        assert!(
            e.problem.contains("neon") || e.problem.contains("variant"),
            "{}",
            e.problem
        );
        assert!(e.to_string().starts_with("/x/c.toml:3:"));

        let e = Config::parse(Path::new("c.toml"), "[ui]\nlnag = \"en\"\n").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(e.problem.contains("lnag"), "{}", e.problem);

        let e = Config::parse(Path::new("c.toml"), "[ui\n").unwrap_err();
        assert_eq!(e.line, 1);
    }

    #[test]
    fn environment_overrides_file() {
        let mut c = Config::default();
        c.apply_env(|k| match k {
            "MOTCUA_LANG" => Some("en".into()),
            "MOTCUA_THEME" => Some("mono".into()),
            "MOTCUA_ASCII" => Some("1".into()),
            _ => None,
        })
        .unwrap();
        assert_eq!(c.ui.lang, Lang::En);
        assert_eq!(c.ui.theme, ThemeChoice::Mono);
        assert!(c.ui.ascii);
        let e = c
            .apply_env(|k| (k == "MOTCUA_LANG").then(|| "fr".into()))
            .unwrap_err();
        assert_eq!(e.file, PathBuf::from("$MOTCUA_LANG"));
    }

    #[test]
    fn retention_periods_must_be_at_least_one() {
        let c = Config::parse(Path::new("c.toml"), "[retention]\nkeep_days = 7\n").unwrap();
        assert_eq!((c.retention.keep_days, c.retention.audit_days), (7, 1095));
        let e =
            Config::parse(Path::new("c.toml"), "[ui]\n\n[retention]\nkeep_days = 0\n").unwrap_err();
        assert_eq!(e.line, 4);
        assert!(e.problem.contains("keep_days"), "{}", e.problem);
        let e = Config::parse(Path::new("c.toml"), "[retention]\naudit_days = -1\n").unwrap_err();
        assert_eq!(e.line, 2);
    }

    #[test]
    fn missing_file_means_defaults() {
        let dir = std::env::temp_dir().join("motcua-config-test-missing");
        let loaded = Config::load(&dir.join("nope.toml")).unwrap();
        assert_eq!(loaded.user_file, None);
    }

    #[test]
    fn printed_config_parses_back() {
        let c = Config::default();
        assert_eq!(Config::parse(Path::new("p"), &c.to_toml()).unwrap(), c);
    }
}
