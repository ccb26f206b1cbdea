#!/usr/bin/env bash
# nova serve under load (issue 28): K = 4 x workers concurrent clients (loopback only, bounded in time) against the
# text-gru and attention reference models (conf/*-parity.conf sizes; trained briefly here, as speed does not depend on
# training), each sending plain /v1/completions of MAX_TOKENS characters one after another. Prints requests/s,
# characters/s served, p50/p99 latency, 429s (waited out and retried), errors, lost requests and the server's peak
# RSS; and the ratio of the characters/s served to nova generate's single-stream rate x workers, from interleaved
# rounds (generate, serve, generate, serve, ...), median with min and max.
#
#   bench/serve.sh [ROUNDS] [SECONDS] [MAX_TOKENS]      (3 rounds of 30 s, 400 characters by default; runs are kept
#                                                        in $NOVA_SERVE_RUNS or /tmp/nova-serve)
# Needs ../shared/data/tinyshakespeare.txt (the parity configs' data). Run on a machine with nothing else running.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
rounds="${1:-3}"
seconds="${2:-30}"
tokens="${3:-400}"
workers="${NOVA_SERVE_WORKERS:-2}"
clients=$((4 * workers))
out="${NOVA_SERVE_RUNS:-/tmp/nova-serve}"
mkdir -p "$out"
NOVA_NO_BUILD= ./nova plugins >/dev/null   # build if needed
export NOVA_NO_BUILD=1

for plugin in text-gru attention; do
  [ -d "$out/$plugin/checkpoints" ] || ./nova train "conf/$plugin-parity.conf" --run-dir "$out/$plugin" \
      --set nova.train.steps=100 --set nova.train.eval-every=100 --set nova.train.samples=0 >/dev/null 2>&1
done

# Characters per second of one nova generate stream: (L - 1) / (t(L) - t(1)), so that JVM start and model load cancel.
generate_rate() {
  local run="$1" n="$2" t0 t1 t2
  t0=$(date +%s.%N); ./nova generate "$run" --prompt "ROMEO:" --length 1 --seed 1 >/dev/null 2>&1
  t1=$(date +%s.%N); ./nova generate "$run" --prompt "ROMEO:" --length "$n" --seed 1 >/dev/null 2>&1
  t2=$(date +%s.%N)
  awk -v n="$n" -v a="$t0" -v b="$t1" -v c="$t2" 'BEGIN { printf "%.0f", (n - 1) / ((c - b) - (b - a)) }'
}

serve_round() {
  local plugin="$1" log="$out/serve-$plugin.log" pid url line rss
  ./nova serve "$plugin=$out/$plugin" --port 0 --workers "$workers" --max-tokens "$tokens" >"$log" 2>&1 &
  pid=$!
  for _ in $(seq 1 600); do
    url=$(grep -o 'http://127\.0\.0\.1:[0-9]*/' "$log" || true)
    [ -n "$url" ] && break
    kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; exit 1; }
    sleep 0.1
  done
  line=$(java bench/lib/ServeLoad.java "$url" "$plugin" "$clients" "$seconds" "$tokens")
  jpid=$(pgrep -P "$pid" java || echo "$pid")
  rss=$(awk '/VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$jpid/status" 2>/dev/null || echo "?")
  kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
  echo "$line | peak RSS $rss MiB"
}

for plugin in text-gru attention; do
  ratios=()
  for r in $(seq 1 "$rounds"); do
    single=$(generate_rate "$out/$plugin" 20000)
    line=$(serve_round "$plugin")
    served=$(sed -E 's/.* ([0-9]+) chars\/s.*/\1/' <<<"$line")
    ratio=$(awk -v s="$served" -v g="$single" -v w="$workers" 'BEGIN { printf "%.2f", s / (g * w) }')
    ratios+=("$ratio")
    echo "$plugin round $r: nova generate $single chars/s | serve, $workers workers: $line | ratio $ratio"
  done
  printf '%s\n' "${ratios[@]}" | sort -n | awk -v p="$plugin" -v w="$workers" '{ a[NR] = $1 }
    END { printf "%s: served chars/s / (generate chars/s x %d workers): median %s (min %s, max %s, %d rounds)\n",
          p, w, a[int((NR + 1) / 2)], a[1], a[NR], NR }'
done
