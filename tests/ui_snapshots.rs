//! Whole-screen snapshots of the procedure list at 80×24, stored in `snapshots/`.

mod common;

use common::{draw, loaded, press, state, text, type_text};
use motcua::catalogue;
use motcua::i18n::Lang;
use ratatui::crossterm::event::KeyCode;

fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path("../snapshots");
    s.set_prepend_module_to_snapshot(false);
    s
}

/// Snapshots the screen's text and checks no string is missing from the language table.
fn check(name: &str, s: &motcua::app::State) -> String {
    let screen = text(&draw(s));
    assert!(
        !screen.contains('⟦'),
        "missing string on screen {name}:\n{screen}"
    );
    settings().bind(|| insta::assert_snapshot!(name, screen));
    screen
}

#[test]
fn empty_catalogue() {
    let screen = check("procedures_empty", &loaded(Lang::Vi, false, Vec::new()));
    assert!(screen.contains("catalogue import"));
}

#[test]
fn loading() {
    let mut s = state(Lang::Vi, false, 80, 24);
    let _ = s.init();
    check("procedures_loading", &s);
}

#[test]
fn loaded_sample() {
    let screen = check(
        "procedures_loaded",
        &loaded(Lang::Vi, false, catalogue::sample()),
    );
    assert!(screen.contains("DEMO"));
    assert!(screen.contains("Lĩnh vực Thư viện"));
}

#[test]
fn filtered_thu_vien() {
    let mut s = loaded(Lang::Vi, false, catalogue::sample());
    press(&mut s, KeyCode::Char('/'));
    type_text(&mut s, "thu vien");
    let screen = check("procedures_filtered", &s);
    for stt in ["   1 Thủ tục", "   2 Thủ tục", "   3 Thủ tục"] {
        assert!(screen.contains(stt), "{stt}");
    }
    assert!(!screen.contains("   4 "));
    assert!(screen.contains("3/14"));
    assert!(!screen.contains("Tham vấn"));
}

#[test]
fn group_collapsed() {
    let mut s = loaded(Lang::Vi, false, catalogue::sample());
    press(&mut s, KeyCode::Up);
    press(&mut s, KeyCode::Char(' '));
    let screen = check("procedures_group_collapsed", &s);
    assert!(screen.contains("▸ Lĩnh vực Thư viện"));
}

#[test]
fn help_overlay() {
    let mut s = loaded(Lang::Vi, false, catalogue::sample());
    press(&mut s, KeyCode::Char('?'));
    let screen = check("procedures_help", &s);
    assert!(screen.contains("Trợ giúp phím"));
}

#[test]
fn palette() {
    let mut s = loaded(Lang::Vi, false, catalogue::sample());
    press(&mut s, KeyCode::Char(':'));
    type_text(&mut s, "thu gon");
    let screen = check("procedures_palette", &s);
    assert!(screen.contains("collapse_all"));
}

#[test]
fn too_small() {
    let mut s = loaded(Lang::Vi, false, catalogue::sample());
    let _ = motcua::app::update(&mut s, motcua::app::Msg::Resize(60, 20));
    let screen = check("procedures_too_small", &s);
    assert!(screen.contains("60×20"));
}

#[test]
fn english() {
    let mut s = loaded(Lang::En, false, catalogue::sample());
    press(&mut s, KeyCode::Char('/'));
    type_text(&mut s, "THƯ VIỆN");
    let screen = check("procedures_english", &s);
    assert!(screen.contains("Procedure catalogue"));
}

#[test]
fn details() {
    let mut s = loaded(Lang::Vi, false, catalogue::sample());
    press(&mut s, KeyCode::Char('i'));
    let screen = check("procedures_detail", &s);
    assert!(screen.contains("NT.0001"));
}

#[test]
fn big_catalogue_scrolled() {
    let mut s = loaded(Lang::Vi, false, catalogue::generate(2000, 1));
    for _ in 0..30 {
        press(&mut s, KeyCode::Down);
    }
    check("procedures_big_scrolled", &s);
}

