#!/usr/bin/env bash
# Time-boxed coverage-guided fuzz pass (cargo-fuzz / libFuzzer, stable toolchain, no sanitizer):
# replays every committed crash regression, then fuzzes each target for FUZZ_SECONDS (default 60)
# from the committed seed corpus. New coverage goes to a scratch directory, so the tree stays clean;
# a crash, a timeout (-timeout, seconds per input) or going over -rss_limit_mb fails the run and
# leaves the input in fuzz/artifacts/TARGET/ to commit under fuzz/regressions/TARGET/.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${FUZZ_SECONDS:-60}"
# A fixed seed makes the pass reproducible: the same binary explores the same inputs in the same
# order (only how far it gets depends on the machine's speed). Long campaigns pick their own.
seed="${FUZZ_SEED:-20261130}"
targets="${FUZZ_TARGETS:-scan interp hook lockfile osv web}"
if ! command -v cargo-fuzz >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked --version 0.13.2
fi
cargo fuzz build -s none -O
# Run the binaries the build made rather than `cargo fuzz run`, which re-checks (and, if anything
# looks stale, rebuilds) the whole crate before every invocation.
bin_dir="target/$(rustc -vV | sed -n 's/^host: //p')/release"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
limits=(-rss_limit_mb=512 -malloc_limit_mb=512 -timeout=5)
for t in $targets; do
  mkdir -p "artifacts/$t" "$scratch/$t"
  if compgen -G "regressions/$t/*" >/dev/null; then
    echo "== $t: replaying regressions"
    "$bin_dir/$t" "${limits[@]}" -runs=1 regressions/"$t"/*
  fi
  echo "== $t: fuzzing for ${seconds}s"
  set +e
  "$bin_dir/$t" "${limits[@]}" -max_total_time="$seconds" -max_len=65536 -seed="$seed" \
    -artifact_prefix="artifacts/$t/" -print_final_stats=1 "$scratch/$t" "corpus/$t" >"$scratch/$t.log" 2>&1
  status=$?
  set -e
  grep -E '^(#[0-9]+ +(DONE|INITED)|stat::number_of_executed_units|stat::peak_rss_mb)' "$scratch/$t.log" || true
  if [ "$status" -ne 0 ]; then
    grep -E "panicked at|ERROR|SUMMARY|Test unit written" "$scratch/$t.log" >&2 || true
    echo "fuzz target $t failed (exit $status); the input is in fuzz/artifacts/$t/" >&2
    exit 1
  fi
done
echo "fuzz pass: all targets ran ${seconds}s with no crash, timeout or memory overrun"
