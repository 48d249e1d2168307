//! Replays the committed fuzz corpora, `fuzz/corpus/<target>/`, through the same
//! library functions the cargo-fuzz targets call (`motcua::card::fuzzing`), so every
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
use motcua::card::bac::{self, Session, SmError};
use motcua::card::dg13::{self, Dg13};
use motcua::card::fuzzing;
use motcua::card::virtual_card::{self, VirtualCard};
use motcua::card::{mrz, qr, reader, tlv};

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

/// Writes the seeds into `fuzz/corpus/<target>/` (run by hand; see the module docs).
#[test]
#[ignore = "rewrites fuzz/corpus/*/seed-*: run by hand"]
fn regenerate_seeds() {
    for (target, seeds) in [
        ("tlv_dg13", tlv_dg13_seeds()),
        ("mrz", mrz_seeds()),
        ("qr", qr_seeds()),
        ("sm_response", sm_seeds()),
    ] {
        let dir = corpus_dir(target);
        fs::create_dir_all(&dir).expect("the corpus directory");
        for (name, bytes) in &seeds {
            fs::write(dir.join(name), bytes).expect("a seed written");
        }
        println!("{target}: {} seeds written", seeds.len());
    }
}
