//! The comparison names every field that differs. The property changes one field of a
//! generated model at a time and knows which one it changed (the test walks the data
//! itself; it does not ask the diff where to look), so the diff cannot pass by agreeing
//! with itself. Also the cases of issue 9 that once reported "0 verschillen".

use ave_model::Model;
use ave_model::diff::diff;
use proptest::prelude::*;
use serde_json::Value;

use crate::common::{check_text, doc_example, model};

/// One place in a model's data: how to reach it, and the path a diff must name for it.
#[derive(Debug, Clone)]
struct Place {
    /// JSON steps: keys and indexes.
    steps: Vec<Step>,
    /// The diff path of the field (for a list without ids: the whole list).
    path: String,
    /// The key this place is under, if it is a key of a table.
    key: Option<String>,
}

#[derive(Debug, Clone)]
enum Step {
    Key(String),
    Index(usize),
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

fn has_ids(items: &[Value]) -> bool {
    !items.is_empty()
        && items
            .iter()
            .all(|v| v.get("id").and_then(Value::as_str).is_some())
}

/// Every table key and every value below `v`.
fn places(
    v: &Value,
    steps: &mut Vec<Step>,
    path: &str,
    key: Option<&str>,
    leaf_list: bool,
    out: &mut Vec<Place>,
) {
    out.push(Place {
        steps: steps.clone(),
        path: path.to_owned(),
        key: key.map(str::to_owned),
    });
    match v {
        Value::Object(o) => {
            for (k, child) in o {
                steps.push(Step::Key(k.clone()));
                let p = if leaf_list {
                    path.to_owned()
                } else {
                    join(path, k)
                };
                places(child, steps, &p, Some(k), leaf_list, out);
                steps.pop();
            }
        }
        Value::Array(items) => {
            let ids = has_ids(items);
            for (i, child) in items.iter().enumerate() {
                steps.push(Step::Index(i));
                let (p, leaf) = match child.get("id").and_then(Value::as_str) {
                    Some(id) if ids && !leaf_list => (format!("{path}[{id}]"), false),
                    // A list without ids is one value in the diff.
                    _ => (path.to_owned(), true),
                };
                places(child, steps, &p, None, leaf, out);
                steps.pop();
            }
        }
        _ => {}
    }
}

fn at<'v>(v: &'v mut Value, steps: &[Step]) -> &'v mut Value {
    steps.iter().fold(v, |v, s| match s {
        Step::Key(k) => &mut v[k.as_str()],
        Step::Index(i) => &mut v[*i],
    })
}

/// A different value of the same kind, or `None` for tables and lists.
fn changed(v: &Value) -> Option<Value> {
    Some(match v {
        Value::Bool(b) => Value::Bool(!b),
        Value::Number(n) if n.is_u64() => Value::from(n.as_u64()? + 1),
        Value::Number(n) => Value::from(n.as_f64()? + 0.5),
        Value::String(s) if s.len() == 10 && s.as_bytes().get(4) == Some(&b'-') => Value::String(
            format!("{}-{}", &s[..7], if &s[8..] == "01" { "02" } else { "01" }),
        ),
        Value::String(s) => Value::String(format!("{s}x")),
        _ => return None,
    })
}

fn is_under(path: &str, place: &str) -> bool {
    path == place
        || path
            .strip_prefix(place)
            .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
}

