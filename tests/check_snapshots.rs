//! Whole-screen snapshots of the population-database check (F7 from the intake form),
//! its diff, the audit screen, and the rule that nothing the database returns is shown
//! before its audit record is written. Driven through the real `update`, with the
//! backend's and the store's answers injected (fixed ids and clock).

mod common;

use std::time::Duration;

use common::{draw, loaded, press, text, type_text};
use jiff::civil::date;
use motcua::api::client::ClientError;
use motcua::api::service::{BackendCmd, CheckAnswer, CheckCall};
use motcua::api::{
    Address, ApiError, BloodGroup, CitizenRecord, CodeName, DigitalIdentityResponse, ErrorCode,
    HouseholdHead, LegacyAddress, LookupResponse, MaritalStatus, PersonName, RelatedPerson, Sex,
    VerifyResponse,
};
use motcua::app::{Effect, Msg, Screen, State, update};
use motcua::catalogue;
use motcua::dossier::population::{CheckMarkState, PopField};
use motcua::dossier::{Dossier, ProcedureInfo, Role, Source};
use motcua::i18n::Lang;
use motcua::screens::check::Phase;
use motcua::store::audit::{AuditEntry, CheckKind, LookupAudit};
use motcua::store::service::{CheckReply, StoreCmd, StoreEvent};
use motcua::theme::Theme;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

// ---------------------------------------------------------------------------
// Harness (the same pattern as tests/intake_snapshots.rs)

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

fn ctrl(s: &mut State, c: char) -> Vec<Effect> {
    update(
        s,
        Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)),
    )
}

fn tab(s: &mut State, n: usize) {
    for _ in 0..n {
        press(s, KeyCode::Tab);
    }
}

// ---------------------------------------------------------------------------
// Fixtures

const ID: &str = "079192019782";
const DOSSIER_ID: &str = "019abcde-0000-7000-8000-000000000002";
/// Only the database has it: the mother's name.
const MOTHER: &str = "Nguyễn Thị Mai";
/// The two-level permanent address, as the database's text.
const ADDRESS: &str = "Số 25 đường Nguyễn Thị Minh Khai, Phường Bến Thành, Thành phố Hồ Chí Minh";

/// A residence procedure, licensed for lookups, that keeps the current address and the
/// household beyond the form's own fields.
fn dossier() -> Dossier {
    Dossier::new(
        DOSSIER_ID.into(),
        ProcedureInfo {
            code: "1.004222".into(),
            name: "Đăng ký thường trú".into(),
            field: "Đăng ký, quản lý cư trú".into(),
            days: 7,
            charge: 20000,
            population_lookup: Some(true),
            population_fields: vec![
                "current_address".into(),
                "household_head".into(),
                "household_book_number".into(),
            ],
            ..ProcedureInfo::default()
        },
        date(2023, 3, 6).at(14, 27, 45, 0),
    )
}

