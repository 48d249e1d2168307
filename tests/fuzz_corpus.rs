//! Replays the committed fuzz corpora, `fuzz/corpus/<target>/`, through the same
//! library functions the cargo-fuzz targets call (`motcua::card::fuzzing` for the card's
//! parsers, `motcua::fuzzing` for the backend's answers and the imports), so every
//! input the fuzzer once found interesting (and every seed) is checked on each
//! `cargo test`, without a nightly flag or libFuzzer.
//!
//! The seeds (`seed-*` files) are made by the ignored test at the end:
//! `cargo test --test fuzz_corpus -- --ignored regenerate_seeds` rewrites them (and
//! leaves the fuzzer's own files alone).

use std::fs;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use jiff::civil::date;
use motcua::api::client::{self, ErrorClass, StatusCode};
use motcua::api::{ErrorCode, OPENAPI_JSON};
use motcua::card::bac::{self, Session, SmError};
use motcua::card::dg13::{self, Dg13};
use motcua::card::fuzzing;
use motcua::card::virtual_card::{self, VirtualCard};
use motcua::card::{mrz, qr, reader, tlv};
use motcua::catalogue::{self, Format};
use motcua::household;

fn corpus_dir(target: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz")
        .join("corpus")
        .join(target)
}

/// The corpus's files, sorted by name; fails when the directory is missing or empty.
fn corpus(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = corpus_dir(target);
    let entries = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("the {target} corpus {} is missing: {e}", dir.display()));
    let mut files: Vec<(String, Vec<u8>)> = entries
        .map(|entry| entry.expect("a corpus entry").path())
        .filter(|p| p.is_file())
        .map(|p| {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let bytes = fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (name, bytes)
        })
        .collect();
    files.sort();
    assert!(
        !files.is_empty(),
        "the {target} corpus {} is empty",
        dir.display()
    );
    files
}

/// Runs every file of the corpus through `body`; fails naming every file that panics.
fn replay(target: &str, body: fn(&[u8])) -> Vec<(String, Vec<u8>)> {
    let files = corpus(target);
    let failed: Vec<&str> = files
        .iter()
        .filter(|(_, bytes)| catch_unwind(AssertUnwindSafe(|| body(bytes))).is_err())
        .map(|(name, _)| name.as_str())
        .collect();
    assert!(
        failed.is_empty(),
        "{target}: {} of {} inputs fail: {failed:?}",
        failed.len(),
        files.len()
    );
    println!("{target}: {} inputs replayed", files.len());
    files
}

#[test]
fn tlv_dg13_corpus() {
    let files = replay("tlv_dg13", fuzzing::tlv_dg13);
    // The seeds still reach the end of the parser.
    let accepted = files.iter().filter(|(_, b)| dg13::parse(b).is_ok()).count();
    assert!(accepted >= 5, "only {accepted} inputs read as a DG13");
}

#[test]
fn mrz_corpus() {
    let files = replay("mrz", fuzzing::mrz);
    let text = files
        .iter()
        .filter(|(_, b)| mrz::parse_td1(&String::from_utf8_lossy(b)).is_ok())
        .count();
    let dg1 = files
        .iter()
        .filter(|(_, b)| reader::mrz_of(b).is_ok())
        .count();
    assert!(
        text >= 3 && dg1 >= 2,
        "{text} MRZ texts and {dg1} DG1s read"
    );
}

#[test]
fn qr_corpus() {
    let files = replay("qr", fuzzing::qr);
    let accepted = files
        .iter()
        .filter(|(_, b)| qr::parse(&String::from_utf8_lossy(b)).is_ok())
        .count();
    assert!(accepted >= 5, "only {accepted} QR texts read");
}

