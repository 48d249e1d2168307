//! Where motcua keeps its files: config, data and logs.
//!
//! Defaults come from the platform's conventions (`directories`); `MOTCUA_CONFIG`,
//! `MOTCUA_KEYMAP`, `MOTCUA_DATA_DIR` and `MOTCUA_LOG_DIR` override them.

use std::path::{Path, PathBuf};

/// The files and folders in use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    /// The user's config file (may not exist: then defaults apply).
    pub config_file: PathBuf,
    /// The user's keymap file (may not exist).
    pub keymap_file: PathBuf,
    /// The office's holiday table (may not exist: then the built-in one, which covers
    /// no year).
    pub holidays_file: PathBuf,
    /// The data folder: the local store lives under it.
    pub data_dir: PathBuf,
    /// The log folder.
    pub log_dir: PathBuf,
}

impl Paths {
    /// Resolves the paths from the environment and the platform's conventions.
    #[must_use]
    pub fn from_env() -> Self {
        let env = |name: &str| {
            std::env::var_os(name)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        };
        let dirs = directories::ProjectDirs::from("vn", "motcua", "motcua");
        let fallback = || std::env::temp_dir().join("motcua");
        let config_dir = dirs
            .as_ref()
            .map_or_else(fallback, |d| d.config_dir().to_path_buf());
        let data_dir = env("MOTCUA_DATA_DIR").unwrap_or_else(|| {
            dirs.as_ref()
                .map_or_else(fallback, |d| d.data_dir().to_path_buf())
        });
        let log_dir = env("MOTCUA_LOG_DIR").unwrap_or_else(|| {
            dirs.as_ref()
                .and_then(|d| d.state_dir().map(Path::to_path_buf))
                .unwrap_or_else(|| data_dir.join("logs"))
        });
        Self {
            config_file: env("MOTCUA_CONFIG").unwrap_or_else(|| config_dir.join("config.toml")),
            keymap_file: env("MOTCUA_KEYMAP").unwrap_or_else(|| config_dir.join("keymap.toml")),
            holidays_file: env("MOTCUA_HOLIDAYS")
                .unwrap_or_else(|| config_dir.join("holidays.toml")),
            data_dir,
            log_dir,
        }
    }

    /// The folder of one profile's local store: `demo` for the embedded demo.
    #[must_use]
    pub fn profile_dir(&self, profile: &str) -> PathBuf {
        self.data_dir.join(profile)
    }

    /// The SQLite file of one profile.
    #[must_use]
    pub fn store_file(&self, profile: &str) -> PathBuf {
        self.profile_dir(profile).join("motcua.db")
    }

    /// The log file.
    #[must_use]
    pub fn log_file(&self) -> PathBuf {
        self.log_dir.join("motcua.log")
    }
}
