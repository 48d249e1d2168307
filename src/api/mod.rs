//! motcua's backend API: the wire types (`types`), the client (`client`), and the
//! OpenAPI document that describes both (`api/openapi.json`, served at
//! `/v1/openapi.json`).

pub mod client;
pub mod service;
pub mod types;

pub use types::*;

/// The OpenAPI 3.1 document of `/v1`.
pub const OPENAPI_JSON: &str = include_str!("../../api/openapi.json");
