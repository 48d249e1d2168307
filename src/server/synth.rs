//! Synthetic but realistic data for the reference server (`motcua serve`), its tests and
//! the demo: administrative units, the ethnicity and religion code lists, a population
//! of citizens living in households, and a procedure catalogue.
//!
//! Everything is deterministic: the same seed gives the same data on every platform
//! (all randomness comes from [`SplitMix64`]); the code tables need no seed at all.
//!
//! # What is real and what is synthetic
//!
//! - **Provinces are real.** The 34 provinces of the two-level system in force since
//!   1 Jul 2025 (Resolution 202/2025/QH15) and the 63 provinces before it, with their
//!   official names and 2-digit codes; each legacy province says which current province
//!   it became part of.
//! - **Districts are real names** (2–4 per legacy province, not all of them), with
//!   synthetic 3-digit codes.
//! - **The ward level is synthetic.** Real data has ~10,000 legacy wards and ~3,300
//!   current ones; here each legacy district has 3–6 plausible wards (real names for Hà
//!   Nội, Thành phố Hồ Chí Minh, Hải Phòng, Hòa Bình and Ninh Thuận, invented ones
//!   elsewhere) and every current ward is formed by merging 1–3 legacy wards of one
//!   district, as the 2025 reform did. Ward codes are 5 digits and unique nationwide,
//!   current and legacy alike, but they are not the official ones.
//! - **Ethnic groups** are the 54 of the national list with their codes, plus 55
//!   "Người nước ngoài"; **religions** are the recognised ones with 2-digit codes.
//! - **People are invented.** Their CCCD numbers follow the real structure (birth
//!   province, sex and century, year of birth, 6 digits), names follow real frequencies.
//!
//! # Fixtures
//!
//! Whatever the seed, when at least [`FIXTURE_PEOPLE`] people are asked for, the first
//! three households are the hand-written ones of [`fixtures`] (documented for testers
//! in `docs/demo-citizens.md`). [`OUTSIDER_IDS`] are valid-looking numbers the generator
//! never produces, for "not found" tests.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::api::{
    Address, AdminUnits, BloodGroup, ChannelTerms, CitizenRecord, CodeName, CodeTable,
    DossierComponent, HouseholdHead, LegacyAddress, LegacyDistrict, LegacyProvince, MaritalStatus,
    PersonName, ProcedureRecord, Province, RelatedPerson, Sex,
};
use crate::catalogue::{self, Procedure};
use crate::rng::SplitMix64;

use data::{CURRENT, DETAILED, LEGACY, Region};

/// The version of the code tables ([`ethnicities`], [`religions`], [`admin_units`]).
pub const CODE_TABLE_VERSION: &str = "2025-07-01";

/// The day the generated population describes: ages (minors, adults) are counted on it.
pub const REFERENCE_DATE: &str = "2025-07-01";
const REF: (i32, u8, u8) = (2025, 7, 1);

// ---------------------------------------------------------------------------
// Administrative units
// ---------------------------------------------------------------------------

/// One current ward as the index knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WardInfo {
    /// The current (2025) province.
    pub province: CodeName,
    /// The current ward.
    pub ward: CodeName,
    /// The legacy wards (three-level form) it was formed from, 1 to 3, in order.
    pub legacy: Vec<LegacyAddress>,
}

/// Fast look-ups over [`admin_units`]: current ward code → province, ward and the
/// legacy wards it came from; legacy ward code → current ward code.
///
/// The ward level is synthetic (see the module documentation); provinces are real.
#[derive(Debug)]
pub struct AdminIndex {
    wards: HashMap<String, WardInfo>,
    legacy_wards: HashMap<String, String>,
    provinces: HashMap<String, CodeName>,
    legacy_provinces: HashMap<String, CodeName>,
}

impl AdminIndex {
    /// The current ward with this 5-digit code.
    pub fn ward(&self, code: &str) -> Option<&WardInfo> {
        self.wards.get(code)
    }

    /// Province, ward and the first legacy ward it came from.
    pub fn resolve(&self, code: &str) -> Option<(CodeName, CodeName, LegacyAddress)> {
        let w = self.wards.get(code)?;
        let legacy = w.legacy.first()?.clone();
        Some((w.province.clone(), w.ward.clone(), legacy))
    }

    /// An address in the current ward `code`; `pick` chooses which of its legacy wards
    /// fills the three-level form (any number; the same number gives the same ward).
    pub fn address(&self, code: &str, detail: &str, pick: u64) -> Option<Address> {
        let w = self.wards.get(code)?;
        let n = w.legacy.len() as u64;
        let legacy = (n > 0)
            .then(|| {
                w.legacy
                    .get(usize::try_from(pick % n).unwrap_or(0))
                    .cloned()
            })
            .flatten();
        Some(Address {
            detail: detail.to_owned(),
            province: w.province.clone(),
            ward: w.ward.clone(),
            legacy,
        })
    }

    /// The current ward a legacy ward (5-digit code) became part of.
    pub fn current_of_legacy(&self, legacy_ward_code: &str) -> Option<&str> {
        self.legacy_wards.get(legacy_ward_code).map(String::as_str)
    }

    /// A current province by its 2-digit code.
    pub fn province(&self, code: &str) -> Option<&CodeName> {
        self.provinces.get(code)
    }

    /// A legacy province by its 2-digit code.
    pub fn legacy_province(&self, code: &str) -> Option<&CodeName> {
        self.legacy_provinces.get(code)
    }

    /// Every current ward code, in no particular order.
    pub fn ward_codes(&self) -> impl Iterator<Item = &str> {
        self.wards.keys().map(String::as_str)
    }
}

/// A current ward as the people generator uses it.
struct GenWard {
    code: String,
    /// Index into `LEGACY` of the legacy province its legacy wards belong to.
    legacy: usize,
    urban: bool,
}

/// Everything derived once from the static tables.
struct Admin {
    units: AdminUnits,
    index: AdminIndex,
    wards: Vec<GenWard>,
    /// Per legacy province (index into `LEGACY`): its current wards (indices into `wards`).
    by_legacy: Vec<Vec<usize>>,
    /// (legacy province index, population) for weighted picks.
    legacy_weights: Vec<(usize, u32)>,
}

fn admin() -> &'static Admin {
    static ADMIN: OnceLock<Admin> = OnceLock::new();
    ADMIN.get_or_init(build_admin)
}

/// The 34 current provinces with their wards and the 63 legacy provinces with their
/// districts and wards. Province names and codes are real; the ward level is synthetic
/// (see the module documentation). Built once.
pub fn admin_units() -> &'static AdminUnits {
    &admin().units
}

/// The look-up index over [`admin_units`]. Built once.
pub fn admin_index() -> &'static AdminIndex {
    &admin().index
}

/// "Phường Bến Nghé" → ("Phường", "Bến Nghé").
fn split_kind(name: &str) -> (&str, &str) {
    for kind in ["Thị trấn", "Phường", "Xã", "Đặc khu"] {
        if let Some(rest) = name.strip_prefix(kind) {
            return (kind, rest.trim_start());
        }
    }
    ("", name)
}

/// "Huyện Lương Sơn" → "Lương Sơn".
fn district_base(name: &str) -> &str {
    for kind in ["Thành phố ", "Thị xã ", "Quận ", "Huyện "] {
        if let Some(rest) = name.strip_prefix(kind) {
            return rest;
        }
    }
    name
}

/// One legacy district before codes are given: its wards and how they merge.
struct DistrictPlan {
    name: String,
    /// (current ward name, or `None` to make one up; legacy ward names).
    groups: Vec<(Option<String>, Vec<String>)>,
}

/// The districts of a legacy province without hand-written wards: real district names,
/// invented wards and mergers, all fixed by the province code.
fn synthetic_districts(def: &data::LegacyDef, used: &mut HashSet<String>) -> Vec<DistrictPlan> {
    let mut rng = SplitMix64(0x5741_5244_0000_0000 ^ u64::from(def.code));
    let pool = data::ward_pool(def.region);
    let mut plans = Vec::new();
    for name in def.districts.split('|') {
        let base = district_base(name);
        let rural = name.starts_with("Huyện ");
        let count = 3 + rng.below(4);
        let mut wards = Vec::with_capacity(count);
        for i in 0..count {
            let kind = if rural {
                if i == 0 { "Thị trấn" } else { "Xã" }
            } else if i + 1 == count && count >= 5 && !name.starts_with("Quận ") {
                "Xã"
            } else {
                "Phường"
            };
            let ward_base = if rural && i == 0 && used.insert(base.to_owned()) {
                base.to_owned()
            } else {
                let start = rng.below(pool.len());
                let found = (0..pool.len())
                    .map(|k| pool[(start + k) % pool.len()])
                    .find(|b| !used.contains(*b));
                match found {
                    Some(b) => {
                        used.insert(b.to_owned());
                        b.to_owned()
                    }
                    None => format!("{base} {}", i + 1),
                }
            };
            wards.push(format!("{kind} {ward_base}"));
        }
        let mut groups = Vec::new();
        let mut rest = &wards[..];
        while !rest.is_empty() {
            let take = (1 + rng.below(3)).min(rest.len());
            groups.push((None, rest[..take].to_vec()));
            rest = &rest[take..];
        }
        plans.push(DistrictPlan {
            name: name.to_owned(),
            groups,
        });
    }
    plans
}

/// The hand-written districts of a legacy province, if it has them.
fn detailed_districts(code: u8) -> Vec<DistrictPlan> {
    DETAILED
        .iter()
        .filter(|d| d.0 == code)
        .map(|&(_, name, groups)| DistrictPlan {
            name: name.to_owned(),
            groups: groups
                .iter()
                .map(|&(new, olds)| {
                    (
                        Some(new.to_owned()),
                        olds.iter().map(|s| (*s).to_owned()).collect(),
                    )
                })
                .collect(),
        })
        .collect()
}

/// A name for a current ward formed from `members`, unique in its province.
fn current_ward_name(
    given: Option<&str>,
    first_in_district: bool,
    district: &str,
    members: &[String],
    taken: &mut HashSet<String>,
    rng: &mut SplitMix64,
) -> String {
    let (first_kind, _) = split_kind(&members[0]);
    let kind = match first_kind {
        "Phường" => "Phường",
        "Đặc khu" => "Đặc khu",
        _ => "Xã",
    };
    let mut candidates: Vec<String> = Vec::new();
    if let Some(g) = given {
        candidates.push(g.to_owned());
    }
    if first_in_district {
        candidates.push(format!("{kind} {}", district_base(district)));
    }
    let invent = rng.chance(40);
    let invented = data::NEW_WARD_NAMES[rng.below(data::NEW_WARD_NAMES.len())];
    if invent {
        candidates.push(format!("{kind} {invented}"));
    }
    for m in members {
        candidates.push(format!("{kind} {}", split_kind(m).1));
    }
    candidates.extend(data::NEW_WARD_NAMES.iter().map(|n| format!("{kind} {n}")));
    for c in candidates {
        if taken.insert(c.clone()) {
            return c;
        }
    }
    let mut i = 2;
    loop {
        let c = format!("{kind} {} {i}", split_kind(&members[0]).1);
        if taken.insert(c.clone()) {
            return c;
        }
        i += 1;
    }
}

fn build_admin() -> Admin {
    let mut current: Vec<Province> = CURRENT
        .iter()
        .map(|&(code, name)| Province {
            code: format!("{code:02}"),
            name: name.to_owned(),
            wards: Vec::new(),
        })
        .collect();
    let mut taken: Vec<HashSet<String>> = vec![HashSet::new(); CURRENT.len()];
    let mut legacy = Vec::with_capacity(LEGACY.len());
    let mut wards_index = HashMap::new();
    let mut legacy_wards = HashMap::new();
    let mut gen_wards = Vec::new();
    let mut by_legacy = vec![Vec::new(); LEGACY.len()];

    for (li, def) in LEGACY.iter().enumerate() {
        let ci = CURRENT
            .iter()
            .position(|c| c.0 == def.merged_into)
            .expect("every legacy province is merged into a current one");
        let province = CodeName {
            code: format!("{:02}", def.code),
            name: def.name.to_owned(),
        };
        let mut plans = detailed_districts(def.code);
        if plans.is_empty() {
            let mut used = HashSet::new();
            plans = synthetic_districts(def, &mut used);
        }
        let mut rng = SplitMix64(0x4D45_5247_0000_0000 ^ u64::from(def.code));
        let mut next = (u32::from(def.code) - 1) * 340 + 1;
        let mut districts = Vec::with_capacity(plans.len());
        for (di, plan) in plans.iter().enumerate() {
            let district = CodeName {
                code: format!("{:03}", u32::from(def.code) * 10 + di as u32),
                name: plan.name.clone(),
            };
            let mut ward_rows = Vec::new();
            for (gi, (given, members)) in plan.groups.iter().enumerate() {
                let name = current_ward_name(
                    given.as_deref(),
                    gi == 0,
                    &plan.name,
                    members,
                    &mut taken[ci],
                    &mut rng,
                );
                let first_code = next;
                let mut legacy_addrs = Vec::with_capacity(members.len());
                let code = format!("{:05}", first_code + 1);
                for m in members {
                    let w = CodeName {
                        code: format!("{next:05}"),
                        name: m.clone(),
                    };
                    next += 3;
                    legacy_wards.insert(w.code.clone(), code.clone());
                    legacy_addrs.push(LegacyAddress {
                        province: province.clone(),
                        district: district.clone(),
                        ward: w.clone(),
                    });
                    ward_rows.push(w);
                }
                let ward = CodeName {
                    code: code.clone(),
                    name: name.clone(),
                };
                current[ci].wards.push(ward.clone());
                by_legacy[li].push(gen_wards.len());
                gen_wards.push(GenWard {
                    code: code.clone(),
                    legacy: li,
                    urban: name.starts_with("Phường"),
                });
                wards_index.insert(
                    code,
                    WardInfo {
                        province: CodeName {
                            code: current[ci].code.clone(),
                            name: current[ci].name.clone(),
                        },
                        ward,
                        legacy: legacy_addrs,
                    },
                );
            }
            districts.push(LegacyDistrict {
                code: district.code,
                name: district.name,
                wards: ward_rows,
            });
        }
        legacy.push(LegacyProvince {
            code: province.code,
            name: province.name,
            merged_into: format!("{:02}", def.merged_into),
            districts,
        });
    }
    let provinces = current
        .iter()
        .map(|p| {
            (
                p.code.clone(),
                CodeName {
                    code: p.code.clone(),
                    name: p.name.clone(),
                },
            )
        })
        .collect();
    let legacy_provinces = legacy
        .iter()
        .map(|p| {
            (
                p.code.clone(),
                CodeName {
                    code: p.code.clone(),
                    name: p.name.clone(),
                },
            )
        })
        .collect();
    Admin {
        units: AdminUnits { current, legacy },
        index: AdminIndex {
            wards: wards_index,
            legacy_wards,
            provinces,
            legacy_provinces,
        },
        wards: gen_wards,
        by_legacy,
        legacy_weights: LEGACY
            .iter()
            .enumerate()
            .map(|(i, d)| (i, d.population))
            .collect(),
    }
}

// ---------------------------------------------------------------------------
// Ethnicities and religions
// ---------------------------------------------------------------------------

fn code_table(items: &[(&str, &str)]) -> CodeTable {
    CodeTable {
        version: CODE_TABLE_VERSION.to_owned(),
        items: items
            .iter()
            .map(|&(code, name)| CodeName {
                code: code.to_owned(),
                name: name.to_owned(),
            })
            .collect(),
    }
}

/// The 54 ethnic groups of Vietnam with their 2-digit national codes (01 Kinh … 54
/// Rơ-măm, in the order of the statistics office's list), plus 55 "Người nước ngoài".
pub fn ethnicities() -> CodeTable {
    code_table(data::ETHNICITIES)
}

/// "00 Không" and the religions recognised in Vietnam, with 2-digit codes.
pub fn religions() -> CodeTable {
    code_table(data::RELIGIONS)
}

/// The name of an ethnicity code ("01" → "Kinh").
pub fn ethnicity_name(code: &str) -> Option<&'static str> {
    data::ETHNICITIES.iter().find(|e| e.0 == code).map(|e| e.1)
}

/// The name of a religion code ("00" → "Không").
pub fn religion_name(code: &str) -> Option<&'static str> {
    data::RELIGIONS.iter().find(|e| e.0 == code).map(|e| e.1)
}

// ---------------------------------------------------------------------------
// People
// ---------------------------------------------------------------------------

/// A citizen as the server stores them: compact, with codes instead of names.
/// [`expand`] turns it into the 20 fields of a population-database answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    /// Số định danh cá nhân (CCCD), 12 digits.
    pub id_number: String,
    /// Số CMND, 9 digits, for people who had one (mostly those born before 1990).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old_id_number: Option<String>,
    /// Họ.
    pub family: String,
    /// Chữ đệm; may be empty, may be two words ("Thị Thu").
    pub middle: String,
    /// Tên.
    pub given: String,
    pub sex: Sex,
    /// `YYYY-MM-DD`, or `YYYY` when only the year is registered (some people born before 1950).
    pub birth_date: String,
    /// Ethnicity code (see [`ethnicities`]).
    pub ethnicity: String,
    /// Religion code (see [`religions`]).
    pub religion: String,
    pub marital: MaritalStatus,
    pub blood: BloodGroup,
    /// Where the birth was registered: a current ward code.
    pub birth_ward: String,
    /// Quê quán: a current ward code.
    pub home_ward: String,
    /// Địa chỉ thường trú: the household's address.
    pub permanent_detail: String,
    pub permanent_ward: String,
    /// Nơi ở hiện tại; the same as the permanent address for most people.
    pub current_detail: String,
    pub current_ward: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub father: Option<Relative>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mother: Option<Relative>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spouse: Option<Relative>,
    /// Người đại diện: a parent, for children under 14.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub representative: Option<Relative>,
    pub household_id: u64,
    /// Quan hệ với chủ hộ: "Chủ hộ", "Vợ", "Chồng", "Con", "Con dâu", "Con rể", "Cháu",
    /// "Bố", "Mẹ", "Anh", "Chị", "Em".
    pub relation: String,
    /// VNeID level (1 or 2) for people with a national portal account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub portal_level: Option<u8>,
}

impl Person {
    /// "Họ chữ-đệm tên" with single spaces.
    pub fn full_name(&self) -> String {
        join_name(&self.family, &self.middle, &self.given)
    }

    /// This person as a relative named in someone else's record.
    pub fn as_relative(&self) -> Relative {
        Relative {
            full_name: self.full_name(),
            id_number: Some(self.id_number.clone()),
            old_id_number: self.old_id_number.clone(),
        }
    }
}

/// A parent, spouse or representative as a record names them. Relatives outside the
/// population (not generated) have a name only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Relative {
    pub full_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old_id_number: Option<String>,
}

/// A household (hộ gia đình) and its registered address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Household {
    /// 1, 2, 3… in the order generated (the fixtures are 1, 2 and 3).
    pub id: u64,
    /// Số sổ hộ khẩu, 9 digits, unique.
    pub book_number: String,
    /// The CCCD of the head (chủ hộ).
    pub head_id: String,
    /// The permanent address's detail line.
    pub detail: String,
    /// The permanent address's current ward code.
    pub ward: String,
}

fn join_name(family: &str, middle: &str, given: &str) -> String {
    [family, middle, given]
        .iter()
        .filter(|p| !p.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Twelve-digit CCCD numbers that are fixtures ([`FIXTURE_IDS`]).
pub const FIXTURE_IDS: &[&str] = &[
    // Household A, Thành phố Hồ Chí Minh
    "079192019782",
    "042089006135",
    "079216003521",
    "079320001846",
    // Household B, Hà Nội
    "001072004519",
    "036175002468",
    "001200017187",
    "001146003957",
    // Household C, Hải Phòng
    "031068007342",
    "031170005816",
    "031095008264",
    "030197004731",
    "031221006159",
];

/// How many people the fixture households hold; [`generate_people`] starts with them
/// when asked for at least this many people.
pub const FIXTURE_PEOPLE: usize = 13;

const FIXTURE_OLD_IDS: &[&str] = &[
    "183456789",
    "013579246",
    "162468013",
    "010246813",
    "030846152",
    "031094627",
];
const FIXTURE_BOOKS: &[&str] = &["790142857", "010285714", "310571428"];

/// Structurally valid CCCD numbers (real province, sex/century digit, year) that the
/// generator never produces: for "not found" / "not a member" tests.
pub const OUTSIDER_IDS: &[&str] = &[
    "001088000001",
    "079195000002",
    "031203000003",
    "048170000004",
    "001301234567",
];

/// Nine-digit CMND numbers the generator never produces.
pub const OUTSIDER_OLD_IDS: &[&str] = &["012000001", "020000002", "031000003"];

fn reserved_id(id: &str) -> bool {
    FIXTURE_IDS.contains(&id) || OUTSIDER_IDS.contains(&id)
}

fn reserved_old_id(id: &str) -> bool {
    FIXTURE_OLD_IDS.contains(&id) || OUTSIDER_OLD_IDS.contains(&id)
}

/// The splitmix64 finaliser, as a hash of one word.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// FNV-1a of a string, for seeding per-item generators.
fn hash_str(s: &str) -> u64 {
    s.bytes().fold(0xCBF2_9CE4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01B3)
    })
}

/// A keyed permutation of `0..modulus` (`modulus <= 2^bits`, `bits` even): a 4-round
/// Feistel network on `bits` bits, cycle-walked into range. Distinct inputs give
/// distinct outputs, so counters become unique, random-looking numbers.
fn permute(x: u64, modulus: u64, bits: u32, key: u64) -> u64 {
    let half = bits / 2;
    let mask = (1u64 << half) - 1;
    let mut value = x;
    loop {
        let (mut left, mut right) = (value >> half, value & mask);
        for round in 0..4u64 {
            let mixed = mix(key ^ (round << 58) ^ right) & mask;
            (left, right) = (right, left ^ mixed);
        }
        value = (left << half) | right;
        if value < modulus {
            return value;
        }
    }
}

