//! Parse + validate of the largest preset (issue: under 1 ms).

use criterion::{Criterion, criterion_group, criterion_main};

fn parse_and_validate(c: &mut Criterion) {
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
                std::hint::black_box(largest.text.as_bytes()),
                &ave_model::presets::PresetLoader,
            );
            assert!(report.is_valid());
            report
        })
    });
    for p in ave_model::presets::PRESETS {
        c.bench_function(&format!("parse_and_validate/{}", p.name), |b| {
            b.iter(|| ave_model::presets::load(std::hint::black_box(p.name)))
        });
    }
}

criterion_group!(benches, parse_and_validate);
criterion_main!(benches);
