//! Reference backend figures: data generation time and database size, then lookups per
//! second and latency percentiles over loopback HTTP.
//!
//! `cargo bench --bench backend` uses 1,000,000 citizens (about a minute to generate the
//! first time; the data is kept in `target/bench-backend-N/`). Set
//! `MOTCUA_BENCH_CITIZENS=100000` for a quicker run.

// Figures are printed as floating point; counts here are far below 2^52.
#![allow(
    clippy::cast_precision_loss,
    clippy::cast_sign_loss,
    clippy::many_single_char_names
)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use motcua::api::client::{Client, ClientOptions};
use motcua::api::{DocumentType, LookupRequest};
use motcua::server::synth;
use motcua::server::{self, ServeOptions};

fn main() {
    let n: usize = std::env::var("MOTCUA_BENCH_CITIZENS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join(format!("bench-backend-{n}"));
    let fresh = !dir.join("backend.db").exists();
    let mut opts = ServeOptions::new(dir.clone());
    opts.addr = "127.0.0.1:0".parse().unwrap();
    opts.citizens = n;
    let started = Instant::now();
    let state = server::prepare(&opts, |_| {}).expect("prepare");
    let prep = started.elapsed();
    let size: u64 = std::fs::read_dir(&dir)
        .expect("data dir")
        .filter_map(Result::ok)
        .filter_map(|e| e.metadata().ok())
        .map(|m| m.len())
        .sum();
    println!("citizens: {n}");
    if fresh {
        println!(
            "generation + insert: {:.1} s ({:.0} citizens/s)",
            prep.as_secs_f64(),
            n as f64 / prep.as_secs_f64()
        );
    } else {
        println!(
            "(data reused from {}; delete it to time generation)",
            dir.display()
        );
    }
    println!(
        "database size: {:.1} MB ({:.0} bytes/citizen)",
        size as f64 / 1e6,
        size as f64 / n as f64
    );
    server::add_official(
        &state,
        "bench",
        "Bench",
        server::DEMO_UNIT,
        "bench-password",
    )
    .unwrap();
    let running = server::spawn(state, opts.addr).unwrap();

    // The people to look up: a sample spread over the whole population.
    let mut people = Vec::new();
    let step = (n / 2000).max(1);
    let mut i = 0usize;
    synth::generate_people(n, opts.seed, |_, members| {
        for p in members {
            if i.is_multiple_of(step) {
                people.push(p);
            }
            i += 1;
        }
    });
    let people = Arc::new(people);

    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let client = Arc::new(Client::new(&ClientOptions::new(running.url())).unwrap());
        client.sign_in("bench", "bench-password").await.unwrap();
        for concurrency in [1usize, 8] {
            let total = 2000usize;
            let started = Instant::now();
            let mut tasks = Vec::new();
            for w in 0..concurrency {
                let client = client.clone();
                let people = people.clone();
                tasks.push(tokio::spawn(async move {
                    let mut lat = Vec::new();
                    let mut found = 0usize;
                    let mut k = w;
                    while k < total {
                        let p = &people[k % people.len()];
                        let req = LookupRequest {
                            document_type: DocumentType::Cccd,
                            document_number: p.id_number.clone(),
                            full_name: p.full_name(),
                            birth_date: p.birth_date.clone(),
                            procedure_code: "NT.0001".into(),
                            dossier_code: None,
                        };
                        let t = Instant::now();
                        let r = client.lookup(&req).await.expect("lookup");
                        lat.push(t.elapsed());
                        found += usize::from(r.citizen.is_some());
                        k += concurrency;
                    }
                    (lat, found)
                }));
            }
            let mut lat: Vec<Duration> = Vec::new();
            let mut found = 0;
            for t in tasks {
                let (l, f) = t.await.unwrap();
                lat.extend(l);
                found += f;
            }
            let wall = started.elapsed();
            lat.sort();
            let pct = |p: f64| lat[((lat.len() as f64 * p) as usize).min(lat.len() - 1)];
            println!(
                "lookups, {concurrency} in flight: {:.0}/s; p50 {:.2} ms; p99 {:.2} ms; {found}/{total} found",
                total as f64 / wall.as_secs_f64(),
                pct(0.50).as_secs_f64() * 1e3,
                pct(0.99).as_secs_f64() * 1e3,
            );
        }
    });
}
