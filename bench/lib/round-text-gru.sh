#!/usr/bin/env bash
# Nova text-gru vs the PyTorch peer (../shared/peers/gru_text.py), back to back on this machine, same
# hyper-parameters and data split (conf/text-gru-parity.conf). Prints one line of figures; ratios are what count.
#
#   bench/lib/round-text-gru.sh [STEPS]      (default 1000; needs python3-torch, see ../shared/peers/README.md)
. "$(dirname "$0")/common.sh"
steps="${1:-1000}"
gen=10000
needs_corpus
start_round
# Nova: train, then time batch-1 sampling as the difference of two generate runs (cancels JVM start-up).
measure nova "$root/nova" train "$root/conf/text-gru-parity.conf" \
  --set nova.train.steps="$steps" --set nova.train.eval-every="$steps" --set nova.train.log-every=10 \
  --set nova.train.samples=0 --run-dir "$out/run" >"$out/nova.log" 2>&1
t0=$(date +%s.%N); "$root/nova" generate "$out/run" --length 100 --seed 1 >/dev/null 2>&1; t1=$(date +%s.%N)
"$root/nova" generate "$out/run" --length $((gen + 100)) --seed 1 >/dev/null 2>&1; t2=$(date +%s.%N)

# PyTorch peer.
measure torch "$PY" "$shared/peers/gru_text.py" --corpus "$corpus" --steps "$steps" \
  --bench_gen "$gen" >"$out/torch.log" 2>&1

python3 - "$out" "$t0" "$t1" "$t2" "$gen" <<'PY'
import json, sys
from figures import emit, mfu, nova_run, others, peer, rss
out, t0, t1, t2, gen = sys.argv[1], *map(float, sys.argv[2:5]), int(sys.argv[5])
# Exclude the first 10 steps from timing, as the peer does.
a, b, ev = nova_run(out, 10)
nova_tps = (b["step"] - a["step"]) * 64 * 32 / (b["elapsed_s"] - a["elapsed_s"])
nova_gen = gen / max(1e-9, (t2 - t1) - (t1 - t0))
torch = peer(out)
line = (f"text-gru steps={b['step']} | Nova {nova_tps:.0f} tok/s, PyTorch {torch['tokens_per_s']:.0f} tok/s, "
      f"ratio {nova_tps / torch['tokens_per_s']:.2f} | held-out nats/char Nova {ev['loss']:.4f}, "
      f"PyTorch {torch['heldout_nats_per_char']:.4f} ({(ev['loss'] / torch['heldout_nats_per_char'] - 1) * 100:+.1f}%) | "
      f"peak RSS Nova {rss(out, 'nova'):.0f} MiB, PyTorch {rss(out, 'torch'):.0f} MiB | "
      f"batch-1 sampling Nova {nova_gen:.0f} chars/s, PyTorch {torch['gen_chars_per_s']:.0f} chars/s, "
      f"ratio {nova_gen / torch['gen_chars_per_s']:.2f}")
text, m = mfu(b, nova_tps, torch['tokens_per_s'])
emit(line + text + others(out)[0], dict(**others(out)[1], workload="text-gru", steps=b["step"], unit="tokens/s", nova=nova_tps, torch=torch["tokens_per_s"],
     ratio=nova_tps / torch["tokens_per_s"], quality="held-out nats/char", quality_nova=ev["loss"],
     quality_torch=torch["heldout_nats_per_char"], rss_nova=rss(out, "nova"), rss_torch=rss(out, "torch"),
     sampling_nova=nova_gen, sampling_torch=torch["gen_chars_per_s"], **m))
PY
echo "logs: $out"