/// Mints unique identity numbers: one counter per number prefix, each counter value
/// permuted into the free digits, reserved numbers skipped.
struct Mint {
    seed: u64,
    cccd: HashMap<u32, u64>,
    cmnd: HashMap<&'static str, u64>,
    books: u64,
}

impl Mint {
    fn new(seed: u64) -> Self {
        Mint {
            seed: mix(seed ^ 0x4944_4E55_4D42_4552),
            cccd: HashMap::new(),
            cmnd: HashMap::new(),
            books: 0,
        }
    }

    /// A CCCD for someone whose birth was registered in legacy province `province`;
    /// `None` when that prefix is exhausted (a million people of one sex and birth year
    /// in one province).
    fn cccd(&mut self, province: u8, sex: Sex, year: i32) -> Option<String> {
        let digit = century_digit(sex, year);
        let yy = year.rem_euclid(100);
        let prefix = u32::from(province) * 1000 + digit * 100 + yy.unsigned_abs();
        let key = mix(self.seed ^ u64::from(prefix));
        let counter = self.cccd.entry(prefix).or_insert(0);
        loop {
            if *counter >= 1_000_000 {
                return None;
            }
            let suffix = permute(*counter, 1_000_000, 20, key);
            *counter += 1;
            let id = format!("{province:03}{digit}{yy:02}{suffix:06}");
            if !reserved_id(&id) {
                return Some(id);
            }
        }
    }

    /// A CMND with the 2-digit prefix of the issuing province.
    fn cmnd(&mut self, prefix: &'static str) -> Option<String> {
        let key = mix(self.seed ^ hash_str(prefix) ^ 0x0C4D);
        let counter = self.cmnd.entry(prefix).or_insert(0);
        loop {
            if *counter >= 10_000_000 {
                return None;
            }
            let suffix = permute(*counter, 10_000_000, 24, key);
            *counter += 1;
            let id = format!("{prefix}{suffix:07}");
            if !reserved_old_id(&id) {
                return Some(id);
            }
        }
    }

    fn book(&mut self) -> String {
        let key = mix(self.seed ^ 0xB00C);
        loop {
            let n = permute(self.books, 1_000_000_000, 30, key);
            self.books += 1;
            let book = format!("{n:09}");
            if !FIXTURE_BOOKS.contains(&book.as_str()) {
                return book;
            }
        }
    }
}

/// The CCCD sex/century digit: 0/1 male/female born 1900–1999, 2/3 for 2000–2099, …
fn century_digit(sex: Sex, year: i32) -> u32 {
    let century = u32::try_from((year / 100 - 19).clamp(0, 4)).unwrap_or(0);
    century * 2 + u32::from(sex == Sex::Female)
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Age in whole years on the reference date; a year-only date counts from 1 January.
fn age_on_reference(birth_date: &str) -> Option<i32> {
    let mut parts = birth_date.split('-');
    let year: i32 = parts.next()?.parse().ok()?;
    let month: u8 = parts.next().map_or(Some(1), |m| m.parse().ok())?;
    let day: u8 = parts.next().map_or(Some(1), |d| d.parse().ok())?;
    let mut age = REF.0 - year;
    if (month, day) > (REF.1, REF.2) {
        age -= 1;
    }
    Some(age)
}

/// How a member's parent is known.
#[derive(Clone)]
enum Link {
    Unknown,
    Member(usize),
    Outside(String),
}

/// A household member before identity numbers are minted.
struct Draft {
    sex: Sex,
    year: i32,
    month: u8,
    day: u8,
    year_only: bool,
    family: String,
    middle: String,
    given: String,
    relation: &'static str,
    ethnicity: u8,
    religion: u8,
    marital: MaritalStatus,
    birth_ward: usize,
    home_ward: usize,
    father: Link,
    mother: Link,
    spouse: Option<usize>,
}

/// The shape of a household: who lives in it and when they were born.
struct Plan {
    head_sex: Sex,
    head_year: i32,
    spouse_year: Option<i32>,
    /// The head's own parents living in the household: (sex, year).
    parents: Vec<(Sex, i32)>,
    sibling: Option<i32>,
    /// The head's unmarried children: (sex, year), oldest first.
    children: Vec<(Sex, i32)>,
    /// A married child living in with their spouse: (sex, year, spouse's year).
    married_child: Option<(Sex, i32, i32)>,
    grandchildren: Vec<(Sex, i32)>,
}

impl Plan {
    fn len(&self) -> usize {
        1 + usize::from(self.spouse_year.is_some())
            + self.parents.len()
            + usize::from(self.sibling.is_some())
            + self.children.len()
            + 2 * usize::from(self.married_child.is_some())
            + self.grandchildren.len()
    }

    /// A plan that always fits: a couple born 1975/1978 and children 2000–2012.
    fn fallback(size: usize) -> Plan {
        Plan {
            head_sex: Sex::Male,
            head_year: 1975,
            spouse_year: (size >= 2).then_some(1978),
            parents: Vec::new(),
            sibling: None,
            children: (0..size.saturating_sub(2))
                .map(|i| {
                    let sex = if i % 2 == 0 { Sex::Female } else { Sex::Male };
                    (sex, 2000 + 2 * i32::try_from(i).unwrap_or(0))
                })
                .collect(),
            married_child: None,
            grandchildren: Vec::new(),
        }
    }
}

/// Age gaps between husband and wife (husband older by this many years), weighted.
const SPOUSE_GAPS: &[(i32, u32)] = &[
    (-3, 3),
    (-2, 5),
    (-1, 8),
    (0, 12),
    (1, 14),
    (2, 15),
    (3, 13),
    (4, 10),
    (5, 8),
    (6, 5),
    (7, 4),
    (8, 2),
    (10, 1),
];

/// Births in the generated population end in this year.
const LAST_BIRTH_YEAR: i32 = 2024;
const FIRST_BIRTH_YEAR: i32 = 1925;

struct Generator {
    rng: SplitMix64,
    mint: Mint,
    admin: &'static Admin,
}

impl Generator {
    fn new(seed: u64) -> Self {
        Generator {
            rng: SplitMix64(seed ^ 0x7065_6F70_6C65_0001),
            mint: Mint::new(seed),
            admin: admin(),
        }
    }

    fn year_in(&mut self, lo: i32, hi: i32) -> i32 {
        let span = usize::try_from(hi - lo + 1).unwrap_or(1).max(1);
        lo + i32::try_from(self.rng.below(span)).unwrap_or(0)
    }

    fn sex(&mut self) -> Sex {
        if self.rng.chance(51) {
            Sex::Male
        } else {
            Sex::Female
        }
    }

    fn household_size(&mut self) -> usize {
        self.rng
            .weighted(&[(1, 12), (2, 20), (3, 22), (4, 24), (5, 12), (6, 6), (7, 4)])
    }

    /// Years in which children of parents born `a` and `b` may be born (20–40 years
    /// after each parent), or `None`.
    fn child_window(a: i32, b: i32) -> Option<(i32, i32)> {
        let lo = a.max(b) + 20;
        let hi = (a.min(b) + 40).min(LAST_BIRTH_YEAR);
        (lo <= hi).then_some((lo, hi))
    }

    fn plan(&mut self, size: usize) -> Plan {
        for _ in 0..32 {
            if let Some(plan) = self.try_plan(size)
                && plan.len() == size
            {
                return plan;
            }
        }
        Plan::fallback(size)
    }

    fn try_plan(&mut self, size: usize) -> Option<Plan> {
        if size == 1 {
            let (sex, year) = match self.rng.below(100) {
                0..=39 => (
                    if self.rng.chance(70) {
                        Sex::Female
                    } else {
                        Sex::Male
                    },
                    self.year_in(1932, 1965),
                ),
                40..=84 => (self.sex(), self.year_in(1975, 2006)),
                _ => (self.sex(), self.year_in(1960, 1990)),
            };
            return Some(Plan {
                head_sex: sex,
                head_year: year,
                ..Plan::fallback(0)
            });
        }
        let mut rest = size - 1;
        let couple = self.rng.chance(88);
        if couple {
            rest -= 1;
        }
        let three_generations = couple && rest >= 3 && self.rng.chance(30);
        let mut parents = 0;
        let mut sibling = false;
        let mut grandchildren = 0;
        if three_generations {
            grandchildren = 1 + self.rng.below((rest - 2).min(3));
            rest -= 2 + grandchildren;
        } else {
            if rest >= 1 && self.rng.chance(14) {
                parents = if rest >= 2 && self.rng.chance(30) {
                    2
                } else {
                    1
                };
                rest -= parents;
            }
            if rest >= 1 && self.rng.chance(5) {
                sibling = true;
                rest -= 1;
            }
        }
        let children = rest;
        let head_sex = if self.rng.chance(if couple { 72 } else { 40 }) {
            Sex::Male
        } else {
            Sex::Female
        };
        let head_year = if three_generations {
            self.year_in(1940, 1968)
        } else if parents > 0 {
            self.year_in(1960, 1998)
        } else if children > 0 {
            self.year_in(1950, 1998)
        } else {
            self.year_in(1945, 2000)
        };
        let spouse_year = if couple {
            let gap: i32 = self.rng.weighted(SPOUSE_GAPS);
            let year = if head_sex == Sex::Male {
                head_year + gap
            } else {
                head_year - gap
            };
            let (husband, wife) = if head_sex == Sex::Male {
                (head_year, year)
            } else {
                (year, head_year)
            };
            if husband > 2005
                || wife > 2007
                || husband < FIRST_BIRTH_YEAR
                || wife < FIRST_BIRTH_YEAR
            {
                return None;
            }
            Some(year)
        } else {
            None
        };
        let (father_year, mother_year) =
            spouse_year.map_or((head_year, head_year), |s| (head_year, s));
        let window = Self::child_window(father_year, mother_year);
        let mut kids = Vec::with_capacity(children);
        if children > 0 {
            let (lo, hi) = window?;
            for _ in 0..children {
                let sex = self.sex();
                kids.push((sex, self.year_in(lo, hi)));
            }
            kids.sort_by_key(|k| k.1);
        }
        let mut married_child = None;
        let mut grandkids = Vec::new();
        if three_generations {
            let (lo, hi) = window?;
            let hi = hi.min(2000);
            if lo > hi {
                return None;
            }
            let child_year = self.year_in(lo, hi);
            let child_sex = if self.rng.chance(80) {
                Sex::Male
            } else {
                Sex::Female
            };
            let gap: i32 = self.rng.weighted(SPOUSE_GAPS);
            let in_law = if child_sex == Sex::Male {
                child_year + gap
            } else {
                child_year - gap
            };
            if !(FIRST_BIRTH_YEAR..=2004).contains(&in_law) {
                return None;
            }
            let (glo, ghi) = Self::child_window(child_year, in_law)?;
            for _ in 0..grandchildren {
                let sex = self.sex();
                grandkids.push((sex, self.year_in(glo, ghi)));
            }
            grandkids.sort_by_key(|k| k.1);
            married_child = Some((child_sex, child_year, in_law));
        }
        let mut elders = Vec::new();
        if parents > 0 {
            let lo = (head_year - 40).max(FIRST_BIRTH_YEAR);
            let hi = head_year - 20;
            if lo > hi {
                return None;
            }
            let father = self.year_in(lo, hi);
            if parents == 2 {
                let mother = (father + self.year_in(0, 5)).clamp(lo, hi);
                elders.push((Sex::Male, father));
                elders.push((Sex::Female, mother));
            } else if self.rng.chance(75) {
                elders.push((Sex::Female, father));
            } else {
                elders.push((Sex::Male, father));
            }
        }
        let sibling = if sibling {
            let offset = self.year_in(1, 8) * if self.rng.chance(50) { 1 } else { -1 };
            let year = head_year + offset;
            let fits = elders.iter().all(|&(_, y)| (20..=40).contains(&(year - y)));
            if !fits || !(FIRST_BIRTH_YEAR..=2006).contains(&year) {
                return None;
            }
            Some(year)
        } else {
            None
        };
        Some(Plan {
            head_sex,
            head_year,
            spouse_year,
            parents: elders,
            sibling,
            children: kids,
            married_child,
            grandchildren: grandkids,
        })
    }

    fn ward_in(&mut self, legacy: usize) -> usize {
        let wards = &self.admin.by_legacy[legacy];
        wards[self.rng.below(wards.len())]
    }

    fn any_legacy(&mut self) -> usize {
        self.rng.weighted(&self.admin.legacy_weights)
    }

    /// A birth ward: in legacy province `local` with `percent` chance, else anywhere.
    fn birth_ward(&mut self, local: usize, percent: u64) -> usize {
        let legacy = if self.rng.chance(percent) {
            local
        } else {
            self.any_legacy()
        };
        self.ward_in(legacy)
    }

    /// Quê quán for someone born in `birth`: usually the birth ward, else nearby.
    fn home_of(&mut self, birth: usize) -> usize {
        if self.rng.chance(65) {
            birth
        } else {
            self.ward_in(self.admin.wards[birth].legacy)
        }
    }

    fn ethnicity(&mut self, region: Region) -> u8 {
        self.rng.weighted(region.ethnicities())
    }

    fn religion(&mut self, ethnicity: u8, region: Region) -> u8 {
        match ethnicity {
            5 => self.rng.weighted(&[(1, 85), (0, 15)]),
            17 => self.rng.weighted(&[(13, 45), (6, 30), (0, 25)]),
            _ => self.rng.weighted(region.religions()),
        }
    }

    fn family_name(&mut self, ethnicity: u8, region: Region) -> String {
        if let Some(names) = data::minority_families(ethnicity)
            && self.rng.chance(85)
        {
            return self.rng.pick(names).to_owned();
        }
        let column = region.name_column();
        let total: u64 = data::FAMILY.iter().map(|f| u64::from(f.1[column])).sum();
        let mut ticket = self.rng.next_u64() % total;
        for f in data::FAMILY {
            let w = u64::from(f.1[column]);
            if ticket < w {
                return f.0.to_owned();
            }
            ticket -= w;
        }
        "Nguyễn".to_owned()
    }

    /// (middle, given) for someone of this sex, birth year and ethnicity.
    fn middle_given(&mut self, sex: Sex, year: i32, ethnicity: u8) -> (String, String) {
        if ethnicity == 8 {
            let (middle, given) = if sex == Sex::Male {
                (
                    self.rng.pick(&["A", "Văn", "Seo"]),
                    self.rng.pick(data::HMONG_MALE),
                )
            } else {
                ("Thị", self.rng.pick(data::HMONG_FEMALE))
            };
            return (middle.to_owned(), given.to_owned());
        }
        if data::is_highland(ethnicity) {
            let given = if sex == Sex::Male {
                self.rng.pick(data::HIGHLAND_MALE)
            } else {
                self.rng.pick(data::HIGHLAND_FEMALE)
            };
            return (String::new(), given.to_owned());
        }
        let young = year >= 1990;
        let middle = match (sex, young) {
            (Sex::Male, false) => self.rng.weighted(data::MIDDLE_MALE_OLD),
            (Sex::Male, true) => self.rng.weighted(data::MIDDLE_MALE_YOUNG),
            (Sex::Female, false) => self.rng.weighted(data::MIDDLE_FEMALE_OLD),
            (Sex::Female, true) => self.rng.weighted(data::MIDDLE_FEMALE_YOUNG),
        };
        let names = match sex {
            Sex::Male => data::GIVEN_MALE,
            Sex::Female => data::GIVEN_FEMALE,
        };
        let mut given = self.rng.pick(names);
        while given == middle {
            given = self.rng.pick(names);
        }
        let middle = if self.rng.chance(1) {
            String::new()
        } else if sex == Sex::Female && middle == "Thị" && self.rng.chance(12) {
            let second = self
                .rng
                .pick(&["Thu", "Thanh", "Ngọc", "Kim", "Hồng", "Minh", "Mỹ", "Bích"]);
            format!("Thị {second}")
        } else {
            middle.to_owned()
        };
        (middle, given.to_owned())
    }

    /// A parent outside the household (not generated), named with `percent` chance.
    /// Parents mostly share their child's ethnicity.
    #[allow(clippy::too_many_arguments)]
    fn outside_parent(
        &mut self,
        sex: Sex,
        child_year: i32,
        family: Option<&str>,
        child_ethnicity: u8,
        region: Region,
        percent: u64,
    ) -> Link {
        if !self.rng.chance(percent) {
            return Link::Unknown;
        }
        let year = child_year - self.year_in(20, 35);
        let ethnicity = if self.rng.chance(90) {
            child_ethnicity
        } else {
            self.ethnicity(region)
        };
        let family = family.map_or_else(|| self.family_name(ethnicity, region), str::to_owned);
        let (middle, given) = self.middle_given(sex, year, ethnicity);
        Link::Outside(join_name(&family, &middle, &given))
    }

    fn date(&mut self, year: i32) -> (u8, u8, bool) {
        let month = u8::try_from(1 + self.rng.below(12)).unwrap_or(1);
        let day =
            u8::try_from(1 + self.rng.below(usize::from(days_in_month(year, month)))).unwrap_or(1);
        let year_only = year < 1950 && self.rng.chance(20);
        (month, day, year_only)
    }

    #[allow(clippy::too_many_arguments)]
    fn draft(
        &mut self,
        sex: Sex,
        year: i32,
        family: String,
        ethnicity: u8,
        religion: u8,
        relation: &'static str,
        birth_ward: usize,
        home_ward: usize,
    ) -> Draft {
        let (month, day, year_only) = self.date(year);
        let (middle, given) = self.middle_given(sex, year, ethnicity);
        Draft {
            sex,
            year,
            month,
            day,
            year_only,
            family,
            middle,
            given,
            relation,
            ethnicity,
            religion,
            marital: MaritalStatus::Single,
            birth_ward,
            home_ward,
            father: Link::Unknown,
            mother: Link::Unknown,
            spouse: None,
        }
    }

    /// The members of one household living in legacy province `legacy`, ward `home`.
    fn members(&mut self, size: usize, legacy: usize, home: usize) -> Vec<Draft> {
        let region = LEGACY[legacy].region;
        let plan = self.plan(size);
        let local = if matches!(LEGACY[legacy].code, 1 | 79 | 74 | 75) {
            55
        } else {
            75
        };
        let household_ethnicity = self.ethnicity(region);
        let household_religion = self.religion(household_ethnicity, region);
        let mut m: Vec<Draft> = Vec::with_capacity(size);
        let religion_of = |g: &mut Self, ethnicity: u8| {
            if g.rng.chance(92) {
                household_religion
            } else {
                g.religion(ethnicity, region)
            }
        };

        // The head.
        let head_birth = self.birth_ward(legacy, local);
        let head_home = self.home_of(head_birth);
        let head_family = self.family_name(household_ethnicity, region);
        let mut head = self.draft(
            plan.head_sex,
            plan.head_year,
            head_family.clone(),
            household_ethnicity,
            household_religion,
            "Chủ hộ",
            head_birth,
            head_home,
        );
        let old = plan.head_year < 1960;
        head.marital = if plan.spouse_year.is_some() {
            MaritalStatus::Married
        } else if !plan.children.is_empty() {
            if self.rng.chance(90) {
                MaritalStatus::DivorcedOrWidowed
            } else {
                MaritalStatus::Single
            }
        } else if plan.head_year <= 1965 || (plan.head_year <= 1990 && self.rng.chance(40)) {
            MaritalStatus::DivorcedOrWidowed
        } else {
            MaritalStatus::Single
        };
        m.push(head);

        // The spouse.
        if let Some(year) = plan.spouse_year {
            let sex = if plan.head_sex == Sex::Male {
                Sex::Female
            } else {
                Sex::Male
            };
            let ethnicity = if self.rng.chance(85) {
                household_ethnicity
            } else {
                self.ethnicity(region)
            };
            let religion = religion_of(self, ethnicity);
            let family = self.family_name(ethnicity, region);
            let birth = self.birth_ward(legacy, local);
            let home = self.home_of(birth);
            let mut spouse = self.draft(
                sex,
                year,
                family.clone(),
                ethnicity,
                religion,
                if sex == Sex::Female {
                    "Vợ"
                } else {
                    "Chồng"
                },
                birth,
                home,
            );
            spouse.marital = MaritalStatus::Married;
            spouse.spouse = Some(0);
            let known = if year < 1960 { 70 } else { 95 };
            spouse.father =
                self.outside_parent(Sex::Male, year, Some(&family), ethnicity, region, known);
            spouse.mother = self.outside_parent(Sex::Female, year, None, ethnicity, region, known);
            m[0].spouse = Some(1);
            m.push(spouse);
        }
        let spouse_index = plan.spouse_year.map(|_| 1);

        // The head's parents living in.
        let head_birth_legacy = self.admin.wards[head_birth].legacy;
        let mut head_father = Link::Unknown;
        let mut head_mother = Link::Unknown;
        let first_elder = m.len();
        for &(sex, year) in &plan.parents {
            let family = if sex == Sex::Male {
                head_family.clone()
            } else {
                self.family_name(household_ethnicity, region)
            };
            let birth = self.birth_ward(head_birth_legacy, 85);
            let home = if sex == Sex::Male {
                head_home
            } else {
                self.home_of(birth)
            };
            let relation = if sex == Sex::Male { "Bố" } else { "Mẹ" };
            let religion = religion_of(self, household_ethnicity);
            let mut elder = self.draft(
                sex,
                year,
                family.clone(),
                household_ethnicity,
                religion,
                relation,
                birth,
                home,
            );
            elder.marital = if plan.parents.len() == 2 {
                MaritalStatus::Married
            } else {
                MaritalStatus::DivorcedOrWidowed
            };
            elder.father = self.outside_parent(
                Sex::Male,
                year,
                Some(&family),
                household_ethnicity,
                region,
                50,
            );
            elder.mother =
                self.outside_parent(Sex::Female, year, None, household_ethnicity, region, 50);
            if sex == Sex::Male {
                head_father = Link::Member(m.len());
            } else {
                head_mother = Link::Member(m.len());
            }
            m.push(elder);
        }
        if plan.parents.len() == 2 {
            m[first_elder].spouse = Some(first_elder + 1);
            m[first_elder + 1].spouse = Some(first_elder);
        }
        let known = if old { 70 } else { 95 };
        if matches!(head_father, Link::Unknown) {
            head_father = self.outside_parent(
                Sex::Male,
                plan.head_year,
                Some(&head_family),
                household_ethnicity,
                region,
                known,
            );
        }
        if matches!(head_mother, Link::Unknown) {
            head_mother = self.outside_parent(
                Sex::Female,
                plan.head_year,
                None,
                household_ethnicity,
                region,
                known,
            );
        }
        m[0].father = head_father.clone();
        m[0].mother = head_mother.clone();

        // A brother or sister of the head.
        if let Some(year) = plan.sibling {
            let sex = self.sex();
            let relation = match (year < plan.head_year, sex) {
                (true, Sex::Male) => "Anh",
                (true, Sex::Female) => "Chị",
                (false, _) => "Em",
            };
            let birth = self.birth_ward(head_birth_legacy, 80);
            let mut sib = self.draft(
                sex,
                year,
                head_family.clone(),
                household_ethnicity,
                household_religion,
                relation,
                birth,
                head_home,
            );
            sib.marital = if self.rng.chance(70) {
                MaritalStatus::Single
            } else {
                MaritalStatus::DivorcedOrWidowed
            };
            sib.father = head_father.clone();
            sib.mother = head_mother.clone();
            m.push(sib);
        }

        // The head's children: their father and mother.
        // Children born to a single head: the other parent is named when known.
        let eldest = plan.children.first().map_or(plan.head_year + 25, |c| c.1);
        let (father, mother, children_family) = match (plan.head_sex, spouse_index) {
            (Sex::Male, Some(s)) => (Link::Member(0), Link::Member(s), head_family.clone()),
            (Sex::Female, Some(s)) => (Link::Member(s), Link::Member(0), m[s].family.clone()),
            (Sex::Male, None) => {
                let mother =
                    self.outside_parent(Sex::Female, eldest, None, household_ethnicity, region, 90);
                (Link::Member(0), mother, head_family.clone())
            }
            (Sex::Female, None) => {
                let family = self.family_name(household_ethnicity, region);
                let father = self.outside_parent(
                    Sex::Male,
                    eldest,
                    Some(&family),
                    household_ethnicity,
                    region,
                    85,
                );
                let family = if matches!(father, Link::Unknown) {
                    head_family.clone()
                } else {
                    family
                };
                (father, Link::Member(0), family)
            }
        };
        let (children_ethnicity, children_home) = match &father {
            Link::Member(f) => (m[*f].ethnicity, m[*f].home_ward),
            _ => (m[0].ethnicity, m[0].home_ward),
        };
        let child = |g: &mut Self, sex: Sex, year: i32, relation: &'static str| {
            let birth = if g.rng.chance(60) {
                home
            } else {
                g.birth_ward(legacy, 85)
            };
            let mut d = g.draft(
                sex,
                year,
                children_family.clone(),
                children_ethnicity,
                household_religion,
                relation,
                birth,
                children_home,
            );
            d.father = father.clone();
            d.mother = mother.clone();
            d
        };
        for &(sex, year) in &plan.children {
            let d = child(self, sex, year, "Con");
            m.push(d);
        }

        // A married child, their spouse and their children.
        if let Some((sex, year, in_law_year)) = plan.married_child {
            let mut c = child(self, sex, year, "Con");
            c.marital = MaritalStatus::Married;
            let ci = m.len();
            m.push(c);
            let in_law_sex = if sex == Sex::Male {
                Sex::Female
            } else {
                Sex::Male
            };
            let ethnicity = if self.rng.chance(80) {
                household_ethnicity
            } else {
                self.ethnicity(region)
            };
            let family = self.family_name(ethnicity, region);
            let birth = self.birth_ward(legacy, local);
            let in_law_home = self.home_of(birth);
            let relation = if in_law_sex == Sex::Female {
                "Con dâu"
            } else {
                "Con rể"
            };
            let religion = religion_of(self, ethnicity);
            let mut in_law = self.draft(
                in_law_sex,
                in_law_year,
                family.clone(),
                ethnicity,
                religion,
                relation,
                birth,
                in_law_home,
            );
            in_law.marital = MaritalStatus::Married;
            in_law.spouse = Some(ci);
            in_law.father =
                self.outside_parent(Sex::Male, in_law_year, Some(&family), ethnicity, region, 95);
            in_law.mother =
                self.outside_parent(Sex::Female, in_law_year, None, ethnicity, region, 95);
            let ii = m.len();
            m[ci].spouse = Some(ii);
            m.push(in_law);
            let (f, mo) = if sex == Sex::Male { (ci, ii) } else { (ii, ci) };
            for &(gsex, gyear) in &plan.grandchildren {
                let birth = if self.rng.chance(60) {
                    home
                } else {
                    self.birth_ward(legacy, 85)
                };
                let mut g = self.draft(
                    gsex,
                    gyear,
                    m[f].family.clone(),
                    m[f].ethnicity,
                    household_religion,
                    "Cháu",
                    birth,
                    m[f].home_ward,
                );
                g.father = Link::Member(f);
                g.mother = Link::Member(mo);
                m.push(g);
            }
        }
        m
    }

    /// An address detail line fitting the ward (street in towns, hamlet in the country).
    fn detail(&mut self, ward: usize) -> String {
        let w = &self.admin.wards[ward];
        let region = LEGACY[w.legacy].region;
        let n = 1 + self.rng.below(250);
        if w.urban {
            let street = self.rng.pick(data::STREETS);
            if region.is_south() {
                match self.rng.below(4) {
                    0 | 1 => format!("{n}/{} {street}", 1 + self.rng.below(60)),
                    2 => format!("Số {n} đường {street}"),
                    _ => format!("{n} {street}, khu phố {}", 1 + self.rng.below(9)),
                }
            } else {
                match self.rng.below(5) {
                    0 => format!("Số {n}, ngõ {} phố {street}", 1 + self.rng.below(200)),
                    1 | 2 => format!("Số {n} đường {street}"),
                    3 => {
                        let lane = 1 + self.rng.below(200);
                        format!(
                            "Số {n}, ngách {lane}/{}, ngõ {lane} phố {street}",
                            1 + self.rng.below(60)
                        )
                    }
                    _ => format!("Tổ dân phố {}", 1 + self.rng.below(25)),
                }
            }
        } else {
            let kind = self.rng.pick(region.villages());
            if kind == "Tổ" || self.rng.chance(35) {
                format!("{kind} {}", 1 + self.rng.below(15))
            } else {
                let names = match kind {
                    "Bản" | "Buôn" | "Làng" | "Plei" => region.village_names(),
                    "Ấp" => data::HAMLET_NAMES_SOUTH,
                    _ => data::VILLAGE_NAMES,
                };
                format!("{kind} {}", self.rng.pick(names))
            }
        }
    }

    /// One household of exactly `size` people.
    fn household(&mut self, id: u64, size: usize) -> (Household, Vec<Person>) {
        let legacy = self.any_legacy();
        let home = self.ward_in(legacy);
        let detail = self.detail(home);
        let drafts = self.members(size, legacy, home);
        let home_code = self.admin.wards[home].code.clone();

        // Identity numbers first: relatives refer to them.
        let mut ids = Vec::with_capacity(drafts.len());
        for d in &drafts {
            let mut birth = d.birth_ward;
            let id = loop {
                let province = LEGACY[self.admin.wards[birth].legacy].code;
                if let Some(id) = self.mint.cccd(province, d.sex, d.year) {
                    break id;
                }
                // That prefix is exhausted: registered in the next province instead.
                let next = (self.admin.wards[birth].legacy + 1) % LEGACY.len();
                birth = self.ward_in(next);
            };
            let cmnd_chance = match d.year {
                ..1990 => 70,
                1990..2000 => 35,
                _ => 0,
            };
            let old = if self.rng.chance(cmnd_chance) {
                self.mint.cmnd(LEGACY[self.admin.wards[birth].legacy].cmnd)
            } else {
                None
            };
            ids.push((id, old, birth));
        }
        let relative =
            |drafts: &[Draft], ids: &[(String, Option<String>, usize)], i: usize| Relative {
                full_name: join_name(&drafts[i].family, &drafts[i].middle, &drafts[i].given),
                id_number: Some(ids[i].0.clone()),
                old_id_number: ids[i].1.clone(),
            };
        let link = |l: &Link| match l {
            Link::Unknown => None,
            Link::Member(i) => Some(relative(&drafts, &ids, *i)),
            Link::Outside(name) => Some(Relative {
                full_name: name.clone(),
                id_number: None,
                old_id_number: None,
            }),
        };
        let mut people = Vec::with_capacity(drafts.len());
        for (i, d) in drafts.iter().enumerate() {
            let birth_date = if d.year_only {
                format!("{:04}", d.year)
            } else {
                format!("{:04}-{:02}-{:02}", d.year, d.month, d.day)
            };
            let age = age_on_reference(&birth_date).unwrap_or(0);
            let moved = if (18..=60).contains(&age) {
                self.rng.chance(14)
            } else {
                self.rng.chance(3)
            };
            let (current_detail, current_ward) = if moved {
                let city = if self.rng.chance(55) {
                    let code =
                        self.rng
                            .weighted(&[(79u8, 40), (1, 30), (74, 15), (75, 8), (48, 7)]);
                    LEGACY.iter().position(|l| l.code == code).unwrap_or(legacy)
                } else {
                    legacy
                };
                let ward = self.ward_in(city);
                (self.detail(ward), self.admin.wards[ward].code.clone())
            } else {
                (detail.clone(), home_code.clone())
            };
            let representative = if age < 14 {
                match (&d.father, &d.mother) {
                    (Link::Member(f), _) => Some(relative(&drafts, &ids, *f)),
                    (_, Link::Member(mo)) => Some(relative(&drafts, &ids, *mo)),
                    _ => None,
                }
            } else {
                None
            };
            let portal_chance = match age {
                ..14 => 0,
                14..18 => 25,
                18..76 => 40,
                _ => 10,
            };
            let portal_level = self
                .rng
                .chance(portal_chance)
                .then(|| if self.rng.chance(80) { 2 } else { 1 });
            people.push(Person {
                id_number: ids[i].0.clone(),
                old_id_number: ids[i].1.clone(),
                family: d.family.clone(),
                middle: d.middle.clone(),
                given: d.given.clone(),
                sex: d.sex,
                birth_date,
                ethnicity: format!("{:02}", d.ethnicity),
                religion: format!("{:02}", d.religion),
                marital: d.marital,
                blood: self.rng.weighted(&[
                    (BloodGroup::Unknown, 30),
                    (BloodGroup::O, 29),
                    (BloodGroup::B, 21),
                    (BloodGroup::A, 15),
                    (BloodGroup::AB, 5),
                ]),
                birth_ward: self.admin.wards[ids[i].2].code.clone(),
                home_ward: self.admin.wards[d.home_ward].code.clone(),
                permanent_detail: detail.clone(),
                permanent_ward: home_code.clone(),
                current_detail,
                current_ward,
                father: link(&d.father),
                mother: link(&d.mother),
                spouse: d.spouse.map(|s| relative(&drafts, &ids, s)),
                representative,
                household_id: id,
                relation: d.relation.to_owned(),
                portal_level,
            });
        }
        let household = Household {
            id,
            book_number: self.mint.book(),
            head_id: people[0].id_number.clone(),
            detail,
            ward: home_code,
        };
        (household, people)
    }
}

