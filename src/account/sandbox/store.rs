//! The sandbox's on-disk state: its versioned format, the seed file that starts it,
//! and the lock + atomic-replace protocol that makes it safe to share.
//!
//! Protocol (see the module docs of `sandbox` for the format):
//! - every mutating call takes an exclusive `flock` on `DIR/.lock`, reads `state.json`,
//!   mutates it in memory, writes `state.json.tmp`, `fsync`s it, renames it over
//!   `state.json` and `fsync`s the directory, then unlocks;
//! - reads take a shared lock on the same file, so they never see a half-written state
//!   (rename is atomic anyway; the lock only keeps them from reading a state that a
//!   concurrent writer is about to replace with an older-based copy);
//! - `kill -9` at any instant leaves either the old or the new `state.json`: the file
//!   is never written in place, and a stale `state.json.tmp` is simply overwritten.
//!
//! - every write also stores a fresh token in `state.gen` (before the rename), and a
//!   handle keeps the last state it parsed with the token and the file's identity
//!   (inode, size, mtime) it was parsed under: a call under the lock reads the token
//!   and stats the file, and parses `state.json` again only when either changed.
//!   Parsing dominates a call (tens of ms at 1,000 resources); the check is a few µs.
//!   A crash between the token and the rename only costs the next reader a re-parse; a
//!   hand edit of `state.json` changes its mtime, size or inode.
//!
//! This module does no validation of resources; it only stores them.

use crate::account::spec::Spec;
use crate::account::{AccountError, Kind, Resource};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

/// The on-disk format this build reads and writes.
pub const FORMAT_VERSION: u32 = 1;
pub use crate::vocab::DEFAULT_ACCOUNT_ID;

const STATE_FILE: &str = "state.json";
const TMP_FILE: &str = "state.json.tmp";
const LOCK_FILE: &str = ".lock";
/// Largest seed file read (docs/sandbox.md): far above any hand-written seed, and a bench
/// seed of 10,000 resources is about 6 MB.
const MAX_SEED_BYTES: usize = 64 << 20;
/// Largest state file read: bedrockctl writes it, but a state symlinked to a device must
/// still stop (issue 25). A 10,000-resource state is about 6 MB.
const MAX_STATE_BYTES: usize = 256 << 20;
const SEED_FILE: &str = "seed.json";
const GEN_FILE: &str = "state.gen";

/// States up to this size stay parsed between calls (about 3,000 resources). A larger
/// one would keep tens of MB alive for the whole run, so it is read per call instead,
/// and `select` builds only the entries it returns.
pub const CACHE_MAX_BYTES: u64 = 2 << 20;

/// Everything the sandbox account holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct State {
    pub format_version: u32,
    pub account_id: String,
    #[serde(default)]
    pub management_account: bool,
    #[serde(default)]
    pub scps: Vec<Vec<serde_json::Value>>,
    #[serde(default)]
    pub rcps: Vec<Vec<serde_json::Value>>,
    #[serde(default)]
    pub models: Vec<ModelOverride>,
    /// Documents for AWS-managed policy ARNs (`arn:aws:iam::aws:policy/…`), which the
    /// sandbox cannot fetch; attachments of ARNs not listed here still succeed.
    #[serde(default)]
    pub aws_managed_policies: BTreeMap<String, serde_json::Value>,
    /// Bumped on every created resource; feeds deterministic ids.
    #[serde(default)]
    pub serial: u64,
    #[serde(default)]
    pub resources: Vec<Entry>,
    /// `kind/region/token` → the resource that token created.
    #[serde(default)]
    pub tokens: BTreeMap<String, TokenRecord>,
    /// Model access: agreements, the use-case form, the seed's starting point (issue 17).
    #[serde(
        default,
        skip_serializing_if = "super::kinds::access::AccessState::is_default"
    )]
    pub access: super::kinds::access::AccessState,
}

/// One stored resource: the `Resource` as the trait reports it, plus bookkeeping the
/// simulation needs but the trait does not expose.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(try_from = "FlatEntry")]
pub struct Entry {
    #[serde(flatten)]
    pub resource: Resource,
    #[serde(default)]
    pub meta: Meta,
}

