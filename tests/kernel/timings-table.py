#!/usr/bin/env python3
"""Prints the kernel lane's timings.json as the markdown tables docs/performance.md quotes.

    python3 tests/kernel/timings-table.py [target/kernel-lab/timings.json]

With the csi_side_by_side scenario's figures in it, also the side-by-side of os-brick, brick-csi and the kernel's floor
(every round, medians of the rounds after the first) and brick's steps in the median warm round.
"""
import json
import re
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


COMMAND_DONE = re.compile(r"^(.*) exited with (-?\d+) after (\d+) ms")


def short(command):
    """iscsiadm's node commands without the target's IQN: the portal and what is done."""
    m = re.match(r"iscsiadm -m node -T \S+ -p (\S+) --interface \S+ (.*)", command)
    return f"iscsiadm -p {m.group(1)} {m.group(2)}" if m else command


def brick_steps(steps):
    """brick-csi's log lines of one call as (start ms, ms, what): each command with its own duration, and the time
    between commands with the loggers of what brick logged then (brick's own work: sysfs, waits, locks)."""
    rows, last_end, between = [], 0, []
    for at, logger, message in steps:
        m = COMMAND_DONE.match(message)
        if not m:
            if not message.startswith("running ") and logger not in between:
                between.append(logger)
            continue
        took = int(m.group(3))
        start = at - took
        if start - last_end > 15:
            rows.append((last_end, start - last_end, "brick: " + ", ".join(between)))
        rows.append((start, took, short(m.group(1))))
        last_end, between = max(last_end, at), []
    if steps and steps[-1][0] - last_end > 15:
        rows.append((last_end, steps[-1][0] - last_end, "brick: " + ", ".join(between)))
    return rows


def side_by_side(side):
    rounds, s = side["rounds"], side["summary"]
    print(f"Side by side in one guest, {s['rounds']} rounds (medians of rounds 2-{s['rounds']}):")
    print()
    print("| round | os-brick connect | brick-csi connect | floor connect | os-brick disconnect | brick-csi disconnect "
          "| floor disconnect |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for r in rounds:
        o, b, k = r.get("os_brick", {}), r.get("brick_csi", {}), r.get("kernel_floor", {})
        print(f"| {r['round']} | {o.get('connect_ms', '-')} | {b.get('connect_ms', '-')} | "
              f"{k.get('connect_total_ms', '-')} | {o.get('disconnect_ms', '-')} | {b.get('disconnect_ms', '-')} "
              f"| {k.get('disconnect_total_ms', '-')} |")
    print(f"| median | {s.get('os_brick_connect_ms')} | {s.get('brick_csi_connect_ms')} | "
          f"{s.get('kernel_floor_connect_ms')} | {s.get('os_brick_disconnect_ms')} | {s.get('brick_csi_disconnect_ms')} "
          f"| {s.get('kernel_floor_disconnect_ms')} |")
    print()
    print(f"brick-csi / os-brick: connect {s.get('brick_over_os_brick_connect')}, disconnect "
          f"{s.get('brick_over_os_brick_disconnect')}; brick-csi / floor: connect {s.get('brick_over_floor_connect')}, "
          f"disconnect {s.get('brick_over_floor_disconnect')}")
    warm = [r for r in rounds[1:] or rounds if "brick_csi" in r]
    for kind, key in (("connect", "stage_steps"), ("disconnect", "unstage_steps")):
        by_time = sorted(warm, key=lambda r: r["brick_csi"].get(f"{kind}_ms", 0))
        median_round = by_time[len(by_time) // 2]
        print()
        print(f"brick-csi's {kind} in round {median_round['round']} ({median_round['brick_csi'].get(f'{kind}_ms')} ms at "
              f"the client), from its DEBUG log:")
        print()
        print("| at ms | ms | step |")
        print("| --- | --- | --- |")
        for start, took, what in brick_steps(median_round["brick_csi"].get(key, [])):
            print(f"| {start} | {took} | {what} |")
    floors = [r["kernel_floor"] for r in warm if "kernel_floor" in r]
    print()
    print("The floor's steps (medians): " + ", ".join(
        f"{k} {median([f[k] for f in floors])}" for k in ("login_1_ms", "login_2_ms", "scan_ms", "map_after_scan_ms",
                                                           "flush_map_ms", "delete_disks_ms", "logout_ms")))


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "target/kernel-lab/timings.json"
    with open(path) as f:
        t = json.load(f)
    if "side_by_side" in t:
        side_by_side(t["side_by_side"])
        if "brick_two_portals" not in t:
            return
        print()
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