#[test]
fn sm_response_corpus() {
    let files = replay("sm_response", fuzzing::sm_response);
    let responses = files
        .iter()
        .filter(|(_, b)| fuzzing::session().unprotect(b).is_ok())
        .count();
    let commands = files
        .iter()
        .filter(|(_, b)| fuzzing::session().unprotect_command(b).is_ok())
        .count();
    assert!(
        responses >= 4 && commands >= 2,
        "{responses} responses and {commands} commands unprotect"
    );
    // The seeds with a good MAC around bad data objects get past the MAC check.
    let seed = |name: &str| {
        let (_, bytes) = files
            .iter()
            .find(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("the seed {name} is missing"));
        bytes.as_slice()
    };
    for (name, error) in [
        ("seed-sm-mac-no-status", SmError::NoStatus),
        ("seed-sm-mac-long-status", SmError::NoStatus),
        ("seed-sm-mac-unpadded", SmError::BadPadding),
        ("seed-sm-mac-no-indicator", SmError::Malformed),
        ("seed-sm-wrong-mac", SmError::BadMac),
    ] {
        assert_eq!(
            fuzzing::session().unprotect(seed(name)),
            Err(error),
            "{name}"
        );
    }
    assert_eq!(
        fuzzing::session().unprotect_command(seed("seed-sm-cmd-unpadded")),
        Err(SmError::BadPadding)
    );
    let extended = fuzzing::session().unprotect_command(seed("seed-sm-cmd-read-extended"));
    assert_eq!(extended.map(|c| c.le), Ok(Some(0x7F00)));
}

/// The file `name` of a replayed corpus.
fn seed_in(files: &[(String, Vec<u8>)], name: &str) -> Vec<u8> {
    files
        .iter()
        .find(|(n, _)| n == name)
        .map_or_else(|| panic!("the seed {name} is missing"), |(_, b)| b.clone())
}

#[test]
fn backend_response_corpus() {
    let files = replay("backend_response", motcua::fuzzing::backend_response);
    // The seeds reach the decoding of answers and of errors.
    let seed = |name: &str| seed_in(&files, name);
    let body = |input: &[u8]| input[3 + usize::from(input[2])..].to_vec();
    let page = body(&seed("seed-ok-ProcedurePage"));
    assert!(
        client::decode_answer::<motcua::api::ProcedurePage>(StatusCode::OK, None, &page).is_ok()
    );
    let lookup = body(&seed("seed-ok-LookupResponse"));
    assert!(
        client::decode_answer::<motcua::api::LookupResponse>(StatusCode::OK, None, &lookup).is_ok()
    );
    // The 503 seed asks for a wait of 3,000 years: the client waits an hour at most.
    let huge = seed("seed-error-503-retry-after-huge");
    let e = client::decode_answer::<motcua::api::Health>(
        StatusCode::SERVICE_UNAVAILABLE,
        client::retry_after_of(Some("99999999999")),
        &body(&huge),
    )
    .unwrap_err();
    assert_eq!(e.retry_after(), Some(client::MAX_RETRY_AFTER));
    // A 5,000-character message with 80 field errors is cut to the client's limits.
    let long = seed("seed-error-400-long-message");
    let e =
        client::decode_answer::<motcua::api::Health>(StatusCode::BAD_REQUEST, None, &body(&long))
            .unwrap_err();
    let error = e.api_error().expect("the server's error");
    assert_eq!(error.code, ErrorCode::ValidationFailed);
    assert_eq!(
        error.message.chars().count(),
        client::MAX_ERROR_MESSAGE_CHARS + 1
    );
    assert_eq!(error.fields.len(), client::MAX_FIELD_ERRORS);
    assert_eq!(e.class(), ErrorClass::Permanent);
}

#[test]
fn catalogue_import_corpus() {
    let files = replay("catalogue_import", motcua::fuzzing::catalogue_import);
    let json = files
        .iter()
        .filter(|(_, b)| catalogue::parse(b, Format::Json).is_ok())
        .count();
    let csv = files
        .iter()
        .filter(|(_, b)| catalogue::parse(b, Format::Csv).is_ok())
        .count();
    assert!(
        json >= 3 && csv >= 3,
        "{json} JSON and {csv} CSV catalogues read"
    );
    let seed = |name: &str| seed_in(&files, name);
    // A bidi control is taken, cleaned to a mark.
    let bidi = catalogue::parse(&seed("seed-bidi-json"), Format::Json).expect("taken");
    assert_eq!(bidi[0].name, "Khai sinh \u{FFFD}gnol");
    // The regression stays refused.
    let e = catalogue::parse(&seed("regress-catalogue-nfc-duplicate"), Format::Csv).unwrap_err();
    assert!(e.to_string().contains("duplicates row 2"), "{e}");
}