/// `Entry`'s stored form spelled out: serde's `flatten` buffers every entry before
/// decoding it, which made reading a large state several times slower.
#[derive(Deserialize)]
pub(super) struct FlatEntry {
    pub kind: crate::account::Kind,
    pub region: String,
    pub name: String,
    #[serde(default)]
    pub id: Option<String>,
    pub spec: serde_json::Value,
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub meta: Meta,
}

impl TryFrom<FlatEntry> for Entry {
    type Error = String;

    fn try_from(e: FlatEntry) -> Result<Entry, String> {
        let spec = Spec::from_value(e.kind, e.spec)
            .map_err(|err| format!("`{}.{}.{}`: invalid spec: {err}", e.kind, e.region, e.name))?;
        Ok(Entry {
            resource: Resource {
                kind: e.kind,
                region: e.region,
                name: e.name,
                id: e.id,
                spec,
                tags: e.tags,
                status: e.status,
            },
            meta: e.meta,
        })
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    #[serde(default)]
    pub created_ms: i64,
    #[serde(default)]
    pub updated_ms: i64,
    /// Provisioned throughput: when `Creating` becomes `InService`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ready_ms: Option<i64>,
    /// Provisioned throughput: end of the commitment term.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commitment_expires_ms: Option<i64>,
    /// Guardrail: the number the next version gets (numbers are never reused).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_version: Option<u32>,
    /// IAM policy: number of the default version (`v1`, `v2`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_version: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TokenRecord {
    pub id: String,
    pub name: String,
}

/// A seed (or state) override of what GetFoundationModelAvailability reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelOverride {
    /// A region, or `*` for every region.
    pub region: String,
    pub model_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorization: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agreement: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entitlement: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region_availability: Option<String>,
    /// `false` hides the model from the region entirely (as if the catalog said no).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exists: Option<bool>,
}

/// `DIR/seed.json`: the starting state, read once when `state.json` is first created.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Seed {
    #[serde(default)]
    pub account_id: Option<String>,
    #[serde(default)]
    pub management_account: bool,
    #[serde(default)]
    pub scps: Vec<Vec<serde_json::Value>>,
    #[serde(default)]
    pub rcps: Vec<Vec<serde_json::Value>>,
    #[serde(default)]
    pub models: Vec<ModelOverride>,
    #[serde(default)]
    pub aws_managed_policies: BTreeMap<String, serde_json::Value>,
    #[serde(default)]
    pub resources: Vec<Resource>,
    /// `"enabled"` (default: every model is usable) or `"none"`: nothing is enabled,
    /// every model needs its agreement and Anthropic models the use-case form.
    #[serde(default)]
    pub model_access: Option<String>,
    /// How long an accepted agreement or a submitted form stays pending (default 1500).
    #[serde(default)]
    pub access_ready_ms: Option<i64>,
}

impl State {
    pub fn from_seed(seed: Seed, now: i64) -> Result<State, AccountError> {
        let account_id = seed
            .account_id
            .unwrap_or_else(|| DEFAULT_ACCOUNT_ID.to_string());
        if account_id.len() != 12 || !account_id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(open_error(format!(
                "seed: `account_id` must be 12 digits, got `{account_id}`"
            )));
        }
        let mut aws_managed = super::kinds::iam::default_aws_managed_policies();
        aws_managed.extend(seed.aws_managed_policies);
        let mut state = State {
            format_version: FORMAT_VERSION,
            account_id,
            management_account: seed.management_account,
            scps: seed.scps,
            rcps: seed.rcps,
            models: seed.models,
            aws_managed_policies: aws_managed,
            serial: 0,
            resources: Vec::new(),
            tokens: BTreeMap::new(),
            access: super::kinds::access::AccessState::from_seed(
                seed.model_access.as_deref(),
                seed.access_ready_ms,
            )?,
        };
        for r in seed.resources {
            super::kinds::adopt_seeded(&mut state, r, now)?;
        }
        Ok(state)
    }

    pub fn next_serial(&mut self) -> u64 {
        self.serial += 1;
        self.serial
    }

    /// Entries of `kind` in `region` (IAM kinds ignore the region).
    pub fn of_kind(&self, kind: Kind, region: &str) -> impl Iterator<Item = &Entry> + '_ {
        let region = region.to_string();
        self.resources.iter().filter(move |e| {
            e.resource.kind == kind && region_matches(kind, &e.resource.region, &region)
        })
    }

    pub fn position(&self, kind: Kind, region: &str, id: &str) -> Option<usize> {
        self.resources.iter().position(|e| {
            e.resource.kind == kind
                && region_matches(kind, &e.resource.region, region)
                && identifies(e, id)
        })
    }

    pub fn find(&self, kind: Kind, region: &str, id: &str) -> Option<&Entry> {
        self.position(kind, region, id).map(|i| &self.resources[i])
    }

    pub fn find_by_name(&self, kind: Kind, region: &str, name: &str) -> Option<&Entry> {
        self.of_kind(kind, region).find(|e| e.resource.name == name)
    }
}

