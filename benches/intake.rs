//! Intake form benchmarks: prints figures, asserts nothing.
//!
//! `cargo bench --bench intake`
//!
//! - update+render time per keystroke typed into the form (keystroke to frame);
//! - bytes written to an 80×24 terminal per keystroke, per field change (Tab), and for
//!   the form's first frame (synchronized-output markers included).

mod common;

use std::time::Instant;

use common::{Rig, key, stats};
use jiff::civil::date;
use motcua::app::{Effect, Msg};
use motcua::dossier::{Dossier, ProcedureInfo};
use motcua::store::service::{StoreCmd, StoreEvent};
use motcua::text::MatchMode;
use ratatui::crossterm::event::KeyCode;

/// The procedure list, then Enter and the store's answer: the form on screen.
fn form_rig(mono: bool) -> (Rig, usize) {
    let mut rig = Rig::new(mono, MatchMode::AllWords, motcua::catalogue::sample());
    rig.draw();
    rig.update(key(KeyCode::Down));
    let req = rig
        .update(key(KeyCode::Enter))
        .into_iter()
        .find_map(|e| match e {
            Effect::Store(StoreCmd::NewDossier { req, .. }) => Some(req),
            _ => None,
        })
        .expect("Enter opens a new dossier");
    let dossier = Dossier::new(
        "019abcde-0000-7000-8000-000000000001".into(),
        ProcedureInfo {
            code: "1.001776".into(),
            name: "Đăng ký khai sinh".into(),
            days: 15,
            ..ProcedureInfo::default()
        },
        date(2023, 3, 6).at(14, 27, 45, 0),
    );
    let first = rig.step(Msg::Store(StoreEvent::NewDossier {
        req,
        result: Ok(Box::new(dossier)),
    }));
    (rig, first)
}

const FIELDS: [&str; 6] = [
    "Lê Thị Thu Hà",
    "079192019782",
    "14/05/1992",
    "",
    "0912345678",
    "12 Nguyễn Huệ, Phường Sài Gòn, Thành phố Hồ Chí Minh",
];

fn main() {
    println!("motcua intake-form bench: 80×24");
    let mut times = Vec::new();
    for round in 0..20 {
        let (mut rig, _) = form_rig(false);
        for value in FIELDS {
            for c in value.chars() {
                let t = Instant::now();
                rig.step(key(KeyCode::Char(c)));
                if round > 0 {
                    times.push(t.elapsed());
                }
            }
            rig.step(key(KeyCode::Tab));
        }
    }
    println!(
        "update+render per keystroke in the form: {}  [target ≤ 2 ms]",
        stats(times)
    );

    for mono in [false, true] {
        let (mut rig, first) = form_rig(mono);
        let mut typed = Vec::new();
        let mut tabs = Vec::new();
        for value in FIELDS {
            for c in value.chars() {
                typed.push(rig.step(key(KeyCode::Char(c))));
            }
            tabs.push(rig.step(key(KeyCode::Tab)));
        }
        // An invalid ID number: each keystroke redraws the problem line too.
        let mut invalid = Vec::new();
        // From the email field back to the ID number; digits appended make it too long.
        for _ in 0..5 {
            rig.step(key(KeyCode::BackTab));
        }
        for c in "0308010427".chars() {
            invalid.push(rig.step(key(KeyCode::Char(c))));
        }
        let avg = |v: &[usize]| v.iter().sum::<usize>() / v.len().max(1);
        let max = |v: &[usize]| v.iter().max().copied().unwrap_or(0);
        let theme = if mono { "mono" } else { "colour" };
        println!(
            "bytes ({theme}): form first frame {first} B; per keystroke avg {} B, max {} B \
             [≤ 300 B]; next field (Tab) avg {} B, max {} B; keystroke with a problem line \
             avg {} B, max {} B",
            avg(&typed),
            max(&typed),
            avg(&tabs),
            max(&tabs),
            avg(&invalid),
            max(&invalid),
        );
    }
}
