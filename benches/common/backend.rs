//! The reference backend for the benches that talk HTTP over loopback: generated once
//! under `target/bench-{name}-{n}` (`MOTCUA_BENCH_CITIZENS` sets n, default 10,000) and
//! kept, with a `bench` official (password `bench-password`).

use std::time::Instant;

use motcua::server::{self, RunningServer, ServeOptions};

pub const USER: &str = "bench";
pub const PASSWORD: &str = "bench-password";

/// Starts it; returns the server, the number of citizens and the data's seed.
pub fn start(name: &str) -> (RunningServer, usize, u64) {
    let n: usize = std::env::var("MOTCUA_BENCH_CITIZENS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join(format!("bench-{name}-{n}"));
    let mut opts = ServeOptions::new(dir);
    opts.addr = "127.0.0.1:0".parse().expect("address");
    opts.citizens = n;
    let started = Instant::now();
    let state = server::prepare(&opts, |_| {}).expect("prepare");
    println!(
        "reference backend: {n} citizens, ready in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    server::add_official(&state, USER, "Bench", server::DEMO_UNIT, PASSWORD).expect("official");
    let running = server::spawn(state, opts.addr).expect("server");
    (running, n, opts.seed)
}
