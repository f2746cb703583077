#!/usr/bin/env python3
"""Medians over seeds of `fleetopt reclaim --json --per-host` runs.

usage: summarize.py RUN_s1.json RUN_s2.json RUN_s3.json
Prints a Markdown table (strategy, savings, penalties, net, violation
minutes, net % of oracle, mean margins) and, for releaser, how its per-host
mean margins spread over hosts and resources.
"""
import json
import statistics
import sys


def main(paths):
    runs = [json.load(open(p)) for p in paths]
    names = [r["strategy"] for r in runs[0]["results"]]
    print(f"{runs[0]['hosts']}: {runs[0]['host_count']} hosts, {runs[0]['test_host_steps']} test host-steps, "
          f"forecaster {runs[0]['forecaster']}, {len(runs)} seeds (medians)")
    fe = runs[0]["forecast_error"]
    print(f"forecast test MAE cpu {fe['cpu']['mae']:.4f} mem {fe['mem']['mae']:.4f} of capacity; "
          f"underestimates {100*fe['cpu']['underestimation_rate']:.1f}% / {100*fe['mem']['underestimation_rate']:.1f}% of steps")
    print()
    print("| strategy | savings $ | penalties $ | net $ | violation min | net % of oracle | mean margin cpu | mean margin mem | fit s |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    med = {}
    for i, name in enumerate(names):
        rows = [r["results"][i] for r in runs]
        m = lambda f: statistics.median(f(r) for r in rows)
        oracle = [r["results"][names.index("oracle")]["net_usd"] for r in runs] if "oracle" in names else None
        share = statistics.median(rows[k]["net_usd"] / oracle[k] for k in range(len(rows))) if oracle else float("nan")
        med[name] = dict(s=m(lambda r: r["savings_usd"]), p=m(lambda r: r["penalties_usd"]), n=m(lambda r: r["net_usd"]),
                         v=m(lambda r: r["violation_minutes"]), share=share)
        print(f"| {name} | {med[name]['s']:.2f} | {med[name]['p']:.2f} | {med[name]['n']:.2f} | {med[name]['v']:.0f} | "
              f"{100*share:.1f} | {m(lambda r: r['mean_margin']['cpu']):.4f} | {m(lambda r: r['mean_margin']['mem']):.4f} | "
              f"{m(lambda r: r['fit_seconds']):.1f} |")
    rl = next((n for n in names if n.startswith("releaser")), None)
    if rl and "scavenger" in med:
        a, b = med[rl], med["scavenger"]
        print()
        print(f"releaser vs scavenger: penalties / {b['p'] / a['p'] if a['p'] > 0 else float('inf'):.2f} "
              f"(goal >= 2.7), net {100 * (a['n'] / b['n'] - 1):+.2f}% (goal >= +27.6%), "
              f"{100 * a['share']:.1f}% of oracle (goal >= 90%)")
        # Per-host spread of the learned margins (first run).
        i = names.index(rl)
        hosts = [h for h in runs[0]["results"][i]["hosts"] if h["containers_sold"] > 0]
        for res in ("cpu", "mem"):
            v = sorted(h["mean_margin"][res] for h in hosts)
            if v:
                q = lambda p: v[min(len(v) - 1, int(p * (len(v) - 1) + 0.5))]
                print(f"releaser mean margin per host ({res}, {len(v)} hosts selling): min {v[0]:.4f} p25 {q(.25):.4f} "
                      f"median {q(.5):.4f} p75 {q(.75):.4f} max {v[-1]:.4f}")
        diff = [abs(h["mean_margin"]["cpu"] - h["mean_margin"]["mem"]) for h in hosts]
        if diff:
            print(f"|cpu - mem| margin per host: median {statistics.median(diff):.4f}, max {max(diff):.4f}")


if __name__ == "__main__":
    main(sys.argv[1:])
