//! The proof that sync loses nothing and doubles nothing (issue M7 §5), against the real
//! binary and the reference backend over real HTTP:
//!
//! 1. `kill -9` of the client while it saves dossiers and while it syncs, many rounds
//!    (`MOTCUA_KILL_ROUNDS`, default 40; `MOTCUA_KILL_SEED` changes the dice);
//! 2. each fault switch of the backend in turn (500, 503, 429 with `Retry-After`, a
//!    connection dropped after the commit, a garbage answer, a hang), and the worker
//!    facing a 429: everything ends synced, nothing doubled, no request storm;
//! 3. the backend stopped during a day of offline intake, then started again: the
//!    worker drains the queue by itself;
//! 4. a client clock off by days (libfaketime): de-duplicated and in write order.
//!
//! Each test prints what it measured (`cargo test --test sync_reliability -- --nocapture`).

#![allow(
    clippy::cast_precision_loss,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss,
    clippy::too_many_lines
)]

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

mod keys;

use motcua::api::client::{Client, ClientOptions};
use motcua::clock::{Clock, SystemClock, vn_tz};
use motcua::dossier::{Dossier, ProcedureInfo};
use motcua::rng::SplitMix64;
use motcua::server::{self, RunningServer, ServeOptions};
use motcua::store::Store;
use motcua::sync::worker::{self, SyncCmd, SyncEvent, WorkerOptions};
use motcua::sync::{Backoff, PassOptions};
use rusqlite::{Connection, OpenFlags, params};
use serde_json::{Value, json};

const USER: &str = "canbo1";
const PASSWORD: &str = "mat-khau-thu-nghiem";
const UNIT: &str = "000.00.92.H55";
/// A procedure every generated catalogue has (the first of the 14 sample ones).
const PROCEDURE: &str = "NT.0001";
/// Any one command of the binary: far more than it needs, so a stuck one fails the test
/// instead of hanging CI.
const COMMAND_LIMIT: Duration = Duration::from_mins(1);

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_motcua")
}

/// `motcua` (or `faketime … motcua`) with its files confined to `home`.
fn motcua_in(home: &Path, faketime: Option<&str>) -> Command {
    let mut cmd = match faketime {
        Some(offset) => {
            let mut c = Command::new("faketime");
            c.args(["-f", offset, bin()])
                .env("FAKETIME_DONT_FAKE_MONOTONIC", "1");
            c
        }
        None => Command::new(bin()),
    };
    cmd.env("MOTCUA_CONFIG", home.join("config.toml"))
        .env("MOTCUA_KEYMAP", home.join("keymap.toml"))
        .env("MOTCUA_DATA_DIR", home.join("data"))
        .env("MOTCUA_LOG_DIR", home.join("logs"))
        .env("MOTCUA_HOLIDAYS", home.join("holidays.toml"))
        .env("MOTCUA_LANG", "en")
        .env_remove("MOTCUA_BACKEND_URL")
        .env_remove("MOTCUA_THEME")
        .env_remove("MOTCUA_ASCII")
        .env_remove("MOTCUA_LOG");
    cmd
}

/// What a finished command left.
struct Done {
    status: ExitStatus,
    stdout: String,
    stderr: String,
}

impl Done {
    fn code(&self) -> i32 {
        self.status.code().unwrap_or(-1)
    }
}

/// Reads a pipe to its end on a thread of its own.
fn drain(mut pipe: impl Read + Send + 'static) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut s = String::new();
        let _ = pipe.read_to_string(&mut s);
        s
    })
}

/// Runs a command with `input` on its standard input; killed (and the test failed) if it
/// takes longer than `limit`.
fn run(mut cmd: Command, input: &str, limit: Duration) -> Done {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start motcua");
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(input.as_bytes());
    }
    let out = drain(child.stdout.take().expect("stdout"));
    let err = drain(child.stderr.take().expect("stderr"));
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "{cmd:?} took more than {limit:?}; stderr: {}",
                err.join().unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    Done {
        status,
        stdout: out.join().unwrap_or_default(),
        stderr: err.join().unwrap_or_default(),
    }
}

fn open_ro(path: &Path) -> Connection {
    let c = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    c.busy_timeout(Duration::from_secs(10)).unwrap();
    c
}

