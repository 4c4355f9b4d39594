#!/usr/bin/env bash
# Saves or compares criterion baselines of the cloud-tco benchmarks (criterion's own mechanism:
# --save-baseline / --baseline; the figures live in ${CARGO_TARGET_DIR:-target}/criterion).
#
#   benches/compare-baseline.sh save main       # run the benchmarks, store them as baseline "main"
#   benches/compare-baseline.sh compare main    # run them again, compare with "main" (kept as is)
#   benches/compare-baseline.sh compare main plan_20_servers   # only benchmarks matching a regex
#
# Typical use: `save main` on the main branch, switch to a change, `compare main`.
# The machine's load shows in the figures: compare on a quiet machine, and repeat when a change
# is within a few percent.
set -euo pipefail

usage() {
    echo "usage: $0 save NAME [FILTER] | compare NAME [FILTER]" >&2
    exit 2
}

[ $# -ge 2 ] || usage
action=$1
name=$2
filter=${3:-}
cd "$(dirname "$0")/.."

criterion_dir="${CRITERION_HOME:-${CARGO_TARGET_DIR:-target}/criterion}"
log=$(mktemp)
trap 'rm -f "$log"' EXIT

case "$action" in
    save)
        cargo bench -p cloud-tco-bench --bench engine -- --save-baseline "$name" $filter \
            2>&1 | tee "$log"
        echo
        echo "== saved baseline '$name' in $criterion_dir/*/$name =="
        ;;
    compare)
        if ! ls -d "$criterion_dir"/*/"$name" "$criterion_dir"/*/*/"$name" >/dev/null 2>&1; then
            echo "no baseline '$name' under $criterion_dir; first run: $0 save $name" >&2
            exit 1
        fi
        cargo bench -p cloud-tco-bench --bench engine -- --baseline "$name" $filter \
            2>&1 | tee "$log"
        echo
        echo "== comparison with baseline '$name' =="
        ;;
    *)
        usage
        ;;
esac

# A summary: each benchmark's time (and throughput), and against the baseline its change and
# criterion's verdict.
awk '
    /^[A-Za-z_][A-Za-z0-9_\/]* *time:/ { bench = $1; sub(/^[^[]*/, ""); printf "%-26s time   %s\n", bench, $0; next }
    /^[A-Za-z_][A-Za-z0-9_\/]*$/       { bench = $1; next }
    inchange && /time: +\[/            { t = $0; sub(/^[^[]*/, "", t); printf "%-26s change %s\n", bench, t; inchange = 0; next }
    /^ +time: +\[/ && bench != ""      { t = $0; sub(/^[^[]*/, "", t); printf "%-26s time   %s\n", bench, t; next }
    /^ +thrpt: +\[/ && !seen[bench "t"]++ { t = $0; sub(/^[^[]*/, "", t); printf "%-26s thrpt  %s\n", bench, t; next }
    /^ +change: +\[/                   { t = $0; sub(/^[^[]*/, "", t); printf "%-26s change %s\n", bench, t; next }
    /^ +change:/                       { inchange = 1 }
    /Performance has (improved|regressed)|No change in performance|Change within noise/ {
        v = $0; sub(/^ +/, "", v); printf "%-26s %s\n", bench, v; next
    }
' "$log"
