//! Checking and comparing models: the presets (target: the largest under 1 ms), models of
//! about a megabyte as one file and as a chain of 8 extending files (target: under 200 ms,
//! linear in size however many warnings they give), and `diff` of large models (linear).

use std::borrow::Cow;
use std::collections::HashMap;
use std::hint::black_box;

use ave_model::{Base, BaseError, BaseKind, BaseLoader, Code};
use criterion::{Criterion, criterion_group, criterion_main};

fn presets(c: &mut Criterion) {
    let largest = ave_model::presets::PRESETS
        .iter()
        .max_by_key(|p| p.text.len())
        .expect("presets");
    let name = format!(
        "parse_and_validate/{} ({} bytes)",
        largest.name,
        largest.text.len()
    );
    c.bench_function(&name, |b| {
        b.iter(|| {
            let report = ave_model::check(
                "preset",
                black_box(largest.text.as_bytes()),
                &ave_model::presets::PresetLoader,
            );
            assert!(report.is_valid());
            report
        })
    });
    for p in ave_model::presets::PRESETS {
        c.bench_function(&format!("parse_and_validate/{}", p.name), |b| {
            b.iter(|| ave_model::presets::load(black_box(p.name)))
        });
    }
}

/// `count` functions that nothing refers to (each one a W205 warning), ids from `first`.
fn unused_functions(first: usize, count: usize) -> String {
    let mut s = String::new();
    for i in first..first + count {
        s.push_str(&format!(
            "\n[[functions]]\nid = \"extra-functie-{i}\"\nname = \"Extra functie nummer {i}\"\nkind = \"gemeente\"\n"
        ));
    }
    s
}

fn header(id: &str, extends: Option<&str>) -> String {
    let mut s = format!(
        "[model]\nid = \"{id}\"\nname = \"Model {id}\"\ngemeente = \"Bench\"\nversion = \"1\"\nvalid_from = 2026-01-01\n"
    );
    if let Some(base) = extends {
        s.push_str(&format!("extends = \"{base}\"\n"));
    }
    s
}

/// Bases by name, as files (findings in them get lines).
struct Files(HashMap<String, String>);

impl BaseLoader for Files {
    fn load(&self, reference: &str, from: &str) -> Result<Base, BaseError> {
        match self.0.get(reference) {
            Some(text) => Ok(Base {
                name: reference.to_owned(),
                key: reference.to_owned(),
                bytes: Cow::Owned(text.as_bytes().to_vec()),
                kind: BaseKind::File,
            }),
            None => ave_model::presets::PresetLoader
                .load(reference, from)
                .map_err(|e| BaseError::new(Code::BaseNotFound, e.message)),
        }
    }
}

/// About `bytes` of functions per file: how many entries that takes.
fn entries_for(bytes: usize) -> usize {
    bytes / unused_functions(10_000, 1).len()
}

