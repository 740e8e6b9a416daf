//! `bedrockctl iam eval`: JSONL requests in, JSONL decisions out (design.md).
//!
//! Streams: lines are read in small batches by this thread, evaluated on worker
//! threads (`BEDROCKCTL_IAM_EVAL_JOBS`, default one per core) and written back in input order by
//! a writer thread; output is flushed whenever no answer is waiting (so an interactive peer
//! sees answers); bounded channels keep memory constant in the number of lines.

use super::GlobalArgs;
use anyhow::{Context as _, Result};
use bedrockctl::iam::doc_cache::DocCache;
use bedrockctl::iam::jsonl;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::sync::mpsc;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Read requests from FILE instead of stdin
    #[arg(long)]
    pub input: Option<PathBuf>,
}

/// The longest line read (docs/iam-eval.md): at most this many bytes are ever read
/// into memory for one line, whatever the input is (`/dev/zero` included); a longer
/// line stops the run with an error line and exit 1.
pub const MAX_LINE_BYTES: u64 = 8 << 20;

pub fn run(_g: &GlobalArgs, a: Args) -> Result<u8> {
    let reader: Box<dyn Read + Send> = match &a.input {
        Some(path) if path.as_os_str() != "-" => Box::new(
            std::fs::File::open(path)
                .with_context(|| format!("cannot read `{}`", path.display()))?,
        ),
        // Not locked: the handles move to the reader and writer threads; the buffers
        // make the per-call locking rare.
        _ => Box::new(std::io::stdin()),
    };
    let mut reader = BufReader::with_capacity(1 << 16, reader);
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout());
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

/// Lines handed to a worker at once (fewer when the input has nothing more buffered).
const BATCH_LINES: usize = 64;
/// Batches in flight between reader, workers and writer, per worker: with at most
/// this many, memory stays bounded however long the stream is.
const IN_FLIGHT_PER_WORKER: usize = 2;
/// Worker threads (default 1, at most 8). One worker plus the reader and writer
/// threads is the default because on the 2-vCPU test machine glibc put both workers
/// on its main malloc arena and they spent more time on its lock than they gained
/// (docs/benchmarks.md, "iam eval throughput").
pub const JOBS_ENV: &str = "BEDROCKCTL_IAM_EVAL_JOBS";

/// Consecutive input lines: `data` holds them back to back, `ends` where each ends.
struct Batch {
    seq: u64,
    data: Vec<u8>,
    ends: Vec<usize>,
    /// The line after the last one was longer than [`MAX_LINE_BYTES`]: answer it with
    /// the error line, then the run stops.
    too_long: bool,
}

/// Workers: `BEDROCKCTL_IAM_EVAL_JOBS`, else one per core (each worker allocates in its
/// own glibc arena: `main.rs` leaves arenas unlimited for `iam eval`), at most 8.
fn jobs() -> usize {
    std::env::var(JOBS_ENV)
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|n| *n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .min(8)
}

/// Reader (this thread) → workers (parse, compile with a per-worker document cache,
/// evaluate) → writer, which puts the answers back in input order. Output is flushed
/// whenever no answer is waiting, so an interactive peer sees each answer.
fn stream<R: Read, W: Write + Send>(reader: &mut BufReader<R>, out: &mut W) -> std::io::Result<()> {
    let workers = jobs();
    let (done_tx, done_rx) = mpsc::sync_channel::<(u64, String)>(workers * IN_FLIGHT_PER_WORKER);
    std::thread::scope(|scope| {
        let writer = std::thread::Builder::new()
            .name("iam-eval-writer".into())
            .spawn_scoped(scope, move || write_in_order(done_rx, out))?;
        // One channel per worker, batches dealt in turn: no lock shared by the workers.
        let mut batch_txs = Vec::with_capacity(workers);
        for i in 0..workers {
            let (batch_tx, batch_rx) = mpsc::sync_channel::<Batch>(IN_FLIGHT_PER_WORKER);
            let done_tx = done_tx.clone();
            std::thread::Builder::new()
                .name(format!("iam-eval-{i}"))
                .spawn_scoped(scope, move || work(batch_rx, done_tx))?;
            batch_txs.push(batch_tx);
        }
        drop(done_tx);
        let read = read_batches(reader, &batch_txs);
        drop(batch_txs);
        let written = writer
            .join()
            .unwrap_or_else(|_| Err(std::io::Error::other("the writer thread failed")));
        written?;
        read
    })
}

