//! Text handling for Vietnamese search and terminal display.
//!
//! * **Folding** ([`fold_char`], [`fold`], [`Folded`]): strips accents and case so
//!   that `thu vien`, `THƯ VIỆN` and `thư viện` all compare equal. [`Folded`] keeps
//!   a map from every folded char back to the char it came from in the original
//!   string, so matches can be highlighted in the text the user actually sees.
//! * **Matching** ([`Query`], [`MatchMode`], [`Match`]): a query is prepared once per
//!   keystroke and then run against every (pre-folded) candidate.
//! * **Sanitising** ([`sanitize`]): removes control and bidi characters from outside
//!   text before it reaches the terminal.
//! * **Width** ([`width`], [`truncate`]): display width in terminal cells and
//!   truncation with a trailing `…`.

use std::borrow::Cow;
use std::cell::RefCell;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::decompose_canonical;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

// ---------------------------------------------------------------------------
// Folding
// ---------------------------------------------------------------------------

/// `true` for the combining diacritical marks (U+0300–U+036F) that folding drops.
///
/// This block holds all five Vietnamese tone marks (grave, acute, hook above,
/// tilde, dot below) as well as the circumflex, breve and horn.
fn is_combining_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}')
}

/// Folds `c` and hands every resulting char to `emit`.
///
/// This is the allocation-free core behind [`fold_char`], [`fold`] and [`Folded::new`].
fn fold_char_with(c: char, emit: &mut impl FnMut(char)) {
    if c.is_ascii() {
        emit(c.to_ascii_lowercase());
        return;
    }
    if matches!(c, 'đ' | 'Đ') {
        emit('d');
        return;
    }
    decompose_canonical(c, |d| {
        if is_combining_mark(d) {
            return;
        }
        if matches!(d, 'đ' | 'Đ') {
            emit('d');
            return;
        }
        for l in d.to_lowercase() {
            if l.is_ascii() {
                emit(l);
            } else {
                // A lowercase mapping may in principle yield a precomposed char
                // (or a combining mark, as for U+0130 'İ'); decompose once more
                // so the result never carries an accent.
                decompose_canonical(l, |e| {
                    if !is_combining_mark(e) {
                        emit(e);
                    }
                });
            }
        }
    });
}

/// Fold one char for search: NFD-decompose, drop combining marks U+0300–U+036F,
/// map `đ`/`Đ` → `d`, lowercase.
///
/// The folded chars are appended to `out`: usually exactly one, none for a lone
/// combining mark, and possibly several for chars that decompose into more than
/// one base char (e.g. Hangul syllables).
///
/// ```
/// # use motcua::text::fold_char;
/// let mut s = String::new();
/// for c in "Ượ Đ\u{0301}".chars() {
///     fold_char(c, &mut s);
/// }
/// assert_eq!(s, "uo d");
/// ```
pub fn fold_char(c: char, out: &mut String) {
    fold_char_with(c, &mut |f| out.push(f));
}

/// Fold a whole string: `fold("Thư Viện Đà") == "thu vien da"`.
///
/// Every char is folded with [`fold_char`]; nothing else is changed (spaces and
/// punctuation are kept as they are). Works on NFC and NFD input alike.
#[must_use]
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        fold_char(c, &mut out);
    }
    out
}

/// A string folded for matching, with a map from each folded char back to the
/// original char it came from.
///
/// `text[k]` is the `k`-th folded char and `origin[k]` is the index (counted in
/// chars, i.e. in `s.chars()`) of the original char that produced it. Both vectors
/// always have the same length and `origin` is non-decreasing.
///
/// Build one per catalogue entry once and reuse it for every keystroke.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Folded {
    /// The folded chars (lowercase, without accents, `đ` → `d`).
    pub text: Vec<char>,
    /// For each folded char, the char index in the original string it came from.
    pub origin: Vec<usize>,
}

impl Folded {
    /// Folds `s`, remembering where every folded char came from.
    ///
    /// The input may be NFC or NFD. In NFD input a base char is followed by
    /// separate combining marks; the marks fold to nothing, so the base char's
    /// folded char points at the base char's own index in `s.chars()`:
    ///
    /// ```
    /// # use motcua::text::Folded;
    /// // "Việt" in NFD: V i e U+0323 U+0302 t
    /// let f = Folded::new("Vie\u{0323}\u{0302}t");
    /// assert_eq!(f.text, ['v', 'i', 'e', 't']);
    /// assert_eq!(f.origin, [0, 1, 2, 5]);
    /// ```
    #[must_use]
    pub fn new(s: &str) -> Self {
        let mut text = Vec::with_capacity(s.len());
        let mut origin = Vec::with_capacity(s.len());
        for (i, c) in s.chars().enumerate() {
            fold_char_with(c, &mut |f| {
                text.push(f);
                origin.push(i);
            });
        }
        text.shrink_to_fit();
        origin.shrink_to_fit();
        Folded { text, origin }
    }
}

// ---------------------------------------------------------------------------
// Matching
// ---------------------------------------------------------------------------

/// How a [`Query`] is matched against candidates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MatchMode {
    /// Every whitespace-separated query word must occur as a contiguous substring
    /// of the candidate, in any order. The first occurrence of each word is
    /// highlighted. Scores favour words that start (or are) whole words, words
    /// that follow each other as in the query, and early occurrences.
    #[default]
    AllWords,
    /// The query chars (whitespace ignored) must occur in order, possibly with
    /// gaps, in the candidate. The best-scoring occurrence is highlighted;
    /// scores favour consecutive runs and word starts and penalise gaps.
    Fuzzy,
}

/// A successful match of a [`Query`] against a candidate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    /// Higher is better. Only comparable between matches of the same query.
    pub score: i64,
    /// Matched chars as sorted, deduplicated char indices into the ORIGINAL
    /// string (the one given to [`Folded::new`]), ready for highlighting.
    pub positions: Vec<usize>,
}