/// Generates exactly `n` people in households, deterministically from `seed`, and
/// hands each household to `emit` as soon as it is made (memory stays small: one
/// household plus a counter per identity-number prefix).
///
/// When `n >= FIXTURE_PEOPLE` the first three households are the [`fixtures`]; the
/// others have 1–7 members (the last one may be smaller so that the total is `n`).
/// Identity numbers (CCCD, CMND, household book) are unique across the population and
/// never one of [`OUTSIDER_IDS`] / [`OUTSIDER_OLD_IDS`].
pub fn generate_people(n: usize, seed: u64, mut emit: impl FnMut(Household, Vec<Person>)) {
    let mut left = n;
    let mut next_id = 1;
    if n >= FIXTURE_PEOPLE {
        for (household, people) in fixtures() {
            left -= people.len();
            next_id = household.id + 1;
            emit(household, people);
        }
    }
    let mut g = Generator::new(seed);
    while left > 0 {
        let size = g.household_size().min(left);
        let (household, people) = g.household(next_id, size);
        left -= people.len();
        next_id += 1;
        emit(household, people);
    }
}

fn vietnam() -> CodeName {
    CodeName {
        code: "VN".to_owned(),
        name: "Việt Nam".to_owned(),
    }
}

fn related(r: &Relative) -> RelatedPerson {
    RelatedPerson {
        full_name: r.full_name.clone(),
        nationality: vietnam(),
        id_number: r.id_number.clone(),
        old_id_number: r.old_id_number.clone(),
    }
}

/// An address for a ward code; an unknown code keeps the code with an empty name.
fn address(code: &str, detail: &str, pick: u64) -> Address {
    admin_index()
        .address(code, detail, pick)
        .unwrap_or_else(|| Address {
            detail: detail.to_owned(),
            province: CodeName {
                code: String::new(),
                name: String::new(),
            },
            ward: CodeName {
                code: code.to_owned(),
                name: String::new(),
            },
            legacy: None,
        })
}

fn coded(code: &str, name: Option<&str>) -> CodeName {
    CodeName {
        code: code.to_owned(),
        name: name.unwrap_or_default().to_owned(),
    }
}

/// The 20 fields of a population-database answer for `p`: names filled in from
/// [`admin_units`], [`ethnicities`] and [`religions`], nationality Việt Nam, the head of
/// household and book number when given (the server passes them for household members;
/// the head passes themself).
pub fn expand(
    p: &Person,
    household_head: Option<&Person>,
    book_number: Option<&str>,
) -> CitizenRecord {
    // Members of a household share the permanent address, so the same legacy ward.
    let residence_pick = hash_str(&p.permanent_detail) ^ hash_str(&p.permanent_ward);
    let current_pick = hash_str(&p.current_detail) ^ hash_str(&p.current_ward);
    // Quê quán is inherited from the father: pick by family name so it stays the same
    // (and a birth place in the same ward reads the same).
    let home_pick = hash_str(&p.family) ^ hash_str(&p.home_ward);
    let birth_pick = hash_str(&p.family) ^ hash_str(&p.birth_ward);
    CitizenRecord {
        id_number: p.id_number.clone(),
        old_id_number: p.old_id_number.clone(),
        full_name: PersonName {
            family: p.family.clone(),
            middle: p.middle.clone(),
            given: p.given.clone(),
        },
        sex: p.sex,
        ethnicity: coded(&p.ethnicity, ethnicity_name(&p.ethnicity)),
        birth_date: p.birth_date.clone(),
        birth_registration_place: address(&p.birth_ward, "", birth_pick),
        home_town: address(&p.home_ward, "", home_pick),
        permanent_address: address(&p.permanent_ward, &p.permanent_detail, residence_pick),
        current_address: address(&p.current_ward, &p.current_detail, current_pick),
        religion: coded(&p.religion, religion_name(&p.religion)),
        marital_status: p.marital,
        blood_group: p.blood,
        nationality: vietnam(),
        father: p.father.as_ref().map(related),
        mother: p.mother.as_ref().map(related),
        spouse: p.spouse.as_ref().map(related),
        representative: p.representative.as_ref().map(related),
        household_head: household_head.map(|h| HouseholdHead {
            relation: p.relation.clone(),
            id_number: h.id_number.clone(),
            old_id_number: h.old_id_number.clone(),
            full_name: h.full_name(),
        }),
        household_book_number: book_number.map(str::to_owned),
    }
}

// ---------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------

/// The code of the current ward named `name` in current province `province`.
fn ward_named(province: &str, name: &str) -> String {
    admin_units()
        .current
        .iter()
        .filter(|p| p.code == province)
        .flat_map(|p| &p.wards)
        .find(|w| w.name == name)
        .map(|w| w.code.clone())
        .expect("fixture wards exist in the embedded tables")
}

/// The first current ward formed from legacy province `legacy` (for births elsewhere).
fn first_ward_of_legacy(legacy: u8) -> String {
    let a = admin();
    let li = LEGACY
        .iter()
        .position(|l| l.code == legacy)
        .expect("fixture legacy provinces exist");
    a.wards[a.by_legacy[li][0]].code.clone()
}

fn outside(name: &str) -> Relative {
    Relative {
        full_name: name.to_owned(),
        id_number: None,
        old_id_number: None,
    }
}

/// A fixture person with the common fields; callers set the rest.
#[allow(clippy::too_many_arguments)]
fn fixture_person(
    household: &Household,
    relation: &str,
    id: &str,
    old: Option<&str>,
    name: (&str, &str, &str),
    sex: Sex,
    birth_date: &str,
    birth_ward: &str,
) -> Person {
    Person {
        id_number: id.to_owned(),
        old_id_number: old.map(str::to_owned),
        family: name.0.to_owned(),
        middle: name.1.to_owned(),
        given: name.2.to_owned(),
        sex,
        birth_date: birth_date.to_owned(),
        ethnicity: "01".to_owned(),
        religion: "00".to_owned(),
        marital: MaritalStatus::Single,
        blood: BloodGroup::Unknown,
        birth_ward: birth_ward.to_owned(),
        home_ward: birth_ward.to_owned(),
        permanent_detail: household.detail.clone(),
        permanent_ward: household.ward.clone(),
        current_detail: household.detail.clone(),
        current_ward: household.ward.clone(),
        father: None,
        mother: None,
        spouse: None,
        representative: None,
        household_id: household.id,
        relation: relation.to_owned(),
        portal_level: None,
    }
}

/// Makes `a` and `b` each other's spouse.
fn marry(people: &mut [Person], a: usize, b: usize) {
    let (ra, rb) = (people[a].as_relative(), people[b].as_relative());
    people[a].spouse = Some(rb);
    people[b].spouse = Some(ra);
    people[a].marital = MaritalStatus::Married;
    people[b].marital = MaritalStatus::Married;
}

/// Sets `child`'s parents (members of the same household).
fn parents(people: &mut [Person], child: usize, father: usize, mother: usize) {
    people[child].father = Some(people[father].as_relative());
    people[child].mother = Some(people[mother].as_relative());
}