/// The procedure list, then Enter: the store's answer opens the form.
fn form(mono: bool) -> State {
    let mut s = loaded(Lang::Vi, mono, catalogue::sample());
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

/// The submitter's block as typed. `sex`: presses of Right on the choice (1 Nam, 2 Nữ).
fn fill(s: &mut State, name: &str, birth: &str, sex: usize, address: &str) {
    type_text(s, name);
    tab(s, 1);
    type_text(s, ID);
    tab(s, 1);
    type_text(s, birth);
    tab(s, 1);
    for _ in 0..sex {
        press(s, KeyCode::Right);
    }
    tab(s, 1);
    type_text(s, "0912345678");
    tab(s, 1);
    type_text(s, address);
    // Back to the block's first field, so F7 checks the submitter.
    for _ in 0..5 {
        press(s, KeyCode::BackTab);
    }
}

/// The form typed exactly as the database has it.
fn fill_equal(s: &mut State) {
    fill(s, "Lê Thị Thu Hà", "14/05/1992", 2, ADDRESS);
}

/// One field of each kind wrong: the name in capitals (≈), the sex (≠), the house
/// number in the three-level address (≠).
fn fill_mixed(s: &mut State) {
    fill(
        s,
        "LÊ THỊ THU HÀ",
        "14/05/1992",
        1,
        "Số 52 đường Nguyễn Thị Minh Khai, Phường Bến Thành, Quận 1, TP Hồ Chí Minh",
    );
}

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

fn relative(name: &str, id: &str, old: Option<&str>) -> RelatedPerson {
    RelatedPerson {
        full_name: name.into(),
        nationality: cn("VN", "Việt Nam"),
        id_number: Some(id.into()),
        old_id_number: old.map(Into::into),
    }
}

/// Lê Thị Thu Hà as the population database has her (docs/demo-citizens.md, household A).
fn record() -> CitizenRecord {
    let home = hcm(
        "Số 25 đường Nguyễn Thị Minh Khai",
        ("26531", "Phường Bến Thành"),
        "26740",
    );
    CitizenRecord {
        id_number: ID.into(),
        old_id_number: None,
        full_name: PersonName {
            family: "Lê".into(),
            middle: "Thị Thu".into(),
            given: "Hà".into(),
        },
        sex: Sex::Female,
        ethnicity: cn("01", "Kinh"),
        birth_date: "1992-05-14".into(),
        birth_registration_place: hcm("", ("26536", "Phường Tân Định"), "26734"),
        home_town: hcm("", ("26536", "Phường Tân Định"), "26734"),
        permanent_address: home.clone(),
        current_address: home,
        religion: cn("00", "Không"),
        marital_status: MaritalStatus::Married,
        blood_group: BloodGroup::O,
        nationality: cn("VN", "Việt Nam"),
        father: Some(relative("Lê Văn Thành", "079062001538", None)),
        mother: Some(relative(MOTHER, "079165002947", None)),
        spouse: Some(relative("Phạm Quốc Bảo", "042089006135", Some("183456789"))),
        representative: None,
        household_head: Some(HouseholdHead {
            relation: "Chủ hộ".into(),
            id_number: ID.into(),
            old_id_number: None,
            full_name: "Lê Thị Thu Hà".into(),
        }),
        household_book_number: Some("790142857".into()),
    }
}

fn found() -> CheckAnswer {
    CheckAnswer::Lookup(Box::new(LookupResponse {
        lookup_id: "lk-0001".into(),
        citizen: Some(record()),
    }))
}

fn api_error(code: ErrorCode, message: &str) -> ApiError {
    ApiError {
        code,
        message: message.into(),
        retryable: code.retryable(),
        fields: Vec::new(),
    }
}

/// The audit record the store would write for `audit`.
fn entry(audit: &LookupAudit, n: u32) -> Box<AuditEntry> {
    Box::new(AuditEntry {
        id: format!("019abcde-0000-7000-8000-0000000001{n:02}"),
        at: format!("2023-03-06T14:{:02}:12+07:00", 30 + n),
        official: audit.official.clone(),
        action: audit.kind.action().into(),
        citizen: audit.citizen.clone(),
        procedure_code: audit.procedure_code.clone(),
        dossier_id: audit.dossier_id.clone(),
        detail: serde_json::json!({
            "kind": audit.kind,
            "dossier_code": audit.dossier_code,
            "fields": audit.fields,
            "outcome": audit.outcome,
            "lookup_id": audit.lookup_id,
        }),
        dossier_code: audit.dossier_code.clone(),
    })
}

// ---------------------------------------------------------------------------
// Driving a check

/// The call a key sent to the backend.
fn sent(effects: &[Effect]) -> (u64, CheckCall) {
    effects
        .iter()
        .find_map(|e| match e {
            Effect::Backend(BackendCmd::Check { req, call }) => Some((*req, call.clone())),
            _ => None,
        })
        .unwrap_or_else(|| panic!("expected a backend check, got {effects:?}"))
}

/// The audit record asked for after the backend answered.
fn to_record(effects: &[Effect]) -> (u64, LookupAudit, Box<CheckReply>) {
    effects
        .iter()
        .find_map(|e| match e {
            Effect::Store(StoreCmd::RecordCheck { req, audit, answer }) => {
                Some((*req, (**audit).clone(), answer.clone()))
            }
            _ => None,
        })
        .unwrap_or_else(|| panic!("expected an audit record to be written, got {effects:?}"))
}

/// F7 on the form: the check box for the focused block.
fn open_check(s: &mut State) {
    assert!(key(s, KeyCode::F(7)).is_empty(), "opening sends nothing");
    assert!(matches!(s.screen(), Screen::Check(_)));
}

/// The backend answers `req`; returns what the app asked the store to log.
fn backend_answers(
    s: &mut State,
    req: u64,
    result: Result<CheckAnswer, ClientError>,
) -> (LookupAudit, Box<CheckReply>) {
    let effects = update(
        s,
        Msg::Backend(motcua::api::service::BackendEvent::Checked { req, result }),
    );
    let (logged_req, audit, answer) = to_record(&effects);
    assert_eq!(logged_req, req);
    (audit, answer)
}

/// The store wrote the audit record: the answer may show.
fn store_logged(
    s: &mut State,
    req: u64,
    audit: &LookupAudit,
    answer: Box<CheckReply>,
) -> Vec<Effect> {
    update(
        s,
        Msg::Store(StoreEvent::CheckRecorded {
            req,
            answer,
            result: Ok(entry(audit, 1)),
        }),
    )
}

/// Sends a call with `code` (Enter, F8, F9), answers it, logs it.
fn run(s: &mut State, code: KeyCode, result: Result<CheckAnswer, ClientError>) -> LookupAudit {
    let (req, _) = sent(&key(s, code));
    let (audit, answer) = backend_answers(s, req, result);
    let _ = store_logged(s, req, &audit, answer);
    audit
}

fn phase(s: &State) -> &Phase {
    match s.screen() {
        Screen::Check(c) => &c.phase,
        _ => panic!("the check screen is not on top"),
    }
}

/// The diff of the mixed form.
fn mixed_diff(mono: bool) -> State {
    let mut s = form(mono);
    if mono {
        // The monochrome theme drawn in ASCII (`--ascii`): no Unicode symbols.
        s.theme = Theme::mono(true);
    }
    fill_mixed(&mut s);
    open_check(&mut s);
    let audit = run(&mut s, KeyCode::Enter, Ok(found()));
    assert_eq!(audit.outcome, "found");
    assert!(matches!(phase(&s), Phase::Diff(_)));
    s
}

/// The status symbol column (the fifth) of each diff row on screen, by label.
fn row<'a>(screen: &'a str, label: &str) -> &'a str {
    screen
        .lines()
        .find(|l| l.chars().skip(6).collect::<String>().starts_with(label))
        .unwrap_or_else(|| panic!("no row {label}:\n{screen}"))
}

/// The screen without its last two lines (the legend and the hint bar), which name
/// every symbol.
fn rows_only(screen: &str) -> String {
    let lines: Vec<&str> = screen.lines().collect();
    lines[..lines.len().saturating_sub(2)].join("\n")
}

fn symbol(line: &str) -> char {
    line.chars().nth(4).expect("a status symbol")
}

// ---------------------------------------------------------------------------
// Snapshots

