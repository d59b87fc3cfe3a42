#!/usr/bin/env bash
# Two builds of `ave serve` side by side on one database, alternating A B A B so that drift
# of the machine falls on both: to measure what a change does (BENCHMARKS.md).
#
#   A=target/bench/landed-bin/ave B=target/release/ave \
#   DATABASE=postgres://ave:ave@127.0.0.1:5432/ave_bench_100000 bash scripts/bench-ab.sh
#
# A and B are `ave` binaries (save the last landed build before rebuilding, e.g.
# `cp target/release/ave target/bench/landed-bin/`); DATABASE is a seeded benchmark database
# (scripts/bench-service.sh seeds them). Runs on the database itself: the write scenarios
# open cases there, so use a copy for SQLite (scripts/bench-copy.sh) when that matters.
# DATABASE_A and DATABASE_B (default DATABASE) give each side a database of its own: when B
# adds a migration that A does not know.
# Settings: SCENARIOS (commit,transition), CLIENTS (32), DURATION (10s), WARMUP (2s),
# ROUNDS (2), PORT (18180), HELLO_PORT (18190), LOAD (target/release/ave-load).
set -euo pipefail
cd "$(dirname "$0")/.."

: "${A:?A names the first ave binary}"
: "${B:?B names the second ave binary}"
: "${DATABASE:?DATABASE names the benchmark database}"
SCENARIOS=${SCENARIOS:-commit,transition}
CLIENTS=${CLIENTS:-32}
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-2s}
ROUNDS=${ROUNDS:-2}
PORT=${PORT:-18180}
HELLO_PORT=${HELLO_PORT:-18190}
LOAD=${LOAD:-target/release/ave-load}
OUT=target/bench/results
mkdir -p "$OUT"

"$LOAD" hello --listen "127.0.0.1:$HELLO_PORT" >/dev/null 2>&1 &
hello=$!
trap 'kill $hello 2>/dev/null || true' EXIT

for round in $(seq 1 "$ROUNDS"); do
  for side in A B; do
    bin=${!side}
    db_var=DATABASE_$side
    db=${!db_var:-$DATABASE}
    "$bin" serve --database "$db" --listen "127.0.0.1:$PORT" >"$OUT/ab-$side.log" 2>&1 &
    server=$!
    for _ in $(seq 1 150); do
      curl -sf "http://127.0.0.1:$PORT/health/ready" >/dev/null && break
      sleep 0.2
    done
    echo "== round $round, $side ($bin)"
    "$LOAD" run --target "http://127.0.0.1:$PORT" --hello "http://127.0.0.1:$HELLO_PORT" \
      --database "$db" --clients "$CLIENTS" --duration "$DURATION" --warmup "$WARMUP" \
      --scenarios "$SCENARIOS" --server-pid "$server" \
      --json "$OUT/ab-$(date -u +%Y%m%dT%H%M%SZ)-$round-$side.json"
    kill "$server"
    wait "$server" 2>/dev/null || true
  done
done
