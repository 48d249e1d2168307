//! End to end over real PC/SC: pcscd with vsmartcard's vpcd driver, the card service
//! (`motcua::card::pcsc_service`), and the virtual CCCD served by the real binary
//! (`motcua card virtual`) as a child process.
//!
//! Needs pcscd running with the vpcd driver (`scripts/pcscd.sh start`, which
//! `scripts/test.sh` runs and which sets `MOTCUA_PCSC_E2E=1`). Without
//! `MOTCUA_PCSC_E2E` the test says why and passes. Only one pcscd serves a machine,
//! so every scenario runs in order inside one test.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use jiff::civil::date;
use motcua::card::mrz;
use motcua::card::pcsc_service::{
    self, CardCmd, CardEvent, CardHandle, ChipRead, ReaderState, ServiceConfig, ServiceError,
};
use motcua::card::reader::{self, CardRead, ReadError};
use motcua::card::virtual_card::{VirtualCard, demo_holder};

const READER: &str = "Virtual PCD 00 00";

/// Long enough for pcscd to poll the reader a few times on a busy machine.
const STATE_WAIT: Duration = Duration::from_secs(20);
const READ_WAIT: Duration = Duration::from_secs(30);

/// A child process killed and reaped when dropped, on every path out of the test.
struct Kid {
    child: Child,
    log: std::path::PathBuf,
}

impl Kid {
    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Kid {
    fn drop(&mut self) {
        self.kill();
    }
}

/// `motcua` with its files confined to `dir`, in English.
fn motcua(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_motcua"));
    cmd.env("MOTCUA_CONFIG", dir.join("config.toml"))
        .env("MOTCUA_KEYMAP", dir.join("keymap.toml"))
        .env("MOTCUA_DATA_DIR", dir.join("data"))
        .env("MOTCUA_LOG_DIR", dir.join("logs"))
        .env("MOTCUA_HOLIDAYS", dir.join("holidays.toml"))
        .env("MOTCUA_LANG", "en")
        .stdin(Stdio::null());
    cmd
}

/// Runs a command to its end, within a time limit (then it is killed).
fn output(cmd: &mut Command) -> std::process::Output {
    let limit = Duration::from_mins(1);
    let dir = tempfile::tempdir().expect("temp dir");
    let (out, err) = (dir.path().join("out"), dir.path().join("err"));
    let mut child = Kid {
        child: cmd
            .stdout(std::fs::File::create(&out).expect("out file"))
            .stderr(std::fs::File::create(&err).expect("err file"))
            .spawn()
            .expect("start motcua"),
        log: err.clone(),
    };
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.child.try_wait().expect("wait") {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "{cmd:?} still running after {limit:?}"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    std::process::Output {
        status,
        stdout: std::fs::read(&out).unwrap_or_default(),
        stderr: std::fs::read(&err).unwrap_or_default(),
    }
}

/// `motcua card virtual` on vpcd's first reader, its messages kept in a file.
fn virtual_card(dir: &Path, name: &str, extra: &[&str]) -> Kid {
    let log = dir.join(format!("{name}.log"));
    let file = std::fs::File::create(&log).expect("log file");
    let child = motcua(dir)
        .args(["card", "virtual", "--port", "35963"])
        .args(extra)
        .stdout(Stdio::null())
        .stderr(file)
        .spawn()
        .expect("start motcua card virtual");
    Kid { child, log }
}

struct Service {
    handle: CardHandle,
    events: Receiver<CardEvent>,
    next_id: u64,
}

impl Service {
    fn start(csca_dir: &Path) -> Self {
        let (tx, events) = mpsc::channel();
        let handle = pcsc_service::spawn(
            ServiceConfig {
                reader: Some(READER.into()),
                csca_dir: Some(csca_dir.to_path_buf()),
            },
            move |ev| {
                let _ = tx.send(ev);
            },
        );
        Self {
            handle,
            events,
            next_id: 0,
        }
    }

    /// Waits for a reader state; other events are dropped.
    fn wait_state(&self, want: &ReaderState, what: &str, card: Option<&Kid>) {
        let deadline = Instant::now() + STATE_WAIT;
        let mut seen = Vec::new();
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.events.recv_timeout(left) {
                Ok(CardEvent::Reader(s)) if &s == want => return,
                Ok(CardEvent::Reader(s)) => seen.push(s),
                Ok(_) => {}
                Err(_) => break,
            }
        }
        panic!(
            "{what}: no {want:?} within {STATE_WAIT:?}; states seen: {seen:?}; card's log:\n{}",
            card.map(Kid::log).unwrap_or_default()
        );
    }

    /// Asks for a read; returns its id.
    fn send_read(&mut self, bac_info: &str) -> u64 {
        self.next_id += 1;
        self.handle.send(CardCmd::Read {
            id: self.next_id,
            bac_info: bac_info.to_owned(),
            want_dg2: false,
        });
        self.next_id
    }

    /// Reads; returns the result and how long it took.
    fn read(&mut self, bac_info: &str) -> (Result<CardRead, ServiceError>, Duration) {
        let started = Instant::now();
        let id = self.send_read(bac_info);
        let (result, _) = self.done(id);
        (result.map(|c| c.read), started.elapsed())
    }

    /// Waits for read `id`'s answer; returns it with the progress steps seen (each must
    /// belong to this read).
    fn done(&self, id: u64) -> (Result<Box<ChipRead>, ServiceError>, Vec<&'static str>) {
        let deadline = Instant::now() + READ_WAIT;
        let mut steps = Vec::new();
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.events.recv_timeout(left) {
                Ok(CardEvent::Done { id: done, result }) => {
                    assert_eq!(done, id, "an answer to another read");
                    return (result, steps);
                }
                Ok(CardEvent::Progress { id: p, step }) => {
                    assert_eq!(p, id);
                    steps.push(step);
                }
                Ok(CardEvent::Reader(_)) => {}
                Err(_) => break,
            }
        }
        panic!("read {id}: no answer within {READ_WAIT:?}");
    }

