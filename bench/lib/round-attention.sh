#!/usr/bin/env bash
# Nova attention against PyTorch, back to back on this machine. Prints one line of figures per part.
#
#   bench/lib/round-attention.sh nanogpt          nanoGPT's CPU configuration (conf/attention-nanogpt.conf) against nanoGPT's
#                                       own train.py, when NANOGPT_DIR names a checkout of it whose
#                                       data/shakespeare_char holds prepare.py's output for tiny-shakespeare
#                                       (otherwise Nova alone): wall time and held-out loss of each
#   bench/lib/round-attention.sh parity [STEPS]   the peer's configuration (conf/attention-parity.conf) against
#                                       ../shared/peers/attention_text.py (default 1000 steps): tokens/s, held-out
#                                       nats/char, peak RSS, batch-1 sampling chars/s (Nova with its KV cache)
#
# Needs python3-torch and python3-numpy (see ../shared/peers/README.md) and ../shared/data/tinyshakespeare.txt.
. "$(dirname "$0")/common.sh"
part="${1:-parity}"
needs_corpus
start_round

if [ "$part" = nanogpt ]; then
  /usr/bin/time -f "%e %M" -o "$out/nova.time" "$root/nova" train "$root/conf/attention-nanogpt.conf" \
    --set plugins.attention.data.path="$corpus" --run-dir "$out/run" >"$out/nova.log" 2>&1
  if [ -n "${NANOGPT_DIR:-}" ]; then
    (cd "$NANOGPT_DIR" && /usr/bin/time -f "%e %M" -o "$out/torch.time" "$PY" train.py config/train_shakespeare_char.py \
      --device=cpu --compile=False --eval_iters=20 --log_interval=1 --block_size=64 --batch_size=12 --n_layer=4 \
      --n_head=4 --n_embd=128 --max_iters=2000 --lr_decay_iters=2000 --dropout=0.0 --out_dir="$out/nanogpt" \
      >"$out/torch.log" 2>&1)
  fi
  python3 - "$out" <<'PY'
import json, os, re, sys
out = sys.argv[1]
recs = [json.loads(l) for l in open(f"{out}/run/metrics.jsonl")]
ev = [r for r in recs if "eval" in r][-1]["eval"]
prog = [r for r in recs if "elapsed_s" in r][-1]
wall, rss = open(f"{out}/nova.time").read().split()
line = (f"attention nanoGPT-config steps={prog['step']} | Nova held-out {ev['loss']:.4f} nats/char (whole held-out tail), "
        f"training {prog['elapsed_s']:.0f} s, process {float(wall):.0f} s, peak RSS {int(rss) / 1024:.0f} MiB")
if os.path.exists(f"{out}/torch.time"):
    twall, trss = open(f"{out}/torch.time").read().split()
    vals = re.findall(r"step (\d+): train loss ([\d.]+), val loss ([\d.]+)", open(f"{out}/torch.log").read())
    line += (f" | nanoGPT val {float(vals[-1][2]):.4f} (20 batches) at step {vals[-1][0]}, process {float(twall):.0f} s, "
             f"peak RSS {int(trss) / 1024:.0f} MiB | wall ratio (nanoGPT / Nova) {float(twall) / float(wall):.2f}")
print(line)
PY
else
  steps="${2:-1000}"
  # 5000 characters: a shorter sample mostly measures the JIT compiling the sampling loop (2000 characters
  # measured 1246 chars/s where 10000 measured 1793 on one model, one machine).
  gen="${GEN:-5000}"
  measure nova "$root/nova" train "$root/conf/attention-parity.conf" \
    --set plugins.attention.data.path="$corpus" --set nova.train.steps="$steps" --set nova.train.eval-every="$steps" \
    --run-dir "$out/run" >"$out/nova.log" 2>&1
  t0=$(date +%s.%N); "$root/nova" generate "$out/run" --length 100 --seed 1 >/dev/null 2>&1; t1=$(date +%s.%N)
  "$root/nova" generate "$out/run" --length $((gen + 100)) --seed 1 >/dev/null 2>&1; t2=$(date +%s.%N)
  measure torch "$PY" "$shared/peers/attention_text.py" --corpus "$corpus" \
    --steps "$steps" --bench_gen 200 >"$out/torch.log" 2>&1
  python3 - "$out" "$t0" "$t1" "$t2" "$gen" <<'PY'
import json, sys
from figures import emit, mfu, nova_run, others, peer, rss
out, t0, t1, t2, gen = sys.argv[1], *map(float, sys.argv[2:5]), int(sys.argv[5])
# Exclude the first 5 steps from timing, as the peer does.
a, b, ev = nova_run(out, 5)
nova_tps = (b["step"] - a["step"]) * 128 * 32 / (b["elapsed_s"] - a["elapsed_s"])
nova_gen = gen / max(1e-9, (t2 - t1) - (t1 - t0))
torch = peer(out)
tgen = torch.get("gen_chars_per_s") or torch.get("bench_gen_chars_per_s") or float("nan")
line = (f"attention parity steps={b['step']} | Nova {nova_tps:.0f} tok/s, PyTorch {torch['tokens_per_s']:.0f} tok/s, "
      f"ratio {nova_tps / torch['tokens_per_s']:.2f} | held-out nats/char Nova {ev['loss']:.4f}, "
      f"PyTorch {torch['heldout_nats_per_char']:.4f} ({(ev['loss'] / torch['heldout_nats_per_char'] - 1) * 100:+.1f}%) | "
      f"peak RSS Nova {rss(out, 'nova'):.0f} MiB, PyTorch {rss(out, 'torch'):.0f} MiB | batch-1 sampling Nova "
      f"{nova_gen:.0f} chars/s (KV cache), PyTorch {tgen:.0f} chars/s (no cache), ratio {nova_gen / tgen:.1f}")
text, m = mfu(b, nova_tps, torch['tokens_per_s'])
emit(line + text + others(out)[0], dict(**others(out)[1], workload="attention", steps=b["step"], unit="tokens/s", nova=nova_tps, torch=torch["tokens_per_s"],
     ratio=nova_tps / torch["tokens_per_s"], quality="held-out nats/char", quality_nova=ev["loss"],
     quality_torch=torch["heldout_nats_per_char"], rss_nova=rss(out, "nova"), rss_torch=rss(out, "torch"),
     sampling_nova=nova_gen, sampling_torch=tgen, **m))
PY
fi
echo "logs: $out"
