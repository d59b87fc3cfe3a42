//! The JSON Schema of the model format, generated from the types. A checked-in copy lives
//! in `schema/ave-model.schema.json`; a test fails when the two drift apart.

/// The JSON Schema of a model file, pretty-printed, with a trailing newline.
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(crate::types::Model);
    let mut s = serde_json::to_string_pretty(&schema).unwrap_or_default();
    s.push('\n');
    s
}
