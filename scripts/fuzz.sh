#!/usr/bin/env bash
# Fuzz every parser that reads outside data (issue 10) with libFuzzer, on stable Rust.
#
#   scripts/fuzz.sh [--merge] [SECONDS_PER_TARGET] [TARGET...]   run each target (default 30 s, all)
#   scripts/fuzz.sh --build                                      build only
#   scripts/fuzz.sh --list                                       the targets
#   scripts/fuzz.sh --gen-corpus                                 rewrite the starting corpus and seed store
#
# One cargo build makes every target (fuzz/, its own workspace) with sanitizer-coverage
# instrumentation: the stable `-Cpasses=sancov-module` and LLVM options that cargo-fuzz uses for
# `--sanitizer none`, so no nightly toolchain and no cargo-fuzz are needed. Builds go to
# $WEIBAO_FUZZ_TARGET_DIR (default: $CARGO_TARGET_DIR/fuzz), never mixed with normal builds.
#
# Each target runs on a scratch copy of its corpus (fuzz/corpus/TARGET), so the repository
# stays clean; with --merge, small inputs (at most $WEIBAO_FUZZ_MERGE_MAX_BYTES, default 2048)
# that add coverage are merged back into fuzz/corpus.
# An input that takes longer than 10 s is a hang, one that needs more than 2 GB an OOM; a crash,
# hang or OOM leaves its input in fuzz/artifacts/TARGET/ and makes the script exit 1.
# Per target it prints executions, executions per second, crashes and hangs.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
FUZZ="$ROOT/fuzz"
TARGETS=(template photo exif signature verify changeset changeset_import)

# Largest input per target: enough for a real file of the kind (a 64 KB template is ~350
# items; validation is linear, so larger inputs only slow the run down).
max_len() {
  case "$1" in
    template) echo 65536 ;;
    photo | signature) echo 65536 ;;
    exif) echo 16384 ;;
    verify) echo 131072 ;;
    changeset | changeset_import) echo 65536 ;;
    *) echo 4096 ;;
  esac
}

# The starting corpus: the target's own, and for the import the change-set files too.
corpus_of() {
  case "$1" in
    changeset_import) echo "changeset_import changeset" ;;
    *) echo "$1" ;;
  esac
}

# --merge keeps new inputs of at most this many bytes.
MERGE_MAX="${WEIBAO_FUZZ_MERGE_MAX_BYTES:-2048}"
merge=0 mode=run
args=()
for a in "$@"; do
  case "$a" in
    --merge) merge=1 ;;
    --build) mode=build ;;
    --list) printf '%s\n' "${TARGETS[@]}"; exit 0 ;;
    --gen-corpus) mode=gen ;;
    -h | --help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) args+=("$a") ;;
  esac
