#!/usr/bin/env bash
# Print the README table rows from fuzz/logs/<target>.log (one libFuzzer
# run per log; several runs of a target: logs/<target>.<n>.log are summed).
cd "$(dirname "$0")"
for t in $(ls fuzz_targets | sed 's/\.rs$//'); do
    runs=0; secs=0
    for f in logs/$t.log logs/$t.*.log; do
        [ -f "$f" ] || continue
        case $f in *.cmin.log) continue;; esac
        r=$(grep -h '^stat::number_of_executed_units' "$f" | awk '{print $2}')
        s=$(grep -h '^Done' "$f" | awk '{print $(NF-1)}')
        if [ -z "$s" ]; then
            # A run stopped by a crash prints no "Done": runs / average rate.
            a=$(grep -h '^stat::average_exec_per_sec' "$f" | awk '{print $2}')
            s=$(( ${r:-0} / (${a:-1} > 0 ? ${a:-1} : 1) ))
        fi
        runs=$((runs + ${r:-0})); secs=$((secs + ${s:-0}))
    done
    files=$(ls "corpus/$t" | wc -l)
    bytes=$(cat corpus/$t/* | wc -c)
    crashes=$(ls "regressions/$t" 2>/dev/null | wc -l)
    echo "| $t | $secs | $runs | $files files, $((bytes / 1024)) KiB | $crashes |"
done
