//! Sync figures: 10,000 dossiers finalized offline into a fresh store (provisional
//! codes), then pushed over loopback to the in-process reference backend — in batches
//! of 100, in batches of 50, and one at a time — all in one run. Prints each way's
//! wall time, dossiers per second, requests and peak memory growth (median of three
//! runs of each, taking turns), and the ratios.
//! Asserts only that the work is real: every item synced, every provisional code
//! replaced, each day's ids hashing to the backend's digest.
//!
//! `cargo bench --bench sync` (`MOTCUA_BENCH_SYNC_DOSSIERS` sets the count).
//!
//! The dossiers are finalized once into a template store, which is copied for each way;
//! each way runs in a child process of its own (this binary, started again) with a
//! fresh backend data folder, so no way inherits another's page caches, allocator
//! state or server data, and the memory figures do not depend on the order.
//!
//! Memory: the child resets its peak resident set (`VmHWM`) by writing `5` to
//! `/proc/self/clear_refs` once the backend is up, the client signed in and the store
//! open; the figure is `VmHWM` after the push minus `VmRSS` before it — the client, the
//! store and the in-process backend together. Where `clear_refs` cannot be written the
//! child falls back to sampling `VmRSS` every 2 ms (and says so).

// Figures are printed as floating point; counts here are far below 2^52.
#![allow(clippy::cast_precision_loss)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use jiff::civil::{Date, date};
use motcua::api::client::{Client, ClientOptions};
use motcua::clock::SystemClock;
use motcua::dossier::{Dossier, ProcedureInfo};
use motcua::server::{self, ServeOptions};
use motcua::store::Store;
use motcua::sync::{PassOptions, Stop, run_once};

const PROCEDURE: &str = "NT.0001";
const USER: &str = "bench";
const PASSWORD: &str = "bench-password";
/// The dossiers are spread over this many days (the backend numbers codes per day).
const DAYS: usize = 10;
/// The ways compared: items per request.
const WAYS: [usize; 3] = [100, 50, 1];
/// Runs of each way; the median is reported.
const ROUNDS: usize = 3;

const ENV_COUNT: &str = "MOTCUA_BENCH_SYNC_DOSSIERS";
/// Set in a child: `{batch} {store path}`.
const ENV_CHILD: &str = "MOTCUA_BENCH_SYNC_CHILD";

fn count() -> usize {
    std::env::var(ENV_COUNT)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000)
}

fn first_day() -> Date {
    date(2026, 11, 16)
}

fn main() {
    match std::env::var(ENV_CHILD) {
        Ok(spec) => child(&spec),
        Err(_) => parent(),
    }
}

// ---------------------------------------------------------------------------
// The parent: the template store, the children, the table
// ---------------------------------------------------------------------------

const NAMES: [&str; 8] = [
    "Lê Thị Thu Hà",
    "Trần Văn Bình",
    "Phạm Minh Châu",
    "Nguyễn Thị Lan",
    "Hoàng Đức Anh",
    "Võ Thị Mai",
    "Đặng Quốc Huy",
    "Bùi Thanh Tâm",
];

fn dossier(i: usize, per_day: usize) -> Dossier {
    let day = first_day() + jiff::Span::new().days(i64::try_from(i / per_day).unwrap_or(0));
    let k = i % per_day;
    let at = day
        .at(7, 30, 0, 0)
        .checked_add(jiff::Span::new().seconds(i64::try_from(k * 20).unwrap_or(0)))
        .expect("time of day");
    let mut d = Dossier::new(
        motcua::ids::new_uuid_v7(jiff::Timestamp::now()),
        ProcedureInfo {
            code: PROCEDURE.into(),
            name: "Đăng ký khai sinh".into(),
            field: "Hộ tịch".into(),
            days: 3,
            ..ProcedureInfo::default()
        },
        at,
    );
    let name = NAMES[i % NAMES.len()];
    d.submitter.name = name.into();
    d.submitter.id_number = format!("0791{:08}", i * 7 + 3);
    d.owner.name = NAMES[(i + 3) % NAMES.len()].into();
    d.owner.id_number = format!("0791{:08}", i * 7 + 5);
    d.summary = format!("Đăng ký khai sinh cho con, hồ sơ số {i}");
    d
}

/// What a child reports, one `RESULT` line on its standard output.
#[derive(Debug, Clone)]
struct Outcome {
    batch: usize,
    wall_s: f64,
    requests: usize,
    synced: usize,
    peak_kb: u64,
    method: String,
}

impl Outcome {
    fn parse(line: &str) -> Option<Self> {
        let mut f = line.strip_prefix("RESULT ")?.split_whitespace();
        Some(Self {
            batch: f.next()?.parse().ok()?,
            wall_s: f.next()?.parse().ok()?,
            requests: f.next()?.parse().ok()?,
            synced: f.next()?.parse().ok()?,
            peak_kb: f.next()?.parse().ok()?,
            method: f.next()?.replace('_', " "),
        })
    }