#[test]
fn inputs_prefilled_from_the_form() {
    let mut s = form(false);
    fill_equal(&mut s);
    open_check(&mut s);
    let screen = check("check_inputs", &s);
    assert!(screen.contains("Kiểm tra CSDL dân cư — Người nộp"));
    assert!(screen.contains("Lê Thị Thu Hà"));
    assert!(screen.contains("14/05/1992"));
    assert!(screen.contains("‹Căn cước công dân (12 số)›"));
    assert!(screen.contains(ID));
    // The form stays visible around the box.
    assert!(screen.contains("Thủ tục"));
}

#[test]
fn all_equal() {
    let mut s = form(false);
    fill_equal(&mut s);
    open_check(&mut s);
    let (req, call) = sent(&key(&mut s, KeyCode::Enter));
    let CheckCall::Lookup(r) = call else {
        panic!("Enter sends a lookup, got {call:?}");
    };
    assert_eq!(r.document_number, ID);
    assert_eq!(r.full_name, "Lê Thị Thu Hà");
    assert_eq!(r.birth_date, "1992-05-14");
    assert_eq!(r.procedure_code, "1.004222");
    let (audit, answer) = backend_answers(&mut s, req, Ok(found()));
    assert_eq!(audit.kind, CheckKind::Lookup);
    assert_eq!(audit.citizen, ID);
    assert_eq!(audit.dossier_id.as_deref(), Some(DOSSIER_ID));
    assert_eq!(audit.lookup_id.as_deref(), Some("lk-0001"));
    assert!(audit.fields.contains(&"mother".to_owned()));
    assert!(!audit.fields.contains(&"representative".to_owned()));
    let _ = store_logged(&mut s, req, &audit, answer);
    let screen = check("check_all_equal", &s);
    assert!(screen.contains("≠ khác"), "the legend names it");
    assert!(
        !rows_only(&screen).contains('≠'),
        "nothing differs:\n{screen}"
    );
    for label in [
        "Số định danh",
        "Họ và tên",
        "Giới tính",
        "Ngày sinh",
        "Thường trú",
    ] {
        assert_eq!(symbol(row(&screen, label)), '=', "{label}");
    }
    assert_eq!(symbol(row(&screen, "Dân tộc")), '∅');
    assert!(screen.contains("0 khác"));
}

#[test]
fn mixed() {
    let s = mixed_diff(false);
    let screen = check("check_mixed", &s);
    assert_eq!(symbol(row(&screen, "Số định danh")), '=');
    assert_eq!(symbol(row(&screen, "Họ và tên")), '≈');
    assert_eq!(symbol(row(&screen, "Giới tính")), '≠');
    assert_eq!(symbol(row(&screen, "Ngày sinh")), '=');
    assert_eq!(symbol(row(&screen, "Thường trú")), '≠');
    assert_eq!(symbol(row(&screen, "Nơi ở hiện tại")), '∅');
    assert!(screen.contains("2 khác"));
    // The cursor starts on the first row that differs, shown in full below.
    assert!(row(&screen, "Giới tính").starts_with('>'));
    assert!(screen.contains(" Hồ sơ: Nam"));
    assert!(screen.contains(" CSDL dân cư: Nữ"));
}

#[test]
fn missing() {
    let mut s = form(false);
    type_text(&mut s, "Lê Thị Thu Hà");
    tab(&mut s, 1);
    type_text(&mut s, ID);
    tab(&mut s, 1);
    type_text(&mut s, "14/05/1992");
    open_check(&mut s);
    run(&mut s, KeyCode::Enter, Ok(found()));
    let screen = check("check_missing", &s);
    assert_eq!(symbol(row(&screen, "Giới tính")), '∅');
    assert_eq!(symbol(row(&screen, "Thường trú")), '∅');
    // Every row on screen but the four typed is missing here; three more below.
    assert_eq!(rows_only(&screen).matches('∅').count(), 13, "{screen}");
    assert!(screen.contains("0 khác · 15 thiếu"));
    assert!(!rows_only(&screen).contains('≠'));
}

#[test]
fn offline_lookup_is_queued() {
    let mut s = form(false);
    fill_equal(&mut s);
    open_check(&mut s);
    let (req, _) = sent(&key(&mut s, KeyCode::Enter));
    let effects = update(
        &mut s,
        Msg::Backend(motcua::api::service::BackendEvent::Checked {
            req,
            result: Err(ClientError::Offline("connection refused".into())),
        }),
    );
    let audit = effects
        .iter()
        .find_map(|e| match e {
            Effect::Store(StoreCmd::QueueCheck {
                req: r,
                audit,
                role,
                request,
            }) => {
                assert_eq!(*r, req);
                assert_eq!(role, "submitter");
                assert_eq!(request.document_number, ID);
                Some((**audit).clone())
            }
            _ => None,
        })
        .unwrap_or_else(|| panic!("an offline lookup is queued, got {effects:?}"));
    assert_eq!(audit.outcome, "queued");
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::Store(StoreCmd::RecordCheck { .. }))),
        "queued, not recorded as an answer"
    );
    let _ = update(
        &mut s,
        Msg::Store(StoreEvent::CheckQueued {
            req,
            result: Ok(entry(&audit, 2)),
        }),
    );
    assert_eq!(phase(&s), &Phase::Queued);
    let screen = check("check_pending", &s);
    assert!(screen.contains("Đang ngoại tuyến: đã xếp hàng"));
    // The dossier is marked pending.
    press(&mut s, KeyCode::Esc);
    let Screen::Intake(form) = s.screen() else {
        panic!("Esc closes the check");
    };
    let mark = &form.dossier.population_checks[&Role::Submitter];
    assert_eq!(mark.state, CheckMarkState::Pending);
    let screen = shown(&s);
    assert!(
        screen.contains("chờ kiểm tra (ngoại tuyến, từ 06/03/2023 14:32)"),
        "{screen}"
    );
}