/// A query prepared once per keystroke and used against many candidates.
///
/// ```
/// # use motcua::text::{Folded, MatchMode, Query};
/// let name = "Thủ tục thông báo thành lập thư viện";
/// let q = Query::new("THƯ VIEN", MatchMode::AllWords);
/// let m = q.matches(&Folded::new(name)).unwrap();
/// let hit: String = m.positions.iter().map(|&i| name.chars().nth(i).unwrap()).collect();
/// assert_eq!(hit, "thưviện");
/// ```
#[derive(Debug, Clone)]
pub struct Query {
    mode: MatchMode,
    /// [`MatchMode::AllWords`]: the folded, non-empty query words.
    words: Vec<Vec<char>>,
    /// [`MatchMode::Fuzzy`]: all folded query chars with whitespace removed.
    chars: Vec<char>,
    /// [`MatchMode::Fuzzy`]: char → query-index bitmasks (`None` for very long queries).
    masks: Option<FuzzyMasks>,
}

impl Query {
    /// Prepares `query` for matching in the given `mode`.
    ///
    /// The query is folded like the candidates. For [`MatchMode::AllWords`] it is
    /// split on whitespace; for [`MatchMode::Fuzzy`] whitespace is dropped.
    #[must_use]
    pub fn new(query: &str, mode: MatchMode) -> Self {
        let mut words = Vec::new();
        let mut chars = Vec::new();
        match mode {
            MatchMode::AllWords => {
                for word in query.split_whitespace() {
                    let mut folded = Vec::with_capacity(word.len());
                    for c in word.chars() {
                        fold_char_with(c, &mut |f| folded.push(f));
                    }
                    if !folded.is_empty() {
                        words.push(folded);
                    }
                }
            }
            MatchMode::Fuzzy => {
                for c in query.chars().filter(|c| !c.is_whitespace()) {
                    fold_char_with(c, &mut |f| chars.push(f));
                }
            }
        }
        let masks = match mode {
            MatchMode::AllWords => None,
            MatchMode::Fuzzy => FuzzyMasks::new(&chars),
        };
        Query {
            mode,
            words,
            chars,
            masks,
        }
    }

    /// `true` when the query has nothing to match: it is empty, only whitespace,
    /// or only chars that fold to nothing (stray combining marks).
    ///
    /// An empty query matches every candidate with score 0 and no positions.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        match self.mode {
            MatchMode::AllWords => self.words.is_empty(),
            MatchMode::Fuzzy => self.chars.is_empty(),
        }
    }

    /// Matches this query against a folded candidate.
    ///
    /// Returns `None` when the candidate does not match. An empty query (see
    /// [`Query::is_empty`]) matches everything with score 0 and no positions.
    ///
    /// The only allocation on success is the returned positions vector; rejected
    /// candidates allocate nothing.
    #[must_use]
    pub fn matches(&self, candidate: &Folded) -> Option<Match> {
        if self.is_empty() {
            return Some(Match {
                score: 0,
                positions: Vec::new(),
            });
        }
        match self.mode {
            MatchMode::AllWords => all_words_match(&self.words, candidate),
            MatchMode::Fuzzy => fuzzy_match(&self.chars, self.masks.as_ref(), candidate),
        }
    }
}

/// Converts a (small) index to `i64` for score arithmetic.
fn to_i64(x: usize) -> i64 {
    i64::try_from(x).unwrap_or(i64::MAX)
}

/// `true` when a word starts at folded index `j` (start of text or after a
/// non-alphanumeric char such as a space, dash or bracket).
fn starts_word(text: &[char], j: usize) -> bool {
    j == 0 || !text[j - 1].is_alphanumeric()
}

/// `true` when a word ends just before folded index `end` (exclusive).
fn ends_word(text: &[char], end: usize) -> bool {
    end >= text.len() || !text[end].is_alphanumeric()
}

/// Index of the first occurrence of `needle` (non-empty) in `haystack`.
fn find_sub(haystack: &[char], needle: &[char]) -> Option<usize> {
    let first = *needle.first()?;
    let last_start = haystack.len().checked_sub(needle.len())?;
    (0..=last_start).find(|&i| haystack[i] == first && haystack[i..i + needle.len()] == *needle)
}

/// [`MatchMode::AllWords`] bonus for a word occurrence starting at a word boundary.
const AW_WORD_START: i64 = 100;
/// [`MatchMode::AllWords`] extra bonus when the occurrence is also a whole word.
const AW_WHOLE_WORD: i64 = 50;
/// [`MatchMode::AllWords`] bonus when a query word directly follows the previous
/// one in the candidate (adjacent or separated by one char), i.e. a phrase match.
const AW_PHRASE: i64 = 30;

/// [`MatchMode::AllWords`]: every word must occur; positions come from the first
/// occurrence of each word.
///
/// Score, per word: [`AW_WORD_START`] if it starts a word, plus [`AW_WHOLE_WORD`]
/// if it is a whole word, plus [`AW_PHRASE`] if it directly follows the previous
/// query word, minus half its start index (earlier is better).
fn all_words_match(words: &[Vec<char>], candidate: &Folded) -> Option<Match> {
    let text = &candidate.text;

    // Pass 1: check every word and score, without allocating.
    let mut score = 0;
    let mut covered = 0;
    let mut prev_end: Option<usize> = None;
    for word in words {
        let start = find_sub(text, word)?;
        let end = start + word.len();
        if starts_word(text, start) {
            score += AW_WORD_START;
            if ends_word(text, end) {
                score += AW_WHOLE_WORD;
            }
        }
        if prev_end.is_some_and(|pe| start == pe || start == pe + 1) {
            score += AW_PHRASE;
        }
        score -= to_i64(start) / 2;
        covered += word.len();
        prev_end = Some(end);
    }

    // Pass 2: the candidate matches, collect positions. When the words also occur
    // together as typed ("thu vien" in "… thư viện …"), highlight that phrase rather
    // than each word's first occurrence (which may be the "Thủ" of "Thủ tục").
    let mut positions = Vec::with_capacity(covered);
    if words.len() > 1 {
        let phrase: Vec<char> = words.join(&' ');
        if let Some(start) = find_sub(text, &phrase) {
            let origin = &candidate.origin[start..start + phrase.len()];
            positions.extend(
                origin
                    .iter()
                    .zip(&phrase)
                    .filter(|(_, c)| **c != ' ')
                    .map(|(o, _)| *o),
            );
            positions.dedup();
            return Some(Match { score, positions });
        }
    }
    for word in words {
        let start = find_sub(text, word)?;
        positions.extend_from_slice(&candidate.origin[start..start + word.len()]);
    }
    positions.sort_unstable();
    positions.dedup();
    Some(Match { score, positions })
}