/// The monochrome theme: styles matter (selection is reverse video, matches underlined),
/// so the snapshot is the buffer with its styles.
#[test]
fn monochrome() {
    let mut s = loaded(Lang::Vi, true, catalogue::sample());
    press(&mut s, KeyCode::Char('/'));
    type_text(&mut s, "thu vien");
    let buf = draw(&s);
    for cell in buf.content() {
        assert_eq!(
            cell.fg,
            ratatui::style::Color::Reset,
            "mono theme must not set colours"
        );
        assert_eq!(
            cell.bg,
            ratatui::style::Color::Reset,
            "mono theme must not set colours"
        );
    }
    settings().bind(|| insta::assert_debug_snapshot!("procedures_monochrome", buf));
}

/// Every string key used on every screen exists in both languages.
#[test]
fn no_missing_strings_in_either_language() {
    for lang in [Lang::Vi, Lang::En] {
        let mut s = loaded(lang, false, catalogue::sample());
        let mut screens = vec![text(&draw(&s))];
        press(&mut s, KeyCode::Char('?'));
        screens.push(text(&draw(&s)));
        press(&mut s, KeyCode::Esc);
        press(&mut s, KeyCode::Char(':'));
        screens.push(text(&draw(&s)));
        press(&mut s, KeyCode::Esc);
        press(&mut s, KeyCode::Enter);
        screens.push(text(&draw(&s)));
        press(&mut s, KeyCode::Esc);
        press(&mut s, KeyCode::Char('/'));
        type_text(&mut s, "zzzz");
        screens.push(text(&draw(&s)));
        for screen in screens {
            assert!(!screen.contains('⟦'), "{lang:?}:\n{screen}");
        }
    }
}

fn remote_state(lang: Lang) -> motcua::app::State {
    let opts = motcua::app::Options {
        lang,
        theme: motcua::theme::Theme::color(false),
        keymap: motcua::keymap::Keymap::default_keymap(),
        match_mode: motcua::text::MatchMode::AllWords,
        demo: false,
        seed_catalogue: None,
        calendar: motcua::calendar::office::OfficeCalendar::default(),
        export_dir: std::env::temp_dir().join("motcua-test-exports"),
        household_concurrency: 4,
        card_service: true,
        backend: motcua::app::BackendMode::Remote {
            url: "https://motcua.ninhthuan.gov.vn".into(),
        },
    };
    motcua::app::State::new(opts, 80, 24)
}

#[test]
fn sign_in_screen_masks_the_password_and_shows_errors() {
    use motcua::api::client::ClientError;
    use motcua::api::service::BackendEvent;
    use motcua::app::{Effect, Msg, update};
    let mut s = remote_state(Lang::Vi);
    let _ = s.init();
    check("sign_in_empty", &s);
    type_text(&mut s, "canbo1");
    press(&mut s, KeyCode::Enter);
    type_text(&mut s, "bí mật 123");
    let effects = update(
        &mut s,
        Msg::Key(ratatui::crossterm::event::KeyEvent::new(
            KeyCode::Enter,
            ratatui::crossterm::event::KeyModifiers::NONE,
        )),
    );
    let req = effects
        .iter()
        .find_map(|e| match e {
            Effect::Backend(motcua::api::service::BackendCmd::SignIn { req, .. }) => Some(*req),
            _ => None,
        })
        .expect("a sign-in request");
    let screen = check("sign_in_pending", &s);
    assert!(!screen.contains("bí mật"));
    let _ = update(
        &mut s,
        Msg::Backend(BackendEvent::SignedIn {
            req,
            result: Err(ClientError::Offline("connection refused".into())),
            key: None,
            offline: false,
        }),
    );
    let screen = check("sign_in_offline", &s);
    assert!(screen.contains("Không kết nối được máy chủ"));
    assert!(screen.contains("Ngoại tuyến"));
}

