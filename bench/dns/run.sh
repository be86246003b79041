#!/usr/bin/env bash
# dnsperf against michi and against knotd serving the same records (10 000
# services), same machine, same run, alternating rounds. Prints QPS, the
# ratio, lost queries and latency per round. Needs: knot, dnsperf, dnsutils.
# Usage: bench/dns/run.sh   (env: DURATION=10 ROUNDS=2 WORKERS=2 SERVICES=10000)
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${OUT:-/tmp/michi-dns-bench}
KNOT_PORT=${KNOT_PORT:-5354}
MICHI_PORT=${MICHI_PORT:-5355}
DURATION=${DURATION:-10}
ROUNDS=${ROUNDS:-2}
WORKERS=${WORKERS:-2}
SERVICES=${SERVICES:-10000}
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

printf '%-6s %-6s %12s %10s %10s %6s  %s\n' round server qps sent completed lost "avg latency (s) (min max)"
for r in $(seq 1 "$ROUNDS"); do
  for target in knot michi; do
    port=$KNOT_PORT; [ "$target" = michi ] && port=$MICHI_PORT
    dnsperf -s 127.0.0.1 -p "$port" -d "$OUT/queries.txt" -l "$DURATION" -c 4 -q 256 -t 2 >"$OUT/$target-$r.txt" 2>&1
    read -r qps sent completed lost lat <<<"$(summary "$OUT/$target-$r.txt")"
    printf '%-6s %-6s %12s %10s %10s %6s  %s\n' "$r" "$target" "$qps" "$sent" "$completed" "$lost" "$lat"
    echo "$target $qps $lost" >>"$OUT/results"
  done
done
awk '{q[$1]+=$2; n[$1]++; l[$1]+=$3} END {k=q["knot"]/n["knot"]; m=q["michi"]/n["michi"]; printf "mean qps: knot %.0f, michi %.0f, ratio michi/knot %.2f; lost: knot %d, michi %d\n", k, m, m/k, l["knot"], l["michi"]}' "$OUT/results"