/// [`MatchMode::Fuzzy`] score for every matched char.
const FZ_MATCH: i64 = 16;
/// [`MatchMode::Fuzzy`] bonus for a matched char that starts a word.
const FZ_WORD_START: i64 = 10;
/// Multiplier for [`FZ_WORD_START`] on the first query char.
const FZ_FIRST_CHAR_MULTIPLIER: i64 = 2;
/// [`MatchMode::Fuzzy`] bonus for a matched char directly after the previous one.
const FZ_CONSECUTIVE: i64 = 6;
/// [`MatchMode::Fuzzy`] penalty for opening a gap between two matched chars.
const FZ_GAP_OPEN: i64 = 3;
/// [`MatchMode::Fuzzy`] penalty per skipped char after the first one in a gap.
const FZ_GAP_EXTEND: i64 = 1;
/// A fuzzy match loses `first position / FZ_LEADING_DIVISOR` so that, all else
/// equal, earlier matches rank higher.
const FZ_LEADING_DIVISOR: i64 = 8;
/// Longest fuzzy query (in folded chars) handled by the optimising matcher;
/// longer queries use the leftmost match (see [`fuzzy_match`]).
const FZ_MAX_DP_LEN: usize = 64;

/// "None" marker for cell indices.
const NO_CELL: usize = usize::MAX;

/// Per-char bitmasks of a fuzzy query: bit `i` is set when query char `i` is
/// that char. Only built for queries of at most [`FZ_MAX_DP_LEN`] chars.
#[derive(Debug, Clone)]
struct FuzzyMasks {
    /// Masks for ASCII chars (all Vietnamese text folds to ASCII).
    ascii: [u64; 128],
    /// Masks for the other chars of the query, if any.
    other: Vec<(char, u64)>,
}

impl FuzzyMasks {
    fn new(query: &[char]) -> Option<Self> {
        if query.len() > FZ_MAX_DP_LEN {
            return None;
        }
        let mut masks = FuzzyMasks {
            ascii: [0; 128],
            other: Vec::new(),
        };
        for (i, &c) in query.iter().enumerate() {
            let bit = 1u64 << i;
            if let Some(slot) = masks.ascii.get_mut(c as usize) {
                *slot |= bit;
            } else if let Some(entry) = masks.other.iter_mut().find(|(oc, _)| *oc == c) {
                entry.1 |= bit;
            } else {
                masks.other.push((c, bit));
            }
        }
        Some(masks)
    }

    fn get(&self, c: char) -> u64 {
        match self.ascii.get(c as usize) {
            Some(&mask) => mask,
            None => self
                .other
                .iter()
                .find(|(oc, _)| *oc == c)
                .map_or(0, |&(_, mask)| mask),
        }
    }
}

/// One DP state: a query char matched at folded position `pos`.
#[derive(Debug, Clone, Copy)]
struct Cell {
    pos: usize,
    /// Best score of the query prefix ending with this char at `pos`.
    score: i64,
    /// Index in [`Scratch::cells`] of the best predecessor, or [`NO_CELL`].
    prev: usize,
}

/// Per-thread reusable buffers so fuzzy matching does not allocate per candidate.
#[derive(Default)]
struct Scratch {
    /// Earliest feasible position of each query char.
    lo: Vec<usize>,
    /// Latest feasible position of each query char.
    hi: Vec<usize>,
    /// All DP cells, in creation order.
    cells: Vec<Cell>,
    /// Per query char: the summary of its cells so far.
    rows: Vec<RowState>,
    /// Positions (with their query bitmask) that match some query char.
    hits: Vec<(usize, u64)>,
}

/// What the DP needs to know about the cells of one query char so far
/// (kept out of [`Scratch::cells`] to avoid dependent loads in the hot loop).
#[derive(Debug, Clone, Copy)]
struct RowState {
    /// The most recent cell: index, position and score.
    last: usize,
    last_pos: usize,
    last_score: i64,
    /// Among the older cells, the one maximising `score + FZ_GAP_EXTEND * pos`
    /// (its index and that key).
    run: usize,
    run_key: i64,
}

impl RowState {
    const EMPTY: RowState = RowState {
        last: NO_CELL,
        last_pos: 0,
        last_score: 0,
        run: NO_CELL,
        run_key: 0,
    };

    /// Best predecessor for a cell at `j` (the newest cell, if adjacent or on
    /// ties, else the best older one): `(score after transition, cell index)`.
    fn best_predecessor(&self, j: usize) -> Option<(i64, usize)> {
        let from_run = (self.run != NO_CELL).then(|| {
            (
                self.run_key - FZ_GAP_OPEN - FZ_GAP_EXTEND * to_i64(j - 2),
                self.run,
            )
        });
        if self.last == NO_CELL {
            return from_run;
        }
        let v = self.last_score + fz_transition(self.last_pos, j);
        match from_run {
            Some((rv, _)) if rv > v => from_run,
            _ => Some((v, self.last)),
        }
    }

