//! Process-wide protections for a program that holds citizens' data: files it creates
//! are readable by the official's account only, and the process never leaves a core dump
//! (which would hold whatever was in memory: names, numbers, tokens).
//!
//! - `umask 077` before anything is created: data, WAL and SHM files, logs and exports
//!   are 0600, folders 0700.
//! - `RLIMIT_CORE` 0 and `PR_SET_DUMPABLE` 0: no core file, and other processes of the
//!   same user cannot attach to it or read its memory through `/proc`.
//! - Files and folders made by an older version are narrowed when opened
//!   ([`private_dir`], [`private_file`]).

use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;

/// Mode of the folders motcua keeps data and logs in.
pub const DIR_MODE: u32 = 0o700;
/// Mode of its data and log files.
pub const FILE_MODE: u32 = 0o600;

/// Sets the umask and turns core dumps off. Called first thing by the binary.
pub fn harden_process() {
    rustix::process::umask(rustix::fs::Mode::from_raw_mode(0o077));
    let no_core = rustix::process::Rlimit {
        current: Some(0),
        maximum: Some(0),
    };
    if let Err(e) = rustix::process::setrlimit(rustix::process::Resource::Core, no_core) {
        tracing::warn!(error = %e, "cannot turn core dumps off");
    }
    if let Err(e) =
        rustix::process::set_dumpable_behavior(rustix::process::DumpableBehavior::NotDumpable)
    {
        tracing::warn!(error = %e, "cannot mark the process not dumpable");
    }
}

/// Creates `dir` (and its parents) if needed, and makes it 0700.
pub fn private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    narrow(dir, DIR_MODE)
}

/// Makes an existing file 0600 (a missing one is not an error).
pub fn private_file(file: &Path) -> std::io::Result<()> {
    match narrow(file, FILE_MODE) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

fn narrow(path: &Path, mode: u32) -> std::io::Result<()> {
    let meta = std::fs::metadata(path)?;
    if meta.permissions().mode() & 0o777 != mode {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn folders_and_files_of_an_older_version_are_narrowed() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data").join("demo");
        std::fs::create_dir_all(&data).unwrap();
        std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
        let db = data.join("motcua.db");
        std::fs::write(&db, b"").unwrap();
        std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
        private_dir(&data).unwrap();
        private_file(&db).unwrap();
        private_file(&data.join("missing-wal")).unwrap();
        assert_eq!((mode(&data), mode(&db)), (DIR_MODE, FILE_MODE));
    }
}