fn region_matches(kind: Kind, stored: &str, asked: &str) -> bool {
    kind.is_global() || stored == asked
}

/// The identifiers the real APIs accept for a resource: its ARN, the id at the end of
/// the ARN, and (where the API takes names) its name.
fn identifies(e: &Entry, id: &str) -> bool {
    let r = &e.resource;
    if r.id.as_deref() == Some(id) {
        return true;
    }
    let short =
        r.id.as_deref()
            .and_then(|arn| arn.rsplit('/').next())
            .unwrap_or_default();
    match r.kind {
        Kind::Guardrail | Kind::InferenceProfile => short == id,
        Kind::ProvisionedThroughput | Kind::CustomModel => short == id || r.name == id,
        Kind::GuardrailVersion => false,
        Kind::InvocationLogging | Kind::Alarm | Kind::IamRole | Kind::IamPolicy => r.name == id,
        Kind::CloudTrailTrail => r.name == id,
        // DescribeVpcEndpoints takes the endpoint id only.
        Kind::VpcEndpoint => false,
        Kind::ModelAgreement | Kind::UseCase => false,
        Kind::EnforcedGuardrail => r.name == id,
    }
}

pub fn open_error(message: impl Into<String>) -> AccountError {
    AccountError::new("OpenSandbox", "SandboxError", message)
}

fn io_error(what: &str, path: &Path, e: std::io::Error) -> AccountError {
    open_error(format!("{what} `{}`: {e}", path.display()))
}

/// The directory and its files; holds no open handles between calls.
#[derive(Debug, Clone)]
pub struct Store {
    dir: PathBuf,
    /// Shared by clones of the handle. The mutex is held while a changed file is
    /// parsed, so concurrent calls that see the same new state parse it once.
    cache: Arc<Mutex<Option<Cached>>>,
    /// A state too large to keep parsed is kept as bytes, so that concurrent `select`s
    /// share one copy instead of each reading its own.
    raw: Arc<Mutex<Option<RawState>>>,
}

/// The bytes of a state too large to keep parsed, and the version they are.
type RawState = (Stamp, Arc<Vec<u8>>);

/// The last parsed state and the version of the file it was parsed from.
#[derive(Debug)]
struct Cached {
    stamp: Stamp,
    state: Arc<State>,
}

/// What identifies one written version of `state.json`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Stamp {
    token: Vec<u8>,
    ino: u64,
    len: u64,
    mtime: (i64, i64),
}

/// A token no other write (in any process) produces: pid, time and a counter.
fn fresh_token() -> Vec<u8> {
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    format!("{}-{nanos}-{n}\n", std::process::id()).into_bytes()
}

enum LockMode {
    Shared,
    Exclusive,
}