fn large_models(c: &mut Criterion) {
    let oss = ave_model::presets::preset("oss").expect("oss").text;
    // One file of about 1 MB: the Oss preset plus unused functions.
    let one = format!(
        "{oss}{}",
        unused_functions(0, entries_for(1_000_000 - oss.len()))
    );
    let warnings = ave_model::check("groot.toml", one.as_bytes(), &ave_model::NoBases).warnings();
    c.bench_function(
        &format!("check/one file ({} bytes, {warnings} warnings)", one.len()),
        |b| {
            b.iter(|| {
                ave_model::check("groot.toml", black_box(one.as_bytes()), &ave_model::NoBases)
            })
        },
    );

    // The case of issue 9: 400 KB extending a preset, 6,000 unused functions.
    let ext = format!(
        "{}{}",
        header("ext", Some("oss")),
        unused_functions(0, 6_000)
    );
    c.bench_function(
        &format!("check/extending oss ({} bytes, 6000 warnings)", ext.len()),
        |b| {
            b.iter(|| {
                ave_model::check(
                    "ext.toml",
                    black_box(ext.as_bytes()),
                    &ave_model::presets::PresetLoader,
                )
            })
        },
    );

    // A chain of 8 extending files of about 125 KB each on top of the Oss preset.
    let per_file = entries_for(125_000);
    let mut files = HashMap::new();
    for level in 1..8 {
        let base = if level == 7 {
            "oss".to_owned()
        } else {
            format!("laag-{}.toml", level + 1)
        };
        files.insert(
            format!("laag-{level}.toml"),
            format!(
                "{}{}",
                header(&format!("laag-{level}"), Some(&base)),
                unused_functions(level * per_file, per_file)
            ),
        );
    }
    let top = format!(
        "{}{}",
        header("top", Some("laag-1.toml")),
        unused_functions(0, per_file)
    );
    let total: usize = top.len() + files.values().map(String::len).sum::<usize>();
    let loader = Files(files);
    let report = ave_model::check("top.toml", top.as_bytes(), &loader);
    assert!(report.is_valid(), "{:?}", report.diagnostics.first());
    c.bench_function(
        &format!(
            "check/chain of 8 files ({total} bytes, {} warnings)",
            report.warnings()
        ),
        |b| b.iter(|| ave_model::check("top.toml", black_box(top.as_bytes()), &loader)),
    );
}

/// A valid model with `n` phases in a row, each with its regie table, norms and a way up
/// and down.
fn phases_model(n: usize) -> ave_model::Model {
    let mut s = header("fasen", None);
    s.push_str("\n[[functions]]\nid = \"regisseur\"\nname = \"Regisseur\"\nkind = \"gemeente\"\n");
    s.push_str("\n[[criteria]]\nid = \"nodig\"\ntext = \"Het is nodig\"\n");
    for i in 1..=n {
        s.push_str(&format!(
            "\n[[phases]]\nid = \"{i}\"\norder = {i}\ntitle = \"Fase {i}\"\nentry = {}\n\
             [phases.regie]\ncasusregie = {{ holders = [\"regisseur\"] }}\nprocesregie = {{ nvt = true }}\n\
             operationeel = {{ holders = [\"regisseur\"] }}\nbestuurlijk = {{ holders = [\"regisseur\"] }}\n\
             [phases.norms]\nevaluation_days = 30\nbasis = \"lokaal\"\n",
            i == 1
        ));
    }
    for i in 1..n {
        s.push_str(&format!(
            "\n[[transitions]]\nid = \"{i}-op\"\nfrom = \"{i}\"\nto = \"{}\"\ndirection = \"op\"\ncriteria = [\"nodig\"]\ndeciders = [\"regisseur\"]\n\
             \n[[transitions]]\nid = \"{i}-af\"\nfrom = \"{}\"\nto = \"{i}\"\ndirection = \"af\"\ncriteria = [\"nodig\"]\ndeciders = [\"regisseur\"]\n",
            i + 1,
            i + 1
        ));
    }
    // Larger than a model file may be, so read without the size limit of `check`.
    let model: ave_model::Model = toml::from_str(&s).expect("model");
    let errors: Vec<_> = ave_model::validate::validate(&model)
        .into_iter()
        .filter(|d| d.is_error())
        .take(3)
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    model
}

fn diffs(c: &mut Criterion) {
    for n in [625, 2_500, 5_000] {
        let a = phases_model(n);
        c.bench_function(&format!("diff/{n} phases with itself"), |bench| {
            bench.iter(|| ave_model::diff::diff(black_box(&a), black_box(&a)))
        });
        if n == 2_500 {
            let mut b = a.clone();
            if let Some(norms) = b.phases[n / 2].norms.as_mut() {
                norms.evaluation_days = Some(90);
            }
            c.bench_function(&format!("diff/{n} phases, one norm changed"), |bench| {
                bench.iter(|| ave_model::diff::diff(black_box(&a), black_box(&b)))
            });
        }
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = presets, large_models, diffs
}
criterion_main!(benches);
