//! Memory of a replayed case (issue target: replaying 100,000 events stays under 100 MB).
//! A counting allocator measures the heap the replay allocates and keeps (the case), apart
//! from the history it reads; the process's peak resident memory is printed too.
//!
//! Run: `cargo bench -p ave-engine --bench replay_memory`

mod support;

use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<std::alloc::System> = &INSTRUMENTED_SYSTEM;

fn peak_resident_kb() -> u64 {
    let text = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    text.lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn mb(bytes: usize) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn main() {
    // Arguments criterion would take (`--bench`) are accepted and ignored.
    let model = support::model();
    for n in [1_000usize, 10_000, 100_000] {
        let (_, events) = support::history(&model, n);
        let region = Region::new(GLOBAL);
        let case = ave_engine::Case::replay(&events).expect("replays");
        let stats = region.change();
        let held = stats
            .bytes_allocated
            .saturating_sub(stats.bytes_deallocated);
        println!(
            "replay_memory/{n}: the replayed case holds {:.1} MB ({} allocations during replay, {:.1} MB allocated in all); process peak {:.1} MB",
            mb(held),
            stats.allocations,
            mb(stats.bytes_allocated),
            peak_resident_kb() as f64 / 1024.0
        );
        drop(case);
    }
}