    /// Records a new cell; the previous newest one joins the older cells.
    fn push(&mut self, idx: usize, pos: usize, score: i64) {
        if self.last != NO_CELL {
            let key = self.last_score + FZ_GAP_EXTEND * to_i64(self.last_pos);
            // `>=`: on ties prefer the later (tighter) predecessor.
            if self.run == NO_CELL || key >= self.run_key {
                self.run = self.last;
                self.run_key = key;
            }
        }
        self.last = idx;
        self.last_pos = pos;
        self.last_score = score;
    }
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// Word-start bonus of a matched char at folded position `j`.
fn fz_word_bonus(text: &[char], j: usize) -> i64 {
    if starts_word(text, j) {
        FZ_WORD_START
    } else {
        0
    }
}

/// Score of a transition from a char matched at `k` to the next one at `j > k`:
/// [`FZ_CONSECUTIVE`] when adjacent, otherwise minus the affine gap penalty
/// `FZ_GAP_OPEN + FZ_GAP_EXTEND * (gap - 1)` for `gap = j - k - 1` skipped chars.
fn fz_transition(k: usize, j: usize) -> i64 {
    if k + 1 == j {
        FZ_CONSECUTIVE
    } else {
        -FZ_GAP_OPEN - FZ_GAP_EXTEND * to_i64(j - k - 2)
    }
}

/// Fuzzy score of matching query chars at the folded positions `folded_pos`
/// (strictly increasing, non-empty). [`fuzzy_match`] maximises this.
fn fz_score(text: &[char], folded_pos: &[usize]) -> i64 {
    let mut score = 0;
    for (n, &j) in folded_pos.iter().enumerate() {
        score += if n == 0 {
            fz_first_char_score(text, j)
        } else {
            FZ_MATCH + fz_word_bonus(text, j) + fz_transition(folded_pos[n - 1], j)
        };
    }
    score
}

/// Score of the first query char matched at folded position `j`, including the
/// small penalty for starting late.
fn fz_first_char_score(text: &[char], j: usize) -> i64 {
    FZ_MATCH + FZ_FIRST_CHAR_MULTIPLIER * fz_word_bonus(text, j) - to_i64(j) / FZ_LEADING_DIVISOR
}

/// [`MatchMode::Fuzzy`]: finds the subsequence occurrence of `query` in the
/// candidate with the best [`fz_score`] (every char [`FZ_MATCH`], word starts
/// [`FZ_WORD_START`], adjacent chars [`FZ_CONSECUTIVE`], gaps cost an affine
/// penalty, slight preference for an early first char).
///
/// 1. Greedy forward and backward passes find the earliest (`lo[i]`) and latest
///    (`hi[i]`) feasible position of each query char; the forward pass also
///    rejects non-matching candidates in O(n).
/// 2. A dynamic program walks the candidate once, from `lo[0]` to `hi[m - 1]`.
///    A per-char bitmask (prepared in [`Query::new`]) says which query chars
///    the current candidate char can be. Query char `i` at position `j` takes
///    its best predecessor among the cells of char `i - 1`: because the gap
///    penalty is affine, the best non-adjacent predecessor is a running maximum
///    of `score + FZ_GAP_EXTEND * pos`, so each cell is O(1).
///
/// Cost is O(n + cells) where cells ≤ n·m, usually a small fraction of that.
/// Buffers are thread-local and reused, so the only allocation is the returned
/// positions. Queries longer than [`FZ_MAX_DP_LEN`] chars (pasted text, not
/// typing) skip the optimisation and use the leftmost occurrence.
fn fuzzy_match(query: &[char], masks: Option<&FuzzyMasks>, candidate: &Folded) -> Option<Match> {
    let text = candidate.text.as_slice();
    let m = query.len();
    if m == 0 || m > text.len() {
        return None;
    }
    SCRATCH.with(|scratch| {
        let mut scratch = scratch.borrow_mut();
        scratch.find_bounds(text, query)?;
        let Some(masks) = masks else {
            let positions = scratch.lo.iter().map(|&p| candidate.origin[p]).collect();
            return Some(finish(fz_score(text, &scratch.lo), positions));
        };
        let best_final = scratch.run_dp(text, masks, m)?;

        let cells = &scratch.cells;
        let mut positions = Vec::with_capacity(m);
        let mut idx = best_final;
        while idx != NO_CELL {
            let cell = cells[idx];
            positions.push(candidate.origin[cell.pos]);
            idx = cell.prev;
        }
        positions.reverse();
        Some(finish(cells[best_final].score, positions))
    })
}

impl Scratch {
    /// Fills `lo` (earliest feasible position of each query char, by a greedy
    /// forward pass) and `hi` (latest feasible position, greedy backward pass).
    /// Returns `None` when `query` is not a subsequence of `text`.
    fn find_bounds(&mut self, text: &[char], query: &[char]) -> Option<()> {
        self.lo.clear();
        let mut from = 0;
        for &qc in query {
            let off = text[from..].iter().position(|&c| c == qc)?;
            self.lo.push(from + off);
            from += off + 1;
        }
        self.hi.clear();
        self.hi.resize(query.len(), 0);
        let mut until = text.len();
        for (i, &qc) in query.iter().enumerate().rev() {
            let k = text[..until].iter().rposition(|&c| c == qc)?;
            self.hi[i] = k;
            until = k;
        }
        Some(())
    }

    /// Runs the fuzzy DP over `text` for a query of `m` chars (after
    /// [`Scratch::find_bounds`]) and returns the index in `cells` of the best
    /// cell of the last query char; follow `prev` links for the others.
    fn run_dp(&mut self, text: &[char], masks: &FuzzyMasks, m: usize) -> Option<usize> {
        let Scratch {
            lo,
            hi,
            cells,
            rows,
            hits,
        } = self;
        cells.clear();
        rows.clear();
        rows.resize(m, RowState::EMPTY);

        // Branch-free compaction of the positions that match any query char
        // (most chars do not; a branch per char would mispredict a lot).
        let (start, end) = (lo[0], hi[m - 1]);
        let window = &text[start..=end];
        if hits.len() < window.len() {
            hits.resize(window.len(), (0, 0));
        }
        let buf = &mut hits[..window.len()];
        let mut n_hits = 0;
        for (j, &c) in (start..).zip(window) {
            let mask = masks.get(c);
            buf[n_hits] = (j, mask); // n_hits ≤ j - start < buf.len()
            n_hits += usize::from(mask != 0);
        }

        let mut best_final = None;
        for &(j, mut mask) in &hits[..n_hits] {
            // Highest query index first, so that char `i - 1` at this same
            // position is not yet visible to char `i`.
            while mask != 0 {
                let i = (u64::BITS - 1 - mask.leading_zeros()) as usize;
                mask &= !(1u64 << i);
                if j < lo[i] || j > hi[i] {
                    continue; // unreachable, or cannot be completed
                }
                let (score, prev) = if i == 0 {
                    (fz_first_char_score(text, j), NO_CELL)
                } else {
                    // Char `i - 1` has no cell at `j` yet (see above), so every
                    // predecessor lies strictly before `j`.
                    let Some((v, prev)) = rows[i - 1].best_predecessor(j) else {
                        continue;
                    };
                    (v + FZ_MATCH + fz_word_bonus(text, j), prev)
                };
                let idx = cells.len();
                cells.push(Cell {
                    pos: j,
                    score,
                    prev,
                });
                rows[i].push(idx, j, score);
                // `>` keeps the earliest on ties.
                if i == m - 1 && best_final.is_none_or(|(_, b)| score > b) {
                    best_final = Some((idx, score));
                }
            }
        }
        best_final.map(|(idx, _)| idx)
    }
}

/// Builds a [`Match`], deduplicating the (already sorted) original positions.
fn finish(score: i64, mut positions: Vec<usize>) -> Match {
    positions.dedup();
    Match { score, positions }
}

// ---------------------------------------------------------------------------
// Sanitising
// ---------------------------------------------------------------------------

/// Shown where [`sanitize`] removed characters that could drive a terminal, so the
/// official sees that the text was not as it came.
pub const REMOVED_MARK: char = '\u{FFFD}';

/// Line and tab breaks: [`sanitize`] turns a run of them into one space (fields are
/// single-line; "Điều 87\nLuật" must not become "Điều 87Luật").
fn is_break(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{000B}' | '\u{000C}' | '\r' | '\u{0085}' | '\u{2028}' | '\u{2029}'
    )
}

