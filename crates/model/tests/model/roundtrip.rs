//! Any valid model written out and read back is equal; so is every preset.

use ave_model::presets::PRESETS;
use ave_model::*;
use proptest::prelude::*;

use crate::common::model;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn any_valid_model_written_as_toml_reads_back_equal(m in model()) {
        let valid = ValidModel::new(m.clone());
        prop_assert!(valid.is_ok(), "generated model is invalid: {:?}", valid.err());
        let text = toml::to_string(&m).expect("serialises");
        let back = ave_model::parse::parse("rt.toml", text.as_bytes());
        prop_assert_eq!(back.as_ref().ok(), Some(&m), "text:\n{}\nerror: {:?}", text, back.as_ref().err());
    }

    #[test]
    fn any_valid_model_written_as_json_reads_back_equal(m in model()) {
        let json = serde_json::to_string(&m).expect("serialises");
        let back: Model = serde_json::from_str(&json).expect("parses");
        prop_assert_eq!(back, m);
    }
}

#[test]
fn every_preset_reads_back_equal_after_writing() {
    for p in PRESETS {
        let model = ave_model::presets::load(p.name)
            .expect("valid")
            .model()
            .clone();
        let text = toml::to_string(&model).expect("serialises");
        let back = ave_model::parse::parse("rt.toml", text.as_bytes()).expect("parses");
        assert_eq!(back, model, "{}", p.name);
    }
}
