//! The server's memory, read from `/proc/<pid>/status` (Linux): `VmRSS`, what it holds now,
//! and `VmHWM`, the most it ever held. Sampled during a run so a report can say what the
//! server held under load.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Serialize;

/// Memory of one process, in kibibytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Memory {
    /// Resident set size now (`VmRSS`).
    pub rss_kib: u64,
    /// The peak resident set size (`VmHWM`).
    pub hwm_kib: u64,
}

/// Reads `VmRSS` and `VmHWM` of `pid`; `None` when the process is gone or this is not Linux.
pub fn read(pid: u32) -> Option<Memory> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    parse(&text)
}

/// The two fields from the text of a `/proc/<pid>/status` file.
pub fn parse(text: &str) -> Option<Memory> {
    let field = |name: &str| -> Option<u64> {
        text.lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
    };
    Some(Memory {
        rss_kib: field("VmRSS:")?,
        hwm_kib: field("VmHWM:")?,
    })
}

/// The largest `VmRSS` seen per process while sampling, and the last `VmHWM`.
#[derive(Debug, Clone, Default)]
pub struct Sampler {
    seen: Arc<Mutex<BTreeMap<u32, Memory>>>,
}

impl Sampler {
    /// Samples `pids` every `every` until the returned handle is aborted.
    pub fn start(pids: Vec<u32>, every: Duration) -> (Sampler, tokio::task::JoinHandle<()>) {
        let sampler = Sampler::default();
        let seen = sampler.seen.clone();
        let handle = tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            loop {
                tick.tick().await;
                for pid in &pids {
                    if let Some(m) = read(*pid)
                        && let Ok(mut seen) = seen.lock()
                    {
                        let e = seen.entry(*pid).or_default();
                        e.rss_kib = e.rss_kib.max(m.rss_kib);
                        e.hwm_kib = e.hwm_kib.max(m.hwm_kib);
                    }
                }
            }
        });
        (sampler, handle)
    }

    /// Forgets what was seen (between scenarios), keeping the processes.
    pub fn reset(&self) {
        if let Ok(mut seen) = self.seen.lock() {
            seen.clear();
        }
    }

    /// What was seen per process since the last reset.
    pub fn peak(&self) -> BTreeMap<u32, Memory> {
        self.seen.lock().map(|s| s.clone()).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_rss_and_hwm_from_a_status_file() {
        let text = "Name:\tave\nVmPeak:\t  900 kB\nVmHWM:\t   51234 kB\nVmRSS:\t   48000 kB\n";
        assert_eq!(
            parse(text),
            Some(Memory {
                rss_kib: 48000,
                hwm_kib: 51234
            })
        );
        assert_eq!(parse("Name:\tave\n"), None);
    }

    #[test]
    fn reads_its_own_process() {
        let m = read(std::process::id()).expect("this process has a status file");
        assert!(m.rss_kib > 0 && m.hwm_kib >= m.rss_kib);
    }
}
