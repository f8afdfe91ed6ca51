#!/usr/bin/env python3
"""Where a build's memory goes over time: a command's main process and its largest child, sampled.

    python benchmarks/memory_timeline.py -- giaoban -v build --source /tmp/gbench100

Runs the command, samples the resident memory (VmRSS) of its process and of every process below it
every 20 ms from /proc (Linux), and prints the peaks, a timeline of about forty lines and the
command's own messages with the second each came (``giaoban -v`` says when each stage ends).
A forked process starts with its parent's memory: the largest child is the one to watch beside the
main process (issue 18's target: no process above 500 MiB).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import threading
import time


def resident_mib(pid: int) -> float:
    """A process's resident memory now, in MiB; 0 once it is gone."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def descendants(pid: int) -> list[int]:
    """Every process below ``pid``."""
    found = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as children:
                found += [int(child) for child in children.read().split()]
    except OSError:
        return []
    return [p for child in found for p in (child, *descendants(child))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", nargs="+", help="the command to run (after --)")
    parser.add_argument("--every", type=float, default=0.02, help="seconds between samples")
    args = parser.parse_args()
    started = time.monotonic()
    process = subprocess.Popen(args.command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    messages: list[tuple[float, str]] = []

    def read_messages() -> None:
        for line in process.stderr:
            messages.append((time.monotonic() - started, line.rstrip()))

    reader = threading.Thread(target=read_messages, daemon=True)
    reader.start()
    samples: list[tuple[float, float, float]] = []  # seconds, main MiB, largest child MiB
    while process.poll() is None:
        children = [resident_mib(child) for child in descendants(process.pid)]
        samples.append((time.monotonic() - started, resident_mib(process.pid), max(children, default=0.0)))
        time.sleep(args.every)
    reader.join(timeout=5)
    main_peak, child_peak = max(samples, key=lambda s: s[1]), max(samples, key=lambda s: s[2])
    print(f"{time.monotonic() - started:.2f} s; peak: main process {main_peak[1]:.0f} MiB (at {main_peak[0]:.2f} s), "
          f"largest child {child_peak[2]:.0f} MiB (at {child_peak[0]:.2f} s) (exit {process.returncode})")
    for moment, main_mib, child_mib in samples[::max(1, len(samples) // 40)]:
        print(f"  {moment:7.2f} s  main {main_mib:6.0f} MiB  largest child {child_mib:6.0f} MiB")
    for moment, line in messages:
        print(f"[{moment:7.2f}] {line}")


if __name__ == "__main__":
    main()