    fn per_s(&self) -> f64 {
        self.synced as f64 / self.wall_s
    }
}

fn parent() {
    let n = count();
    assert!(n >= DAYS, "at least one dossier a day");
    let per_day = n.div_ceil(DAYS);
    println!("motcua sync bench");
    println!(
        "{n} dossiers ({PROCEDURE}, {DAYS} days, provisional codes) pushed over loopback to the in-process reference backend"
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let template = dir.path().join("template.sqlite3");
    {
        let mut store =
            Store::open(&template, &bench_key(), Duration::from_secs(5)).expect("store");
        let clock_now = jiff::Timestamp::now();
        let started = Instant::now();
        for i in 0..n {
            let f = store
                .finalize(
                    &dossier(i, per_day),
                    Some(server::DEMO_UNIT),
                    USER,
                    clock_now,
                )
                .expect("finalize");
            assert!(f.dossier.code_provisional);
        }
        let took = started.elapsed();
        assert_eq!(store.outbox_pending().expect("pending"), n);
        println!(
            "finalize into a fresh store (one transaction each, synchronous=FULL): {:.1} s, {:.0} dossiers/s",
            took.as_secs_f64(),
            n as f64 / took.as_secs_f64()
        );
    }
    let size = std::fs::metadata(&template).map_or(0, |m| m.len());
    println!(
        "store: {:.1} MB for {n} dossiers (revision, outbox payload and audit record each)",
        size as f64 / 1e6
    );
    println!();

    let exe = std::env::current_exe().expect("this binary");
    let mut runs: Vec<Vec<Outcome>> = vec![Vec::new(); WAYS.len()];
    // The ways take turns, round after round, so a moment of load on a shared machine
    // falls on all of them; each way's median run is reported.
    for round in 1..=ROUNDS {
        for (w, batch) in WAYS.into_iter().enumerate() {
            let o = run_child(&exe, &template, dir.path(), batch);
            assert_eq!(o.synced, n);
            println!(
                "  round {round}, {:<24} {:>6.2} s  {:>5.0} dossiers/s  {:>5} requests  peak RSS +{:.1} MB",
                label(batch),
                o.wall_s,
                o.per_s(),
                o.requests,
                o.peak_kb as f64 / 1024.0,
            );
            runs[w].push(o);
        }
    }
    println!();
    println!(
        "median of {ROUNDS} runs of each way (each on a fresh backend and a copy of the store):"
    );
    let medians: Vec<Outcome> = runs
        .iter_mut()
        .map(|r| {
            r.sort_by(|a, b| a.wall_s.total_cmp(&b.wall_s));
            let mut m = r[r.len() / 2].clone();
            let mut peaks: Vec<u64> = r.iter().map(|o| o.peak_kb).collect();
            peaks.sort_unstable();
            m.peak_kb = peaks[peaks.len() / 2];
            m
        })
        .collect();
    for (m, r) in medians.iter().zip(&runs) {
        println!(
            "{:<24} {:>6.2} s wall (runs {:.2}–{:.2} s)  {:>5.0} dossiers/s  {:>5} requests  peak RSS +{:.1} MB",
            label(m.batch),
            m.wall_s,
            r[0].wall_s,
            r[r.len() - 1].wall_s,
            m.per_s(),
            m.requests,
            m.peak_kb as f64 / 1024.0,
        );
    }
    println!("memory: {}", medians[0].method);
    println!();
    let single = medians
        .iter()
        .find(|o| o.batch == 1)
        .expect("one at a time")
        .clone();
    for o in medians.iter().filter(|o| o.batch > 1) {
        println!(
            "batch {} / one at a time: {:.1}× the throughput ({:.2}× the wall time), {:.0}× fewer requests, {:.2}× the peak memory growth",
            o.batch,
            o.per_s() / single.per_s(),
            o.wall_s / single.wall_s,
            single.requests as f64 / o.requests as f64,
            o.peak_kb as f64 / single.peak_kb.max(1) as f64,
        );
    }
}

fn label(batch: usize) -> String {
    if batch == 1 {
        "one at a time (batch 1)".to_owned()
    } else {
        format!("batched (batch {batch})")
    }
}

/// Runs one way in a child process, on a copy of the template store.
fn run_child(exe: &Path, template: &Path, dir: &Path, batch: usize) -> Outcome {
    let copy = dir.join(format!("store-{batch}.sqlite3"));
    let _ = std::fs::remove_file(&copy);
    // The template is closed (its WAL folded in): a file copy is the store, still
    // encrypted under the bench's key.
    std::fs::copy(template, &copy).expect("copy the template");
    let out = Command::new(exe)
        .env(ENV_CHILD, format!("{batch} {}", copy.display()))
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .output()
        .expect("child");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "the child failed: {stdout}");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", copy.display()));
    }
    stdout
        .lines()
        .find_map(Outcome::parse)
        .unwrap_or_else(|| panic!("no result in {stdout:?}"))
}

