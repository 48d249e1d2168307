//! `api/openapi.json` agrees with the wire types in `motcua::api`: every example in it
//! deserializes into the Rust type its schema stands for, every `$ref` resolves, the
//! error codes are the Rust ones with the same statuses, and every path is under `/v1/`.

use std::collections::BTreeSet;

use motcua::api::{ApiError, ErrorCode, OPENAPI_JSON};
use serde_json::Value;

/// Deserializes one example into a Rust type; the error is serde's message.
type Check = fn(&Value) -> Result<(), String>;

fn check<T: serde::de::DeserializeOwned>(value: &Value) -> Result<(), String> {
    match serde_json::from_value::<T>(value.clone()) {
        Ok(_) => Ok(()),
        Err(error) => Err(error.to_string()),
    }
}

/// `(schema name, check)` for schemas named after their Rust type.
macro_rules! same_name {
    ($($name:ident),* $(,)?) => {
        &[$((stringify!($name), check::<motcua::api::$name> as Check)),*]
    };
}

/// Schema name → the Rust type its examples must deserialize into.
const TYPES: &[(&str, Check)] = same_name![
    ApiError,
    FieldError,
    ErrorCode,
    TokenRequest,
    TokenResponse,
    Official,
    DeviceKeyRequest,
    DeviceKeyResponse,
    ProcedurePage,
    ProcedureChange,
    ProcedureRecord,
    ChannelTerms,
    DossierComponent,
    HolidayTable,
    HolidayDay,
    HolidayKind,
    AdminUnits,
    Province,
    LegacyProvince,
    LegacyDistrict,
    CodeName,
    CodeTable,
    DocumentType,
    LookupRequest,
    LookupResponse,
    CitizenRecord,
    PersonName,
    Sex,
    MaritalStatus,
    BloodGroup,
    Address,
    LegacyAddress,
    RelatedPerson,
    HouseholdHead,
    AuditRecord,
    QueuedCheck,
    SyncKind,
    VerifyRequest,
    VerifyResponse,
    HouseholdVerifyRequest,
    PersonRef,
    HouseholdVerifyResponse,
    MemberResult,
    MemberStatus,
    DigitalIdentityRequest,
    DigitalIdentityResponse,
    ReservationRequest,
    ReservationResponse,
    SyncBatch,
    SyncItem,
    DossierRevision,
    SyncResponse,
    SyncResult,
    SyncOutcome,
    ChangePage,
    Change,
    Digest,
    ServerTime,
    Health,
];

/// Schemas for one variant of a tagged enum: each example is a whole value of the enum.
const VARIANTS: &[(&str, Check)] = &[
    (
        "TokenRequestPassword",
        check::<motcua::api::TokenRequest> as Check,
    ),
    (
        "TokenRequestRefreshToken",
        check::<motcua::api::TokenRequest> as Check,
    ),
    ("ChangeDossierStatus", check::<motcua::api::Change> as Check),
    (
        "ChangeVerificationResult",
        check::<motcua::api::Change> as Check,
    ),
    ("ChangeCatalogue", check::<motcua::api::Change> as Check),
    ("ChangeHolidays", check::<motcua::api::Change> as Check),
];

/// Schemas with no Rust type in `motcua::api` (the server's test-only fault switches).
const WITHOUT_RUST_TYPE: &[&str] = &["Faults", "Stats"];

const SCHEMAS: &str = "#/components/schemas/";

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

fn doc() -> Value {
    serde_json::from_str(OPENAPI_JSON).expect("api/openapi.json is valid JSON")
}

fn checker(name: &str) -> Option<Check> {
    TYPES
        .iter()
        .chain(VARIANTS)
        .find(|(schema, _)| *schema == name)
        .map(|&(_, check)| check)
}

/// The node a local `$ref` (`#/...`) points at.
fn pointer<'a>(doc: &'a Value, reference: &str) -> Option<&'a Value> {
    doc.pointer(reference.strip_prefix('#')?)
}

/// Follows `$ref`s until a node without one.
fn resolve<'a>(doc: &'a Value, mut node: &'a Value) -> &'a Value {
    for _ in 0..16 {
        let Some(reference) = node.get("$ref").and_then(Value::as_str) else {
            return node;
        };
        node = pointer(doc, reference).unwrap_or_else(|| panic!("unresolved $ref {reference}"));
    }
    panic!("$ref chain too long");
}

/// `example`, and every entry of `examples`: an array in a Schema Object, a map of
/// Example Objects (`value`, or a `$ref` to one) in a Media Type Object.
fn examples_of<'a>(doc: &'a Value, node: &'a Value) -> Vec<&'a Value> {
    let mut out = Vec::new();
    if let Some(example) = node.get("example") {
        out.push(example);
    }
    match node.get("examples") {
        Some(Value::Array(list)) => out.extend(list),
        Some(Value::Object(map)) => {
            for example in map.values() {
                if let Some(value) = resolve(doc, example).get("value") {
                    out.push(value);
                }
            }
        }
        _ => {}
    }
    out
}

