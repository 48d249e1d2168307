//! Whole-screen snapshots of household verification (F8 from the intake form): the
//! members table filled by pasting a list, verified through the backend in chunks whose
//! answers show only once their audit records are written, with errors, retry, cancel,
//! selection, and the table kept with the dossier. Driven through the real `update`, with
//! the backend's and the store's answers injected (fixed ids and clock).

mod common;

use common::{draw, loaded, press, text, type_text};
use jiff::civil::date;
use motcua::api::service::{BackendCmd, BackendEvent};
use motcua::app::{Effect, Msg, Screen, State, update};
use motcua::catalogue;
use motcua::dossier::{Dossier, ProcedureInfo};
use motcua::household::batch::{ChunkDone, Job};
use motcua::household::{HouseholdCheck, MemberState};
use motcua::i18n::Lang;
use motcua::screens::household::{Focus, HouseholdState};
use motcua::store::audit::CheckKind;
use motcua::store::service::{StoreCmd, StoreEvent};
use motcua::theme::Theme;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

// ---------------------------------------------------------------------------
// Harness (the same pattern as tests/check_snapshots.rs)

fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path("../snapshots");
    s.set_prepend_module_to_snapshot(false);
    s
}

fn shown(s: &State) -> String {
    let screen = text(&draw(s));
    assert!(!screen.contains('⟦'), "missing string on screen:\n{screen}");
    screen
}

fn check(name: &str, s: &State) -> String {
    let screen = shown(s);
    settings().bind(|| insta::assert_snapshot!(name, screen));
    screen
}

