//! Reading a file that comes from outside (a catalogue to import, a members list, a
//! holder file) with a size cap, in memory bounded by the cap.
//!
//! A regular file larger than the cap is refused from its size, before a byte is read
//! or a buffer allocated. Anything else — a pipe, a device such as `/dev/zero`, a file
//! growing while it is read — is read through [`Read::take`] at most one byte past the
//! cap, and refused when that byte arrives. So a size check on the path followed by
//! `std::fs::read` (which trusts neither) is never needed.

use std::io::Read;
use std::path::Path;

/// One mebibyte, the unit of the caps.
pub const MB: u64 = 1024 * 1024;

/// Why a file was not read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    /// Larger than `max` bytes. `size` is the file's size when the file system gave it
    /// (a regular file, refused before reading), `None` when reading found it (more than
    /// `max` bytes came).
    #[error("the file is too large (at most {})", human(*max))]
    TooLarge { size: Option<u64>, max: u64 },
    /// A directory, a pipe, a device: refused where only a regular file makes sense.
    #[error("not a regular file")]
    NotAFile,
    /// The file could not be opened or read (the path and the system's reason).
    #[error("{0}")]
    Io(String),
}

impl ReadError {
    /// The i18n key of the message.
    #[must_use]
    pub const fn key(&self) -> &'static str {
        match self {
            ReadError::TooLarge { size: Some(_), .. } => "file.too_large",
            ReadError::TooLarge { size: None, .. } => "file.too_long_read",
            ReadError::NotAFile => "file.not_a_file",
            ReadError::Io(_) => "file.io",
        }
    }

    /// The message's arguments.
    #[must_use]
    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            ReadError::TooLarge {
                size: Some(size),
                max,
            } => vec![("size", human(*size)), ("max", human(*max))],
            ReadError::TooLarge { size: None, max } => vec![("max", human(*max))],
            ReadError::NotAFile => Vec::new(),
            ReadError::Io(e) => vec![("error", e.clone())],
        }
    }
}

/// A size as people read it: `100 MB`, `1.5 MB`, `64 KB`, `512 B` (binary units).
#[must_use]
pub fn human(bytes: u64) -> String {
    const KB: u64 = 1024;
    let (unit, name) = if bytes >= MB {
        (MB, "MB")
    } else if bytes >= KB {
        (KB, "KB")
    } else {
        return format!("{bytes} B");
    };
    let tenths = u128::from(bytes) * 10 / u128::from(unit);
    if tenths % 10 == 0 {
        format!("{} {name}", tenths / 10)
    } else {
        format!("{}.{} {name}", tenths / 10, tenths % 10)
    }
}

/// [`human`] for a length in memory.
#[must_use]
pub fn human_len(bytes: usize) -> String {
    human(u64::try_from(bytes).unwrap_or(u64::MAX))
}

/// Reads the whole file at `path`, refusing it when it holds more than `max` bytes.
/// Any kind of file is read (a pipe such as `/dev/stdin` too); at most `max + 1` bytes
/// are ever held.
pub fn read(path: &Path, max: u64) -> Result<Vec<u8>, ReadError> {
    let io = |e: std::io::Error| ReadError::Io(format!("{}: {e}", path.display()));
    let file = std::fs::File::open(path).map_err(io)?;
    read_open(file, max).map_err(|e| match e {
        ReadError::Io(e) => ReadError::Io(format!("{}: {e}", path.display())),
        e => e,
    })
}

/// As [`read`], for regular files only: a directory, a pipe or a device is refused
/// before it is opened (opening a pipe with no writer would block the reading thread).
pub fn read_regular(path: &Path, max: u64) -> Result<Vec<u8>, ReadError> {
    let meta =
        std::fs::metadata(path).map_err(|e| ReadError::Io(format!("{}: {e}", path.display())))?;
    if !meta.is_file() {
        return Err(ReadError::NotAFile);
    }
    if meta.len() > max {
        return Err(ReadError::TooLarge {
            size: Some(meta.len()),
            max,
        });
    }
    read(path, max)
}

/// Reads an open file to its end, refusing it when it holds more than `max` bytes: a
/// regular file from its size (nothing read), anything else as the bytes come.
fn read_open(file: std::fs::File, max: u64) -> Result<Vec<u8>, ReadError> {
    let io = |e: std::io::Error| ReadError::Io(e.to_string());
    let meta = file.metadata().map_err(io)?;
    if meta.is_dir() {
        return Err(ReadError::NotAFile);
    }
    // The size of a regular file is known; a pipe or a device says 0.
    let announced = if meta.is_file() { meta.len() } else { 0 };
    if announced > max {
        return Err(ReadError::TooLarge {
            size: Some(announced),
            max,
        });
    }
    let mut bytes = Vec::with_capacity(usize::try_from(announced).unwrap_or(0));
    file.take(max.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if u64::try_from(bytes.len()).unwrap_or(u64::MAX) > max {
        return Err(ReadError::TooLarge { size: None, max });
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(human(100 * MB), "100 MB");
        assert_eq!(human(MB + MB / 2), "1.5 MB");
        assert_eq!(human(64 * 1024), "64 KB");
        assert_eq!(human(512), "512 B");
    }

    #[test]
    fn a_large_sparse_file_is_refused_from_its_size() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.json");
        let f = std::fs::File::create(&path).unwrap();
        f.set_len(100 * MB).unwrap();
        let refused = Err(ReadError::TooLarge {
            size: Some(100 * MB),
            max: 64 * MB,
        });
        assert_eq!(read(&path, 64 * MB), refused);
        assert_eq!(read_regular(&path, 64 * MB), refused);
        let e = read(&path, 64 * MB).unwrap_err();
        assert_eq!(e.key(), "file.too_large");
        assert_eq!(
            e.args(),
            [("size", "100 MB".to_owned()), ("max", "64 MB".to_owned())]
        );
        // At the cap exactly it is read.
        f.set_len(1024).unwrap();
        assert_eq!(read(&path, 1024).unwrap().len(), 1024);
    }

    #[test]
    fn an_endless_device_is_read_only_to_the_cap() {
        // `/dev/zero` says its size is 0 and never ends: `std::fs::read` would fill
        // memory; this stops one byte past the cap.
        let e = read(Path::new("/dev/zero"), MB).unwrap_err();
        assert_eq!(
            e,
            ReadError::TooLarge {
                size: None,
                max: MB
            }
        );
        assert_eq!(e.key(), "file.too_long_read");
        // Where only a regular file makes sense, it is not even opened.
        assert_eq!(
            read_regular(Path::new("/dev/zero"), MB),
            Err(ReadError::NotAFile)
        );
    }

    #[test]
    fn a_directory_or_a_missing_file_is_said_so() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(read(dir.path(), MB), Err(ReadError::NotAFile));
        assert_eq!(read_regular(dir.path(), MB), Err(ReadError::NotAFile));
        let missing = dir.path().join("none.csv");
        let Err(ReadError::Io(e)) = read(&missing, MB) else {
            panic!("a missing file reads");
        };
        assert!(e.contains("none.csv"), "{e}");
    }
}
