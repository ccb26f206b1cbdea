#!/usr/bin/env bash
# Nova image-gru vs the PyTorch peer (../shared/peers/dense_gru_image.py), back to back on this machine, same
# model, data and optimiser (conf/image-gru-parity.conf: Fashion-MNIST, prior mode, class-conditional, latent 32,
# GRU 256, batch 128, Adam 1e-3, 3 epochs, seed 1234). Prints one line of figures; ratios are what count.
#
#   bench/lib/round-image-gru.sh [STEPS]      (default 1407 = 3 epochs; needs python3-torch and dataset-fashion-mnist,
#                                    see ../shared/peers/README.md)
. "$(dirname "$0")/common.sh"
steps="${1:-1407}"
needs_fashion_mnist
data="$fashion_mnist"
start_round
measure nova "$root/nova" train "$root/conf/image-gru-parity.conf" \
  --set nova.train.steps="$steps" --set nova.train.eval-every="$steps" --set nova.train.log-every=10 \
  --run-dir "$out/run" >"$out/nova.log" 2>&1

measure torch "$PY" "$shared/peers/dense_gru_image.py" --data_dir "$data" \
  --max_steps "$steps" --png "$out/torch-samples.png" >"$out/torch.log" 2>&1

python3 - "$out" <<'PY'
import json, sys
from figures import emit, fashion_mnist_rate, mfu, others, peer, rss
out = sys.argv[1]
a, b, ev, nova_ips = fashion_mnist_rate(out)
torch = peer(out)
t = torch["test_nll_nats_per_image"]
line = (f"image-gru steps={b['step']} | Nova {nova_ips:.0f} images/s, PyTorch {torch['images_per_s']:.0f} images/s, "
      f"ratio {nova_ips / torch['images_per_s']:.2f} | test NLL nats/image Nova {ev['loss']:.2f}, PyTorch {t:.2f} "
      f"({(ev['loss'] / t - 1) * 100:+.2f}%) | diversity ratio Nova {ev.get('diversity-ratio', float('nan')):.3f} | "
      f"peak RSS Nova {rss(out, 'nova'):.0f} MiB, PyTorch {rss(out, 'torch'):.0f} MiB")
text, m = mfu(b, nova_ips, torch['images_per_s'])
emit(line + text + others(out)[0], dict(**others(out)[1], workload="image-gru", steps=b["step"], unit="images/s", nova=nova_ips,
     torch=torch["images_per_s"], ratio=nova_ips / torch["images_per_s"], quality="test NLL nats/image",
     quality_nova=ev["loss"], quality_torch=t, rss_nova=rss(out, "nova"), rss_torch=rss(out, "torch"), **m))
PY
echo "logs: $out"
