#!/usr/bin/env bash
# Real model sizes (issue 46): one training step of the attention plugin at the issue's shape (12 blocks, 12 heads,
# width 768, context 1,024, batch 1, tiny-shakespeare's characters: 85M parameters; AdamW) against the PyTorch peer
# (../shared/peers/attention_text.py) at the same shape, in interleaved rounds (Nova, peer, Nova, peer, ...), as medians
# with min and max:
#   - seconds per training step (Nova: metrics.jsonl's clock from step 2 to the last; the peer: its timed steps, after
#     2 warm-up steps);
#   - peak RSS of the whole process (/usr/bin/time);
#   - Nova's checkpoint write (the last latest.ckpt, parameters and Adam's moments), as seconds per GB.
# Every line names the CPU seconds other processes took while it ran: a figure taken beside other work is not one.
# Targets (issue 46): a step no slower than the peer's; peak RSS at most the peer's; a checkpoint written at 5 s per
# GB or better.
#
#   bench/large-train.sh [--rounds R] [--steps S]      (R defaults to 3, S to 6)
#
# Needs Debian's python3-torch and libopenblas0-pthread (../shared/peers/README.md). About 2 GB of disk.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
rounds=3
steps=6
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --steps) steps="$2"; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench/large-train.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
peers="$root/../shared/peers"
data="$root/../shared/data/tinyshakespeare.txt"
[ -f "$peers/attention_text.py" ] && [ -f "$data" ] || { echo "bench: $peers/attention_text.py or $data not found" >&2; exit 2; }
/usr/bin/python3 -c 'import torch' 2>/dev/null || { echo "bench: python3-torch not installed (apt-get install" \
  "python3-torch libopenblas0-pthread)" >&2; exit 2; }
work="$root/target/bench-large-train"
mkdir -p "$work"
(cd "$root" && NOVA_NO_BUILD= ./nova plugins >/dev/null)   # build if needed, outside the timings
. "$peers/peer_env.sh"
NOVA_NO_BUILD=1 python3 - "$root" "$work" "$rounds" "$steps" "$peers/attention_text.py" "$data" <<'PY'
import json, os, resource, shutil, statistics, subprocess, sys, time

root, work, rounds, steps, peer, data = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6]
shape = {"layers": 12, "heads": 12, "width": 768, "context": 1024, "batch": 1}

sys.path.insert(0, os.path.join(root, "bench", "lib"))
from sides import run, span  # noqa: E402

run_dir = os.path.join(work, "run")
nova_cmd = [os.path.join(root, "nova"), "train", "--plugin", "attention", "--run-dir", run_dir,
            "--set", f"plugins.attention.data.path={data}", "--set", "plugins.attention.data.holdout=0.01",
            "--set", f"plugins.attention.model.layers={shape['layers']}", "--set", f"plugins.attention.model.heads={shape['heads']}",
            "--set", f"plugins.attention.model.d-model={shape['width']}", "--set", f"plugins.attention.model.context={shape['context']}",
            "--set", f"plugins.attention.train.batch={shape['batch']}", "--set", "plugins.attention.eval.windows=1",
            "--set", f"nova.train.steps={steps}", "--set", f"nova.train.eval-every={steps}", "--set", "nova.train.log-every=1",
            "--set", "nova.train.samples=0", "--set", "nova.seed=1234"]
peer_cmd = [os.environ.get("PY", "/usr/bin/python3"), peer, "--corpus", data, "--heldout_frac", "0.01",
            "--layers", str(shape["layers"]), "--heads", str(shape["heads"]), "--d_model", str(shape["width"]),
            "--context", str(shape["context"]), "--batch", str(shape["batch"]), "--steps", str(steps), "--warmup", "2",
            "--log_every", "0", "--eval_batch", "1", "--sample_len", "1", "--threads", "2"]
f = {k: [] for k in ("nova_step", "nova_rss", "nova_ckpt", "peer_step", "peer_rss", "others")}
params = None
for r in range(rounds):
    shutil.rmtree(run_dir, ignore_errors=True)
    p, wall, rss, o1 = run(nova_cmd)
    clock = {}
    for line in open(os.path.join(run_dir, "metrics.jsonl")):
        rec = json.loads(line)
        if "elapsed_s" in rec:
            clock[rec["step"]] = rec["elapsed_s"]
    step = (clock[steps] - clock[2]) / (steps - 2)
    done = [l for l in p.stderr.splitlines() if l.startswith("nova: done at step")][-1]
    gb, secs = done.split("(the last: ")[1].rstrip(")").split(" GB in ")
    per_gb = float(secs.rstrip(" s")) / float(gb)
    f["nova_step"].append(step); f["nova_rss"].append(rss); f["nova_ckpt"].append(per_gb)
    print(f"round {r + 1} nova: {step:.2f} s/step, peak RSS {rss:.2f} GiB, checkpoint {gb} GB at {per_gb:.2f} s/GB;"
          f" others took {o1:.1f} CPU s", flush=True)
    p, wall, rss, o2 = run(peer_cmd)
    res = json.loads(p.stdout.strip().splitlines()[-1])
    params = res["params"]
    pstep = res["train_seconds"] / res["timed_steps"]
    f["peer_step"].append(pstep); f["peer_rss"].append(rss); f["others"].append(o1 + o2)
    print(f"round {r + 1} peer: {pstep:.2f} s/step, peak RSS {rss:.2f} GiB; others took {o2:.1f} CPU s", flush=True)
print(f"\nattention at {shape['layers']} x {shape['heads']} x {shape['width']}, context {shape['context']}, batch"
      f" {shape['batch']} ({params / 1e6:.1f}M parameters), {steps} steps, {rounds} interleaved rounds")
print(f"nova: {span(f['nova_step'])} s/step, peak RSS {span(f['nova_rss'])} GiB, checkpoint {span(f['nova_ckpt'])} s/GB")
print(f"peer: {span(f['peer_step'])} s/step, peak RSS {span(f['peer_rss'])} GiB")
sr = [p / n for n, p in zip(f["nova_step"], f["peer_step"])]
rr = [n / p for n, p in zip(f["nova_rss"], f["peer_rss"])]
print(f"step: nova {span(sr)}x the peer's speed (target: at least 1: {'met' if statistics.median(sr) >= 1 else 'not met'})")
print(f"peak RSS: nova {span(rr)}x the peer's (target: at most 1: {'met' if statistics.median(rr) <= 1 else 'not met'})")
print(f"checkpoint write: {span(f['nova_ckpt'])} s/GB (target: at most 5: "
      f"{'met' if statistics.median(f['nova_ckpt']) <= 5 else 'not met'}); others' CPU per round {span(f['others'], '{:.1f}')} s")
PY