/// The three hand-written households that [`generate_people`] always starts with (ids
/// 1, 2, 3), documented for testers in `docs/demo-citizens.md`:
///
/// - A (Thành phố Hồ Chí Minh): Lê Thị Thu Hà `079192019782` (head, born 1992), her
///   husband and their two young children.
/// - B (Hà Nội): Nguyễn Văn Hùng (head, 1972, with a CMND), his wife, their son Nguyễn
///   Đức Minh `001200017187` (2000) and the head's mother, born 1946 (year only).
/// - C (Hải Phòng): five people over three generations; the head has a level-2 portal
///   account, his wife none.
pub fn fixtures() -> Vec<(Household, Vec<Person>)> {
    // Household A, Thành phố Hồ Chí Minh.
    let hcm_home = ward_named("79", "Phường Bến Thành");
    let hcm_birth = ward_named("79", "Phường Tân Định");
    let ha_tinh = first_ward_of_legacy(42);
    let a = Household {
        id: 1,
        book_number: FIXTURE_BOOKS[0].to_owned(),
        head_id: FIXTURE_IDS[0].to_owned(),
        detail: "Số 25 đường Nguyễn Thị Minh Khai".to_owned(),
        ward: hcm_home.clone(),
    };
    let mut pa = vec![
        fixture_person(
            &a,
            "Chủ hộ",
            FIXTURE_IDS[0],
            None,
            ("Lê", "Thị Thu", "Hà"),
            Sex::Female,
            "1992-05-14",
            &hcm_birth,
        ),
        fixture_person(
            &a,
            "Chồng",
            FIXTURE_IDS[1],
            Some(FIXTURE_OLD_IDS[0]),
            ("Phạm", "Quốc", "Bảo"),
            Sex::Male,
            "1989-11-02",
            &ha_tinh,
        ),
        fixture_person(
            &a,
            "Con",
            FIXTURE_IDS[2],
            None,
            ("Phạm", "Minh", "Khang"),
            Sex::Male,
            "2016-08-20",
            &hcm_home,
        ),
        fixture_person(
            &a,
            "Con",
            FIXTURE_IDS[3],
            None,
            ("Phạm", "Bảo", "Ngọc"),
            Sex::Female,
            "2020-03-09",
            &hcm_home,
        ),
    ];
    pa[0].blood = BloodGroup::O;
    pa[0].portal_level = Some(2);
    pa[0].father = Some(outside("Lê Văn Tâm"));
    pa[0].mother = Some(outside("Trần Thị Lan"));
    pa[1].blood = BloodGroup::A;
    "02".clone_into(&mut pa[1].religion);
    pa[1].portal_level = Some(1);
    pa[1].father = Some(outside("Phạm Văn Hòa"));
    pa[1].mother = Some(outside("Nguyễn Thị Sen"));
    marry(&mut pa, 0, 1);
    for child in [2, 3] {
        parents(&mut pa, child, 1, 0);
        pa[child].home_ward.clone_from(&ha_tinh);
        pa[child].representative = Some(pa[1].as_relative());
    }

    // Household B, Hà Nội.
    let hanoi_home = ward_named("01", "Phường Hoàn Kiếm");
    let hanoi_birth = ward_named("01", "Phường Cửa Nam");
    let dong_anh = ward_named("01", "Xã Đông Anh");
    let nam_dinh = first_ward_of_legacy(36);
    let b = Household {
        id: 2,
        book_number: FIXTURE_BOOKS[1].to_owned(),
        head_id: FIXTURE_IDS[4].to_owned(),
        detail: "Số 46 phố Hàng Đào".to_owned(),
        ward: hanoi_home,
    };
    let mut pb = vec![
        fixture_person(
            &b,
            "Chủ hộ",
            FIXTURE_IDS[4],
            Some(FIXTURE_OLD_IDS[1]),
            ("Nguyễn", "Văn", "Hùng"),
            Sex::Male,
            "1972-03-15",
            &hanoi_birth,
        ),
        fixture_person(
            &b,
            "Vợ",
            FIXTURE_IDS[5],
            Some(FIXTURE_OLD_IDS[2]),
            ("Đỗ", "Thị", "Lan"),
            Sex::Female,
            "1975-09-20",
            &nam_dinh,
        ),
        fixture_person(
            &b,
            "Con",
            FIXTURE_IDS[6],
            None,
            ("Nguyễn", "Đức", "Minh"),
            Sex::Male,
            "2000-07-21",
            &hanoi_birth,
        ),
        fixture_person(
            &b,
            "Mẹ",
            FIXTURE_IDS[7],
            Some(FIXTURE_OLD_IDS[3]),
            ("Phạm", "Thị", "Nhàn"),
            Sex::Female,
            "1946",
            &dong_anh,
        ),
    ];
    pb[0].blood = BloodGroup::B;
    pb[0].portal_level = Some(2);
    pb[0].home_ward.clone_from(&dong_anh);
    pb[0].father = Some(outside("Nguyễn Văn Thành"));
    pb[0].mother = Some(pb[3].as_relative());
    pb[1].blood = BloodGroup::O;
    "02".clone_into(&mut pb[1].religion);
    pb[1].father = Some(outside("Đỗ Văn Khải"));
    pb[1].mother = Some(outside("Vũ Thị Hằng"));
    marry(&mut pb, 0, 1);
    parents(&mut pb, 2, 0, 1);
    pb[2].blood = BloodGroup::A;
    pb[2].home_ward = dong_anh;
    pb[2].portal_level = Some(2);
    pb[3].marital = MaritalStatus::DivorcedOrWidowed;

    // Household C, Hải Phòng.
    let haiphong_home = ward_named("31", "Phường Gia Viên");
    let ngo_quyen = ward_named("31", "Phường Ngô Quyền");
    let hong_bang = ward_named("31", "Phường Hồng Bàng");
    let hai_duong = first_ward_of_legacy(30);
    let c = Household {
        id: 3,
        book_number: FIXTURE_BOOKS[2].to_owned(),
        head_id: FIXTURE_IDS[8].to_owned(),
        detail: "Số 112 đường Lạch Tray".to_owned(),
        ward: haiphong_home.clone(),
    };
    let mut pc = vec![
        fixture_person(
            &c,
            "Chủ hộ",
            FIXTURE_IDS[8],
            Some(FIXTURE_OLD_IDS[4]),
            ("Vũ", "Văn", "Thắng"),
            Sex::Male,
            "1968-06-11",
            &ngo_quyen,
        ),
        fixture_person(
            &c,
            "Vợ",
            FIXTURE_IDS[9],
            Some(FIXTURE_OLD_IDS[5]),
            ("Hoàng", "Thị", "Hoa"),
            Sex::Female,
            "1970-12-01",
            &hong_bang,
        ),
        fixture_person(
            &c,
            "Con",
            FIXTURE_IDS[10],
            None,
            ("Vũ", "Đức", "Anh"),
            Sex::Male,
            "1995-04-17",
            &haiphong_home,
        ),
        fixture_person(
            &c,
            "Con dâu",
            FIXTURE_IDS[11],
            None,
            ("Bùi", "Thị Ngọc", "Ánh"),
            Sex::Female,
            "1997-08-30",
            &hai_duong,
        ),
        fixture_person(
            &c,
            "Cháu",
            FIXTURE_IDS[12],
            None,
            ("Vũ", "Gia", "Bảo"),
            Sex::Male,
            "2021-10-05",
            &haiphong_home,
        ),
    ];
    pc[0].blood = BloodGroup::O;
    pc[0].portal_level = Some(2);
    pc[0].father = Some(outside("Vũ Văn Lộc"));
    pc[0].mother = Some(outside("Ngô Thị Huệ"));
    pc[1].blood = BloodGroup::B;
    pc[1].father = Some(outside("Hoàng Văn Sơn"));
    pc[1].mother = Some(outside("Lê Thị Mận"));
    marry(&mut pc, 0, 1);
    parents(&mut pc, 2, 0, 1);
    pc[2].home_ward.clone_from(&ngo_quyen);
    pc[2].portal_level = Some(1);
    pc[3].father = Some(outside("Bùi Văn Toản"));
    pc[3].mother = Some(outside("Nguyễn Thị Hạnh"));
    pc[3].portal_level = Some(1);
    marry(&mut pc, 2, 3);
    parents(&mut pc, 4, 2, 3);
    pc[4].home_ward = ngo_quyen;
    pc[4].representative = Some(pc[2].as_relative());
    // Vũ Đức Anh works in the city centre during the week.
    "Phòng 1204, tòa nhà số 9 đường Điện Biên Phủ".clone_into(&mut pc[2].current_detail);
    pc[2].current_ward = hong_bang;

    vec![(a, pa), (b, pb), (c, pc)]
}

// ---------------------------------------------------------------------------
// Catalogue
// ---------------------------------------------------------------------------

/// The one sample procedure (seed 000) that is *not* licensed to look citizens up in
/// the population database: NT.0010, the tax procedure ("Kê khai, thẩm định tờ khai
/// phí bảo vệ môi trường đối với nước thải", lĩnh vực Thuế). For PROCEDURE_NOT_LICENSED tests.
pub const UNLICENSED_SAMPLE_CODE: &str = "NT.0010";

/// A catalogue of `max(n, 14)` procedures: first the 14 of [`catalogue::sample`]
/// verbatim (codes NT.0001–NT.0014, same names, fields, days and fee flags), then
/// `catalogue::generate(n - 14, seed)`, each with per-channel terms, dossier components
/// and legal basis. Channel 1 (at the desk) always has the procedure's days and fees;
/// about 70% also take channel 2 (online: as fast or faster, sometimes half the fee)
/// and about 40% channel 3 (post). About 90% of procedures may look citizens up; of the
/// sample ones all but [`UNLICENSED_SAMPLE_CODE`]. The sample's extra data does not
/// depend on the seed.
pub fn catalogue(n: usize, seed: u64) -> Vec<ProcedureRecord> {
    let sample = catalogue::sample();
    let extra = n.saturating_sub(sample.len());
    let mut out = Vec::with_capacity(sample.len() + extra);
    for p in &sample {
        let mut rng = SplitMix64(hash_str(&p.code));
        out.push(procedure_record(
            p,
            &mut rng,
            p.code != UNLICENSED_SAMPLE_CODE,
        ));
    }
    for p in catalogue::generate(extra, seed) {
        let mut rng = SplitMix64(mix(seed ^ 0x4341_5441) ^ hash_str(&p.code));
        let lookup = rng.chance(90);
        out.push(procedure_record(&p, &mut rng, lookup));
    }
    out
}

fn procedure_record(
    p: &Procedure,
    rng: &mut SplitMix64,
    population_lookup: bool,
) -> ProcedureRecord {
    let desk = ChannelTerms {
        channel: 1,
        days: p.days,
        charges_fee: p.charges_fee,
        fee: p.fee,
        charge: p.charge,
    };
    let mut channels = vec![desk.clone()];
    if rng.chance(70) {
        let faster =
            u32::try_from(rng.below(usize::try_from(p.days / 3).unwrap_or(0) + 1)).unwrap_or(0);
        let half = p.charges_fee && rng.chance(35);
        channels.push(ChannelTerms {
            channel: 2,
            days: p.days - faster,
            fee: if half { p.fee / 2 } else { p.fee },
            charge: if half { p.charge / 2 } else { p.charge },
            ..desk.clone()
        });
    }
    if rng.chance(40) {
        channels.push(ChannelTerms { channel: 3, ..desk });
    }
    let group = data::component_group(&p.field);
    let (first, pool) = data::components(group);
    let mut components = vec![DossierComponent {
        name: first.to_owned(),
        originals: 1,
        copies: 0,
        required: true,
    }];
    let wanted = rng.below(5).min(pool.len());
    let mut order: Vec<usize> = (0..pool.len()).collect();
    rng.shuffle(&mut order);
    let mut chosen: Vec<usize> = order.into_iter().take(wanted).collect();
    chosen.sort_unstable();
    for i in chosen {
        let (name, originals, copies, required) = pool[i];
        components.push(DossierComponent {
            name: name.to_owned(),
            originals,
            copies,
            required,
        });
    }
    let laws = data::legal_basis(&p.field);
    let count = 1 + rng.below(laws.len().min(3));
    let mut legal_basis: Vec<String> = laws.iter().take(count).map(|s| (*s).to_owned()).collect();
    if population_lookup && legal_basis.len() < 3 && rng.chance(30) {
        legal_basis.push("Nghị định 104/2022/NĐ-CP".to_owned());
    }
    ProcedureRecord {
        code: p.code.clone(),
        local_code: p.local_code.clone(),
        name: p.name.clone(),
        field: p.field.clone(),
        channels,
        components,
        legal_basis,
        population_lookup,
        population_fields: if population_lookup {
            kept_population_fields(group)
        } else {
            Vec::new()
        },
    }
}

/// What a licensed procedure keeps of a population record beyond the form's fields:
/// civil status needs the family and origin, benefits the residence and household.
fn kept_population_fields(group: data::Group) -> Vec<String> {
    let names: &[&str] = match group {
        data::Group::Civil => &[
            "ethnicity",
            "nationality",
            "home_town",
            "marital_status",
            "father",
            "mother",
        ],
        data::Group::Benefit => &["current_address", "household_head", "household_book_number"],
        data::Group::Land => &["current_address"],
        _ => &[],
    };
    names.iter().map(|s| (*s).to_owned()).collect()
}

// ---------------------------------------------------------------------------
// Data tables
// ---------------------------------------------------------------------------

