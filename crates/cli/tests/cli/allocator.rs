//! The memory allocator the binary is built with, and its settings (jemalloc's; the other
//! allocators are chosen by hand and have none of ours).
#![cfg(all(feature = "jemalloc", not(target_env = "msvc")))]

use std::time::Duration;

/// jemalloc hands pages back to the system once they have been free for a second, not after
/// its default ten, and keeps one arena per CPU, not four: the settings baked in when jemalloc
/// is built (`.cargo/config.toml`, which says why). A build that loses them fails here.
/// jemalloc prints its settings at exit when asked (`stats_print`).
#[test]
fn jemalloc_hands_freed_pages_back_after_a_second_from_an_arena_per_cpu() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = crate::ave_env(
        dir.path(),
        &["--version"],
        &[("MALLOC_CONF", "stats_print:true")],
        Duration::from_secs(30),
    );
    assert!(out.status.success(), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("opt.dirty_decay_ms: 1000 (arenas.dirty_decay_ms: 1000)"),
        "{err}"
    );
    assert!(err.contains("opt.background_thread: true"), "{err}");
    assert!(err.contains("opt.percpu_arena: \"percpu\""), "{err}");
}
