//! Population-check figures: prints them, asserts only that the work is real.
//!
//! `cargo bench --bench population`
//!
//! - `population::diff` of a full record (all 20 fields, legacy three-level addresses)
//!   against a form typed in NFD with a three-level address, per call;
//! - the lookup round trip (`Client::lookup`) over loopback against the reference
//!   backend, for a demo citizen (docs/demo-citizens.md). The backend's data is kept in
//!   `target/bench-population-N/`; `MOTCUA_BENCH_CITIZENS` sets N (default 10,000).

// Figures are printed as floating point; counts here are far below 2^52.
#![allow(clippy::cast_precision_loss)]

#[path = "common/backend.rs"]
mod backend_rig;

use std::hint::black_box;
use std::time::{Duration, Instant};

use motcua::api::client::{Client, ClientOptions};
use motcua::api::{
    Address, BloodGroup, CitizenRecord, CodeName, DocumentType, HouseholdHead, LegacyAddress,
    LookupRequest, MaritalStatus, PersonName, RelatedPerson, Sex,
};
use motcua::dossier::population::{self, PopField, Sourced, Status};
use motcua::dossier::{Evidence, PersonForm, Source};
use unicode_normalization::UnicodeNormalization;

/// A licensed sample procedure (all of NT.0001–NT.0014 but NT.0010 may look up).
const PROCEDURE: &str = "NT.0001";
const ID: &str = "079192019782";

fn cn(code: &str, name: &str) -> CodeName {
    CodeName {
        code: code.into(),
        name: name.into(),
    }
}

fn hcm(detail: &str, ward: (&str, &str), legacy_ward: &str) -> Address {
    Address {
        detail: detail.into(),
        province: cn("79", "Thành phố Hồ Chí Minh"),
        ward: cn(ward.0, ward.1),
        legacy: Some(LegacyAddress {
            province: cn("79", "Thành phố Hồ Chí Minh"),
            district: cn("760", "Quận 1"),
            ward: cn(legacy_ward, ward.1),
        }),
    }
}

fn relative(name: &str, id: &str, old: &str) -> RelatedPerson {
    RelatedPerson {
        full_name: name.into(),
        nationality: cn("VN", "Việt Nam"),
        id_number: Some(id.into()),
        old_id_number: Some(old.into()),
    }
}

/// Every one of the 20 fields filled, every address with its three-level form.
fn full_record() -> CitizenRecord {
    let home = hcm(
        "Số 25 đường Nguyễn Thị Minh Khai",
        ("26531", "Phường Bến Thành"),
        "26740",
    );
    CitizenRecord {
        id_number: ID.into(),
        old_id_number: Some("025478136".into()),
        full_name: PersonName {
            family: "Lê".into(),
            middle: "Thị Thu".into(),
            given: "Hà".into(),
        },
        sex: Sex::Female,
        ethnicity: cn("01", "Kinh"),
        birth_date: "1992-05-14".into(),
        birth_registration_place: hcm("", ("26536", "Phường Tân Định"), "26734"),
        home_town: hcm("Thôn Trung", ("26536", "Phường Tân Định"), "26734"),
        permanent_address: home.clone(),
        current_address: hcm(
            "Phòng 1204, tòa nhà số 9 đường Điện Biên Phủ",
            ("26737", "Phường Đa Kao"),
            "26737",
        ),
        religion: cn("00", "Không"),
        marital_status: MaritalStatus::Married,
        blood_group: BloodGroup::O,
        nationality: cn("VN", "Việt Nam"),
        father: Some(relative("Lê Văn Thành", "079062001538", "020145873")),
        mother: Some(relative("Nguyễn Thị Mai", "079165002947", "020369514")),
        spouse: Some(relative("Phạm Quốc Bảo", "042089006135", "183456789")),
        representative: Some(relative("Lê Văn Thành", "079062001538", "020145873")),
        household_head: Some(HouseholdHead {
            relation: "Chủ hộ".into(),
            id_number: ID.into(),
            old_id_number: Some("025478136".into()),
            full_name: "Lê Thị Thu Hà".into(),
        }),
        household_book_number: Some("790142857".into()),
    }
}

fn nfd(s: &str) -> String {
    s.nfd().collect()
}

