//! A virtual card's holder as a JSON file (`motcua card virtual --holder FILE.json`):
//!
//! ```json
//! {
//!   "id_number": "079192019782",
//!   "surname": "Le",
//!   "given_names": "Thi Thu Ha",
//!   "birth": "1992-05-14",
//!   "sex": "F",
//!   "expiry": "2032-05-14",
//!   "details": { "full_name": "Lê Thị Thu Hà", "birth_date": "14/05/1992" }
//! }
//! ```
//!
//! `surname` and `given_names` are the MRZ's (ASCII); dates are `YYYY-MM-DD`; `expiry`
//! is `null` (or left out) for a card without one; `sex` is `M` or `F`; `details` holds
//! DG13 as the card does, with [`Dg13`]'s field names (each optional). Unknown fields,
//! at the top or in `details`, are errors, so that a misspelt name is not silently
//! dropped.

use jiff::civil::Date;
use serde::Deserialize;

use super::dg13::Dg13;
use super::mrz;
use super::virtual_card::Holder;

/// Largest holder file read.
pub const MAX_LEN: usize = 64 * 1024;

/// What is wrong with a holder file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HolderFileError {
    #[error("the file is larger than {MAX_LEN} bytes")]
    TooLarge,
    #[error("{0}")]
    Json(String),
    #[error("unknown field in details: {0}")]
    UnknownDetail(String),
    #[error("sex must be \"M\" or \"F\", not \"{0}\"")]
    Sex(char),
    #[error("the holder cannot be written as an MRZ: {0}")]
    Mrz(mrz::MrzError),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    id_number: String,
    surname: String,
    given_names: String,
    birth: Date,
    sex: char,
    expiry: Option<Date>,
    #[serde(default)]
    details: serde_json::Map<String, serde_json::Value>,
}

/// Reads a holder from the file's text.
pub fn parse(text: &str) -> Result<Holder, HolderFileError> {
    if text.len() > MAX_LEN {
        return Err(HolderFileError::TooLarge);
    }
    let file: File =
        serde_json::from_str(text).map_err(|e| HolderFileError::Json(e.to_string()))?;
    let known =
        serde_json::to_value(Dg13::default()).map_err(|e| HolderFileError::Json(e.to_string()))?;
    if let Some(unknown) = file
        .details
        .keys()
        .find(|k| known.get(k.as_str()).is_none())
    {
        return Err(HolderFileError::UnknownDetail(unknown.clone()));
    }
    let details: Dg13 = serde_json::from_value(serde_json::Value::Object(file.details))
        .map_err(|e| HolderFileError::Json(format!("details: {e}")))?;
    if !matches!(file.sex, 'M' | 'F') {
        return Err(HolderFileError::Sex(file.sex));
    }
    let holder = Holder {
        id_number: file.id_number,
        surname: file.surname,
        given_names: file.given_names,
        birth: file.birth,
        sex: file.sex,
        expiry: file.expiry,
        details,
    };
    // The card's MRZ and access key are built from these: say now what does not fit.
    mrz::build_td1(
        &holder.id_number,
        holder.birth,
        holder.sex,
        holder.expiry,
        &holder.surname,
        &holder.given_names,
    )
    .map_err(HolderFileError::Mrz)?;
    Ok(holder)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::card::virtual_card::demo_holder;

    const DEMO: &str = r#"{
        "id_number": "079192019782",
        "surname": "Le",
        "given_names": "Thi Thu Ha",
        "birth": "1992-05-14",
        "sex": "F",
        "expiry": "2032-05-14",
        "details": {
            "id_number": "079192019782",
            "full_name": "Lê Thị Thu Hà",
            "birth_date": "14/05/1992",
            "sex": "Nữ",
            "nationality": "Việt Nam",
            "ethnicity": "Kinh",
            "religion": "Không",
            "hometown": "Phường Tân Định, Thành phố Hồ Chí Minh",
            "permanent_address": "Số 25 đường Nguyễn Thị Minh Khai, Phường Bến Thành, Thành phố Hồ Chí Minh",
            "identifying_features": "Nốt ruồi C:2cm dưới trước mép trái",
            "issue_date": "10/08/2021",
            "expiry": "14/05/2032",
            "father_name": "Lê Văn Tâm",
            "mother_name": "Trần Thị Lan",
            "spouse_name": "Phạm Quốc Bảo"
        }
    }"#;

    #[test]
    fn the_demo_holder_as_a_file() {
        assert_eq!(parse(DEMO).unwrap(), demo_holder());
    }

    #[test]
    fn no_expiry_and_few_details() {
        let h = parse(
            r#"{"id_number": "001099000123", "surname": "Nguyen", "given_names": "Van An",
                "birth": "1950-01-02", "sex": "M", "expiry": null,
                "details": {"full_name": "Nguyễn Văn An", "expiry": "Không thời hạn"}}"#,
        )
        .unwrap();
        assert_eq!(h.expiry, None);
        assert_eq!(h.details.full_name.as_deref(), Some("Nguyễn Văn An"));
        assert_eq!(h.details.mother_name, None);
    }

    #[test]
    fn mistakes_are_named() {
        let with = |from: &str, to: &str| parse(&DEMO.replacen(from, to, 1));
        assert!(matches!(
            with("\"birth\": \"1992-05-14\"", "\"birth\": \"14/05/1992\""),
            Err(HolderFileError::Json(_))
        ));
        assert!(matches!(
            with("\"surname\"", "\"last_name\""),
            Err(HolderFileError::Json(e)) if e.contains("last_name")
        ));
        assert_eq!(
            with("\"mother_name\"", "\"mothers_name\""),
            Err(HolderFileError::UnknownDetail("mothers_name".into()))
        );
        assert_eq!(
            with("\"sex\": \"F\"", "\"sex\": \"X\""),
            Err(HolderFileError::Sex('X'))
        );
        assert!(matches!(
            with("\"id_number\": \"079192019782\"", "\"id_number\": \"0791\""),
            Err(HolderFileError::Mrz(_))
        ));
        assert!(matches!(
            with("\"full_name\": \"Lê Thị Thu Hà\"", "\"full_name\": 12"),
            Err(HolderFileError::Json(e)) if e.starts_with("details")
        ));
        assert_eq!(
            parse(&" ".repeat(MAX_LEN + 1)),
            Err(HolderFileError::TooLarge)
        );
        assert!(matches!(parse("[]"), Err(HolderFileError::Json(_))));
    }
}