#[test]
fn rate_limited_and_not_licensed() {
    let mut s = form(false);
    fill_equal(&mut s);
    open_check(&mut s);
    let audit = run(
        &mut s,
        KeyCode::Enter,
        Err(ClientError::Retryable {
            error: api_error(ErrorCode::RateLimited, "Quá nhiều yêu cầu"),
            retry_after: Some(Duration::from_secs(20)),
        }),
    );
    assert_eq!(audit.outcome, "error:RATE_LIMITED");
    assert!(audit.fields.is_empty());
    let screen = check("check_error", &s);
    assert!(screen.contains("Máy chủ đang quá tải yêu cầu. Thử lại sau 20 giây."));

    let audit = run(
        &mut s,
        KeyCode::Enter,
        Err(ClientError::Permanent(api_error(
            ErrorCode::ProcedureNotLicensed,
            "Thủ tục không được cấp quyền",
        ))),
    );
    assert_eq!(audit.outcome, "error:PROCEDURE_NOT_LICENSED");
    let screen = shown(&s);
    assert!(screen.contains("Thủ tục này không được phép khai thác CSDL dân cư."));
    assert!(!screen.contains("quá tải"), "the old message is gone");
}

#[test]
fn mono() {
    let mut s = mixed_diff(true);
    press(&mut s, KeyCode::Char('a'));
    let screen = check("check_mono", &s);
    assert!(row(&screen, "Giới tính").contains("[x]"), "{screen}");
    assert!(row(&screen, "Nơi ở hiện tại").contains("[x]"));
    assert!(row(&screen, "Họ và tên").contains("[ ]"), "≈ is not marked");
    assert!(screen.contains("chọn 5"));
    for c in ['≠', '∅', '✓', '│', '▸', '└'] {
        assert!(!screen.contains(c), "{c} in the ASCII theme:\n{screen}");
    }
    for line in rows_only(&screen).lines().skip(3).take(17) {
        assert!(symbol(line).is_ascii(), "{line}");
    }
    assert_eq!(symbol(row(&screen, "Họ và tên")), '~');
    assert_eq!(symbol(row(&screen, "Giới tính")), '!');
    assert_eq!(symbol(row(&screen, "Nơi ở hiện tại")), '0');
    assert!(screen.contains("~ khớp sau chuẩn hóa"));
}

#[test]
fn mono_sub_record() {
    let mut s = mixed_diff(true);
    // Space marks a row and moves down; again unmarks.
    press(&mut s, KeyCode::Char(' '));
    let screen = shown(&s);
    assert!(row(&screen, "Giới tính").contains("[x]"), "{screen}");
    assert!(
        row(&screen, "Dân tộc").starts_with(">   "),
        "not kept: no box"
    );
    // Expand all: the parts in ASCII.
    press(&mut s, KeyCode::Char('+'));
    press(&mut s, KeyCode::End);
    let screen = shown(&s);
    assert!(screen.contains("`-Quan hệ"), "{screen}");
    assert!(screen.contains("Chủ hộ"));
}

#[test]
fn take_all_that_differ_then_undo() {
    let mut s = mixed_diff(false);
    // The typing's draft save goes out first.
    let saved = update(&mut s, Msg::DraftTimer);
    assert!(
        matches!(
            saved.as_slice(),
            [Effect::Store(StoreCmd::SaveDraft { .. })]
        ),
        "{saved:?}"
    );
    press(&mut s, KeyCode::Char('a'));
    let Phase::Diff(view) = phase(&s) else {
        panic!("still the diff");
    };
    assert_eq!(
        view.marked.iter().copied().collect::<Vec<_>>(),
        [
            PopField::Sex,
            PopField::PermanentAddress,
            PopField::CurrentAddress,
            PopField::HouseholdHead,
            PopField::HouseholdBookNumber,
        ],
        "the differing and missing kept fields; not the ≈ name, not unkept ethnicity"
    );
    let effects = key(&mut s, KeyCode::Enter);
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::DraftTimer { .. })),
        "taking values arms the draft save: {effects:?}"
    );
    let Screen::Intake(form) = s.screen() else {
        panic!("Enter applies and closes the check");
    };
    let p = &form.dossier.submitter;
    assert_eq!(p.address, ADDRESS);
    assert_eq!(p.sex, Some(Sex::Female));
    assert_eq!(p.name, "LÊ THỊ THU HÀ", "the ≈ name was not taken");
    assert_eq!(
        p.evidence_of(motcua::dossier::PersonField::Address).source,
        Source::PopulationDb
    );
    assert_eq!(p.extra[&PopField::HouseholdBookNumber].value, "790142857");
    let screen = check("check_taken", &s);
    match update(&mut s, Msg::DraftTimer).as_slice() {
        [Effect::Store(StoreCmd::SaveDraft { dossier, .. })] => {
            assert_eq!(dossier.submitter.address, ADDRESS);
            assert_eq!(dossier.submitter.extra.len(), 3);
            assert_eq!(
                dossier.population_checks[&Role::Submitter].state,
                CheckMarkState::Found
            );
        }
        other => panic!("the taken values are saved with the draft, got {other:?}"),
    }
    assert!(screen.contains("CSDL DC ●●●"));
    assert!(screen.contains("Đã lấy 5 trường từ CSDL dân cư vào hồ sơ"));

    let _ = ctrl(&mut s, 'z');
    let Screen::Intake(form) = s.screen() else {
        panic!("still the form");
    };
    let p = &form.dossier.submitter;
    assert_eq!(
        p.address,
        "Số 52 đường Nguyễn Thị Minh Khai, Phường Bến Thành, Quận 1, TP Hồ Chí Minh"
    );
    assert_eq!(p.sex, Some(Sex::Male));
    assert!(p.extra.is_empty());
    assert_eq!(
        p.evidence_of(motcua::dossier::PersonField::Address).source,
        Source::Typed
    );
    let screen = shown(&s);
    assert!(screen.contains("Đã hoàn tác"), "{screen}");
    assert!(!screen.contains("CSDL DC"), "{screen}");
    assert!(screen.contains("Số 52"));
}

