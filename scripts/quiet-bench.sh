#!/usr/bin/env bash
# scripts/quiet-bench.sh CHECKOUT LOG [N]: on an idle machine, the bench N times (tebiki and
# Typst side by side), then 5,000 clinics end to end three times on tmpfs and
# three on the disk, each into a new folder (deleted only after the next run).
# The shared folder (../shared beside the repository) may be set with SHARED=DIR.
# Used for the README's quiet-machine figures (README, "Speed").
set -u
co=$1; log=$2; n=${3:-5}
shared=${SHARED:-$(cd "$(dirname "$0")/../../shared" && pwd)}
log=$(realpath -m "$log")
cd "$co" || exit 1
export TEBIKI_SCALE_GEN=$shared/bench/scale/gen.py TEBIKI_TYPST_DIR=$shared/bench/typst
exec >> "$log" 2>&1
echo "== start $(date -u +%H:%M:%S) $(git rev-parse --short HEAD) loadavg $(cut -d' ' -f1-3 /proc/loadavg)"
for i in $(seq "$n"); do
  echo "-- bench $i $(date -u +%H:%M:%S) loadavg $(cut -d' ' -f1-3 /proc/loadavg)"
  cargo bench --bench build 2>&1 | grep -v "^\s*Compiling\|Finished\|Running"
done
python3 "$shared/bench/scale/gen.py" 5000 /dev/shm/c5k.csv
prev=""
for where in /dev/shm/q5k "$co/target/q5k"; do
  for i in 1 2 3; do
    d="$where-$i-$(date +%s)"
    echo "-- 5000 into $d $(date -u +%H:%M:%S) loadavg $(cut -d' ' -f1-3 /proc/loadavg)"
    /usr/bin/time -f "%e s wall %U u %S s %M KB" target/release/tebiki build --today 2026-11-24 \
      --clinics /dev/shm/c5k.csv --out "$d" > /dev/null 2> /tmp/q5k.err
    tail -1 /tmp/q5k.err
    [ -n "$prev" ] && rm -rf "$prev"
    prev=$d
  done
done
rm -rf "$prev"
echo "== end $(date -u +%H:%M:%S)"
