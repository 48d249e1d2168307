//! The reference backend and the client, over real HTTP on loopback: auth, every route,
//! the error model, idempotency, and the fault switches.

#![allow(clippy::many_single_char_names, clippy::similar_names)]

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use motcua::api::client::{Client, ClientError, ClientOptions, ErrorClass};
use motcua::api::{
    DigitalIdentityRequest, DocumentType, DossierRevision, ErrorCode, HouseholdVerifyRequest,
    LookupRequest, MemberStatus, PersonRef, SyncBatch, SyncItem, SyncKind, SyncOutcome,
    VerifyRequest,
};
use motcua::server::synth::{self, Person};
use motcua::server::{self, RunningServer, ServeOptions};

const USER: &str = "canbo1";
const PASSWORD: &str = "mat-khau-thu-nghiem";
const UNIT: &str = "000.00.92.H55";

struct Rig {
    server: RunningServer,
    _dir: tempfile::TempDir,
}

fn start_with(token_ttl_s: u64) -> Rig {
    let dir = tempfile::tempdir().unwrap();
    let mut opts = ServeOptions::new(dir.path().to_path_buf());
    opts.addr = "127.0.0.1:0".parse().unwrap();
    opts.citizens = 400;
    opts.procedures = 120;
    opts.test_faults = true;
    opts.token_ttl_s = token_ttl_s;
    let state = server::prepare(&opts, |_| {}).unwrap();
    server::add_official(&state, USER, "Nguyễn Thị Cán Bộ", UNIT, PASSWORD).unwrap();
    let server = server::spawn(state, opts.addr).unwrap();
    Rig { server, _dir: dir }
}

fn start() -> Rig {
    start_with(900)
}

fn client(rig: &Rig) -> Client {
    let mut opts = ClientOptions::new(rig.server.url());
    opts.timeout = Duration::from_secs(5);
    Client::new(&opts).unwrap()
}

async fn signed_in(rig: &Rig) -> Client {
    let c = client(rig);
    c.sign_in(USER, PASSWORD).await.unwrap();
    c
}

fn fixture(id: &str) -> Person {
    synth::fixtures()
        .into_iter()
        .flat_map(|(_, people)| people)
        .find(|p| p.id_number == id)
        .unwrap_or_else(|| panic!("fixture {id}"))
}

fn lookup_req(p: &Person, procedure: &str) -> LookupRequest {
    LookupRequest {
        document_type: DocumentType::Cccd,
        document_number: p.id_number.clone(),
        full_name: p.full_name(),
        birth_date: p.birth_date.clone(),
        procedure_code: procedure.into(),
        dossier_code: None,
    }
}

fn code_of(e: &ClientError) -> Option<ErrorCode> {
    e.code()
}

// ---------------------------------------------------------------------------

