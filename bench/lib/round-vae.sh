#!/usr/bin/env bash
# Nova vae vs the PyTorch peer (../shared/peers/vae.py), back to back on this machine, same hyper-parameters and
# data (conf/vae-parity.conf: Fashion-MNIST, 784-512-256-z32, Bernoulli, batch 128, Adam 1e-3, 5 epochs).
# Prints one line of figures; ratios are what count.
#
#   bench/lib/round-vae.sh [STEPS]      (default 2345 = 5 epochs; needs python3-torch and dataset-fashion-mnist,
#                              see ../shared/peers/README.md)
. "$(dirname "$0")/common.sh"
steps="${1:-2345}"
needs_fashion_mnist
data="$fashion_mnist"
start_round
measure nova "$root/nova" train "$root/conf/vae-parity.conf" \
  --set nova.train.steps="$steps" --set nova.train.eval-every="$steps" --set nova.train.log-every=10 \
  --set nova.train.samples=64 --run-dir "$out/run" >"$out/nova.log" 2>&1

measure torch "$PY" "$shared/peers/vae.py" --data_dir "$data" --max_steps "$steps" \
  --png "$out/torch-samples.png" >"$out/torch.log" 2>&1

python3 - "$out" <<'PY'
import json, sys
from figures import emit, fashion_mnist_rate, mfu, others, peer, rss
out = sys.argv[1]
a, b, ev, nova_ips = fashion_mnist_rate(out)
torch = peer(out)
t = torch["test_neg_elbo_nats_per_image"]
line = (f"vae steps={b['step']} | Nova {nova_ips:.0f} images/s, PyTorch {torch['images_per_s']:.0f} images/s, "
      f"ratio {nova_ips / torch['images_per_s']:.2f} | test -ELBO nats/image Nova {ev['loss']:.2f} "
      f"(rec {ev['reconstruction']:.2f} + KL {ev['kl']:.2f}), PyTorch {t:.2f} (rec {torch['test_recon_nats_per_image']:.2f}"
      f" + KL {torch['test_kl_nats_per_image']:.2f}) ({(ev['loss'] / t - 1) * 100:+.2f}%) | "
      f"peak RSS Nova {rss(out, 'nova'):.0f} MiB, PyTorch {rss(out, 'torch'):.0f} MiB")
text, m = mfu(b, nova_ips, torch['images_per_s'])
emit(line + text + others(out)[0], dict(**others(out)[1], workload="vae", steps=b["step"], unit="images/s", nova=nova_ips, torch=torch["images_per_s"],
     ratio=nova_ips / torch["images_per_s"], quality="test -ELBO nats/image", quality_nova=ev["loss"], quality_torch=t,
     rss_nova=rss(out, "nova"), rss_torch=rss(out, "torch"), **m))
PY
echo "logs: $out"
