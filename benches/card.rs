//! Chip-reading figures: prints them, asserts only that the work is real (and that a
//! read takes the fewest APDUs its files allow).
//!
//! `cargo bench --bench card`
//!
//! - a full read (`reader::read`: select, BAC, EF.COM, DG1, DG13, EF.SOD's select)
//!   of the in-process virtual card, per read, with its APDU count against the minimum
//!   for the files' sizes;
//! - BAC alone (select, GET CHALLENGE, MUTUAL AUTHENTICATE and both sides' key
//!   derivation);
//! - one secure-messaging round: a READ BINARY protected by the terminal, unprotected
//!   by the card, the card's answer of `MAX_READ` bytes protected and unprotected.

// Figures are printed as floating point; counts here are far below 2^52.
#![allow(clippy::cast_precision_loss)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use motcua::card::bac::{self, BacKeys};
use motcua::card::reader::{self, CardRead, Transport};
use motcua::card::virtual_card::{Holder, VirtualCard, demo_holder};
use motcua::card::{fuzzing, mrz};
use motcua::rng::SplitMix64;

const SEED: u64 = 2026;

fn nonce() -> impl FnMut(&mut [u8]) {
    let mut rng = SplitMix64(7);
    move |buf: &mut [u8]| {
        for b in buf {
            *b = rng.next_u64().to_le_bytes()[0];
        }
    }
}

fn bac_info(h: &Holder) -> String {
    mrz::bac_key_seed_input(&h.id_number, h.birth, h.expiry).expect("the demo holder's MRZ")
}

/// The fewest APDUs a read of these files can take: select, challenge, authenticate;
/// per file a select and one READ BINARY per `MAX_READ` bytes; EF.SOD, absent, its
/// select only.
fn minimum_apdus(r: &CardRead) -> usize {
    let file = |len: usize| 1 + len.div_ceil(reader::MAX_READ);
    let sod = r.sod.as_ref().map_or(1, |s| file(s.len()));
    3 + file(r.com.len()) + file(r.dg1.len()) + file(r.dg13.len()) + sod
}

