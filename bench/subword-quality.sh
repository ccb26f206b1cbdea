#!/usr/bin/env bash
# What subword tokens buy (issue 40, item 6): attention at the parity size (conf/attention-parity.conf: 4 blocks,
# 4 heads, d-model 128, context 128 tokens, batch 32, AdamW 1e-3) trained on tiny-shakespeare for the same wall-clock
# time with data.tokenizer = chars, bpe (1,024 tokens) and bpe (4,096 tokens), for each seed; scored on the whole
# held-out tail in nats per character (a bpe model's loss-per-char), so the three compare.
#
# Equal time: each tokenizer's seconds per step are measured first (a 40-step run, steps 10 to 40), and each run gets
# the steps that fill MINUTES at that pace; every line prints the training seconds the run really took (its last
# progress record's elapsed time) and the CPU seconds other processes took meanwhile (a figure beside other work is
# not a figure). Runs go seed by seed (chars, bpe 1024, bpe 4096, chars, ...), so a slow spell of the machine hits all.
# Prints a Markdown table (median, min and max over the seeds) and a sample of each kind (seed 1's run).
#
#   bench/subword-quality.sh [--minutes M] [--seeds "1 2 3"] [--out DIR]   (M defaults to 10; DIR keeps the runs,
#                                                                            default target/subword-quality)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
minutes=10
seeds="1 2 3"
out="$root/target/subword-quality"
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) minutes="$2"; shift 2 ;;
    --seeds) seeds="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench/subword-quality.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
[ -f "$root/../shared/data/tinyshakespeare.txt" ] || {
  echo "bench: ../shared/data/tinyshakespeare.txt not found (the shared benchmark data)" >&2; exit 2; }
(cd "$root" && NOVA_NO_BUILD= ./nova plugins >/dev/null)   # build if needed, outside the timings
export NOVA_NO_BUILD=1 OMP_WAIT_POLICY=PASSIVE
rm -rf "$out" && mkdir -p "$out"
python3 - "$root" "$out" "$minutes" "$seeds" <<'PY'
import json, os, resource, statistics, subprocess, sys, time
root, out, minutes, seeds = sys.argv[1], sys.argv[2], float(sys.argv[3]), [int(s) for s in sys.argv[4].split()]
nova, conf = os.path.join(root, "nova"), os.path.join(root, "conf", "attention-parity.conf")
kinds = {"chars": [], "bpe 1024": ["--set", "plugins.attention.data.tokenizer=bpe",
                                   "--set", "plugins.attention.tokenizer.vocab-size=1024"],
         "bpe 4096": ["--set", "plugins.attention.data.tokenizer=bpe",
                      "--set", "plugins.attention.tokenizer.vocab-size=4096"]}

def busy():
    f = [int(x) for x in open("/proc/stat").readline().split()[1:]]
    return (f[0] + f[1] + f[2] + f[5] + f[6] + f[7]) / os.sysconf("SC_CLK_TCK")   # all but idle and iowait

def run(cmd):
    """Runs cmd; returns its stdout, wall seconds and the CPU seconds everything else took meanwhile."""
    c0, b0, t0 = resource.getrusage(resource.RUSAGE_CHILDREN), busy(), time.time()
    p = subprocess.run(cmd, capture_output=True, text=True, cwd=root)
    wall, c1, b1 = time.time() - t0, resource.getrusage(resource.RUSAGE_CHILDREN), busy()
    if p.returncode != 0:
        sys.exit(f"bench: {' '.join(cmd)} failed ({p.returncode}): {p.stderr.strip()[-2000:]}")
    own = (c1.ru_utime - c0.ru_utime) + (c1.ru_stime - c0.ru_stime)
    return p.stdout, wall, max(0.0, (b1 - b0) - own)

def train(kind, name, seed, steps, extra=()):
    run_dir = os.path.join(out, name)
    _, wall, others = run([nova, "train", conf, "--run-dir", run_dir, "--set", f"nova.seed={seed}",
                           "--set", f"nova.train.steps={steps}", "--set", f"nova.train.eval-every={steps}",
                           "--set", "nova.train.samples=0"] + kinds[kind] + list(extra))
    recs = [json.loads(l) for l in open(os.path.join(run_dir, "metrics.jsonl")) if l.strip()]
    return run_dir, recs, wall, others

def span(v, fmt="{:.4f}"):
    return f"{fmt.format(statistics.median(v))} ({fmt.format(min(v))}–{fmt.format(max(v))})"

print(f"machine: {os.cpu_count()} cores, load average {open('/proc/loadavg').read().split()[0]} at the start; "
      f"{minutes:g} minutes of training per run; seeds {seeds}", flush=True)
pace = {}
for kind in kinds:
    _, recs, _, others = train(kind, "calibrate-" + kind.replace(" ", ""), 1, 40, ["--set",
                                                                                "plugins.attention.eval.windows=1"])
    at = {r["step"]: r["elapsed_s"] for r in recs if "elapsed_s" in r}
    pace[kind] = (at[40] - at[10]) / 30
    print(f"pace {kind}: {pace[kind]:.3f} s/step (steps 10-40; others took {others:.1f} CPU s) -> "
          f"{round(minutes * 60 / pace[kind])} steps", flush=True)

rows = {k: [] for k in kinds}
for seed in seeds:
    for kind in kinds:
        steps = round(minutes * 60 / pace[kind])
        run_dir, recs, wall, others = train(kind, f"{kind.replace(' ', '')}-seed{seed}", seed, steps)
        ev = [r["eval"] for r in recs if "eval" in r][-1]
        per_char = ev.get("loss-per-char", ev["loss"])
        trained = [r["elapsed_s"] for r in recs if "elapsed_s" in r][-1]
        rows[kind].append((per_char, trained, steps, ev, run_dir))
        print(f"seed {seed} {kind}: {steps} steps in {trained:.0f} s (process {wall:.0f} s), held-out "
              f"{per_char:.4f} nats/char, {ev['bits-per-char']:.4f} bits/char over {ev['characters']:.0f} characters"
              f" (others took {others:.1f} CPU s)", flush=True)

print()
print("| tokenizer | steps | training s | held-out nats/char | bits/char | seeds |")
print("|---|---:|---:|---:|---:|---:|")
for kind, r in rows.items():
    print(f"| {kind} | {r[0][2]:,} | {span([x[1] for x in r], '{:.0f}')} | {span([x[0] for x in r])} | "
          f"{span([x[3]['bits-per-char'] for x in r])} | {len(r)} |")
best = {k: statistics.median([x[0] for x in r]) for k, r in rows.items()}
spread = max(max(x[0] for x in r) - min(x[0] for x in r) for r in rows.values())
for kind in ("bpe 1024", "bpe 4096"):
    print(f"{kind} - chars: {best[kind] - best['chars']:+.4f} nats/char (medians); largest seed-to-seed spread "
          f"{spread:.4f}")
for kind, r in rows.items():
    ev, run_dir = r[0][3], r[0][4]
    per_token = ev["characters"] / ev.get("tokens", ev["characters"])
    text, _, _ = run([nova, "generate", run_dir, "--prompt", "ROMEO:", "--length", str(round(300 / per_token)),
                      "--seed", "1"])
    print(f"\nsample, {kind} (seed {seeds[0]}, {round(300 / per_token)} tokens after the prompt 'ROMEO:'):\n")
    print("```text\n" + text.strip() + "\n```")
PY