/// `("METHOD /path", operation)` for every operation.
fn operations(doc: &Value) -> Vec<(String, &Value)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in METHODS {
            if let Some(operation) = item.get(method) {
                out.push((format!("{} {path}", method.to_uppercase()), operation));
            }
        }
    }
    out
}

#[test]
fn every_schema_example_deserializes_into_its_rust_type() {
    let doc = doc();
    let schemas = doc["components"]["schemas"]
        .as_object()
        .expect("components.schemas");
    let mut failures = Vec::new();
    let mut checked = 0;
    for (name, schema) in schemas {
        let Some(check) = checker(name) else {
            if !WITHOUT_RUST_TYPE.contains(&name.as_str()) {
                failures.push(format!(
                    "{name}: no Rust type; add it to TYPES (or VARIANTS, or WITHOUT_RUST_TYPE)"
                ));
            }
            continue;
        };
        let examples = examples_of(&doc, schema);
        if examples.is_empty() {
            failures.push(format!("{name}: no example"));
        }
        for example in examples {
            checked += 1;
            if let Err(error) = check(example) {
                failures.push(format!("{name}: {error}\n    example: {example}"));
            }
        }
    }
    for (name, _) in TYPES.iter().chain(VARIANTS) {
        if !schemas.contains_key(*name) {
            failures.push(format!("{name}: in the test's table but not a schema"));
        }
    }
    assert!(
        failures.is_empty(),
        "schema examples that do not match the Rust types:\n{}",
        failures.join("\n")
    );
    assert!(checked > 0, "no schema examples found");
}

/// Checks every Media Type Object under `node` whose schema is a named schema.
fn check_media_examples(
    doc: &Value,
    node: &Value,
    at: &str,
    checked: &mut usize,
    failures: &mut Vec<String>,
) {
    match node {
        Value::Object(map) => {
            if let Some(name) = map
                .get("schema")
                .and_then(|schema| schema.get("$ref"))
                .and_then(Value::as_str)
                .and_then(|reference| reference.strip_prefix(SCHEMAS))
            {
                for example in examples_of(doc, node) {
                    *checked += 1;
                    match checker(name) {
                        Some(check) => {
                            if let Err(error) = check(example) {
                                failures.push(format!(
                                    "{at} ({name}): {error}\n    example: {example}"
                                ));
                            }
                        }
                        None if WITHOUT_RUST_TYPE.contains(&name) => {}
                        None => failures.push(format!("{at}: schema {name} has no Rust type")),
                    }
                }
            }
            for (key, value) in map {
                check_media_examples(doc, value, &format!("{at}/{key}"), checked, failures);
            }
        }
        Value::Array(list) => {
            for (index, value) in list.iter().enumerate() {
                check_media_examples(doc, value, &format!("{at}/{index}"), checked, failures);
            }
        }
        _ => {}
    }
}

#[test]
fn every_media_type_example_deserializes_into_its_rust_type() {
    let doc = doc();
    let mut failures = Vec::new();
    let mut checked = 0;
    check_media_examples(&doc, &doc["paths"], "paths", &mut checked, &mut failures);
    for (key, value) in doc["components"].as_object().expect("components") {
        if key != "schemas" {
            check_media_examples(
                &doc,
                value,
                &format!("components/{key}"),
                &mut checked,
                &mut failures,
            );
        }
    }
    assert!(
        failures.is_empty(),
        "request and response examples that do not match the Rust types:\n{}",
        failures.join("\n")
    );
    assert!(checked > 0, "no request or response examples found");
}