fn key(s: &mut State, code: KeyCode) -> Vec<Effect> {
    update(s, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

// ---------------------------------------------------------------------------
// Fixtures

const HEAD: &str = "079192019782";
const DOSSIER_ID: &str = "019abcde-0000-7000-8000-000000000005";
const CODE: &str = "1.001277";

const HUSBAND: &str = "042089006135";
const SON: &str = "079216003521";
const DAUGHTER: &str = "079320001846";
const OUTSIDER: &str = "001200017187";
const NOBODY: &str = "099100000001";
/// The five good numbers, in the order pasted.
const IDS: [&str; 5] = [HUSBAND, SON, DAUGHTER, OUTSIDER, NOBODY];

/// Five numbers (one with a name, as CSV) and a bad line.
const LIST: &str =
    "042089006135\n079216003521\n079320001846,Phạm Bảo Ngọc\n001200017187\n099100000001\nxyz\n";

const AT: &str = "2023-03-06T14:31:12+07:00";

/// A social-allowance procedure, licensed for population lookups.
fn dossier() -> Dossier {
    Dossier::new(
        DOSSIER_ID.into(),
        ProcedureInfo {
            code: CODE.into(),
            name: "Giải quyết trợ cấp xã hội hằng tháng".into(),
            field: "Bảo trợ xã hội".into(),
            days: 10,
            population_lookup: Some(true),
            ..ProcedureInfo::default()
        },
        date(2023, 3, 6).at(14, 27, 45, 0),
    )
}

/// The procedure list, then Enter: the store's answer opens the form.
fn form(mono: bool) -> State {
    let mut s = loaded(Lang::Vi, mono, catalogue::sample());
    if mono {
        // The monochrome theme drawn in ASCII (`--ascii`).
        s.theme = Theme::mono(true);
    }
    assert!(key(&mut s, KeyCode::Down).is_empty());
    let req = key(&mut s, KeyCode::Enter)
        .iter()
        .find_map(|e| match e {
            Effect::Store(StoreCmd::NewDossier { req, .. }) => Some(*req),
            _ => None,
        })
        .expect("Enter on a procedure asks the store for a new dossier");
    let _ = update(
        &mut s,
        Msg::Store(StoreEvent::NewDossier {
            req,
            result: Ok(Box::new(dossier())),
        }),
    );
    assert!(matches!(s.screen(), Screen::Intake(_)));
    s
}

/// The form with the submitter typed (name, number, birth), then F8.
fn opened(mono: bool) -> State {
    let mut s = form(mono);
    type_text(&mut s, "Lê Thị Thu Hà");
    press(&mut s, KeyCode::Tab);
    type_text(&mut s, HEAD);
    press(&mut s, KeyCode::Tab);
    type_text(&mut s, "14/05/1992");
    let effects = key(&mut s, KeyCode::F(8));
    assert!(
        !effects.iter().any(|e| matches!(e, Effect::Backend(_))),
        "opening sends nothing: {effects:?}"
    );
    assert!(matches!(s.screen(), Screen::Household(_)), "F8 opens it");
    s
}

fn hh(s: &State) -> &HouseholdState {
    match s.screen() {
        Screen::Household(h) => h,
        _ => panic!("the household screen is not on top"),
    }
}

fn state_of(s: &State, id: &str) -> MemberState {
    hh(s)
        .check
        .rows
        .iter()
        .find(|r| r.id_number == id)
        .unwrap_or_else(|| panic!("no row {id}"))
        .state
        .clone()
}

/// The list pasted into the add field.
fn pasted(mono: bool) -> State {
    let mut s = opened(mono);
    assert_eq!(hh(&s).focused(), Focus::Add, "the head is prefilled");
    let effects = update(&mut s, Msg::Paste(LIST.into()));
    assert!(
        !effects.iter().any(|e| matches!(e, Effect::Backend(_))),
        "{effects:?}"
    );
    let ids: Vec<&str> = hh(&s)
        .check
        .rows
        .iter()
        .map(|r| r.id_number.as_str())
        .collect();
    assert_eq!(ids, IDS);
    assert_eq!(
        hh(&s).check.rows[2].name,
        "Phạm Bảo Ngọc",
        "the CSV line's name"
    );
    let screen = shown(&s);
    assert!(
        screen.contains(
            "Đã thêm 5 người. Bỏ qua 1 dòng (dòng 6: không phải số định danh 12 chữ số)."
        ),
        "the bad line is reported:\n{screen}"
    );
    s
}

/// The batch a key sent: its request, job and members.
fn batch(effects: &[Effect]) -> (u64, Job, Vec<String>) {
    effects
        .iter()
        .find_map(|e| match e {
            Effect::Backend(BackendCmd::Household { req, job, ids, .. }) => {
                Some((*req, job.clone(), ids.clone()))
            }
            _ => None,
        })
        .unwrap_or_else(|| panic!("expected a household batch, got {effects:?}"))
}

fn member(relation: &str) -> MemberState {
    MemberState::Member {
        relation: relation.into(),
    }
}

fn error(reason: &str) -> MemberState {
    MemberState::Error {
        reason: reason.into(),
    }
}

fn chunk(rows: &[(&str, MemberState)], lookup: &str) -> ChunkDone {
    ChunkDone {
        rows: rows
            .iter()
            .map(|(id, st)| ((*id).to_owned(), st.clone()))
            .collect(),
        lookup_id: Some(lookup.into()),
        tries: 1,
    }
}

/// The backend answers one chunk: the app only asks the store to log it.
fn answered(s: &mut State, req: u64, c: &ChunkDone) -> ChunkDone {
    let effects = update(
        s,
        Msg::Backend(BackendEvent::HouseholdChunk {
            req,
            chunk: c.clone(),
        }),
    );
    match effects.as_slice() {
        [
            Effect::Store(StoreCmd::RecordHousehold {
                req: logged,
                audits,
                chunk,
            }),
        ] => {
            assert_eq!(*logged, req);
            assert_eq!(**chunk, *c);
            // One record per member answered or failed; a member the batch never
            // started (cancelled) has nothing to log.
            let logged: Vec<&String> = c
                .rows
                .iter()
                .filter(|(_, st)| *st != MemberState::Unchecked)
                .map(|(id, _)| id)
                .collect();
            assert_eq!(audits.len(), logged.len(), "{audits:?}");
            for (a, id) in audits.iter().zip(logged) {
                assert_eq!(a.kind, CheckKind::Household);
                assert_eq!(&a.citizen, id);
                assert_eq!(a.procedure_code, CODE);
                assert_eq!(a.dossier_id.as_deref(), Some(DOSSIER_ID));
                assert_eq!(a.lookup_id, c.lookup_id);
            }
            (**chunk).clone()
        }
        other => panic!("a chunk must be logged first and nothing else, got {other:?}"),
    }
}

/// The store wrote (or failed to write) the chunk's audit records.
fn recorded(s: &mut State, req: u64, chunk: ChunkDone, result: Result<String, String>) {
    let effects = update(
        s,
        Msg::Store(StoreEvent::HouseholdRecorded {
            req,
            chunk: Box::new(chunk),
            result,
        }),
    );
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::Backend(_) | Effect::Store(_))),
        "{effects:?}"
    );
}