/// A number in [0, 1) from the dice.
fn unit(dice: &mut SplitMix64) -> f64 {
    (dice.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

// ---------------------------------------------------------------------------
// The backend as a process of its own
// ---------------------------------------------------------------------------

/// `motcua serve --test-faults` on a free loopback port, with one official; killed (by
/// its pid) when dropped.
struct Backend {
    child: Child,
    url: String,
    data: PathBuf,
    rt: tokio::runtime::Runtime,
    api: Client,
}

impl Backend {
    fn start(root: &Path) -> Self {
        let home = root.join("backend-home");
        let data = root.join("backend-data");
        let sizes = ["--citizens", "50", "--procedures", "14"];
        let mut add = motcua_in(&home, None);
        add.arg("serve")
            .arg("--data")
            .arg(&data)
            .args(sizes)
            .args(["--add-official", USER, "--full-name", "Nguyễn Thị Cán Bộ"])
            .args(["--unit", UNIT]);
        let added = run(add, &format!("{PASSWORD}\n"), COMMAND_LIMIT);
        assert!(added.status.success(), "add-official: {}", added.stderr);
        let mut serve = motcua_in(&home, None);
        serve
            .arg("serve")
            .arg("--data")
            .arg(&data)
            .args(sizes)
            .args(["--addr", "127.0.0.1:0", "--test-faults"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let mut child = serve.spawn().expect("start motcua serve");
        let (tx, rx) = channel();
        let stderr = child.stderr.take().expect("stderr");
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                // Nobody listens once the address is known: keep draining anyway, so
                // the server never blocks on a full pipe.
                let _ = tx.send(line);
            }
        });
        let deadline = Instant::now() + COMMAND_LIMIT;
        let url = loop {
            let line = rx
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
                .expect("motcua serve did not say where it listens");
            if let Some(at) = line.find("http://") {
                let url: String = line[at..]
                    .chars()
                    .take_while(|c| !c.is_whitespace())
                    .collect();
                break url;
            }
        };
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let api = Client::new(&ClientOptions::new(url.clone())).unwrap();
        Self {
            child,
            url,
            data,
            rt,
            api,
        }
    }

    /// Sets the fault switches (which also resets the request counts).
    fn faults(&self, faults: &Value) {
        self.rt
            .block_on(self.api.set_faults(faults))
            .unwrap_or_else(|e| panic!("faults {faults}: {e}"));
    }

    /// `/v1/_test/stats`: requests since the switches were last set.
    fn stats(&self) -> Value {
        self.rt.block_on(self.api.test_stats()).expect("stats")
    }

    /// Waits until no request is being handled (an abandoned one may still commit).
    fn wait_idle(&self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while self.stats()["in_flight"].as_u64() != Some(0) {
            assert!(
                Instant::now() < deadline,
                "requests still in flight: {}",
                self.stats()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn db(&self) -> Connection {
        open_ro(&self.data.join("backend.db"))
    }
}

impl Drop for Backend {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ---------------------------------------------------------------------------
// The desk: the client binary with a home of its own
// ---------------------------------------------------------------------------

struct Desk {
    home: PathBuf,
    url: String,
    /// The backend's data folder, which keeps this desk's store key.
    backend_data: PathBuf,
}

impl Desk {
    fn new(home: PathBuf, backend: &Backend) -> Self {
        std::fs::create_dir_all(&home).unwrap();
        Self {
            home,
            url: backend.url.clone(),
            backend_data: backend.data.clone(),
        }
    }

    /// The desk's store key (from its keyring and the backend's database).
    fn key(&self) -> motcua::vault::StoreKey {
        keys::store_key(&self.store_path(), &self.backend_data)
    }

    /// `motcua --backend URL ARGS…` (under `faketime OFFSET` when given).
    fn cmd(&self, faketime: Option<&str>, args: &[&str]) -> Command {
        let mut c = motcua_in(&self.home, faketime);
        c.args(["--backend", &self.url]).args(args);
        c
    }

    /// A `[backend]` call limit for the commands that follow.
    fn set_timeout(&self, seconds: u64) {
        std::fs::write(
            self.home.join("config.toml"),
            format!("[backend]\ntimeout_s = {seconds}\n"),
        )
        .unwrap();
    }

    fn store_path(&self) -> PathBuf {
        let host = self.url.trim_start_matches("http://").replace(':', "_");
        self.home
            .join("data")
            .join(format!("backend-{host}"))
            .join("motcua.db")
    }

    fn db(&self) -> Connection {
        keys::open_db(&self.store_path(), &self.key())
    }

    /// `sync load` run to its end; the ids it acknowledged.
    fn load(
        &self,
        faketime: Option<&str>,
        count: usize,
        sync_every: usize,
        seed: u64,
    ) -> Vec<String> {
        let args = load_args(count, sync_every, seed);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let done = run(
            self.cmd(faketime, &args),
            &format!("{PASSWORD}\n"),
            COMMAND_LIMIT,
        );
        assert!(done.status.success(), "sync load: {}", done.stderr);
        let ids = printed_ids(&done.stdout);
        assert_eq!(ids.len(), count, "sync load printed {}", done.stdout);
        ids
    }

    /// One `motcua sync --json` pass: its exit status and report.
    fn sync(&self, batch: usize) -> (i32, Value) {
        let done = run(
            self.cmd(
                None,
                &[
                    "sync",
                    "--json",
                    "--user",
                    USER,
                    "--batch",
                    &batch.to_string(),
                ],
            ),
            &format!("{PASSWORD}\n"),
            COMMAND_LIMIT,
        );
        let json: Value = serde_json::from_str(&done.stdout).unwrap_or_else(|e| {
            panic!(
                "sync printed no report ({e}): {} / {}",
                done.stdout, done.stderr
            )
        });
        (done.code(), json)
    }

    /// `motcua sync` until it exits 0 with the feed read to its end: how many passes.
    fn sync_until_done(&self, tries: usize) -> usize {
        for n in 1..=tries {
            let (code, json) = self.sync(50);
            if code == 0 && json["report"]["stop"]["stop"] == "done" {
                return n;
            }
            assert_eq!(code, 3, "sync failed: {json}");
        }
        panic!("the queue was not empty after {tries} passes");
    }

    /// `motcua sync verify`: its exit status and output.
    fn verify(&self) -> (i32, String) {
        let done = run(
            self.cmd(None, &["sync", "verify", "--json", "--user", USER]),
            &format!("{PASSWORD}\n"),
            COMMAND_LIMIT,
        );
        (done.code(), format!("{}{}", done.stdout, done.stderr))
    }

    /// `motcua sync status --json`: its exit status and the queue's summary.
    fn status(&self) -> (i32, Value) {
        let done = run(
            self.cmd(None, &["sync", "status", "--json", "--user", USER]),
            &format!("{PASSWORD}\n"),
            COMMAND_LIMIT,
        );
        let json: Value = serde_json::from_str(&done.stdout)
            .unwrap_or_else(|e| panic!("status: {e}: {}", done.stderr));
        (done.code(), json["summary"].clone())
    }

    /// Finalized dossiers in the client store.
    fn finalized(&self) -> BTreeSet<String> {
        if !self.store_path().exists() {
            return BTreeSet::new();
        }
        ids(&self.db(), "SELECT id FROM dossier WHERE revision > 0")
    }

    fn pending(&self) -> usize {
        let n: i64 = self
            .db()
            .query_row(
                "SELECT count(*) FROM outbox WHERE state = 'pending'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        n as usize
    }
}

fn load_args(count: usize, sync_every: usize, seed: u64) -> Vec<String> {
    let mut args: Vec<String> = [
        "sync",
        "load",
        "--count",
        &count.to_string(),
        "--procedure",
        PROCEDURE,
        "--seed",
        &seed.to_string(),
        // The store opens only for a signed-in official.
        "--user",
        USER,
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    if sync_every > 0 {
        args.extend(["--sync-every".to_owned(), sync_every.to_string()]);
    }
    args
}

/// The ids of `sync load`'s complete lines (`{id} {code}\n`).
fn printed_ids(stdout: &str) -> Vec<String> {
    stdout
        .split_inclusive('\n')
        .filter(|l| l.ends_with('\n'))
        .map(id_of)
        .collect()
}

/// The id of a `sync load` line.
fn id_of(line: &str) -> String {
    line.split_whitespace()
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// The lines of a pipe as they come, complete ones only (a line cut by a kill is not an
/// acknowledgement); the channel closes at the pipe's end.
fn complete_lines(pipe: impl Read + Send + 'static) -> Receiver<String> {
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        let mut reader = BufReader::new(pipe);
        let mut line = String::new();
        while reader.read_line(&mut line).is_ok_and(|n| n > 0) {
            if line.ends_with('\n') && tx.send(std::mem::take(&mut line)).is_err() {
                break;
            }
        }
    });
    rx
}

fn ids(db: &Connection, sql: &str) -> BTreeSet<String> {
    let mut stmt = db.prepare(sql).unwrap();
    stmt.query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn count(db: &Connection, sql: &str) -> usize {
    db.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap() as usize
}

/// Outbox items still pending on the client that the server has already stored: the
/// client was killed (or the answer lost) between the server's commit and its own.
fn server_ahead(backend: &Backend, desk: &Desk) -> usize {
    let keys = ids(
        &desk.db(),
        "SELECT idempotency_key FROM outbox WHERE state = 'pending'",
    );
    let server = backend.db();
    let mut stmt = server
        .prepare("SELECT count(*) FROM revision WHERE idempotency_key = ?1")
        .unwrap();
    keys.iter()
        .filter(|k| stmt.query_row(params![k], |r| r.get::<_, i64>(0)).unwrap() > 0)
        .count()
}

/// What the stores held when they agreed.
#[derive(Debug, Default)]
struct Tally {
    dossiers: usize,
    revisions: usize,
    parked: usize,
}

/// Checks the server against the client after a sync that reached the end:
/// - the server's dossiers are the client's finalized ones (every acknowledged id among
///   them), each once, with unique codes, the same code on both sides, none provisional;
/// - the server's revision rows are the client's synced outbox items, each once, stored
///   in the client's write order (outbox rowid), a dossier's revisions in order;
/// - every other outbox item is parked with a reason.
fn assert_consistent(server: &Connection, client: &Connection, acked: &BTreeSet<String>) -> Tally {
    let server_ids = ids(server, "SELECT id FROM dossier");
    let client_ids = ids(client, "SELECT id FROM dossier WHERE revision > 0");
    let lost: Vec<&String> = acked.difference(&server_ids).collect();
    assert!(
        lost.is_empty(),
        "{} acknowledged dossier(s) are not on the server: {lost:?}",
        lost.len()
    );
    let server_rows = count(server, "SELECT count(*) FROM dossier");
    assert_eq!(server_rows, server_ids.len());
    assert_eq!(
        count(server, "SELECT count(DISTINCT code) FROM dossier"),
        server_rows,
        "two dossiers share a code on the server"
    );
    let pending = count(
        client,
        "SELECT count(*) FROM outbox WHERE state = 'pending'",
    );
    assert_eq!(pending, 0, "items still pending");
    let parked: Vec<(String, Option<String>, Option<String>)> = {
        let mut stmt = client
            .prepare("SELECT id, dossier_id, last_error FROM outbox WHERE state = 'parked'")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    for (id, _, reason) in &parked {
        assert!(
            reason.as_deref().is_some_and(|r| !r.trim().is_empty()),
            "item {id} parked without a reason"
        );
    }
    let only_server: Vec<&String> = server_ids.difference(&client_ids).collect();
    assert!(
        only_server.is_empty(),
        "dossiers the client never finalized: {only_server:?}"
    );
    // A finalized dossier missing on the server is one whose item was parked.
    let parked_dossiers: BTreeSet<&str> =
        parked.iter().filter_map(|(_, d, _)| d.as_deref()).collect();
    let unexplained: Vec<&String> = client_ids
        .difference(&server_ids)
        .filter(|id| !parked_dossiers.contains(id.as_str()))
        .collect();
    assert!(
        unexplained.is_empty(),
        "finalized here, neither on the server nor parked: {unexplained:?}"
    );

    // The server's revisions, in the order it stored them, are the client's synced items
    // in the order they were written.
    let rows = |db: &Connection, sql: &str| -> Vec<(String, String, i64)> {
        let mut stmt = db.prepare(sql).unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    let server_revisions = rows(
        server,
        "SELECT item_id, dossier_id, revision FROM revision ORDER BY rowid",
    );
    let client_items = rows(
        client,
        "SELECT id, dossier_id, revision FROM outbox
         WHERE kind = 'dossier' AND state = 'synced' ORDER BY rowid",
    );
    assert_eq!(
        server_revisions.len(),
        client_items.len(),
        "server revision rows vs client synced dossier items"
    );
    let first_difference = server_revisions
        .iter()
        .zip(&client_items)
        .position(|(s, c)| s != c);
    assert_eq!(
        first_difference, None,
        "the server stored revisions out of the client's write order"
    );
    let mut latest: BTreeMap<&str, i64> = BTreeMap::new();
    for (_, dossier, revision) in &server_revisions {
        let before = latest.insert(dossier, *revision).unwrap_or(0);
        assert_eq!(
            *revision,
            before + 1,
            "dossier {dossier}: revision {revision} stored after {before}"
        );
    }

    // The same code on both sides, final on the client.
    let server_codes: BTreeMap<String, String> = {
        let mut stmt = server.prepare("SELECT id, code FROM dossier").unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    let mut stmt = client
        .prepare("SELECT id, code, code_provisional, revision FROM dossier WHERE revision > 0")
        .unwrap();
    let client_rows: Vec<(String, String, bool, i64)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let server_revision: BTreeMap<String, i64> = {
        let mut stmt = server.prepare("SELECT id, revision FROM dossier").unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    for (id, code, provisional, revision) in &client_rows {
        let Some(server_code) = server_codes.get(id) else {
            continue;
        };
        assert!(
            !provisional,
            "dossier {id} keeps its provisional code {code}"
        );
        assert_eq!(
            code, server_code,
            "dossier {id}: client and server codes differ"
        );
        assert_eq!(
            server_revision.get(id),
            Some(revision),
            "dossier {id}: the server's latest revision is not the client's"
        );
    }
    Tally {
        dossiers: server_rows,
        revisions: server_revisions.len(),
        parked: parked.len(),
    }
}

/// `sync verify` exits 0 and `sync status` shows nothing pending or parked.
fn assert_verified(desk: &Desk) {
    let (code, out) = desk.verify();
    assert_eq!(code, 0, "sync verify: {out}");
    let (code, summary) = desk.status();
    assert_eq!(code, 0, "sync status: {summary}");
    assert_eq!(summary["pending"], 0, "{summary}");
    assert_eq!(summary["parked"], 0, "{summary}");
}

// ---------------------------------------------------------------------------
// 1. kill -9 while saving and while syncing
// ---------------------------------------------------------------------------

/// What the kill rounds saw.
#[derive(Debug, Default)]
struct KillFigures {
    load_rounds: usize,
    sync_rounds: usize,
    /// Kills that landed while the process was still running (saving, syncing).
    load_landed: usize,
    sync_landed: usize,
    /// Kills that landed after a dossier's commit and before its id was printed.
    between_commit_and_ack: usize,
    /// Outbox items the server had stored while the killed client still had them
    /// pending (its answer never recorded).
    server_ahead: usize,
}

#[test]
fn kill_9_while_saving_and_while_syncing_loses_and_doubles_nothing() {
    // Latency of every request while a pass is to be killed (so a pass lasts long
    // enough to be hit anywhere), and the batch size then.
    const LATENCY_MS: u64 = 40;
    const KILL_BATCH: usize = 4;
    let started = Instant::now();
    let root = tempfile::tempdir().unwrap();
    let backend = Backend::start(root.path());
    let desk = Desk::new(root.path().join("desk"), &backend);
    let rounds = env_number("MOTCUA_KILL_ROUNDS", 40);
    let seed = env_number("MOTCUA_KILL_SEED", 0x6b69_6c6c);
    let mut dice = SplitMix64(seed);
    let mut acked: BTreeSet<String> = BTreeSet::new();
    let mut fig = KillFigures::default();

    // One load runs to its end: how long a dossier takes, saved and synced.
    let t = Instant::now();
    acked.extend(desk.load(None, 400, 7, seed));
    let full_run = t.elapsed();

    for round in 0..rounds {
        let sync_round = round % 2 == 1;
        let args: Vec<String> = if sync_round {
            // A pass over a queue of ~40 items, made slow by the latency.
            acked.extend(desk.load(None, 40, 0, seed + round));
            ["sync", "--user", USER, "--batch", &KILL_BATCH.to_string()]
                .iter()
                .map(|s| (*s).to_owned())
                .collect()
        } else {
            load_args(400, 7, seed + round)
        };
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        // Where the kill lands: after the n-th printed id (saving) or the n-th request
        // the server sees (syncing: the sign-in, a batch, the page of changes), then a
        // little more — within the next sync interval, or within that request's latency.
        let (target, extra) = if sync_round {
            let requests = desk.pending().div_ceil(KILL_BATCH) + 2;
            backend.faults(&json!({ "latency_ms": LATENCY_MS }));
            let extra = Duration::from_millis(LATENCY_MS * 3 / 2).mul_f64(unit(&mut dice));
            (dice.below(requests) + 1, extra)
        } else {
            let per_dossier = full_run / 400;
            (dice.below(400), (per_dossier * 7).mul_f64(unit(&mut dice)))
        };
        let before = desk.finalized();
        let mut child = desk
            .cmd(None, &args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        if let Some(mut stdin) = child.stdin.take() {
            let _ = stdin.write_all(format!("{PASSWORD}\n").as_bytes());
        }
        let lines = complete_lines(child.stdout.take().unwrap());
        let err = drain(child.stderr.take().unwrap());
        let mut printed = Vec::new();
        let deadline = Instant::now() + COMMAND_LIMIT;
        loop {
            let reached = if sync_round {
                backend.stats()["requests"].as_u64().unwrap_or(0) as usize >= target
            } else {
                while let Ok(line) = lines.try_recv() {
                    printed.push(line);
                }
                printed.len() >= target
            };
            if reached || child.try_wait().unwrap().is_some() {
                break;
            }
            assert!(Instant::now() < deadline, "round {round}: no progress");
            std::thread::sleep(Duration::from_millis(2));
        }
        std::thread::sleep(extra);
        let running = child.try_wait().unwrap().is_none();
        child.kill().unwrap();
        let status = child.wait().unwrap();
        // The reader ends at the pipe's end: every complete line the process wrote.
        printed.extend(lines.iter());
        let stderr = err.join().unwrap();
        if running {
            if sync_round {
                fig.sync_landed += 1;
            } else {
                fig.load_landed += 1;
            }
        } else {
            // It finished before the kill: it must have finished well.
            let code = status.code().unwrap_or(-1);
            assert!(
                code == 0 || (sync_round && code == 3),
                "round {round}: {args:?} exited {code}: {stderr}"
            );
        }

        let after = desk.finalized();
        let committed: BTreeSet<String> = after.difference(&before).cloned().collect();
        if sync_round {
            fig.sync_rounds += 1;
            assert!(committed.is_empty(), "a sync pass finalized dossiers");
        } else {
            fig.load_rounds += 1;
            let printed: BTreeSet<String> = printed.iter().map(|l| id_of(l)).collect();
            let lost: Vec<&String> = printed.difference(&committed).collect();
            assert!(
                lost.is_empty(),
                "round {round}: acknowledged but not in the local store: {lost:?}"
            );
            let unacked = committed.len() - printed.len();
            assert!(
                unacked <= 1,
                "round {round}: {unacked} dossiers committed without being acknowledged"
            );
            fig.between_commit_and_ack += unacked;
            acked.extend(printed);
        }
        fig.server_ahead += server_ahead(&backend, &desk);
        if sync_round {
            backend.faults(&json!({}));
        }
    }

    backend.faults(&json!({}));
    backend.wait_idle();
    let passes = desk.sync_until_done(10);
    backend.wait_idle();
    let tally = assert_consistent(&backend.db(), &desk.db(), &acked);
    assert_eq!(tally.parked, 0);
    assert_eq!(tally.dossiers, desk.finalized().len());
    assert_verified(&desk);
    eprintln!(
        "kill -9: {rounds} rounds ({} while saving, {} while syncing; {} and {} kills landed \
         while running), {} dossiers acknowledged, {} on the server ({} revision rows), 0 lost, \
         0 duplicated; {} kill(s) between a commit and its acknowledgement; {} item(s) \
         stored by the server but pending on the killed client; final sync in {passes} \
         pass(es); a full load of 400 took {:.1} s; the test took {:.1} s",
        fig.load_rounds,
        fig.sync_rounds,
        fig.load_landed,
        fig.sync_landed,
        acked.len(),
        tally.dossiers,
        tally.revisions,
        fig.between_commit_and_ack,
        fig.server_ahead,
        full_run.as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
}

// ---------------------------------------------------------------------------
// 2. Fault switches, one at a time
// ---------------------------------------------------------------------------

#[test]
fn each_fault_switch_ends_synced_without_duplicates_or_a_request_storm() {
    const N: usize = 24;
    const BATCH: usize = 5;
    const MAX_PASSES: usize = 40;
    let started = Instant::now();
    let root = tempfile::tempdir().unwrap();
    let backend = Backend::start(root.path());
    let desk = Desk::new(root.path().join("desk"), &backend);
    let push = "/v1/sync";
    let pull = "/v1/changes";
    let cases = [
        (
            "500",
            json!({ "error_rate": 0.5, "error_status": 500, "path_prefix": push }),
            15,
        ),
        (
            "503",
            json!({ "error_rate": 0.5, "error_status": 503, "path_prefix": push }),
            15,
        ),
        (
            "429 with Retry-After: 1",
            json!({ "rate_limit_rate": 0.5, "retry_after_s": 1, "path_prefix": push }),
            15,
        ),
        (
            "connection dropped after the commit",
            json!({ "drop_after_commit_rate": 0.5, "path_prefix": push }),
            15,
        ),
        (
            "garbage answer after the commit",
            json!({ "garbage_rate": 0.5, "path_prefix": push }),
            15,
        ),
        (
            "hang (client timeout 1 s)",
            json!({ "hang_rate": 0.5, "path_prefix": push }),
            1,
        ),
        (
            "changes feed: 503 and garbage",
            json!({ "error_rate": 0.3, "error_status": 503, "garbage_rate": 0.3,
                    "path_prefix": pull }),
            15,
        ),
    ];
    let mut acked = BTreeSet::new();
    let mut lines = Vec::new();
    for (i, (name, faults, timeout)) in cases.iter().enumerate() {
        let case_started = Instant::now();
        desk.set_timeout(*timeout);
        acked.extend(desk.load(None, N, 0, 100 + i as u64));
        let pending = desk.pending();
        let on_pull = faults["path_prefix"] == pull;
        let cursor: i64 = desk
            .db()
            .query_row(
                "SELECT coalesce((SELECT CAST(value AS INTEGER) FROM meta
                                  WHERE key = 'sync.changes_cursor'), 0)",
                [],
                |r| r.get(0),
            )
            .unwrap();
        backend.faults(faults);
        let mut passes = 0;
        let mut sent = 0;
        let mut stops: BTreeMap<String, usize> = BTreeMap::new();
        let mut retry_after_seen = false;
        loop {
            assert!(
                passes < MAX_PASSES,
                "{name}: not synced after {MAX_PASSES} passes ({stops:?})"
            );
            let (code, json) = desk.sync(BATCH);
            passes += 1;
            let report = &json["report"];
            sent += report["requests"].as_u64().unwrap() as usize;
            let stop = report["stop"]["stop"].as_str().unwrap().to_owned();
            retry_after_seen |= report["stop"]["retry_after_s"] == 1;
            assert!(
                code == 0 || (code == 3 && stop != "done"),
                "{name}: exit {code} after {report}"
            );
            *stops.entry(stop.clone()).or_default() += 1;
            if code == 0 && stop == "done" {
                break;
            }
        }
        let requests = backend.stats()["requests"].as_u64().unwrap() as usize;
        // One pass stops at its first failed request; every other request settles a whole
        // batch (or reads a whole page of the feed) for good. So the requests are at most
        // one per pass plus the batches (pages) the queue (feed) needed without faults.
        let bound = if on_pull {
            let server_changes = count(
                &backend.db(),
                &format!("SELECT count(*) FROM change WHERE seq > {cursor}"),
            );
            passes + server_changes / motcua::sync::CHANGES_PAGE + 1
        } else {
            assert_eq!(
                requests, sent,
                "{name}: the server saw other requests than the client sent"
            );
            passes + pending.div_ceil(BATCH)
        };
        assert!(
            requests <= bound,
            "{name}: {requests} requests in {passes} passes (bound {bound})"
        );
        assert!(stops.len() > 1, "{name}: the switch never bit ({stops:?})");
        if faults["retry_after_s"] == 1 {
            assert!(retry_after_seen, "{name}: no pass reported Retry-After");
        }
        backend.faults(&json!({}));
        let tally = assert_consistent(&backend.db(), &desk.db(), &acked);
        assert_eq!(tally.parked, 0, "{name}: items parked");
        if on_pull {
            let server_last = count(&backend.db(), "SELECT max(seq) FROM change");
            let cursor: String = desk
                .db()
                .query_row(
                    "SELECT value FROM meta WHERE key = 'sync.changes_cursor'",
                    [],
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!(
                cursor,
                server_last.to_string(),
                "{name}: the feed was not read to its end"
            );
        }
        lines.push(format!(
            "{name}: {pending} items synced in {passes} passes, {requests} requests to \
             {} (bound {bound}), stops {stops:?}, {:.1} s",
            faults["path_prefix"].as_str().unwrap_or(""),
            case_started.elapsed().as_secs_f64()
        ));
    }
    desk.set_timeout(15);
    assert_verified(&desk);
    eprintln!(
        "fault switches ({} dossiers, 0 duplicated, 0 parked; {:.1} s):\n  {}",
        acked.len(),
        started.elapsed().as_secs_f64(),
        lines.join("\n  ")
    );
}

// ---------------------------------------------------------------------------
// In-process backend and worker
// ---------------------------------------------------------------------------

fn start_in_process(dir: &Path) -> RunningServer {
    let mut opts = ServeOptions::new(dir.to_path_buf());
    opts.addr = "127.0.0.1:0".parse().unwrap();
    opts.citizens = 50;
    opts.procedures = 14;
    opts.test_faults = true;
    let state = server::prepare(&opts, |_| {}).unwrap();
    server::add_official(&state, USER, "Nguyễn Thị Cán Bộ", UNIT, PASSWORD).unwrap();
    server::spawn(state, opts.addr).unwrap()
}

fn signed_in(url: &str, rt: &tokio::runtime::Runtime) -> Arc<Client> {
    let mut opts = ClientOptions::new(url);
    opts.timeout = Duration::from_secs(5);
    let client = Client::new(&opts).unwrap();
    rt.block_on(client.sign_in(USER, PASSWORD)).unwrap();
    Arc::new(client)
}

/// The test's side of the shared client, standing in for the app's runtime: always
/// driven (a thread of its own), so the connections it opens keep working while the test
/// thread waits.
fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap()
}

fn procedure() -> ProcedureInfo {
    ProcedureInfo {
        code: PROCEDURE.to_owned(),
        local_code: String::new(),
        name: PROCEDURE.to_owned(),
        field: String::new(),
        channels: Vec::new(),
        days: 0,
        fee: 0,
        charge: 0,
        population_lookup: None,
        population_fields: Vec::new(),
    }
}

/// A dossier as the desk would take it in at `now`.
fn new_dossier(now: jiff::Timestamp, n: usize) -> Dossier {
    let received = now.to_zoned_datetime(vn_tz()).datetime();
    let received = received.round(jiff::Unit::Second).unwrap_or(received);
    let mut d = Dossier::new(motcua::ids::new_uuid_v7(now), procedure(), received);
    d.submitter.name = format!("Nguyễn Văn Thử {n}");
    d.submitter.id_number = format!("0792{n:08}");
    d.summary = format!("Hồ sơ thử số {n}");
    d
}

/// The worker's events, with when they came.
type Events = Receiver<(Instant, SyncEvent)>;

fn start_worker(
    store: &Path,
    client: Arc<Client>,
    opts: WorkerOptions,
) -> (worker::SyncHandle, Events) {
    let (tx, rx) = channel();
    let handle = worker::spawn(
        store.to_path_buf(),
        keys::test_key(),
        Duration::from_secs(5),
        client,
        Arc::new(SystemClock),
        opts,
        Box::new(move |e| {
            let _ = tx.send((Instant::now(), e));
        }),
    )
    .unwrap();
    (handle, rx)
}

/// Waits (at most `limit`) for a status the predicate accepts.
fn wait_status(
    events: &Events,
    limit: Duration,
    what: &str,
    ok: impl Fn(&worker::SyncStatus) -> bool,
) -> Instant {
    let deadline = Instant::now() + limit;
    let mut last = None;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match events.recv_timeout(left) {
            Ok((at, SyncEvent::Status(s))) => {
                if ok(&s) {
                    return at;
                }
                last = Some(s);
            }
            Ok((_, SyncEvent::Failed(e))) => panic!("the worker failed: {e}"),
            Ok(_) => {}
            Err(e) => panic!("no status {what} within {limit:?} ({e}); the last: {last:?}"),
        }
    }
}

// ---------------------------------------------------------------------------
// 2b. The worker and a 429
// ---------------------------------------------------------------------------

#[test]
fn the_worker_waits_as_retry_after_asks_instead_of_hammering() {
    let dir = tempfile::tempdir().unwrap();
    let running = start_in_process(&dir.path().join("backend"));
    let rt = runtime();
    let client = signed_in(&running.url(), &rt);
    let store_path = dir.path().join("desk").join("motcua.db");
    let mut store = Store::open(&store_path, &keys::test_key(), Duration::from_secs(5)).unwrap();
    for n in 0..10 {
        let now = SystemClock.now();
        store
            .finalize(&new_dossier(now, n), None, USER, now)
            .unwrap();
    }
    rt.block_on(client.set_faults(
        &json!({ "rate_limit_rate": 1.0, "retry_after_s": 1, "path_prefix": "/v1/sync" }),
    ))
    .unwrap();
    // Its own backoff would retry within 100 ms: only Retry-After can hold it back.
    let opts = WorkerOptions {
        pass: PassOptions {
            batch: 5,
            pull: true,
        },
        period: Duration::from_mins(1),
        probe: Duration::from_millis(100),
        backoff: Backoff {
            base: Duration::from_millis(20),
            cap: Duration::from_millis(100),
        },
        seed: 7,
        purge: None,
    };
    let (handle, events) = start_worker(&store_path, client.clone(), opts);
    let start = Instant::now();
    // Saves keep coming, as at a busy desk: each one kicks the worker.
    while start.elapsed() < Duration::from_millis(3_500) {
        assert!(handle.send(SyncCmd::Kick));
        std::thread::sleep(Duration::from_millis(50));
    }
    // Count when the worker has just paused after a pass (its next one is at least half
    // a second away), so that no pass is half counted.
    let mut passes = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let (at, e) = events.recv_timeout(left).expect("the worker paused");
        match e {
            SyncEvent::Pass(report) => {
                assert_eq!(
                    report.stop.retry_after(),
                    Some(Duration::from_secs(1)),
                    "{:?}",
                    report.stop
                );
                passes.push(at);
            }
            SyncEvent::Status(s)
                if !s.running
                    && s.paused_for
                        .is_some_and(|p| p >= Duration::from_millis(500))
                    && at.elapsed() < Duration::from_millis(250) =>
            {
                break;
            }
            SyncEvent::Status(_) => {}
            SyncEvent::Failed(e) => panic!("the worker failed: {e}"),
        }
    }
    let requests = rt.block_on(client.test_stats()).unwrap()["requests"]
        .as_u64()
        .unwrap();
    let elapsed = start.elapsed();
    let gaps: Vec<Duration> = passes.windows(2).map(|w| w[1] - w[0]).collect();
    assert!(
        passes.len() >= 2,
        "the worker did not try again: {passes:?}"
    );
    for gap in &gaps {
        assert!(
            *gap >= Duration::from_millis(990),
            "passes {gap:?} apart after a 429 with Retry-After: 1 ({gaps:?})"
        );
    }
    // One pass at once, then at most one a second.
    let bound = elapsed.as_secs() + 1;
    assert!(
        requests <= bound,
        "{requests} requests in {elapsed:?} (bound {bound}): a storm"
    );
    assert_eq!(requests as usize, passes.len(), "one request per pass");

    // The limit lifted, no command: the worker drains the queue when its pause ends.
    rt.block_on(client.set_faults(&json!({}))).unwrap();
    let lifted = Instant::now();
    let at = wait_status(&events, Duration::from_secs(10), "with 0 pending", |s| {
        s.summary.pending == 0 && s.summary.synced == 10
    });
    eprintln!(
        "worker and a 429 with Retry-After: 1: {requests} requests in {:.1} s while kicked \
         every 50 ms (backoff alone would allow one every ≤ 100 ms); passes {:?} apart; \
         drained {:.1} s after the limit was lifted",
        elapsed.as_secs_f64(),
        gaps,
        at.saturating_duration_since(lifted).as_secs_f64()
    );
    handle.send(SyncCmd::Stop);
}

#[test]
fn calls_on_the_shared_client_do_not_stall_while_the_worker_waits() {
    let dir = tempfile::tempdir().unwrap();
    let running = start_in_process(&dir.path().join("backend"));
    // Signed in on a runtime that is gone since: the worker's pass opens a connection of
    // its own, and leaves it in the client's pool.
    let client = {
        let once = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        signed_in(&running.url(), &once)
    };
    let store_path = dir.path().join("desk").join("motcua.db");
    let mut store = Store::open(&store_path, &keys::test_key(), Duration::from_secs(5)).unwrap();
    for n in 0..3 {
        let now = SystemClock.now();
        store
            .finalize(&new_dossier(now, n), None, USER, now)
            .unwrap();
    }
    let (handle, events) = start_worker(&store_path, client.clone(), WorkerOptions::default());
    wait_status(&events, Duration::from_secs(10), "synced and idle", |s| {
        s.summary.pending == 0 && s.summary.synced == 3 && !s.running
    });
    // The worker now waits for its next period; the app calls the backend meanwhile,
    // on the same client.
    let app = runtime();
    let t = Instant::now();
    for _ in 0..3 {
        let health = app.block_on(client.health());
        assert!(
            health.is_ok(),
            "a call on the shared client failed while the worker waited: {health:?} \
             after {:?}",
            t.elapsed()
        );
    }
    eprintln!(
        "shared client: 3 calls while the worker waited took {:.0} ms",
        t.elapsed().as_secs_f64() * 1000.0
    );
    handle.send(SyncCmd::Stop);
}

// ---------------------------------------------------------------------------
// 3. A day offline, then the backend back
// ---------------------------------------------------------------------------

#[test]
fn the_backend_back_after_a_day_offline_drains_the_queue_by_itself() {
    const N: usize = 60;
    let dir = tempfile::tempdir().unwrap();
    let backend_dir = dir.path().join("backend");
    let running = start_in_process(&backend_dir);
    let rt = runtime();
    let client = signed_in(&running.url(), &rt);
    let store_path = dir.path().join("desk").join("motcua.db");
    let mut store = Store::open(&store_path, &keys::test_key(), Duration::from_secs(5)).unwrap();
    let opts = WorkerOptions {
        probe: Duration::from_millis(200),
        ..WorkerOptions::default()
    };
    let (handle, events) = start_worker(&store_path, client, opts);
    wait_status(&events, Duration::from_secs(10), "online", |s| {
        s.reach == worker::Reach::Online && !s.running
    });

    // The backend goes away for the day.
    let (state, addr) = (running.state.clone(), running.addr);
    drop(running);
    for n in 0..N {
        let now = SystemClock.now();
        store
            .finalize(&new_dossier(now, n), None, USER, now)
            .unwrap();
        assert!(handle.send(SyncCmd::Kick));
    }
    wait_status(
        &events,
        Duration::from_secs(20),
        "offline with all pending",
        |s| s.reach == worker::Reach::Offline && s.summary.pending == N,
    );
    let summary = store.sync_summary().unwrap();
    assert_eq!((summary.pending, summary.synced), (N, 0));
    let provisional = |store: &Store| -> usize {
        let db = keys::open_db(store.path(), &keys::test_key());
        count(
            &db,
            "SELECT count(*) FROM dossier WHERE code LIKE '%-T%' OR code_provisional = 1",
        )
    };
    assert_eq!(provisional(&store), N, "offline codes are provisional");

    // Back on the same address; nobody tells the worker.
    let restarted = Instant::now();
    let running = server::spawn(state, addr).unwrap();
    let at = wait_status(
        &events,
        Duration::from_secs(30),
        "with the queue drained",
        |s| s.summary.pending == 0 && s.summary.synced == N,
    );
    let drained = at.saturating_duration_since(restarted);
    assert_eq!(
        provisional(&store),
        0,
        "provisional codes left after the sync"
    );
    let server_db = open_ro(&backend_dir.join("backend.db"));
    assert_eq!(count(&server_db, "SELECT count(*) FROM dossier"), N);
    assert_eq!(count(&server_db, "SELECT count(*) FROM revision"), N);
    let tally = assert_consistent(
        &server_db,
        &keys::open_db(&store_path, &keys::test_key()),
        &BTreeSet::new(),
    );
    assert_eq!((tally.dossiers, tally.parked), (N, 0));
    eprintln!(
        "offline day: {N} dossiers finalized with the backend stopped stayed pending with \
         provisional codes; restarted on {addr}, the worker (probe every 200 ms) drained the \
         queue {:.2} s later with no command; 0 provisional codes left",
        drained.as_secs_f64()
    );
    handle.send(SyncCmd::Stop);
    drop(running);
}

// ---------------------------------------------------------------------------
// 4. A client clock off by days
// ---------------------------------------------------------------------------

fn faketime_works() -> bool {
    Command::new("faketime")
        .args(["-f", "+1d", "true"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Finalizes the next revision of each dossier, through the library, at `now`.
fn revise(desk: &Desk, ids: &[String], now: jiff::Timestamp) {
    let mut store = Store::open(&desk.store_path(), &desk.key(), Duration::from_secs(5)).unwrap();
    for id in ids {
        let (Some(mut d), _) = store.dossier(id).unwrap() else {
            panic!("dossier {id} is not in the store");
        };
        d.summary.push_str(" (sửa)");
        store.finalize(&d, None, USER, now).unwrap();
    }
}

#[test]
fn a_client_clock_days_off_syncs_each_revision_once_and_in_write_order() {
    if !faketime_works() {
        assert!(
            std::env::var_os("CI").is_none(),
            "faketime is missing: scripts/deps.sh --test installs it"
        );
        eprintln!(
            "sync_reliability: clock skew skipped: faketime is missing (scripts/deps.sh --test)"
        );
        return;
    }
    let started = Instant::now();
    let root = tempfile::tempdir().unwrap();
    let backend = Backend::start(root.path());
    let desk = Desk::new(root.path().join("desk"), &backend);
    let day = jiff::SignedDuration::from_hours(24);
    let now = SystemClock.now();
    let mut acked = BTreeSet::new();

    // Three days behind, synced every 7 as it goes.
    let behind = desk.load(Some("-3d"), 30, 7, 1);
    // The right time, written while offline (no pass).
    let right = desk.load(None, 30, 0, 2);
    // Revision 2 of some of both, written by a clock five days ahead.
    let mut second: Vec<String> = behind[..8].to_vec();
    second.extend_from_slice(&right[..8]);
    revise(&desk, &second, now + day * 5);
    // Five days ahead, synced every 7: its passes carry what waited, then its own.
    let ahead = desk.load(Some("+5d"), 30, 7, 3);
    // Revision 3 of some, and revision 2 of others, by a clock three days behind: their
    // item ids sort before the revisions they follow.
    let mut third: Vec<String> = second[..4].to_vec();
    third.extend_from_slice(&second[8..12]);
    third.extend_from_slice(&ahead[..6]);
    revise(&desk, &third, now - day * 3);
    acked.extend(behind);
    acked.extend(right);
    acked.extend(ahead);
    acked.extend(desk.load(Some("+5d"), 10, 0, 4));

    let passes = desk.sync_until_done(10);
    let tally = assert_consistent(&backend.db(), &desk.db(), &acked);
    assert_eq!(tally.parked, 0, "skewed items parked");
    assert_eq!(tally.dossiers, 100);
    assert_eq!(tally.revisions, 100 + 16 + 14);
    assert_verified(&desk);

    // The dice were not kind: in id (clock) order the items would have gone otherwise.
    let client = desk.db();
    let by_rowid: Vec<String> = {
        let mut stmt = client
            .prepare("SELECT id FROM outbox WHERE kind = 'dossier' ORDER BY rowid")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    let mut by_id = by_rowid.clone();
    by_id.sort();
    assert_ne!(
        by_rowid, by_id,
        "the skewed clocks did not disorder the ids"
    );
    let inverted = count(
        &client,
        "SELECT count(*) FROM outbox a JOIN outbox b
         ON a.dossier_id = b.dossier_id AND a.revision < b.revision AND a.id > b.id",
    );
    assert!(inverted > 0, "no later revision has an earlier id");

    let days: Vec<(String, i64)> = {
        let server = backend.db();
        let mut stmt = server
            .prepare("SELECT received_day, count(*) FROM dossier GROUP BY 1 ORDER BY 1")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    let today = motcua::clock::iso_date(motcua::clock::vn_date(SystemClock.now()));
    let future: i64 = days
        .iter()
        .filter(|(d, _)| d.as_str() > today.as_str())
        .map(|(_, n)| n)
        .sum();
    eprintln!(
        "clock skew (-3 d, +5 d): 100 dossiers, {} revisions ({inverted} later revisions with \
         earlier ids), all stored once in write order, final sync in {passes} pass(es); \
         received days on the server {days:?}: {future} dossier(s) accepted as received \
         after the server's today ({today}); {:.1} s",
        tally.revisions,
        started.elapsed().as_secs_f64()
    );
}