/// Changes every field of `m` in turn (and removes every optional key) and checks that the
/// diff names exactly that field. Returns how many changes were tried.
fn every_field_is_named(m: &Model, every: usize) -> Result<usize, TestCaseError> {
    let original = serde_json::to_value(m).expect("json");
    let mut all = Vec::new();
    places(&original, &mut Vec::new(), "", None, false, &mut all);
    let mut tried = 0;
    for (n, place) in all.iter().enumerate() {
        if n % every != 0 {
            continue;
        }
        let mut variants = Vec::new();
        if let Some(new) = changed(at(&mut original.clone(), &place.steps)) {
            let mut v = original.clone();
            *at(&mut v, &place.steps) = new;
            variants.push(v);
        }
        if let (Some(key), Some((Step::Key(_), parent))) = (&place.key, place.steps.split_last()) {
            let mut v = original.clone();
            if let Some(o) = at(&mut v, parent).as_object_mut() {
                o.remove(key);
                variants.push(v);
            }
        }
        for v in variants {
            let Ok(other) = serde_json::from_value::<Model>(v) else {
                continue; // not a valid model any more (an enum value, a date)
            };
            if &other == m {
                continue;
            }
            tried += 1;
            let d = diff(m, &other);
            prop_assert!(
                !d.changes.is_empty(),
                "{} changed but the diff is empty",
                place.path
            );
            // An item's own id (not `model.id`): a new id is another item.
            let renamed = place.key.as_deref() == Some("id") && place.path.ends_with("].id");
            for c in &d.changes {
                let ok = if renamed {
                    // The old item only in A, the new one only in B.
                    let list = place.path.rsplit_once('[').map_or("", |(l, _)| l);
                    c.path.starts_with(&format!("{list}["))
                } else {
                    is_under(&c.path, &place.path)
                };
                prop_assert!(ok, "changed {} but the diff names {}", place.path, c.path);
            }
            prop_assert_eq!(d.differences(), d.changes.len());
        }
    }
    Ok(tried)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn changing_any_one_field_of_a_model_is_named_by_the_diff(m in model()) {
        let tried = every_field_is_named(&m, 1)?;
        prop_assert!(tried > 20, "only {} changes tried", tried);
    }
}

#[test]
fn changing_fields_of_every_preset_is_named_by_the_diff() {
    for p in ave_model::presets::PRESETS {
        let m = ave_model::presets::load(p.name).expect("valid");
        let tried = every_field_is_named(m.model(), 11).expect("named");
        assert!(tried > 40, "{}: {tried}", p.name);
    }
}

fn example_with(find: &str, replace: &str) -> Model {
    let text = doc_example();
    assert_eq!(text.matches(find).count(), 1, "{find}");
    let report = check_text(&text.replacen(find, replace, 1));
    assert!(report.is_valid(), "{:#?}", report.diagnostics);
    report.model.expect("model")
}

#[test]
fn the_differences_issue_9_found_missing_are_named() {
    let base = check_text(&doc_example()).model.expect("model");
    for (find, replace, path) in [
        (
            "consult = [\n  \"adviseur-oov\",",
            "consult = [\n  \"adviseur-oov\", \"consulent\",",
            "transitions[2-naar-3].consult",
        ),
        (
            "evaluation_days = 90",
            "evaluation_days = 30",
            "phases[2].norms.evaluation_days",
        ),
        (
            "from_phase = \"2\"",
            "from_phase = \"3\"",
            "rules.casusregie_required.from_phase",
        ),
        (
            "name = \"Consulent sociaal team\"",
            "name = \"Consulent\"",
            "functions[consulent].name",
        ),
        (
            "version = \"2025.1\"",
            "version = \"2025.2\"",
            "model.version",
        ),
        (
            "valid_from = 2025-01-01",
            "valid_from = 2025-07-01",
            "model.valid_from",
        ),
    ] {
        let other = example_with(find, replace);
        let d = diff(&base, &other);
        let names: Vec<&str> = d.changes.iter().map(|c| c.path.as_str()).collect();
        assert_eq!(names, vec![path], "{find}");
        assert!(d.text().contains(&format!("≠ {path}")), "{}", d.text());
        assert!(d.text().contains("(1 verschil)"), "{}", d.text());
        assert!(d.markdown().contains(&format!("`{path}`")));
    }
}

#[test]
fn the_json_of_a_difference_carries_both_values_as_data() {
    let base = check_text(&doc_example()).model.expect("model");
    let other = example_with("evaluation_days = 90", "evaluation_days = 30");
    let json = serde_json::to_value(diff(&base, &other)).expect("json");
    assert_eq!(json["changes"][0]["a"], 90);
    assert_eq!(json["changes"][0]["b"], 30);
}