fn done(s: &mut State, req: u64) {
    let _ = update(s, Msg::Backend(BackendEvent::HouseholdDone { req }));
}

/// F5 on the pasted list.
fn started(mono: bool) -> (State, u64) {
    let mut s = pasted(mono);
    let (req, job, ids) = batch(&key(&mut s, KeyCode::F(5)));
    assert_eq!(ids, IDS);
    assert_eq!(job.head.id_number, HEAD);
    assert_eq!(job.head.full_name.as_deref(), Some("Lê Thị Thu Hà"));
    assert_eq!(job.head.birth_date.as_deref(), Some("1992-05-14"));
    assert_eq!(job.procedure_code, CODE);
    assert_eq!(hh(&s).running, Some(req));
    for id in IDS {
        assert_eq!(state_of(&s, id), MemberState::Checking);
    }
    (s, req)
}

fn first_chunk() -> ChunkDone {
    chunk(
        &[
            (HUSBAND, member("Chồng")),
            (SON, member("Con")),
            (DAUGHTER, member("Con")),
        ],
        "lk-0101",
    )
}

fn second_chunk() -> ChunkDone {
    chunk(
        &[
            (OUTSIDER, MemberState::NotMember),
            (NOBODY, error("not_in_db")),
        ],
        "lk-0102",
    )
}

/// The whole batch answered and logged, the summary shown; the table focused.
fn mixed(mono: bool) -> State {
    let (mut s, req) = started(mono);
    let c = answered(&mut s, req, &first_chunk());
    recorded(&mut s, req, c, Ok(AT.into()));
    let c = answered(&mut s, req, &second_chunk());
    // The service says it is over before the last chunk's record is back: the batch
    // ends only once it is.
    done(&mut s, req);
    assert_eq!(hh(&s).running, Some(req), "a chunk is still being logged");
    assert!(!shown(&s).contains("Xong:"));
    recorded(&mut s, req, c, Ok("2023-03-06T14:31:13+07:00".into()));
    assert_eq!(hh(&s).running, None);
    press(&mut s, KeyCode::Tab);
    assert_eq!(hh(&s).focused(), Focus::Table);
    s
}

/// The table's row of `id` on screen.
fn row<'a>(screen: &'a str, id: &str) -> &'a str {
    screen
        .lines()
        .find(|l| l.contains(id))
        .unwrap_or_else(|| panic!("no row {id}:\n{screen}"))
}

// ---------------------------------------------------------------------------
// Snapshots

#[test]
fn empty() {
    let s = opened(false);
    let h = hh(&s);
    assert_eq!(h.check.head.id_number, HEAD);
    assert_eq!(h.check.head.name, "Lê Thị Thu Hà");
    assert_eq!(h.check.head.birth, "14/05/1992");
    assert!(h.check.rows.is_empty());
    let screen = check("household_empty", &s);
    assert!(screen.contains(HEAD), "{screen}");
    assert!(screen.contains("Lê Thị Thu Hà"));
    assert!(screen.contains("14/05/1992"));
    assert!(screen.contains("Chưa có ai"));
}