#[test]
fn error_examples_carry_a_code_of_their_status() {
    let doc = doc();
    let mut failures = Vec::new();
    for (operation_name, operation) in operations(&doc) {
        let responses = operation["responses"].as_object().expect("responses");
        for (status, response) in responses {
            let expected_status = match status.parse::<u16>() {
                Ok(code) if code >= 400 => Some(code),
                Ok(_) => continue,
                Err(_) => None,
            };
            let response = resolve(&doc, response);
            let at = format!("{operation_name} {status}");
            if matches!(expected_status, Some(423 | 429))
                && response.pointer("/headers/Retry-After").is_none()
            {
                failures.push(format!("{at}: no Retry-After header"));
            }
            let Some(media) = response.pointer("/content/application~1json") else {
                failures.push(format!("{at}: no application/json body (ApiError)"));
                continue;
            };
            if media.pointer("/schema/$ref").and_then(Value::as_str)
                != Some("#/components/schemas/ApiError")
            {
                failures.push(format!("{at}: the body is not an ApiError"));
            }
            for example in examples_of(&doc, media) {
                let Ok(error) = serde_json::from_value::<ApiError>(example.clone()) else {
                    failures.push(format!("{at}: example is not an ApiError: {example}"));
                    continue;
                };
                if let Some(expected) = expected_status
                    && error.code.status() != expected
                {
                    failures.push(format!(
                        "{at}: example code {} is sent with {}",
                        error.code.as_str(),
                        error.code.status()
                    ));
                }
                if error.retryable != error.code.retryable() {
                    failures.push(format!(
                        "{at}: example code {} has retryable {}",
                        error.code.as_str(),
                        error.retryable
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "error responses that do not match ErrorCode:\n{}",
        failures.join("\n")
    );
}

fn collect_refs<'a>(node: &'a Value, out: &mut Vec<&'a str>) {
    match node {
        Value::Object(map) => {
            for (key, value) in map {
                match (key.as_str(), value) {
                    ("$ref", Value::String(reference)) => out.push(reference.as_str()),
                    // A discriminator's mapping values are references too.
                    ("mapping", Value::Object(mapping)) => {
                        out.extend(mapping.values().filter_map(Value::as_str));
                    }
                    _ => {}
                }
                collect_refs(value, out);
            }
        }
        Value::Array(list) => {
            for value in list {
                collect_refs(value, out);
            }
        }
        _ => {}
    }
}

#[test]
fn every_ref_resolves() {
    let doc = doc();
    let mut refs = Vec::new();
    collect_refs(&doc, &mut refs);
    assert!(!refs.is_empty(), "no $refs found");
    let broken: BTreeSet<&str> = refs
        .into_iter()
        .filter(|reference| pointer(&doc, reference).is_none())
        .collect();
    assert!(broken.is_empty(), "unresolved references: {broken:?}");
}

#[test]
fn error_codes_are_the_rust_ones() {
    let doc = doc();
    let schema = &doc["components"]["schemas"]["ErrorCode"];
    let in_doc: Vec<&str> = schema["enum"]
        .as_array()
        .expect("ErrorCode.enum")
        .iter()
        .map(|code| code.as_str().expect("error codes are strings"))
        .collect();
    let doc_codes: BTreeSet<&str> = in_doc.iter().copied().collect();
    let rust_codes: BTreeSet<&str> = ErrorCode::ALL.into_iter().map(ErrorCode::as_str).collect();
    assert_eq!(in_doc.len(), doc_codes.len(), "duplicate codes: {in_doc:?}");
    assert_eq!(doc_codes, rust_codes);
    for code in ErrorCode::ALL {
        assert_eq!(
            serde_json::to_value(code).expect("serialize"),
            Value::from(code.as_str()),
            "as_str and serde disagree"
        );
        assert_eq!(
            schema["x-http-status"][code.as_str()].as_u64(),
            Some(u64::from(code.status())),
            "x-http-status of {}",
            code.as_str()
        );
    }
}

#[test]
fn every_path_is_under_v1() {
    let doc = doc();
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().expect("paths");
    assert!(!paths.is_empty(), "no paths");
    let outside: Vec<&String> = paths.keys().filter(|p| !p.starts_with("/v1/")).collect();
    assert!(outside.is_empty(), "paths outside /v1/: {outside:?}");
}

#[test]
fn operations_follow_the_conventions() {
    let doc = doc();
    let mut ids = BTreeSet::new();
    let mut failures = Vec::new();
    for (name, operation) in operations(&doc) {
        let id = operation["operationId"].as_str().unwrap_or_default();
        let camel_case = id.starts_with(|c: char| c.is_ascii_lowercase())
            && id.chars().all(|c| c.is_ascii_alphanumeric());
        if !camel_case {
            failures.push(format!("{name}: operationId {id:?} is not camelCase"));
        }
        if !ids.insert(id) {
            failures.push(format!("{name}: operationId {id} is used twice"));
        }
        if !matches!(
            operation.get("x-upstream"),
            Some(Value::Null | Value::String(_))
        ) {
            failures.push(format!("{name}: x-upstream must be a service name or null"));
        }
        let public = operation
            .get("security")
            .and_then(Value::as_array)
            .is_some_and(Vec::is_empty);
        let responses = &operation["responses"];
        if responses.get("default").is_none() {
            failures.push(format!("{name}: no default (ApiError) response"));
        }
        if !public && responses.get("401").is_none() {
            failures.push(format!("{name}: signed-in route without a 401 response"));
        }
    }
    assert!(
        failures.is_empty(),
        "operations that break the conventions:\n{}",
        failures.join("\n")
    );
}
