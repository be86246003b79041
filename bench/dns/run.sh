#!/usr/bin/env bash
# dnsperf against michi and against knotd serving the same records (10 000
# services), same machine, same run, alternating rounds. Prints QPS, the
# ratio, lost queries and latency per round, and the server's CPU time per
# answered query (user+system of the server's processes over the round: steadier
# than QPS on a shared machine). Needs: knot, dnsperf, dnsutils.
# Usage: bench/dns/run.sh   (env: DURATION=10 ROUNDS=2 WORKERS=2 SERVICES=10000 CLIENTS=4 OUTSTANDING=256 WARMUP=3)
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${OUT:-/tmp/michi-dns-bench}
KNOT_PORT=${KNOT_PORT:-5354}
MICHI_PORT=${MICHI_PORT:-5355}
DURATION=${DURATION:-10}
ROUNDS=${ROUNDS:-2}
WORKERS=${WORKERS:-2}
SERVICES=${SERVICES:-10000}
CLIENTS=${CLIENTS:-4}
OUTSTANDING=${OUTSTANDING:-256}
WARMUP=${WARMUP:-3}
for tool in knotd dnsperf dig; do command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install knot dnsperf dnsutils)"; exit 1; }; done
rm -rf "$OUT" && mkdir -p "$OUT/db"
node --import tsx bench/dns/generate.ts "$OUT" "$KNOT_PORT" "$SERVICES"

knotd -c "$OUT/knot.conf" 2>"$OUT/knot.log" & KNOT=$!
node --import tsx bench/dns/michi-server.ts "$MICHI_PORT" "$SERVICES" "$WORKERS" >"$OUT/michi.log" 2>&1 & MICHI=$!
trap 'kill $KNOT $MICHI 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do grep -q ready "$OUT/michi.log" 2>/dev/null && break; sleep 0.5; done
grep -q ready "$OUT/michi.log" || { echo "michi did not start"; cat "$OUT/michi.log"; exit 1; }
for _ in $(seq 1 40); do dig @127.0.0.1 -p "$KNOT_PORT" +short +time=1 +tries=1 svc-1.ns-1.svc.cluster.local | grep -q . && break; sleep 0.25; done

# Same answers from both (sorted, TTL included), or the comparison means nothing.
for name in svc-1.ns-1.svc.cluster.local svc-9.ns-9.svc.cluster.local svc-9999.ns-99.svc.cluster.local nope-10.ns-10.svc.cluster.local; do
  a=$(dig @127.0.0.1 -p "$KNOT_PORT" +noall +answer +authority "$name" | sort)
  b=$(dig @127.0.0.1 -p "$MICHI_PORT" +noall +answer +authority "$name" | sort)
  [ "$a" = "$b" ] || { echo "answers differ for $name:"; echo "knot:  $a"; echo "michi: $b"; exit 1; }
done
echo "answers identical for sample names; cores: $(nproc); load: $(cut -d' ' -f1-3 /proc/loadavg)"

# CPU ticks (user+system) of a process and its children (michi's cluster workers; knot's threads are in its own).
ticks() {
  local t=0 s
  for p in "$1" $(pgrep -P "$1" || true); do
    s=$(awk '{print $14+$15}' "/proc/$p/stat" 2>/dev/null || echo 0)
    t=$((t + s))
  done
  echo "$t"
}
HZ=$(getconf CLK_TCK)

summary() {
  local f=$1
  local sent completed lost qps lat
  sent=$(awk '/Queries sent:/{print $3}' "$f")
  completed=$(awk '/Queries completed:/{print $3}' "$f")
  lost=$(awk '/Queries lost:/{print $3}' "$f")
  qps=$(awk '/Queries per second:/{print $4}' "$f")
  lat=$(awk '/Average Latency/{print $4" "$5" "$6" "$7" "$8}' "$f")
  echo "$qps $sent $completed $lost $lat"
}

# Not counted: one pass over the query file for each server first (michi's JIT and answer cache warm up).
for port in "$KNOT_PORT" "$MICHI_PORT"; do
  dnsperf -s 127.0.0.1 -p "$port" -d "$OUT/queries.txt" -l "$WARMUP" -c "$CLIENTS" -q "$OUTSTANDING" -t 2 >/dev/null 2>&1
done
echo "dnsperf -c $CLIENTS -q $OUTSTANDING -l $DURATION; michi workers: $WORKERS; knot udp-workers: 2"
printf '%-6s %-6s %12s %10s %10s %6s %9s  %s\n' round server qps sent completed lost "cpu us/q" "avg latency (s) (min max)"
for r in $(seq 1 "$ROUNDS"); do
  for target in knot michi; do
    port=$KNOT_PORT pid=$KNOT; [ "$target" = michi ] && port=$MICHI_PORT pid=$MICHI
    before=$(ticks "$pid")
    dnsperf -s 127.0.0.1 -p "$port" -d "$OUT/queries.txt" -l "$DURATION" -c "$CLIENTS" -q "$OUTSTANDING" -t 2 >"$OUT/$target-$r.txt" 2>&1
    after=$(ticks "$pid")
    read -r qps sent completed lost lat <<<"$(summary "$OUT/$target-$r.txt")"
    cpu=$(awk -v t=$((after - before)) -v hz="$HZ" -v n="$completed" 'BEGIN {printf "%.1f", (n > 0 ? t / hz * 1e6 / n : 0)}')
    printf '%-6s %-6s %12s %10s %10s %6s %9s  %s\n' "$r" "$target" "$qps" "$sent" "$completed" "$lost" "$cpu" "$lat"
    echo "$target $qps $lost $cpu" >>"$OUT/results"
  done
done
awk '{q[$1]+=$2; n[$1]++; l[$1]+=$3; c[$1]+=$4} END {k=q["knot"]/n["knot"]; m=q["michi"]/n["michi"]; printf "mean qps: knot %.0f, michi %.0f, ratio michi/knot %.2f; lost: knot %d, michi %d; cpu per query: knot %.1f us, michi %.1f us\n", k, m, m/k, l["knot"], l["michi"], c["knot"]/n["knot"], c["michi"]/n["michi"]}' "$OUT/results"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