done
seconds=30
if [[ ${#args[@]} -gt 0 && ${args[0]} =~ ^[0-9]+$ ]]; then
  seconds=${args[0]}
  args=("${args[@]:1}")
fi
selected=("${TARGETS[@]}")
if [[ ${#args[@]} -gt 0 ]]; then
  selected=("${args[@]}")
  for t in "${selected[@]}"; do
    [[ " ${TARGETS[*]} " == *" $t "* ]] || { echo "fuzz.sh: no target '$t' (have: ${TARGETS[*]})" >&2; exit 2; }
  done
fi

HOST="$(rustc -vV | sed -n 's/^host: //p')"
TARGET_DIR="${WEIBAO_FUZZ_TARGET_DIR:-${CARGO_TARGET_DIR:-$HOME/.cache/weibao-target}/fuzz}"
BIN="$TARGET_DIR/$HOST/release"

# The instrumentation cargo-fuzz adds (coverage counters, PC table, comparison tracing), and
# `--cfg fuzzing`. The explicit --target keeps these flags off build scripts and proc macros.
# Debug assertions and overflow checks are on in fuzz/Cargo.toml's release profile.
export RUSTFLAGS="-Cpasses=sancov-module \
-Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters \
-Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares \
--cfg fuzzing"
unset RUSTC_WRAPPER CARGO_BUILD_RUSTFLAGS CARGO_ENCODED_RUSTFLAGS

echo "fuzz: building ${#TARGETS[@]} targets into $TARGET_DIR" >&2
start=$(date +%s)
# --locked: a test run must leave the clone as it found it. When weibao gains a dependency,
# refresh fuzz/Cargo.lock (`cd fuzz && cargo tree >/dev/null`) and commit it with the change.
cargo build --manifest-path "$FUZZ/Cargo.toml" --release --target "$HOST" \
  --target-dir "$TARGET_DIR" --bins --locked
echo "fuzz: build took $(( $(date +%s) - start )) s" >&2
case "$mode" in
  build) exit 0 ;;
  gen)
    rm -rf "$FUZZ/corpus" "$FUZZ/seed"
    "$BIN/gen_corpus"
    exit 0 ;;
esac

# Scratch space: corpus copies, the targets' temporary files (SQLite stores), logs. On
# /dev/shm when there is one: the store targets write and fsync on every input.
base=/dev/shm
[[ -d $base && -w $base ]] || base="${TMPDIR:-/tmp}"
SCRATCH="$(mktemp -d "$base/weibao-fuzz.XXXXXX")"
trap 'rm -rf "$SCRATCH"' EXIT

failed=0
summary=()
for t in "${selected[@]}"; do
  corpus="$SCRATCH/corpus/$t"
  artifacts="$FUZZ/artifacts/$t"
  mkdir -p "$corpus" "$artifacts" "$SCRATCH/tmp/$t"
  for c in $(corpus_of "$t"); do
    [[ -d "$FUZZ/corpus/$c" ]] && cp -r "$FUZZ/corpus/$c/." "$corpus/"
  done
  # The dictionary (fuzz/dict/, written by gen_corpus), if the target has one.
  dict=()
  [[ -f "$FUZZ/dict/${t%_import}.dict" ]] && dict=(-dict="$FUZZ/dict/${t%_import}.dict")
  log="$SCRATCH/$t.log"
  stamp="$SCRATCH/$t.stamp"
  touch "$stamp"
  echo "fuzz: $t for ${seconds} s ($(find "$corpus" -type f | wc -l) corpus inputs)" >&2
  rc=0
  TMPDIR="$SCRATCH/tmp/$t" "$BIN/$t" "$corpus" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len="$(max_len "$t")" \
    -artifact_prefix="$artifacts/" -print_final_stats=1 -close_fd_mask=1 "${dict[@]}" \
    >"$log" 2>&1 || rc=$?
  stat() { sed -n "s/^stat::$1: *//p" "$log" | tail -1; }
  execs=$(stat number_of_executed_units)
  rate=$(stat average_exec_per_sec)
  new=$(stat new_units_added)
  rss=$(stat peak_rss_mb)
  slowest=$(stat slowest_unit_time_sec)
  [[ ${slowest:-0} == 0 ]] && slowest="<1"
  mapfile -t found < <(find "$artifacts" -type f -newer "$stamp" ! -name last-run.log)
  crashes=$(grep -c -E 'ERROR: libFuzzer: (deadly signal|fuzz target exited|crash)' "$log" || true)
  hangs=$(grep -c -E 'ERROR: libFuzzer: timeout' "$log" || true)
  ooms=$(grep -c -E 'ERROR: libFuzzer: out-of-memory' "$log" || true)
  line="$t: ${execs:-0} execs, ${rate:-0} exec/s, $crashes crashes, $hangs hangs, $ooms OOMs, ${new:-0} new inputs, slowest input ${slowest:-?} s, peak ${rss:-?} MB"
  summary+=("$line")
  echo "$line"
  if [[ $rc -ne 0 || $crashes -ne 0 || $hangs -ne 0 || $ooms -ne 0 || ${#found[@]} -gt 0 ]]; then
    failed=1
    echo "fuzz: $t FAILED (exit $rc); its output:" >&2
    grep -v -E '^#[0-9]+' "$log" | tail -60 >&2
    for f in "${found[@]}"; do echo "fuzz: artifact $f (replay: $BIN/$t $f)" >&2; done
    cp "$log" "$artifacts/last-run.log" 2>/dev/null || true
  fi
  if [[ $merge -eq 1 ]]; then
    # Only small inputs go into the repository (the whole corpus stays around 2 MB): those of
    # at most $MERGE_MAX bytes that reach code the corpus does not reach yet.
    small="$SCRATCH/small/$t"
    mkdir -p "$FUZZ/corpus/$t" "$small"
    find "$corpus" -type f -size -"$((MERGE_MAX + 1))"c -exec cp -t "$small" {} +
    # Set-cover merge on edges alone (no hit counts): the fewest files that reach new code.
    TMPDIR="$SCRATCH/tmp/$t" "$BIN/$t" -set_cover_merge=1 -use_counters=0 \
      -max_len="$(max_len "$t")" -timeout=10 \
      -rss_limit_mb=2048 -close_fd_mask=1 "$FUZZ/corpus/$t" "$small" >"$log.merge" 2>&1 ||
      { echo "fuzz: merging $t failed:" >&2; tail -20 "$log.merge" >&2; failed=1; }
    echo "fuzz: $t corpus now $(find "$FUZZ/corpus/$t" -type f | wc -l) inputs," \
      "$(du -sk "$FUZZ/corpus/$t" | cut -f1) KB" >&2
  fi
done

echo
echo "fuzz summary (${seconds} s per target):"
printf '  %s\n' "${summary[@]}"
if [[ $failed -ne 0 ]]; then
  echo "fuzz: FAILED: a target crashed, hung or ran out of memory (inputs in fuzz/artifacts/)" >&2
  exit 1
fi
echo "fuzz: no crash, hang or OOM in ${#selected[@]} targets"