/// A sign-in with the backend out of reach opens the store from the keyring; after the
/// idle time the lock screen hides everything (not even the status bar's counts) until
/// the password is checked again; what was on screen is still there after.
#[test]
fn offline_sign_in_then_idle_lock_hides_everything_until_the_password() {
    use motcua::api::service::{BackendCmd, BackendEvent};
    use motcua::app::{Effect, Msg, update};
    let mut s = remote_state(Lang::Vi);
    assert!(s.init().is_empty(), "nothing is read before sign-in");
    type_text(&mut s, "canbo1");
    press(&mut s, KeyCode::Enter);
    type_text(&mut s, "bí mật 123");
    let effects = update(
        &mut s,
        Msg::Key(ratatui::crossterm::event::KeyEvent::new(
            KeyCode::Enter,
            ratatui::crossterm::event::KeyModifiers::NONE,
        )),
    );
    let req = effects
        .iter()
        .find_map(|e| match e {
            Effect::Backend(BackendCmd::SignIn { req, .. }) => Some(*req),
            _ => None,
        })
        .expect("a sign-in request");
    let key = motcua::vault::StoreKey::from_bytes([3; 32]);
    let effects = update(
        &mut s,
        Msg::Backend(BackendEvent::SignedIn {
            req,
            result: Ok(motcua::api::Official {
                username: "canbo1".into(),
                full_name: "Nguyễn Văn An".into(),
                unit_code: "000.00.92.H55".into(),
            }),
            key: Some(key.clone()),
            offline: true,
        }),
    );
    assert_eq!(effects.first(), Some(&Effect::OpenStore(key)));
    let load = effects
        .iter()
        .find_map(|e| match e {
            Effect::Store(motcua::store::service::StoreCmd::LoadCatalogue { req, .. }) => {
                Some(*req)
            }
            _ => None,
        })
        .expect("the catalogue is read once the store is open");
    assert!(
        !effects.iter().any(|e| matches!(e, Effect::Backend(_))),
        "nothing is sent while signed in offline: {effects:?}"
    );
    let _ = update(
        &mut s,
        Msg::Store(motcua::store::service::StoreEvent::Catalogue {
            req: load,
            result: Ok(catalogue::sample()),
            cursor: Some("14".into()),
        }),
    );
    let screen = text(&draw(&s));
    assert!(screen.contains("14 thủ tục"), "{screen}");
    assert!(screen.contains("Ngoại tuyến"), "{screen}");
    let _ = update(&mut s, Msg::Idle);
    let screen = check("idle_lock", &s);
    assert!(!screen.contains("thủ tục"), "{screen}");
    assert!(screen.contains("Nguyễn Văn An"), "{screen}");
    // Keys go to the password field only.
    press(&mut s, KeyCode::F(9));
    type_text(&mut s, "sai");
    let effects = update(
        &mut s,
        Msg::Key(ratatui::crossterm::event::KeyEvent::new(
            KeyCode::Enter,
            ratatui::crossterm::event::KeyModifiers::NONE,
        )),
    );
    let [Effect::Backend(BackendCmd::CheckPassword { req, password, .. })] = effects.as_slice()
    else {
        panic!("expected a password check, got {effects:?}");
    };
    assert_eq!(password, "sai");
    let req = *req;
    let _ = update(
        &mut s,
        Msg::Backend(BackendEvent::PasswordChecked {
            req,
            result: Err("sai mật khẩu / wrong password".into()),
        }),
    );
    let screen = check("idle_lock_wrong", &s);
    assert!(screen.contains("sai mật khẩu"), "{screen}");
    type_text(&mut s, "bí mật 123");
    let effects = update(
        &mut s,
        Msg::Key(ratatui::crossterm::event::KeyEvent::new(
            KeyCode::Enter,
            ratatui::crossterm::event::KeyModifiers::NONE,
        )),
    );
    let Some(Effect::Backend(BackendCmd::CheckPassword { req, .. })) = effects.first() else {
        panic!("expected a password check, got {effects:?}");
    };
    let req = *req;
    let _ = update(
        &mut s,
        Msg::Backend(BackendEvent::PasswordChecked {
            req,
            result: Ok(()),
        }),
    );
    let screen = text(&draw(&s));
    assert!(
        screen.contains("14 thủ tục"),
        "the list is back as it was: {screen}"
    );
}