/// The form as a worst case: NFD text, capitals, the three-level address with
/// abbreviated unit types, and every other field filled (as taken or read before), so
/// every comparison runs to the end.
fn form() -> PersonForm {
    let typed = Evidence::of(Source::Typed);
    let mut p = PersonForm {
        name: nfd("LÊ THỊ THU HÀ"),
        id_number: ID.into(),
        birth: "14/05/1992".into(),
        sex: Some(Sex::Female),
        phone: "0912345678".into(),
        address: nfd("Số 25 Đường Nguyễn Thị Minh Khai, P. Bến Thành, Q. 1, TP. Hồ Chí Minh"),
        ..PersonForm::default()
    };
    for (field, value) in [
        (PopField::OldIdNumber, "025 478 136"),
        (PopField::Ethnicity, "kinh"),
        (
            PopField::BirthRegistrationPlace,
            "Phường Tân Định, Quận 1, Thành phố Hồ Chí Minh",
        ),
        (
            PopField::HomeTown,
            "Thôn Trung, Phường Tân Định, Quận 1, TP Hồ Chí Minh",
        ),
        (
            PopField::CurrentAddress,
            "Phòng 1204, tòa nhà số 9 đường Điện Biên Phủ, Phường Đa Kao, Quận 1, TP. Hồ Chí Minh",
        ),
        (PopField::Religion, "không"),
        (PopField::MaritalStatus, "Đang có vợ/chồng"),
        (PopField::BloodGroup, "O"),
        (PopField::Nationality, "Việt Nam"),
        (PopField::Father, "Lê Văn Thành · 079062001538"),
        (PopField::Mother, "Nguyễn Thị Mai · 079165002947"),
        (PopField::Spouse, "Phạm Quốc Bảo · 042089006135"),
        (PopField::Representative, "Lê Văn Thành · 079062001538"),
        (PopField::HouseholdHead, "Lê Thị Thu Hà · 079192019782"),
        (PopField::HouseholdBookNumber, "790 142 857"),
    ] {
        p.extra.insert(
            field,
            Sourced {
                value: nfd(value),
                evidence: typed,
            },
        );
    }
    p
}

fn percentile(sorted: &[Duration], p: usize) -> Duration {
    sorted[(sorted.len() - 1) * p / 100]
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn bench_diff() {
    let record = full_record();
    let form = form();
    let kept = population::kept_fields(
        &PopField::ALL
            .iter()
            .map(|f| f.name().to_owned())
            .collect::<Vec<_>>(),
    );
    let rows = population::diff(&form, None, &record, &kept);
    assert_eq!(rows.len(), 20);
    assert!(
        rows.iter().all(|r| !r.db.is_empty()),
        "the record fills all 20 fields"
    );
    let count = |s: Status| rows.iter().filter(|r| r.status == s).count();
    println!(
        "diff rows: {} equal, {} normalized, {} different, {} missing",
        count(Status::Equal),
        count(Status::Normalized),
        count(Status::Different),
        count(Status::MissingHere) + count(Status::MissingInDb),
    );
    assert_eq!(
        rows.iter()
            .find(|r| r.field == PopField::PermanentAddress)
            .map(|r| r.status),
        Some(Status::Normalized),
        "the NFD three-level address is the database's"
    );

    for _ in 0..1_000 {
        black_box(population::diff(
            black_box(&form),
            None,
            black_box(&record),
            &kept,
        ));
    }
    let n = 20_000;
    let mut times = Vec::with_capacity(n);
    for _ in 0..n {
        let t = Instant::now();
        let rows = population::diff(black_box(&form), None, black_box(&record), &kept);
        times.push(t.elapsed());
        black_box(rows);
    }
    times.sort();
    let mean = times.iter().sum::<Duration>() / u32::try_from(n).unwrap_or(1);
    println!(
        "population::diff, full record vs NFD form with 3-level addresses: n={n}  \
         mean {:.1} µs  median {:.1} µs  p99 {:.1} µs  max {:.1} µs  [target ≤ 50 µs]",
        micros(mean),
        micros(percentile(&times, 50)),
        micros(percentile(&times, 99)),
        micros(times.last().copied().unwrap_or_default()),
    );
}

fn bench_lookup() {
    let (running, _, _) = backend_rig::start("population");

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
        let req = LookupRequest {
            document_type: DocumentType::Cccd,
            document_number: ID.into(),
            full_name: "Lê Thị Thu Hà".into(),
            birth_date: "1992-05-14".into(),
            procedure_code: PROCEDURE.into(),
            dossier_code: None,
        };
        let first = client.lookup(&req).await.expect("lookup");
        let citizen = first.citizen.expect("the demo citizen is found");
        assert_eq!(citizen.household_book_number.as_deref(), Some("790142857"));
        for _ in 0..20 {
            client.lookup(&req).await.expect("lookup");
        }
        let calls = 300;
        let mut times = Vec::with_capacity(calls);
        let wall = Instant::now();
        for _ in 0..calls {
            let t = Instant::now();
            let r = client.lookup(&req).await.expect("lookup");
            times.push(t.elapsed());
            assert!(r.citizen.is_some());
        }
        let wall = wall.elapsed();
        times.sort();
        println!(
            "Client::lookup round trip over loopback ({ID}, {PROCEDURE}): n={calls}  \
             median {:.2} ms  p95 {:.2} ms  p99 {:.2} ms  max {:.2} ms  ({:.0} lookups/s, one in flight)",
            millis(percentile(&times, 50)),
            millis(percentile(&times, 95)),
            millis(percentile(&times, 99)),
            millis(times.last().copied().unwrap_or_default()),
            calls as f64 / wall.as_secs_f64(),
        );
    });
}

fn main() {
    println!("motcua population-check bench");
    bench_diff();
    bench_lookup();
}
