//! Calendars for counting working days: the Vietnamese lunar calendar and the statutory
//! public holidays computed from it.

pub mod holidays;
pub mod lunar;
pub mod office;
