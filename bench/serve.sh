#!/usr/bin/env bash
# nova serve under load (issues 28 and 45): K = 4 x workers concurrent clients (loopback only, bounded in time) against
# the text-gru and attention reference models (conf/*-parity.conf sizes; trained briefly here, as speed does not depend
# on training), each sending plain /v1/completions of MAX_TOKENS characters one after another. Each round measures
# nova generate's single-stream rate, then the server generating requests one after another on its workers
# (--batch 1), then the server batching them (--batch B, the default 16): requests/s, characters/s served, p50/p99
# latency, 429s (waited out and retried), errors, lost requests and the server's peak RSS. Prints, from interleaved
# rounds (generate, serve --batch 1, serve --batch B, ...), the median with min and max of: the characters/s served
# over one stream's (issue 45: >= 3 batched), and the batched p99 over the unbatched one.
#
#   bench/serve.sh [ROUNDS] [SECONDS] [MAX_TOKENS]      (3 rounds of 30 s, 400 characters by default; runs are kept
#                                                        in $NOVA_SERVE_RUNS or /tmp/nova-serve; NOVA_SERVE_BATCH=B)
# NOVA_SERVE_GPT2=RUN adds a run of GPT-2 small's shape (for example one step of conf-like settings: 12 x 12 x 768,
# context 1024, data.tokenizer = gpt2), served with $NOVA_SERVE_GPT2_TOKENS (32) tokens per request; figures are then
# tokens, not characters. NOVA_SERVE_ONLY=gpt2 serves it alone.
# Needs ../shared/data/tinyshakespeare.txt (the parity configs' data). Run on a machine with nothing else running.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
rounds="${1:-3}"
seconds="${2:-30}"
tokens="${3:-400}"
workers="${NOVA_SERVE_WORKERS:-2}"
batch="${NOVA_SERVE_BATCH:-16}"
clients=$((4 * workers))
out="${NOVA_SERVE_RUNS:-/tmp/nova-serve}"
mkdir -p "$out"
NOVA_NO_BUILD= ./nova plugins >/dev/null   # build if needed
export NOVA_NO_BUILD=1

for plugin in text-gru attention; do
  [ -d "$out/$plugin/checkpoints" ] || ./nova train "conf/$plugin-parity.conf" --run-dir "$out/$plugin" \
      --set nova.train.steps=100 --set nova.train.eval-every=100 --set nova.train.samples=0 >/dev/null 2>&1
done
models="${NOVA_SERVE_ONLY:-text-gru attention${NOVA_SERVE_GPT2:+ gpt2}}"
run_of() { if [ "$1" = gpt2 ]; then echo "$NOVA_SERVE_GPT2"; else echo "$out/$1"; fi; }

# Characters per second of one nova generate stream: (L - 1) / (t(L) - t(1)), so that JVM start and model load cancel.
generate_rate() {
  local run="$1" n="$2" t0 t1 t2
  t0=$(date +%s.%N); ./nova generate "$run" --prompt "ROMEO:" --length 1 --seed 1 >/dev/null 2>&1
  t1=$(date +%s.%N); ./nova generate "$run" --prompt "ROMEO:" --length "$n" --seed 1 >/dev/null 2>&1
  t2=$(date +%s.%N)
  awk -v n="$n" -v a="$t0" -v b="$t1" -v c="$t2" 'BEGIN { printf "%.0f", (n - 1) / ((c - b) - (b - a)) }'
}

serve_round() {
  local plugin="$1" b="$2" n="$3" log="$out/serve-$plugin.log" pid url line rss
  ./nova serve "$plugin=$(run_of "$plugin")" --port 0 --workers "$workers" --batch "$b" --max-tokens "$n" >"$log" 2>&1 &
  pid=$!
  for _ in $(seq 1 600); do
    url=$(grep -o 'http://127\.0\.0\.1:[0-9]*/' "$log" || true)
    [ -n "$url" ] && break
    kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; exit 1; }
    sleep 0.1
  done
  line=$(java bench/lib/ServeLoad.java "$url" "$plugin" "$clients" "$seconds" "$n")
  jpid=$(pgrep -P "$pid" java || echo "$pid")
  rss=$(awk '/VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$jpid/status" 2>/dev/null || echo "?")
  kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
  echo "$line | peak RSS $rss MiB"
}

median() {
  sort -n | awk '{ a[NR] = $1 } END { printf "median %s (min %s, max %s, %d rounds)", a[int((NR + 1) / 2)], a[1], a[NR], NR }'
}

for plugin in $models; do
  one=(); batched=(); p99=()
  n="$tokens"; length=20000
  if [ "$plugin" = gpt2 ]; then n="${NOVA_SERVE_GPT2_TOKENS:-32}"; length=200; fi
  for r in $(seq 1 "$rounds"); do
    single=$(generate_rate "$(run_of "$plugin")" "$length")
    line1=$(serve_round "$plugin" 1 "$n")
    lineb=$(serve_round "$plugin" "$batch" "$n")
    s1=$(sed -E 's/.* ([0-9]+) chars\/s.*/\1/' <<<"$line1")
    sb=$(sed -E 's/.* ([0-9]+) chars\/s.*/\1/' <<<"$lineb")
    q1=$(sed -E 's/.*p99 ([0-9.]+) s.*/\1/' <<<"$line1")
    qb=$(sed -E 's/.*p99 ([0-9.]+) s.*/\1/' <<<"$lineb")
    one+=("$(awk -v s="$s1" -v g="$single" 'BEGIN { printf "%.2f", s / g }')")
    batched+=("$(awk -v s="$sb" -v g="$single" 'BEGIN { printf "%.2f", s / g }')")
    p99+=("$(awk -v a="$qb" -v b="$q1" 'BEGIN { printf "%.2f", a / b }')")
    echo "$plugin round $r: nova generate $single chars/s"
    echo "  serve, $workers workers, --batch 1: $line1"
    echo "  serve, $workers workers, --batch $batch: $lineb"
  done
  echo "$plugin: chars/s served / one stream's, --batch 1: $(printf '%s\n' "${one[@]}" | median)"
  echo "$plugin: chars/s served / one stream's, --batch $batch: $(printf '%s\n' "${batched[@]}" | median)"
  echo "$plugin: p99 latency, --batch $batch / --batch 1: $(printf '%s\n' "${p99[@]}" | median)"
done