/// `true` for chars that [`sanitize`] removes.
fn is_hostile(c: char) -> bool {
    matches!(c,
        '\u{0000}'..='\u{001F}'           // C0 controls (incl. ESC, CR, LF)
        | '\u{007F}'                      // DEL
        | '\u{0080}'..='\u{009F}'         // C1 controls (incl. CSI U+009B, NEL U+0085)
        | '\u{061C}'                      // ARABIC LETTER MARK
        | '\u{200E}' | '\u{200F}'         // LRM, RLM
        | '\u{2028}' | '\u{2029}'         // LINE / PARAGRAPH SEPARATOR (line breaks)
        | '\u{202A}'..='\u{202E}'         // LRE, RLE, PDF, LRO, RLO
        | '\u{2066}'..='\u{2069}'         // LRI, RLI, FSI, PDI
    )
}

/// Makes outside text (a card, a QR code, the server, a file, a paste) safe to store
/// and show, and NFC-normalises it.
///
/// * a run of line or tab breaks (TAB, LF, VT, FF, CR, NEL, U+2028, U+2029) becomes one
///   space — fields are single-line;
/// * a run of the other controls — C0 U+0000–U+001F (ESC included), DEL U+007F, C1
///   U+0080–U+009F (CSI U+009B included), the bidi controls U+202A–U+202E,
///   U+2066–U+2069, U+200E, U+200F, U+061C — becomes one visible [`REMOVED_MARK`] (�),
///   so what an escape sequence was hidden in shows, harmless.
///
/// Returns the cleaned text and whether anything was removed or replaced. NFC
/// normalisation alone does not set the flag: it changes the encoding, not the
/// text the user sees. Cleaning twice gives the same text.
///
/// ```
/// # use motcua::text::sanitize;
/// assert_eq!(sanitize("\x1b[31mĐỏ"), ("\u{FFFD}[31mĐỏ".to_string(), true));
/// assert_eq!(sanitize("Điều 87\r\nLuật"), ("Điều 87 Luật".to_string(), true));
/// assert_eq!(sanitize("Hà Nội"), ("Hà Nội".to_string(), false));
/// ```
#[must_use]
pub fn sanitize(s: &str) -> (String, bool) {
    #[derive(PartialEq)]
    enum Last {
        Text,
        Break,
        Removed,
    }
    let mut changed = false;
    let mut last = Last::Text;
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if is_break(c) {
            changed = true;
            if last != Last::Break {
                out.push(' ');
                last = Last::Break;
            }
        } else if is_hostile(c) {
            changed = true;
            if last != Last::Removed {
                out.push(REMOVED_MARK);
                last = Last::Removed;
            }
        } else {
            out.push(c);
            last = Last::Text;
        }
    }
    if !changed && unicode_normalization::is_nfc(&out) {
        return (out, false);
    }
    (out.nfc().collect(), changed)
}

/// One field of outside text (a QR field, a chip's text): whitespace, byte-order marks
/// and control characters at its ends are dropped (scanners and cards pad with them),
/// what is left is cleaned as by [`sanitize`] — a control character inside shows as
/// [`REMOVED_MARK`] — and trimmed.
#[must_use]
pub fn sanitize_field(s: &str) -> String {
    let edge = |c: char| c.is_whitespace() || c == '\u{feff}' || is_break(c) || is_hostile(c);
    sanitize(s.trim_matches(edge)).0.trim().to_owned()
}

/// Outside text typed or pasted into a field: as [`sanitize`], with the line breaks a
/// terminal adds at the ends of a paste dropped first.
#[must_use]
pub fn sanitize_input(s: &str) -> (String, bool) {
    sanitize(s.trim_matches(|c| matches!(c, '\r' | '\n')))
}

// ---------------------------------------------------------------------------
// Width
// ---------------------------------------------------------------------------

/// Display width of `s` in terminal cells (as computed by `unicode-width`):
/// CJK and other wide chars count 2, combining marks 0.
#[must_use]
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// Outside text as a table cell: control characters removed, cut to `w` columns with
/// an ellipsis, padded with spaces to exactly `w`.
#[must_use]
pub fn cell(s: &str, w: usize) -> String {
    let clean = sanitize(s).0;
    let t = truncate(&clean, w);
    format!("{t}{}", " ".repeat(w.saturating_sub(width(&t))))
}

/// Outside text quoted back in a message: control characters removed, at most `max`
/// columns — and at most `4 × max` characters, since characters that take no column
/// (combining marks) would otherwise let a hostile text of any length through whole.
/// Only that much of `s` is cleaned.
#[must_use]
pub fn shown(s: &str, max: usize) -> String {
    if max == 0 {
        return String::new();
    }
    let limit = max.saturating_mul(4);
    let Some((cut, _)) = s.char_indices().nth(limit) else {
        let clean = sanitize(s).0;
        return truncate(&clean, max).into_owned();
    };
    let clean = sanitize(&s[..cut]).0;
    let kept: String = clean.chars().take(limit.saturating_sub(1)).collect();
    if width(&kept) > max {
        // Cut by columns, as the whole text would have been.
        return truncate(&kept, max).into_owned();
    }
    // Cut by characters: say so.
    let mut out = if width(&kept) < max {
        kept
    } else {
        truncate(&kept, max - 1).into_owned()
    };
    if !out.ends_with('…') {
        out.push('…');
    }
    out
}

