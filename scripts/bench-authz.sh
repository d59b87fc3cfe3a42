#!/usr/bin/env bash
# What sign-on, need-to-know authorisation and the audit log cost a read (issue 11: "adds
# under 10 % to the read-case throughput"): the service before sign-on (BASE_REV, the last
# commit of issue 10) and the service of this checkout, on copies of the same 100,000-case
# benchmark database, on the same machine, in the same run, alternating A B A B so that drift
# of the machine falls on both. Each side is driven by its own load generator (the new one
# authenticates every request with a personal API token as the person who reads).
#
#   bash scripts/bench-authz.sh                  # after scripts/bench-service.sh seeded the db
#   ROUNDS=1 DURATION=10s bash scripts/bench-authz.sh
#
# Needs the sqlite3 command (Debian package sqlite3).
#
# Settings: CASES (100000), CLIENTS (32), DURATION (20s), WARMUP (3s), ROUNDS (2),
# SCENARIOS (read,list), BASE_REV (1d4aeee), BASE_BIN (a directory with that revision's
# release `ave` and `ave-load`, to skip building it).
set -euo pipefail
cd "$(dirname "$0")/.."

CASES=${CASES:-100000}
CLIENTS=${CLIENTS:-32}
DURATION=${DURATION:-20s}
WARMUP=${WARMUP:-3s}
ROUNDS=${ROUNDS:-2}
SCENARIOS=${SCENARIOS:-read,list}
BASE_REV=${BASE_REV:-1d4aeee}
BENCH=target/bench
RESULTS=$BENCH/results
BASE=$BENCH/base-$BASE_REV
mkdir -p "$RESULTS"

step() { printf '\n== %s ==\n' "$*"; }

step "release build of this checkout"
cargo build --release --locked -p ave-cli -p ave-loadgen

if [ -z "${BASE_BIN:-}" ]; then
  step "release build of $BASE_REV (before sign-on)"
  if [ ! -d "$BASE" ]; then
    git worktree add --detach "$BASE" "$BASE_REV"
  fi
  (cd "$BASE" && CARGO_TARGET_DIR="$PWD/../base-target" cargo build --release --locked -p ave-cli -p ave-loadgen)
  BASE_BIN=$BENCH/base-target/release
fi

SOURCE=$BENCH/bench-$CASES.sqlite
if [ ! -f "$SOURCE" ]; then
  echo "no $SOURCE: seed it first (bash scripts/bench-service.sh, or target/release/ave-load seed)" >&2
  exit 1
fi
step "copies of $SOURCE"
rm -f "$BENCH"/authz-*.sqlite* "$BENCH"/authz-*.logboek.sqlite*
cp --reflink=auto "$SOURCE" "$BENCH/authz-base.sqlite"
cp --reflink=auto "$SOURCE" "$BENCH/authz-new.sqlite"
if [ -f "${SOURCE%.sqlite}.logboek.sqlite" ]; then
  cp --reflink=auto "${SOURCE%.sqlite}.logboek.sqlite" "$BENCH/authz-new.logboek.sqlite"
fi
# The service before sign-on knows migrations 1-3 only and refuses a database that has more;
# the later ones add columns and tables it does not read, so its copy forgets them (its
# schema is theirs plus what it ignores).
sqlite3 "$BENCH/authz-base.sqlite" "DELETE FROM _sqlx_migrations WHERE version > 3"
# This checkout's copy brought up to date before its server starts (may take minutes).
target/release/ave db migrate --database "sqlite://$BENCH/authz-new.sqlite"

pids=()
cleanup() {
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  pids=()
}
trap cleanup EXIT

wait_for() {
  for _ in $(seq 1 3000); do
    if curl -fsS -o /dev/null "$1" 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "geen antwoord van $1" >&2
  return 1
}

step "machine"
lscpu | grep -E '^(Model name|CPU\(s\)|Thread)' || true
uptime

"$BASE_BIN/ave-load" hello --listen 127.0.0.1:18190 >"$BENCH/authz-hello.log" 2>&1 &
pids+=("$!")
wait_for http://127.0.0.1:18190/

# side LABEL BIN_DIR DATABASE
side() {
  local label=$1 bin=$2 db=$3
  "$bin/ave" serve --database "sqlite://$db" --listen 127.0.0.1:18180 >"$BENCH/authz-serve-$label.log" 2>&1 &
  local pid=$!
  wait_for http://127.0.0.1:18180/health/ready
  local ts
  ts=$(date -u +%Y%m%dT%H%M%SZ)
  "$bin/ave-load" run --target http://127.0.0.1:18180 --hello http://127.0.0.1:18190 \
    --database "sqlite://$db" --clients "$CLIENTS" --duration "$DURATION" --warmup "$WARMUP" \
    --scenarios "$SCENARIOS" --server-pid "$pid" \
    --json "$RESULTS/$ts-authz-$label.json" | tee "$RESULTS/$ts-authz-$label.txt"
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

for round in $(seq 1 "$ROUNDS"); do
  step "round $round: before sign-on ($BASE_REV)"
  side "base-$round" "$BASE_BIN" "$BENCH/authz-base.sqlite"
  step "round $round: with sign-on, need-to-know and the audit log (this checkout)"
  side "new-$round" target/release "$BENCH/authz-new.sqlite"
done

step "done: the tables above; JSON in $RESULTS (*-authz-*.json)"