#[test]
fn expand_and_collapse_a_sub_record() {
    let mut s = mixed_diff(false);
    // To the mother's row.
    let Phase::Diff(view) = phase(&s) else {
        panic!("the diff");
    };
    let from = view.cursor;
    let to = view
        .rows
        .iter()
        .position(|r| r.field == PopField::Mother)
        .expect("a mother row");
    for _ in from..to {
        press(&mut s, KeyCode::Down);
    }
    press(&mut s, KeyCode::Right);
    let screen = shown(&s);
    assert!(screen.contains("└ Họ tên"), "{screen}");
    assert!(screen.contains("079165002947"));
    press(&mut s, KeyCode::Left);
    let screen = shown(&s);
    assert!(!screen.contains("└ "), "{screen}");
}

#[test]
fn audit_screen() {
    let mut s = form(false);
    let effects = key(&mut s, KeyCode::F(12));
    let req = effects
        .iter()
        .find_map(|e| match e {
            Effect::Store(StoreCmd::ListAudit { req, citizen }) => {
                assert_eq!(*citizen, None);
                Some(*req)
            }
            _ => None,
        })
        .expect("F12 reads the audit log");
    let row = |n: u32, official: &str, citizen: &str, kind: CheckKind, outcome: &str| {
        let fields = if outcome == "found" {
            motcua::dossier::population::fields_returned(&record())
                .into_iter()
                .map(str::to_owned)
                .collect()
        } else {
            Vec::new()
        };
        let audit = LookupAudit {
            kind,
            official: official.into(),
            citizen: citizen.into(),
            procedure_code: "1.004222".into(),
            dossier_id: Some(DOSSIER_ID.into()),
            dossier_code: Some("000.00.92.H55-230306-0001".into()),
            fields,
            outcome: outcome.into(),
            lookup_id: Some(format!("lk-{n:04}")),
        };
        *entry(&audit, n)
    };
    let rows = vec![
        row(9, "canbo01", ID, CheckKind::Lookup, "found"),
        row(7, "canbo01", ID, CheckKind::DigitalIdentity, "has_account"),
        row(5, "canbo01", ID, CheckKind::Verify, "exists"),
        row(4, "canbo02", "001072004519", CheckKind::Lookup, "queued"),
        row(3, "canbo02", "079195000002", CheckKind::Lookup, "not_found"),
        row(1, "canbo01", ID, CheckKind::Lookup, "error:RATE_LIMITED"),
    ];
    let _ = update(
        &mut s,
        Msg::Store(StoreEvent::Audit {
            req,
            result: Ok(rows),
        }),
    );
    let screen = check("audit_screen", &s);
    assert!(screen.contains("6 bản ghi"));
    assert!(screen.contains("06/03/2023 14:39:12"));
    assert!(screen.contains("Đã có TK"));
    assert!(screen.contains("Lỗi RATE_LIM"));
    assert!(screen.contains("Chờ (ngoại"));
    // The selected record's purpose, and how many fields the database returned.
    assert!(
        screen.contains(
            "Mục đích: thủ tục 1.004222, hồ sơ 000.00.92.H55-230306-0001 · trả về 18 trường"
        ),
        "{screen}"
    );
}

