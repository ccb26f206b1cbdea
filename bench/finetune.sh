#!/usr/bin/env bash
# Pretrain, then fine-tune (issue 26; README "Pretrain, then fine-tune"): for each text plugin, pretrain on the King
# James Bible (Debian's bible-kjv, 4.1 MB), then train on 100 KB of poems and songs (Debian's fortunes,
# songs-poems) three ways with the same run file and steps: fine-tuned from the pretrained run, from scratch, and the
# pretrained model unchanged (fine-tuned with every parameter frozen, one step). Prints the held-out loss of each on
# the poems' held-out tenth, the fine-tuning run's wall time, and a sample. A pretrained run already in the output
# folder is reused.
#
#   bench/finetune.sh [PLUGIN...]          (attention text-gru by default; runs in $NOVA_FINETUNE_RUNS or
#                                           /tmp/nova-finetune)
# Needs: apt-get install -y bible-kjv fortunes
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
plugins=("$@")
[ ${#plugins[@]} -gt 0 ] || plugins=(attention text-gru)
out="${NOVA_FINETUNE_RUNS:-/tmp/nova-finetune}"
mkdir -p "$out" corpora
command -v bible >/dev/null || { echo "bench/finetune.sh: needs Debian's bible-kjv (apt-get install -y bible-kjv fortunes)" >&2; exit 2; }
[ -r /usr/share/games/fortunes/songs-poems ] || { echo "bench/finetune.sh: needs Debian's fortunes (apt-get install -y fortunes)" >&2; exit 2; }
[ -s corpora/kjv.txt ] || bible -f Gen1:1-Rev22:21 | sed -E 's/^[1-3]?[A-Z][a-z]*[0-9]+:[0-9]+ //' >corpora/kjv.txt
[ -s corpora/poems.txt ] || head -c 100000 /usr/share/games/fortunes/songs-poems >corpora/poems.txt
NOVA_NO_BUILD= ./nova plugins >/dev/null   # build if needed
export NOVA_NO_BUILD=1
held_out() { python3 -c 'import json,sys; print(round([json.loads(l) for l in open(sys.argv[1]) if "\"eval\"" in l][-1]["eval"]["loss"], 4))' "$1/metrics.jsonl"; }
for p in "${plugins[@]}"; do
  if [ ! -d "$out/$p-kjv/checkpoints" ]; then
    ./nova train "conf/$p-pretrain.conf" --run-dir "$out/$p-kjv" 2>&1 | grep -E "^eval|done|nova:" || true
  fi
  rm -rf "$out/$p-finetuned" "$out/$p-scratch" "$out/$p-pretrained"
  t0=$(date +%s)
  ./nova train "conf/$p-finetune.conf" --init-from "$out/$p-kjv" --run-dir "$out/$p-finetuned" 2>&1 | grep -E "^eval|nova:" || true
  t1=$(date +%s)
  ./nova train "conf/$p-finetune.conf" --run-dir "$out/$p-scratch" 2>&1 | grep -E "^eval|nova:" || true
  ./nova train "conf/$p-finetune.conf" --init-from "$out/$p-kjv" --run-dir "$out/$p-pretrained" --set nova.train.steps=1 \
    --set nova.train.eval-every=1 --set 'nova.finetune.freeze=["*"]' 2>&1 | grep -E "^eval|nova:" || true
  steps=$(python3 -c 'import json,sys; print([json.loads(l) for l in open(sys.argv[1]) if "\"eval\"" in l][-1]["step"])' "$out/$p-finetuned/metrics.jsonl")
  echo
  echo "## $p: held-out loss (nats/char) on the last 10% of corpora/poems.txt"
  echo "| model | steps on poems | held-out loss |"
  echo "|---|---|---|"
  echo "| pretrained on KJV, not fine-tuned | 0 | $(held_out "$out/$p-pretrained") |"
  echo "| from scratch | $steps | $(held_out "$out/$p-scratch") |"
  echo "| pretrained, then fine-tuned | $steps | $(held_out "$out/$p-finetuned") |"
  echo "fine-tuning run: $((t1 - t0)) s wall time, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "sample of the fine-tuned model (seed 1):"
  ./nova generate "$out/$p-finetuned" --length 300 --seed 1 2>/dev/null | sed 's/^/    /'
done
