//! Household verification in batches against the reference backend over real HTTP:
//! a demo household with outsiders, and the same under injected faults (errors and
//! 429s), where every member must still end in a final state and no more requests
//! than the bound are ever in flight at the server.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use motcua::api::PersonRef;
use motcua::api::client::{Client, ClientOptions};
use motcua::household::MemberState;
use motcua::household::batch::{self, ChunkDone, Job};
use motcua::server::{self, RunningServer, ServeOptions};

const USER: &str = "canbo1";
const PASSWORD: &str = "mat-khau-thu-nghiem";

fn start() -> (RunningServer, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut opts = ServeOptions::new(dir.path().to_path_buf());
    opts.addr = "127.0.0.1:0".parse().unwrap();
    opts.citizens = 400;
    opts.procedures = 120;
    opts.test_faults = true;
    let state = server::prepare(&opts, |_| {}).unwrap();
    server::add_official(&state, USER, "Nguyễn Thị Cán Bộ", "000.00.92.H55", PASSWORD).unwrap();
    (server::spawn(state, opts.addr).unwrap(), dir)
}

async fn client(server: &RunningServer) -> Arc<Client> {
    let mut opts = ClientOptions::new(server.url());
    opts.timeout = Duration::from_secs(5);
    let c = Client::new(&opts).unwrap();
    c.sign_in(USER, PASSWORD).await.unwrap();
    Arc::new(c)
}

/// Household A (head Lê Thị Thu Hà), household B's son, and numbers nobody has.
fn members() -> Vec<String> {
    let mut ids: Vec<String> = [
        "042089006135",
        "079216003521",
        "079320001846",
        "001200017187",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    ids.extend((0..96).map(|i| format!("0991{i:08}")));
    ids
}

fn job() -> Arc<Job> {
    Arc::new(Job {
        head: PersonRef {
            id_number: "079192019782".into(),
            full_name: Some("Lê Thị Thu Hà".into()),
            birth_date: Some("1992-05-14".into()),
        },
        procedure_code: "NT.0001".into(),
        dossier_code: None,
    })
}

async fn run(client: Arc<Client>, opts: batch::Options) -> Vec<ChunkDone> {
    let mut chunks = Vec::new();
    batch::run(
        client,
        job(),
        members(),
        opts,
        Arc::new(AtomicBool::new(false)),
        |c| chunks.push(c),
    )
    .await;
    chunks
}

fn states(chunks: &[ChunkDone]) -> std::collections::HashMap<String, MemberState> {
    let mut out = std::collections::HashMap::new();
    for c in chunks {
        for (id, s) in &c.rows {
            assert!(
                out.insert(id.clone(), s.clone()).is_none(),
                "{id} answered twice"
            );
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_demo_household_and_outsiders() {
    let (server, _dir) = start();
    let c = client(&server).await;
    let chunks = run(c, batch::Options::default()).await;
    let s = states(&chunks);
    assert_eq!(s.len(), 100);
    assert_eq!(
        s["042089006135"],
        MemberState::Member {
            relation: "Chồng".into()
        }
    );
    assert!(matches!(s["079320001846"], MemberState::Member { .. }));
    assert_eq!(s["001200017187"], MemberState::NotMember);
    assert_eq!(
        s["099100000007"],
        MemberState::Error {
            reason: "not_in_db".into()
        }
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn under_errors_and_429_every_member_ends_final_within_the_bound() {
    let (server, _dir) = start();
    let c = client(&server).await;
    c.set_faults(&serde_json::json!({
        "error_rate": 0.25,
        "rate_limit_rate": 0.25,
        "retry_after_s": 0,
        "latency_ms": 20,
        "path_prefix": "/v1/households",
    }))
    .await
    .unwrap();
    let opts = batch::Options {
        concurrency: 3,
        chunk: 5,
        max_tries: 3,
        backoff: Duration::from_millis(10),
    };
    let chunks = run(c.clone(), opts).await;
    let s = states(&chunks);
    assert_eq!(s.len(), 100, "every member has a final state");
    assert!(
        s.values()
            .all(|st| !matches!(st, MemberState::Unchecked | MemberState::Checking))
    );
    let errors = s
        .values()
        .filter(|st| matches!(st, MemberState::Error { reason } if reason != "not_in_db"))
        .count();
    // With 3 tries at a 44% failure rate per try, a few chunks may fail for good; most
    // get through.
    assert!(errors < 50, "{errors} members failed for good");
    let tries: u32 = chunks.iter().map(|c| c.tries).sum();
    let stats = c.test_stats().await.unwrap();
    assert_eq!(
        stats["requests"].as_u64(),
        Some(u64::from(tries)),
        "{stats}"
    );
    assert!(tries > 20, "faults made retries: {tries}");
    let max = stats["max_in_flight"].as_u64().unwrap();
    assert!((1..=3).contains(&max), "max in flight {max}");
}