    /// Reads until the card answers (it may still be on its way back into the reader,
    /// or pcscd may not have seen the pulled one go yet); any other failure, or none
    /// within the time, ends the test.
    fn read_when_back(&mut self, bac_info: &str, card: &Kid) -> (CardRead, Duration) {
        let deadline = Instant::now() + STATE_WAIT;
        loop {
            match self.read(bac_info) {
                (Ok(read), took) => return (read, took),
                (
                    Err(
                        ServiceError::NoCard
                        | ServiceError::Removed
                        | ServiceError::Read(ReadError::Transport(_)),
                    ),
                    _,
                ) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(200));
                }
                (Err(e), _) => panic!(
                    "the card did not come back: {e:?}; its log:\n{}",
                    card.log()
                ),
            }
        }
    }
}

/// Stops or continues the card's process (`kill -STOP|-CONT PID`).
fn signal(card: &Kid, which: &str) {
    let status = Command::new("kill")
        .arg(format!("-{which}"))
        .arg(card.child.id().to_string())
        .status()
        .expect("run kill");
    assert!(status.success(), "kill -{which} failed");
}

fn ready(card: bool) -> ReaderState {
    ReaderState::Ready {
        reader: READER.into(),
        card,
    }
}

const HOLDER_JSON: &str = r#"{
    "id_number": "001099000123",
    "surname": "Nguyen",
    "given_names": "Van An",
    "birth": "1950-01-02",
    "sex": "M",
    "expiry": null,
    "details": {
        "id_number": "001099000123",
        "full_name": "Nguyễn Văn An",
        "birth_date": "02/01/1950",
        "sex": "Nam",
        "expiry": "Không thời hạn"
    }
}"#;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

