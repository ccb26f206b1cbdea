#!/usr/bin/env bash
# Pretrain, then fine-tune (issue 26; README "Pretrain, then fine-tune"). Text plugins: pretrain on the King James
# Bible (Debian's bible-kjv, 4.1 MB), then train on 100 KB of poems and songs (Debian's fortunes, songs-poems). vae:
# pretrain on Fashion-MNIST, then train on the letters A to J drawn in every installed TrueType and OpenType font
# (a notMNIST in small; ImageMagick). Each three ways with the same run file and steps: fine-tuned from the
# pretrained run, from scratch, and the pretrained model unchanged (fine-tuned with every parameter frozen, one
# step). Prints the held-out loss of each (nats per character; -ELBO in nats per image), the fine-tuning run's wall
# time, and a sample. A pretrained run already in the output folder is reused.
#
#   bench/finetune.sh [PLUGIN...]          (attention text-gru vae by default; runs in $NOVA_FINETUNE_RUNS or
#                                           /tmp/nova-finetune)
# Needs: apt-get install -y bible-kjv fortunes dataset-fashion-mnist imagemagick fonts-urw-base35 fonts-dejavu-core
#        fonts-liberation fonts-freefont-ttf
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
plugins=("$@")
[ ${#plugins[@]} -gt 0 ] || plugins=(attention text-gru vae)
out="${NOVA_FINETUNE_RUNS:-/tmp/nova-finetune}"
mkdir -p "$out" corpora
command -v bible >/dev/null || { echo "bench/finetune.sh: needs Debian's bible-kjv (apt-get install -y bible-kjv fortunes)" >&2; exit 2; }
[ -r /usr/share/games/fortunes/songs-poems ] || { echo "bench/finetune.sh: needs Debian's fortunes (apt-get install -y fortunes)" >&2; exit 2; }
[ -s corpora/kjv.txt ] || bible -f Gen1:1-Rev22:21 | sed -E 's/^[1-3]?[A-Z][a-z]*[0-9]+:[0-9]+ //' >corpora/kjv.txt
[ -s corpora/poems.txt ] || head -c 100000 /usr/share/games/fortunes/songs-poems >corpora/poems.txt
if [[ " ${plugins[*]} " == *" vae "* ]] && [ ! -d corpora/letters ]; then
  command -v convert >/dev/null && convert -version | grep -q ImageMagick \
    || { echo "bench/finetune.sh: vae needs ImageMagick (apt-get install -y imagemagick)" >&2; exit 2; }
  fc-list : file | cut -d: -f1 | grep -E '\.(ttf|otf)$' | sort >"$out/fonts.txt"
  for letter in A B C D E F G H I J; do
    mkdir -p "corpora/letters.tmp/$letter"
    n=0
    while read -r font; do
      n=$((n + 1))
      convert -size 28x28 xc:black -font "$font" -pointsize 22 -fill white -gravity center -annotate +0+0 "$letter" \
        -colorspace Gray -depth 8 -define png:color-type=0 "corpora/letters.tmp/$letter/$(printf %03d $n).png"
    done <"$out/fonts.txt"
  done
  mv corpora/letters.tmp corpora/letters
fi
NOVA_NO_BUILD= ./nova plugins >/dev/null   # build if needed
export NOVA_NO_BUILD=1
held_out() { python3 -c 'import json,sys; print(round([json.loads(l) for l in open(sys.argv[1]) if "\"eval\"" in l][-1]["eval"]["loss"], 4))' "$1/metrics.jsonl"; }
for p in "${plugins[@]}"; do
  if [ ! -d "$out/$p-pretrain/checkpoints" ]; then
    ./nova train "conf/$p-pretrain.conf" --run-dir "$out/$p-pretrain" 2>&1 | grep -E "^eval|done|nova:" || true
  fi
  rm -rf "$out/$p-finetuned" "$out/$p-scratch" "$out/$p-pretrained"
  t0=$(date +%s)
  ./nova train "conf/$p-finetune.conf" --init-from "$out/$p-pretrain" --run-dir "$out/$p-finetuned" 2>&1 | grep -E "^eval|nova:" || true
  t1=$(date +%s)
  ./nova train "conf/$p-finetune.conf" --run-dir "$out/$p-scratch" 2>&1 | grep -E "^eval|nova:" || true
  ./nova train "conf/$p-finetune.conf" --init-from "$out/$p-pretrain" --run-dir "$out/$p-pretrained" --set nova.train.steps=1 \
    --set nova.train.eval-every=1 --set 'nova.finetune.freeze=["*"]' 2>&1 | grep -E "^eval|nova:" || true
  steps=$(python3 -c 'import json,sys; print([json.loads(l) for l in open(sys.argv[1]) if "\"eval\"" in l][-1]["step"])' "$out/$p-finetuned/metrics.jsonl")
  echo
  if [ "$p" = vae ]; then
    echo "## vae: held-out -ELBO (nats/image) on a tenth of corpora/letters ($(find corpora/letters -name '*.png' | wc -l) images)"
  else
    echo "## $p: held-out loss (nats/char) on the last 10% of corpora/poems.txt"
  fi
  echo "| model | steps on the small data | held-out loss |"
  echo "|---|---|---|"
  echo "| pretrained ($( [ "$p" = vae ] && echo Fashion-MNIST || echo KJV)), not fine-tuned | 0 | $(held_out "$out/$p-pretrained") |"
  echo "| from scratch | $steps | $(held_out "$out/$p-scratch") |"
  echo "| pretrained, then fine-tuned | $steps | $(held_out "$out/$p-finetuned") |"
  echo "fine-tuning run: $((t1 - t0)) s wall time, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
  if [ "$p" = vae ]; then
    ./nova generate "$out/$p-finetuned" -n 16 --seed 1 --out "$out/$p-finetuned-samples.png" >/dev/null 2>&1 \
      && echo "samples of the fine-tuned model (seed 1): $out/$p-finetuned-samples.png"
  else
    echo "sample of the fine-tuned model (seed 1):"
    ./nova generate "$out/$p-finetuned" --length 300 --seed 1 2>/dev/null | sed 's/^/    /'
  fi
done