fn percentile(sorted: &[Duration], p: usize) -> Duration {
    sorted[(sorted.len() - 1) * p / 100]
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

/// Runs `f` `n` times after `n / 10` warm-up runs; the sorted times.
fn timed(n: usize, mut f: impl FnMut()) -> Vec<Duration> {
    for _ in 0..n / 10 {
        f();
    }
    let mut times = Vec::with_capacity(n);
    for _ in 0..n {
        let t = Instant::now();
        f();
        times.push(t.elapsed());
    }
    times.sort();
    times
}

fn report(what: &str, times: &[Duration]) {
    println!(
        "{what}: n={}  median {:.1} µs  p95 {:.1} µs  max {:.1} µs",
        times.len(),
        micros(percentile(times, 50)),
        micros(percentile(times, 95)),
        micros(times.last().copied().unwrap_or_default()),
    );
}

fn bench_full_read() {
    let holder = demo_holder();
    let info = bac_info(&holder);
    let card = VirtualCard::new(&holder, SEED).expect("the demo card");
    let mut random = nonce();

    let first = reader::read(&mut card.clone(), &info, &mut random).expect("a full read");
    assert_eq!(first.td1.id_number.as_deref(), Some("079192019782"));
    assert_eq!(first.details.full_name.as_deref(), Some("Lê Thị Thu Hà"));
    assert_eq!(first.sod, None);
    let minimum = minimum_apdus(&first);
    println!(
        "files: EF.COM {} B, DG1 {} B, DG13 {} B, EF.SOD absent  (MAX_READ {} B)",
        first.com.len(),
        first.dg1.len(),
        first.dg13.len(),
        reader::MAX_READ
    );
    println!("apdus: {} (minimum {minimum})", first.apdu_count);
    assert_eq!(
        first.apdu_count, minimum,
        "the read takes more APDUs than its files need"
    );

    // A fresh card each time (cloned outside the timing), as a new card on the reader.
    let n = 2_000;
    let mut cards = vec![card; n + n / 10];
    let times = timed(n, || {
        let mut c = cards.pop().expect("a card per read");
        let r = reader::read(&mut c, &info, &mut random).expect("a full read");
        assert_eq!(r.apdu_count, minimum);
        black_box(r);
    });
    report(
        &format!("full read of the virtual card ({minimum} APDUs, BAC + SM)"),
        &times,
    );
}

/// A card as issued (EF.SOD signed by a test document signer), read with DG2 as
/// short and as extended-length APDUs, then authenticated passively: the full work of
/// `card read` without the reader.
fn bench_signed_read() {
    use motcua::card::service;
    use motcua::card::testpki::TestPki;
    let holder = demo_holder();
    let info = bac_info(&holder);
    let pki = TestPki::generate(SEED);
    let dir = std::env::temp_dir().join(format!("motcua-bench-csca-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("csca dir");
    std::fs::write(dir.join("csca.pem"), pki.csca_pem()).expect("csca file");
    let mut card = VirtualCard::new(&holder, SEED).expect("the demo card");
    card.sign(&pki);
    for extended in [false, true] {
        let mut c = card.clone();
        c.extended = extended;
        let first = service::read_chip(&mut c.clone(), &info, true, Some(&dir), "bench", &|_| {})
            .expect("a full read");
        assert_eq!(first.pa.level, "verified");
        let r = &first.read;
        let max = if extended {
            reader::MAX_READ_EXTENDED
        } else {
            reader::MAX_READ
        };
        let file = |len: usize| 1 + len.div_ceil(max);
        let dg2 = r.dg2.as_ref().map_or(0, Vec::len);
        let sod = r.sod.as_ref().map_or(0, Vec::len);
        let minimum =
            3 + file(r.com.len()) + file(r.dg1.len()) + file(r.dg13.len()) + file(dg2) + file(sod);
        println!(
            "signed card, {}: DG2 {dg2} B, EF.SOD {sod} B; apdus: {} (minimum {minimum})",
            if extended {
                "extended length"
            } else {
                "short APDUs"
            },
            r.apdu_count
        );
        assert_eq!(r.apdu_count, minimum);
        let n = 300;
        let mut cards = vec![c; n + n / 10];
        let times = timed(n, || {
            let mut c = cards.pop().expect("a card per read");
            let chip = service::read_chip(&mut c, &info, true, Some(&dir), "bench", &|_| {})
                .expect("a full read");
            black_box(chip);
        });
        report(
            &format!(
                "read with DG2 + passive authentication ({minimum} APDUs, {})",
                if extended { "extended" } else { "short" }
            ),
            &times,
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

fn bench_bac() {
    let holder = demo_holder();
    let keys = BacKeys::from_mrz_info(&bac_info(&holder));
    let card = VirtualCard::new(&holder, SEED).expect("the demo card");
    let mut random = nonce();
    let mut select = vec![0x00, 0xA4, 0x04, 0x0C, 0x07];
    select.extend(reader::AID);
    let n = 5_000;
    let mut cards = vec![card; n + n / 10];
    let mut sessions = 0usize;
    let times = timed(n, || {
        let mut c = cards.pop().expect("a card per BAC");
        assert_eq!(c.transmit(&select).expect("select"), [0x90, 0x00]);
        let challenge = c
            .transmit(&[0x00, 0x84, 0x00, 0x00, 0x08])
            .expect("challenge");
        let rnd_ic: [u8; 8] = challenge[..8].try_into().expect("8 bytes");
        let mut rnd_ifd = [0u8; 8];
        let mut k_ifd = [0u8; 16];
        random(&mut rnd_ifd);
        random(&mut k_ifd);
        let mut auth = vec![0x00, 0x82, 0x00, 0x00, 0x28];
        auth.extend(bac::authenticate_data(&keys, &rnd_ic, &rnd_ifd, &k_ifd));
        auth.push(0x28);
        let answer = c.transmit(&auth).expect("mutual authenticate");
        let session = bac::finish_authentication(&keys, &answer[..40], &rnd_ic, &rnd_ifd, &k_ifd)
            .expect("the card proves it knows the key");
        sessions += 1;
        black_box(session);
    });
    assert_eq!(sessions, n + n / 10);
    report(
        "BAC alone (select, challenge, mutual authenticate, both sides)",
        &times,
    );
}

fn bench_sm_round() {
    let mut terminal = fuzzing::session();
    let mut card = fuzzing::session();
    let data: Vec<u8> = (0..reader::MAX_READ).map(|i| (i % 251) as u8).collect();
    let read = [0x00, 0xB0, 0x00, 0x00, 0xE0];
    let n = 20_000;
    let times = timed(n, || {
        let apdu = terminal.protect(&read).expect("a protected command");
        let cmd = card.unprotect_command(&apdu).expect("the card reads it");
        assert_eq!(cmd.le, Some(0xE0));
        let response = card.protect_response(&data, [0x90, 0x00]);
        let (plain, sw) = terminal
            .unprotect(&response)
            .expect("the terminal reads it");
        assert_eq!((plain.len(), sw), (data.len(), [0x90, 0x00]));
        black_box(plain);
    });
    assert_eq!(terminal.ssc, card.ssc);
    report(
        &format!(
            "SM round (READ BINARY protect + unprotect, {} B answer protect + unprotect)",
            reader::MAX_READ
        ),
        &times,
    );
}

fn main() {
    println!("motcua card bench");
    let wall = Instant::now();
    bench_full_read();
    bench_bac();
    bench_sm_round();
    bench_signed_read();
    println!("total {:.1} s", wall.elapsed().as_secs_f64());
}
