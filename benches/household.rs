//! Household-verification figures: prints them, asserts only that the work is real and
//! that both ways agree.
//!
//! `cargo bench --bench household`
//!
//! 1,000 members against the head of demo household A (Lê Thị Thu Hà), over loopback
//! against the reference backend: the household's 3 real members, people of the
//! generated population who live in other households, and numbers nobody has. They are
//! verified twice: with `batch::Options::default()` (chunks of several members, a few
//! requests in flight), then one at a time (one member per request, one request in
//! flight). The backend's data is kept in `target/bench-household-N/`;
//! `MOTCUA_BENCH_CITIZENS` sets N (default 10,000).

// Figures are printed as floating point; counts here are far below 2^52.
#![allow(clippy::cast_precision_loss)]

#[path = "common/backend.rs"]
mod backend_rig;

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use motcua::api::PersonRef;
use motcua::api::client::{Client, ClientOptions};
use motcua::household::MemberState;
use motcua::household::batch::{self, ChunkDone, Job};
use motcua::server::synth;

/// A licensed sample procedure (all of NT.0001–NT.0014 but NT.0010 may look up).
const PROCEDURE: &str = "NT.0001";
const HEAD: &str = "079192019782";
/// Household A's members other than the head (docs/demo-citizens.md).
const HOUSEHOLD_A: [&str; 3] = ["042089006135", "079216003521", "079320001846"];
const MEMBERS: usize = 1_000;
/// Members nobody has (the generator's outsider numbers, then made-up ones).
const NOBODY: usize = 50;

/// The 1,000 numbers, all distinct: household A, then people of other households, then
/// numbers that are in nobody's record. Every 20th slot is a nobody, so chunks mix.
fn members(citizens: usize, seed: u64) -> Vec<String> {
    let mut everyone = HashSet::new();
    let mut others = Vec::new();
    let step = (citizens / (MEMBERS * 2)).max(1);
    let mut i = 0usize;
    synth::generate_people(citizens, seed, |_, people| {
        for p in people {
            if p.id_number != HEAD
                && !HOUSEHOLD_A.contains(&p.id_number.as_str())
                && i.is_multiple_of(step)
            {
                others.push(p.id_number.clone());
            }
            everyone.insert(p.id_number);
            i += 1;
        }
    });
    let mut nobody: Vec<String> = synth::OUTSIDER_IDS
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    let mut k = 0u64;
    while nobody.len() < NOBODY {
        // 099 is no province code.
        let id = format!("0991{k:08}");
        if !everyone.contains(&id) {
            nobody.push(id);
        }
        k += 1;
    }
    assert!(
        nobody.iter().all(|id| !everyone.contains(id)),
        "the outsider numbers are nobody's"
    );
    let mut ids: Vec<String> = HOUSEHOLD_A.iter().map(|s| (*s).to_owned()).collect();
    let mut others = others.into_iter();
    let mut nobody = nobody.into_iter();
    while ids.len() < MEMBERS {
        let next = if ids.len() % 20 == 19 {
            nobody.next()
        } else {
            None
        }
        .or_else(|| others.next())
        .or_else(|| nobody.next())
        .expect("enough people in the population");
        ids.push(next);
    }
    let distinct: HashSet<&String> = ids.iter().collect();
    assert_eq!(distinct.len(), MEMBERS, "every number once");
    ids
}

fn job() -> Arc<Job> {
    Arc::new(Job {
        head: PersonRef {
            id_number: HEAD.into(),
            full_name: Some("Lê Thị Thu Hà".into()),
            birth_date: Some("1992-05-14".into()),
        },
        procedure_code: PROCEDURE.into(),
        dossier_code: None,
    })
}

/// Timed rounds of each way (the median is reported).
const ROUNDS: usize = 5;

struct Run {
    wall: Duration,
    states: HashMap<String, MemberState>,
    requests: u32,
    chunks: usize,
}

