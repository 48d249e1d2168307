//! User-facing strings: one table per language (`config/lang/vi.toml`,
//! `config/lang/en.toml`), embedded in the binary. Vietnamese is the default.
//!
//! A key missing from a table shows as `⟦key⟧` so that tests can find it on screen.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use serde::{Deserialize, Serialize};

/// The marker that wraps a missing string's key.
pub const MISSING_OPEN: char = '⟦';

/// Interface language.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Tiếng Việt.
    #[default]
    Vi,
    /// English.
    En,
}

type Table = HashMap<String, String>;

fn parse_table(name: &str, text: &str) -> Table {
    // The tables are part of the binary and covered by tests; a broken table is a bug.
    toml::from_str(text).unwrap_or_else(|e| panic!("string table {name} is invalid: {e}"))
}

static VI: LazyLock<Table> =
    LazyLock::new(|| parse_table("vi", include_str!("../config/lang/vi.toml")));
static EN: LazyLock<Table> =
    LazyLock::new(|| parse_table("en", include_str!("../config/lang/en.toml")));
static MISSING: LazyLock<Mutex<HashMap<String, &'static str>>> = LazyLock::new(Mutex::default);

impl Lang {
    /// The other language (for the language toggle).
    #[must_use]
    pub const fn other(self) -> Self {
        match self {
            Lang::Vi => Lang::En,
            Lang::En => Lang::Vi,
        }
    }

    /// The language's code, as in the config file.
    #[must_use]
    pub const fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }

    /// The whole string table of this language.
    #[must_use]
    pub fn table(self) -> &'static HashMap<String, String> {
        match self {
            Lang::Vi => &VI,
            Lang::En => &EN,
        }
    }

    /// The string for `key`, or `⟦key⟧` when the table lacks it.
    #[must_use]
    pub fn t(self, key: &str) -> &'static str {
        if let Some(s) = self.table().get(key) {
            return s.as_str();
        }
        let mut missing = MISSING
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        missing
            .entry(key.to_string())
            .or_insert_with(|| Box::leak(format!("{MISSING_OPEN}{key}⟧").into_boxed_str()))
    }

    /// The string for `key` with `{name}` placeholders replaced.
    #[must_use]
    pub fn f(self, key: &str, args: &[(&str, &dyn std::fmt::Display)]) -> String {
        let mut out = self.t(key).to_string();
        for (name, value) in args {
            out = out.replace(&format!("{{{name}}}"), &value.to_string());
        }
        out
    }

    /// [`Lang::f`] with arguments given as owned strings (what errors' `args()` give).
    #[must_use]
    pub fn f_owned(self, key: &str, args: &[(&str, String)]) -> String {
        let args: Vec<(&str, &dyn std::fmt::Display)> = args
            .iter()
            .map(|(k, v)| (*k, v as &dyn std::fmt::Display))
            .collect();
        self.f(key, &args)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_tables_have_the_same_keys() {
        let mut vi: Vec<_> = VI.keys().collect();
        let mut en: Vec<_> = EN.keys().collect();
        vi.sort();
        en.sort();
        let only_vi: Vec<_> = vi.iter().filter(|k| !EN.contains_key(**k)).collect();
        let only_en: Vec<_> = en.iter().filter(|k| !VI.contains_key(**k)).collect();
        assert!(
            only_vi.is_empty() && only_en.is_empty(),
            "vi only: {only_vi:?}; en only: {only_en:?}"
        );
    }

    #[test]
    fn placeholders_match_between_languages() {
        let holes = |s: &str| {
            let mut v: Vec<String> = s
                .split('{')
                .skip(1)
                .filter_map(|p| p.split_once('}').map(|(h, _)| h.to_string()))
                .collect();
            v.sort();
            v
        };
        for (k, v) in VI.iter() {
            assert_eq!(holes(v), holes(&EN[k]), "placeholders differ for {k}");
        }
    }

    #[test]
    fn missing_key_is_marked() {
        assert_eq!(Lang::Vi.t("no.such.key"), "⟦no.such.key⟧");
        assert_eq!(Lang::En.f("app.name", &[]), "motcua");
    }
}
