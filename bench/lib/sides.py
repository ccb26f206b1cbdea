"""Helpers of the benchmarks that time whole commands (bench/large.sh, bench/large-train.sh): a command's wall time,
peak RSS and the CPU other processes took while it ran, and medians with their spread."""
import os
import resource
import statistics
import subprocess
import sys
import time


def busy():
    """The CPU seconds the whole machine has been busy since boot (user, nice, system, irq, softirq, steal)."""
    f = [int(x) for x in open("/proc/stat").readline().split()[1:]]
    return (f[0] + f[1] + f[2] + f[5] + f[6] + f[7]) / os.sysconf("SC_CLK_TCK")


def run(cmd):
    """Runs a command to its end: (the finished process, its wall seconds, its peak RSS in GiB, the CPU seconds
    other processes took meanwhile). A failure ends the benchmark with the command's last output."""
    c0, b0, t0 = resource.getrusage(resource.RUSAGE_CHILDREN), busy(), time.monotonic()
    p = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, capture_output=True, text=True)
    t1, c1, b1 = time.monotonic(), resource.getrusage(resource.RUSAGE_CHILDREN), busy()
    if p.returncode != 0:
        sys.exit(f"bench: {' '.join(cmd)} failed ({p.returncode}): {p.stderr.strip()[-2000:]}")
    own = (c1.ru_utime - c0.ru_utime) + (c1.ru_stime - c0.ru_stime)
    rss = int(p.stderr.strip().splitlines()[-1]) / 1024 / 1024
    return p, t1 - t0, rss, max(0.0, (b1 - b0) - own)


def span(v, fmt="{:.2f}"):
    """A median with its min and max."""
    return f"{fmt.format(statistics.median(v))} (min {fmt.format(min(v))}, max {fmt.format(max(v))})"
