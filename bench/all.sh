#!/usr/bin/env bash
# The four generators against their PyTorch peers, each in interleaved rounds at its reference configuration
# (bench/WORKLOAD.sh), and a Markdown table of the medians written to bench/results/DATE.md (and printed).
#
#   bench/all.sh [--rounds R] [--quick] [--unset-coretype] [WORKLOAD...]
#                                               (default: vae text-gru image-gru attention, 3 rounds)
#
# Run it on a machine with nothing else running (no build, no test, no second benchmark). Each side of each round
# records the CPU time other processes took while it ran; a round where they took more than 5% of the machine is
# marked BUSY and left out of the medians (the table says how many rounds each median is over, and which were left
# out). The file starts with the CPU, the OpenBLAS settings and the BLAS each side runs (bench/lib/machine.sh).
# --unset-coretype runs both sides with OPENBLAS_CORETYPE unset (OpenBLAS picks its kernels for the CPU it finds).
# Full length takes about 1.5 hours on 2 cores; --quick (short runs, for iterating) about 15 minutes and is marked
# as such in the file.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
opts=()
workloads=()
quick=""
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) opts+=(--rounds "$2"); shift 2 ;;
    --quick) opts+=(--quick); quick=1; shift ;;
    --unset-coretype) unset OPENBLAS_CORETYPE; shift ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) workloads+=("$1"); shift ;;
  esac
done
[ ${#workloads[@]} -gt 0 ] || workloads=(vae text-gru image-gru attention)
json="$(mktemp /tmp/nova-all.XXXXXX)"
log="$(mktemp /tmp/nova-all-log.XXXXXX)"
trap 'rm -f "$json"' EXIT
start="$(date -u +%Y-%m-%dT%H:%MZ)"
(cd "$root" && NOVA_NO_BUILD= ./nova plugins >/dev/null)   # build if needed, before anything is measured
machine="$(bash "$root/bench/lib/machine.sh")"
for w in "${workloads[@]}"; do
  ROUNDS_JSON="$json" bash "$root/bench/$w.sh" "${opts[@]}" | tee -a "$log"
done
mkdir -p "$root/bench/results"
out="$root/bench/results/$(date -u +%Y-%m-%d)${quick:+-quick}.md"
python3 - "$json" "$log" "$start" "${quick:-}" "$(nproc)" "$(git -C "$root" rev-parse --short HEAD)" "$machine" >"$out" <<'PY'
import json, statistics, sys
every = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
log, start, quick, cores, commit, machine = (open(sys.argv[2]).read(), sys.argv[3], sys.argv[4], sys.argv[5],
                                             sys.argv[6], sys.argv[7])
share = lambda r: max(r.get("others_share_nova", 0), r.get("others_share_torch", 0))
rows = [r for r in every if share(r) <= 0.05]
left = [r for r in every if share(r) > 0.05]
by = {}
for r in rows:
    by.setdefault(r["workload"], []).append(r)
med = lambda rs, k: statistics.median(r[k] for r in rs)
k = lambda v: f"{v / 1000:.1f}k" if v >= 1000 else f"{v:.0f}"
print(f"# Nova against its PyTorch peers, {start}{' (QUICK: short runs, not figures to quote)' if quick else ''}\n")
print(f"Commit {commit}, {cores} cores, `bench/all.sh{' --quick' if quick else ''}`: for each workload, interleaved rounds "
      "(Nova, peer, Nova, peer, ...) at its reference configuration; medians, with min and max of the speed ratio. "
      "MFU: model FLOPs per second (kit's analytic count, the same for both sides) over the single-precision "
      "matrix-product peak measured in the same run (bench/lib/Peak.java, ND4J's sgemm, 2048³). A round where other "
      "processes took more than 5% of the CPU while either side ran is left out of the medians.\n")
print("\n".join("- " + l for l in machine.splitlines()) + "\n")
print("| workload (steps) | rounds | training speed Nova / PyTorch | ratio median (min–max) | MFU Nova / PyTorch "
      "| peak RSS Nova / PyTorch (MiB) | quality Nova / PyTorch | batch-1 sampling Nova / PyTorch |")
print("|---|---|---|---|---|---|---|---|")
for w, rs in by.items():
    ratios = [r["ratio"] for r in rs]
    total = sum(1 for r in every if r["workload"] == w)
    unit = rs[0]["unit"]
    samp = (f"{k(med(rs, 'sampling_nova'))} / {k(med(rs, 'sampling_torch'))} chars/s "
            f"({med(rs, 'sampling_nova') / med(rs, 'sampling_torch'):.1f}×)") if "sampling_nova" in rs[0] else "–"
    print(f"| {w} ({rs[0]['steps']}) | {len(rs)} of {total} | {k(med(rs, 'nova'))} / {k(med(rs, 'torch'))} {unit} | "
          f"**{statistics.median(ratios):.2f}** ({min(ratios):.2f}–{max(ratios):.2f}) | "
          f"{100 * med(rs, 'mfu_nova'):.0f}% / {100 * med(rs, 'mfu_torch'):.0f}% | "
          f"{max(r['rss_nova'] for r in rs):.0f} / {max(r['rss_torch'] for r in rs):.0f} | "
          f"{med(rs, 'quality_nova'):.4g} / {med(rs, 'quality_torch'):.4g} {rs[0]['quality']} | {samp} |")
for w in sorted({r["workload"] for r in every} - set(by)):
    print(f"| {w} | 0 of {sum(1 for r in every if r['workload'] == w)} | every round ran beside other work | | | | | |")
if left:
    print("\nLeft out (other processes' share of the CPU while a side ran): " + ", ".join(
        f"{r['workload']} round {r['round']} ({100 * share(r):.1f}%)" for r in left))
quiet = [share(r) for r in rows]
if quiet:
    print(f"\nOther processes took at most {100 * max(quiet):.1f}% of the CPU during the rounds counted.")
peaks = [r["peak_gflops"] for r in every]
print(f"\nPeak: {min(peaks):.0f}–{max(peaks):.0f} GFLOP/s across the workloads' measurements. Peak RSS is the "
      "largest of the rounds. Every round, with the load average at its start:\n")
print("```")
print("\n".join(l for l in log.splitlines() if l.strip()))
print("```")
PY
rm -f "$log"
cat "$out"
echo "bench: wrote $out" >&2