fn read_batches<R: Read>(
    reader: &mut BufReader<R>,
    txs: &[mpsc::SyncSender<Batch>],
) -> std::io::Result<()> {
    // A failed send means the writer stopped (its error is the one reported).
    let send = |b: Batch| match txs.get(b.seq as usize % txs.len().max(1)) {
        Some(tx) => tx.send(b).is_ok(),
        None => false,
    };
    let mut seq = 0;
    let new_batch = |seq| Batch {
        seq,
        data: Vec::with_capacity(BATCH_LINES * 2048),
        ends: Vec::with_capacity(BATCH_LINES),
        too_long: false,
    };
    let mut batch = new_batch(seq);
    loop {
        let start = batch.data.len();
        // `take` caps the bytes actually read, not a size the input claims.
        let n = (&mut *reader)
            .take(MAX_LINE_BYTES + 1)
            .read_until(b'\n', &mut batch.data)?;
        if n == 0 {
            break;
        }
        if n as u64 > MAX_LINE_BYTES && batch.data.last() != Some(&b'\n') {
            batch.data.truncate(start);
            batch.too_long = true;
            send(batch);
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("a line is longer than {MAX_LINE_BYTES} bytes"),
            ));
        }
        batch.ends.push(batch.data.len());
        if batch.ends.len() >= BATCH_LINES || reader.buffer().is_empty() {
            seq += 1;
            if !send(std::mem::replace(&mut batch, new_batch(seq))) {
                return Ok(());
            }
        }
    }
    if !batch.ends.is_empty() {
        send(batch);
    }
    Ok(())
}

fn work(rx: mpsc::Receiver<Batch>, tx: mpsc::SyncSender<(u64, String)>) {
    let mut cache = DocCache::new();
    let mut reasons = Vec::new();
    while let Ok(batch) = rx.recv() {
        let mut out = String::with_capacity(batch.ends.len() * 256);
        let mut start = 0;
        for &end in &batch.ends {
            match std::str::from_utf8(&batch.data[start..end]) {
                Ok(line) => {
                    jsonl::eval_line_cached(line, &mut out, &mut reasons, &mut cache);
                }
                Err(e) => {
                    let _ = writeln!(
                        out,
                        "{{\"id\":null,\"error\":\"invalid UTF-8 at byte {}\"}}",
                        e.valid_up_to()
                    );
                }
            }
            start = end;
        }
        if batch.too_long {
            let _ = writeln!(
                out,
                "{{\"id\":null,\"error\":\"line longer than {MAX_LINE_BYTES} bytes\"}}"
            );
        }
        if tx.send((batch.seq, out)).is_err() {
            return;
        }
    }
}

fn write_in_order<W: Write>(rx: mpsc::Receiver<(u64, String)>, out: &mut W) -> std::io::Result<()> {
    let mut next = 0u64;
    let mut waiting = BTreeMap::new();
    loop {
        let (seq, text) = match rx.try_recv() {
            Ok(d) => d,
            Err(mpsc::TryRecvError::Empty) => {
                out.flush()?;
                match rx.recv() {
                    Ok(d) => d,
                    Err(_) => break,
                }
            }
            Err(mpsc::TryRecvError::Disconnected) => break,
        };
        waiting.insert(seq, text);
        while let Some(text) = waiting.remove(&next) {
            out.write_all(text.as_bytes())?;
            next += 1;
        }
    }
    out.flush()
}