#[test]
fn household_import_corpus() {
    let files = replay("household_import", motcua::fuzzing::household_import);
    let read = files
        .iter()
        .filter(|(_, b)| {
            !household::parse_list(&String::from_utf8_lossy(b))
                .0
                .is_empty()
        })
        .count();
    assert!(read >= 4, "only {read} lists read");
    let (_, stopped) = files
        .iter()
        .find(|(n, _)| n == "seed-members-not-a-list")
        .expect("the seed seed-members-not-a-list");
    let (members, problems) = household::parse_list(&String::from_utf8_lossy(stopped));
    assert!(members.is_empty());
    assert_eq!(problems.len(), household::MAX_PROBLEMS + 1);
    assert_eq!(
        problems.last().map(|p| p.key),
        Some("household.line.too_many_problems")
    );
}

// ---------------------------------------------------------------------------
// Seeds
// ---------------------------------------------------------------------------

fn person() -> Dg13 {
    virtual_card::demo_holder().details
}

fn item(n: u8, content: &[u8]) -> Vec<u8> {
    tlv::encode(0x30, &[tlv::encode(0x02, &[n]), content.to_vec()].concat())
}

fn utf8(s: &str) -> Vec<u8> {
    tlv::encode(0x0C, s.as_bytes())
}

fn tlv_dg13_seeds() -> Vec<(&'static str, Vec<u8>)> {
    let p = person();
    let mut long = p.clone();
    long.permanent_address = Some(format!("Số 1 {}", "đường Lê Lợi ".repeat(12).trim()));
    let mut for_life = p.clone();
    for_life.expiry = Some("Không thời hạn".into());
    let mut no_father = p.clone();
    no_father.father_name = None;
    no_father.old_id_number = Some("025123456".into());
    no_father.unknown_code = Some("A1B2C3D4E5F60718".into());
    let full = dg13::encode(&p, true);
    // Items inside an outer SEQUENCE and a SET; item 13 as two bare strings; a value
    // one level down; an unknown item number.
    let nested = tlv::encode(
        dg13::TAG,
        &[
            tlv::encode(
                0x30,
                &[
                    item(1, &tlv::encode(0x13, b"079192019782")),
                    tlv::encode(0x31, &item(2, &utf8("Lê Thị Thu Hà"))),
                ]
                .concat(),
            ),
            item(13, &[utf8("Lê Văn Tâm"), utf8("Trần Thị Lan")].concat()),
            item(14, &tlv::encode(0x30, &utf8("Phạm Quốc Bảo"))),
            item(42, &utf8("?")),
        ]
        .concat(),
    );
    // Lengths in a longer form than needed.
    let non_minimal = [
        vec![0x6D, 0x81, 0x12, 0x30, 0x81, 0x0F, 0x02, 0x01, 0x01],
        vec![0x13, 0x82, 0x00, 0x08],
        b"01234567".to_vec(),
    ]
    .concat();
    let com = tlv::encode(
        0x60,
        &[
            tlv::encode(0x5F01, b"0107"),
            tlv::encode(0x5F36, b"040000"),
            tlv::encode(0x5C, &[0x61, 0x75, 0x6D]),
        ]
        .concat(),
    );
    vec![
        ("seed-dg13-leading-element", full.clone()),
        ("seed-dg13-plain", dg13::encode(&p, false)),
        ("seed-dg13-long-form", dg13::encode(&long, true)),
        ("seed-dg13-for-life", dg13::encode(&for_life, true)),
        ("seed-dg13-no-father", dg13::encode(&no_father, false)),
        ("seed-dg13-nested", nested),
        ("seed-dg13-non-minimal", non_minimal),
        ("seed-dg13-padded", [full.clone(), vec![0; 8]].concat()),
        ("seed-dg13-truncated", full[..full.len() / 2].to_vec()),
        (
            "seed-dg13-bad-utf8",
            tlv::encode(dg13::TAG, &item(9, &tlv::encode(0x0C, &[b'H', 0xC3, 0x28]))),
        ),
        ("seed-ef-com", com),
        (
            "seed-dg2-small",
            virtual_card::dg2(&[0xFF, 0xD8, 0xFF, 0xD9]),
        ),
    ]
}