/// The static tables: provinces, names, code lists, catalogue texts.
#[rustfmt::skip]
mod data {
    /// Broad regions: they set ethnic and religious mixes, family-name spellings
    /// (Hoàng/Huỳnh, Vũ/Võ) and address styles.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub(super) enum Region {
        /// Red River delta and the capital.
        Delta,
        /// North-east hills (Tày, Nùng, Dao, HMông).
        NorthHills,
        /// North-west (Thái, HMông).
        NorthWest,
        /// Hòa Bình (Mường).
        Muong,
        /// Thanh Hóa, Nghệ An, Hà Tĩnh.
        NorthCentral,
        /// Central coast.
        Central,
        /// Ninh Thuận, Bình Thuận (Chăm, Ra-glai).
        SouthCentral,
        /// Central Highlands.
        Highlands,
        /// South-east, Thành phố Hồ Chí Minh.
        Southeast,
        /// Mekong delta.
        Mekong,
        /// Mekong provinces with many Khmer.
        MekongKhmer,
    }

    impl Region {
        pub(super) fn is_south(self) -> bool {
            matches!(self, Region::Southeast | Region::Mekong | Region::MekongKhmer)
        }

        /// The column of [`FAMILY`] to use: 0 north, 1 centre, 2 south.
        pub(super) fn name_column(self) -> usize {
            match self {
                Region::Delta | Region::NorthHills | Region::NorthWest | Region::Muong | Region::NorthCentral => 0,
                Region::Central | Region::SouthCentral | Region::Highlands => 1,
                Region::Southeast | Region::Mekong | Region::MekongKhmer => 2,
            }
        }

        /// Ethnicity codes with weights (per mille, roughly).
        pub(super) fn ethnicities(self) -> &'static [(u8, u32)] {
            match self {
                Region::Delta => &[(1, 985), (6, 4), (2, 3), (4, 3), (7, 2), (18, 3)],
                Region::NorthHills => &[(1, 450), (2, 180), (7, 120), (8, 100), (9, 90), (15, 20), (25, 10), (38, 5), (40, 5), (46, 3), (43, 3), (51, 2), (49, 2), (47, 2)],
                Region::NorthWest => &[(3, 380), (8, 250), (1, 250), (29, 35), (9, 30), (35, 15), (41, 8), (33, 6), (34, 5), (42, 5), (39, 5), (45, 3), (48, 3), (50, 2)],
                Region::Muong => &[(6, 630), (1, 280), (3, 40), (2, 25), (9, 20), (8, 5)],
                Region::NorthCentral => &[(1, 870), (3, 60), (6, 40), (8, 8), (29, 6), (24, 4), (44, 2), (37, 1)],
                Region::Central => &[(1, 955), (23, 10), (31, 8), (26, 8), (19, 8), (13, 4), (30, 2), (27, 2), (12, 3), (21, 3), (4, 2)],
                Region::SouthCentral => &[(1, 780), (17, 120), (21, 80), (16, 15), (36, 5)],
                Region::Highlands => &[(1, 620), (10, 110), (12, 90), (13, 50), (14, 35), (16, 30), (20, 20), (7, 15), (2, 12), (8, 8), (28, 5), (27, 3), (52, 1), (54, 1)],
                Region::Southeast => &[(1, 930), (4, 45), (22, 8), (5, 7), (7, 4), (32, 3), (17, 3)],
                Region::Mekong => &[(1, 975), (5, 15), (4, 10)],
                Region::MekongKhmer => &[(1, 700), (5, 260), (4, 30), (17, 10)],
            }
        }

        /// Religion codes with weights, for people who are not Khơ-me or Chăm.
        pub(super) fn religions(self) -> &'static [(u8, u32)] {
            match self {
                Region::Delta => &[(0, 870), (1, 60), (2, 65), (3, 5)],
                Region::NorthHills => &[(0, 920), (1, 20), (2, 15), (3, 45)],
                Region::NorthWest => &[(0, 880), (3, 100), (1, 10), (2, 10)],
                Region::Muong => &[(0, 950), (1, 20), (2, 25), (3, 5)],
                Region::NorthCentral => &[(0, 870), (1, 40), (2, 85), (3, 5)],
                Region::Central => &[(0, 820), (1, 140), (2, 35), (3, 5)],
                Region::SouthCentral => &[(0, 800), (1, 110), (2, 70), (3, 20)],
                Region::Highlands => &[(0, 620), (1, 80), (2, 150), (3, 140), (16, 5), (4, 5)],
                Region::Southeast => &[(0, 700), (1, 130), (2, 110), (4, 40), (3, 12), (6, 3), (8, 3), (7, 1), (12, 1)],
                Region::Mekong => &[(0, 720), (1, 130), (2, 30), (4, 50), (5, 60), (8, 5), (9, 2), (10, 2), (3, 5), (11, 1), (14, 1)],
                Region::MekongKhmer => &[(0, 560), (1, 240), (5, 120), (4, 40), (2, 20), (15, 3), (9, 5), (10, 2)],
            }
        }

        /// The words for a hamlet in the countryside.
        pub(super) fn villages(self) -> &'static [&'static str] {
            match self {
                Region::Delta | Region::NorthCentral => &["Thôn", "Thôn", "Xóm"],
                Region::NorthHills => &["Thôn", "Bản", "Xóm"],
                Region::NorthWest => &["Bản", "Bản", "Tổ"],
                Region::Muong => &["Xóm", "Xóm", "Thôn"],
                Region::Central | Region::SouthCentral => &["Thôn", "Thôn", "Tổ"],
                Region::Highlands => &["Thôn", "Buôn", "Làng", "Plei"],
                Region::Southeast | Region::Mekong | Region::MekongKhmer => &["Ấp", "Ấp", "Tổ"],
            }
        }

        /// Names of villages called "Bản", "Buôn", "Làng" or "Plei".
        pub(super) fn village_names(self) -> &'static [&'static str] {
            match self {
                Region::Highlands => &["Ko Tam", "Kon Klor", "Ốp", "Đôn", "Ea Nao", "Kmrơng Prông", "Tơ Vơn", "Chư Ă", "Kon Tum Kơnâm", "Ea Sup"],
                _ => &["Mường", "Nà Sản", "Pá Khoang", "Hua Pe", "Co Mạ", "Lướt", "Nà Tấu", "Phiêng Bay", "Cang", "Hin Phẻ"],
            }
        }
    }

    /// A legacy province (before 1 Jul 2025).
    pub(super) struct LegacyDef {
        /// GSO 2-digit code, also the CCCD birth-registration prefix (padded to 3).
        pub code: u8,
        pub name: &'static str,
        /// The code of the current province it became part of.
        pub merged_into: u8,
        /// The 2-digit prefix of the old 9-digit CMND issued there (approximate).
        pub cmnd: &'static str,
        /// Population in thousands (approximate, 2023), for weighting.
        pub population: u32,
        pub region: Region,
        /// Real district names, `|`-separated (used when [`DETAILED`] has none).
        pub districts: &'static str,
    }

    const fn p(
        code: u8, name: &'static str, merged_into: u8, cmnd: &'static str,
        population: u32, region: Region, districts: &'static str,
    ) -> LegacyDef {
        LegacyDef { code, name, merged_into, cmnd, population, region, districts }
    }

    use Region::{Central, Delta, Highlands, Mekong, MekongKhmer, Muong, NorthCentral, NorthHills, NorthWest, SouthCentral, Southeast};

    /// The 34 provinces since 1 Jul 2025 (Resolution 202/2025/QH15). A merged province
    /// keeps the code of the province whose seat became the new seat. The merges:
    ///
    /// - 08 Tuyên Quang ← 02 Hà Giang, 08 Tuyên Quang
    /// - 15 Lào Cai ← 10 Lào Cai, 15 Yên Bái
    /// - 19 Thái Nguyên ← 06 Bắc Kạn, 19 Thái Nguyên
    /// - 24 Bắc Ninh ← 24 Bắc Giang, 27 Bắc Ninh
    /// - 25 Phú Thọ ← 17 Hòa Bình, 25 Phú Thọ, 26 Vĩnh Phúc
    /// - 31 Hải Phòng ← 30 Hải Dương, 31 Hải Phòng
    /// - 33 Hưng Yên ← 33 Hưng Yên, 34 Thái Bình
    /// - 37 Ninh Bình ← 35 Hà Nam, 36 Nam Định, 37 Ninh Bình
    /// - 44 Quảng Trị ← 44 Quảng Bình, 45 Quảng Trị
    /// - 48 Đà Nẵng ← 48 Đà Nẵng, 49 Quảng Nam
    /// - 51 Quảng Ngãi ← 51 Quảng Ngãi, 62 Kon Tum
    /// - 52 Gia Lai ← 52 Bình Định, 64 Gia Lai
    /// - 56 Khánh Hòa ← 56 Khánh Hòa, 58 Ninh Thuận
    /// - 66 Đắk Lắk ← 54 Phú Yên, 66 Đắk Lắk
    /// - 68 Lâm Đồng ← 60 Bình Thuận, 67 Đắk Nông, 68 Lâm Đồng
    /// - 75 Đồng Nai ← 70 Bình Phước, 75 Đồng Nai
    /// - 79 Hồ Chí Minh ← 74 Bình Dương, 77 Bà Rịa - Vũng Tàu, 79 Hồ Chí Minh
    /// - 80 Tây Ninh ← 72 Tây Ninh, 80 Long An
    /// - 82 Đồng Tháp ← 82 Tiền Giang, 87 Đồng Tháp
    /// - 86 Vĩnh Long ← 83 Bến Tre, 84 Trà Vinh, 86 Vĩnh Long
    /// - 91 An Giang ← 89 An Giang, 91 Kiên Giang
    /// - 92 Cần Thơ ← 92 Cần Thơ, 93 Hậu Giang, 94 Sóc Trăng
    /// - 96 Cà Mau ← 95 Bạc Liêu, 96 Cà Mau
    ///
    /// Unchanged: 01 Hà Nội, 04 Cao Bằng, 11 Điện Biên, 12 Lai Châu, 14 Sơn La, 20 Lạng
    /// Sơn, 22 Quảng Ninh, 38 Thanh Hóa, 40 Nghệ An, 42 Hà Tĩnh, 46 Huế.
    pub(super) const CURRENT: &[(u8, &str)] = &[
        (1, "Thành phố Hà Nội"), (4, "Tỉnh Cao Bằng"), (8, "Tỉnh Tuyên Quang"),
        (11, "Tỉnh Điện Biên"), (12, "Tỉnh Lai Châu"), (14, "Tỉnh Sơn La"),
        (15, "Tỉnh Lào Cai"), (19, "Tỉnh Thái Nguyên"), (20, "Tỉnh Lạng Sơn"),
        (22, "Tỉnh Quảng Ninh"), (24, "Tỉnh Bắc Ninh"), (25, "Tỉnh Phú Thọ"),
        (31, "Thành phố Hải Phòng"), (33, "Tỉnh Hưng Yên"), (37, "Tỉnh Ninh Bình"),
        (38, "Tỉnh Thanh Hóa"), (40, "Tỉnh Nghệ An"), (42, "Tỉnh Hà Tĩnh"),
        (44, "Tỉnh Quảng Trị"), (46, "Thành phố Huế"), (48, "Thành phố Đà Nẵng"),
        (51, "Tỉnh Quảng Ngãi"), (52, "Tỉnh Gia Lai"), (56, "Tỉnh Khánh Hòa"),
        (66, "Tỉnh Đắk Lắk"), (68, "Tỉnh Lâm Đồng"), (75, "Tỉnh Đồng Nai"),
        (79, "Thành phố Hồ Chí Minh"), (80, "Tỉnh Tây Ninh"), (82, "Tỉnh Đồng Tháp"),
        (86, "Tỉnh Vĩnh Long"), (91, "Tỉnh An Giang"), (92, "Thành phố Cần Thơ"),
        (96, "Tỉnh Cà Mau"),
    ];

    /// The 63 provinces before 1 Jul 2025, in code order.
    pub(super) const LEGACY: &[LegacyDef] = &[
        p(1, "Thành phố Hà Nội", 1, "01", 8_435, Delta, ""),
        p(2, "Tỉnh Hà Giang", 8, "07", 900, NorthHills, "Thành phố Hà Giang|Huyện Vị Xuyên|Huyện Bắc Quang|Huyện Đồng Văn"),
        p(4, "Tỉnh Cao Bằng", 4, "08", 550, NorthHills, "Thành phố Cao Bằng|Huyện Trùng Khánh|Huyện Hòa An|Huyện Bảo Lạc"),
        p(6, "Tỉnh Bắc Kạn", 19, "09", 320, NorthHills, "Thành phố Bắc Kạn|Huyện Ba Bể|Huyện Chợ Đồn"),
        p(8, "Tỉnh Tuyên Quang", 8, "07", 800, NorthHills, "Thành phố Tuyên Quang|Huyện Sơn Dương|Huyện Hàm Yên|Huyện Na Hang"),
        p(10, "Tỉnh Lào Cai", 15, "06", 770, NorthHills, "Thành phố Lào Cai|Thị xã Sa Pa|Huyện Bảo Thắng|Huyện Bắc Hà"),
        p(11, "Tỉnh Điện Biên", 11, "04", 640, NorthWest, "Thành phố Điện Biên Phủ|Huyện Điện Biên|Huyện Tuần Giáo|Huyện Mường Chà"),
        p(12, "Tỉnh Lai Châu", 12, "04", 480, NorthWest, "Thành phố Lai Châu|Huyện Tam Đường|Huyện Phong Thổ|Huyện Than Uyên"),
        p(14, "Tỉnh Sơn La", 14, "05", 1_290, NorthWest, "Thành phố Sơn La|Huyện Mai Sơn|Huyện Mộc Châu|Huyện Thuận Châu"),
        p(15, "Tỉnh Yên Bái", 15, "06", 850, NorthHills, "Thành phố Yên Bái|Thị xã Nghĩa Lộ|Huyện Văn Yên|Huyện Mù Cang Chải"),
        p(17, "Tỉnh Hòa Bình", 25, "11", 880, Muong, ""),
        p(19, "Tỉnh Thái Nguyên", 19, "09", 1_330, NorthHills, "Thành phố Thái Nguyên|Thành phố Sông Công|Huyện Đại Từ|Huyện Phú Lương"),
        p(20, "Tỉnh Lạng Sơn", 20, "08", 800, NorthHills, "Thành phố Lạng Sơn|Huyện Cao Lộc|Huyện Hữu Lũng|Huyện Lộc Bình"),
        p(22, "Tỉnh Quảng Ninh", 22, "10", 1_360, Delta, "Thành phố Hạ Long|Thành phố Cẩm Phả|Thành phố Móng Cái|Huyện Tiên Yên"),
        p(24, "Tỉnh Bắc Giang", 24, "12", 1_900, Delta, "Thành phố Bắc Giang|Huyện Lục Ngạn|Huyện Hiệp Hòa|Huyện Yên Thế"),
        p(25, "Tỉnh Phú Thọ", 25, "13", 1_500, Delta, "Thành phố Việt Trì|Thị xã Phú Thọ|Huyện Lâm Thao|Huyện Thanh Sơn"),
        p(26, "Tỉnh Vĩnh Phúc", 25, "13", 1_200, Delta, "Thành phố Vĩnh Yên|Thành phố Phúc Yên|Huyện Tam Đảo|Huyện Vĩnh Tường"),
        p(27, "Tỉnh Bắc Ninh", 24, "12", 1_500, Delta, "Thành phố Bắc Ninh|Thành phố Từ Sơn|Huyện Tiên Du|Huyện Gia Bình"),
        p(30, "Tỉnh Hải Dương", 31, "14", 1_950, Delta, "Thành phố Hải Dương|Thành phố Chí Linh|Huyện Gia Lộc|Huyện Thanh Hà"),
        p(31, "Thành phố Hải Phòng", 31, "03", 2_100, Delta, ""),
        p(33, "Tỉnh Hưng Yên", 33, "14", 1_300, Delta, "Thành phố Hưng Yên|Thị xã Mỹ Hào|Huyện Văn Lâm|Huyện Khoái Châu"),
        p(34, "Tỉnh Thái Bình", 33, "15", 1_880, Delta, "Thành phố Thái Bình|Huyện Quỳnh Phụ|Huyện Tiền Hải|Huyện Vũ Thư"),
        p(35, "Tỉnh Hà Nam", 37, "16", 880, Delta, "Thành phố Phủ Lý|Thị xã Duy Tiên|Huyện Kim Bảng|Huyện Lý Nhân"),
        p(36, "Tỉnh Nam Định", 37, "16", 1_880, Delta, "Thành phố Nam Định|Huyện Hải Hậu|Huyện Giao Thủy|Huyện Ý Yên"),
        p(37, "Tỉnh Ninh Bình", 37, "16", 1_010, Delta, "Thành phố Hoa Lư|Thành phố Tam Điệp|Huyện Kim Sơn|Huyện Nho Quan"),
        p(38, "Tỉnh Thanh Hóa", 38, "17", 3_700, NorthCentral, "Thành phố Thanh Hóa|Thành phố Sầm Sơn|Huyện Thọ Xuân|Huyện Quảng Xương"),
        p(40, "Tỉnh Nghệ An", 40, "18", 3_400, NorthCentral, "Thành phố Vinh|Thị xã Hoàng Mai|Huyện Diễn Châu|Huyện Quỳnh Lưu"),
        p(42, "Tỉnh Hà Tĩnh", 42, "18", 1_300, NorthCentral, "Thành phố Hà Tĩnh|Thị xã Hồng Lĩnh|Huyện Cẩm Xuyên|Huyện Đức Thọ"),
        p(44, "Tỉnh Quảng Bình", 44, "19", 900, Central, "Thành phố Đồng Hới|Thị xã Ba Đồn|Huyện Bố Trạch|Huyện Lệ Thủy"),
        p(45, "Tỉnh Quảng Trị", 44, "19", 650, Central, "Thành phố Đông Hà|Thị xã Quảng Trị|Huyện Hải Lăng|Huyện Vĩnh Linh"),
        p(46, "Thành phố Huế", 46, "19", 1_160, Central, "Quận Thuận Hóa|Quận Phú Xuân|Thị xã Hương Thủy|Huyện Phú Vang"),
        p(48, "Thành phố Đà Nẵng", 48, "20", 1_220, Central, "Quận Hải Châu|Quận Thanh Khê|Quận Sơn Trà|Huyện Hòa Vang"),
        p(49, "Tỉnh Quảng Nam", 48, "20", 1_520, Central, "Thành phố Tam Kỳ|Thành phố Hội An|Thị xã Điện Bàn|Huyện Đại Lộc"),
        p(51, "Tỉnh Quảng Ngãi", 51, "21", 1_250, Central, "Thành phố Quảng Ngãi|Thị xã Đức Phổ|Huyện Bình Sơn|Huyện Sơn Tịnh"),
        p(52, "Tỉnh Bình Định", 52, "21", 1_500, Central, "Thành phố Quy Nhơn|Thị xã An Nhơn|Thị xã Hoài Nhơn|Huyện Phù Cát"),
        p(54, "Tỉnh Phú Yên", 66, "22", 880, Central, "Thành phố Tuy Hòa|Thị xã Sông Cầu|Huyện Tuy An|Huyện Đồng Xuân"),
        p(56, "Tỉnh Khánh Hòa", 56, "22", 1_260, Central, "Thành phố Nha Trang|Thành phố Cam Ranh|Thị xã Ninh Hòa|Huyện Diên Khánh"),
        p(58, "Tỉnh Ninh Thuận", 56, "26", 600, SouthCentral, ""),
        p(60, "Tỉnh Bình Thuận", 68, "26", 1_250, SouthCentral, "Thành phố Phan Thiết|Thị xã La Gi|Huyện Hàm Thuận Bắc|Huyện Tuy Phong"),
        p(62, "Tỉnh Kon Tum", 51, "23", 580, Highlands, "Thành phố Kon Tum|Huyện Đắk Hà|Huyện Ngọc Hồi"),
        p(64, "Tỉnh Gia Lai", 52, "23", 1_600, Highlands, "Thành phố Pleiku|Thị xã An Khê|Huyện Chư Păh|Huyện Đức Cơ"),
        p(66, "Tỉnh Đắk Lắk", 66, "24", 1_900, Highlands, "Thành phố Buôn Ma Thuột|Thị xã Buôn Hồ|Huyện Krông Pắc|Huyện Ea Kar"),
        p(67, "Tỉnh Đắk Nông", 68, "24", 670, Highlands, "Thành phố Gia Nghĩa|Huyện Đắk Mil|Huyện Cư Jút"),
        p(68, "Tỉnh Lâm Đồng", 68, "25", 1_330, Highlands, "Thành phố Đà Lạt|Thành phố Bảo Lộc|Huyện Đức Trọng|Huyện Di Linh"),
        p(70, "Tỉnh Bình Phước", 75, "28", 1_030, Southeast, "Thành phố Đồng Xoài|Thị xã Bình Long|Thị xã Phước Long|Huyện Bù Đăng"),
        p(72, "Tỉnh Tây Ninh", 80, "29", 1_190, Southeast, "Thành phố Tây Ninh|Thị xã Hòa Thành|Thị xã Trảng Bàng|Huyện Gò Dầu"),
        p(74, "Tỉnh Bình Dương", 79, "28", 2_800, Southeast, "Thành phố Thủ Dầu Một|Thành phố Dĩ An|Thành phố Thuận An|Huyện Bàu Bàng"),
        p(75, "Tỉnh Đồng Nai", 75, "27", 3_300, Southeast, "Thành phố Biên Hòa|Thành phố Long Khánh|Huyện Long Thành|Huyện Trảng Bom"),
        p(77, "Tỉnh Bà Rịa - Vũng Tàu", 79, "27", 1_180, Southeast, "Thành phố Vũng Tàu|Thành phố Bà Rịa|Thị xã Phú Mỹ|Huyện Long Điền"),
        p(79, "Thành phố Hồ Chí Minh", 79, "02", 9_400, Southeast, ""),
        p(80, "Tỉnh Long An", 80, "30", 1_720, Mekong, "Thành phố Tân An|Thị xã Kiến Tường|Huyện Bến Lức|Huyện Đức Hòa"),
        p(82, "Tỉnh Tiền Giang", 82, "31", 1_790, Mekong, "Thành phố Mỹ Tho|Thành phố Gò Công|Huyện Cai Lậy|Huyện Chợ Gạo"),
        p(83, "Tỉnh Bến Tre", 86, "32", 1_300, Mekong, "Thành phố Bến Tre|Huyện Châu Thành|Huyện Mỏ Cày Nam|Huyện Ba Tri"),
        p(84, "Tỉnh Trà Vinh", 86, "33", 1_000, MekongKhmer, "Thành phố Trà Vinh|Thị xã Duyên Hải|Huyện Cầu Kè|Huyện Trà Cú"),
        p(86, "Tỉnh Vĩnh Long", 86, "33", 1_030, Mekong, "Thành phố Vĩnh Long|Thị xã Bình Minh|Huyện Long Hồ|Huyện Trà Ôn"),
        p(87, "Tỉnh Đồng Tháp", 82, "34", 1_600, Mekong, "Thành phố Cao Lãnh|Thành phố Sa Đéc|Thành phố Hồng Ngự|Huyện Tháp Mười"),
        p(89, "Tỉnh An Giang", 91, "35", 1_900, MekongKhmer, "Thành phố Long Xuyên|Thành phố Châu Đốc|Thị xã Tân Châu|Huyện Tri Tôn"),
        p(91, "Tỉnh Kiên Giang", 91, "37", 1_750, MekongKhmer, "Thành phố Rạch Giá|Thành phố Hà Tiên|Thành phố Phú Quốc|Huyện Châu Thành"),
        p(92, "Thành phố Cần Thơ", 92, "36", 1_250, Mekong, "Quận Ninh Kiều|Quận Bình Thủy|Quận Cái Răng|Huyện Phong Điền"),
        p(93, "Tỉnh Hậu Giang", 92, "36", 730, Mekong, "Thành phố Vị Thanh|Thành phố Ngã Bảy|Huyện Phụng Hiệp|Huyện Long Mỹ"),
        p(94, "Tỉnh Sóc Trăng", 92, "36", 1_200, MekongKhmer, "Thành phố Sóc Trăng|Thị xã Vĩnh Châu|Huyện Mỹ Xuyên|Huyện Kế Sách"),
        p(95, "Tỉnh Bạc Liêu", 96, "38", 920, MekongKhmer, "Thành phố Bạc Liêu|Thị xã Giá Rai|Huyện Hồng Dân|Huyện Phước Long"),
        p(96, "Tỉnh Cà Mau", 96, "38", 1_200, Mekong, "Thành phố Cà Mau|Huyện Năm Căn|Huyện Cái Nước|Huyện U Minh"),
    ];

    /// Hand-written legacy wards and their 2025 mergers for five provinces:
    /// (legacy province, district, [(current ward, [legacy wards])]). Real names; the
    /// groupings are close to, not exactly, the official ones.
    /// A current ward and the legacy wards merged into it.
    pub(super) type Merge = (&'static str, &'static [&'static str]);

    pub(super) const DETAILED: &[(u8, &str, &[Merge])] = &[
        (1, "Quận Ba Đình", &[
            ("Phường Ba Đình", &["Phường Trúc Bạch", "Phường Quán Thánh"]),
            ("Phường Ngọc Hà", &["Phường Ngọc Hà", "Phường Đội Cấn"]),
            ("Phường Giảng Võ", &["Phường Giảng Võ", "Phường Thành Công"]),
        ]),
        (1, "Quận Hoàn Kiếm", &[
            ("Phường Hoàn Kiếm", &["Phường Hàng Bạc", "Phường Hàng Đào", "Phường Tràng Tiền"]),
            ("Phường Cửa Nam", &["Phường Cửa Nam", "Phường Hàng Bông"]),
        ]),
        (1, "Quận Cầu Giấy", &[
            ("Phường Cầu Giấy", &["Phường Quan Hoa", "Phường Dịch Vọng"]),
            ("Phường Nghĩa Đô", &["Phường Nghĩa Đô", "Phường Nghĩa Tân"]),
            ("Phường Yên Hòa", &["Phường Yên Hòa", "Phường Trung Hòa"]),
        ]),
        (1, "Huyện Đông Anh", &[
            ("Xã Đông Anh", &["Thị trấn Đông Anh", "Xã Uy Nỗ"]),
            ("Xã Thư Lâm", &["Xã Thụy Lâm", "Xã Xuân Nộn"]),
            ("Xã Phúc Thịnh", &["Xã Vân Nội", "Xã Nam Hồng"]),
        ]),
        (17, "Thành phố Hòa Bình", &[
            ("Phường Hòa Bình", &["Phường Phương Lâm", "Phường Đồng Tiến", "Phường Tân Thịnh"]),
            ("Phường Thống Nhất", &["Phường Thống Nhất", "Phường Thịnh Lang"]),
            ("Phường Kỳ Sơn", &["Phường Kỳ Sơn"]),
        ]),
        (17, "Huyện Lương Sơn", &[
            ("Xã Lương Sơn", &["Thị trấn Lương Sơn", "Xã Hòa Sơn", "Xã Lâm Sơn"]),
            ("Xã Cao Dương", &["Xã Cao Dương", "Xã Thanh Sơn"]),
        ]),
        (17, "Huyện Mai Châu", &[
            ("Xã Mai Châu", &["Thị trấn Mai Châu", "Xã Chiềng Châu", "Xã Vạn Mai"]),
            ("Xã Pà Cò", &["Xã Pà Cò", "Xã Hang Kia"]),
        ]),
        (17, "Huyện Tân Lạc", &[
            ("Xã Tân Lạc", &["Thị trấn Mãn Đức", "Xã Phong Phú"]),
            ("Xã Mường Bi", &["Xã Phú Cường", "Xã Tử Nê"]),
        ]),
        (31, "Quận Hồng Bàng", &[
            ("Phường Hồng Bàng", &["Phường Hoàng Văn Thụ", "Phường Minh Khai", "Phường Phan Bội Châu"]),
            ("Phường Hồng An", &["Phường Sở Dầu", "Phường Hùng Vương"]),
        ]),
        (31, "Quận Ngô Quyền", &[
            ("Phường Ngô Quyền", &["Phường Máy Chai", "Phường Lạc Viên"]),
            ("Phường Gia Viên", &["Phường Gia Viên", "Phường Cầu Đất", "Phường Lạch Tray"]),
            ("Phường Đông Khê", &["Phường Đông Khê"]),
        ]),
        (31, "Quận Lê Chân", &[
            ("Phường Lê Chân", &["Phường Trần Nguyên Hãn", "Phường Hồ Nam", "Phường Dư Hàng"]),
            ("Phường An Biên", &["Phường An Biên", "Phường Hàng Kênh"]),
        ]),
        (31, "Huyện Cát Hải", &[
            ("Đặc khu Cát Hải", &["Thị trấn Cát Bà", "Thị trấn Cát Hải", "Xã Gia Luận"]),
        ]),
        (58, "Thành phố Phan Rang - Tháp Chàm", &[
            ("Phường Phan Rang", &["Phường Kinh Dinh", "Phường Phước Mỹ", "Phường Phủ Hà"]),
            ("Phường Đông Hải", &["Phường Đông Hải", "Phường Mỹ Đông"]),
            ("Phường Bảo An", &["Phường Bảo An"]),
        ]),
        (58, "Huyện Ninh Hải", &[
            ("Xã Ninh Hải", &["Thị trấn Khánh Hải", "Xã Tri Hải", "Xã Hộ Hải"]),
            ("Xã Xuân Hải", &["Xã Xuân Hải"]),
            ("Xã Vĩnh Hải", &["Xã Vĩnh Hải", "Xã Thanh Hải"]),
        ]),
        (58, "Huyện Ninh Phước", &[
            ("Xã Ninh Phước", &["Thị trấn Phước Dân", "Xã Phước Thuận"]),
            ("Xã Phước Hậu", &["Xã Phước Hậu", "Xã Phước Sơn"]),
            ("Xã Phước Hữu", &["Xã Phước Hữu"]),
        ]),
        (58, "Huyện Ninh Sơn", &[
            ("Xã Ninh Sơn", &["Thị trấn Tân Sơn", "Xã Quảng Sơn"]),
            ("Xã Lâm Sơn", &["Xã Lâm Sơn", "Xã Lương Sơn"]),
        ]),
        (79, "Quận 1", &[
            ("Phường Sài Gòn", &["Phường Bến Nghé"]),
            ("Phường Tân Định", &["Phường Tân Định", "Phường Đa Kao"]),
            ("Phường Bến Thành", &["Phường Bến Thành", "Phường Phạm Ngũ Lão"]),
            ("Phường Cầu Ông Lãnh", &["Phường Nguyễn Cư Trinh"]),
        ]),
        (79, "Quận Bình Thạnh", &[
            ("Phường Gia Định", &["Phường 1", "Phường 2", "Phường 7"]),
            ("Phường Thạnh Mỹ Tây", &["Phường 19", "Phường 22", "Phường 25"]),
        ]),
        (79, "Thành phố Thủ Đức", &[
            ("Phường Thủ Đức", &["Phường Linh Chiểu", "Phường Linh Tây"]),
            ("Phường Linh Xuân", &["Phường Linh Trung"]),
            ("Phường Hiệp Bình", &["Phường Hiệp Bình Chánh"]),
            ("Phường An Khánh", &["Phường Thảo Điền", "Phường An Phú"]),
        ]),
        (79, "Huyện Củ Chi", &[
            ("Xã Củ Chi", &["Thị trấn Củ Chi", "Xã Tân An Hội"]),
            ("Xã Phú Hòa Đông", &["Xã Phú Hòa Đông", "Xã Tân Thạnh Đông"]),
            ("Xã Thái Mỹ", &["Xã Thái Mỹ", "Xã Phước Thạnh"]),
        ]),
    ];

    /// Ward names (without "Phường"/"Xã") for the invented legacy wards, north and centre.
    const WARDS_NORTH: &[&str] = &[
        "Đông Hưng", "Tân Lập", "Quang Trung", "Trần Phú", "Lê Lợi", "Hồng Phong", "Minh Khai",
        "Yên Thịnh", "Nghĩa Hưng", "Đồng Tâm", "Hợp Thành", "Thống Nhất", "Tân Tiến", "Hưng Đạo",
        "Đại Đồng", "An Thịnh", "Bình Minh", "Cẩm Bình", "Đông Sơn", "Đông Phong", "Hồng Hà",
        "Kim Sơn", "Lam Sơn", "Liên Minh", "Minh Đức", "Nam Sơn", "Ngọc Lâm", "Phú Xuân",
        "Phúc Thịnh", "Quảng Thắng", "Sơn Hà", "Tân An", "Tân Thịnh", "Thanh Bình", "Thanh Xuân",
        "Tiền Phong", "Trung Sơn", "Văn Giang", "Xuân Hòa", "Yên Bình", "Yên Sơn", "Đại Phúc",
        "Bạch Đằng", "Cao Xanh", "Chiến Thắng", "Đồng Xuân", "Hoàng Văn Thụ", "Lạc Đạo", "Mỹ Lộc",
        "Nam Thanh", "Ninh Xá", "Phù Lưu", "Quyết Tiến", "Tam Thanh", "Tân Dân", "Thạch Đà",
        "Thắng Lợi", "Trưng Vương", "Việt Hưng", "Vũ Ninh", "Xuân Lâm", "Đồng Lạc", "Hiệp Hòa",
        "Hùng Sơn", "Hương Sơn", "Khánh Thiện", "Lạc Hồng", "Mai Pha", "Nghĩa Dũng", "Phú Lâm",
    ];

    /// Ward names for the invented legacy wards, south and centre.
    const WARDS_SOUTH: &[&str] = &[
        "Tân Phú", "Tân Bình", "Phước Long", "An Bình", "An Phú", "Bình Hòa", "Bình Thạnh",
        "Long Hòa", "Long Hưng", "Mỹ Phước", "Phú Hòa", "Phú Lợi", "Phước Hòa", "Tân Hiệp",
        "Tân Hòa", "Tân Hưng", "Tân Long", "Tân Thạnh", "Thạnh Lộc", "Thạnh Phú", "Vĩnh Phú",
        "Vĩnh Thạnh", "An Khánh", "An Lạc", "An Nhơn", "Bình An", "Bình Chánh", "Hiệp Phước",
        "Hòa Lợi", "Hòa Thạnh", "Long Phước", "Long Thạnh", "Mỹ Hòa", "Mỹ Thạnh", "Phú Mỹ",
        "Phú Tân", "Phước Thạnh", "Tân Châu", "Tân Hội", "Tân Lộc", "Tân Phước", "Thới An",
        "Thới Hòa", "Thuận Giao", "Trung An", "Vĩnh Hòa", "Vĩnh Lộc", "Vĩnh Trạch", "Hòa Hưng",
        "Khánh Bình", "Lai Hòa", "Long Bình", "Mỹ Long", "Nhị Bình", "Phước Vĩnh", "Tân Xuân",
        "Thạnh Mỹ", "Thường Thạnh", "Trường Long", "Vĩnh Kim", "Vĩnh Thuận", "An Hòa", "Bình Đức",
        "Phú Thuận", "Tân Thuận", "Hưng Lợi", "Long Tuyền", "Mỹ Xuyên", "Định Hòa", "Hòa Khánh",
    ];

    pub(super) fn ward_pool(region: Region) -> &'static [&'static str] {
        match region {
            Region::Delta | Region::NorthHills | Region::NorthWest | Region::Muong | Region::NorthCentral | Region::Central => WARDS_NORTH,
            Region::SouthCentral | Region::Highlands | Region::Southeast | Region::Mekong | Region::MekongKhmer => WARDS_SOUTH,
        }
    }

    /// Names given to current wards formed by merging.
    pub(super) const NEW_WARD_NAMES: &[&str] = &[
        "Thống Nhất", "Hòa Bình", "Tân Tiến", "Phú Thịnh", "Đoàn Kết", "Hưng Thịnh", "Thành Công",
        "Quyết Thắng", "Phú Lộc", "Bình Minh", "Tân Hưng", "Thịnh Vượng", "An Bình", "Hòa Khánh",
        "Trường Thịnh", "Đại Thành", "Vạn Phúc", "Phúc Lợi", "Hưng Phú", "Tân Phong", "Nhân Hòa",
        "Hòa An", "Thuận An", "Long Phú", "Minh Tân", "Gia Hòa", "Đồng Thuận", "Xuân Phú",
        "Hợp Tiến", "Tiến Thành", "Phú An", "Vĩnh Phúc", "An Thạnh", "Bình Phú", "Hòa Thuận",
    ];

    /// Ethnic groups: the statistics office's list (QĐ 121-TCTK/PPCĐ, 1979), plus 55.
    pub(super) const ETHNICITIES: &[(&str, &str)] = &[
        ("01", "Kinh"), ("02", "Tày"), ("03", "Thái"), ("04", "Hoa"), ("05", "Khơ-me"),
        ("06", "Mường"), ("07", "Nùng"), ("08", "HMông"), ("09", "Dao"), ("10", "Gia-rai"),
        ("11", "Ngái"), ("12", "Ê-đê"), ("13", "Ba-na"), ("14", "Xơ-đăng"), ("15", "Sán Chay"),
        ("16", "Cơ-ho"), ("17", "Chăm"), ("18", "Sán Dìu"), ("19", "Hrê"), ("20", "Mnông"),
        ("21", "Ra-glai"), ("22", "Xtiêng"), ("23", "Bru-Vân Kiều"), ("24", "Thổ"), ("25", "Giáy"),
        ("26", "Cơ-tu"), ("27", "Gié-Triêng"), ("28", "Mạ"), ("29", "Khơ-mú"), ("30", "Co"),
        ("31", "Tà-ôi"), ("32", "Chơ-ro"), ("33", "Kháng"), ("34", "Xinh-mun"), ("35", "Hà Nhì"),
        ("36", "Chu-ru"), ("37", "Lào"), ("38", "La Chí"), ("39", "La Ha"), ("40", "Phù Lá"),
        ("41", "La Hủ"), ("42", "Lự"), ("43", "Lô Lô"), ("44", "Chứt"), ("45", "Mảng"),
        ("46", "Pà Thẻn"), ("47", "Cơ Lao"), ("48", "Cống"), ("49", "Bố Y"), ("50", "Si La"),
        ("51", "Pu Péo"), ("52", "Brâu"), ("53", "Ơ Đu"), ("54", "Rơ-măm"),
        ("55", "Người nước ngoài"),
    ];

    /// Religions recognised in Vietnam, with "00 Không".
    pub(super) const RELIGIONS: &[(&str, &str)] = &[
        ("00", "Không"), ("01", "Phật giáo"), ("02", "Công giáo"), ("03", "Tin lành"),
        ("04", "Cao Đài"), ("05", "Phật giáo Hòa Hảo"), ("06", "Hồi giáo"),
        ("07", "Tôn giáo Baha'i"), ("08", "Tịnh độ Cư sĩ Phật hội Việt Nam"),
        ("09", "Bửu Sơn Kỳ Hương"), ("10", "Tứ Ân Hiếu Nghĩa"), ("11", "Minh Sư Đạo"),
        ("12", "Minh Lý Đạo"), ("13", "Bà-la-môn"),
        ("14", "Giáo hội Phật đường Nam tông Minh Sư đạo"), ("15", "Phật hội Hiếu Nghĩa Tà Lơn"),
        ("16", "Cơ đốc Phục lâm"), ("17", "Mặc môn"),
    ];

    /// Kinh family names with weights per region (north, centre, south), per mille.
    pub(super) const FAMILY: &[(&str, [u32; 3])] = &[
        ("Nguyễn", [370, 380, 390]), ("Trần", [110, 110, 110]), ("Lê", [95, 100, 95]),
        ("Phạm", [75, 70, 60]), ("Hoàng", [50, 25, 5]), ("Huỳnh", [1, 25, 50]),
        ("Phan", [35, 50, 45]), ("Vũ", [45, 15, 3]), ("Võ", [2, 30, 45]), ("Đặng", [22, 20, 20]),
        ("Bùi", [25, 15, 15]), ("Đỗ", [20, 12, 10]), ("Hồ", [8, 20, 15]), ("Ngô", [13, 12, 13]),
        ("Dương", [10, 8, 10]), ("Lý", [4, 3, 8]), ("Đinh", [10, 6, 5]), ("Đào", [8, 4, 4]),
        ("Trương", [5, 7, 10]), ("Mai", [5, 4, 5]), ("Cao", [4, 5, 4]), ("Lưu", [3, 2, 3]),
        ("Tạ", [3, 1, 2]), ("Hà", [5, 2, 2]), ("Đoàn", [5, 4, 4]), ("Lương", [4, 3, 3]),
        ("Trịnh", [6, 3, 3]), ("Chu", [2, 1, 1]), ("Tô", [2, 1, 2]), ("Lâm", [2, 2, 8]),
        ("Châu", [1, 2, 6]), ("Thái", [1, 2, 3]), ("Kiều", [2, 1, 1]), ("Vương", [2, 1, 2]),
        ("Nghiêm", [1, 0, 0]), ("Quách", [1, 1, 2]), ("Tăng", [0, 1, 3]), ("La", [0, 1, 2]),
    ];

    /// Family names common among some minorities, by ethnicity code.
    pub(super) fn minority_families(ethnicity: u8) -> Option<&'static [&'static str]> {
        Some(match ethnicity {
            2 => &["Hoàng", "Nông", "Lục", "Đàm", "Ma", "Hà", "Lương", "Triệu", "Bế"],
            3 => &["Lò", "Cầm", "Quàng", "Lường", "Vì", "Hà", "Tòng", "Lù", "Điêu"],
            4 => &["Lý", "Lâm", "Trương", "Quách", "Hứa", "Tăng", "La", "Mã", "Diệp"],
            5 => &["Thạch", "Sơn", "Danh", "Kim", "Lâm", "Chau"],
            6 => &["Bùi", "Đinh", "Quách", "Hà", "Xa", "Bạch"],
            7 => &["Hoàng", "Nông", "Lục", "Vi", "Lăng", "Chu", "Mã", "Sầm"],
            8 => &["Giàng", "Sùng", "Vàng", "Lầu", "Thào", "Hầu", "Mùa", "Lý", "Vừ"],
            9 => &["Triệu", "Bàn", "Đặng", "Lý", "Chảo", "Phùn"],
            17 => &["Đàng", "Lộ", "Quảng", "Thập", "Châu", "Báo", "Phú"],
            e if is_highland(e) => &["Ksor", "Siu", "Rơ Châm", "Nay", "Rah Lan", "Kpă", "Niê", "Mlô", "Êban", "Đinh"],
            _ => return None,
        })
    }

    /// Central Highlands groups, named without a middle name here ("Ksor Phôn").
    pub(super) fn is_highland(ethnicity: u8) -> bool {
        matches!(ethnicity, 10 | 12 | 13 | 14 | 16 | 20 | 21 | 28 | 52 | 54)
    }

    pub(super) const HMONG_MALE: &[&str] = &["Páo", "Sử", "Dính", "Chứ", "Dế", "Pó", "Chá", "Lử", "Sình", "Tráng", "Súa", "Thề"];
    pub(super) const HMONG_FEMALE: &[&str] = &["Mỷ", "Dợ", "Sua", "Chua", "Mai", "Pà", "Dua", "Súa", "Ly", "Máy", "Xía"];
    pub(super) const HIGHLAND_MALE: &[&str] = &["Phôn", "Thuân", "Wơn", "Byơ", "Dơk", "Blô", "Hiếu", "Kla", "Siêng", "Hơn", "Jú", "Nhân"];
    pub(super) const HIGHLAND_FEMALE: &[&str] = &["Hen", "Dung", "Bin", "Nhí", "Hơ", "Blan", "Nguyên", "Mai", "H'Lan", "Thu", "Rin"];

    pub(super) const MIDDLE_MALE_OLD: &[(&str, u32)] = &[
        ("Văn", 450), ("Đức", 60), ("Minh", 50), ("Quốc", 30), ("Hữu", 50), ("Công", 40),
        ("Xuân", 30), ("Thanh", 40), ("Ngọc", 30), ("Quang", 40), ("Đình", 40), ("Trọng", 20),
        ("Bá", 15), ("Hồng", 15), ("Tiến", 10), ("Duy", 15), ("Anh", 15), ("Hoàng", 20),
        ("Mạnh", 10), ("Thế", 25), ("Viết", 10), ("Kim", 5), ("Như", 5),
    ];
    pub(super) const MIDDLE_MALE_YOUNG: &[(&str, u32)] = &[
        ("Văn", 150), ("Minh", 120), ("Đức", 80), ("Quốc", 50), ("Hoàng", 50), ("Gia", 60),
        ("Anh", 40), ("Tuấn", 20), ("Thành", 30), ("Hữu", 30), ("Công", 20), ("Quang", 40),
        ("Thanh", 30), ("Ngọc", 15), ("Bảo", 50), ("Đăng", 30), ("Trung", 20), ("Nhật", 30),
        ("Duy", 40), ("Khánh", 25), ("Hải", 20), ("Huy", 10), ("Tiến", 10), ("Phúc", 10),
    ];
    pub(super) const MIDDLE_FEMALE_OLD: &[(&str, u32)] = &[
        ("Thị", 650), ("Ngọc", 40), ("Thanh", 40), ("Thu", 40), ("Minh", 15), ("Hồng", 30),
        ("Kim", 30), ("Phương", 10), ("Bích", 15), ("Thúy", 10), ("Mỹ", 15), ("Xuân", 15),
        ("Diệu", 5), ("Hải", 5), ("Tuyết", 5), ("Quỳnh", 5),
    ];
    pub(super) const MIDDLE_FEMALE_YOUNG: &[(&str, u32)] = &[
        ("Thị", 250), ("Ngọc", 90), ("Thanh", 50), ("Thu", 50), ("Minh", 50), ("Phương", 40),
        ("Bảo", 50), ("Khánh", 40), ("Gia", 30), ("Hoài", 20), ("Thùy", 30), ("Mai", 20),
        ("Hà", 15), ("Kim", 20), ("Tú", 15), ("Quỳnh", 15), ("Diệu", 15), ("Yến", 10),
        ("Hồng", 15), ("Như", 20), ("Hải", 15), ("Tường", 10), ("An", 10), ("Cẩm", 10),
        ("Ánh", 10), ("Lan", 10), ("Mỹ", 15),
    ];

    pub(super) const GIVEN_MALE: &[&str] = &[
        "Anh", "Bảo", "Bình", "Cường", "Chiến", "Công", "Dũng", "Duy", "Dương", "Đạt", "Định",
        "Đông", "Đức", "Giang", "Hải", "Hào", "Hậu", "Hiếu", "Hiệp", "Hòa", "Hoàng", "Hùng",
        "Huy", "Hưng", "Khang", "Khánh", "Khoa", "Khôi", "Kiên", "Lâm", "Lộc", "Long", "Lợi",
        "Luân", "Mạnh", "Minh", "Nam", "Nghĩa", "Nhân", "Phát", "Phong", "Phú", "Phúc", "Quân",
        "Quang", "Quý", "Sang", "Sơn", "Tài", "Tâm", "Thái", "Thắng", "Thành", "Thiện", "Thịnh",
        "Thông", "Tiến", "Toàn", "Trí", "Trọng", "Trung", "Trường", "Tú", "Tuấn", "Tùng", "Việt",
        "Vinh", "Vũ", "Vương", "An", "Bách", "Đăng", "Hiển", "Lực", "Nguyên", "Quyết", "Tân",
        "Thuận", "Tín", "Hạnh",
    ];
    pub(super) const GIVEN_FEMALE: &[&str] = &[
        "An", "Anh", "Ánh", "Bích", "Châu", "Chi", "Cúc", "Diệp", "Diễm", "Dung", "Duyên",
        "Giang", "Hà", "Hạnh", "Hằng", "Hân", "Hiền", "Hoa", "Hòa", "Hồng", "Huệ", "Hương",
        "Hường", "Huyền", "Khánh", "Lan", "Liên", "Linh", "Loan", "Ly", "Mai", "My", "Nga",
        "Ngân", "Ngọc", "Nhi", "Nhung", "Oanh", "Phương", "Quyên", "Quỳnh", "Sen", "Tâm",
        "Thảo", "Thắm", "Thơ", "Thu", "Thủy", "Thúy", "Thư", "Trang", "Trâm", "Trinh", "Tuyết",
        "Uyên", "Vân", "Vy", "Xuân", "Yến", "Hậu", "Lụa", "Nhàn", "Mận", "Đào",
    ];

    pub(super) const STREETS: &[&str] = &[
        "Lê Lợi", "Trần Hưng Đạo", "Nguyễn Huệ", "Hai Bà Trưng", "Lý Thường Kiệt", "Quang Trung",
        "Hùng Vương", "Lê Duẩn", "Nguyễn Trãi", "Phan Chu Trinh", "Phan Bội Châu", "Trần Phú",
        "Nguyễn Du", "Điện Biên Phủ", "Võ Thị Sáu", "Nguyễn Thị Minh Khai", "Lê Thánh Tông",
        "Nguyễn Văn Cừ", "Lạc Long Quân", "Âu Cơ", "Hoàng Hoa Thám", "Tôn Đức Thắng", "Bà Triệu",
        "Ngô Quyền", "Lê Lai", "Nguyễn Văn Linh", "Cách Mạng Tháng Tám", "30 Tháng 4",
        "Lê Hồng Phong", "Nguyễn Chí Thanh", "Trường Chinh", "Chu Văn An", "Đinh Tiên Hoàng",
        "Yết Kiêu", "Phạm Văn Đồng", "Nguyễn Tất Thành", "Lê Quý Đôn", "Hoàng Diệu",
        "Nguyễn Thái Học", "Lý Tự Trọng",
    ];

    /// Names of "Thôn" and "Xóm".
    pub(super) const VILLAGE_NAMES: &[&str] = &[
        "Đông", "Tây", "Nam", "Bắc", "Trung", "Thượng", "Hạ", "Tân Lập", "Tân Thành", "Đồng Tâm",
        "Hòa Bình", "Phú Lộc", "Thống Nhất", "Đoàn Kết", "Chợ", "Giữa", "Cầu", "Mới", "Trại",
        "Đình", "Bến", "Yên Thịnh", "An Lạc", "Đồng Xuân", "Quyết Tiến", "Tiền Phong",
    ];

    /// Names of "Ấp" in the south.
    pub(super) const HAMLET_NAMES_SOUTH: &[&str] = &[
        "Bình An", "Tân Hòa", "Thạnh Lợi", "Long Thới", "Mỹ An", "Phú Hòa", "An Lạc", "Tân Thuận",
        "Bình Đông", "Bình Tây", "Long Hòa", "Phước Lợi", "Thới Thạnh", "Vĩnh Lợi", "Chợ", "Mới",
    ];

    /// Kinds of procedures for choosing dossier components.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub(super) enum Group {
        Civil,
        Business,
        Land,
        Benefit,
        Environment,
        Library,
        Request,
        Tax,
        Other,
    }

    pub(super) fn component_group(field: &str) -> Group {
        match field {
            "Hộ tịch" | "Nuôi con nuôi" | "Quốc tịch" | "Lý lịch tư pháp" | "Chứng thực" | "Công chứng"
            | "Sức khỏe Bà mẹ - Trẻ em" => Group::Civil,
            "Đăng ký kinh doanh" | "Kinh tế hợp tác" | "Đầu tư" => Group::Business,
            "Đất đai" | "Xây dựng" | "Đăng ký biện pháp bảo đảm" | "Đo đạc và bản đồ" => Group::Land,
            "Bảo trợ xã hội" | "Người có công" | "Việc làm" | "Dân tộc" | "Công tác dân tộc"
            | "Thi đua khen thưởng" | "Gia đình" | "Hòa giải ở cơ sở" => Group::Benefit,
            "Môi trường" | "Tài nguyên nước" | "Khoáng sản" | "Thủy lợi" | "Lâm nghiệp" => Group::Environment,
            "Thư viện" => Group::Library,
            "Tiếp công dân" | "Phòng, chống tham nhũng" | "Đấu thầu, lựa chọn nhà thầu"
            | "Bồi thường nhà nước" | "Trợ giúp pháp lý" => Group::Request,
            "Thuế" | "Tài chính" => Group::Tax,
            _ => Group::Other,
        }
    }

    /// (first component, pool of further ones: name, originals, copies, required).
    pub(super) fn components(group: Group) -> (&'static str, &'static [(&'static str, u32, u32, bool)]) {
        const PROXY: (&str, u32, u32, bool) = ("Văn bản ủy quyền (nếu có)", 1, 0, false);
        match group {
            Group::Civil => ("Tờ khai (theo mẫu)", &[
                ("Bản sao Giấy khai sinh", 0, 1, true),
                ("Giấy chứng sinh", 1, 0, true),
                ("Giấy tờ chứng minh nơi cư trú", 0, 1, false),
                ("Giấy xác nhận tình trạng hôn nhân", 1, 0, true),
                ("Bản sao giấy tờ tùy thân của người yêu cầu", 0, 1, true),
                ("Ảnh chân dung 4x6 cm", 2, 0, true),
                PROXY,
            ]),
            Group::Business => ("Giấy đề nghị đăng ký (theo mẫu)", &[
                ("Điều lệ", 1, 0, true),
                ("Danh sách thành viên", 1, 0, true),
                ("Bản sao giấy tờ pháp lý của cá nhân", 0, 1, true),
                ("Bản sao Giấy chứng nhận đăng ký doanh nghiệp", 0, 1, true),
                ("Đề xuất dự án đầu tư", 1, 0, false),
                PROXY,
            ]),
            Group::Land => ("Đơn đề nghị (theo mẫu)", &[
                ("Bản sao Giấy chứng nhận quyền sử dụng đất", 0, 1, true),
                ("Bản vẽ thiết kế", 2, 0, true),
                ("Sơ đồ vị trí thửa đất", 1, 0, true),
                ("Hợp đồng, văn bản về chuyển quyền (nếu có)", 1, 0, false),
                ("Giấy tờ chứng minh nơi cư trú", 0, 1, false),
                PROXY,
            ]),
            Group::Benefit => ("Tờ khai đề nghị (theo mẫu)", &[
                ("Bản sao Giấy khai sinh", 0, 1, true),
                ("Giấy xác nhận khuyết tật", 0, 1, false),
                ("Biên bản họp xét", 1, 0, true),
                ("Danh sách đề nghị", 1, 0, true),
                ("Bản sao sổ bảo hiểm xã hội", 0, 1, false),
                PROXY,
            ]),
            Group::Environment => ("Văn bản đề nghị (theo mẫu)", &[
                ("Báo cáo đánh giá tác động môi trường", 1, 0, true),
                ("Bản đồ khu vực", 1, 0, true),
                ("Báo cáo hiện trạng", 1, 0, true),
                ("Bản sao Giấy chứng nhận đăng ký đầu tư", 0, 1, false),
                PROXY,
            ]),
            Group::Library => ("Văn bản thông báo (theo mẫu)", &[
                ("Nội quy thư viện", 1, 0, true),
                ("Danh sách người làm việc", 1, 0, false),
                ("Giấy tờ chứng minh địa điểm hoạt động", 0, 1, true),
                PROXY,
            ]),
            Group::Request => ("Đơn kiến nghị (theo mẫu)", &[
                ("Tài liệu, chứng cứ kèm theo", 0, 1, false),
                ("Bản sao giấy tờ tùy thân của người yêu cầu", 0, 1, true),
                ("Văn bản yêu cầu giải trình", 1, 0, true),
                PROXY,
            ]),
            Group::Tax => ("Tờ khai (theo mẫu)", &[
                ("Bảng kê chứng từ", 1, 0, true),
                ("Bản sao hóa đơn, chứng từ", 0, 1, true),
                ("Báo cáo tài chính", 1, 0, false),
                PROXY,
            ]),
            Group::Other => ("Đơn đề nghị (theo mẫu)", &[
                ("Bản sao Giấy chứng nhận đăng ký doanh nghiệp", 0, 1, true),
                ("Bản thuyết minh điều kiện", 1, 0, true),
                ("Danh sách nhân sự kèm văn bằng", 1, 0, true),
                ("Báo cáo kết quả hoạt động", 1, 0, false),
                ("Tài liệu khác có liên quan (nếu có)", 0, 1, false),
                PROXY,
            ]),
        }
    }

    /// Căn cứ pháp lý by field, most specific first.
    pub(super) fn legal_basis(field: &str) -> &'static [&'static str] {
        match field {
            "Bảo trợ xã hội" => &["Nghị định 20/2021/NĐ-CP", "Luật Người cao tuổi số 39/2009/QH12", "Luật Người khuyết tật số 51/2010/QH12"],
            "Bồi thường nhà nước" => &["Luật Trách nhiệm bồi thường của Nhà nước số 10/2017/QH14", "Nghị định 68/2018/NĐ-CP"],
            "Chăn nuôi" => &["Luật Chăn nuôi số 32/2018/QH14", "Nghị định 13/2020/NĐ-CP"],
            "Chứng thực" => &["Nghị định 23/2015/NĐ-CP", "Thông tư 01/2020/TT-BTP"],
            "Công chứng" => &["Luật Công chứng số 46/2024/QH15"],
            "Công thương" => &["Nghị định 105/2017/NĐ-CP", "Nghị định 67/2013/NĐ-CP", "Nghị định 83/2014/NĐ-CP"],
            "Dân tộc" | "Công tác dân tộc" => &["Quyết định 12/2018/QĐ-TTg", "Nghị định 05/2011/NĐ-CP"],
            "Du lịch" => &["Luật Du lịch số 09/2017/QH14", "Nghị định 168/2017/NĐ-CP"],
            "Dược phẩm" => &["Luật Dược số 105/2016/QH13", "Nghị định 54/2017/NĐ-CP"],
            "Đăng ký biện pháp bảo đảm" => &["Nghị định 99/2022/NĐ-CP", "Bộ luật Dân sự số 91/2015/QH13"],
            "Đăng ký kinh doanh" => &["Luật Doanh nghiệp số 59/2020/QH14", "Nghị định 01/2021/NĐ-CP"],
            "Đất đai" => &["Luật Đất đai số 31/2024/QH15", "Nghị định 101/2024/NĐ-CP", "Nghị định 102/2024/NĐ-CP"],
            "Đầu tư" => &["Luật Đầu tư số 61/2020/QH14", "Nghị định 31/2021/NĐ-CP"],
            "Đấu thầu, lựa chọn nhà thầu" => &["Luật Đấu thầu số 22/2023/QH15", "Nghị định 24/2024/NĐ-CP"],
            "Đo đạc và bản đồ" => &["Luật Đo đạc và bản đồ số 27/2018/QH14", "Nghị định 136/2021/NĐ-CP"],
            "Gia đình" => &["Luật Phòng, chống bạo lực gia đình số 13/2022/QH15", "Nghị định 76/2023/NĐ-CP"],
            "Giáo dục nghề nghiệp" => &["Luật Giáo dục nghề nghiệp số 74/2014/QH13", "Nghị định 15/2019/NĐ-CP"],
            "Giáo dục và Đào tạo" => &["Luật Giáo dục số 43/2019/QH14", "Nghị định 125/2024/NĐ-CP"],
            "Giao thông vận tải" => &["Luật Trật tự, an toàn giao thông đường bộ số 36/2024/QH15", "Nghị định 10/2020/NĐ-CP"],
            "Hòa giải ở cơ sở" => &["Luật Hòa giải ở cơ sở số 35/2013/QH13", "Nghị định 15/2014/NĐ-CP"],
            "Hộ tịch" => &["Luật Hộ tịch số 60/2014/QH13", "Nghị định 123/2015/NĐ-CP", "Thông tư 04/2020/TT-BTP"],
            "Khám bệnh, chữa bệnh" => &["Luật Khám bệnh, chữa bệnh số 15/2023/QH15", "Nghị định 96/2023/NĐ-CP"],
            "Khoa học và Công nghệ" => &["Luật Khoa học và công nghệ số 29/2013/QH13", "Nghị định 08/2014/NĐ-CP", "Luật Năng lượng nguyên tử số 18/2008/QH12"],
            "Khoáng sản" => &["Luật Địa chất và khoáng sản số 54/2024/QH15", "Nghị định 158/2016/NĐ-CP"],
            "Kinh tế hợp tác" => &["Luật Hợp tác xã số 17/2023/QH15", "Nghị định 92/2024/NĐ-CP"],
            "Lao động" => &["Bộ luật Lao động số 45/2019/QH14", "Nghị định 152/2020/NĐ-CP", "Nghị định 145/2020/NĐ-CP"],
            "Lâm nghiệp" => &["Luật Lâm nghiệp số 16/2017/QH14", "Nghị định 156/2018/NĐ-CP"],
            "Lý lịch tư pháp" => &["Luật Lý lịch tư pháp số 28/2009/QH12", "Nghị định 111/2010/NĐ-CP"],
            "Môi trường" => &["Luật Bảo vệ môi trường số 72/2020/QH14", "Nghị định 08/2022/NĐ-CP"],
            "Người có công" => &["Pháp lệnh Ưu đãi người có công với cách mạng số 02/2020/UBTVQH14", "Nghị định 131/2021/NĐ-CP"],
            "Nội vụ" => &["Nghị định 45/2010/NĐ-CP", "Nghị định 93/2019/NĐ-CP", "Luật Cán bộ, công chức số 22/2008/QH12"],
            "Nông nghiệp" => &["Nghị định 83/2018/NĐ-CP", "Luật Trồng trọt số 31/2018/QH14"],
            "Nuôi con nuôi" => &["Luật Nuôi con nuôi số 52/2010/QH12", "Nghị định 19/2011/NĐ-CP"],
            "Phòng cháy chữa cháy" => &["Luật Phòng cháy, chữa cháy và cứu nạn, cứu hộ số 55/2024/QH15", "Nghị định 136/2020/NĐ-CP"],
            "Phòng, chống tham nhũng" => &["Luật Phòng, chống tham nhũng số 36/2018/QH14", "Nghị định 59/2019/NĐ-CP"],
            "Quốc tịch" => &["Luật Quốc tịch Việt Nam số 24/2008/QH12", "Nghị định 16/2020/NĐ-CP"],
            "Sức khỏe Bà mẹ - Trẻ em" => &["Luật Khám bệnh, chữa bệnh số 15/2023/QH15", "Thông tư 17/2012/TT-BYT"],
            "Tài chính" => &["Luật Giá số 16/2023/QH15", "Nghị định 85/2024/NĐ-CP"],
            "Tài nguyên nước" => &["Luật Tài nguyên nước số 28/2023/QH15", "Nghị định 54/2024/NĐ-CP"],
            "Thể thao" => &["Luật Thể dục, thể thao số 77/2006/QH11", "Nghị định 36/2019/NĐ-CP"],
            "Thi đua khen thưởng" => &["Luật Thi đua, khen thưởng số 06/2022/QH15", "Nghị định 98/2023/NĐ-CP"],
            "Thông tin và Truyền thông" => &["Luật Xuất bản số 19/2012/QH13", "Nghị định 72/2013/NĐ-CP", "Nghị định 60/2014/NĐ-CP"],
            "Thú y" => &["Luật Thú y số 79/2015/QH13", "Nghị định 35/2016/NĐ-CP"],
            "Thuế" => &["Luật Quản lý thuế số 38/2019/QH14", "Nghị định 53/2020/NĐ-CP", "Nghị định 126/2020/NĐ-CP"],
            "Thủy lợi" => &["Luật Thủy lợi số 08/2017/QH14", "Nghị định 67/2018/NĐ-CP"],
            "Thủy sản" => &["Luật Thủy sản số 18/2017/QH14", "Nghị định 26/2019/NĐ-CP"],
            "Thư viện" => &["Luật Thư viện số 46/2019/QH14", "Nghị định 93/2020/NĐ-CP"],
            "Tiếp công dân" => &["Luật Tiếp công dân số 42/2013/QH13", "Luật Khiếu nại số 02/2011/QH13", "Luật Tố cáo số 25/2018/QH14"],
            "Tôn giáo" => &["Luật Tín ngưỡng, tôn giáo số 02/2016/QH14", "Nghị định 95/2023/NĐ-CP"],
            "Trồng trọt và Bảo vệ thực vật" => &["Luật Bảo vệ và kiểm dịch thực vật số 41/2013/QH13", "Nghị định 84/2019/NĐ-CP"],
            "Trợ giúp pháp lý" => &["Luật Trợ giúp pháp lý số 11/2017/QH14", "Nghị định 144/2017/NĐ-CP"],
            "Tư pháp" => &["Luật Đấu giá tài sản số 01/2016/QH14", "Nghị định 08/2020/NĐ-CP", "Luật Luật sư số 65/2006/QH11"],
            "Văn hóa" => &["Nghị định 110/2018/NĐ-CP", "Nghị định 54/2019/NĐ-CP", "Nghị định 144/2020/NĐ-CP"],
            "Việc làm" => &["Luật Việc làm số 38/2013/QH13", "Nghị định 28/2015/NĐ-CP"],
            "Xây dựng" => &["Luật Xây dựng số 50/2014/QH13", "Luật số 62/2020/QH14", "Nghị định 15/2021/NĐ-CP"],
            "Y tế dự phòng" => &["Luật An toàn thực phẩm số 55/2010/QH12", "Nghị định 15/2018/NĐ-CP"],
            _ => &["Nghị định 61/2018/NĐ-CP", "Nghị định 107/2021/NĐ-CP"],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use unicode_normalization::is_nfc;

    type Population = Vec<(Household, Vec<Person>)>;

    fn collect(n: usize, seed: u64) -> Population {
        let mut out = Vec::new();
        generate_people(n, seed, |h, p| out.push((h, p)));
        out
    }

    fn ratio(part: usize, total: usize) -> f64 {
        let f = |n: usize| f64::from(u32::try_from(n).expect("small counts"));
        f(part) / f(total)
    }

    fn digits(s: &str, n: usize) -> bool {
        s.len() == n && s.bytes().all(|b| b.is_ascii_digit())
    }

    fn year_of(p: &Person) -> i32 {
        p.birth_date[..4].parse().expect("a year")
    }

    fn texts(p: &Person) -> Vec<&str> {
        let mut v = vec![
            p.family.as_str(),
            &p.middle,
            &p.given,
            &p.permanent_detail,
            &p.current_detail,
            &p.relation,
        ];
        for r in [&p.father, &p.mother, &p.spouse, &p.representative]
            .into_iter()
            .flatten()
        {
            v.push(&r.full_name);
        }
        v
    }

    /// Every structural promise of [`generate_people`]; panics naming the person.
    fn check_population(pop: &Population, n: usize) {
        let index = admin_index();
        let legacy_codes: HashSet<&str> = admin_units()
            .legacy
            .iter()
            .map(|p| p.code.as_str())
            .collect();
        assert_eq!(
            pop.iter().map(|(_, p)| p.len()).sum::<usize>(),
            n,
            "exactly n people"
        );
        let mut ids = HashSet::new();
        let mut olds = HashSet::new();
        let mut books = HashSet::new();
        let mut household_ids = HashSet::new();
        for (h, people) in pop {
            assert!(
                (1..=7).contains(&people.len()),
                "household {} has {} people",
                h.id,
                people.len()
            );
            assert!(household_ids.insert(h.id));
            assert!(digits(&h.book_number, 9), "{}", h.book_number);
            assert!(
                books.insert(h.book_number.clone()),
                "book {} twice",
                h.book_number
            );
            assert!(index.ward(&h.ward).is_some());
            assert!(is_nfc(&h.detail));
            let heads: Vec<&Person> = people.iter().filter(|p| p.relation == "Chủ hộ").collect();
            assert_eq!(heads.len(), 1, "household {}", h.id);
            assert_eq!(heads[0].id_number, h.head_id);
            assert_eq!(people[0].relation, "Chủ hộ");
            let by_id: HashMap<&str, &Person> =
                people.iter().map(|p| (p.id_number.as_str(), p)).collect();
            for p in people {
                let who = format!("{} {} (household {})", p.id_number, p.full_name(), h.id);
                // The CCCD.
                assert!(digits(&p.id_number, 12), "{who}");
                assert!(ids.insert(p.id_number.clone()), "{who}: id twice");
                let province = &p.id_number[1..3];
                assert_eq!(&p.id_number[..1], "0");
                assert!(legacy_codes.contains(province), "{who}");
                let birth = index.ward(&p.birth_ward).expect("birth ward resolves");
                assert!(
                    birth.legacy.iter().all(|l| l.province.code == province),
                    "{who}: birth province"
                );
                assert!(p.birth_date.len() == 10 || p.birth_date.len() == 4, "{who}");
                let year = year_of(p);
                if p.birth_date.len() == 4 {
                    assert!(year < 1950, "{who}: year-only date");
                }
                assert!((1900..=2025).contains(&year), "{who}");
                // Computed here, not with `century_digit`: 0/1 for 1900s, 2/3 for 2000s.
                let expected = match (year >= 2000, p.sex) {
                    (false, Sex::Male) => b'0',
                    (false, Sex::Female) => b'1',
                    (true, Sex::Male) => b'2',
                    (true, Sex::Female) => b'3',
                };
                assert_eq!(
                    p.id_number.as_bytes()[3],
                    expected,
                    "{who}: sex/century digit"
                );
                assert_eq!(
                    p.id_number[4..6],
                    format!("{:02}", year % 100),
                    "{who}: year digits"
                );
                if let Some(old) = &p.old_id_number {
                    assert!(digits(old, 9), "{who}");
                    assert!(olds.insert(old.clone()), "{who}: CMND twice");
                }
                // Codes and wards.
                for w in [
                    &p.birth_ward,
                    &p.home_ward,
                    &p.permanent_ward,
                    &p.current_ward,
                ] {
                    assert!(index.ward(w).is_some(), "{who}: ward {w}");
                }
                assert_eq!(p.permanent_ward, h.ward);
                assert_eq!(p.permanent_detail, h.detail);
                assert_eq!(p.household_id, h.id);
                assert!(ethnicity_name(&p.ethnicity).is_some(), "{who}");
                assert!(religion_name(&p.religion).is_some(), "{who}");
                assert!(matches!(p.portal_level, None | Some(1 | 2)));
                assert!(!p.family.is_empty() && !p.given.is_empty());
                for t in texts(p) {
                    assert!(is_nfc(t), "{who}: {t:?} is not NFC");
                    assert_eq!(t.trim(), t);
                    assert!(!t.contains("  "));
                }
                let middle_words: Vec<&str> = p.middle.split(' ').collect();
                match p.sex {
                    Sex::Male => assert!(!middle_words.contains(&"Thị"), "{who}"),
                    Sex::Female => assert!(!middle_words.contains(&"Văn"), "{who}"),
                }
                // Relatives inside the household.
                let member = |r: &Relative| {
                    let id = r.id_number.as_deref()?;
                    let m = by_id.get(id).copied();
                    let m =
                        m.unwrap_or_else(|| panic!("{who}: relative {id} not in the household"));
                    assert_eq!(r.full_name, m.full_name(), "{who}");
                    assert_eq!(r.old_id_number, m.old_id_number, "{who}");
                    Some(m)
                };
                if let Some(s) = p.spouse.as_ref().and_then(member) {
                    assert_eq!(
                        s.spouse.as_ref().and_then(|r| r.id_number.as_deref()),
                        Some(p.id_number.as_str()),
                        "{who}: spouse not symmetric"
                    );
                    assert_ne!(s.sex, p.sex, "{who}");
                    assert!((year_of(s) - year).abs() <= 12, "{who}: spouse age");
                }
                assert_eq!(
                    p.marital == MaritalStatus::Married,
                    p.spouse.is_some(),
                    "{who}: marital status"
                );
                for (parent, sex) in [(&p.father, Sex::Male), (&p.mother, Sex::Female)] {
                    if let Some(m) = parent.as_ref().and_then(member) {
                        assert_eq!(m.sex, sex, "{who}");
                        let gap = year - year_of(m);
                        assert!(
                            (20..=40).contains(&gap),
                            "{who}: parent {} born {gap} years earlier",
                            m.id_number
                        );
                    }
                }
                if let Some(f) = p.father.as_ref().and_then(member) {
                    assert_eq!(
                        p.family, f.family,
                        "{who}: children take the father's family name"
                    );
                }
                let age = age_on_reference(&p.birth_date).expect("a date");
                if age < 14 {
                    let rep = p
                        .representative
                        .as_ref()
                        .expect("minors have a representative");
                    let parent_ids: Vec<Option<&str>> = [&p.father, &p.mother]
                        .iter()
                        .map(|r| r.as_ref().and_then(|r| r.id_number.as_deref()))
                        .collect();
                    assert!(
                        parent_ids.contains(&rep.id_number.as_deref()),
                        "{who}: representative is a parent"
                    );
                    assert!(member(rep).is_some());
                    assert!(p.portal_level.is_none());
                } else {
                    assert!(p.representative.is_none(), "{who}");
                }
            }
        }
    }

    // --- administrative units ---------------------------------------------------

    #[test]
    fn there_are_34_current_and_63_legacy_provinces_with_unique_codes() {
        let units = admin_units();
        assert_eq!(units.current.len(), 34);
        assert_eq!(units.legacy.len(), 63);
        let current: HashSet<&str> = units.current.iter().map(|p| p.code.as_str()).collect();
        let legacy: HashSet<&str> = units.legacy.iter().map(|p| p.code.as_str()).collect();
        assert_eq!(current.len(), 34);
        assert_eq!(legacy.len(), 63);
        for p in &units.legacy {
            assert!(
                current.contains(p.merged_into.as_str()),
                "{} merged into {}",
                p.name,
                p.merged_into
            );
            assert!((2..=4).contains(&p.districts.len()), "{}", p.name);
        }
        // Every current province is made of at least one legacy province.
        for c in &units.current {
            assert!(
                units.legacy.iter().any(|l| l.merged_into == c.code),
                "{}",
                c.name
            );
            assert!(!c.wards.is_empty(), "{}", c.name);
        }
        // Eleven provinces were not merged.
        let unchanged = units
            .current
            .iter()
            .filter(|c| {
                units
                    .legacy
                    .iter()
                    .filter(|l| l.merged_into == c.code)
                    .count()
                    == 1
            })
            .count();
        assert_eq!(unchanged, 11);
    }

    #[test]
    fn known_province_codes_and_merges() {
        let index = admin_index();
        let name = |code: &str| index.province(code).map(|p| p.name.as_str());
        assert_eq!(name("01"), Some("Thành phố Hà Nội"));
        assert_eq!(name("79"), Some("Thành phố Hồ Chí Minh"));
        assert_eq!(name("31"), Some("Thành phố Hải Phòng"));
        assert_eq!(name("46"), Some("Thành phố Huế"));
        assert_eq!(name("48"), Some("Thành phố Đà Nẵng"));
        assert_eq!(name("92"), Some("Thành phố Cần Thơ"));
        let merged = |code: &str| {
            admin_units()
                .legacy
                .iter()
                .find(|l| l.code == code)
                .map(|l| l.merged_into.as_str())
        };
        assert_eq!(merged("17"), Some("25"), "Hòa Bình → Phú Thọ");
        assert_eq!(merged("58"), Some("56"), "Ninh Thuận → Khánh Hòa");
        assert_eq!(merged("30"), Some("31"), "Hải Dương → Hải Phòng");
        assert_eq!(merged("74"), Some("79"), "Bình Dương → Hồ Chí Minh");
        assert_eq!(merged("77"), Some("79"));
        assert_eq!(merged("02"), Some("08"), "Hà Giang → Tuyên Quang");
        assert_eq!(
            index.legacy_province("17").map(|p| p.name.as_str()),
            Some("Tỉnh Hòa Bình")
        );
    }

    #[test]
    fn wards_are_unique_and_every_legacy_ward_maps_to_one_current_ward() {
        let units = admin_units();
        let index = admin_index();
        let mut codes = HashSet::new();
        let mut legacy_count = 0;
        for p in &units.legacy {
            let mut district_codes = HashSet::new();
            for d in &p.districts {
                assert!(digits(&d.code, 3));
                assert!(district_codes.insert(&d.code));
                assert!((3..=6).contains(&d.wards.len()), "{} {}", p.name, d.name);
                let names: HashSet<&str> = d.wards.iter().map(|w| w.name.as_str()).collect();
                assert_eq!(names.len(), d.wards.len(), "{} {}", p.name, d.name);
                for w in &d.wards {
                    assert!(digits(&w.code, 5), "{}", w.code);
                    assert!(codes.insert(w.code.clone()), "ward code {} twice", w.code);
                    assert!(is_nfc(&w.name) && is_nfc(&d.name));
                    let current = index.current_of_legacy(&w.code).expect("legacy ward maps");
                    let info = index.ward(current).expect("current ward exists");
                    assert_eq!(info.province.code, p.merged_into);
                    assert!(
                        info.legacy
                            .iter()
                            .any(|l| l.ward == *w && l.district.code == d.code)
                    );
                    legacy_count += 1;
                }
            }
        }
        let mut current_count = 0;
        for c in &units.current {
            let names: HashSet<&str> = c.wards.iter().map(|w| w.name.as_str()).collect();
            assert_eq!(
                names.len(),
                c.wards.len(),
                "duplicate ward names in {}",
                c.name
            );
            for w in &c.wards {
                assert!(digits(&w.code, 5));
                assert!(codes.insert(w.code.clone()), "ward code {} twice", w.code);
                assert!(is_nfc(&w.name));
                assert!(
                    ["Phường ", "Xã ", "Đặc khu "]
                        .iter()
                        .any(|k| w.name.starts_with(k)),
                    "{}",
                    w.name
                );
                let info = index.ward(&w.code).expect("indexed");
                assert!((1..=3).contains(&info.legacy.len()));
                assert_eq!(info.ward, *w);
                assert_eq!(info.province.code, c.code);
                let (province, ward, legacy) = index.resolve(&w.code).expect("resolves");
                assert_eq!((province.code.as_str(), &ward), (c.code.as_str(), w));
                assert_eq!(legacy, info.legacy[0]);
                current_count += 1;
            }
        }
        assert!(legacy_count > current_count);
        assert_eq!(index.ward_codes().count(), current_count);
        assert!(index.ward("99999").is_none());
    }

    #[test]
    fn hand_written_wards_are_there() {
        let find = |province: &str, name: &str| {
            admin_units()
                .current
                .iter()
                .find(|p| p.code == province)
                .is_some_and(|p| p.wards.iter().any(|w| w.name == name))
        };
        assert!(find("79", "Phường Bến Thành"));
        assert!(find("79", "Phường Sài Gòn"));
        assert!(find("01", "Phường Hoàn Kiếm"));
        assert!(find("31", "Đặc khu Cát Hải"));
        assert!(
            find("25", "Phường Hòa Bình"),
            "Hòa Bình's wards are in Phú Thọ now"
        );
        assert!(
            find("56", "Phường Phan Rang"),
            "Ninh Thuận's wards are in Khánh Hòa now"
        );
        let w = admin_index()
            .ward(&ward_named("01", "Phường Hoàn Kiếm"))
            .expect("exists");
        assert_eq!(w.legacy[0].district.name, "Quận Hoàn Kiếm");
        assert_eq!(w.legacy[0].province.name, "Thành phố Hà Nội");
    }

    #[test]
    fn admin_units_are_the_same_every_time() {
        let json = serde_json::to_string(admin_units()).expect("serialises");
        let again = serde_json::to_string(&build_admin().units).expect("serialises");
        assert_eq!(json, again);
    }

    #[test]
    fn code_tables() {
        let e = ethnicities();
        assert_eq!(e.version, CODE_TABLE_VERSION);
        assert_eq!(e.items.len(), 55);
        for (i, item) in e.items.iter().enumerate() {
            assert_eq!(item.code, format!("{:02}", i + 1));
            assert!(is_nfc(&item.name));
        }
        assert_eq!(ethnicity_name("01"), Some("Kinh"));
        assert_eq!(ethnicity_name("05"), Some("Khơ-me"));
        assert_eq!(ethnicity_name("08"), Some("HMông"));
        assert_eq!(ethnicity_name("53"), Some("Ơ Đu"));
        assert_eq!(ethnicity_name("55"), Some("Người nước ngoài"));
        let r = religions();
        let codes: HashSet<&str> = r.items.iter().map(|i| i.code.as_str()).collect();
        assert_eq!(codes.len(), r.items.len());
        assert!(
            r.items
                .iter()
                .all(|i| digits(&i.code, 2) && is_nfc(&i.name))
        );
        assert_eq!(religion_name("00"), Some("Không"));
        assert_eq!(religion_name("02"), Some("Công giáo"));
        assert!(r.items.len() >= 17);
    }

    // --- people -------------------------------------------------------------------

    #[test]
    fn fixtures_come_first_with_the_documented_values() {
        let pop = collect(200, 7);
        check_population(&pop, 200);
        assert_eq!(pop[..3].to_vec(), fixtures());
        let (a, pa) = &pop[0];
        let (b, pb) = &pop[1];
        let (c, pc) = &pop[2];
        assert_eq!((a.id, b.id, c.id), (1, 2, 3));
        assert_eq!(pop[3].0.id, 4);

        // A: Thành phố Hồ Chí Minh.
        assert_eq!(
            admin_index()
                .ward(&a.ward)
                .map(|w| w.province.code.as_str()),
            Some("79")
        );
        let head = &pa[0];
        assert_eq!(head.id_number, "079192019782");
        assert_eq!(head.full_name(), "Lê Thị Thu Hà");
        assert_eq!(
            (head.sex, head.birth_date.as_str()),
            (Sex::Female, "1992-05-14")
        );
        assert_eq!(head.portal_level, Some(2));
        assert_eq!(pa[1].relation, "Chồng");
        assert_eq!(pa[1].full_name(), "Phạm Quốc Bảo");
        assert_eq!(pa[1].old_id_number.as_deref(), Some("183456789"));
        assert_eq!(pa.len(), 4);
        assert!(pa.iter().filter(|p| p.relation == "Con").count() == 2);
        assert!(pa.iter().any(|p| year_of(p) >= 2000));

        // B: Hà Nội.
        assert_eq!(
            admin_index()
                .ward(&b.ward)
                .map(|w| w.province.code.as_str()),
            Some("01")
        );
        assert_eq!(pb[0].full_name(), "Nguyễn Văn Hùng");
        assert_eq!(pb[0].old_id_number.as_deref(), Some("013579246"));
        assert_eq!(&pb[0].birth_date[..3], "197");
        let son = pb
            .iter()
            .find(|p| p.id_number == "001200017187")
            .expect("the seed example");
        assert_eq!(
            (son.sex, &son.birth_date[..4], son.relation.as_str()),
            (Sex::Male, "2000", "Con")
        );
        assert_eq!(son.full_name(), "Nguyễn Đức Minh");
        assert_eq!(
            son.father.as_ref().and_then(|f| f.id_number.as_deref()),
            Some(pb[0].id_number.as_str())
        );
        let grandmother = &pb[3];
        assert_eq!(
            (
                grandmother.relation.as_str(),
                grandmother.birth_date.as_str()
            ),
            ("Mẹ", "1946")
        );
        assert_eq!(grandmother.full_name(), "Phạm Thị Nhàn");

        // C: Hải Phòng.
        assert_eq!(
            admin_index()
                .ward(&c.ward)
                .map(|w| w.province.code.as_str()),
            Some("31")
        );
        assert_eq!(pc.len(), 5);
        assert!(pc.iter().any(|p| p.portal_level == Some(2)));
        assert!(pc.iter().any(|p| p.portal_level.is_none()));
        assert_eq!(pc[0].full_name(), "Vũ Văn Thắng");
        assert_eq!(pc[1].portal_level, None);
        assert_ne!(
            pc[2].current_ward, pc[2].permanent_ward,
            "one member lives elsewhere"
        );

        let ids: Vec<&str> = pop[..3]
            .iter()
            .flat_map(|(_, p)| p.iter().map(|p| p.id_number.as_str()))
            .collect();
        assert_eq!(ids, FIXTURE_IDS);
        assert_eq!(ids.len(), FIXTURE_PEOPLE);
    }

    #[test]
    fn the_tester_doc_matches_the_fixtures() {
        let doc = include_str!("../../docs/demo-citizens.md");
        for (h, people) in fixtures() {
            assert!(doc.contains(&format!("**{}**", h.book_number)));
            let ward = admin_index().ward(&h.ward).expect("exists");
            assert!(doc.contains(&format!("{} ({})", ward.ward.name, ward.ward.code)));
            assert!(doc.contains(&h.detail));
            for p in &people {
                let date = match p.birth_date.split('-').collect::<Vec<_>>()[..] {
                    [y, m, d] => format!("{d}/{m}/{y}"),
                    _ => p.birth_date.clone(),
                };
                let sex = if p.sex == Sex::Male { "Nam" } else { "Nữ" };
                let cmnd = p
                    .old_id_number
                    .as_ref()
                    .map_or("—".to_owned(), |o| format!("`{o}`"));
                let portal = p
                    .portal_level
                    .map_or("none".to_owned(), |l| format!("level {l}"));
                let row = format!(
                    "| `{}` | {cmnd} | {} | {sex} | {date}",
                    p.id_number,
                    p.full_name()
                );
                let line = doc.lines().find(|l| l.starts_with(&row));
                let line = line.unwrap_or_else(|| panic!("no row for {row}"));
                assert!(
                    line.ends_with(&format!("| {} | {portal} |", p.relation)),
                    "{line}"
                );
            }
        }
        for id in OUTSIDER_IDS.iter().chain(OUTSIDER_OLD_IDS) {
            assert!(doc.contains(&format!("`{id}`")), "{id}");
        }
        assert!(doc.contains(UNLICENSED_SAMPLE_CODE));
    }

    #[test]
    fn small_populations_have_no_fixtures_but_keep_the_rules() {
        for n in [0, 1, 5, 12] {
            let pop = collect(n, 3);
            check_population(&pop, n);
            assert!(pop.iter().all(|(_, p)| {
                p.iter()
                    .all(|p| !FIXTURE_IDS.contains(&p.id_number.as_str()))
            }));
        }
        let pop = collect(FIXTURE_PEOPLE, 3);
        assert_eq!(pop.len(), 3);
    }

    #[test]
    fn outsiders_are_never_generated_and_fixtures_appear_once() {
        let mut seen_fixtures = 0;
        let mut count = 0;
        generate_people(50_000, 2025, |_, people| {
            for p in &people {
                count += 1;
                assert!(!OUTSIDER_IDS.contains(&p.id_number.as_str()));
                if let Some(old) = &p.old_id_number {
                    assert!(!OUTSIDER_OLD_IDS.contains(&old.as_str()));
                }
                if FIXTURE_IDS.contains(&p.id_number.as_str()) {
                    seen_fixtures += 1;
                }
            }
        });
        assert_eq!(count, 50_000);
        assert_eq!(seen_fixtures, FIXTURE_IDS.len());
        for id in OUTSIDER_IDS {
            assert!(digits(id, 12));
            assert!(admin_index().legacy_province(&id[1..3]).is_some());
        }
    }

    #[test]
    fn reserved_numbers_are_skipped_by_the_mint() {
        // Drive one prefix through a whole million: every reserved number in it is skipped.
        let mut mint = Mint::new(1);
        let mut n = 0;
        while let Some(id) = mint.cccd(79, Sex::Female, 1992) {
            assert_ne!(id, "079192019782");
            n += 1;
        }
        assert_eq!(n, 999_999, "one number of the prefix is a fixture");
    }

    #[test]
    fn permute_is_a_permutation() {
        let mut seen = vec![false; 1000];
        for x in 0..1000 {
            let y = usize::try_from(permute(x, 1000, 10, 42)).expect("small");
            assert!(!seen[y]);
            seen[y] = true;
        }
    }

    #[test]
    fn the_population_looks_like_vietnam() {
        let pop = collect(30_000, 11);
        check_population(&pop, 30_000);
        let people: Vec<&Person> = pop.iter().flat_map(|(_, p)| p).collect();
        let share = |f: &dyn Fn(&Person) -> bool, of: &dyn Fn(&Person) -> bool| {
            let total = people.iter().filter(|p| of(p)).count();
            ratio(people.iter().filter(|p| of(p) && f(p)).count(), total)
        };
        let all = |_: &Person| true;
        let nguyen = share(&|p| p.family == "Nguyễn", &all);
        assert!((0.28..0.45).contains(&nguyen), "Nguyễn {nguyen}");
        let kinh = share(&|p| p.ethnicity == "01", &all);
        assert!((0.75..0.95).contains(&kinh), "Kinh {kinh}");
        let no_religion = share(&|p| p.religion == "00", &all);
        assert!(
            (0.6..0.9).contains(&no_religion),
            "no religion {no_religion}"
        );
        let adult = |p: &Person| age_on_reference(&p.birth_date).is_some_and(|a| a >= 18);
        let portal = share(&|p| p.portal_level.is_some(), &adult);
        assert!((0.3..0.5).contains(&portal), "portal {portal}");
        let cmnd = share(&|p| p.old_id_number.is_some(), &|p| year_of(p) < 1990);
        assert!((0.6..0.8).contains(&cmnd), "CMND {cmnd}");
        let moved = share(&|p| p.current_ward != p.permanent_ward, &all);
        assert!((0.03..0.2).contains(&moved), "moved {moved}");
        let year_only = people.iter().filter(|p| p.birth_date.len() == 4).count();
        assert!(year_only > 0);
        let mean = ratio(30_000, pop.len());
        assert!((2.8..4.2).contains(&mean), "household size {mean}");
        for size in 1..=7 {
            assert!(
                pop.iter().any(|(_, p)| p.len() == size),
                "no household of {size}"
            );
        }
        for relation in [
            "Vợ", "Chồng", "Con", "Con dâu", "Con rể", "Cháu", "Bố", "Mẹ", "Em",
        ] {
            assert!(
                people.iter().any(|p| p.relation == relation),
                "no {relation}"
            );
        }
        let ethnic_groups: HashSet<&str> = people.iter().map(|p| p.ethnicity.as_str()).collect();
        assert!(ethnic_groups.len() > 15);
        let minors = people.iter().filter(|p| p.representative.is_some()).count();
        assert!(minors > 1000);
        let women_with_thi = share(&|p| p.middle.starts_with("Thị"), &|p| {
            p.sex == Sex::Female
        });
        assert!((0.2..0.6).contains(&women_with_thi), "Thị {women_with_thi}");
    }

    #[test]
    fn people_serialise_compactly_and_round_trip() {
        let pop = collect(40, 5);
        for (h, people) in &pop {
            let json = serde_json::to_string(h).expect("serialises");
            assert_eq!(
                &serde_json::from_str::<Household>(&json).expect("parses"),
                h
            );
            for p in people {
                let json = serde_json::to_string(p).expect("serialises");
                assert!(!json.contains("null"), "{json}");
                assert_eq!(&serde_json::from_str::<Person>(&json).expect("parses"), p);
            }
        }
    }

    #[test]
    fn expand_fills_the_twenty_fields() {
        let fx = fixtures();
        let (b, pb) = &fx[1];
        let son = &pb[2];
        let r = expand(son, Some(&pb[0]), Some(&b.book_number));
        assert_eq!(r.id_number, "001200017187");
        assert_eq!(r.full_name.full(), "Nguyễn Đức Minh");
        assert_eq!(r.ethnicity.name, "Kinh");
        assert_eq!(r.religion.name, "Không");
        assert_eq!(r.nationality.code, "VN");
        assert_eq!(r.nationality.name, "Việt Nam");
        assert_eq!(r.permanent_address.province.name, "Thành phố Hà Nội");
        assert_eq!(r.permanent_address.ward.name, "Phường Hoàn Kiếm");
        assert_eq!(r.permanent_address.detail, "Số 46 phố Hàng Đào");
        let legacy = r.permanent_address.legacy.as_ref().expect("legacy form");
        assert_eq!(legacy.district.name, "Quận Hoàn Kiếm");
        assert_eq!(r.current_address, r.permanent_address);
        assert_eq!(r.home_town.ward.name, "Xã Đông Anh");
        assert_eq!(r.birth_registration_place.province.code, "01");
        let head = r.household_head.as_ref().expect("head");
        assert_eq!(
            (head.relation.as_str(), head.full_name.as_str()),
            ("Con", "Nguyễn Văn Hùng")
        );
        assert_eq!(head.old_id_number.as_deref(), Some("013579246"));
        assert_eq!(r.household_book_number.as_deref(), Some("010285714"));
        assert_eq!(
            r.father.as_ref().map(|f| f.full_name.as_str()),
            Some("Nguyễn Văn Hùng")
        );
        assert_eq!(
            r.mother.as_ref().and_then(|m| m.id_number.as_deref()),
            Some("036175002468")
        );
        assert!(r.spouse.is_none() && r.representative.is_none());

        // The head's record names the head; household members share the legacy ward.
        let head_record = expand(&pb[0], Some(&pb[0]), Some(&b.book_number));
        assert_eq!(
            head_record.household_head.map(|h| h.relation),
            Some("Chủ hộ".to_owned())
        );
        assert_eq!(head_record.permanent_address, r.permanent_address);
        assert_eq!(head_record.marital_status, MaritalStatus::Married);

        // A minor names their representative; the grandmother has a year-only birth date.
        let (_, pa) = &fx[0];
        let child = expand(&pa[2], Some(&pa[0]), None);
        assert_eq!(
            child.representative.map(|r| r.full_name),
            Some("Phạm Quốc Bảo".to_owned())
        );
        assert_eq!(
            child.permanent_address.province.name,
            "Thành phố Hồ Chí Minh"
        );
        assert_eq!(expand(&pb[3], None, None).birth_date, "1946");

        // Unknown codes do not panic.
        let mut odd = son.clone();
        odd.current_ward = "99999".to_owned();
        odd.ethnicity = "77".to_owned();
        let r = expand(&odd, None, None);
        assert_eq!(r.current_address.ward.code, "99999");
        assert_eq!(r.ethnicity.code, "77");
    }

    #[test]
    fn every_generated_record_expands_with_names() {
        let pop = collect(500, 9);
        for (h, people) in &pop {
            for p in people {
                let r = expand(p, Some(&people[0]), Some(&h.book_number));
                for a in [
                    &r.birth_registration_place,
                    &r.home_town,
                    &r.permanent_address,
                    &r.current_address,
                ] {
                    assert!(!a.province.name.is_empty() && !a.ward.name.is_empty());
                    assert!(a.legacy.is_some());
                }
                assert!(!r.ethnicity.name.is_empty() && !r.religion.name.is_empty());
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(32))]

        #[test]
        fn any_seed_gives_a_valid_population(seed in any::<u64>(), n in 0usize..400) {
            let pop = collect(n, seed);
            check_population(&pop, n);
        }

        #[test]
        fn the_same_seed_gives_the_same_people(seed in any::<u64>(), n in 0usize..200) {
            prop_assert_eq!(collect(n, seed), collect(n, seed));
        }

        #[test]
        fn different_seeds_give_different_people(seed in any::<u64>()) {
            let a = collect(100, seed);
            let b = collect(100, seed.wrapping_add(1));
            prop_assert_eq!(&a[..3], &b[..3]);
            prop_assert_ne!(&a[3..], &b[3..]);
        }

        #[test]
        fn catalogues_are_deterministic_and_well_formed(seed in any::<u64>(), n in 14usize..300) {
            let c = catalogue(n, seed);
            prop_assert_eq!(&c, &catalogue(n, seed));
            check_catalogue(&c, n);
        }
    }

    #[test]
    #[ignore = "timing: run by hand with --release"]
    fn a_million_people_in_a_few_seconds() {
        let start = std::time::Instant::now();
        let mut people = 0;
        let mut households = 0;
        generate_people(1_000_000, 1, |_, p| {
            people += p.len();
            households += 1;
        });
        let elapsed = start.elapsed();
        eprintln!("1,000,000 people in {households} households: {elapsed:?}");
        assert_eq!(people, 1_000_000);
        assert!(elapsed.as_secs() < 10);
    }

    // --- catalogue ------------------------------------------------------------------

    fn check_catalogue(c: &[ProcedureRecord], n: usize) {
        assert_eq!(c.len(), n.max(14));
        let codes: HashSet<&str> = c.iter().map(|r| r.code.as_str()).collect();
        assert_eq!(codes.len(), c.len(), "codes are unique");
        for r in c {
            assert!(!r.channels.is_empty());
            assert_eq!(r.channels[0].channel, 1);
            let desk = &r.channels[0];
            let mut seen = HashSet::new();
            for ch in &r.channels {
                assert!((1..=3).contains(&ch.channel));
                assert!(seen.insert(ch.channel));
                assert!(ch.days <= desk.days);
                assert_eq!(ch.charges_fee, desk.charges_fee);
                assert!(ch.fee <= desk.fee && ch.charge <= desk.charge);
            }
            assert!((1..=5).contains(&r.components.len()), "{}", r.code);
            assert!(r.components[0].name.contains("(theo mẫu)"));
            let names: HashSet<&str> = r.components.iter().map(|c| c.name.as_str()).collect();
            assert_eq!(names.len(), r.components.len());
            assert!((1..=3).contains(&r.legal_basis.len()), "{}", r.code);
            for text in r
                .legal_basis
                .iter()
                .chain(r.components.iter().map(|c| &c.name))
            {
                assert!(is_nfc(text));
            }
        }
    }

    #[test]
    fn the_catalogue_starts_with_the_sample_verbatim() {
        let c = catalogue(2000, 42);
        check_catalogue(&c, 2000);
        let sample = catalogue::sample();
        for (record, p) in c.iter().zip(&sample) {
            assert_eq!(&record.to_procedure(), p);
        }
        let unlicensed: Vec<&str> = c[..14]
            .iter()
            .filter(|r| !r.population_lookup)
            .map(|r| r.code.as_str())
            .collect();
        assert_eq!(unlicensed, [UNLICENSED_SAMPLE_CODE]);
        assert_eq!(c[9].field, "Thuế");
        let generated = catalogue::generate(2000 - 14, 42);
        for (record, p) in c[14..].iter().zip(&generated) {
            assert_eq!(&record.to_procedure(), p);
        }
        let lookup = ratio(c.iter().filter(|r| r.population_lookup).count(), 2000);
        assert!((0.85..0.95).contains(&lookup), "{lookup}");
        let online = ratio(
            c.iter()
                .filter(|r| r.channels.iter().any(|ch| ch.channel == 2))
                .count(),
            2000,
        );
        assert!((0.62..0.78).contains(&online), "{online}");
        let post = ratio(
            c.iter()
                .filter(|r| r.channels.iter().any(|ch| ch.channel == 3))
                .count(),
            2000,
        );
        assert!((0.32..0.48).contains(&post), "{post}");
        assert!(c.iter().any(|r| {
            r.legal_basis
                .iter()
                .any(|l| l == "Luật Thư viện số 46/2019/QH14")
        }));
        // The sample's extra data does not depend on the seed.
        assert_eq!(catalogue(14, 1), catalogue(14, 2));
        assert_eq!(catalogue(3, 1).len(), 14);
    }
}