async fn run(client: &Arc<Client>, ids: &[String], opts: batch::Options) -> Run {
    let mut done: Vec<ChunkDone> = Vec::new();
    let started = Instant::now();
    batch::run(
        client.clone(),
        job(),
        ids.to_vec(),
        opts,
        Arc::new(AtomicBool::new(false)),
        |c| done.push(c),
    )
    .await;
    let wall = started.elapsed();
    let mut states = HashMap::new();
    for c in &done {
        for (id, s) in &c.rows {
            assert!(
                states.insert(id.clone(), s.clone()).is_none(),
                "{id} answered twice"
            );
        }
    }
    assert_eq!(states.len(), ids.len(), "every member answered");
    Run {
        wall,
        states,
        requests: done.iter().map(|c| c.tries).sum(),
        chunks: done.len(),
    }
}

fn tally(states: &HashMap<String, MemberState>) -> String {
    let mut member = 0;
    let mut not_member = 0;
    let mut not_in_db = 0;
    let mut other = 0;
    for s in states.values() {
        match s {
            MemberState::Member { .. } => member += 1,
            MemberState::NotMember => not_member += 1,
            MemberState::Error { reason } if reason == "not_in_db" => not_in_db += 1,
            _ => other += 1,
        }
    }
    format!("{member} members, {not_member} not members, {not_in_db} not in db, {other} other")
}

fn report(label: &str, r: &Run) {
    println!(
        "{label}: {:.0} ms wall  {:.0} members/s  ({} requests for {} chunks)",
        r.wall.as_secs_f64() * 1e3,
        MEMBERS as f64 / r.wall.as_secs_f64(),
        r.requests,
        r.chunks,
    );
}

fn main() {
    println!("motcua household-verification bench");
    let (running, n, seed) = backend_rig::start("household");
    let ids = members(n, seed);

    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let client = Client::new(&ClientOptions::new(running.url())).expect("client");
        client
            .sign_in(backend_rig::USER, backend_rig::PASSWORD)
            .await
            .expect("sign in");
        let client = Arc::new(client);
        let defaults = batch::Options::default();
        let one_at_a_time = batch::Options {
            chunk: 1,
            concurrency: 1,
            ..defaults
        };

        // Warm up the connection and the database's page cache (untimed).
        let warm = run(&client, &ids, defaults).await;
        println!("members: {MEMBERS} ({})", tally(&warm.states));
        assert_eq!(
            warm.states[HOUSEHOLD_A[0]],
            MemberState::Member {
                relation: "Chồng".into()
            }
        );
        assert!(
            HOUSEHOLD_A
                .iter()
                .all(|id| matches!(warm.states[*id], MemberState::Member { .. })),
            "household A's members are members"
        );
        let answered = warm.states.values().filter(|s| s.is_answered()).count();
        assert!(
            answered >= MEMBERS * 9 / 10,
            "most are real citizens: {answered}"
        );

        // Alternate the two ways a few times and keep each one's median run, so a
        // moment of load on a shared machine does not decide the ratio.
        let mut batch_runs = Vec::new();
        let mut singles = Vec::new();
        for _ in 0..ROUNDS {
            batch_runs.push(run(&client, &ids, defaults).await);
            singles.push(run(&client, &ids, one_at_a_time).await);
        }
        batch_runs.sort_by_key(|r| r.wall);
        singles.sort_by_key(|r| r.wall);
        let batched = batch_runs.swap_remove(ROUNDS / 2);
        let single = singles.swap_remove(ROUNDS / 2);
        println!("median of {ROUNDS} rounds of each:");
        report(
            &format!(
                "batch, Options::default() (chunk {}, {} in flight)",
                defaults.chunk, defaults.concurrency
            ),
            &batched,
        );
        report("one at a time (chunk 1, 1 in flight)", &single);
        assert_eq!(batched.states, warm.states, "the batch answers as before");
        assert_eq!(
            batched.states, single.states,
            "both ways give every member the same final state"
        );
        println!(
            "batch speed-up over one at a time: {:.1}×  [target ≥ 10×]",
            single.wall.as_secs_f64() / batched.wall.as_secs_f64()
        );
    });
}