fn td1(id: &str, birth: jiff::civil::Date, expiry: Option<jiff::civil::Date>) -> [String; 3] {
    mrz::build_td1(id, birth, 'F', expiry, "Le", "Thi Thu Ha").expect("a TD1")
}

fn dg1(lines: &[String; 3]) -> Vec<u8> {
    tlv::encode(0x61, &tlv::encode(0x5F1F, lines.concat().as_bytes()))
}

fn mrz_seeds() -> Vec<(&'static str, Vec<u8>)> {
    let demo = td1("079192019782", date(1992, 5, 14), Some(date(2032, 5, 14)));
    let for_life = mrz::build_td1(
        "034046001006",
        date(1946, 1, 1),
        'M',
        None,
        "Tran",
        "Van Ba",
    )
    .expect("a TD1");
    let mut wrong = demo.clone();
    wrong[1].replace_range(6..7, "2");
    let specimen = "I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\nERIKSSON<<ANNA<MARIA<<<<<<<<<<";
    let card = VirtualCard::new(&virtual_card::demo_holder(), 1).expect("the demo card");
    vec![
        ("seed-td1-lf", demo.join("\n").into_bytes()),
        (
            "seed-td1-crlf",
            format!("{}\r\n", demo.join("\r\n")).into_bytes(),
        ),
        ("seed-td1-one-line", demo.concat().into_bytes()),
        ("seed-td1-991231", for_life.join("\n").into_bytes()),
        ("seed-td1-icao-specimen", specimen.as_bytes().to_vec()),
        ("seed-td1-bad-check-digit", wrong.join("\n").into_bytes()),
        (
            "seed-dg1-virtual-card",
            card.file(reader::EF_DG1).expect("DG1").to_vec(),
        ),
        ("seed-dg1-991231", dg1(&for_life)),
    ]
}

fn qr_seeds() -> Vec<(&'static str, Vec<u8>)> {
    let texts = [
        (
            "seed-qr-normal",
            "079192019782|025123456|Lê Thị Thu Hà|14051992|Nữ|Số 25 đường Nguyễn Thị Minh Khai, Phường Bến Thành, Thành phố Hồ Chí Minh|10082021",
        ),
        (
            "seed-qr-empty-cmnd",
            "079192019782||Lê Thị Thu Hà|14051992|Nữ|Phường Bến Thành, Thành phố Hồ Chí Minh|10082021",
        ),
        (
            "seed-qr-crlf",
            "042089006135|183456789|Phạm Quốc Bảo|02111989|Nam|Xã Cẩm Xuyên, Tỉnh Hà Tĩnh|01022022\r\n",
        ),
        (
            "seed-qr-slashed-dates",
            "042089006135|183456789|Phạm Quốc Bảo|02/11/1989|Nam|Xã Cẩm Xuyên, Tỉnh Hà Tĩnh|1/2/2022",
        ),
        (
            "seed-qr-extra-fields",
            "079192019782||Lê Thị Thu Hà|14051992|Nữ|Hà Nội|10082021|X1|",
        ),
        (
            "seed-qr-no-issue-date",
            "\u{feff}079192019782||Lê Thị Thu Hà|14-05-1992|nu|Hà Nội",
        ),
        (
            "seed-qr-garbled-date",
            "079192019782||Lê Thị Thu Hà|31021992|Nữ|Hà Nội|99999999",
        ),
        ("seed-qr-garbled-fields", "079192019782|Lê Thị Thu Hà"),
        (
            "seed-qr-garbled-controls",
            "07919201978\u{1b}||\t|14.05.1992|N?|\u{202e}X",
        ),
    ];
    texts
        .into_iter()
        .map(|(name, text)| (name, text.as_bytes().to_vec()))
        .collect()
}