#[test]
fn reading_a_virtual_cccd_through_pcscd_and_vpcd() {
    if std::env::var_os("MOTCUA_PCSC_E2E").is_none() {
        eprintln!(
            "card_pcsc: skipped: MOTCUA_PCSC_E2E is not set (scripts/test.sh starts pcscd \
             with the vpcd driver through scripts/pcscd.sh and sets it)"
        );
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let h = demo_holder();
    let info = mrz::bac_key_seed_input(&h.id_number, h.birth, h.expiry).unwrap();
    // The same read in process: the APDU count over PC/SC must be the same.
    let expected = {
        let mut card = VirtualCard::new(&h, 1).unwrap();
        card.sign(&motcua::card::testpki::TestPki::generate(1));
        let mut zero = |b: &mut [u8]| b.fill(0);
        reader::read(&mut card, &info, &mut zero).unwrap()
    };

    let csca = dir.path().join("csca");
    let mut service = Service::start(&csca);

    // (a) A card in the reader: the service says so; a read brings DG13 back. First
    // the reader must be empty (pcscd sees a card that went away when it next polls).
    service.wait_state(&ready(false), "(a) an empty reader first", None);
    // The card writes the test CSCA that signed its EF.SOD into the service's folder.
    let csca_arg = csca.to_str().unwrap();
    let mut card = virtual_card(dir.path(), "card-a", &["--csca-out", csca_arg]);
    service.wait_state(&ready(true), "(a) card inserted", Some(&card));
    let mut times = Vec::new();
    let mut apdus = 0;
    let id = service.send_read(&info);
    let (first, steps) = service.done(id);
    let chip = first.unwrap_or_else(|e| panic!("(a) {e:?}; card's log:\n{}", card.log()));
    assert_eq!(chip.pa.level, "verified", "{:?}", chip.pa);
    assert!(chip.read.sod.is_some());
    assert_eq!(chip.reader, READER);
    assert_eq!(
        steps,
        [
            pcsc_service::STEP_CONNECT,
            pcsc_service::STEP_AUTHENTICATE,
            pcsc_service::STEP_READ,
            pcsc_service::STEP_VERIFY
        ]
    );
    for _ in 0..5 {
        let (read, took) = service.read(&info);
        let read = read.unwrap_or_else(|e| panic!("(a) {e:?}; card's log:\n{}", card.log()));
        assert_eq!(read.details.full_name.as_deref(), Some("Lê Thị Thu Hà"));
        assert_eq!(read.details.id_number.as_deref(), Some("079192019782"));
        assert_eq!(read.td1.id_number.as_deref(), Some("079192019782"));
        assert_eq!(read.dg13, expected.dg13);
        assert_eq!(read.apdu_count, expected.apdu_count);
        apdus = read.apdu_count;
        times.push(took);
    }
    eprintln!(
        "card_pcsc: full read through pcscd+vpcd: {apdus} APDUs, median {:?} of {:?}",
        median(times.clone()),
        times
    );

    // Cancel mid-read: the card's process is stopped so that the read hangs on an
    // APDU; the read ends as cancelled at the next one once the card answers again.
    signal(&card, "STOP");
    let id = service.send_read(&info);
    std::thread::sleep(Duration::from_millis(300));
    service.handle.send(CardCmd::Cancel);
    signal(&card, "CONT");
    assert_eq!(service.done(id).0, Err(ServiceError::Cancelled));
    // Reads asked after the cancel run.
    let read = service.read(&info).0.expect("a read after a cancelled one");
    assert_eq!(read.apdu_count, expected.apdu_count);

    // (b) The wrong birth date: the card refuses the key.
    let wrong = mrz::bac_key_seed_input(&h.id_number, date(1992, 5, 15), h.expiry).unwrap();
    let (result, _) = service.read(&wrong);
    assert_eq!(result, Err(ServiceError::Read(ReadError::WrongKey)));
    // The card still reads with the right key afterwards.
    let read = service.read(&info).0.expect("a read after a refused key");
    assert_eq!(read.details.full_name.as_deref(), Some("Lê Thị Thu Hà"));

    // (d) The virtual card's process dies: the card is gone from the reader.
    card.kill();
    service.wait_state(&ready(false), "(d) card process killed", Some(&card));
    let (result, _) = service.read(&info);
    assert_eq!(result, Err(ServiceError::NoCard));

    // (c) Pulled after 8 APDUs, mid-read: a removal or transfer error, no panic; the
    // same process puts the card back and it reads. This card is another holder's,
    // from a file, without expiry.
    let holder = dir.path().join("holder.json");
    std::fs::write(&holder, HOLDER_JSON).unwrap();
    let info = mrz::bac_key_seed_input("001099000123", date(1950, 1, 2), None).unwrap();
    let holder_arg = holder.to_str().unwrap();
    let card = virtual_card(
        dir.path(),
        "card-c",
        &["--pull-after", "8", "--holder", holder_arg, "--seed", "9"],
    );
    service.wait_state(&ready(true), "(c) card inserted", Some(&card));
    let (result, _) = service.read(&info);
    match result {
        Err(
            ServiceError::Removed
            | ServiceError::ReaderGone
            | ServiceError::Read(ReadError::Transport(_)),
        ) => {}
        other => panic!("(c) a pulled card gave {other:?}; its log:\n{}", card.log()),
    }
    let (read, _) = service.read_when_back(&info, &card);
    assert_eq!(read.details.full_name.as_deref(), Some("Nguyễn Văn An"));
    assert_eq!(read.details.expiry.as_deref(), Some("Không thời hạn"));
    assert!(read.td1.no_expiry());
    assert!(
        card.log().contains("pulled out after 8 APDUs"),
        "{}",
        card.log()
    );

    // (e) `motcua card readers --json` lists the reader, with the card on it.
    let out = output(motcua(dir.path()).args(["card", "readers", "--json"]));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let entry = list
        .as_array()
        .and_then(|a| a.iter().find(|r| r["name"] == READER))
        .unwrap_or_else(|| panic!("{READER} not listed: {list}"));
    assert_eq!(entry["card"], true, "{list}");

    // `motcua card read --json` through pcscd: card c was signed under another test
    // CSCA (seed 9) than the one in the folder: its signer is not trusted.
    let out = output(motcua(dir.path()).args([
        "card",
        "read",
        "--reader",
        READER,
        "--id",
        "001099000123",
        "--dob",
        "02/01/1950",
        "--expiry",
        "none",
        "--csca",
        csca_arg,
        "--json",
    ]));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(json["full_name"], "Nguyễn Văn An", "{json}");
    assert_eq!(json["expiry_date"], serde_json::Value::Null, "{json}");
    assert_eq!(
        json["passive_authentication"], "signer_not_trusted",
        "{json}"
    );
    assert_eq!(json["mrz"]["id_number"], "001099000123", "{json}");
    assert!(
        json["apdu_count"].as_u64().is_some_and(|n| n > 10),
        "{json}"
    );
    drop(card);
    service.wait_state(&ready(false), "(f) card c removed", None);

    // (f) DG13 changed after signing: passive authentication fails, by DG13's hash.
    let h = demo_holder();
    let info = mrz::bac_key_seed_input(&h.id_number, h.birth, h.expiry).unwrap();
    let card = virtual_card(dir.path(), "card-f", &["--tamper", "dg13"]);
    service.wait_state(&ready(true), "(f) tampered card inserted", Some(&card));
    let id = service.send_read(&info);
    let chip = service
        .done(id)
        .0
        .unwrap_or_else(|e| panic!("(f) {e:?}; card's log:\n{}", card.log()));
    assert_eq!(
        chip.read.details.full_name.as_deref(),
        Some("Nguyễn Văn Giả")
    );
    assert_eq!(chip.pa.level, "failed", "{:?}", chip.pa);
    assert!(
        chip.pa
            .reasons
            .iter()
            .any(|(k, _)| *k == "pa.reason.dg_hash_mismatch"),
        "{:?}",
        chip.pa
    );
    // The same card through the CLI, with the right CSCA: still failed.
    let out = output(motcua(dir.path()).args([
        "card",
        "read",
        "--id",
        &h.id_number,
        "--dob",
        "14/05/1992",
        "--expiry",
        "14/05/2032",
        "--csca",
        csca_arg,
        "--json",
    ]));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(json["passive_authentication"], "failed", "{json}");

    // The service stops promptly when dropped.
    let started = Instant::now();
    drop(service);
    assert!(started.elapsed() < Duration::from_secs(5));
    drop(card);
}

/// A port nothing listens on (bound, then let go).
fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

#[test]
fn a_virtual_card_without_vpcd_or_with_a_bad_holder_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let port = closed_port().to_string();
    let out = output(motcua(dir.path()).args([
        "card",
        "virtual",
        "--once",
        "--host",
        "127.0.0.1",
        "--port",
        &port,
    ]));
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("vpcd not listening on 127.0.0.1:{port}")),
        "{err}"
    );

    let bad = dir.path().join("bad.json");
    std::fs::write(
        &bad,
        HOLDER_JSON.replace("\"sex\": \"M\"", "\"sex\": \"X\""),
    )
    .unwrap();
    let out = output(
        motcua(dir.path())
            .args(["card", "virtual", "--once", "--port", &port, "--holder"])
            .arg(&bad),
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.json is not valid"), "{err}");
    assert!(err.contains("sex must be"), "{err}");

    // A good file gets as far as vpcd.
    let good = dir.path().join("good.json");
    std::fs::write(&good, HOLDER_JSON).unwrap();
    let out = output(
        motcua(dir.path())
            .args(["card", "virtual", "--once", "--port", &port, "--holder"])
            .arg(&good),
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
