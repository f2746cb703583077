#!/usr/bin/env bash
# Runs the libFuzzer targets of a build (`make fuzz`): each fuzz_NAME for
# SECONDS, JOBS at a time, on a scratch copy of fuzz/corpus/NAME and
# fuzz/regressions/NAME (the checked-in corpus does not grow), with the
# dictionary fuzz/dict/NAME.dict (field names, edge values). Per-input limits:
# 10 s (a hang) and 2 GB RSS (a memory blow-up); ASan/UBSan report crashes,
# UB and leaks. Logs, and the input of any failure, go to out/fuzz/.
# Exit 1 if any target failed. FUZZ_TARGETS="a b" runs only those.
#
#   scripts/run-fuzz.sh [BUILD_DIR [SECONDS [JOBS]]]
set -uo pipefail
cd "$(dirname "$0")/.."
build="${1:-build-fuzz}"
seconds="${2:-60}"
jobs="${3:-2}"
out="out/fuzz"
mkdir -p "$out"

if [ -n "${FUZZ_TARGETS:-}" ]; then
  read -r -a targets <<<"$FUZZ_TARGETS"
else
  targets=()
  for bin in $(find "$build/fuzz" -maxdepth 1 -type f -executable -name 'fuzz_*' ! -name fuzz_corpus_replay | sort); do
    targets+=("${bin##*/fuzz_}")
  done
fi
[ ${#targets[@]} -gt 0 ] || { echo "run-fuzz: no fuzz_* binaries in $build/fuzz (build with FLEETOPT_FUZZ=ON)" >&2; exit 1; }

# The targets write each input to files: a RAM disk keeps that cheap (on an
# overlay /tmp, 30x fewer executions per second).
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then export TMPDIR=/dev/shm; fi
work=$(mktemp -d "${TMPDIR:-/tmp}/fleetopt-fuzz-XXXXXX")
trap 'rm -rf "$work"' EXIT
export UBSAN_OPTIONS="print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"

run_one() {
  local name="$1" corpus="$work/$1"
  mkdir -p "$corpus"
  cp fuzz/corpus/"$name"/* "$corpus"/ 2>/dev/null
  cp fuzz/regressions/"$name"/* "$corpus"/ 2>/dev/null
  rm -f "$out/$name"-crash-* "$out/$name"-timeout-* "$out/$name"-leak-* "$out/$name"-oom-*
  local dict=()
  [ -f "fuzz/dict/$name.dict" ] && dict=(-dict="fuzz/dict/$name.dict")
  "$build/fuzz/fuzz_$name" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 "${dict[@]}" \
    -print_final_stats=1 -artifact_prefix="$out/$name-" "$corpus" >"$out/$name.log" 2>&1
  echo $? >"$out/$name.rc"
}

echo "fuzzing ${#targets[@]} targets for ${seconds} s each, ${jobs} at a time (logs in $out/)" >&2
running=0
for name in "${targets[@]}"; do
  [ -x "$build/fuzz/fuzz_$name" ] || { echo "run-fuzz: $build/fuzz/fuzz_$name missing" >&2; echo 1 >"$out/$name.rc"; continue; }
  run_one "$name" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then
    wait -n
    running=$((running - 1))
  fi
done
wait

failed=0
printf '%-18s %6s %12s %8s %8s %s\n' target result execs exec/s rss_mb artifact >&2
for name in "${targets[@]}"; do
  log="$out/$name.log"
  rc=$(cat "$out/$name.rc" 2>/dev/null || echo 1)
  stat() { grep -m1 "stat::$1:" "$log" 2>/dev/null | awk '{print $2}'; }
  artifact=$(ls "$out/$name"-* 2>/dev/null | grep -v '\.log$\|\.rc$' | head -1)
  result=ok
  if [ "$rc" != 0 ]; then result=FAIL; failed=1; fi
  printf '%-18s %6s %12s %8s %8s %s\n' "$name" "$result" "$(stat number_of_executed_units)" \
    "$(stat average_exec_per_sec)" "$(stat peak_rss_mb)" "${artifact:-}" >&2
done
if [ "$failed" != 0 ]; then
  echo "run-fuzz: a target failed; see $out/NAME.log. Reproduce with $build/fuzz/fuzz_NAME FILE, fix the" \
       "reader, and add FILE to fuzz/regressions/NAME/." >&2
fi
exit $failed