fn sm_seeds() -> Vec<(&'static str, Vec<u8>)> {
    let response = |data: &[u8], sw: [u8; 2]| fuzzing::session().protect_response(data, sw);
    let command = |apdu: &[u8]| {
        let mut terminal: Session = fuzzing::session();
        terminal.protect(apdu).expect("a short command")
    };
    let dg13 = dg13::encode(&person(), true);
    let chunk = dg13
        .get(..reader::MAX_READ)
        .expect("a DG13 longer than a read");
    let mut wrong_mac = response(b"\x60\x14\x5F\x01", [0x90, 0x00]);
    let last_mac_byte = wrong_mac.len() - 3;
    wrong_mac[last_mac_byte] ^= 0x01;
    // Data objects the card's side never makes, with a good MAC, so the fuzzer starts
    // past the MAC check (it cannot forge one): no status, a 3-byte status, data
    // without padding, data without its padding-content indicator.
    let key = fuzzing::session();
    let ssc = key.ssc.wrapping_add(1).to_be_bytes();
    let maced = |dos: &[u8]| {
        let cc = bac::mac(&key.mac, &bac::pad(&[&ssc[..], dos].concat()));
        [dos, &[0x8E, 0x08], &cc, &[0x90, 0x00]].concat()
    };
    let unpadded = [&[0x87, 0x09, 0x01][..], &bac::encrypt(&key.enc, &[0x11; 8])].concat();
    let padded = bac::encrypt(&key.enc, &bac::pad(b"\x60\x14"));
    let no_indicator = [&[0x87, 0x09, 0x02][..], &padded].concat();
    let status = [0x99, 0x02, 0x90, 0x00];
    // A command whose data is not padded, with a good MAC.
    let header = [0x0C, 0xB0, 0x00, 0x00];
    let covered = [&unpadded[..], &[0x97, 0x01, 0x04]].concat();
    let cc = bac::mac(
        &key.mac,
        &bac::pad(&[&ssc[..], &bac::pad(&header), &covered].concat()),
    );
    let body = [&covered[..], &[0x8E, 0x08], &cc].concat();
    let cmd_unpadded = [
        &header[..],
        &[u8::try_from(body.len()).expect("a short body")],
        &body,
        &[0x00],
    ]
    .concat();
    vec![
        (
            "seed-sm-mac-no-status",
            maced(&[&[0x87, 0x09, 0x01][..], &padded].concat()),
        ),
        (
            "seed-sm-mac-long-status",
            maced(&[0x99, 0x03, 0x90, 0x00, 0x00]),
        ),
        (
            "seed-sm-mac-unpadded",
            maced(&[&unpadded[..], &status].concat()),
        ),
        (
            "seed-sm-mac-no-indicator",
            maced(&[&no_indicator[..], &status].concat()),
        ),
        ("seed-sm-cmd-unpadded", cmd_unpadded),
        ("seed-sm-status-only", response(&[], [0x90, 0x00])),
        (
            "seed-sm-read-4",
            response(b"\x60\x14\x5F\x01", [0x90, 0x00]),
        ),
        ("seed-sm-read-max", response(chunk, [0x90, 0x00])),
        (
            "seed-sm-read-extended",
            response(&[dg13.as_slice(); 3].concat(), [0x90, 0x00]),
        ),
        ("seed-sm-end-of-file", response(&dg13[..17], [0x62, 0x82])),
        ("seed-sm-no-file", response(&[], [0x6A, 0x82])),
        ("seed-sm-wrong-mac", wrong_mac),
        ("seed-sm-plain-status", vec![0x69, 0x88]),
        (
            "seed-sm-cmd-select",
            command(&[0x00, 0xA4, 0x02, 0x0C, 0x02, 0x01, 0x1E]),
        ),
        ("seed-sm-cmd-read", command(&[0x00, 0xB0, 0x00, 0x00, 0x04])),
        (
            "seed-sm-cmd-read-extended",
            fuzzing::session().protect_read_extended(0x0100, 0x7F00),
        ),
        (
            "seed-sm-cmd-read-offset",
            command(&[0x00, 0xB0, 0x00, 0xE0, 0xE0]),
        ),
    ]
}

