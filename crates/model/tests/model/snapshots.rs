//! Snapshots of what people read: the summary, the poster and the comparisons.

use ave_model::presets::{self, PRESETS};

#[test]
fn show_text_of_every_preset() {
    for p in PRESETS {
        let m = presets::load(p.name).expect("valid");
        insta::assert_snapshot!(format!("show_text_{}", p.name), ave_model::render::text(&m));
    }
}

#[test]
fn show_markdown_poster_of_every_preset() {
    for p in PRESETS {
        let m = presets::load(p.name).expect("valid");
        insta::assert_snapshot!(
            format!("show_markdown_{}", p.name),
            ave_model::render::markdown(&m)
        );
    }
}

#[test]
fn diff_of_municipalities_side_by_side() {
    for (a, b) in [
        ("noord-limburg", "oss"),
        ("oss", "westerkwartier"),
        ("regio-groningen", "ave-wams-wgs"),
    ] {
        let (ma, mb) = (presets::load(a).expect("a"), presets::load(b).expect("b"));
        let d = ave_model::diff::diff(ma.model(), mb.model());
        insta::assert_snapshot!(format!("diff_text_{a}_{b}"), d.text());
        insta::assert_snapshot!(format!("diff_markdown_{a}_{b}"), d.markdown());
    }
}

#[test]
fn a_model_compared_with_itself_has_no_differences() {
    for p in PRESETS {
        let m = presets::load(p.name).expect("valid");
        assert_eq!(
            ave_model::diff::diff(m.model(), m.model()).differences(),
            0,
            "{}",
            p.name
        );
    }
}
