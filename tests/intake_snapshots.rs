//! Whole-screen snapshots of the intake form and the dossier list, driven through the
//! real `update` with the store's answers injected (fixed ids and clock).

mod common;

use common::{draw, loaded, press, text, type_text};
use jiff::civil::date;
use motcua::app::{Effect, Msg, State, update};
use motcua::catalogue;
use motcua::dossier::{Dossier, DossierRow, ProcedureInfo, SyncState};
use motcua::i18n::Lang;
use motcua::store::service::{StoreCmd, StoreEvent};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path("../snapshots");
    s.set_prepend_module_to_snapshot(false);
    s
}

fn check(name: &str, s: &State) -> String {
    let screen = text(&draw(s));
    assert!(
        !screen.contains('⟦'),
        "missing string on screen {name}:\n{screen}"
    );
    settings().bind(|| insta::assert_snapshot!(name, screen));
    screen
}

fn ctrl(s: &mut State, c: char) -> Vec<Effect> {
    update(
        s,
        Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)),
    )
}

fn dossier() -> Dossier {
    Dossier::new(
        "019abcde-0000-7000-8000-000000000001".into(),
        ProcedureInfo {
            code: "1.001776".into(),
            name: "Đăng ký khai sinh".into(),
            field: "Hộ tịch".into(),
            days: 15,
            charge: 8000,
            ..ProcedureInfo::default()
        },
        date(2023, 3, 6).at(14, 27, 45, 0),
    )
}

/// The procedure list, then Enter: the store's answer opens the form.
fn form(lang: Lang) -> State {
    let mut s = loaded(lang, false, catalogue::sample());
    let effects = update(
        &mut s,
        Msg::Key(KeyEvent::new(KeyCode::Down, KeyModifiers::NONE)),
    );
    assert!(effects.is_empty());
    let effects = update(
        &mut s,
        Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
    );
    let req = effects
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
    s
}

fn tab(s: &mut State, n: usize) {
    for _ in 0..n {
        press(s, KeyCode::Tab);
    }
}

fn fill(s: &mut State) {
    type_text(s, "Lê Thị Thu Hà");
    tab(s, 1);
    type_text(s, "079192019782");
    tab(s, 1);
    type_text(s, "14/05/1992");
    tab(s, 1);
    press(s, KeyCode::Right);
    press(s, KeyCode::Right);
    tab(s, 1);
    type_text(s, "0912345678");
    tab(s, 1);
    type_text(s, "12 Nguyễn Huệ, Phường Sài Gòn, TP Hồ Chí Minh");
}

#[test]
fn form_empty() {
    let screen = check("intake_empty", &form(Lang::Vi));
    assert!(screen.contains("27/03/2023 14:27:45"), "seed 001 due date");
    assert!(screen.contains("Họ tên *"));
}

#[test]
fn form_filled() {
    let mut s = form(Lang::Vi);
    fill(&mut s);
    let screen = check("intake_filled", &s);
    assert!(screen.contains("Gõ tay ●○○"));
    assert!(!screen.contains('✗'));
}

#[test]
fn form_with_errors_is_refused() {
    let mut s = form(Lang::Vi);
    type_text(&mut s, "Lê Thị Thu Hà");
    tab(&mut s, 1);
    type_text(&mut s, "03080104271");
    tab(&mut s, 5);
    type_text(&mut s, "abc@");
    let effects = ctrl(&mut s, 's');
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::Store(StoreCmd::Finalize { .. }))),
        "a dossier with errors is not finalized"
    );
    let screen = check("intake_errors", &s);
    assert!(
        screen.contains("11"),
        "the length error names the digits typed"
    );
    assert!(screen.contains("Email"));
}

#[test]
fn form_in_english() {
    let mut s = form(Lang::En);
    fill(&mut s);
    check("intake_filled_en", &s);
}

#[test]
fn finalized_dossier_opens_read_only_and_the_receipt() {
    let mut s = loaded(Lang::Vi, false, catalogue::sample());
    let effects = update(
        &mut s,
        Msg::Key(KeyEvent::new(KeyCode::F(6), KeyModifiers::NONE)),
    );
    let list_req = effects
        .iter()
        .find_map(|e| match e {
            Effect::Store(StoreCmd::ListDossiers { req, .. }) => Some(*req),
            _ => None,
        })
        .expect("F6 lists the dossiers");
    let mut d = dossier();
    d.code = Some("000.00.92.H55-230306-0001".into());
    d.submitter.name = "Lê Thị Thu Hà".into();
    d.submitter.id_number = "079192019782".into();
    d.compute_due(&motcua::calendar::office::OfficeCalendar::default());
    let row = |id: &str, code: Option<&str>, provisional, finalized, sync| DossierRow {
        id: id.into(),
        revision: u32::from(finalized),
        code: code.map(str::to_owned),
        code_provisional: provisional,
        procedure_code: "1.001776".into(),
        procedure_name: "Đăng ký khai sinh".into(),
        applicant: "Lê Thị Thu Hà".into(),
        received_at: date(2023, 3, 6).at(14, 27, 45, 0),
        due_at: d.due_at,
        status: 2,
        sync,
        finalized,
        has_draft: !finalized,
    };
    let _ = update(
        &mut s,
        Msg::Store(StoreEvent::Dossiers {
            req: list_req,
            result: Ok((
                vec![
                    row(&d.id, d.code.as_deref(), false, true, SyncState::Pending),
                    row(
                        "b",
                        Some("000.00.92.H55-230306-T001"),
                        true,
                        true,
                        SyncState::Synced,
                    ),
                    row("c", None, false, false, SyncState::Draft),
                ],
                date(2023, 3, 6),
            )),
        }),
    );
    check("dossier_list", &s);
    let effects = update(
        &mut s,
        Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
    );
    let open_req = effects
        .iter()
        .find_map(|e| match e {
            Effect::Store(StoreCmd::LoadDossier { req, .. }) => Some(*req),
            _ => None,
        })
        .expect("Enter opens the dossier");
    let _ = update(
        &mut s,
        Msg::Store(StoreEvent::Dossier {
            req: open_req,
            result: Ok((Some(Box::new(d)), None)),
        }),
    );
    let screen = check("intake_read_only", &s);
    assert!(screen.contains("chỉ xem"));
    type_text(&mut s, "p");
    let screen = check("receipt", &s);
    assert!(screen.contains("000.00.92.H55-230306-0001"));
}

#[test]
fn typing_arms_one_draft_timer_and_quit_saves_the_draft() {
    let mut s = form(Lang::Vi);
    let first = update(
        &mut s,
        Msg::Key(KeyEvent::new(KeyCode::Char('L'), KeyModifiers::NONE)),
    );
    assert!(matches!(first.as_slice(), [Effect::DraftTimer { .. }]));
    let second = update(
        &mut s,
        Msg::Key(KeyEvent::new(KeyCode::Char('ê'), KeyModifiers::NONE)),
    );
    assert!(second.is_empty(), "one timer at a time");
    let saved = update(&mut s, Msg::DraftTimer);
    match saved.as_slice() {
        [
            Effect::Store(StoreCmd::SaveDraft {
                dossier,
                open: true,
            }),
        ] => {
            assert_eq!(dossier.submitter.name, "Lê");
        }
        other => panic!("expected a draft save, got {other:?}"),
    }
    type_text(&mut s, " Thị");
    let quit = update(&mut s, Msg::Shutdown);
    assert!(matches!(
        quit.as_slice(),
        [Effect::Store(StoreCmd::SaveDraft { .. }), Effect::Quit]
    ));
}
