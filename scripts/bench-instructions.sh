#!/usr/bin/env bash
# Instructions per request of `ave serve` under one scenario, counted by valgrind's callgrind:
# a figure that does not move with the load of a shared machine (throughput there varies by
# a third between rounds), to compare two builds of one change. Not a speed: valgrind
# runs the server some 30 times slower, so per-batch costs (the log writer's commits) weigh
# more than at full speed, and SHA-256 runs without the CPU's SHA instructions.
#
#   bash scripts/bench-instructions.sh target/release/ave              # reads
#   SCENARIO=list bash scripts/bench-instructions.sh target/bench/old/ave
#
# Needs valgrind and a seeded copy of the benchmark database (DATABASE, default
# target/bench/instructions.sqlite: made from target/bench/bench-100000.sqlite when absent).
# Prints the instructions per request and leaves the profile (callgrind_annotate reads it)
# in target/bench/results/. Settings: SCENARIO (read), CLIENTS (8), MEASURE (12, seconds).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:?the ave binary to measure}
SCENARIO=${SCENARIO:-read}
CLIENTS=${CLIENTS:-8}
MEASURE=${MEASURE:-12}
DB=${DATABASE:-target/bench/instructions.sqlite}
LOAD=${LOAD:-target/release/ave-load}
RESULTS=target/bench/results
mkdir -p "$RESULTS"
if [ ! -f "$DB" ]; then
  # shellcheck source=scripts/bench-copy.sh
  source scripts/bench-copy.sh
  copy_database target/bench/bench-100000.sqlite "$DB"
fi
"$BIN" db migrate --database "sqlite://$DB" >/dev/null

out="$RESULTS/$(date -u +%Y%m%dT%H%M%SZ)-instructions-$SCENARIO.callgrind"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
"$LOAD" hello --listen 127.0.0.1:18191 >/dev/null 2>&1 &
pids+=("$!")
valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$out" \
  "$BIN" serve --database "sqlite://$DB" --listen 127.0.0.1:18181 >"$out.log" 2>&1 &
server=$!
pids+=("$server")
for _ in $(seq 600); do
  curl -fsS -o /dev/null http://127.0.0.1:18181/health/ready 2>/dev/null && break
  sleep 0.5
done
requests() {
  curl -fsS http://127.0.0.1:18181/metrics | awk '/^ave_http_requests_total/ {s += $2} END {print s + 0}'
}
"$LOAD" run --target http://127.0.0.1:18181 --hello http://127.0.0.1:18191 \
  --database "sqlite://$DB" --clients "$CLIENTS" --duration "$((MEASURE + 8))s" \
  --warmup 1s --scenarios "$SCENARIO" >"$out.load" 2>&1 &
load=$!
until grep -q "scenario $SCENARIO" "$out.load"; do sleep 0.2; done
sleep 3
before=$(requests)
callgrind_control -i on "$server" >/dev/null
sleep "$MEASURE"
callgrind_control -i off "$server" >/dev/null
after=$(requests)
wait "$load"
callgrind_control -d "$server" >/dev/null 2>&1
sleep 2
total=$(callgrind_annotate "$out.1" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}')
n=$((after - before))
echo "$BIN, $SCENARIO: $n requests, $total instructions, $((total / n)) per request ($out.1)"