/// The example of each response schema in `api/openapi.json`, as a 200 answer; the
/// error example under each error status; answers that are not JSON, cut short, empty,
/// with a wait of millennia, and an error far over the client's text limits.
fn backend_seeds() -> Vec<(String, Vec<u8>)> {
    let doc: serde_json::Value = serde_json::from_str(OPENAPI_JSON).expect("the OpenAPI document");
    let example = |schema: &str| {
        let e = &doc["components"]["schemas"][schema]["example"];
        assert!(!e.is_null(), "no example for {schema}");
        serde_json::to_vec(e).expect("an example")
    };
    let input = motcua::fuzzing::backend_response_input;
    let mut seeds: Vec<(String, Vec<u8>)> = [
        "TokenResponse",
        "ProcedurePage",
        "HolidayTable",
        "AdminUnits",
        "CodeTable",
        "LookupResponse",
        "VerifyResponse",
        "HouseholdVerifyResponse",
        "DigitalIdentityResponse",
        "ReservationResponse",
        "SyncResponse",
        "ChangePage",
        "Digest",
        "ServerTime",
        "Health",
    ]
    .into_iter()
    .map(|schema| {
        (
            format!("seed-ok-{schema}"),
            input(200, None, &example(schema)),
        )
    })
    .collect();
    let error = example("ApiError");
    for status in [400, 401, 403, 404, 409, 413, 423, 500] {
        seeds.push((format!("seed-error-{status}"), input(status, None, &error)));
    }
    let limited = serde_json::json!({
        "code": "RATE_LIMITED", "message": "Quá nhiều yêu cầu.", "retryable": true
    });
    let limited = serde_json::to_vec(&limited).expect("json");
    seeds.push((
        "seed-error-429-retry-after".into(),
        input(429, Some("7"), &limited),
    ));
    seeds.push((
        "seed-error-503-retry-after-huge".into(),
        input(503, Some("99999999999"), &limited),
    ));
    let long = serde_json::json!({
        "code": "VALIDATION_FAILED",
        "message": "Sai ".repeat(1250),
        "retryable": false,
        "fields": (0..80).map(|i| serde_json::json!({
            "field": format!("members[{i}]"), "code": "x".repeat(300), "message": "Sai."
        })).collect::<Vec<_>>(),
    });
    seeds.push((
        "seed-error-400-long-message".into(),
        input(400, None, &serde_json::to_vec(&long).expect("json")),
    ));
    let page = example("ProcedurePage");
    seeds.extend([
        (
            "seed-ok-not-json".into(),
            input(200, None, b"<html>502 Bad Gateway</html>"),
        ),
        (
            "seed-ok-cut-short".into(),
            input(200, None, &page[..page.len() / 2]),
        ),
        ("seed-ok-empty".into(), input(200, None, b"")),
        (
            "seed-error-502-html".into(),
            input(502, Some("x"), b"<html>Bad Gateway</html>"),
        ),
        ("seed-error-404-empty".into(), input(404, None, b"")),
        ("seed-redirect-302".into(), input(302, None, b"")),
    ]);
    seeds
}

