//! The checked-in JSON Schema matches the types. Regenerate with
//! `cargo run -p ave-cli -- model schema > schema/ave-model.schema.json`.

#[test]
fn the_checked_in_json_schema_matches_the_types() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../schema/ave-model.schema.json"
    );
    let checked_in = std::fs::read_to_string(path).unwrap_or_default();
    let generated = ave_model::schema::json_schema();
    assert!(
        checked_in == generated,
        "schema/ave-model.schema.json is out of date; regenerate it with \
         `cargo run -p ave-cli -- model schema > schema/ave-model.schema.json`"
    );
}

#[test]
fn the_schema_forbids_unknown_keys() {
    let schema: serde_json::Value =
        serde_json::from_str(&ave_model::schema::json_schema()).expect("json");
    assert_eq!(schema["additionalProperties"], serde_json::json!(false));
    assert_eq!(
        schema["$defs"]["Phase"]["additionalProperties"],
        serde_json::json!(false)
    );
}