#[tokio::test]
async fn every_route_is_in_the_openapi_document_and_mounted() {
    let rig = start();
    let http = reqwest::Client::new();
    let doc: serde_json::Value = http
        .get(format!("{}/v1/openapi.json", rig.server.url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut documented = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            if ["get", "put", "post", "delete", "patch"].contains(&method.as_str()) {
                documented.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    let routed: BTreeSet<(String, String)> = server::routes::ROUTES
        .iter()
        .map(|(m, p)| ((*m).to_owned(), (*p).to_owned()))
        .collect();
    assert_eq!(
        documented, routed,
        "the OpenAPI document and the router differ"
    );

    // Each route answers (no 404/405): public ones 200, the rest 401 in the error model.
    for (method, path) in &routed {
        let req = http.request(
            method.parse().unwrap(),
            format!("{}{path}", rig.server.url()),
        );
        let req = if method == "GET" {
            req
        } else {
            req.json(&serde_json::json!({}))
        };
        let resp = req.send().await.unwrap();
        let status = resp.status().as_u16();
        let public = doc["paths"][path][method.to_lowercase()]["security"]
            .as_array()
            .is_some_and(Vec::is_empty);
        if public {
            assert!(status == 200 || status == 400, "{method} {path}: {status}");
        } else {
            assert_eq!(status, 401, "{method} {path}");
            let body: motcua::api::ApiError = resp.json().await.unwrap();
            assert_eq!(body.code, ErrorCode::Unauthenticated);
            assert!(!body.message.is_empty());
        }
    }
}

#[tokio::test]
async fn unknown_routes_and_bad_bodies_use_the_error_model() {
    let rig = start();
    let http = reqwest::Client::new();
    let resp = http
        .get(format!("{}/v1/nothing-here", rig.server.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 404);
    let e: motcua::api::ApiError = resp.json().await.unwrap();
    assert_eq!(e.code, ErrorCode::NotFound);

    let resp = http
        .post(format!("{}/v1/auth/token", rig.server.url()))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    let e: motcua::api::ApiError = resp.json().await.unwrap();
    assert_eq!(e.code, ErrorCode::ValidationFailed);
    assert!(!e.retryable);

    let big = "x".repeat(3 * 1024 * 1024);
    let resp = http
        .post(format!("{}/v1/auth/token", rig.server.url()))
        .header("content-type", "application/json")
        .body(big)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 413);
}

#[tokio::test]
async fn sign_in_lockout_refresh_and_expiry() {
    let rig = start_with(1);
    let c = client(&rig);
    let e = c.sign_in(USER, "sai").await.unwrap_err();
    assert_eq!(code_of(&e), Some(ErrorCode::InvalidCredentials));
    assert_eq!(e.class(), ErrorClass::NeedsSignIn);
    let e = c.sign_in("khong-co", "sai").await.unwrap_err();
    assert_eq!(
        code_of(&e),
        Some(ErrorCode::InvalidCredentials),
        "unknown users look the same"
    );

    // Signed in: the token works; after it expires the client refreshes by itself.
    let official = c.sign_in(USER, PASSWORD).await.unwrap();
    assert_eq!(official.unit_code, UNIT);
    c.procedures("", 5).await.unwrap();
    tokio::time::sleep(Duration::from_millis(1300)).await;
    c.procedures("", 5).await.unwrap();

    // Without a refresh token the expired token is "needs sign-in".
    let http = reqwest::Client::new();
    let resp = http
        .get(format!("{}/v1/procedures", rig.server.url()))
        .bearer_auth("mca_not-a-token")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);

    // Five failures in a row lock the account, even for the right password.
    for _ in 0..4 {
        let e = c.sign_in(USER, "sai").await.unwrap_err();
        assert_eq!(code_of(&e), Some(ErrorCode::InvalidCredentials));
    }
    let e = c.sign_in(USER, "sai").await.unwrap_err();
    assert_eq!(code_of(&e), Some(ErrorCode::AccountLocked));
    let e = c.sign_in(USER, PASSWORD).await.unwrap_err();
    assert_eq!(code_of(&e), Some(ErrorCode::AccountLocked));
    assert_eq!(e.class(), ErrorClass::Permanent);
}

#[tokio::test]
async fn a_refresh_token_works_once() {
    let rig = start();
    let http = reqwest::Client::new();
    let url = format!("{}/v1/auth/token", rig.server.url());
    let t: motcua::api::TokenResponse = http
        .post(&url)
        .json(
            &serde_json::json!({"grant_type": "password", "username": USER, "password": PASSWORD}),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let refresh =
        serde_json::json!({"grant_type": "refresh_token", "refresh_token": t.refresh_token});
    let first = http.post(&url).json(&refresh).send().await.unwrap();
    assert_eq!(first.status(), 200);
    let again = http.post(&url).json(&refresh).send().await.unwrap();
    assert_eq!(again.status(), 401);
}

#[tokio::test]
async fn the_catalogue_feed_pages_to_the_end() {
    let rig = start();
    let c = signed_in(&rig).await;
    let mut cursor = String::new();
    let mut codes = Vec::new();
    let mut pages = 0;
    loop {
        let page = c.procedures(&cursor, 50).await.unwrap();
        pages += 1;
        assert_eq!(page.catalogue_version, 1);
        codes.extend(page.items.iter().map(|i| i.code.clone()));
        cursor = page.next_cursor;
        if !page.has_more {
            break;
        }
    }
    assert_eq!(codes.len(), 120);
    assert_eq!(pages, 3);
    assert_eq!(
        codes[0], "NT.0001",
        "the 14 procedures of seed 000 come first"
    );
    let set: BTreeSet<_> = codes.iter().collect();
    assert_eq!(set.len(), codes.len());
    let end = c.procedures(&cursor, 50).await.unwrap();
    assert!(end.items.is_empty() && !end.has_more);
    assert_eq!(end.next_cursor, cursor);
    let e = c.procedures("abc", 50).await.unwrap_err();
    assert_eq!(code_of(&e), Some(ErrorCode::ValidationFailed));
}

#[tokio::test]
async fn reference_tables() {
    let rig = start();
    let c = signed_in(&rig).await;
    let units = c.admin_units().await.unwrap();
    assert_eq!(units.current.len(), 34);
    assert_eq!(units.legacy.len(), 63);
    assert!(c.ethnicities().await.unwrap().items.len() >= 54);
    assert!(!c.religions().await.unwrap().items.is_empty());
    let h = c.holidays().await.unwrap();
    let year = h.years[1];
    assert!(h.days.iter().any(|d| d.date == format!("{year}-09-02")));
    assert!(h.days.iter().any(|d| d.date == format!("{year}-04-30")));
    let t = c.time().await.unwrap();
    assert!(t.now.ends_with("+07:00"), "{}", t.now);
}

#[tokio::test]
async fn lookups_match_tolerantly_and_check_the_procedure() {
    let rig = start();
    let c = signed_in(&rig).await;
    let p = fixture("079192019782");
    let found = c.lookup(&lookup_req(&p, "NT.0001")).await.unwrap();
    let rec = found.citizen.expect("found");
    assert_eq!(rec.id_number, "079192019782");
    assert!(!found.lookup_id.is_empty());

    // Upper case without diacritics and the year alone still match (upstream does).
    let mut loose = lookup_req(&p, "NT.0001");
    loose.full_name = motcua::text::fold(&p.full_name()).to_uppercase();
    loose.birth_date = p.birth_date[..4].to_owned();
    assert!(c.lookup(&loose).await.unwrap().citizen.is_some());

    let mut wrong = lookup_req(&p, "NT.0001");
    wrong.full_name = "Trần Văn Khác".into();
    assert!(c.lookup(&wrong).await.unwrap().citizen.is_none());

    let mut eleven = lookup_req(&p, "NT.0001");
    eleven.document_number = "03080104271".into();
    let e = c.lookup(&eleven).await.unwrap_err();
    assert_eq!(code_of(&e), Some(ErrorCode::ValidationFailed));
    assert!(
        e.api_error()
            .unwrap()
            .fields
            .iter()
            .any(|f| f.field == "document_number")
    );

    let e = c
        .lookup(&lookup_req(&p, synth::UNLICENSED_SAMPLE_CODE))
        .await
        .unwrap_err();
    assert_eq!(code_of(&e), Some(ErrorCode::ProcedureNotLicensed));
    assert_eq!(e.class(), ErrorClass::Permanent);
    let e = c.lookup(&lookup_req(&p, "KHONG.CO")).await.unwrap_err();
    assert_eq!(code_of(&e), Some(ErrorCode::ValidationFailed));

    let v = c
        .verify(&VerifyRequest {
            document_type: DocumentType::Cccd,
            document_number: p.id_number.clone(),
            full_name: p.full_name(),
            birth_date: p.birth_date.clone(),
            procedure_code: "NT.0001".into(),
            dossier_code: None,
        })
        .await
        .unwrap();
    assert!(v.exists);

    let d = c
        .digital_identity(&DigitalIdentityRequest {
            id_number: p.id_number.clone(),
            full_name: p.full_name(),
            birth_date: p.birth_date.clone(),
            procedure_code: "NT.0001".into(),
            dossier_code: None,
        })
        .await
        .unwrap();
    assert!(d.valid);
    assert_eq!(d.has_account, p.portal_level.is_some());
}

#[tokio::test]
async fn household_members_outsiders_and_unknowns() {
    let rig = start();
    let c = signed_in(&rig).await;
    let fixtures = synth::fixtures();
    let (household, people) = &fixtures[0];
    let head = people
        .iter()
        .find(|p| p.id_number == household.head_id)
        .unwrap();
    let other = &fixtures[1].1[0];
    let mut members: Vec<PersonRef> = people
        .iter()
        .filter(|p| p.id_number != head.id_number)
        .map(|p| PersonRef {
            id_number: p.id_number.clone(),
            full_name: None,
            birth_date: None,
        })
        .collect();
    let n_members = members.len();
    members.push(PersonRef {
        id_number: other.id_number.clone(),
        full_name: None,
        birth_date: None,
    });
    members.push(PersonRef {
        id_number: synth::OUTSIDER_IDS[0].to_owned(),
        full_name: None,
        birth_date: None,
    });
    let r = c
        .verify_members(&HouseholdVerifyRequest {
            head: PersonRef {
                id_number: head.id_number.clone(),
                full_name: Some(head.full_name()),
                birth_date: Some(head.birth_date.clone()),
            },
            members,
            procedure_code: "NT.0001".into(),
            dossier_code: None,
        })
        .await
        .unwrap();
    assert!(r.head_found);
    let statuses: Vec<MemberStatus> = r.results.iter().map(|m| m.status).collect();
    assert!(
        statuses[..n_members]
            .iter()
            .all(|s| *s == MemberStatus::Member)
    );
    assert_eq!(statuses[n_members], MemberStatus::NotMember);
    assert_eq!(statuses[n_members + 1], MemberStatus::Unknown);
    assert!(r.results[0].relation.is_some());
}

fn item(id: &str, key: &str, dossier: &str, code: &str, provisional: bool) -> SyncItem {
    SyncItem::dossier(
        id.into(),
        key.into(),
        DossierRevision {
            dossier_id: dossier.into(),
            revision: 1,
            dossier_code: code.into(),
            code_provisional: provisional,
            procedure_code: "NT.0001".into(),
            received_at: "2026-11-23T09:15:00+07:00".into(),
            status: 1,
            body: serde_json::json!({"chu_ho_so": {"ho_ten": "Nguyễn Văn A"}}),
        },
    )
}

/// The device key: made on the first call for a device, the same for every later call
/// (by any signed-in official), different per device; never to a caller not signed in;
/// a malformed device id is a field error.
#[tokio::test]
async fn a_device_key_is_released_only_to_signed_in_officials_and_stays_the_same() {
    let rig = start();
    let c = signed_in(&rig).await;
    let device = "019ab3c2-7f10-7c3e-9a51-4be0f0c1d2e3";
    let first = c.device_key(device).await.unwrap();
    let again = c.device_key(device).await.unwrap();
    assert_eq!(first, again);
    let other = c
        .device_key("019ab3c2-7f10-7c3e-9a51-000000000000")
        .await
        .unwrap();
    assert_ne!(first, other);
    let stranger = client(&rig);
    let refused = stranger.device_key(device).await.unwrap_err();
    assert_eq!(refused.class(), ErrorClass::NeedsSignIn, "{refused}");
    let bad = c.device_key("../etc/passwd").await.unwrap_err();
    assert_eq!(bad.code(), Some(ErrorCode::ValidationFailed), "{bad}");
}

#[tokio::test]
async fn codes_and_idempotent_sync() {
    let rig = start();
    let c = signed_in(&rig).await;
    let a = c.reserve_codes(3).await.unwrap();
    let b = c.reserve_codes(2).await.unwrap();
    assert_eq!(a.codes.len(), 3);
    let all: BTreeSet<_> = a.codes.iter().chain(&b.codes).collect();
    assert_eq!(all.len(), 5, "no code is handed out twice");
    let short = a.date.replace('-', "");
    assert_eq!(a.codes[0], format!("{UNIT}-{}-0001", &short[2..]));

    // A provisional code is replaced; a replay returns the stored result.
    let first = item("o1", "k1", "d1", "TAM-1", true);
    let r = c
        .sync_batch(&SyncBatch {
            items: vec![first.clone()],
        })
        .await
        .unwrap();
    assert_eq!(r.results[0].outcome, SyncOutcome::Accepted);
    let code = r.results[0].dossier_code.clone().unwrap();
    assert!(code.starts_with(&format!("{UNIT}-261123-")), "{code}");
    let again = c
        .sync_batch(&SyncBatch {
            items: vec![first.clone()],
        })
        .await
        .unwrap();
    assert_eq!(again.results[0].outcome, SyncOutcome::Duplicate);
    assert_eq!(
        again.results[0].dossier_code.as_deref(),
        Some(code.as_str())
    );

    // Same key, different payload: rejected as a mismatch; the rest of the batch goes on.
    let mut changed = first.clone();
    changed.revision.as_mut().unwrap().status = 4;
    let bad = item("o3", "k3", "d3", "sai-ma", false);
    let ok = item("o4", "k4", "d4", "TAM-4", true);
    let r = c
        .sync_batch(&SyncBatch {
            items: vec![changed, bad, ok],
        })
        .await
        .unwrap();
    assert_eq!(r.results.len(), 3);
    assert_eq!(r.results[0].outcome, SyncOutcome::Rejected);
    assert_eq!(
        r.results[0].error.as_ref().unwrap().code,
        ErrorCode::IdempotencyMismatch
    );
    assert_eq!(r.results[1].outcome, SyncOutcome::Rejected);
    assert_eq!(
        r.results[1].error.as_ref().unwrap().code,
        ErrorCode::ValidationFailed
    );
    assert_eq!(r.results[2].outcome, SyncOutcome::Accepted);

    // Concurrent duplicates leave one dossier.
    let c = Arc::new(c);
    let dup = item("o9", "k9", "d9", "TAM-9", true);
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let c = c.clone();
        let batch = SyncBatch {
            items: vec![dup.clone()],
        };
        tasks.push(tokio::spawn(
            async move { c.sync_batch(&batch).await.unwrap() },
        ));
    }
    let mut outcomes = Vec::new();
    for t in tasks {
        outcomes.push(t.await.unwrap().results[0].outcome);
    }
    assert_eq!(
        outcomes
            .iter()
            .filter(|o| **o == SyncOutcome::Accepted)
            .count(),
        1
    );
    assert_eq!(
        outcomes
            .iter()
            .filter(|o| **o == SyncOutcome::Duplicate)
            .count(),
        7
    );

    let digest = c.digest("2026-11-23").await.unwrap();
    assert_eq!(digest.count, 3, "d1, d4, d9");
    assert_eq!(digest.id_hash.len(), 64);
    let changes = c.changes("", 100).await.unwrap();
    let statuses = changes
        .changes
        .iter()
        .filter(|ch| matches!(ch.kind, motcua::api::ChangeKind::DossierStatus { .. }))
        .count();
    assert_eq!(statuses, 3);
}

#[tokio::test]
async fn audit_records_and_queued_checks_sync_once() {
    let rig = start();
    let c = signed_in(&rig).await;
    let record = motcua::api::AuditRecord {
        id: "0196a1b2-0000-7000-8000-000000000001".into(),
        at: "2026-11-23T09:20:00+07:00".into(),
        official: "canbo01".into(),
        action: "population.lookup".into(),
        citizen: "079192019782".into(),
        procedure_code: Some("NT.0001".into()),
        dossier_id: None,
        detail: serde_json::json!({"outcome": "found"}),
    };
    let audit = SyncItem {
        id: "0196a1b2-0000-7000-8000-0000000000a1".into(),
        idempotency_key: format!("audit/{}", record.id),
        kind: SyncKind::Audit,
        revision: None,
        audit: Some(record.clone()),
        check: None,
    };
    let p = fixture("079192019782");
    let check = |id: &str, req: LookupRequest| SyncItem {
        id: format!("{id}-item"),
        idempotency_key: format!("check/{id}"),
        kind: SyncKind::PopulationCheck,
        revision: None,
        audit: None,
        check: Some(motcua::api::QueuedCheck {
            check_id: id.into(),
            request: req,
        }),
    };
    let mut stranger = lookup_req(&p, "NT.0001");
    stranger.full_name = "Người Khác Hẳn".into();
    let mut bad = lookup_req(&p, "NT.0001");
    bad.document_number = "12345".into();
    let mut mismatched = audit.clone();
    mismatched.kind = SyncKind::Dossier;
    mismatched.id = "mismatch".into();
    mismatched.idempotency_key = "mismatch".into();
    let batch = SyncBatch {
        items: vec![
            audit.clone(),
            check("q1", lookup_req(&p, "NT.0001")),
            check("q2", stranger),
            check("q3", bad),
            mismatched,
        ],
    };
    let r = c.sync_batch(&batch).await.unwrap();
    let outcomes: Vec<_> = r.results.iter().map(|r| r.outcome).collect();
    assert_eq!(
        outcomes,
        [
            SyncOutcome::Accepted,
            SyncOutcome::Accepted,
            SyncOutcome::Accepted,
            SyncOutcome::Rejected,
            SyncOutcome::Rejected
        ]
    );
    assert!(
        r.results[3].error.as_ref().unwrap().fields[0]
            .field
            .starts_with("check.request."),
        "{:?}",
        r.results[3]
    );
    // Sent again: the stored results, nothing applied twice.
    let again = c
        .sync_batch(&SyncBatch {
            items: batch.items[..3].to_vec(),
        })
        .await
        .unwrap();
    assert!(
        again
            .results
            .iter()
            .all(|r| r.outcome == SyncOutcome::Duplicate)
    );
    // The same key with other content is refused.
    let mut changed = audit.clone();
    changed.audit.as_mut().unwrap().action = "population.verify".into();
    let r = c
        .sync_batch(&SyncBatch {
            items: vec![changed],
        })
        .await
        .unwrap();
    assert_eq!(r.results[0].outcome, SyncOutcome::Rejected);
    assert_eq!(
        r.results[0].error.as_ref().unwrap().code,
        ErrorCode::IdempotencyMismatch
    );
    // The answers come through the changes feed, once each.
    let feed = c.changes("", 100).await.unwrap();
    let answers: Vec<(String, bool)> = feed
        .changes
        .iter()
        .filter_map(|ch| match &ch.kind {
            motcua::api::ChangeKind::VerificationResult {
                lookup_id, exists, ..
            } => Some((lookup_id.clone(), *exists)),
            _ => None,
        })
        .collect();
    assert_eq!(answers, [("q1".to_owned(), true), ("q2".to_owned(), false)]);
}

#[tokio::test]
async fn fault_switches_drive_the_client_error_classes() {
    let rig = start();
    let c = signed_in(&rig).await;
    let set = |v: serde_json::Value| {
        let c = &c;
        async move { c.set_faults(&v).await.unwrap() }
    };

    set(serde_json::json!({"error_rate": 1.0, "error_status": 503})).await;
    let e = c.procedures("", 5).await.unwrap_err();
    assert_eq!(e.class(), ErrorClass::Retryable);
    assert_eq!(code_of(&e), Some(ErrorCode::UpstreamUnavailable));

    set(serde_json::json!({"rate_limit_rate": 1.0, "retry_after_s": 7})).await;
    let e = c.procedures("", 5).await.unwrap_err();
    assert_eq!(code_of(&e), Some(ErrorCode::RateLimited));
    assert_eq!(e.retry_after(), Some(Duration::from_secs(7)));

    set(serde_json::json!({"garbage_rate": 1.0})).await;
    let e = c.procedures("", 5).await.unwrap_err();
    assert_eq!(e.class(), ErrorClass::Retryable);

    // Dropped after commit: the client cannot know, the server has it; a resend dedupes.
    set(serde_json::json!({"drop_after_commit_rate": 1.0, "path_prefix": "/v1/sync"})).await;
    let it = item("f1", "fk1", "fd1", "TAM-1", true);
    let e = c
        .sync_batch(&SyncBatch {
            items: vec![it.clone()],
        })
        .await
        .unwrap_err();
    assert_eq!(e.class(), ErrorClass::Retryable);
    set(serde_json::json!({})).await;
    let r = c.sync_batch(&SyncBatch { items: vec![it] }).await.unwrap();
    assert_eq!(r.results[0].outcome, SyncOutcome::Duplicate);

    set(serde_json::json!({"latency_ms": 50})).await;
    c.procedures("", 5).await.unwrap();

    // A hang ends in the client's timeout, classified retryable.
    set(serde_json::json!({"hang_rate": 1.0, "path_prefix": "/v1/time"})).await;
    let mut opts = ClientOptions::new(rig.server.url());
    opts.timeout = Duration::from_millis(300);
    let quick = Client::new(&opts).unwrap();
    let e = quick.time().await.unwrap_err();
    assert_eq!(e.class(), ErrorClass::Retryable);
    set(serde_json::json!({})).await;

    let e = c
        .set_faults(&serde_json::json!({"error_rate": 2.0}))
        .await
        .unwrap_err();
    assert_eq!(code_of(&e), Some(ErrorCode::ValidationFailed));
}

#[tokio::test]
async fn no_server_is_offline() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let c = Client::new(&ClientOptions::new(format!("http://{addr}"))).unwrap();
    let e = c.health().await.unwrap_err();
    assert_eq!(e.class(), ErrorClass::Offline);
}

/// A FAKE server, because the reference backend never sends a huge answer: it streams
/// 100 MB (no Content-Length) in answer to `/v1/health`. The client refuses it once it
/// passes its cap, cleanly and without holding the whole body.
#[tokio::test]
async fn a_huge_answer_is_refused_as_it_streams_in() {
    use axum::body::{Body, Bytes};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = axum::Router::new().route(
        "/v1/health",
        axum::routing::get(|| async {
            let chunk = Bytes::from(vec![b' '; 1024 * 1024]);
            let chunks = (0..100).map(move |_| Ok::<_, std::io::Error>(chunk.clone()));
            Body::from_stream(futures_util::stream::iter(chunks))
        }),
    );
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    let c = Client::new(&ClientOptions::new(format!("http://{addr}"))).unwrap();
    let e = c.health().await.unwrap_err();
    assert_eq!(code_of(&e), Some(ErrorCode::PayloadTooLarge), "{e:?}");
    assert!(e.to_string().contains("quá lớn"), "{e}");
    assert_eq!(e.class(), motcua::api::client::ErrorClass::Retryable);
}
