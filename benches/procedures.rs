//! Procedure list benchmarks: prints figures, asserts nothing.
//!
//! `cargo bench --bench procedures`
//!
//! - update+render time per filter keystroke over a 2,000-procedure catalogue;
//! - bytes written to an 80×24 terminal for the first frame, a one-row selection move
//!   and a filter keystroke (synchronized-output markers included).

mod common;

use std::time::Instant;

use common::{Rig, key, stats};
use motcua::text::MatchMode;
use ratatui::crossterm::event::KeyCode;

fn main() {
    let catalogue = motcua::catalogue::generate(2000, 1);
    println!(
        "motcua procedure-list bench: {} procedures, 80×24",
        catalogue.len()
    );

    let queries = [
        "thu tuc cap giay phep",
        "dang ky khai sinh",
        "xay dung nha o",
        "thu vien",
        "gia han",
    ];
    for mode in [MatchMode::AllWords, MatchMode::Fuzzy] {
        let mut times = Vec::new();
        for round in 0..5 {
            let mut rig = Rig::new(false, mode, catalogue.clone());
            rig.draw();
            rig.step(key(KeyCode::Char('/')));
            for q in queries {
                for c in q.chars() {
                    let t = Instant::now();
                    rig.step(key(KeyCode::Char(c)));
                    if round > 0 {
                        times.push(t.elapsed());
                    }
                }
                for _ in q.chars() {
                    let t = Instant::now();
                    rig.step(key(KeyCode::Backspace));
                    if round > 0 {
                        times.push(t.elapsed());
                    }
                }
            }
        }
        println!(
            "update+render per filter keystroke ({mode:?}): {}  [target ≤ 2 ms]",
            stats(times)
        );
    }

    for mono in [false, true] {
        let mut rig = Rig::new(mono, MatchMode::AllWords, catalogue.clone());
        let first = rig.draw();
        let mut moves = Vec::new();
        for _ in 0..40 {
            moves.push(rig.step(key(KeyCode::Down)));
        }
        let scroll_free: Vec<usize> = moves.iter().take(18).copied().collect();
        let mut rig = Rig::new(mono, MatchMode::AllWords, catalogue.clone());
        rig.draw();
        rig.step(key(KeyCode::Char('/')));
        let mut keystrokes = Vec::new();
        for c in "thu vien".chars() {
            keystrokes.push(rig.step(key(KeyCode::Char(c))));
        }
        let avg = |v: &[usize]| v.iter().sum::<usize>() / v.len().max(1);
        let theme = if mono { "mono" } else { "colour" };
        println!(
            "bytes ({theme}): first frame {first} B [≤ 5 KB]; selection move avg {} B, max {} B (no scroll) [≤ 300 B]; \
             with scrolling avg {} B; filter keystroke avg {} B, max {} B",
            avg(&scroll_free),
            scroll_free.iter().max().copied().unwrap_or(0),
            avg(&moves),
            avg(&keystrokes),
            keystrokes.iter().max().copied().unwrap_or(0),
        );
    }
}
