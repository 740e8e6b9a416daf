//! `bedrockctl iam eval`: JSONL requests in, JSONL decisions out (design.md).
//!
//! Streams: one line read, one line written, output flushed in batches and
//! whenever the input has nothing buffered (so an interactive peer sees answers),
//! memory constant in the number of lines.

use super::GlobalArgs;
use anyhow::{Context as _, Result};
use bedrockctl::iam::jsonl;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Read requests from FILE instead of stdin
    #[arg(long)]
    pub input: Option<PathBuf>,
}

/// Lines between flushes when input keeps arriving.
const FLUSH_EVERY: usize = 512;

/// The longest line read (docs/iam-eval.md): at most this many bytes are ever read
/// into memory for one line, whatever the input is (`/dev/zero` included); a longer
/// line stops the run with an error line and exit 1.
pub const MAX_LINE_BYTES: u64 = 8 << 20;

pub fn run(_g: &GlobalArgs, a: Args) -> Result<u8> {
    let reader: Box<dyn Read> = match &a.input {
        Some(path) if path.as_os_str() != "-" => Box::new(
            std::fs::File::open(path)
                .with_context(|| format!("cannot read `{}`", path.display()))?,
        ),
        _ => Box::new(std::io::stdin().lock()),
    };
    let mut reader = BufReader::with_capacity(1 << 16, reader);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
    match stream(&mut reader, &mut out) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(0),
        Err(e) => Err(anyhow::Error::new(e).context("cannot read the input")),
        Ok(()) => match out.flush() {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(0),
            other => {
                other?;
                Ok(0)
            }
        },
    }
}

fn stream<R: Read, W: Write>(reader: &mut BufReader<R>, out: &mut W) -> std::io::Result<()> {
    let mut raw = Vec::new();
    let mut line_out = String::new();
    let mut reasons = Vec::new();
    let mut pending = 0usize;
    loop {
        raw.clear();
        // `take` caps the bytes actually read, not a size the input claims.
        if (&mut *reader)
            .take(MAX_LINE_BYTES + 1)
            .read_until(b'\n', &mut raw)?
            == 0
        {
            return Ok(());
        }
        if raw.len() as u64 > MAX_LINE_BYTES && raw.last() != Some(&b'\n') {
            out.write_all(
                format!("{{\"id\":null,\"error\":\"line longer than {MAX_LINE_BYTES} bytes\"}}\n")
                    .as_bytes(),
            )?;
            out.flush()?;
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("a line is longer than {MAX_LINE_BYTES} bytes"),
            ));
        }
        line_out.clear();
        match std::str::from_utf8(&raw) {
            Ok(line) => {
                jsonl::eval_line(line, &mut line_out, &mut reasons);
            }
            Err(e) => {
                line_out.push_str(&format!(
                    "{{\"id\":null,\"error\":\"invalid UTF-8 at byte {}\"}}\n",
                    e.valid_up_to()
                ));
            }
        }
        if !line_out.is_empty() {
            out.write_all(line_out.as_bytes())?;
            pending += 1;
        }
        if pending >= FLUSH_EVERY || (pending > 0 && reader.buffer().is_empty()) {
            out.flush()?;
            pending = 0;
        }
    }
}