impl Store {
    /// Create the directory if needed and make sure `state.json` exists (from the seed
    /// the first time).
    pub fn open(dir: &Path, now: i64) -> Result<Store, AccountError> {
        fs::create_dir_all(dir).map_err(|e| io_error("cannot create sandbox directory", dir, e))?;
        let store = Store {
            dir: dir.to_path_buf(),
            cache: Arc::default(),
            raw: Arc::default(),
        };
        let state_path = store.dir.join(STATE_FILE);
        // An existing state with its token is only read: a shared lock, so that reading
        // commands work on a sandbox the user cannot write (issue 25). Anything to
        // create or repair takes the exclusive lock.
        let ready = state_path.exists() && store.dir.join(GEN_FILE).exists();
        let mut lock = store.lock(if ready {
            LockMode::Shared
        } else {
            LockMode::Exclusive
        })?;
        if ready && !(state_path.exists() && store.stamp()?.is_some()) {
            drop(lock);
            lock = store.lock(LockMode::Exclusive)?;
        }
        if state_path.exists() {
            // A state written before tokens existed gets one now, so it can be cached.
            let stamp = match store.stamp()? {
                Some(stamp) => Some(stamp),
                None => {
                    let gen = store.dir.join(GEN_FILE);
                    fs::write(&gen, fresh_token())
                        .map_err(|e| io_error("cannot write", &gen, e))?;
                    store.stamp()?
                }
            };
            if stamp.as_ref().is_some_and(is_small) {
                store.current_at(stamp)?;
            } else {
                // Too large to keep parsed: check the version and the JSON without
                // building it; the bytes stay for the first `select`.
                let bytes = store.raw_bytes_at(stamp)?;
                check_version(&state_path, read_version(&state_path, &bytes)?.as_ref())?;
            }
        } else {
            let seed = store.read_seed()?;
            let state = State::from_seed(seed, now)?;
            let stamp = store.write_state(&state)?;
            *store.cache() = cacheable(stamp).map(|stamp| Cached {
                stamp,
                state: Arc::new(state),
            });
        }
        drop(lock);
        Ok(store)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn lock(&self, mode: LockMode) -> Result<File, AccountError> {
        let path = self.dir.join(LOCK_FILE);
        // A shared lock needs only a readable file: `plan` on a sandbox the user may read
        // but not write works (issue 25). flock does not care how the file was opened.
        let existing = match mode {
            LockMode::Shared => OpenOptions::new().read(true).open(&path).ok(),
            LockMode::Exclusive => None,
        };
        let file = match existing {
            Some(f) => f,
            None => OpenOptions::new()
                .create(true)
                .truncate(false)
                .read(true)
                .write(true)
                .open(&path)
                .map_err(|e| io_error("cannot open lock file", &path, e))?,
        };
        match mode {
            LockMode::Shared => file.lock_shared(),
            LockMode::Exclusive => file.lock(),
        }
        .map_err(|e| io_error("cannot lock", &path, e))?;
        // Dropping the handle closes it, which releases the lock.
        Ok(file)
    }

    fn read_seed(&self) -> Result<Seed, AccountError> {
        let path = self.dir.join(SEED_FILE);
        // Bounded like every input (issue 25): a seed symlinked to /dev/zero stops at the cap.
        match crate::input::read_bounded_string(&path, MAX_SEED_BYTES) {
            Ok(text) => serde_json::from_str(&text)
                .map_err(|e| open_error(format!("invalid seed file `{}`: {e}", path.display()))),
            Err(crate::input::ReadError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => {
                Ok(Seed::default())
            }
            Err(crate::input::ReadError::Io(e)) => Err(io_error("cannot read seed file", &path, e)),
            Err(e) => Err(open_error(format!(
                "cannot read seed file `{}`: {e}",
                path.display()
            ))),
        }
    }

    fn cache(&self) -> MutexGuard<'_, Option<Cached>> {
        unpoisoned(&self.cache)
    }

    /// The version of `state.json` on disk now (call under a file lock). A missing
    /// token (a state written by hand or by an older build) never matches a cache.
    fn stamp(&self) -> Result<Option<Stamp>, AccountError> {
        let path = self.dir.join(STATE_FILE);
        let meta = fs::metadata(&path).map_err(|e| io_error("cannot read", &path, e))?;
        let token = match fs::read(self.dir.join(GEN_FILE)) {
            Ok(t) if !t.is_empty() => t,
            _ => return Ok(None),
        };
        Ok(Some(Stamp {
            token,
            ino: meta.ino(),
            len: meta.len(),
            mtime: (meta.mtime(), meta.mtime_nsec()),
        }))
    }

    /// The state on disk now (call under a file lock): the cached one when the file is
    /// the version it was parsed from, else freshly parsed (and cached when small).
    /// Parsing holds the cache's mutex, so a large state is never parsed twice at once.
    fn current(&self) -> Result<Arc<State>, AccountError> {
        self.current_at(self.stamp()?)
    }

    /// [`Store::current`] for the version `stamp` just read (under the same lock).
    fn current_at(&self, stamp: Option<Stamp>) -> Result<Arc<State>, AccountError> {
        let mut cache = self.cache();
        if let Some(c) = cache.as_ref().filter(|c| Some(&c.stamp) == stamp.as_ref()) {
            return Ok(c.state.clone());
        }
        let path = self.dir.join(STATE_FILE);
        let bytes = read_state(&path)?;
        let state = Arc::new(parse_state(&path, &bytes)?);
        *cache = cacheable(stamp).map(|stamp| Cached {
            stamp,
            state: state.clone(),
        });
        Ok(state)
    }

    /// The bytes of `state.json` at version `stamp` (just read under the same lock),
    /// shared while unchanged.
    fn raw_bytes_at(&self, stamp: Option<Stamp>) -> Result<Arc<Vec<u8>>, AccountError> {
        let mut raw = unpoisoned(&self.raw);
        if let Some((_, bytes)) = raw.as_ref().filter(|(s, _)| Some(s) == stamp.as_ref()) {
            return Ok(bytes.clone());
        }
        let path = self.dir.join(STATE_FILE);
        let bytes = Arc::new(read_state(&path)?);
        *raw = stamp.map(|s| (s, bytes.clone()));
        Ok(bytes)
    }

    /// `f` of every entry of `kind` in `region` (IAM kinds: any region), under a shared
    /// lock. A large uncached state is scanned without building the other entries.
    pub fn select<T>(
        &self,
        kind: Kind,
        region: &str,
        f: impl Fn(std::borrow::Cow<'_, Entry>) -> T,
    ) -> Result<Vec<T>, AccountError> {
        let _lock = self.lock(LockMode::Shared)?;
        let stamp = self.stamp()?;
        if stamp.as_ref().is_some_and(is_small) {
            let state = self.current_at(stamp)?;
            return Ok(state
                .of_kind(kind, region)
                .map(|e| f(std::borrow::Cow::Borrowed(e)))
                .collect());
        }
        let path = self.dir.join(STATE_FILE);
        let bytes = self.raw_bytes_at(stamp)?;
        let (version, entries) =
            super::select::entries(&bytes, kind, region).map_err(|e| corrupt(&path, e))?;
        check_version(&path, version.as_ref())?;
        Ok(entries
            .into_iter()
            .map(|e| f(std::borrow::Cow::Owned(e)))
            .collect())
    }

    /// Write `state` atomically (with a fresh token); returns its stamp.
    fn write_state(&self, state: &State) -> Result<Option<Stamp>, AccountError> {
        let tmp = self.dir.join(TMP_FILE);
        let dst = self.dir.join(STATE_FILE);
        let mut text = serde_json::to_vec_pretty(state)
            .map_err(|e| open_error(format!("cannot serialize sandbox state: {e}")))?;
        text.push(b'\n');
        let mut f = File::create(&tmp).map_err(|e| io_error("cannot create", &tmp, e))?;
        f.write_all(&text)
            .and_then(|()| f.sync_all())
            .map_err(|e| io_error("cannot write", &tmp, e))?;
        drop(f);
        // The token changes before the state does: a crash in between only makes the
        // next reader parse the unchanged file once more.
        let gen = self.dir.join(GEN_FILE);
        fs::write(&gen, fresh_token()).map_err(|e| io_error("cannot write", &gen, e))?;
        fs::rename(&tmp, &dst).map_err(|e| io_error("cannot replace", &dst, e))?;
        // The rename is only durable once the directory entry is on disk.
        File::open(&self.dir)
            .and_then(|d| d.sync_all())
            .map_err(|e| io_error("cannot sync directory", &self.dir, e))?;
        self.stamp()
    }

    /// Run `f` on a snapshot under a shared lock.
    pub fn read<T>(&self, f: impl FnOnce(&State) -> T) -> Result<T, AccountError> {
        let state = {
            let _lock = self.lock(LockMode::Shared)?;
            self.current()?
        };
        Ok(f(&state))
    }

    /// Run `f` on the state's settings (everything but its resources) under a shared
    /// lock. A large uncached state is read without building its resources, so the
    /// account id or a model's status costs no copy of the account.
    pub fn read_settings<T>(&self, f: impl FnOnce(&State) -> T) -> Result<T, AccountError> {
        let _lock = self.lock(LockMode::Shared)?;
        let stamp = self.stamp()?;
        if stamp.as_ref().is_some_and(is_small) {
            return Ok(f(&*self.current_at(stamp)?));
        }
        let path = self.dir.join(STATE_FILE);
        let bytes = self.raw_bytes_at(stamp)?;
        let settings = super::select::settings(&bytes).map_err(|e| corrupt(&path, e))?;
        check_version(&path, settings.get("format_version"))?;
        let state: State = serde_json::from_value(serde_json::Value::Object(settings))
            .map_err(|e| corrupt(&path, e))?;
        Ok(f(&state))
    }

    /// Run `f` under the exclusive lock; the state is written back only when `f`
    /// succeeds, so a refused call changes nothing.
    pub fn update<T>(
        &self,
        f: impl FnOnce(&mut State) -> Result<T, AccountError>,
    ) -> Result<T, AccountError> {
        let _lock = self.lock(LockMode::Exclusive)?;
        let shared = self.current()?;
        // Take the cached state out so `f` can change it without a copy when no reader
        // holds it; if `f` fails, the half-changed value is dropped and the next call
        // parses the unchanged file again.
        *self.cache() = None;
        let mut state = Arc::try_unwrap(shared).unwrap_or_else(|arc| (*arc).clone());
        let out = f(&mut state)?;
        let stamp = self.write_state(&state)?;
        *self.cache() = cacheable(stamp).map(|stamp| Cached {
            stamp,
            state: Arc::new(state),
        });
        Ok(out)
    }
}

/// Both caches stay sound after a panic while they were held: an entry is only ever an
/// empty, older or complete one, and the stamp check treats the first two as a miss.
fn unpoisoned<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    match m.lock() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    }
}