#[test]
fn audit_screen_shows_the_last_retention_purge() {
    use motcua::store::chain::Checkpoint;
    use motcua::store::retention::{PURGE_ACTION, PurgeReport};
    let mut s = form(false);
    let effects = key(&mut s, KeyCode::F(12));
    let (list, purge) = effects.iter().fold((None, None), |acc, e| match e {
        Effect::Store(StoreCmd::ListAudit { req, .. }) => (Some(*req), acc.1),
        Effect::Store(StoreCmd::LastPurge { req }) => (acc.0, Some(*req)),
        _ => acc,
    });
    let (list, purge) = (
        list.expect("the audit log is read"),
        purge.expect("the last purge is read"),
    );
    let report = PurgeReport {
        server_time: "2026-04-05T08:00:00+07:00".into(),
        keep_days: 30,
        audit_days: 1095,
        dossiers: 12,
        revisions: 14,
        checks: 3,
        outbox: 40,
        audit: 25,
        checkpoint: Some(Checkpoint {
            seq: 25,
            hash: "9f2c4be1d07a5e3388c1f0a2b4d6e8f00112233445566778899aabbccddeeff0".into(),
        }),
        record: Some("019abcde-0000-7000-8000-000000000299".into()),
        audit_skipped: None,
    };
    let purge_record = AuditEntry {
        id: "019abcde-0000-7000-8000-000000000299".into(),
        at: "2026-04-05T08:00:00+07:00".into(),
        official: "canbo01".into(),
        action: PURGE_ACTION.into(),
        citizen: String::new(),
        procedure_code: String::new(),
        dossier_id: None,
        detail: serde_json::json!({ "dossiers": 12, "checks": 3, "audit": 25 }),
        dossier_code: None,
    };
    let lookup = LookupAudit {
        kind: CheckKind::Lookup,
        official: "canbo01".into(),
        citizen: ID.into(),
        procedure_code: "1.004222".into(),
        dossier_id: Some(DOSSIER_ID.into()),
        dossier_code: Some("000.00.92.H55-230306-0001".into()),
        fields: Vec::new(),
        outcome: "not_found".into(),
        lookup_id: Some("lk-0030".into()),
    };
    let _ = update(
        &mut s,
        Msg::Store(StoreEvent::Audit {
            req: list,
            result: Ok(vec![purge_record, *entry(&lookup, 3)]),
        }),
    );
    // Before the store answers about purges, nothing is said about them.
    assert!(!shown(&s).contains("hết hạn lần cuối"));
    let _ = update(
        &mut s,
        Msg::Store(StoreEvent::LastPurge {
            req: purge,
            result: Ok(Some(report)),
        }),
    );
    let screen = check("audit_screen_purge", &s);
    assert!(
        screen.contains(
            "Xóa hết hạn lần cuối 05/04/2026 08:00 (giờ máy chủ) · mốc nhật ký: mắt xích 25"
        ),
        "{screen}"
    );
    assert!(
        screen.contains(
            "Đã xóa 12 hồ sơ, 3 kết quả tra cứu, 25 bản ghi nhật ký · mã băm mốc 9f2c4be1…"
        ),
        "{screen}"
    );
    assert!(screen.contains("Xóa hết hạn"), "the purge's own record");

    // A store that never purged says so.
    let mut s = form(false);
    let effects = key(&mut s, KeyCode::F(12));
    let purge = effects
        .iter()
        .find_map(|e| match e {
            Effect::Store(StoreCmd::LastPurge { req }) => Some(*req),
            _ => None,
        })
        .unwrap();
    let _ = update(
        &mut s,
        Msg::Store(StoreEvent::LastPurge {
            req: purge,
            result: Ok(None),
        }),
    );
    assert!(
        shown(&s).contains("Chưa lần nào xóa dữ liệu hết thời hạn lưu trữ."),
        "{}",
        shown(&s)
    );
}

// ---------------------------------------------------------------------------
// Nothing from the database is shown before its audit record is written

/// Sends with `code`, answers with `result`: the answer is logged first and not shown;
/// a failed log shows the failure and never the answer; a retry logged shows it.
fn logged_before_shown(
    code: KeyCode,
    kind: CheckKind,
    result: &Result<CheckAnswer, ClientError>,
    secret: &[&str],
) {
    let mut s = form(false);
    fill_mixed(&mut s);
    open_check(&mut s);
    let hidden = |s: &State, when: &str| {
        let screen = shown(s);
        for x in secret {
            assert!(!screen.contains(x), "{x} shown {when}:\n{screen}");
        }
        screen
    };

    let (req, call) = sent(&key(&mut s, code));
    match (&call, kind) {
        (CheckCall::Lookup(_), CheckKind::Lookup)
        | (CheckCall::Verify(_), CheckKind::Verify)
        | (CheckCall::DigitalIdentity(_), CheckKind::DigitalIdentity) => {}
        _ => panic!("{code:?} sent {call:?}"),
    }
    hidden(&s, "while waiting");
    let (audit, answer) = backend_answers(&mut s, req, result.clone());
    assert_eq!(audit.kind, kind);
    assert!(audit.lookup_id.is_some());
    assert_eq!(
        *answer, *result,
        "the store gets the answer to keep with the log"
    );
    assert_eq!(phase(&s), &Phase::Waiting { req, kind });
    hidden(&s, "before the audit record");

    // The store could not write the record.
    let effects = update(
        &mut s,
        Msg::Store(StoreEvent::CheckRecorded {
            req,
            answer,
            result: Err("database is locked".into()),
        }),
    );
    assert!(effects.is_empty(), "{effects:?}");
    let screen = hidden(&s, "after a failed audit record");
    assert!(
        screen.contains("Không ghi được nhật ký tra cứu (database is locked)"),
        "{screen}"
    );
    assert!(matches!(phase(&s), Phase::Failed(_)));
    let Screen::Check(_) = s.screen() else {
        panic!("the check stays open");
    };
    // A late second record of the same request changes nothing.
    let _ = update(
        &mut s,
        Msg::Store(StoreEvent::CheckRecorded {
            req,
            answer: Box::new(result.clone()),
            result: Ok(entry(&audit, 1)),
        }),
    );
    hidden(&s, "after a record of a request already settled");

    // Try again: logged this time, so shown.
    let (req2, _) = sent(&key(&mut s, code));
    assert_ne!(req2, req);
    let (audit, answer) = backend_answers(&mut s, req2, result.clone());
    hidden(&s, "before the second audit record");
    let _ = store_logged(&mut s, req2, &audit, answer);
    let screen = shown(&s);
    for x in secret {
        assert!(screen.contains(x), "{x} not shown once logged:\n{screen}");
    }
}

#[test]
fn lookup_is_logged_before_it_is_shown() {
    logged_before_shown(
        KeyCode::Enter,
        CheckKind::Lookup,
        &Ok(found()),
        &[MOTHER, "Kinh"],
    );
}

#[test]
fn verify_is_logged_before_it_is_shown() {
    logged_before_shown(
        KeyCode::F(8),
        CheckKind::Verify,
        &Ok(CheckAnswer::Verify(VerifyResponse {
            lookup_id: "lk-0002".into(),
            exists: true,
        })),
        &["Công dân tồn tại"],
    );
}

#[test]
fn digital_identity_is_logged_before_it_is_shown() {
    logged_before_shown(
        KeyCode::F(9),
        CheckKind::DigitalIdentity,
        &Ok(CheckAnswer::DigitalIdentity(DigitalIdentityResponse {
            lookup_id: "lk-0003".into(),
            valid: true,
            has_account: true,
            level: Some(2),
        })),
        &["hợp lệ", "Đã có"],
    );
}

