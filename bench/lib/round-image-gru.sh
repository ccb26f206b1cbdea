#!/usr/bin/env bash
# Nova image-gru vs the PyTorch peer (../shared/peers/dense_gru_image.py), back to back on this machine, same
# model, data and optimiser (conf/image-gru-parity.conf: Fashion-MNIST, prior mode, class-conditional, latent 32,
# GRU 256, batch 128, Adam 1e-3, 3 epochs, seed 1234). Prints one line of figures; ratios are what count.
#
#   bench/lib/round-image-gru.sh [STEPS]      (default 1407 = 3 epochs; needs python3-torch and dataset-fashion-mnist,
#                                    see ../shared/peers/README.md)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
shared="$(cd "$root/../shared" && pwd)"
steps="${1:-1407}"
data=/usr/share/datasets/fashion-mnist
[ -f "$data/train-images-idx3-ubyte.gz" ] || { echo "bench: $data not found (apt-get install dataset-fashion-mnist)" >&2; exit 2; }
out="$(mktemp -d /tmp/nova-bench.XXXXXX)"
. "$shared/peers/peer_env.sh"
export OMP_WAIT_POLICY=PASSIVE

(cd "$root" && NOVA_NO_BUILD= ./nova plugins >/dev/null)   # build if needed, outside the timings
export NOVA_NO_BUILD=1
export PEAK_GFLOPS="${PEAK_GFLOPS:-$(bash "$root/bench/lib/peak.sh")}"
/usr/bin/time -f "%M" -o "$out/nova.rss" "$root/nova" train "$root/conf/image-gru-parity.conf" \
  --set nova.train.steps="$steps" --set nova.train.eval-every="$steps" --set nova.train.log-every=10 \
  --run-dir "$out/run" >"$out/nova.log" 2>&1

/usr/bin/time -f "%M" -o "$out/torch.rss" "$PY" "$shared/peers/dense_gru_image.py" --data_dir "$data" \
  --max_steps "$steps" --png "$out/torch-samples.png" >"$out/torch.log" 2>&1

PYTHONPATH="$root/bench/lib" python3 - "$out" <<'PY'
import json, sys
from figures import emit, mfu
out = sys.argv[1]
recs = [json.loads(l) for l in open(f"{out}/run/metrics.jsonl")]
prog = [r for r in recs if "elapsed_s" in r]
ev = [r for r in recs if "eval" in r][-1]["eval"]
# Exclude the first 10 steps from timing, as the peer does; every step but an epoch's last holds 128 images.
a = next(r for r in prog if r["step"] >= 10); b = prog[-1]
images = sum(min(128, 60000 - (s % 469) * 128) for s in range(a["step"], b["step"]))
nova_ips = images / (b["elapsed_s"] - a["elapsed_s"])
torch = json.loads(open(f"{out}/torch.log").read().strip().splitlines()[-1])
t = torch["test_nll_nats_per_image"]
rss = lambda f: int(open(f"{out}/{f}").read().split()[-1]) / 1024
line = (f"image-gru steps={b['step']} | Nova {nova_ips:.0f} images/s, PyTorch {torch['images_per_s']:.0f} images/s, "
      f"ratio {nova_ips / torch['images_per_s']:.2f} | test NLL nats/image Nova {ev['loss']:.2f}, PyTorch {t:.2f} "
      f"({(ev['loss'] / t - 1) * 100:+.2f}%) | diversity ratio Nova {ev.get('diversity-ratio', float('nan')):.3f} | "
      f"peak RSS Nova {rss('nova.rss'):.0f} MiB, PyTorch {rss('torch.rss'):.0f} MiB")
text, m = mfu(b, nova_ips, torch['images_per_s'])
emit(line + text, dict(workload="image-gru", steps=b["step"], unit="images/s", nova=nova_ips,
     torch=torch["images_per_s"], ratio=nova_ips / torch["images_per_s"], quality="test NLL nats/image",
     quality_nova=ev["loss"], quality_torch=t, rss_nova=rss("nova.rss"), rss_torch=rss("torch.rss"), **m))
PY
echo "logs: $out"