// ---------------------------------------------------------------------------
// A child: one way, with a backend of its own
// ---------------------------------------------------------------------------

/// A `kB` field of `/proc/self/status`.
fn status_kb(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status.lines().find_map(|l| {
        l.strip_prefix(field)?
            .strip_prefix(':')?
            .trim()
            .strip_suffix("kB")?
            .trim()
            .parse()
            .ok()
    })
}

/// Samples `VmRSS` every 2 ms until stopped; returns the highest seen.
struct Sampler {
    stop: Arc<AtomicBool>,
    peak: Arc<AtomicU64>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Sampler {
    fn start() -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let peak = Arc::new(AtomicU64::new(status_kb("VmRSS").unwrap_or(0)));
        let (s, p) = (stop.clone(), peak.clone());
        let thread = std::thread::spawn(move || {
            while !s.load(Ordering::Relaxed) {
                if let Some(rss) = status_kb("VmRSS") {
                    p.fetch_max(rss, Ordering::Relaxed);
                }
                std::thread::sleep(Duration::from_millis(2));
            }
        });
        Self {
            stop,
            peak,
            thread: Some(thread),
        }
    }

    fn finish(mut self) -> u64 {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        self.peak.load(Ordering::Relaxed)
    }
}

fn child(spec: &str) {
    let (batch, store_path) = spec.split_once(' ').expect("batch and store");
    let batch: usize = batch.parse().expect("batch");
    let store_path = PathBuf::from(store_path);
    let data = tempfile::tempdir().expect("backend data");
    let running = backend(data.path());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let client = rt.block_on(async {
        let c = Client::new(&ClientOptions::new(running.url())).expect("client");
        c.sign_in(USER, PASSWORD).await.expect("sign in");
        c
    });
    let mut store = Store::open(&store_path, &bench_key(), Duration::from_secs(5)).expect("store");
    let n = store.outbox_pending().expect("pending");

    let before = status_kb("VmRSS").expect("/proc/self/status");
    let hwm_reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();
    let sampler = (!hwm_reset).then(Sampler::start);
    let started = Instant::now();
    let report = rt.block_on(run_once(
        &mut store,
        &client,
        &SystemClock,
        PassOptions { batch, pull: false },
    ));
    let wall = started.elapsed();
    let (peak, method) = match sampler {
        None => (status_kb("VmHWM").expect("VmHWM"), "VmHWM after clear_refs"),
        Some(s) => (s.finish(), "VmRSS sampled every 2 ms"),
    };

    assert_eq!(report.stop, Stop::Done, "{report:?}");
    assert_eq!(report.synced, n);
    assert_eq!(report.codes.len(), n, "every provisional code replaced");
    assert_eq!(report.summary.pending, 0);
    verify(&rt, &store, &client, n);

    println!(
        "RESULT {batch} {:.6} {} {} {} {}",
        wall.as_secs_f64(),
        report.requests,
        report.synced,
        peak.saturating_sub(before),
        method.replace(' ', "_"),
    );
    drop(running);
}

fn backend(dir: &Path) -> server::RunningServer {
    let mut opts = ServeOptions::new(dir.to_path_buf());
    opts.addr = "127.0.0.1:0".parse().expect("address");
    // No population: only dossiers are pushed. The sample procedures come first.
    opts.citizens = 0;
    opts.procedures = 120;
    let state = server::prepare(&opts, |_| {}).expect("prepare");
    server::add_official(&state, USER, "Bench", server::DEMO_UNIT, PASSWORD).expect("official");
    server::spawn(state, opts.addr).expect("server")
}

/// Each day's ids hash to the backend's digest: the dossiers are really there.
fn verify(rt: &tokio::runtime::Runtime, store: &Store, client: &Client, n: usize) {
    let days = store.dossier_days().expect("days");
    assert_eq!(days.iter().map(|d| d.ids.len()).sum::<usize>(), n);
    for day in &days {
        assert!(day.unconfirmed.is_empty(), "{}", day.day);
        let digest = rt.block_on(client.digest(&day.day)).expect("digest");
        assert_eq!(digest.count, day.ids.len() as u64, "{}", day.day);
        assert_eq!(
            digest.id_hash,
            motcua::api::id_hash(&day.ids),
            "{}",
            day.day
        );
    }
}

/// The key the bench's stores are encrypted with (made here, not by a backend).
fn bench_key() -> motcua::vault::StoreKey {
    motcua::vault::StoreKey::from_bytes([5; motcua::vault::KEY_LEN])
}
