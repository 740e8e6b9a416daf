//! Bounded reads of user input (config, policy files, saved plans, stdin).
//!
//! Every reader of a file the user names goes through [`read_bounded`]: it caps the bytes
//! actually read (`take(limit + 1)`), not the size `stat` reports, so `/dev/zero`,
//! `/dev/urandom`, a symlink to either, or a file growing while read end with
//! [`ReadError::TooLarge`] after at most `limit + 1` bytes instead of exhausting memory.
//! A FIFO is read like any stream: fine if the writer closes it, it blocks otherwise
//! (no timeout: a read timeout would need a thread per read, and a blocked FIFO is what
//! `cat fifo` does too).

use std::fmt;
use std::io::Read;
use std::path::Path;

/// Where the bytes come from: a named file, or standard input for `-`.
pub fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// Why a bounded read failed.
#[derive(Debug)]
pub enum ReadError {
    /// The file could not be opened or read.
    Io(std::io::Error),
    /// More than `limit` bytes were available; reading stopped at `limit + 1`.
    TooLarge { limit: usize },
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Io(e) => f.write_str(&io_reason(e)),
            ReadError::TooLarge { limit } => write!(f, "larger than the {} limit", human(*limit)),
        }
    }
}

impl std::error::Error for ReadError {}

/// A short, lower-case reason for an I/O error, as diagnostics print it.
pub fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        // Our own messages (UTF-8, directory) are already worded for the user.
        std::io::ErrorKind::InvalidData | std::io::ErrorKind::Other => e.to_string(),
        _ => e.to_string().to_lowercase(),
    }
}

/// `32 MiB`, `4 KiB` or `100 bytes`: how limits are printed.
pub fn human(bytes: usize) -> String {
    if bytes >= 1 << 20 && bytes.is_multiple_of(1 << 20) {
        format!("{} MiB", bytes >> 20)
    } else if bytes >= 1 << 10 && bytes.is_multiple_of(1 << 10) {
        format!("{} KiB", bytes >> 10)
    } else {
        format!("{bytes} bytes")
    }
}

/// Read at most `limit` bytes from `reader`; one byte more means [`ReadError::TooLarge`].
pub fn read_limited(reader: impl Read, limit: usize) -> Result<Vec<u8>, ReadError> {
    read_limited_hint(reader, limit, 0)
}

/// [`read_limited`] with a size hint (a regular file's stat size) to reserve up front.
/// Chunked by hand rather than `read_to_end`: its doubling would reserve twice the limit
/// just as the limit is crossed (64 MiB for a 32 MiB cap, measured: out of memory under a
/// 100 MiB `ulimit -v`). Here the buffer never holds more than `limit` bytes.
fn read_limited_hint(
    mut reader: impl Read,
    limit: usize,
    hint: usize,
) -> Result<Vec<u8>, ReadError> {
    let mut bytes = Vec::with_capacity(hint.min(limit));
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        let n = match reader.read(&mut chunk) {
            Ok(0) => return Ok(bytes),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(ReadError::Io(e)),
        };
        if bytes.len() + n > limit {
            return Err(ReadError::TooLarge { limit });
        }
        bytes.extend_from_slice(&chunk[..n]);
    }
}

/// Read the file at `path` (`-` is standard input), at most `limit` bytes.
pub fn read_bounded(path: &Path, limit: usize) -> Result<Vec<u8>, ReadError> {
    if is_stdin(path) {
        return read_limited(std::io::stdin().lock(), limit);
    }
    let file = std::fs::File::open(path).map_err(ReadError::Io)?;
    // A directory opens fine on Unix but fails on read with a vague "is a directory" (os
    // error 21); say it plainly.
    let meta = file.metadata().map_err(ReadError::Io)?;
    if meta.is_dir() {
        return Err(ReadError::Io(std::io::Error::other("is a directory")));
    }
    // Only a hint: /dev/zero and FIFOs report 0, a growing file more than at stat time.
    let hint = if meta.is_file() {
        usize::try_from(meta.len()).unwrap_or(usize::MAX)
    } else {
        0
    };
    read_limited_hint(file, limit, hint)
}

/// The bytes without a leading UTF-8 byte order mark, which some Windows editors write
/// and YAML/JSON parsers would otherwise take as part of the first key (issue 25).
pub fn strip_bom(mut bytes: Vec<u8>) -> Vec<u8> {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    bytes
}

/// [`read_bounded`], then UTF-8. A decoding error is reported as `Io(InvalidData)`.
pub fn read_bounded_string(path: &Path, limit: usize) -> Result<String, ReadError> {
    let bytes = strip_bom(read_bounded(path, limit)?);
    String::from_utf8(bytes).map_err(|e| {
        ReadError::Io(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("not valid UTF-8 at byte {}", e.utf8_error().valid_up_to()),
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_byte_order_mark_is_dropped_once() {
        assert_eq!(strip_bom(b"\xEF\xBB\xBFversion: 1".to_vec()), b"version: 1");
        assert_eq!(strip_bom(b"version: 1".to_vec()), b"version: 1");
        assert_eq!(strip_bom(b"\xEF\xBB".to_vec()), b"\xEF\xBB");
    }

    #[test]
    fn a_reader_at_the_limit_is_read_whole() {
        let bytes = read_limited(&b"abcd"[..], 4).unwrap();
        assert_eq!(bytes, b"abcd");
    }

    #[test]
    fn one_byte_over_the_limit_is_refused() {
        let err = read_limited(&b"abcde"[..], 4).unwrap_err();
        assert!(matches!(err, ReadError::TooLarge { limit: 4 }), "{err:?}");
    }

    #[test]
    fn an_endless_source_stops_at_the_limit() {
        // `repeat` never ends, as /dev/zero does: the read must stop by itself.
        let err = read_limited(std::io::repeat(0), 1 << 20).unwrap_err();
        assert_eq!(err.to_string(), "larger than the 1 MiB limit");
    }

    #[cfg(unix)]
    #[test]
    fn dev_zero_and_a_symlink_to_it_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("policy.json");
        std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
        for path in [Path::new("/dev/zero"), link.as_path()] {
            let err = read_bounded(path, 4096).unwrap_err();
            assert!(
                matches!(err, ReadError::TooLarge { limit: 4096 }),
                "{err:?}"
            );
        }
    }

    #[test]
    fn a_directory_and_a_missing_file_say_so() {
        let dir = tempfile::tempdir().unwrap();
        let err = read_bounded(dir.path(), 10).unwrap_err();
        assert_eq!(err.to_string(), "is a directory");
        let err = read_bounded(&dir.path().join("nope"), 10).unwrap_err();
        assert_eq!(err.to_string(), "no such file");
    }

    #[test]
    fn invalid_utf8_is_reported_with_its_offset() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x");
        std::fs::write(&path, b"ab\xffcd").unwrap();
        let err = read_bounded_string(&path, 10).unwrap_err();
        assert_eq!(err.to_string(), "not valid UTF-8 at byte 2");
    }

    #[test]
    fn limits_print_in_their_unit() {
        assert_eq!(human(32 << 20), "32 MiB");
        assert_eq!(human(4096), "4 KiB");
        assert_eq!(human(100), "100 bytes");
    }
}
