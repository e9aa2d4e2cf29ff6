#!/usr/bin/env python3
"""Where sampling time goes on each side of `rlaif bench --compare` (issue 16).

    OMP_NUM_THREADS=2 OMP_WAIT_POLICY=PASSIVE python3 bench/profile_decode.py --python OUT
    OMP_NUM_THREADS=2 java -Dai.djl.pytorch.num_threads=2 \\
        -Dai.djl.pytorch.num_interop_threads=1 -Dai.djl.offline=true \\
        -cp app/target/rlaif.jar bench/ProfileDecode.java OUT [VOCAB D_MODEL]
    python3 bench/profile_decode.py --summarise OUT

(`--vocab 2048 --d-model 128` on the Python side and `OUT 2048 128` on the Java side: the recipe's
size.)

`--python` samples 64 tokens with the PyTorch reference's `generate` (quickstart size: vocabulary
1024, context 128, 2 layers, 4 heads, d_model 64) at batch 1, 16 and 64: the median wall time per
decode step of 15 runs after 5 warm-ups, then 3 runs under `torch.profiler`, whose Chrome trace it
writes. `bench/ProfileDecode.java` does the same for the Java `Sampler` under libtorch's profiler
(DJL's `JniUtils.startProfile`). `--summarise` reads both sides' traces: per decode step, the
number of top-level libtorch operator calls, the time inside them, and the wall time without the
profiler; the rest of the wall time is spent outside libtorch's operators (the caller's language,
its bindings, the dispatcher's entry), which is the per-call overhead the two sides differ in.
"""
import argparse
import csv
import json
import os
import statistics
import sys
import time

CONTEXT, LAYERS, HEADS, PROMPT, NEW_TOKENS = 128, 2, 4, 8, 64
BATCHES = (1, 16, 64)


def profile_python(out, VOCAB, D):
    import torch
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from pytorch_reference import ENTITY_DIM, Elm, generate
    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "2")))
    torch.set_num_interop_threads(1)
    os.makedirs(out, exist_ok=True)
    placeholder = VOCAB - 1
    model = Elm(VOCAB, CONTEXT, LAYERS, HEADS, D, placeholder)
    generator = torch.Generator().manual_seed(7)
    rows_out = []
    for rows in BATCHES:
        prompt = torch.randint(2, VOCAB - 1, (rows, PROMPT), generator=generator)
        prompt[:, 2] = placeholder
        entities = torch.randn(rows, ENTITY_DIM, generator=generator)
        with torch.no_grad():
            for _ in range(5):
                generate(model, prompt, entities, NEW_TOKENS)
            per_step = []
            steps = 0
            for _ in range(15):
                start = time.perf_counter()
                _, lengths = generate(model, prompt, entities, NEW_TOKENS)
                elapsed = time.perf_counter() - start
                steps = int(lengths.max())
                per_step.append(elapsed * 1e6 / steps)
            profiled = 0
            with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU]) as prof:
                for _ in range(3):
                    _, lengths = generate(model, prompt, entities, NEW_TOKENS)
                    profiled += int(lengths.max())
            prof.export_chrome_trace(os.path.join(out, "python-b%d.json" % rows))
        rows_out.append(["python", rows, "%.1f" % statistics.median(per_step), steps, profiled])
    with open(os.path.join(out, "python-wall.csv"), "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["side", "batch", "wall_us_per_step", "steps_per_run", "profiled_steps"])
        writer.writerows(rows_out)
    for row in rows_out:
        print(",".join(str(v) for v in row))


def top_level_ops(trace_file):
    """(count, microseconds) of the operator events not nested in another, over all threads."""
    with open(trace_file) as f:
        data = json.load(f)
    events = data["traceEvents"] if isinstance(data, dict) else data
    by_thread = {}
    for e in events:
        if e.get("ph") != "X" or "dur" not in e:
            continue
        if e.get("cat") not in (None, "cpu_op", "Operator", "operator"):
            continue  # python functions, user annotations, kernels of other devices
        by_thread.setdefault(e.get("tid"), []).append((float(e["ts"]), float(e["dur"])))
    count, total = 0, 0.0
    for spans in by_thread.values():
        spans.sort(key=lambda s: (s[0], -s[1]))
        end = float("-inf")
        for ts, dur in spans:
            if ts >= end:  # not inside the last top-level call
                count += 1
                total += dur
                end = ts + dur
    return count, total


def summarise(out):
    walls = {}
    for side in ("java", "python"):
        with open(os.path.join(out, side + "-wall.csv")) as f:
            for row in csv.DictReader(f):
                walls[(side, int(row["batch"]))] = row
    print("| batch | side | wall µs per decode step (no profiler) | libtorch calls per step | µs inside"
          " them per step | µs outside them per step | µs per call outside |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for rows in BATCHES:
        for side in ("java", "python"):
            wall = walls[(side, rows)]
            steps = int(wall["profiled_steps"])
            count, inside = top_level_ops(os.path.join(out, "%s-b%d.json" % (side, rows)))
            per_step_wall = float(wall["wall_us_per_step"])
            calls = count / steps
            inside_step = inside / steps
            outside = per_step_wall - inside_step
            print("| %d | %s | %.0f | %.1f | %.0f | %.0f | %.2f |" % (
                rows, side, per_step_wall, calls, inside_step, outside, outside / calls))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--python", metavar="OUT", help="profile the PyTorch reference's sampler")
    parser.add_argument("--summarise", metavar="OUT", help="compare both sides' traces in OUT")
    parser.add_argument("--vocab", type=int, default=1024, help="vocabulary (recipe: 2048)")
    parser.add_argument("--d-model", type=int, default=64, help="width (recipe: 128)")
    args = parser.parse_args()
    if args.python:
        profile_python(args.python, args.vocab, args.d_model)
    if args.summarise:
        summarise(args.summarise)
    if not args.python and not args.summarise:
        parser.error("expected --python OUT or --summarise OUT")


if __name__ == "__main__":
    main()