fn is_small(stamp: &Stamp) -> bool {
    stamp.len <= CACHE_MAX_BYTES
}

fn cacheable(stamp: Option<Stamp>) -> Option<Stamp> {
    stamp.filter(is_small)
}

fn corrupt(path: &Path, e: serde_json::Error) -> AccountError {
    open_error(format!("corrupt sandbox state `{}`: {e}", path.display()))
}

/// Refuse a state of another format version with a clear error.
fn check_version(path: &Path, version: Option<&serde_json::Value>) -> Result<(), AccountError> {
    match version.and_then(serde_json::Value::as_u64) {
        Some(v) if v == u64::from(FORMAT_VERSION) => Ok(()),
        Some(v) => Err(open_error(format!(
            "sandbox state `{}` has format_version {v}; this build reads version {FORMAT_VERSION}",
            path.display()
        ))),
        None => Err(open_error(format!(
            "sandbox state `{}` has no `format_version`",
            path.display()
        ))),
    }
}

/// The `format_version` of a state, scanning the rest without building it.
fn read_version(path: &Path, bytes: &[u8]) -> Result<Option<serde_json::Value>, AccountError> {
    #[derive(Deserialize)]
    struct Version {
        format_version: Option<serde_json::Value>,
    }
    serde_json::from_slice::<Version>(bytes)
        .map(|v| v.format_version)
        .map_err(|e| corrupt(path, e))
}

/// Parse `state.json`, refusing other format versions.
fn parse_state(path: &Path, bytes: &[u8]) -> Result<State, AccountError> {
    check_version(path, read_version(path, bytes)?.as_ref())?;
    serde_json::from_slice(bytes).map_err(|e| corrupt(path, e))
}

/// `state.json`'s bytes, read with a cap.
fn read_state(path: &Path) -> Result<Vec<u8>, AccountError> {
    match crate::input::read_bounded(path, MAX_STATE_BYTES) {
        Ok(b) => Ok(b),
        Err(crate::input::ReadError::Io(e)) => Err(io_error("cannot read", path, e)),
        Err(e) => Err(open_error(format!("cannot read `{}`: {e}", path.display()))),
    }
}