#[test]
fn a_stale_answer_is_logged_but_not_shown() {
    let mut s = form(false);
    fill_mixed(&mut s);
    open_check(&mut s);
    let (first, call) = sent(&key(&mut s, KeyCode::Enter));
    let CheckCall::Lookup(old) = call else {
        panic!("a lookup");
    };
    // The official corrects the name while the first lookup is in flight, and sends again.
    for _ in 0.."LÊ THỊ THU HÀ".chars().count() {
        press(&mut s, KeyCode::Backspace);
    }
    type_text(&mut s, "Lê Thị Thu Hà");
    assert_eq!(phase(&s), &Phase::Input, "editing leaves the wait");
    let (second, call) = sent(&key(&mut s, KeyCode::Enter));
    assert_ne!(first, second);
    let CheckCall::Lookup(new) = call else {
        panic!("a lookup");
    };
    assert_eq!(old.full_name, "LÊ THỊ THU HÀ");
    assert_eq!(new.full_name, "Lê Thị Thu Hà");

    // The first answer still gets its audit record…
    let (audit, answer) = backend_answers(&mut s, first, Ok(found()));
    assert_eq!(audit.outcome, "found");
    let effects = store_logged(&mut s, first, &audit, answer);
    // …but is not shown, and does not mark the dossier.
    assert!(effects.is_empty(), "{effects:?}");
    assert_eq!(
        phase(&s),
        &Phase::Waiting {
            req: second,
            kind: CheckKind::Lookup
        }
    );
    let screen = shown(&s);
    assert!(!screen.contains(MOTHER));
    assert!(screen.contains("Đang tra cứu CSDL dân cư"), "{screen}");
    let Some(Screen::Intake(form)) = s.screens.iter().rev().nth(1) else {
        panic!("the form under the check");
    };
    assert!(form.dossier.population_checks.is_empty());

    // The second answer shows.
    let (audit, answer) = backend_answers(&mut s, second, Ok(found()));
    let _ = store_logged(&mut s, second, &audit, answer);
    assert!(matches!(phase(&s), Phase::Diff(_)));
    let screen = shown(&s);
    assert!(screen.contains(MOTHER), "{screen}");
    // The Form column is the form as it was when the check opened, not the corrected
    // lookup input.
    assert_eq!(symbol(row(&screen, "Họ và tên")), '≈');
    assert!(row(&screen, "Họ và tên").contains("LÊ THỊ THU HÀ"));
}

// ---------------------------------------------------------------------------
// Reading the card (F5) into the form, and the Card column of the diff

const QR: &str = "079192019782||Lê Thị Thu Hà|14051992|Nữ|Số 25 đường Nguyễn Thị Minh Khai, Phường Bến Thành, Thành phố Hồ Chí Minh|10082021";

fn card_phase(s: &State) -> &motcua::screens::card::Phase {
    match s.screen() {
        Screen::Card(c) => &c.phase,
        _ => panic!("the card screen is not on top"),
    }
}

/// The read the app asked the card service for.
fn card_read_sent(effects: &[Effect]) -> (u64, String) {
    effects
        .iter()
        .find_map(|e| match e {
            Effect::Card(motcua::card::service::CardCmd::Read { id, bac_info, .. }) => {
                Some((*id, bac_info.clone()))
            }
            _ => None,
        })
        .expect("a read sent to the card service")
}

/// The demo's virtual card read for real in process, authenticated against a folder
/// holding (or not) the test CSCA that signed it.
fn chip_read(bac_info: &str, trusted: bool, tamper: bool) -> Box<motcua::card::service::ChipRead> {
    use motcua::card::{dg13, reader, service, testpki::TestPki, virtual_card};
    let pki = TestPki::generate(1);
    let dir = tempfile::tempdir().unwrap();
    if trusted {
        std::fs::write(dir.path().join("csca.pem"), pki.csca_pem()).unwrap();
    }
    let holder = virtual_card::demo_holder();
    let mut card = virtual_card::VirtualCard::new(&holder, 1).unwrap();
    card.sign(&pki);
    if tamper {
        let mut d = holder.details.clone();
        d.full_name = Some("Nguyễn Văn Giả".into());
        card.set_file(reader::EF_DG13, dg13::encode(&d, true));
    }
    let mut chip = service::read_chip(
        &mut card,
        bac_info,
        false,
        Some(dir.path()),
        "ACS ACR1252 00 00",
        &|_| {},
    )
    .unwrap();
    chip.at = date(2023, 3, 6).at(14, 30, 0, 0);
    chip
}

fn scan(s: &mut State, text: &str) {
    let _ = update(
        s,
        Msg::Scan {
            text: text.into(),
            at: date(2023, 3, 6).at(14, 29, 0, 0),
        },
    );
}

