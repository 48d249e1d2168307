//! The population check when the desk works offline without a sign-in: a lookup is
//! queued at once (and logged), a quick check says it cannot be done (and is logged).

mod common;

use common::{loaded, press, type_text};
use jiff::civil::date;
use motcua::app::{Effect, Link, Msg, update};
use motcua::catalogue;
use motcua::dossier::{Dossier, ProcedureInfo};
use motcua::i18n::Lang;
use motcua::store::service::{StoreCmd, StoreEvent};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn key(s: &mut motcua::app::State, code: KeyCode) -> Vec<Effect> {
    update(s, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn offline_form() -> motcua::app::State {
    let mut s = loaded(Lang::Vi, false, catalogue::sample());
    s.link = Link::Offline;
    let effects = key(&mut s, KeyCode::Enter);
    let req = effects
        .iter()
        .find_map(|e| match e {
            Effect::Store(StoreCmd::NewDossier { req, .. }) => Some(*req),
            _ => None,
        })
        .expect("a new dossier");
    let d = Dossier::new(
        "019abcde-0000-7000-8000-000000000009".into(),
        ProcedureInfo {
            code: "1.001277".into(),
            name: "Giải quyết trợ cấp xã hội hằng tháng".into(),
            population_lookup: Some(true),
            ..ProcedureInfo::default()
        },
        date(2026, 11, 23).at(9, 0, 0, 0),
    );
    let _ = update(
        &mut s,
        Msg::Store(StoreEvent::NewDossier {
            req,
            result: Ok(Box::new(d)),
        }),
    );
    type_text(&mut s, "Lê Thị Thu Hà");
    press(&mut s, KeyCode::Tab);
    type_text(&mut s, "079192019782");
    press(&mut s, KeyCode::Tab);
    type_text(&mut s, "14/05/1992");
    s
}

#[test]
fn an_offline_lookup_is_queued_and_logged_without_a_call() {
    let mut s = offline_form();
    key(&mut s, KeyCode::F(7));
    let effects = key(&mut s, KeyCode::Enter);
    assert!(
        !effects.iter().any(|e| matches!(e, Effect::Backend(_))),
        "nothing is sent: {effects:?}"
    );
    let Some(Effect::Store(StoreCmd::QueueCheck { audit, request, .. })) = effects.first() else {
        panic!("the lookup is queued: {effects:?}");
    };
    assert_eq!(audit.outcome, "queued");
    assert_eq!(request.birth_date, "1992-05-14");
    assert_eq!(request.procedure_code, "1.001277");
}

#[test]
fn an_offline_quick_check_is_logged_as_an_error() {
    let mut s = offline_form();
    key(&mut s, KeyCode::F(7));
    let effects = key(&mut s, KeyCode::F(8));
    let Some(Effect::Store(StoreCmd::RecordCheck { audit, answer, .. })) = effects.first() else {
        panic!("the verification is logged: {effects:?}");
    };
    assert_eq!(audit.outcome, "error:OFFLINE");
    assert!(answer.is_err());
}
