//! No panic on any input: malformed, huge, deeply nested or non-UTF-8 files get a clear error.

use ave_model::Code;
use proptest::prelude::*;

use crate::common::{check_text, doc_example};

fn first_code(bytes: &[u8]) -> Code {
    let report = ave_model::check("x.toml", bytes, &ave_model::NoBases);
    assert!(!report.is_valid());
    report.diagnostics[0].code
}

#[test]
fn a_huge_file_is_refused_before_parsing() {
    let huge = vec![b'#'; ave_model::parse::MAX_BYTES + 1];
    assert_eq!(first_code(&huge), Code::TooLarge);
}

#[test]
fn deep_nesting_is_refused() {
    let deep = format!("x = {}{}", "[".repeat(10_000), "]".repeat(10_000));
    assert_eq!(first_code(deep.as_bytes()), Code::TooDeep);
    let deep = format!("x = {}1{}", "{a=".repeat(5_000), "}".repeat(5_000));
    assert_eq!(first_code(deep.as_bytes()), Code::TooDeep);
}

#[test]
fn deeply_nested_conditions_are_refused_with_a_code() {
    let mut cond = "{ criterion = \"stabiel\" }".to_owned();
    for _ in 0..20 {
        cond = format!("{{ not = {cond} }}");
    }
    let text = doc_example().replacen(
        "criteria = [\"stabiel\"]\nproposers = [\"sociaal-domein\"]\ndeciders = [\"consulent\"]",
        &format!("criteria = [\"stabiel\"]\nproposers = [\"sociaal-domein\"]\ncondition = {cond}\ndeciders = [\"consulent\"]"),
        1,
    );
    let report = check_text(&text);
    assert!(
        report
            .diagnostics
            .iter()
            .any(|d| d.code == Code::BadCondition)
    );
}

#[test]
fn non_utf8_is_refused_with_its_position() {
    let mut bytes = b"[model]\nname = \"".to_vec();
    bytes.extend([0xC3, 0x28]);
    let report = ave_model::check("x.toml", &bytes, &ave_model::NoBases);
    let d = &report.diagnostics[0];
    assert_eq!(d.code, Code::NotUtf8);
    let loc = d.location.as_ref().expect("location");
    assert_eq!((loc.line, loc.column), (2, 9));
}

#[test]
fn an_empty_file_is_an_error_not_a_panic() {
    assert_eq!(first_code(b""), Code::Shape);
    assert_eq!(first_code(b"\xEF\xBB\xBF"), Code::Shape);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = ave_model::check("x.toml", &bytes, &ave_model::NoBases);
    }

    #[test]
    fn truncated_or_damaged_examples_never_panic(cut in 0usize..8000, flip in 0usize..8000, byte in any::<u8>()) {
        let mut bytes = doc_example().into_bytes();
        let flip = flip % bytes.len();
        bytes[flip] = byte;
        bytes.truncate(cut.min(bytes.len()));
        let _ = ave_model::check("x.toml", &bytes, &ave_model::NoBases);
    }
}
