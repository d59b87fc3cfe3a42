#!/usr/bin/env bash
# What sign-on, need-to-know authorisation and the two logs cost a read (issue 11: "adds
# under 10 % to the read-case throughput"). Two builds of this checkout, on copies of the
# same 100,000-case benchmark database, on the same machine, in the same run, alternating
# A B A B so that drift of the machine falls on both:
#
# - base: this checkout with scripts/bench-authz-base.patch applied — GET /api/v1/casussen/{id}
#   reads the case row and answers, without sign-on, need-to-know, the audit entry and the
#   processing record (everything else as in the product). Built in a worktree under
#   target/bench; never a product build.
# - new: this checkout as it is. The load generator authenticates every request with a
#   personal API token as a person involved in the case (the base ignores the token).
#
#   bash scripts/bench-authz.sh                  # after scripts/bench-service.sh seeded the db
#   ROUNDS=1 DURATION=10s bash scripts/bench-authz.sh
#
# Settings: CASES (100000), CLIENTS (32), DURATION (20s), WARMUP (3s), ROUNDS (2),
# SCENARIOS (read), EXTRA_BIN (a directory with another build's release `ave`, run as a
# third side each round: to compare a change, e.g. the last landed commit), FEATURES (cargo
# features of `ave` for both builds instead of its default, jemalloc: e.g. mimalloc, or `-` for
# none, the C library's allocator), EXTRA_PATCH (a patch on this
# checkout built as the third side instead of EXTRA_BIN: scripts/bench-authz-nolog.patch is
# sign-on and need-to-know without the two logs, to tell what the logs cost from what the
# authorisation costs), KEEP (0; 1 keeps the database copies under target/bench).
set -euo pipefail
cd "$(dirname "$0")/.."

CASES=${CASES:-100000}
CLIENTS=${CLIENTS:-32}
DURATION=${DURATION:-20s}
WARMUP=${WARMUP:-3s}
ROUNDS=${ROUNDS:-2}
SCENARIOS=${SCENARIOS:-read}
FEATURES=${FEATURES:-}
EXTRA_PATCH=${EXTRA_PATCH:-}
features=()
if [ "$FEATURES" = "-" ]; then features=(--no-default-features)
elif [ -n "$FEATURES" ]; then features=(--no-default-features --features "ave-cli/$FEATURES"); fi
BENCH=target/bench
RESULTS=$BENCH/results
BASE_SRC=$BENCH/authz-base-src
BASE_BIN=$BENCH/authz-base-bin
NEW_BIN=$BENCH/authz-new-bin
mkdir -p "$RESULTS"

step() { printf '\n== %s ==\n' "$*"; }

step "release build of this checkout"
cargo build --release --locked -p ave-cli -p ave-loadgen ${features[@]+"${features[@]}"}
mkdir -p "$NEW_BIN"
cp target/release/ave target/release/ave-load "$NEW_BIN/"

# patched_build PATCH OUT_DIR: this checkout (with its uncommitted changes) and PATCH, built
# in a worktree under target/bench; its `ave` copied to OUT_DIR. Never a product build.
patched_build() {
  local patch=$1 out=$2
  rm -rf "$BASE_SRC"
  git worktree prune
  git worktree add --detach "$BASE_SRC" HEAD
  # The checkout's uncommitted changes too, so that the sides differ only by the patch.
  git diff HEAD | (cd "$BASE_SRC" && git apply --allow-empty)
  (cd "$BASE_SRC" && git apply "$OLDPWD/$patch")
  # The same target directory: the dependencies are built once (the worktree's own crates
  # are units of their own); the binaries are copied out before the next build.
  (cd "$BASE_SRC" && CARGO_TARGET_DIR="$OLDPWD/target" cargo build --release --locked -p ave-cli ${features[@]+"${features[@]}"})
  mkdir -p "$out"
  cp target/release/ave "$out/"
  # The patched build went to target/release: put the product back, so that a later copy
  # of target/release/ave is never a patched build by mistake (it happened on 4 December).
  cp "$NEW_BIN/ave" target/release/ave
  git worktree remove --force "$BASE_SRC"
}

step "release build of the base (this checkout without sign-on on the read)"
patched_build scripts/bench-authz-base.patch "$BASE_BIN"
if [ -n "$EXTRA_PATCH" ]; then
  step "release build of this checkout with $EXTRA_PATCH (the third side)"
  EXTRA_BIN=$BENCH/authz-extra-bin
  patched_build "$EXTRA_PATCH" "$EXTRA_BIN"
fi

SOURCE=$BENCH/bench-$CASES.sqlite
if [ ! -f "$SOURCE" ]; then
  echo "no $SOURCE: seed it first (bash scripts/bench-service.sh, or target/release/ave-load seed)" >&2
  exit 1
fi
step "copies of $SOURCE"
# shellcheck source=scripts/bench-copy.sh
source scripts/bench-copy.sh
sides=(base new)
if [ -n "${EXTRA_BIN:-}" ]; then sides+=(extra); fi
# Each copy migrated by its own side's build (an older build refuses a newer schema).
declare -A side_bin=([base]=$BASE_BIN [new]=$NEW_BIN [extra]=${EXTRA_BIN:-})
for s in "${sides[@]}"; do
  rm -f "$BENCH/authz-$s".sqlite* "$BENCH/authz-$s".logboek.sqlite*
  copy_database "$SOURCE" "$BENCH/authz-$s.sqlite"
  "${side_bin[$s]}/ave" db migrate --database "sqlite://$BENCH/authz-$s.sqlite"
done

pids=()
# Stops the servers and deletes the copies (some 3 GB each with their logbooks; KEEP=1
# keeps them).
cleanup() {
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  pids=()
  if [ "${KEEP:-0}" != 1 ]; then
    for s in "${sides[@]}"; do
      rm -f "$BENCH/authz-$s".sqlite* "$BENCH/authz-$s".logboek.sqlite*
    done
  fi
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

"$NEW_BIN/ave-load" hello --listen 127.0.0.1:18190 >"$BENCH/authz-hello.log" 2>&1 &
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
  "$NEW_BIN/ave-load" run --target http://127.0.0.1:18180 --hello http://127.0.0.1:18190 \
    --database "sqlite://$db" --clients "$CLIENTS" --duration "$DURATION" --warmup "$WARMUP" \
    --scenarios "$SCENARIOS" --server-pid "$pid" \
    --json "$RESULTS/$ts-authz-$label.json" | tee "$RESULTS/$ts-authz-$label.txt"
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

for round in $(seq 1 "$ROUNDS"); do
  step "round $round: base, without sign-on on the read"
  side "base-$round" "$BASE_BIN" "$BENCH/authz-base.sqlite"
  step "round $round: with sign-on, need-to-know and the two logs (this checkout)"
  side "new-$round" "$NEW_BIN" "$BENCH/authz-new.sqlite"
  if [ -n "${EXTRA_BIN:-}" ]; then
    step "round $round: $EXTRA_BIN"
    side "extra-$round" "$EXTRA_BIN" "$BENCH/authz-extra.sqlite"
  fi
done

step "done: the tables above; JSON in $RESULTS (*-authz-*.json)"