#[test]
fn in_progress() {
    let (mut s, req) = started(false);
    let c = answered(&mut s, req, &first_chunk());
    // Logged, not shown yet.
    let screen = shown(&s);
    for id in IDS {
        assert_eq!(state_of(&s, id), MemberState::Checking);
        assert!(row(&screen, id).contains("Đang kiểm tra…"), "{screen}");
    }
    assert!(
        !screen.contains("Chồng"),
        "shown before it was logged:\n{screen}"
    );
    assert!(!screen.contains("✓ Thành viên"));
    recorded(&mut s, req, c, Ok(AT.into()));
    let screen = check("household_in_progress", &s);
    assert!(row(&screen, HUSBAND).contains("Chồng"), "{screen}");
    assert!(row(&screen, HUSBAND).contains("✓ Thành viên"));
    assert!(row(&screen, SON).contains("Con"));
    assert!(row(&screen, DAUGHTER).contains("Phạm Bảo Ngọc"));
    assert!(row(&screen, OUTSIDER).contains("Đang kiểm tra…"));
    assert!(row(&screen, NOBODY).contains("Đang kiểm tra…"));
    assert!(screen.contains("3/5"), "{screen}");
    assert!(
        screen.contains('█') && screen.contains('░'),
        "partly filled"
    );
    assert_eq!(hh(&s).check.checked_at.as_deref(), Some(AT));
}

#[test]
fn mixed_results() {
    let s = mixed(false);
    let screen = check("household_mixed", &s);
    assert!(row(&screen, HUSBAND).contains("Chồng"), "{screen}");
    assert!(row(&screen, HUSBAND).contains("✓ Thành viên"));
    assert!(row(&screen, SON).contains("Con"));
    assert!(row(&screen, DAUGHTER).contains("✓ Thành viên"));
    assert!(row(&screen, OUTSIDER).contains("✗ Không phải TV"));
    assert!(row(&screen, NOBODY).contains("! không có trong CSDL"));
    assert!(
        screen.contains(
            "Xong: 3 thành viên, 1 không phải, 1 lỗi (r: kiểm tra lại), 0 chưa kiểm tra."
        ),
        "{screen}"
    );
    assert!(screen.contains("5/5 · 3 TV · 1 không · 1 lỗi"));
    assert!(!screen.contains('░'), "the gauge is full");
}

#[test]
fn errors_then_retry() {
    let (mut s, req) = started(false);
    // The backend gave up on a chunk after 429s.
    let c = answered(
        &mut s,
        req,
        &ChunkDone {
            rows: vec![
                (HUSBAND.into(), error("rate_limited")),
                (SON.into(), error("rate_limited")),
            ],
            lookup_id: None,
            tries: 5,
        },
    );
    recorded(&mut s, req, c, Ok(AT.into()));
    let c = answered(&mut s, req, &chunk(&[(DAUGHTER, member("Con"))], "lk-0103"));
    recorded(&mut s, req, c, Ok(AT.into()));
    // Answered, but the audit record could not be written: not shown, an error.
    let c = answered(&mut s, req, &second_chunk());
    recorded(&mut s, req, c, Err("database is locked".into()));
    done(&mut s, req);
    assert_eq!(hh(&s).running, None);
    assert_eq!(state_of(&s, OUTSIDER), error("not_logged"));
    assert_eq!(state_of(&s, NOBODY), error("not_logged"));
    press(&mut s, KeyCode::Tab);
    let screen = check("household_errors", &s);
    assert!(
        row(&screen, HUSBAND).contains("! máy chủ quá tải"),
        "{screen}"
    );
    assert!(row(&screen, SON).contains("! máy chủ quá tải"));
    assert!(row(&screen, DAUGHTER).contains("Thành viên"));
    assert!(row(&screen, OUTSIDER).contains("chưa ghi được"), "{screen}");
    assert!(row(&screen, NOBODY).contains("chưa ghi được"));
    assert!(!screen.contains("Không phải TV"), "not logged, not shown");
    assert!(!screen.contains("không có trong CSDL"));
    assert!(screen.contains("Xong: 1 thành viên, 0 không phải, 4 lỗi"));

    // r: a new batch of exactly the failed.
    let (again, job, ids) = batch(&key(&mut s, KeyCode::Char('r')));
    assert_ne!(again, req);
    assert_eq!(ids, [HUSBAND, SON, OUTSIDER, NOBODY]);
    assert_eq!(job.head.id_number, HEAD);
    assert_eq!(state_of(&s, DAUGHTER), member("Con"));
    for id in ids {
        assert_eq!(state_of(&s, &id), MemberState::Checking);
    }
}

