//! Closed-loop clients. Each client runs its scenario's step again and again — send, wait
//! for the whole answer, send the next — for the warm-up and then for the measured
//! duration. Only requests that start after the warm-up are counted; each latency goes
//! into the client's own histogram (microseconds, three significant digits), and the
//! clients' histograms are added up at the end, so recording costs no lock.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use serde::Serialize;

use crate::clock;
use crate::scenario::{ClientState, Scenario};

/// How long a latency may be and still be recorded exactly (longer ones are clamped).
const MAX_MICROS: u64 = 120_000_000;

/// Sizes of the bodies of one kind of request: as they came over the wire and as read.
#[derive(Debug, Clone, Copy, Default)]
struct Sizes {
    n: u64,
    wire_sum: u64,
    wire_max: u64,
    plain_sum: u64,
    plain_max: u64,
}

impl Sizes {
    fn add(&mut self, other: &Sizes) {
        self.n += other.n;
        self.wire_sum += other.wire_sum;
        self.wire_max = self.wire_max.max(other.wire_max);
        self.plain_sum += other.plain_sum;
        self.plain_max = self.plain_max.max(other.plain_max);
    }
}

/// Latencies and outcomes of one kind of request (a step).
#[derive(Debug, Clone)]
pub struct Stats {
    hist: Histogram<u64>,
    ok: u64,
    errors: BTreeMap<String, u64>,
    sizes: Sizes,
}

impl Stats {
    fn new() -> Stats {
        Stats {
            hist: Histogram::new_with_bounds(1, MAX_MICROS, 3)
                .expect("1 µs to two minutes with 3 significant digits are valid bounds"),
            ok: 0,
            errors: BTreeMap::new(),
            sizes: Sizes::default(),
        }
    }

    fn add(&mut self, other: &Stats) {
        // Same bounds on both sides, so adding cannot fail; a failure would only lose samples.
        let _ = self.hist.add(&other.hist);
        self.ok += other.ok;
        for (k, n) in &other.errors {
            *self.errors.entry(k.clone()).or_default() += n;
        }
        self.sizes.add(&other.sizes);
    }
}

/// What one client saw.
#[derive(Debug)]
pub struct Recorder {
    counting_from: Instant,
    steps: BTreeMap<&'static str, Stats>,
}

impl Recorder {
    /// A recorder that ignores requests started before `counting_from` (the warm-up).
    pub fn new(counting_from: Instant) -> Recorder {
        Recorder {
            counting_from,
            steps: BTreeMap::new(),
        }
    }

    /// Records a request of kind `step` that started at `started` and ended now: `Ok` for an
    /// answer as expected, `Err(kind)` otherwise (`"409"`, `"verbinding"`, …).
    pub fn record(&mut self, step: &'static str, started: Instant, outcome: Result<(), String>) {
        if started < self.counting_from {
            return;
        }
        let micros = u64::try_from(clock().saturating_duration_since(started).as_micros())
            .unwrap_or(MAX_MICROS)
            .clamp(1, MAX_MICROS);
        let stats = self.steps.entry(step).or_insert_with(Stats::new);
        match outcome {
            Ok(()) => {
                stats.ok += 1;
                let _ = stats.hist.record(micros);
            }
            Err(kind) => *stats.errors.entry(kind).or_default() += 1,
        }
    }

    /// Records the body size of a request of kind `step` that started at `started`:
    /// `wire` bytes as they came (compressed or not), `plain` bytes once decompressed.
    pub fn record_size(&mut self, step: &'static str, started: Instant, wire: u64, plain: u64) {
        if started < self.counting_from {
            return;
        }
        let sizes = &mut self.steps.entry(step).or_insert_with(Stats::new).sizes;
        sizes.n += 1;
        sizes.wire_sum += wire;
        sizes.wire_max = sizes.wire_max.max(wire);
        sizes.plain_sum += plain;
        sizes.plain_max = sizes.plain_max.max(plain);
    }
}

