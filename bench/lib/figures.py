"""What every benchmark round prints: its figures line, then the same figures as one JSON line for the rounds'
summary (bench/lib/rounds.sh) and bench/all.sh's table. Model-FLOP utilisation comes from Nova's run: the
model FLOPs per second a training run records (metrics.jsonl, model_flops_per_s; counted by kit per layer, see
kit's Flops) over its items per second give the model FLOPs per item, the same for the peer's identical model;
both sides' FLOPs per second are divided by the machine's single-precision matrix-product peak measured in the
same script (PEAK_GFLOPS, from bench/lib/Peak.java)."""
import json
import os


def mfu(last_progress, nova_rate, torch_rate):
    peak = float(os.environ.get("PEAK_GFLOPS") or "nan") * 1e9
    per_item = last_progress.get("model_flops_per_s", float("nan")) / last_progress["items_per_s"]
    nova, torch = per_item * nova_rate, per_item * torch_rate
    text = (f" | model FLOPs {per_item / 1e6:.3f} M/item; MFU Nova {100 * nova / peak:.1f}%, PyTorch "
            f"{100 * torch / peak:.1f}% ({nova / 1e9:.1f} and {torch / 1e9:.1f} of {peak / 1e9:.0f} GFLOP/s)")
    return text, {"flops_per_item": per_item, "peak_gflops": peak / 1e9, "mfu_nova": nova / peak,
                  "mfu_torch": torch / peak}


def nova_run(out, warmup):
    """Nova's run in OUT/run: the first progress record at or after step WARMUP (timing starts there, as the
    peer's does), the last one, and the last evaluation's metrics."""
    recs = [json.loads(line) for line in open(f"{out}/run/metrics.jsonl")]
    progress = [r for r in recs if "elapsed_s" in r]
    evaluation = [r for r in recs if "eval" in r][-1]["eval"]
    return next(r for r in progress if r["step"] >= warmup), progress[-1], evaluation


def fashion_mnist_rate(out):
    """Nova's run on Fashion-MNIST in batches of 128 (every step but an epoch's last holds 128 images): timing
    from step 10, as the peer's; returns nova_run's three and Nova's images per second."""
    a, b, evaluation = nova_run(out, 10)
    images = sum(min(128, 60000 - (s % 469) * 128) for s in range(a["step"], b["step"]))
    return a, b, evaluation, images / (b["elapsed_s"] - a["elapsed_s"])


def peer(out):
    """The peer's figures: the last line of OUT/torch.log, a JSON object."""
    return json.loads(open(f"{out}/torch.log").read().strip().splitlines()[-1])


def rss(out, side):
    """Peak RSS in MiB of one side ('nova' or 'torch'), from /usr/bin/time -f %M in OUT/SIDE.rss."""
    return int(open(f"{out}/{side}.rss").read().split()[-1]) / 1024


def others(out):
    """The CPU other processes took while each side ran (bench/lib/common.sh's measure): a text for the round's
    line, and the figures: CPU seconds and their share of what the machine could give over the side's wall time."""
    figures, parts = {}, []
    for side in ("nova", "torch"):
        try:
            cpu, wall, cores = open(f"{out}/{side}.others").read().split()
        except OSError:
            continue
        share = float(cpu) / max(1e-9, float(wall) * int(cores))
        figures[f"others_{side}"] = float(cpu)
        figures[f"others_share_{side}"] = share
        parts.append(f"{'Nova' if side == 'nova' else 'PyTorch'} {float(cpu):.1f} CPU s ({100 * share:.1f}%)")
    return (" | others took " + ", ".join(parts) if parts else ""), figures


def emit(line, figures):
    print(line)
    print("json " + json.dumps(figures, allow_nan=True))
