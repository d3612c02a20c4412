#!/usr/bin/env python3
"""Prints the kernel lane's timings.json as the markdown tables docs/performance.md quotes.

    python3 tests/kernel/timings-table.py [target/kernel-lab/timings.json]
"""
import json
import statistics
import sys


def median(values):
    return round(statistics.median(values)) if values else None


def phase(run, kind, event, subject_prefix=""):
    """The duration of the first event of that type (and subject prefix) in a brick run's phases, in ms."""
    for p in run.get(f"{kind}_phases", []):
        if p["type"] == event and p["subject"].startswith(subject_prefix) and p.get("durationMillis") is not None:
            return p["durationMillis"]
    return None


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "target/kernel-lab/timings.json"
    with open(path) as f:
        t = json.load(f)
    brick = t.get("brick_two_portals", [])
    kernel = t.get("kernel_two_portals", [])
    print(f"Three runs each, medians (all runs: brick {[r['connect_ms'] for r in brick]} / "
          f"{[r['disconnect_ms'] for r in brick]} ms; by hand {[r['connect_total_ms'] for r in kernel]} / "
          f"{[r['disconnect_total_ms'] for r in kernel]} ms).")
    print()
    print("| two portals, one LUN | brick, in the call | brick, whole process (JVM included) | by hand, fewest commands |")
    print("| --- | --- | --- | --- |")
    print(f"| connect | {median([r['connect_ms'] for r in brick])} ms "
          f"| {statistics.median([r['connect_process_s'] for r in brick]):.1f} s "
          f"| {median([r['connect_total_ms'] for r in kernel])} ms |")
    print(f"| disconnect | {median([r['disconnect_ms'] for r in brick])} ms "
          f"| {statistics.median([r['disconnect_process_s'] for r in brick]):.1f} s "
          f"| {median([r['disconnect_total_ms'] for r in kernel])} ms |")
    print()
    print("| step | brick (event duration) | by hand |")
    print("| --- | --- | --- |")
    logins = [phase(r, "connect", "LOGIN_FINISHED") for r in brick]
    print(f"| login, one portal | {median([x for x in logins if x is not None])} ms "
          f"| {median([r['login_1_ms'] for r in kernel])} ms / {median([r['login_2_ms'] for r in kernel])} ms |")
    print(f"| scan until both disks exist | - | {median([r['scan_ms'] for r in kernel])} ms |")
    maps = [phase(r, "connect", "MULTIPATH_FORMED") for r in brick]
    print(f"| map formed (after the first disk) | {median([x for x in maps if x is not None])} ms "
          f"| {median([r['map_after_scan_ms'] for r in kernel])} ms after the scan |")
    print(f"| flush the map | - | {median([r['flush_map_ms'] for r in kernel])} ms |")
    print(f"| delete the disks | - | {median([r['delete_disks_ms'] for r in kernel])} ms |")
    print(f"| log out | - | {median([r['logout_ms'] for r in kernel])} ms |")
    if "dead_portal_connect_ms" in t:
        print()
        print(f"Connect with one of two portals dead: {t['dead_portal_connect_ms']} ms in the call.")


if __name__ == "__main__":
    main()