/// Splits `s` at spaces into at most `max_lines` lines of `width` columns; the last one
/// is cut with an ellipsis if the text does not fit.
#[must_use]
pub fn wrap(s: &str, width_cols: usize, max_lines: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in s.split(' ') {
        let candidate = if line.is_empty() {
            word.to_owned()
        } else {
            format!("{line} {word}")
        };
        if width(&candidate) <= width_cols || line.is_empty() {
            line = candidate;
        } else {
            out.push(std::mem::take(&mut line));
            word.clone_into(&mut line);
        }
    }
    out.push(line);
    if out.len() > max_lines.max(1) {
        let keep = max_lines.max(1) - 1;
        let rest = out[keep..].join(" ");
        out.truncate(keep);
        out.push(rest);
    }
    out.into_iter()
        .map(|l| truncate(&l, width_cols).into_owned())
        .collect()
}

/// Truncates `s` to at most `max_width` terminal cells, ending with `…` when
/// anything was cut.
///
/// Returns `s` unchanged (borrowed) when it already fits. A wide char that would
/// straddle the limit is dropped entirely, so the result may be one cell
/// narrower than `max_width`. Combining marks stay with their base char. With
/// `max_width == 0` the result is empty.
///
/// ```
/// # use motcua::text::truncate;
/// assert_eq!(truncate("Hà Nội", 10), "Hà Nội");
/// assert_eq!(truncate("Thành phố Hồ Chí Minh", 10), "Thành phố…");
/// ```
#[must_use]
pub fn truncate(s: &str, max_width: usize) -> Cow<'_, str> {
    if width(s) <= max_width {
        return Cow::Borrowed(s);
    }
    if max_width == 0 {
        return Cow::Borrowed("");
    }
    let budget = max_width - 1; // one cell for '…'
    let mut used = 0;
    let mut cut = 0;
    for (i, c) in s.char_indices() {
        let w = c.width().unwrap_or(0);
        if used + w > budget {
            break;
        }
        used += w;
        cut = i + c.len_utf8();
    }
    // String width is not always the sum of char widths (emoji sequences,
    // variation selectors); back off until the prefix really fits.
    while cut > 0 && width(&s[..cut]) > budget {
        cut = s[..cut].char_indices().next_back().map_or(0, |(i, _)| i);
    }
    // Do not leave a dangling zero-width joiner before the ellipsis.
    let kept = s[..cut].trim_end_matches('\u{200D}');
    let mut out = String::with_capacity(kept.len() + '…'.len_utf8());
    out.push_str(kept);
    out.push('…');
    Cow::Owned(out)
}

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shown_is_bounded_in_characters_as_well_as_columns() {
        assert_eq!(shown("Lê Thị\u{1b}[31m Hà", 40), "Lê Thị\u{FFFD}[31m Hà");
        assert_eq!(shown("Thành phố Hồ Chí Minh", 10), "Thành phố…");
        // A megabyte of combining marks takes no column: cut by characters.
        let marks = format!("a{}", "\u{0301}".repeat(1 << 20));
        let s = shown(&marks, 40);
        assert!(s.chars().count() <= 160, "{} characters", s.chars().count());
        assert!(width(&s) <= 40);
        assert!(s.ends_with('…'));
        // A long line of ordinary text is cut as before.
        let line = "079192019782,".repeat(100_000);
        let s = shown(&line, 40);
        assert_eq!(width(&s), 40);
        assert_eq!(s, truncate(&line, 40));
        assert_eq!(shown("x", 0), "");
    }

    const LIBRARY: &str = "Thủ tục thông báo thành lập thư viện đối với thư viện cộng đồng";
    const BIRTH: &str = "Thủ tục Cấp giấy chứng sinh đối với trường hợp trẻ được sinh ra";

    /// The original chars at `positions`, concatenated.
    fn picked(original: &str, positions: &[usize]) -> String {
        let chars: Vec<char> = original.chars().collect();
        positions.iter().map(|&i| chars[i]).collect()
    }

    fn nfd(s: &str) -> String {
        s.nfd().collect()
    }

    #[test]
    fn fold_vietnamese_alphabet() {
        let lower =
            "ăâđêôơư àáảãạ ằắẳẵặ ầấẩẫậ èéẻẽẹ ềếểễệ ìíỉĩị òóỏõọ ồốổỗộ ờớởỡợ ùúủũụ ừứửữự ỳýỷỹỵ";
        let upper =
            "ĂÂĐÊÔƠƯ ÀÁẢÃẠ ẰẮẲẴẶ ẦẤẨẪẬ ÈÉẺẼẸ ỀẾỂỄỆ ÌÍỈĨỊ ÒÓỎÕỌ ỒỐỔỖỘ ỜỚỞỠỢ ÙÚỦŨỤ ỪỨỬỮỰ ỲÝỶỸỴ";
        let expected =
            "aadeoou aaaaa aaaaa aaaaa eeeee eeeee iiiii ooooo ooooo ooooo uuuuu uuuuu yyyyy";
        assert_eq!(fold(lower), expected);
        assert_eq!(fold(upper), expected);
        assert_eq!(
            upper.to_lowercase(),
            lower,
            "sample strings must correspond"
        );
        assert_eq!(fold("Thư Viện Đà"), "thu vien da");
        assert_eq!(
            fold("  A-B  "),
            "  a-b  ",
            "spaces and punctuation are kept"
        );
    }

    #[test]
    fn fold_char_counts() {
        let mut s = String::new();
        fold_char('\u{0301}', &mut s);
        assert_eq!(s, "", "a lone combining mark folds to nothing");
        fold_char('Ự', &mut s);
        assert_eq!(s, "u");
        fold_char('İ', &mut s);
        assert_eq!(
            s, "ui",
            "U+0130 lowercases to i + U+0307; the mark is dropped"
        );
        fold_char('Q', &mut s);
        assert_eq!(s, "uiq");
    }

    #[test]
    fn old_and_new_tone_placement_fold_identically() {
        assert_eq!(fold("Hoà"), "hoa");
        assert_eq!(fold("Hòa"), "hoa");
        assert_eq!(fold("thuỷ"), fold("thủy"));
    }

    #[test]
    fn nfd_input_folds_the_same_with_base_char_origins() {
        let name = "Thư viện Đà Nẵng";
        let decomposed = nfd(name);
        assert_ne!(decomposed, name, "test input must really differ in NFD");
        assert_eq!(fold(&decomposed), fold(name));

        let f = Folded::new(&decomposed);
        let nfc = Folded::new(name);
        assert_eq!(f.text, nfc.text);
        let chars: Vec<char> = decomposed.chars().collect();
        for (k, &o) in f.origin.iter().enumerate() {
            assert!(!is_combining_mark(chars[o]), "origin {o} points at a mark");
            let mut s = String::new();
            fold_char(chars[o], &mut s);
            assert_eq!(s.chars().collect::<Vec<_>>(), [f.text[k]]);
        }

        // "Việt" in NFD: V i e U+0323 U+0302 t.
        let viet = Folded::new("Vie\u{0323}\u{0302}t");
        assert_eq!(viet.text, ['v', 'i', 'e', 't']);
        assert_eq!(viet.origin, [0, 1, 2, 5]);
        // Same word in NFC maps one to one.
        assert_eq!(Folded::new("Việt").origin, [0, 1, 2, 3]);
    }

    #[test]
    fn all_words_accent_and_case_insensitive_with_positions() {
        let folded = Folded::new(LIBRARY);
        for q in ["thu vien", "THƯ VIỆN", "thư viện", "  thư   VIEN "] {
            let m = Query::new(q, MatchMode::AllWords)
                .matches(&folded)
                .unwrap_or_else(|| panic!("{q:?} should match"));
            // The words occur together as typed, so that phrase ("thư viện") is lit,
            // not the "Thủ" of "Thủ tục".
            assert_eq!(picked(LIBRARY, &m.positions), "thưviện", "query {q:?}");
            assert!(m.positions.windows(2).all(|w| w[0] < w[1]));
        }
    }

    #[test]
    fn all_words_highlights_the_typed_phrase_when_it_occurs() {
        let name = "Thủ tục thông báo thành lập thư viện đối với thư viện cộng đồng";
        let m = Query::new("thu vien", MatchMode::AllWords)
            .matches(&Folded::new(name))
            .unwrap();
        assert_eq!(picked(name, &m.positions), "thưviện");
        let m = Query::new("vien thu", MatchMode::AllWords)
            .matches(&Folded::new(name))
            .unwrap();
        assert_eq!(
            picked(name, &m.positions),
            "Thủviện",
            "out of order: first occurrences"
        );
    }

    #[test]
    fn all_words_positions_on_nfd_candidate() {
        let decomposed = nfd(LIBRARY);
        let m = Query::new("viện", MatchMode::AllWords)
            .matches(&Folded::new(&decomposed))
            .unwrap();
        // Positions point at the base chars of the decomposed string.
        assert_eq!(picked(&decomposed, &m.positions), "vien");
        let m_nfc = Query::new("viện", MatchMode::AllWords)
            .matches(&Folded::new(LIBRARY))
            .unwrap();
        assert_eq!(picked(LIBRARY, &m_nfc.positions), "viện");
    }

    #[test]
    fn all_words_requires_contiguous_words_fuzzy_does_not() {
        let birth = Folded::new(BIRTH);
        assert_eq!(
            Query::new("thu vien", MatchMode::AllWords).matches(&birth),
            None
        );
        let m = Query::new("thu vien", MatchMode::Fuzzy)
            .matches(&birth)
            .expect("subsequence exists");
        assert_eq!(m.positions.len(), 7);
        assert_eq!(fold(&picked(BIRTH, &m.positions)), "thuvien");
    }

    #[test]
    fn missing_word_or_char_is_no_match() {
        let folded = Folded::new(LIBRARY);
        assert_eq!(
            Query::new("thư viện tỉnh", MatchMode::AllWords).matches(&folded),
            None
        );
        assert_eq!(
            Query::new("thư viện xyz", MatchMode::Fuzzy).matches(&folded),
            None
        );
        assert_eq!(
            Query::new("a very long query longer than text", MatchMode::Fuzzy)
                .matches(&Folded::new("abc")),
            None
        );
    }

    #[test]
    fn empty_query_matches_everything() {
        for mode in [MatchMode::AllWords, MatchMode::Fuzzy] {
            for q in ["", "   ", "\t", "\u{0301}"] {
                let query = Query::new(q, mode);
                assert!(query.is_empty(), "{q:?} in {mode:?}");
                let m = query.matches(&Folded::new(LIBRARY)).unwrap();
                assert_eq!(
                    m,
                    Match {
                        score: 0,
                        positions: vec![]
                    }
                );
                assert!(query.matches(&Folded::default()).is_some());
            }
            assert!(!Query::new(" x ", mode).is_empty());
        }
    }

    #[test]
    fn all_words_scores_prefer_word_starts_and_earlier() {
        let q = Query::new("vien", MatchMode::AllWords);
        let word_start = q.matches(&Folded::new("Thư viện tỉnh")).unwrap();
        let mid_word = q.matches(&Folded::new("Xvien tỉnh")).unwrap();
        let later = q
            .matches(&Folded::new("Thủ tục thông báo thư viện"))
            .unwrap();
        assert!(word_start.score > mid_word.score);
        assert!(word_start.score > later.score);

        let phrase = Query::new("thu vien", MatchMode::AllWords);
        let together = phrase.matches(&Folded::new("thư viện cộng đồng")).unwrap();
        let apart = phrase.matches(&Folded::new("thư và viện cộng")).unwrap();
        assert!(together.score > apart.score);

        // Deterministic.
        assert_eq!(
            phrase.matches(&Folded::new(LIBRARY)),
            phrase.matches(&Folded::new(LIBRARY))
        );
    }

    #[test]
    fn fuzzy_ranks_contiguous_above_scattered() {
        let q = Query::new("thư viện", MatchMode::Fuzzy);
        let good = q.matches(&Folded::new(LIBRARY)).unwrap();
        let scattered = q.matches(&Folded::new(BIRTH)).unwrap();
        assert!(
            good.score > scattered.score,
            "{} vs {}",
            good.score,
            scattered.score
        );
        // The DP picks the phrase "thư viện", not "Thủ" + a distant "viện".
        assert_eq!(picked(LIBRARY, &good.positions), "thưviện");
        let chars: Vec<char> = LIBRARY.chars().collect();
        let start = good.positions[0];
        assert_eq!(
            chars[start..start + 8].iter().collect::<String>(),
            "thư viện"
        );
    }

    #[test]
    fn fuzzy_prefers_word_starts_and_runs() {
        // "tl" should take the initials of "thành lập", not letters inside words.
        let name = "Thủ tục thông báo thành lập";
        let m = Query::new("tl", MatchMode::Fuzzy)
            .matches(&Folded::new(name))
            .unwrap();
        let chars: Vec<char> = name.chars().collect();
        assert_eq!(chars[m.positions[1]], 'l');
        assert!(m.positions.iter().all(|&p| p == 0 || chars[p - 1] == ' '));
        assert_eq!(m.positions, [18, 24]);

        // A consecutive run beats the same letters spread out.
        let q = Query::new("cap", MatchMode::Fuzzy);
        let run = q.matches(&Folded::new("Cấp phép")).unwrap();
        let spread = q.matches(&Folded::new("Cơ sở an toàn phép")).unwrap();
        assert!(run.score > spread.score);
    }

    #[test]
    fn fuzzy_positions_are_sorted_and_unique() {
        let q = Query::new("dang ky", MatchMode::Fuzzy);
        let name = "Đăng ký kết hôn có yếu tố nước ngoài";
        let m = q.matches(&Folded::new(name)).unwrap();
        assert!(m.positions.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(picked(name, &m.positions), "Đăngký");
    }

    /// Best [`fz_score`] over every way of matching `query` in `text`, by brute force.
    fn brute_force_best(text: &[char], query: &[char]) -> Option<i64> {
        fn go(text: &[char], query: &[char], from: usize, picked: &mut Vec<usize>) -> Option<i64> {
            if picked.len() == query.len() {
                return Some(fz_score(text, picked));
            }
            let mut best = None;
            for j in from..text.len() {
                if text[j] == query[picked.len()] {
                    picked.push(j);
                    best = best.max(go(text, query, j + 1, picked));
                    picked.pop();
                }
            }
            best
        }
        go(text, query, 0, &mut Vec::new())
    }

    #[test]
    fn fuzzy_dp_is_optimal() {
        // Small xorshift generator: deterministic, no extra crates.
        let mut state = 0x9E37_79B9_7F4A_7C15_u64;
        let mut next = move |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            usize::try_from(state % u64::try_from(n).unwrap()).unwrap()
        };
        let alphabet = ['a', 'b', 'c', ' ', 'a', 'b'];
        let mut matched = 0;
        for _ in 0..3000 {
            let text: String = (0..=next(14))
                .map(|_| alphabet[next(alphabet.len())])
                .collect();
            let query: String = (0..=next(4)).map(|_| alphabet[next(3)]).collect();
            let folded = Folded::new(&text);
            let q: Vec<char> = query.chars().collect();
            let got = Query::new(&query, MatchMode::Fuzzy).matches(&folded);
            let want = brute_force_best(&folded.text, &q);
            assert_eq!(got.as_ref().map(|m| m.score), want, "{query:?} in {text:?}");
            if let Some(m) = got {
                matched += 1;
                // ASCII text: original and folded indices coincide.
                assert_eq!(m.positions.len(), q.len());
                assert_eq!(fz_score(&folded.text, &m.positions), m.score);
                let hit: String = m.positions.iter().map(|&p| folded.text[p]).collect();
                assert_eq!(hit, query);
            }
        }
        assert!(matched > 1000, "the generator should produce many matches");
    }

    #[test]
    fn fuzzy_long_query_uses_leftmost_match() {
        let text = "ab".repeat(70);
        let query = "a".repeat(FZ_MAX_DP_LEN + 1);
        let m = Query::new(&query, MatchMode::Fuzzy)
            .matches(&Folded::new(&text))
            .unwrap();
        let expected: Vec<usize> = (0..=FZ_MAX_DP_LEN).map(|i| 2 * i).collect();
        assert_eq!(m.positions, expected);
        assert_eq!(m.score, fz_score(&Folded::new(&text).text, &expected));
        let too_many = "a".repeat(71);
        assert_eq!(
            Query::new(&too_many, MatchMode::Fuzzy).matches(&Folded::new(&text)),
            None
        );
    }

    #[test]
    fn fuzzy_non_ascii_chars() {
        let name = "Заявление о регистрации";
        let m = Query::new("ЗАЯВ рег", MatchMode::Fuzzy)
            .matches(&Folded::new(name))
            .unwrap();
        assert_eq!(picked(name, &m.positions), "Заяврег");
    }

    #[test]
    fn sanitize_strips_hostile_chars() {
        let (out, changed) = sanitize("\x1b[31mĐỏ\u{9b}2J\u{202e}txt\u{7f}");
        assert_eq!(out, "\u{FFFD}[31mĐỏ\u{FFFD}2J\u{FFFD}txt\u{FFFD}");
        assert!(changed);
        assert!(!out.contains('\x1b') && !out.contains('\u{9b}'));

        let (out, changed) = sanitize("a\tb\r\nc\u{2066}d\u{2069}\u{200f}\u{061c}\u{0}");
        assert_eq!(out, "a b c\u{FFFD}d\u{FFFD}");
        assert!(changed);
        // Cleaning twice changes nothing more.
        assert_eq!(sanitize(&out), (out.clone(), false));
    }

    #[test]
    fn sanitize_clean_and_nfc() {
        let clean = "Thủ tục đăng ký hộ kinh doanh (Điều 87)";
        assert_eq!(sanitize(clean), (clean.to_string(), false));
        // NFD input comes back NFC, without raising the flag.
        assert_eq!(sanitize(&nfd(clean)), (clean.to_string(), false));
    }

    #[test]
    fn width_and_truncate() {
        assert_eq!(width("Việt Nam"), 8);
        assert_eq!(width(&nfd("Việt Nam")), 8);
        assert_eq!(width("漢字"), 4);

        let s = "Thủ tục 漢字漢字";
        assert_eq!(width(s), 16);
        assert!(matches!(truncate(s, 16), Cow::Borrowed(_)));
        assert!(matches!(truncate(s, 40), Cow::Borrowed(_)));
        assert_eq!(truncate(s, 11), "Thủ tục 漢…");
        assert_eq!(width(&truncate(s, 11)), 11);
        // A wide char cannot be split: one cell is left empty.
        assert_eq!(truncate(s, 10), "Thủ tục …");
        assert_eq!(width(&truncate(s, 10)), 9);
        assert_eq!(truncate(s, 1), "…");
        assert_eq!(truncate(s, 0), "");
        for w in 0..20 {
            assert!(width(&truncate(s, w)) <= w, "width {w}");
        }

        // Combining marks stay attached to their base char.
        let decomposed = nfd("Việt Nam");
        let cut = truncate(&decomposed, 4);
        assert_eq!(cut.nfc().collect::<String>(), "Việ…");
    }
}