/// The sample catalogue and a generated one as JSON and CSV, a CSV written by a
/// spreadsheet (BOM, CRLF, Vietnamese amounts, a blank row), bad rows, a bidi control in
/// a name, and the regression: two codes equal once NFC.
fn catalogue_seeds() -> Vec<(String, Vec<u8>)> {
    let csv_of = motcua::fuzzing::catalogue_csv;
    let generated = catalogue::generate(12, 2026);
    let spreadsheet = "\u{feff}Code,Name,Field,Days,Charges_fee,Fee,Charge\r\n\
        1.001776,Đăng ký khai sinh,Hộ tịch,15 ngày,✓,\"50.000 đ\",8.000\r\n\
        ,,,,,,\r\n\
        2.000001,\"Cấp bản sao, trích lục\",Chứng thực,1,không,0,\r\n";
    vec![
        ("seed-sample-json".into(), catalogue::SAMPLE_JSON.as_bytes().to_vec()),
        ("seed-sample-csv".into(), csv_of(&catalogue::sample())),
        (
            "seed-generated-json-array".into(),
            serde_json::to_vec(&generated).expect("json"),
        ),
        ("seed-generated-csv".into(), csv_of(&generated)),
        ("seed-spreadsheet-csv".into(), spreadsheet.as_bytes().to_vec()),
        (
            "seed-nfd-json".into(),
            r#"[{"code":"X1","name":"Ho\u0061\u0300 gia\u0309i","field":"Thu\u0309y","days":"15 ngày làm việc","charges_fee":"có","fee":"1.000.000"}]"#
                .as_bytes()
                .to_vec(),
        ),
        (
            "seed-bad-row-json".into(),
            br#"{"procedures": [{"code":"A","name":"N","field":"F","days":1,"charges_fee":false}, 42, {"code":"B"}]}"#.to_vec(),
        ),
        (
            "seed-bad-header-csv".into(),
            b"ma;ten;linh_vuc\n1;2;3\n".to_vec(),
        ),
        (
            "seed-bidi-json".into(),
            "[{\"code\":\"A\",\"name\":\"Khai sinh \u{202E}gnol\",\"field\":\"F\",\"days\":1,\"charges_fee\":false}]"
                .as_bytes()
                .to_vec(),
        ),
        (
            "regress-catalogue-nfc-duplicate".into(),
            "code,name,field,days,charges_fee\nHO\u{00C0},N,F,1,0\nHOA\u{0300},N,F,1,0\n"
                .as_bytes()
                .to_vec(),
        ),
    ]
}

/// Lists of numbers, CSV with and without a header (commas, semicolons, quotes, CR
/// line ends), bad and repeated lines, controls in a name, and a text that is not a
/// members list at all (reading stops after `MAX_PROBLEMS` bad lines).
fn household_seeds() -> Vec<(String, Vec<u8>)> {
    let not_a_list = (0..household::MAX_PROBLEMS + 50).fold(String::new(), |mut s, i| {
        use std::fmt::Write as _;
        let _ = writeln!(s, "dòng {i}");
        s
    });
    vec![
        (
            "seed-members-numbers".into(),
            b"079192019782\n079093001234\n\n# a comment\n0791 9200 5678\n".to_vec(),
        ),
        (
            "seed-members-csv-header".into(),
            "ho_ten,so_dinh_danh\n\"Lê Thị Thu Hà\",079192019782\nPhạm Quốc Bảo,042089006135\n"
                .as_bytes()
                .to_vec(),
        ),
        (
            "seed-members-semicolons-cr".into(),
            "Số định danh;Họ và tên\r079192019782;Lê Thị Thu Hà\r042089006135;\"Bảo; Phạm\"\r"
                .as_bytes()
                .to_vec(),
        ),
        (
            "seed-members-bad-lines".into(),
            b"079192019782,A\n07919201978,B\n079192019782,C\n,D\nabc\n042089006135\n".to_vec(),
        ),
        (
            "seed-members-controls".into(),
            "\u{feff}079192019782,\"L\u{1b}[31mê\u{202e} Hà\"\n042089006135,\"Phạm\tQuốc\"\n"
                .as_bytes()
                .to_vec(),
        ),
        ("seed-members-not-a-list".into(), not_a_list.into_bytes()),
    ]
}

/// Writes the seeds into `fuzz/corpus/<target>/` (run by hand; see the module docs).
#[test]
#[ignore = "rewrites fuzz/corpus/*/seed-*: run by hand"]
fn regenerate_seeds() {
    let named = |seeds: Vec<(&'static str, Vec<u8>)>| -> Vec<(String, Vec<u8>)> {
        seeds.into_iter().map(|(n, b)| (n.to_owned(), b)).collect()
    };
    for (target, seeds) in [
        ("tlv_dg13", named(tlv_dg13_seeds())),
        ("mrz", named(mrz_seeds())),
        ("qr", named(qr_seeds())),
        ("sm_response", named(sm_seeds())),
        ("backend_response", backend_seeds()),
        ("catalogue_import", catalogue_seeds()),
        ("household_import", household_seeds()),
    ] {
        let dir = corpus_dir(target);
        fs::create_dir_all(&dir).expect("the corpus directory");
        for (name, bytes) in &seeds {
            fs::write(dir.join(name), bytes).expect("a seed written");
        }
        println!("{target}: {} seeds written", seeds.len());
    }
}