#[test]
fn mono() {
    let mut s = mixed(true);
    // Select the son's row (the cursor moves on to the daughter's).
    press(&mut s, KeyCode::Down);
    press(&mut s, KeyCode::Char(' '));
    let screen = check("household_mono", &s);
    assert!(row(&screen, SON).contains("[x]"), "{screen}");
    assert!(row(&screen, HUSBAND).contains("[ ]"));
    assert!(row(&screen, HUSBAND).contains("+ Thành viên"));
    assert!(row(&screen, OUTSIDER).contains("- Không phải TV"));
    assert!(row(&screen, NOBODY).contains("! không có trong CSDL"));
    assert!(screen.contains("#####"), "{screen}");
    for c in ['✓', '✗', '█', '░'] {
        assert!(!screen.contains(c), "{c} in the ASCII theme:\n{screen}");
    }
}

// ---------------------------------------------------------------------------
// Behaviour

#[test]
fn a_head_without_a_twelve_digit_number_refuses_to_verify() {
    let mut s = pasted(false);
    // Up to the head's number and shorten it.
    for _ in 0..3 {
        press(&mut s, KeyCode::BackTab);
    }
    assert_eq!(hh(&s).focused(), Focus::HeadNumber);
    press(&mut s, KeyCode::End);
    press(&mut s, KeyCode::Backspace);
    assert_eq!(hh(&s).check.head.id_number, "07919201978");
    let effects = key(&mut s, KeyCode::F(5));
    assert!(
        !effects.iter().any(|e| matches!(e, Effect::Backend(_))),
        "{effects:?}"
    );
    let msg = "Nhập số định danh 12 chữ số của chủ hộ trước khi kiểm tra.";
    assert_eq!(hh(&s).message, Some((msg.to_owned(), true)));
    assert_eq!(hh(&s).running, None);
    for id in IDS {
        assert_eq!(state_of(&s, id), MemberState::Unchecked);
    }
    assert!(shown(&s).contains(msg));
    // From the table too.
    for _ in 0..4 {
        press(&mut s, KeyCode::Tab);
    }
    assert_eq!(hh(&s).focused(), Focus::Table);
    assert!(
        !key(&mut s, KeyCode::F(5))
            .iter()
            .any(|e| matches!(e, Effect::Backend(_)))
    );
    assert!(
        !key(&mut s, KeyCode::Char('a'))
            .iter()
            .any(|e| matches!(e, Effect::Backend(_)))
    );
}

#[test]
fn x_while_running_cancels_the_batch() {
    let (mut s, req) = started(false);
    press(&mut s, KeyCode::Tab);
    assert_eq!(hh(&s).focused(), Focus::Table);
    let effects = key(&mut s, KeyCode::Char('x'));
    assert_eq!(
        effects,
        [Effect::Backend(BackendCmd::CancelHousehold { req })]
    );
    assert!(shown(&s).contains("Đang dừng"));
    // Esc while running cancels too, and does not leave.
    let effects = key(&mut s, KeyCode::Esc);
    assert_eq!(
        effects,
        [Effect::Backend(BackendCmd::CancelHousehold { req })]
    );
    assert!(matches!(s.screen(), Screen::Household(_)));
    // The members not started come back unchecked; the batch ends.
    let c = answered(&mut s, req, &first_chunk());
    recorded(&mut s, req, c, Ok(AT.into()));
    let c = answered(
        &mut s,
        req,
        &ChunkDone {
            rows: vec![
                (OUTSIDER.into(), MemberState::Unchecked),
                (NOBODY.into(), MemberState::Unchecked),
            ],
            lookup_id: None,
            tries: 0,
        },
    );
    recorded(&mut s, req, c, Ok(AT.into()));
    done(&mut s, req);
    assert_eq!(hh(&s).running, None);
    assert_eq!(state_of(&s, OUTSIDER), MemberState::Unchecked);
    let screen = shown(&s);
    assert!(
        screen.contains(
            "Xong: 3 thành viên, 0 không phải, 0 lỗi (r: kiểm tra lại), 2 chưa kiểm tra."
        ),
        "{screen}"
    );
    // Once over, x sends nothing.
    assert!(
        !key(&mut s, KeyCode::Char('x'))
            .iter()
            .any(|e| matches!(e, Effect::Backend(_)))
    );
}

