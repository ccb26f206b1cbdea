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


def emit(line, figures):
    print(line)
    print("json " + json.dumps(figures, allow_nan=True))