/// The body sizes of a step's answers (only for steps that record them: the pages).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BodySizes {
    /// Answers whose size was recorded.
    pub answers: u64,
    /// Mean body size, uncompressed, bytes.
    pub mean_bytes: f64,
    /// Largest body, uncompressed, bytes.
    pub max_bytes: u64,
    /// Mean body size as sent over the wire (gzip when the server compressed), bytes.
    pub mean_wire_bytes: f64,
    /// Largest body as sent over the wire, bytes.
    pub max_wire_bytes: u64,
}

impl BodySizes {
    fn of(s: &Sizes) -> Option<BodySizes> {
        (s.n > 0).then(|| BodySizes {
            answers: s.n,
            mean_bytes: s.plain_sum as f64 / s.n as f64,
            max_bytes: s.plain_max,
            mean_wire_bytes: s.wire_sum as f64 / s.n as f64,
            max_wire_bytes: s.wire_max,
        })
    }
}

/// The figures of one step over a run.
#[derive(Debug, Clone, Serialize)]
pub struct StepResult {
    /// Answers as expected.
    pub ok: u64,
    /// Other answers and failures, in all.
    pub errors: u64,
    /// Errors per kind (status code or failure).
    pub errors_by_kind: BTreeMap<String, u64>,
    /// Answers as expected per second of the measured window.
    pub per_second: f64,
    /// Median latency of the answers as expected, milliseconds.
    pub p50_ms: f64,
    /// 95th percentile, milliseconds.
    pub p95_ms: f64,
    /// 99th percentile, milliseconds.
    pub p99_ms: f64,
    /// The slowest, milliseconds.
    pub max_ms: f64,
    /// The body sizes, for steps that record them (the pages).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<BodySizes>,
}

/// What a run measured: per step, over the measured window.
#[derive(Debug, Clone, Serialize)]
pub struct Measured {
    /// The measured window (after the warm-up), seconds.
    pub seconds: f64,
    /// Closed-loop clients.
    pub clients: usize,
    /// Per step.
    pub steps: BTreeMap<String, StepResult>,
}

/// How long and with how many clients.
#[derive(Debug, Clone, Copy)]
pub struct Load {
    /// Concurrent closed-loop clients.
    pub clients: usize,
    /// Not counted: connections open, caches fill.
    pub warmup: Duration,
    /// Counted.
    pub duration: Duration,
}

/// Runs `scenario` with `load.clients` closed-loop clients.
pub async fn run(scenario: Arc<Scenario>, load: Load) -> Measured {
    let start = clock();
    let counting_from = start + load.warmup;
    let end = counting_from + load.duration;
    let mut tasks = Vec::with_capacity(load.clients);
    for client in 0..load.clients {
        let scenario = scenario.clone();
        tasks.push(tokio::spawn(async move {
            let mut state = ClientState::new(client);
            let mut rec = Recorder::new(counting_from);
            while clock() < end {
                scenario.step(&mut state, &mut rec).await;
            }
            rec
        }));
    }
    let mut all: BTreeMap<&'static str, Stats> = BTreeMap::new();
    for task in tasks {
        // A client that panicked lost its samples; the others still count.
        if let Ok(rec) = task.await {
            for (step, stats) in rec.steps {
                all.entry(step).or_insert_with(Stats::new).add(&stats);
            }
        }
    }
    let seconds = load.duration.as_secs_f64();
    let ms = |micros: u64| micros as f64 / 1000.0;
    Measured {
        seconds,
        clients: load.clients,
        steps: all
            .into_iter()
            .map(|(step, s)| {
                let errors = s.errors.values().sum();
                let result = StepResult {
                    ok: s.ok,
                    errors,
                    errors_by_kind: s.errors,
                    per_second: if seconds > 0.0 {
                        s.ok as f64 / seconds
                    } else {
                        0.0
                    },
                    p50_ms: ms(s.hist.value_at_quantile(0.50)),
                    p95_ms: ms(s.hist.value_at_quantile(0.95)),
                    p99_ms: ms(s.hist.value_at_quantile(0.99)),
                    max_ms: ms(s.hist.max()),
                    body: BodySizes::of(&s.sizes),
                };
                (step.to_owned(), result)
            })
            .collect(),
    }
}

/// How long since `since`.
pub fn since(since: Instant) -> Duration {
    clock().saturating_duration_since(since)
}