/// The sync screen with a parked item, a waiting one and a sent one, while the backend
/// cannot be reached: the status bar and the screen say so, with each item's last error.
#[test]
fn sync_screen_lists_items_with_state_tries_and_errors() {
    use motcua::api::SyncKind;
    use motcua::app::{Effect, Msg, update};
    use motcua::store::service::{StoreCmd, StoreEvent};
    use motcua::store::sync::{ItemState, OutboxEntry, SyncSummary};
    use motcua::sync::Stop;
    use motcua::sync::worker::{Reach, SyncEvent, SyncStatus};

    let mut s = loaded(Lang::Vi, false, catalogue::sample());
    let status = SyncStatus {
        reach: Reach::Offline,
        summary: SyncSummary {
            pending: 1,
            parked: 1,
            synced: 1,
            last_sync: Some("2026-11-24T09:05:12+07:00".into()),
        },
        running: false,
        paused_for: Some(std::time::Duration::from_secs(8)),
        last_error: Some(Stop::Offline {
            error: "connection refused".into(),
        }),
    };
    let _ = update(&mut s, Msg::Sync(SyncEvent::Status(status)));
    let effects = update(
        &mut s,
        Msg::Key(ratatui::crossterm::event::KeyEvent::new(
            KeyCode::F(9),
            ratatui::crossterm::event::KeyModifiers::NONE,
        )),
    );
    let req = effects
        .iter()
        .find_map(|e| match e {
            Effect::Store(StoreCmd::ListOutbox { req }) => Some(*req),
            _ => None,
        })
        .expect("F9 reads the outbox");
    let entry = |id: &str, kind, state, tries, error: Option<&str>| OutboxEntry {
        id: id.into(),
        kind,
        state,
        tries,
        last_error: error.map(str::to_owned),
        dossier_code: (kind == SyncKind::Dossier).then(|| "000.00.92.H55-261124-T001".into()),
        revision: Some(1),
        citizen: (kind != SyncKind::Dossier).then(|| "079192019782".into()),
        action: None,
        created_at: "2026-11-24T09:01:00+07:00".into(),
        synced_at: None,
    };
    let rows = vec![
        entry(
            "a",
            SyncKind::Dossier,
            ItemState::Parked,
            1,
            Some("VALIDATION_FAILED: Mã thủ tục không có trong danh mục."),
        ),
        entry(
            "b",
            SyncKind::Dossier,
            ItemState::Pending,
            3,
            Some("connection refused"),
        ),
        entry("c", SyncKind::Audit, ItemState::Synced, 1, None),
    ];
    let _ = update(
        &mut s,
        Msg::Store(StoreEvent::Outbox {
            req,
            result: Ok(rows),
        }),
    );
    let screen = check("sync_screen", &s);
    assert!(screen.contains("tạm giữ"), "{screen}");
    assert!(screen.contains("Mã thủ tục không có"), "{screen}");
    assert!(screen.contains("1 chờ"), "{screen}");
    // r on the parked item asks the store to put it back.
    let effects = update(
        &mut s,
        Msg::Key(ratatui::crossterm::event::KeyEvent::new(
            KeyCode::Char('r'),
            ratatui::crossterm::event::KeyModifiers::NONE,
        )),
    );
    assert!(
        effects.iter().any(|e| matches!(
            e,
            Effect::Store(StoreCmd::Requeue { id: Some(id), .. }) if id == "a"
        )),
        "{effects:?}"
    );
}

/// A machine clock days off the backend's is said in the status bar at all times (and
/// flashed once): received dates, appointment dates and codes follow it.
#[test]
fn a_clock_far_from_the_backends_is_said_in_the_status_bar() {
    use motcua::api::service::BackendEvent;
    use motcua::app::{Msg, clock_skew_words, update};
    assert_eq!(clock_skew_words(120, Lang::Vi), None, "two minutes is fine");
    assert_eq!(
        clock_skew_words(-5 * 86_400 - 10, Lang::En).as_deref(),
        Some("⚠ clock 5 days fast")
    );
    assert_eq!(
        clock_skew_words(3 * 3_600, Lang::Vi).as_deref(),
        Some("⚠ đồng hồ máy chậm 3 giờ")
    );
    let mut s = loaded(Lang::Vi, false, catalogue::sample());
    let _ = update(
        &mut s,
        Msg::Backend(BackendEvent::ClockOffset(Ok(-5 * 86_400))),
    );
    let screen = text(&draw(&s));
    let first = screen.lines().next().unwrap_or_default();
    assert!(first.contains("nhanh 5 ngày"), "{screen}");
    assert!(screen.contains("chỉnh lại giờ máy"), "{screen}");
}