#[test]
fn enter_verifies_exactly_the_two_selected() {
    let mut s = pasted(false);
    press(&mut s, KeyCode::Tab);
    assert_eq!(hh(&s).focused(), Focus::Table);
    // Space selects and moves down.
    press(&mut s, KeyCode::Char(' '));
    press(&mut s, KeyCode::Down);
    press(&mut s, KeyCode::Char(' '));
    let (_, _, ids) = batch(&key(&mut s, KeyCode::Enter));
    assert_eq!(ids, [HUSBAND, DAUGHTER]);
    assert_eq!(state_of(&s, HUSBAND), MemberState::Checking);
    assert_eq!(state_of(&s, SON), MemberState::Unchecked);
    assert_eq!(state_of(&s, DAUGHTER), MemberState::Checking);
    assert_eq!(state_of(&s, OUTSIDER), MemberState::Unchecked);
}

#[test]
fn enter_without_a_selection_verifies_the_row_under_the_cursor() {
    let mut s = pasted(false);
    press(&mut s, KeyCode::Tab);
    press(&mut s, KeyCode::Down);
    press(&mut s, KeyCode::Down);
    press(&mut s, KeyCode::Down);
    let (_, _, ids) = batch(&key(&mut s, KeyCode::Enter));
    assert_eq!(ids, [OUTSIDER]);
}

#[test]
fn a_number_typed_and_entered_is_added() {
    let mut s = opened(false);
    type_text(&mut s, SON);
    let _ = key(&mut s, KeyCode::Enter);
    assert_eq!(hh(&s).check.rows.len(), 1);
    assert_eq!(hh(&s).check.rows[0].id_number, SON);
    // The head is not a member of their own household list; a repeat is not added.
    type_text(&mut s, HEAD);
    let _ = key(&mut s, KeyCode::Enter);
    type_text(&mut s, SON);
    let _ = key(&mut s, KeyCode::Enter);
    assert_eq!(hh(&s).check.rows.len(), 1);
    assert!(row(&shown(&s), SON).contains("Chưa kiểm tra"));
}

#[test]
fn esc_keeps_the_table_on_the_dossier_and_f8_shows_it_again() {
    let mut s = mixed(false);
    let before = shown(&s);
    let table = hh(&s).check.clone();
    let _ = key(&mut s, KeyCode::Esc);
    let Screen::Intake(_) = s.screen() else {
        panic!("Esc closes the household screen");
    };
    let kept: Option<&HouseholdCheck> = s.screens.iter().rev().find_map(|sc| match sc {
        Screen::Intake(i) => i.dossier.household.as_ref(),
        _ => None,
    });
    let kept = kept.expect("the table is kept with the dossier");
    assert_eq!(*kept, table);
    let ids: Vec<&str> = kept.rows.iter().map(|r| r.id_number.as_str()).collect();
    assert_eq!(ids, IDS);
    assert_eq!(kept.rows[0].relation, "Chồng");
    assert_eq!(kept.rows[3].state, MemberState::NotMember);
    assert_eq!(kept.head.id_number, HEAD);
    assert!(kept.checked_at.is_some());

    // F8 again: the same table (the summary line is not kept).
    let _ = key(&mut s, KeyCode::F(8));
    assert!(matches!(s.screen(), Screen::Household(_)));
    assert_eq!(hh(&s).check, table);
    assert_eq!(hh(&s).focused(), Focus::Table);
    let after = shown(&s);
    let without_message = |screen: &str| {
        screen
            .lines()
            .filter(|l| !l.contains("Xong:"))
            .map(str::trim_end)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(without_message(&before), without_message(&after));
}
