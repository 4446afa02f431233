#!/usr/bin/env bash
# Fuzz every target for SECONDS each (default 180), JOBS targets at a time
# (default 2), then minimise each corpus. Run from the repository root:
#   fuzz/run_all.sh 180 2
# Logs go to fuzz/logs/<target>.log (not committed); the last line of each
# ("Done N runs in S second(s)") gives the executions for the README table.
set -euo pipefail
SECONDS_EACH=${1:-180}
JOBS=${2:-2}
cd "$(dirname "$0")"
[ -d seeds ] || (cd .. && python3 fuzz/make_seeds.py fuzz/seeds)
mkdir -p logs
export RUSTC_BOOTSTRAP=1
cargo fuzz build -O
run() {
    t=$1
    mkdir -p "corpus/$t" "artifacts/$t"
    # -rss_limit_mb: the engine target holds the compiled rule set (~1 GB
    # with ASan's shadow memory); -max_len keeps inputs small and fast.
    cargo fuzz run -O "$t" "corpus/$t" "seeds/$t" -- \
        -max_total_time="$SECONDS_EACH" -max_len=4096 -rss_limit_mb=4096 \
        -timeout=20 -print_final_stats=1 >"logs/$t.log" 2>&1 || echo "$t: crashed, see logs/$t.log"
}
export -f run
export SECONDS_EACH
ls fuzz_targets | sed 's/\.rs$//' | xargs -P "$JOBS" -I{} bash -c 'run {}'
# Minimise: edge coverage only, inputs cut to 1 KiB (see README.md).
for t in $(ls fuzz_targets | sed 's/\.rs$//'); do
    min=$(mktemp -d)
    target/x86_64-unknown-linux-gnu/release/"$t" -merge=1 -use_counters=0 -max_len=1024 \
        "$min" "corpus/$t" >"logs/$t.cmin.log" 2>&1
    rm -r "corpus/$t" && mv "$min" "corpus/$t"
done