#[test]
fn a_qr_scan_fills_the_access_key_and_the_chip_fills_the_form() {
    use motcua::card::service::{CardEvent, ReaderState};
    let mut s = form(false);
    let _ = update(
        &mut s,
        Msg::Card(CardEvent::Reader(ReaderState::Ready {
            reader: "ACS ACR1252 00 00".into(),
            card: true,
        })),
    );
    assert!(
        key(&mut s, KeyCode::F(5)).is_empty(),
        "opening sends nothing"
    );
    let screen = check("card_inputs", &s);
    assert!(screen.contains("Đọc thẻ CCCD — Người nộp"));
    assert!(screen.contains("ACS ACR1252 00 00 · có thẻ"));
    assert!(screen.contains("▣ có thẻ"), "the status bar shows the card");
    // A keyboard-wedge or serial scan fills the ID and birth date, proposes the expiry.
    scan(&mut s, QR);
    let screen = check("card_qr_scanned", &s);
    assert!(screen.contains("Đã quét QR: Lê Thị Thu Hà · 079192019782 · 14/05/1992"));
    assert!(
        screen.contains("14/05/2032"),
        "the 40th birthday after the dossier's date"
    );
    let (id, bac_info) = card_read_sent(&key(&mut s, KeyCode::Enter));
    assert!(matches!(
        card_phase(&s),
        motcua::screens::card::Phase::Reading { .. }
    ));
    let _ = update(
        &mut s,
        Msg::Card(CardEvent::Progress {
            id,
            step: motcua::card::service::STEP_READ,
        }),
    );
    assert!(shown(&s).contains("Đang đọc dữ liệu trên chip…"));
    let chip = chip_read(&bac_info, true, false);
    assert_eq!(chip.pa.level, "verified");
    let _ = update(
        &mut s,
        Msg::Card(CardEvent::Done {
            id,
            result: Ok(chip),
        }),
    );
    let screen = check("card_read_verified", &s);
    assert!(screen.contains("✓ Xác thực thụ động: đã xác thực"));
    assert!(screen.contains("Trần Thị Lan"));
    // Enter takes it: the form's identity fields with the chip as evidence, high trust.
    let effects = key(&mut s, KeyCode::Enter);
    assert!(matches!(s.screen(), Screen::Intake(_)));
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::DraftTimer { .. }))
    );
    let Screen::Intake(i) = s.screen() else {
        unreachable!()
    };
    let p = &i.dossier.submitter;
    assert_eq!(p.name, "Lê Thị Thu Hà");
    assert_eq!(p.id_number, ID);
    assert_eq!(p.birth, "14/05/1992");
    assert_eq!(p.sex, Some(Sex::Female));
    let ev = p.evidence[&motcua::dossier::PersonField::Name];
    assert_eq!(ev.source, Source::Chip);
    assert_eq!(ev.trust, motcua::dossier::Trust::High);
    let reading = &i.dossier.cards[&Role::Submitter];
    assert_eq!(reading.passive_auth.as_deref(), Some("verified"));
    assert_eq!(reading.apdu_count, Some(17));
    check("card_taken_into_form", &s);
    // The population check now has a Card column: the card agrees with the database.
    open_check(&mut s);
    let _ = run(&mut s, KeyCode::Enter, Ok(found()));
    let screen = check("check_with_card_column", &s);
    assert!(
        row(&screen, "Họ và tên").matches("Lê Thị Thu Hà").count() >= 2,
        "{screen}"
    );
}

#[test]
fn a_tampered_chip_is_shown_failed_and_not_taken_and_a_read_can_be_cancelled() {
    use motcua::card::service::{CardCmd, CardEvent, ServiceError};
    let mut s = form(true);
    assert!(key(&mut s, KeyCode::F(5)).is_empty());
    // Typed by hand: the ID, the birth date; the expiry is proposed.
    type_text(&mut s, ID);
    tab(&mut s, 1);
    type_text(&mut s, "14/05/1992");
    let (id, bac_info) = card_read_sent(&key(&mut s, KeyCode::Enter));
    // Esc while reading cancels; the service answers Cancelled and the key stays.
    let effects = key(&mut s, KeyCode::Esc);
    assert_eq!(effects, vec![Effect::Card(CardCmd::Cancel)]);
    let _ = update(
        &mut s,
        Msg::Card(CardEvent::Done {
            id,
            result: Err(ServiceError::Cancelled),
        }),
    );
    assert!(shown(&s).contains("Đã hủy đọc thẻ; không có dữ liệu nào được ghi nhận."));
    let (id, _) = card_read_sent(&key(&mut s, KeyCode::Enter));
    let chip = chip_read(&bac_info, true, true);
    let _ = update(
        &mut s,
        Msg::Card(CardEvent::Done {
            id,
            result: Ok(chip),
        }),
    );
    let screen = check("card_read_failed_mono", &s);
    assert!(screen.contains("✗ Xác thực thụ động: KHÔNG HỢP LỆ"));
    assert!(screen.contains("DG13"));
    // Enter does not take it.
    let _ = key(&mut s, KeyCode::Enter);
    assert!(matches!(s.screen(), Screen::Card(_)));
    let _ = key(&mut s, KeyCode::Esc);
    let Screen::Intake(i) = s.screen() else {
        panic!("the form is back")
    };
    assert!(i.dossier.submitter.name.is_empty());
    assert!(i.dossier.cards.is_empty());
}

#[test]
fn a_scan_elsewhere_opens_the_card_screen_or_says_where_to_go() {
    let mut s = form(false);
    scan(&mut s, QR);
    assert!(
        matches!(s.screen(), Screen::Card(_)),
        "a scan in the form opens the card screen"
    );
    // F4 takes the QR's values, as QR evidence (medium trust).
    let _ = key(&mut s, KeyCode::F(4));
    let Screen::Intake(i) = s.screen() else {
        panic!("the form is back")
    };
    let p = &i.dossier.submitter;
    assert_eq!(p.name, "Lê Thị Thu Hà");
    assert_eq!(
        p.evidence[&motcua::dossier::PersonField::Name].source,
        Source::Qr
    );
    assert_eq!(i.dossier.cards[&Role::Submitter].source, Source::Qr);
    // On the procedure list a scan is not lost silently: the official is told.
    let mut s = loaded(Lang::Vi, false, catalogue::sample());
    scan(&mut s, QR);
    assert!(shown(&s).contains("Đã quét mã QR: hãy mở một hồ sơ"));
}
