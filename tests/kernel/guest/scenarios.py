#!/usr/bin/env python3
"""brick's real-kernel scenarios: brick's CLI against a LIO target, open-iscsi and multipathd in this guest.

Each scenario sets up the target, drives `brick` (one JVM per call, as an operator or an agent would), and checks
both brick's JSON and the kernel's own state afterwards. Between scenarios the host and the target are reset, so one
failure does not cascade. Writes to --out: summary.json, summary.txt, timings.json, logs/<scenario>.log and
snapshots/<name>.json (brick snapshot recordings).
"""
import argparse
import concurrent.futures
import random
import threading
import glob
import hashlib
import json
import os
import re
import stat
import statistics
import subprocess
import sys
import time
import traceback

from lab import Failure, Lab, Lun, P1, P2, TARGET, INITIATOR, props_for, read, sysfs_wwid
import csi

SCENARIOS = []
# Run only when named (tests/kernel/run.sh soak): too long for CI.
NAMED_ONLY = []


def scenario(fn):
    SCENARIOS.append(fn)
    return fn


def named_only(fn):
    NAMED_ONLY.append(fn)
    return fn


def device_info(result):
    return result.doc["deviceInfo"]


@scenario
def single_portal(lab):
    """One portal, one LUN: connect returns the map of the LUN's WWID; disconnect leaves nothing."""
    lun = Lun("single-portal", 1)
    lab.target([lun], portals=(P1,))
    props = props_for(lun, portals=(P1,))
    r = lab.brick("connect", props)
    info = device_info(r)
    if info.get("scsi_wwn") != lun.wwid:
        raise Failure(f"scsi_wwn {info.get('scsi_wwn')}, expected {lun.wwid}")
    lab.expect_map(info["path"], lun.wwid, paths=1)
    if len(lab.sessions()) != 1:
        raise Failure(f"expected one session, saw {lab.sessions()}")
    lab.snapshot("lab-single-portal-attached", f"brick connect, 1 portal ({P1}:3260), LUN 1 {lun.wwid} -> a single-path map")
    lab.brick("disconnect", props, device_info=info)
    lab.assert_clean()


@scenario
def two_portals_multipath(lab):
    """Two portals: the path is the dm, both paths are in the map, the WWID is right; disconnect leaves nothing."""
    lun = Lun("two-portals", 1)
    lab.target([lun])
    props = props_for(lun)
    r = lab.brick("connect", props)
    info = device_info(r)
    if not info["path"].startswith("/dev/dm-") or info.get("multipath_id") != lun.wwid:
        raise Failure(f"expected /dev/dm-N with multipath_id {lun.wwid}, got {info}")
    name, slaves = lab.expect_map(info["path"], lun.wwid, paths=2)
    portals = sorted(s.split()[2].split(",")[0] for s in lab.sessions())
    if portals != [f"{P1}:3260", f"{P2}:3260"]:
        raise Failure(f"sessions on {portals}, expected both portals")
    lab.snapshot("lab-two-portals-attached", f"brick connect, 2 portals, LUN 1 {lun.wwid} -> {name} over {slaves}")
    d = lab.brick("disconnect", props, device_info=info)
    if not d.doc.get("disconnected"):
        raise Failure(f"disconnect answered {d.doc}")
    lab.assert_clean()
    lab.snapshot("lab-two-portals-after-disconnect", "brick disconnect of lab-two-portals-attached: nothing left")


@scenario
def two_luns_one_target(lab):
    """Two LUNs on one target: disconnecting one keeps the sessions and the other LUN's map."""
    lun1, lun2 = Lun("two-luns", 1), Lun("two-luns", 2)
    lab.target([lun1, lun2])
    p1, p2 = props_for(lun1), props_for(lun2)
    i1 = device_info(lab.brick("connect", p1))
    i2 = device_info(lab.brick("connect", p2))
    if lab.dm_of(i1["path"]) == lab.dm_of(i2["path"]):
        raise Failure(f"both LUNs returned {i1['path']}")
    lab.expect_map(i1["path"], lun1.wwid, paths=2)
    lab.expect_map(i2["path"], lun2.wwid, paths=2)
    lab.brick("disconnect", p1, device_info=i1)
    lab.settle()
    if len(lab.sessions()) != 2:
        raise Failure(f"sessions after disconnecting LUN 1: {lab.sessions()}, expected both kept")
    lab.expect_map(i2["path"], lun2.wwid, paths=2)
    left1 = [d for d, w in lab.disks().items() if w == lun1.wwid]
    if left1 or lun1.wwid in lab.maps():
        raise Failure(f"LUN 1 left behind: disks {left1}, maps {list(lab.maps())}")
    lab.snapshot("lab-two-luns-one-disconnected", f"LUN 1 {lun1.wwid} and LUN 2 {lun2.wwid} connected over 2 portals, then LUN 1 disconnected: sessions and LUN 2 map kept")
    lab.brick("disconnect", p2, device_info=i2)
    lab.assert_clean()


@scenario
def dead_portal(lab):
    """One portal deleted before connect: the map comes on the live path without waiting for the dead login."""
    lun = Lun("dead-portal", 1)
    lab.target([lun])
    lab.delete_portal(P2)
    props = props_for(lun)
    r = lab.brick("connect", props)
    info = device_info(r)
    lab.expect_map(info["path"], lun.wwid, paths=1)
    elapsed = r.doc["elapsedMillis"]
    lab.log(f"connect with a dead portal took {elapsed} ms in brick ({r.seconds:.2f} s process)")
    # "Without waiting for the dead login": when connect returned, the dead portal's login had not ended (open-iscsi
    # keeps retrying a refused portal for login_timeout x initial_login_retry_max, 15 s x 8). A timing bound would
    # depend on the machine's load; the order of events does not.
    dead = [p for p in r.doc.get("phases", []) if p["subject"].startswith(P2)]
    if not any(p["type"] == "LOGIN_STARTED" for p in dead):
        raise Failure(f"no login was tried on the dead portal: {dead}")
    ended = [p for p in dead if p["type"] in ("LOGIN_FINISHED", "LOGIN_FAILED")]
    if ended:
        raise Failure(f"connect waited for the dead portal's login to end: {ended}")
    lab.timings.setdefault("dead_portal_connect_ms", []).append(elapsed)
    lab.brick("disconnect", props, device_info=info)
    lab.assert_clean()


@scenario
def path_down_during_disconnect(lab):
    """The only path of two volumes goes down. LUN 2 still has unwritten data (a writer holds it open with dirty
    pages): its flush fails, so without --force nothing of it is removed (exit 1, flush-failed); once the writer is
    gone, --force removes everything. LUN 1 is idle, nothing of it is unwritten: its disconnect succeeds with the path
    down (the map flush has nothing to write), and the session stays for LUN 2."""
    lun1, lun2 = Lun("path-down", 1), Lun("path-down", 2)
    lab.target([lun1, lun2], portals=(P1,))
    p1, p2 = props_for(lun1, portals=(P1,)), props_for(lun2, portals=(P1,))
    i1 = device_info(lab.brick("connect", p1))
    i2 = device_info(lab.brick("connect", p2))
    dm1, slaves1 = lab.expect_map(i1["path"], lun1.wwid, paths=1)
    dm2, slaves2 = lab.expect_map(i2["path"], lun2.wwid, paths=1)
    writer = subprocess.Popen(
        ["python3", "-c", "import os, signal, sys\n"
         "fd = os.open(sys.argv[1], os.O_WRONLY)\n"
         "os.write(fd, os.urandom(4 << 20))\n"
         "print('written', flush=True)\n"
         "signal.pause()\n", i2["path"]], stdout=subprocess.PIPE, text=True)
    try:
        if writer.stdout.readline().strip() != "written":
            raise Failure("the writer could not write to LUN 2")
        dirty = lab.sh("grep -E '^(Dirty|Writeback):' /proc/meminfo").out.split()
        lab.log(f"page cache with LUN 2's data: {dirty}")
        lab.delete_portal(P1)
        lab.wait_for("the path to fail",
                     lambda: "active ready" not in lab.sh(["multipath", "-ll", lun2.wwid], quiet=True).out,
                     timeout=40, interval=0.5)
        lab.sh(["multipath", "-ll"], check=False)
        r = lab.brick("disconnect", p2, device_info=i2, expect=1)
        kind = (r.doc or {}).get("error", {}).get("kind")
        if kind != "flush-failed":
            raise Failure(f"disconnect without --force failed with {kind}, expected flush-failed")
        lab.settle()
        if lun2.wwid not in lab.maps() or not lab.sessions() or slaves2[0] not in lab.disks():
            raise Failure(f"a failed flush removed something: maps {lab.maps()}, sessions {lab.sessions()}, "
                          f"disks {lab.disks()}")
        lab.snapshot("lab-path-down-before-force", f"LUN 1 {lun1.wwid} and LUN 2 {lun2.wwid} connected over "
                     f"{P1}:3260, whose portal was then deleted; a writer holds LUN 2's map open with dirty pages, "
                     "and a disconnect of LUN 2 without --force failed its flush and removed nothing")
        # LUN 1: idle, nothing unwritten; its disconnect goes through with the path down and keeps the session.
        lab.brick("disconnect", p1, device_info=i1)
        lab.settle()
        if lun1.wwid in lab.maps() or slaves1[0] in lab.disks():
            raise Failure(f"LUN 1 left behind: maps {list(lab.maps())}, disks {lab.disks()}")
        if not lab.sessions():
            raise Failure("the session LUN 2 still uses was logged out")
    finally:
        writer.kill()
    # The writer is gone (a VM destroyed, say): its last close tries to write the dirty pages, which queue on the
    # pathless map. --force goes on past the failed flush and removes everything; the unwritten data is lost, as
    # --force says.
    # As os-brick's force without ignore_errors: brick goes on past the failed flush and removes everything, and
    # still reports the flush that failed (exit 1, disconnect-failed) when the map was still held at that moment
    # (the killed writer's last close is itself waiting on the queued I/O until queueing is switched off).
    force_disconnect(lab, p2, i2)
    writer.wait(timeout=120)
    lab.assert_clean()


def force_disconnect(lab, props, info):
    """disconnect --force, which goes on past a failed flush and removes everything; like os-brick's force without
    ignore_errors it still reports the flush that failed (exit 1, disconnect-failed), which is accepted here."""
    r = lab.brick("disconnect", props, device_info=info, args=["--force"], expect=None)
    if r.rc != 0:
        error = (r.doc or {}).get("error", {})
        if r.rc != 1 or error.get("kind") != "disconnect-failed" or "flush" not in error.get("message", ""):
            raise Failure(f"disconnect --force exited {r.rc} with {error}")
        lab.log("disconnect --force went on past the failed flush and reported it (exit 1)")
    return r


@scenario
def extend(lab):
    """The LUN grows on the target: brick extend returns the new size and the map shows it."""
    lun = Lun("extend", 1, size_mb=128, block=True)
    lab.target([lun])
    props = props_for(lun)
    info = device_info(lab.brick("connect", props))
    name, slaves = lab.expect_map(info["path"], lun.wwid, paths=2)
    lab.sh(["truncate", "-s", "256M", f"/var/lib/lab/{lun.name}.img"])
    lab.sh(["losetup", "-c", lun.loop])
    r = lab.brick("extend", props)
    new_size = r.doc["newSizeBytes"]
    if new_size != 256 << 20:
        raise Failure(f"extend returned {new_size}, expected {256 << 20}")
    size = int(read(f"/sys/block/{name}/size")) * 512
    if size != 256 << 20:
        raise Failure(f"{name} is {size} bytes after extend, expected {256 << 20}")
    for slave in slaves:
        got = int(read(f"/sys/block/{slave}/size")) * 512
        if got != 256 << 20:
            raise Failure(f"path {slave} is {got} bytes after extend")
    lab.brick("disconnect", props, device_info=info)
    lab.assert_clean()


@scenario
def extend_path_down(lab):
    """The LUN grows while one of its two paths is down: brick extend refuses (exit 1, host-state, naming the path
    that is not running) and resizes nothing, as os-brick does since 2023 (a map resized from paths of two sizes);
    with the portal back and every path running, extend returns the new size."""
    lun = Lun("extend-down", 1, size_mb=128, block=True)
    lab.target([lun])
    props = props_for(lun)
    info = device_info(lab.brick("connect", props))
    name, slaves = lab.expect_map(info["path"], lun.wwid, paths=2)
    lab.sh(["truncate", "-s", "256M", f"/var/lib/lab/{lun.name}.img"])
    lab.sh(["losetup", "-c", lun.loop])
    lab.delete_portal(P2)
    states = lambda: {slave: read(f"/sys/block/{slave}/device/state") for slave in slaves}
    lab.wait_for("a path to stop running", lambda: any(state != "running" for state in states().values()),
                 timeout=60, interval=0.2)
    down = [slave for slave, state in states().items() if state != "running"]
    r = lab.brick("extend", props, expect=1)
    error = (r.doc or {}).get("error", {})
    if error.get("kind") != "host-state" or not any(slave in error.get("message", "") for slave in down):
        raise Failure(f"extend with {down} down failed with {error}, expected host-state naming {down}")
    size = int(read(f"/sys/block/{name}/size")) * 512
    if size != 128 << 20:
        raise Failure(f"{name} is {size} bytes after a refused extend, expected it unchanged at {128 << 20}")
    lab.log(f"extend refused with {down} down: {error.get('message')}")
    lab.add_portal(P2)
    lab.wait_for("every path to run again", lambda: all(state == "running" for state in states().values()),
                 timeout=90, interval=0.5)
    new_size = lab.brick("extend", props).doc["newSizeBytes"]
    if new_size != 256 << 20:
        raise Failure(f"extend with every path back returned {new_size}, expected {256 << 20}")
    lab.brick("disconnect", props, device_info=info)
    lab.assert_clean()


@scenario
def lun_reuse(lab):
    """LUN 1 is deleted and recreated with a new WWID while the old device lingers: connect never returns it."""
    old = Lun("lun-reuse", 1, generation=0)
    lab.target([old], portals=(P1,))
    props_old = props_for(old, portals=(P1,))
    info_old = device_info(lab.brick("connect", props_old))
    old_dm, old_slaves = lab.expect_map(info_old["path"], old.wwid, paths=1)
    new = Lun("lun-reuse", 1, generation=1)
    lab.targetcli([f"/iscsi/{TARGET}/tpg1/luns delete lun1", f"/backstores/fileio delete {old.name}"]
                  + lab.backstore_lines(new)
                  + [f"/iscsi/{TARGET}/tpg1/luns create {lab.backstore_path(new)} lun=1"])
    lab.log(f"LUN 1 now has WWID {new.wwid}; the initiator still has {old_slaves} in {old_dm} ({old.wwid})")
    lab.snapshot("lab-lun-reused-stale-device", f"LUN 1 connected as {old.wwid}, then deleted and recreated on the target as {new.wwid}: the old device and map linger")
    props_new = props_for(new, portals=(P1,), scsi_wwn=new.wwid)
    r = lab.brick_any("connect", props_new)
    if r.rc == 0:
        path = device_info(r)["path"]
        target = lab.dm_of(path)
        if target == old_dm or target in old_slaves:
            raise Failure(f"connect returned the stale device {path} ({target})")
        got = read(f"/sys/block/{target}/dm/uuid").removeprefix("mpath-") or \
            lab.disks().get(target, "")
        if got != new.wwid:
            raise Failure(f"connect returned {path} with WWID {got}, expected {new.wwid}")
        lab.log(f"connect returned {path} with the new WWID")
    else:
        kind = (r.doc or {}).get("error", {}).get("kind")
        if kind not in ("identity-mismatch", "device-not-found"):
            raise Failure(f"connect failed with {kind}, expected a typed identity error")
        lab.log(f"connect refused the reused LUN: {kind}")
    lab.outcomes["lun_reuse"] = "connected" if r.rc == 0 else r.doc["error"]["kind"]


@scenario
def chap(lab):
    """The target requires CHAP: the right credentials connect; wrong ones fail with a typed auth error and leave
    nothing."""
    lun = Lun("chap", 1)
    lab.target([lun], chap=("labuser", "labsecret1234"))
    wrong = props_for(lun, auth_method="CHAP", auth_username="labuser", auth_password="wrongsecret99")
    r = lab.brick("connect", wrong, expect=1)
    error = (r.doc or {}).get("error", {})
    if error.get("kind") != "login-failed" or error.get("evidence", {}).get("reason") != "auth":
        raise Failure(f"wrong CHAP secret failed with {error}, expected login-failed with reason auth")
    if "wrongsecret99" in r.out + r.err:
        raise Failure("the CHAP secret appears in brick's output")
    lab.assert_clean()
    right = props_for(lun, auth_method="CHAP", auth_username="labuser", auth_password="labsecret1234")
    r = lab.brick("connect", right)
    if "labsecret1234" in r.out + r.err:
        raise Failure("the CHAP secret appears in brick's output")
    info = device_info(r)
    lab.expect_map(info["path"], lun.wwid, paths=2)
    lab.brick("disconnect", right, device_info=info)
    lab.assert_clean()


@scenario
def data_survives(lab):
    """Write a pattern through the dm (buffered), disconnect, connect again, read it back: checksums equal."""
    lun = Lun("data", 1)
    lab.target([lun])
    props = props_for(lun)
    info = device_info(lab.brick("connect", props))
    lab.expect_map(info["path"], lun.wwid, paths=2)
    payload = os.urandom(16 << 20)
    written = hashlib.sha256(payload).hexdigest()
    # Buffered write, no fsync: what is still in the page cache is brick's flush to write.
    fd = os.open(info["path"], os.O_WRONLY)
    try:
        os.write(fd, payload)
    finally:
        os.close(fd)
    lab.brick("disconnect", props, device_info=info)
    lab.assert_clean()
    info = device_info(lab.brick("connect", props))
    lab.expect_map(info["path"], lun.wwid, paths=2)
    r = lab.sh(f"dd if={info['path']} bs=1M count=16 iflag=direct status=none | sha256sum", quiet=True)
    read_back = r.out.split()[0]
    lab.log(f"sha256 written {written}, read back {read_back}")
    if read_back != written:
        raise Failure(f"data lost: wrote sha256 {written}, read back {read_back}")
    lab.brick("disconnect", props, device_info=info)
    lab.assert_clean()


@scenario
def four_in_parallel(lab):
    """Four volumes (four LUNs of one target, two portals) connected at once by four brick processes, then
    disconnected at once."""
    luns = [Lun("parallel", n) for n in (1, 2, 3, 4)]
    lab.target(luns)
    props = [props_for(lun) for lun in luns]
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda p: lab.brick_any("connect", p), props))
    bad = [(lun.number, r.rc, r.out[:300]) for lun, r in zip(luns, results) if r.rc != 0]
    if bad:
        raise Failure(f"parallel connects failed: {bad}")
    infos = [device_info(r) for r in results]
    for lun, info in zip(luns, infos):
        lab.expect_map(info["path"], lun.wwid, paths=2)
    if len({lab.dm_of(i["path"]) for i in infos}) != 4:
        raise Failure(f"four volumes share maps: {[i['path'] for i in infos]}")
    if len(lab.sessions()) != 2:
        raise Failure(f"expected one session per portal, saw {lab.sessions()}")
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda pi: lab.brick_any("disconnect", pi[0], device_info=pi[1]),
                                zip(props, infos)))
    bad = [(lun.number, r.rc, r.out[:300]) for lun, r in zip(luns, results) if r.rc != 0]
    if bad:
        raise Failure(f"parallel disconnects failed: {bad}")
    lab.assert_clean()


@scenario
def doctor_finds_leftover(lab):
    """brick doctor is clean on a clean host, and finds a leftover planted by hand: a LUN deleted on the target
    side while its device stays on the host."""
    lab.brick("doctor")
    lun1, lun2 = Lun("doctor", 1), Lun("doctor", 2)
    lab.target([lun1, lun2])
    p1, p2 = props_for(lun1), props_for(lun2)
    i1 = device_info(lab.brick("connect", p1))
    i2 = device_info(lab.brick("connect", p2))
    dm2, slaves2 = lab.expect_map(i2["path"], lun2.wwid, paths=2)
    # The planted leftover: LUN 2 vanishes on the target; the host keeps its devices and map.
    lab.targetcli([f"/iscsi/{TARGET}/tpg1/luns delete lun2"])
    lab.wait_for("multipathd to fail LUN 2's paths",
                 lambda: "active ready" not in lab.sh(["multipath", "-ll", lun2.wwid], quiet=True).out,
                 timeout=40, interval=0.5)
    lab.sh(["multipath", "-ll"], check=False)
    lab.snapshot("lab-doctor-leftover", f"LUN 1 {lun1.wwid} and LUN 2 {lun2.wwid} connected over 2 portals, then LUN 2 deleted on the target: its paths failed, its map and disks left")
    r = lab.brick_any("doctor")
    findings = (r.doc or {}).get("findings", [])
    if r.rc != 1 or not findings:
        raise Failure(f"doctor found nothing (exit {r.rc})")
    subjects = " ".join(f["subject"] + " " + f["detail"] for f in findings)
    if not any(s in subjects for s in [dm2, lun2.wwid] + slaves2):
        raise Failure(f"doctor's findings do not name LUN 2 ({dm2}, {slaves2}): {findings}")
    if lun1.wwid in subjects or lab.dm_of(i1["path"]) in subjects.split():
        raise Failure(f"doctor flagged the healthy LUN 1: {findings}")
    lab.brick("disconnect", p1, device_info=i1)
    force_disconnect(lab, p2, i2)
    lab.assert_clean()


@scenario
def kernel_words(lab):
    """brick topology gives a device's state in the kernel's own word: LUN 1's only portal goes down and, past its
    session's recovery timeout (lowered to 3 s here), the kernel marks the path transport-offline; brick's JSON and
    text say transport-offline too. The portal comes back, the path runs again, disconnect leaves nothing."""
    lun = Lun("words", 1)
    lab.target([lun], portals=(P1,))
    props = props_for(lun, portals=(P1,))
    info = device_info(lab.brick("connect", props))
    _, slaves = lab.expect_map(info["path"], lun.wwid, paths=1)
    disk = slaves[0]
    session = re.search(r"/session(\d+)/", os.path.realpath(f"/sys/block/{disk}/device"))
    if not session:
        raise Failure(f"{disk} is under no iSCSI session: {os.path.realpath(f'/sys/block/{disk}/device')}")
    with open(f"/sys/class/iscsi_session/session{session.group(1)}/recovery_tmo", "w") as f:
        f.write("3")
    state = f"/sys/block/{disk}/device/state"
    lab.delete_portal(P1)
    lab.wait_for(f"{disk} to go transport-offline", lambda: read(state) == "transport-offline", timeout=60,
                 interval=0.5)
    states = {d["name"]: d["state"] for d in lab.brick("topology").doc["devices"]}
    if states.get(disk) != "transport-offline":
        raise Failure(f"brick topology --json gives {disk} the state {states.get(disk)!r}, sysfs has "
                      f"transport-offline")
    text = lab.sh(["java", *lab.java_opts, "-jar", lab.jar, "topology"], quiet=True).out
    line = next((each for each in text.splitlines() if each.strip().startswith(disk + " ")), "")
    if " transport-offline " not in line + " ":
        raise Failure(f"brick topology prints {disk} as {line.strip()!r}, without the kernel's transport-offline")
    lab.log(f"{disk}: sysfs, JSON and text all say transport-offline")
    lab.add_portal(P1)
    lab.wait_for(f"{disk} to run again", lambda: read(state) == "running", timeout=90, interval=0.5)
    lab.brick("disconnect", props, device_info=info)
    lab.assert_clean()


@scenario
def wwids_file(lab):
    """Issue 18, item 5: multipathd lists each connect's new WWID in /etc/multipath/wwids; brick records the WWID its
    connect added (LUN 1) and removes it with the volume; a WWID the operator listed first (LUN 2) stays."""
    luns = [Lun("wwids-file", n) for n in (1, 2)]
    lab.target(luns)

    def listed(wwid):
        with open("/etc/multipath/wwids") as f:
            return f"/{wwid}/" in [line.strip() for line in f]

    lab.sh(["multipath", "-a", luns[1].wwid])
    props = [props_for(lun) for lun in luns]
    infos = [device_info(lab.brick("connect", p)) for p in props]
    for lun, info in zip(luns, infos):
        lab.expect_map(info["path"], lun.wwid, paths=2)
        if not listed(lun.wwid):
            raise Failure(f"{lun.wwid} is not in the wwids file after its connect")
    if not os.path.exists(f"/var/lib/brick/wwids/{luns[0].wwid}"):
        raise Failure(f"no record that brick's connect added {luns[0].wwid}")
    if os.path.exists(f"/var/lib/brick/wwids/{luns[1].wwid}"):
        raise Failure(f"brick recorded {luns[1].wwid} as its own, but the operator listed it first")
    lab.brick("disconnect", props[0], device_info=infos[0])
    if listed(luns[0].wwid):
        raise Failure(f"{luns[0].wwid} (added by brick's connect) is still in the wwids file after its disconnect")
    lab.brick("disconnect", props[1], device_info=infos[1])
    if not listed(luns[1].wwid):
        raise Failure(f"{luns[1].wwid} (the operator's) was removed from the wwids file")
    lab.sh(["multipath", "-w", luns[1].wwid])
    lab.assert_clean()


@scenario
def two_sessions_one_target(lab):
    """Issue 18, item 3: a session of another iface (lab2) to the same portal and target already carries LUN 1.
    brick's connect logs in over its own iface and the map holds the LUN of both sessions; the disconnect removes both
    paths and the map and logs out only brick's session: lab2's stays, with nothing on it."""
    lun = Lun("two-sessions", 1)
    lab.target([lun], portals=(P1,))
    node = ["iscsiadm", "-m", "node", "-T", TARGET, "-p", f"{P1}:3260", "-I", "lab2"]
    lab.sh(["iscsiadm", "-m", "iface", "-I", "lab2", "-o", "new"])
    try:
        lab.sh(node + ["-o", "new"])
        lab.sh(node + ["--login"])
        lab.sh(node + ["--rescan"])
        lab.wait_for("LUN 1 in lab2's session", lambda: lun.wwid in lab.disks().values(), timeout=30)
        other = [disk for disk, wwid in lab.disks().items() if wwid == lun.wwid]
        props = props_for(lun, portals=(P1,), target_portals=[f"{P1}:3260"], target_iqns=[TARGET],
                          target_luns=[lun.number])
        info = device_info(lab.brick("connect", props))
        _, slaves = lab.expect_map(info["path"], lun.wwid, paths=2)
        if not set(other) <= set(slaves):
            raise Failure(f"the map's paths {slaves} do not hold lab2's {other}")
        if len(lab.sessions()) != 2:
            raise Failure(f"expected lab2's session and brick's, saw {lab.sessions()}")
        lab.brick("disconnect", props, device_info=info)
        if lun.wwid in lab.disks().values() or lun.wwid in lab.maps():
            raise Failure(f"LUN 1 left after the disconnect: disks {lab.disks()}, maps {lab.maps()}")
        if len(lab.sessions()) != 1:
            raise Failure(f"expected lab2's session alone, saw {lab.sessions()}")
        lab.sh(node + ["--logout"])  # fails (21) if brick had logged lab2's session out
    finally:
        lab.sh(node + ["-o", "delete"], check=False)
        lab.sh(["iscsiadm", "-m", "iface", "-I", "lab2", "-o", "delete"], check=False)
    lab.assert_clean()


@scenario
def failed_session(lab):
    """Issue 18, item 7: the target's only portal goes away and LUN 1's session is FAILED. A connect of LUN 2 on the
    same target waits for the session to recover (the portal comes back while it waits) without logging in over it, and
    returns a device that reads at once; with the portal gone for good, a connect of LUN 3 fails with login-failed
    naming the FAILED session, runs no login or logout, and leaves LUN 1's volume as it was."""
    luns = [Lun("failed-session", n) for n in (1, 2, 3)]
    lab.target(luns, portals=(P1,))
    # the plural keys: no sendtargets discovery first (with the portal down, discovery alone would fail the connect)
    props = [props_for(lun, portals=(P1,), target_portals=[f"{P1}:3260"], target_iqns=[TARGET],
                       target_luns=[lun.number]) for lun in luns]
    info1 = device_info(lab.brick("connect", props[0]))
    disk = lab.expect_map(info1["path"], luns[0].wwid, paths=1)[1][0]
    session = re.search(r"/session(\d+)/", os.path.realpath(f"/sys/block/{disk}/device")).group(1)
    state = f"/sys/class/iscsi_session/session{session}/state"

    lab.delete_portal(P1)
    # FAILED once its connection is gone; FREE (seen on 6.1) while iscsid tries to log it in again
    lab.wait_for(f"session {session} to be FAILED", lambda: read(state) in ("FAILED", "FREE"), timeout=60,
                 interval=0.2)
    # the portal comes back 3 s after brick's portal worker holds the portal's lock (it waits for the session
    # under it), not at a fixed time: a JVM started on a loaded machine can take longer than that to get there
    def restore():
        held = lab.wait_for_lock_held(f"brick-iscsi-{P1}_3260-", timeout=60)
        time.sleep(3.0)
        lab.log(f"the brick process {'holds' if held else 'does not hold'} the portal's lock; portal back")
        lab.add_portal(P1)
    restorer = threading.Thread(target=restore)
    restorer.start()
    try:
        r = lab.brick("connect", props[1])
    finally:
        restorer.join()
    info2 = device_info(r)
    lab.expect_map(info2["path"], luns[1].wwid, paths=1)
    if read(state) != "LOGGED_IN":
        raise Failure(f"connect returned while session {session} is {read(state)}")
    logins = [p for p in r.doc.get("phases", []) if p["type"].startswith("LOGIN")]
    if logins:
        raise Failure(f"connect logged in over the existing session: {logins}")
    if len(lab.sessions()) != 1:
        raise Failure(f"expected the one session, saw {lab.sessions()}")

    lab.delete_portal(P1)
    lab.wait_for(f"session {session} to be FAILED again", lambda: read(state) in ("FAILED", "FREE"), timeout=60,
                 interval=0.2)
    r = lab.brick("connect", props[2], expect=1)
    error = (r.doc or {}).get("error", {})
    if error.get("kind") != "login-failed" or not re.search(r"is (FAILED|FREE)", error.get("message", "")):
        raise Failure(f"connect over a session that stays FAILED failed with {error}, expected login-failed "
                      f"naming the FAILED session")
    lab.log(f"connect over a FAILED session that does not recover: {error.get('message')}")
    if luns[2].wwid in lab.disks().values():
        raise Failure("LUN 3's device was left after its failed connect")
    lab.add_portal(P1)
    lab.wait_for(f"session {session} to be LOGGED_IN", lambda: read(state) == "LOGGED_IN", timeout=90, interval=0.5)
    lab.brick("disconnect", props[1], device_info=info2)
    lab.brick("disconnect", props[0], device_info=info1)
    lab.assert_clean()


@named_only
def probe_wwids(lab):
    """A probe, run only when named: what multipath -a / -w print and when the wwids file gets a WWID."""
    lun = Lun("probe-wwids", 1)
    lab.target([lun], portals=(P1,))
    lab.sh(["cat", "/etc/multipath/wwids"], check=False)
    lab.sh(["multipath", "-a", lun.wwid], check=False)
    lab.sh(["multipath", "-a", lun.wwid], check=False)
    lab.sh(["multipath", "-w", lun.wwid], check=False)
    lab.sh(["multipath", "-w", lun.wwid], check=False)
    lab.sh(["cat", "/etc/multipath/wwids"], check=False)
    props = props_for(lun, portals=(P1,))
    lab.sh(["iscsiadm", "-m", "discovery", "-t", "st", "-p", P1], check=False)
    lab.sh(["iscsiadm", "-m", "node", "-T", TARGET, "-p", P1, "--login"], check=False)
    lab.sh(["iscsiadm", "-m", "node", "-T", TARGET, "-p", P1, "--rescan"], check=False)
    lab.wait_for("the map", lambda: lun.wwid in lab.maps(), timeout=30)
    lab.sh(["cat", "/etc/multipath/wwids"], check=False)
    lab.sh(["multipath", "-a", lun.wwid], check=False)
    lab.sh(["multipath", "-w", lun.wwid], check=False)
    lab.sh(["cat", "/etc/multipath/wwids"], check=False)
    lab.sh(["multipath", "-f", lab.maps()[lun.wwid][0]], check=False)
    lab.sh(["iscsiadm", "-m", "node", "-T", TARGET, "-p", P1, "--logout"], check=False)
    lab.sh(["iscsiadm", "-m", "node", "-T", TARGET, "-p", P1, "-o", "delete"], check=False)
    lab.sh(["iscsiadm", "-m", "iface", "-I", "probe2", "-o", "new"], check=False)
    lab.sh(["iscsiadm", "-m", "iface", "-I", "probe2", "-o", "delete"], check=False)


@scenario
def timings(lab):
    """Two-portal connect and disconnect, three times by brick and three times by hand (the kernel's own login,
    scan and map times in the same guest): the floor brick's numbers stand on."""
    lun = Lun("timings", 1)
    lab.target([lun])
    props = props_for(lun)
    brick_runs = []
    for _ in range(3):
        c = lab.brick("connect", props)
        lab.expect_map(device_info(c)["path"], lun.wwid, paths=2)
        d = lab.brick("disconnect", props, device_info=device_info(c))
        lab.assert_clean()
        brick_runs.append({"connect_ms": c.doc["elapsedMillis"], "connect_process_s": round(c.seconds, 2),
                           "disconnect_ms": d.doc["elapsedMillis"], "disconnect_process_s": round(d.seconds, 2),
                           "connect_phases": c.doc.get("phases", []), "disconnect_phases": d.doc.get("phases", [])})
    lab.timings["brick_two_portals"] = brick_runs
    lab.timings["kernel_two_portals"] = [kernel_floor(lab, lun) for _ in range(3)]


def kernel_floor(lab, lun):
    """The same attach and detach done by hand with the fewest steps: login to both portals, scan the LUN, wait
    for the map; flush the map, delete the disks, log out."""
    t = {}

    def timed(key, fn):
        started = time.monotonic()
        value = fn()
        t[key] = round((time.monotonic() - started) * 1000)
        return value

    start = time.monotonic()
    for portal in (P1, P2):
        lab.sh(["iscsiadm", "-m", "node", "-T", TARGET, "-p", f"{portal}:3260", "-o", "new"], quiet=True)
        lab.sh(["iscsiadm", "-m", "node", "-T", TARGET, "-p", f"{portal}:3260", "-o", "update",
                "-n", "node.session.scan", "-v", "manual"], quiet=True)
    for n, portal in enumerate((P1, P2)):
        timed(f"login_{n + 1}_ms", lambda p=portal: lab.sh(
            ["iscsiadm", "-m", "node", "-T", TARGET, "-p", f"{p}:3260", "--login"], quiet=True))
    # /sys/class/iscsi_session/sessionN/device -> /sys/devices/platform/hostH/sessionN
    hosts = sorted(os.path.basename(os.path.dirname(os.path.realpath(s)))
                   for s in glob.glob("/sys/class/iscsi_session/session*/device"))
    scan_start = time.monotonic()
    for host in hosts:
        lab.write(f"/sys/class/scsi_host/{host}/scan", f"0 0 {lun.number}")
    lab.wait_for("two disks", lambda: len([w for w in lab.disks().values() if w == lun.wwid]) == 2, timeout=30,
                 interval=0.01)
    t["scan_ms"] = round((time.monotonic() - scan_start) * 1000)
    lab.wait_for("the map", lambda: len(lab.maps().get(lun.wwid, (None, []))[1]) == 2, timeout=30, interval=0.01)
    t["map_after_scan_ms"] = round((time.monotonic() - scan_start) * 1000) - t["scan_ms"]
    t["connect_total_ms"] = round((time.monotonic() - start) * 1000)
    start = time.monotonic()
    disks = [d for d, w in lab.disks().items() if w == lun.wwid]
    timed("flush_map_ms", lambda: flush_map(lab, lun.wwid))
    timed("delete_disks_ms", lambda: [lab.write(f"/sys/block/{d}/device/delete", "1") for d in disks])
    timed("logout_ms", lambda: lab.sh(["iscsiadm", "-m", "node", "-T", TARGET, "--logout"], quiet=True))
    lab.sh(["iscsiadm", "-m", "node", "-T", TARGET, "-o", "delete"], quiet=True)
    t["disconnect_total_ms"] = round((time.monotonic() - start) * 1000)
    lab.assert_clean()
    return t


def flush_map(lab, wwid):
    """multipath -f, again while the map is in use: right after the map formed, udev's probe of the new dm device may
    still hold it open (seen under load); brick and os-brick retry the flush too."""
    for _ in range(20):
        r = lab.sh(["multipath", "-f", wwid], quiet=True, check=False)
        if r.rc == 0 or "in use" not in r.out + r.err:
            break
        time.sleep(0.1)
    if r.rc != 0:
        raise Failure(f"multipath -f {wwid} failed ({r.rc}): {r.out}{r.err}")

class Flapper:
    """Takes one portal down and up again, over and over, from the target side (seeded intervals), until stopped."""

    def __init__(self, lab, portal, seed, up=(4.0, 10.0), down=(2.0, 6.0)):
        self.lab, self.portal, self.random = lab, portal, random.Random(seed)
        self.up, self.down = up, down
        self.stop_event = threading.Event()
        self.flaps = 0
        self.thread = threading.Thread(target=self.run, name="flapper", daemon=True)

    def run(self):
        while not self.stop_event.wait(self.random.uniform(*self.up)):
            self.lab.delete_portal(self.portal)
            self.flaps += 1
            self.lab.log(f"flap {self.flaps}: {self.portal} down")
            self.stop_event.wait(self.random.uniform(*self.down))
            self.lab.add_portal(self.portal)
            self.lab.log(f"flap {self.flaps}: {self.portal} up")

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop_event.set()
        self.thread.join(timeout=60)


def soak_cycles(lab, cycles):
    """cycles x (connect, verify the previous cycle's block, write this cycle's block, disconnect) on one LUN over
    two portals while the second portal flaps; after every disconnect the host must be clean. Returns the figures."""
    lun = Lun("soak", 1, size_mb=max(64, cycles + 8))
    lab.target([lun])
    props = props_for(lun)
    written = {}
    paths_seen = {}
    started = time.monotonic()
    with Flapper(lab, P2, seed=cycles) as flapper:
        for cycle in range(cycles + 1):
            r = lab.brick("connect", props)
            info = device_info(r)
            name = lab.dm_of(info["path"])
            uuid = read(f"/sys/block/{name}/dm/uuid")
            if uuid != f"mpath-{lun.wwid}":
                raise Failure(f"cycle {cycle}: connect returned {info['path']} ({name}, dm uuid {uuid}), not the "
                              f"map of {lun.wwid}")
            slaves = sorted(os.listdir(f"/sys/block/{name}/slaves"))
            wrong = [s for s in slaves if lab_wwid(s) not in (lun.wwid, None)]
            if not slaves or wrong:
                raise Failure(f"cycle {cycle}: map {name} has paths {slaves}, of another WWID: {wrong}")
            paths_seen[len(slaves)] = paths_seen.get(len(slaves), 0) + 1
            for earlier, digest in written.items():
                got = lab.sh(f"dd if={info['path']} bs=1M skip={earlier} count=1 iflag=direct status=none "
                             f"| sha256sum", quiet=True).out.split()[0]
                if got != digest:
                    raise Failure(f"cycle {cycle}: block {earlier} reads sha256 {got}, was written as {digest}")
            if cycle < cycles:
                payload = os.urandom(1 << 20)
                fd = os.open(info["path"], os.O_WRONLY)
                try:
                    os.lseek(fd, cycle << 20, os.SEEK_SET)
                    os.write(fd, payload)  # buffered, no fsync: brick's flush writes it
                finally:
                    os.close(fd)
                written[cycle] = hashlib.sha256(payload).hexdigest()
            lab.brick("disconnect", props, device_info=info)
            left = {k: v for k, v in lab.leftovers().items()}
            if left:
                raise Failure(f"cycle {cycle}: left behind after a successful disconnect: {json.dumps(left)}")
            lab.log(f"cycle {cycle} done: {len(slaves)} path(s) at connect, {len(written)} block(s) verified, "
                    f"{flapper.flaps} flap(s) so far")
        flaps = flapper.flaps
    # The flapper is stopped with the portal up; nothing may turn up late (a login open-iscsi finished on its own).
    time.sleep(15)
    lab.assert_clean()
    figures = {"cycles": cycles, "flaps": flaps, "blocks_verified": len(written),
               "paths_at_connect": {str(k): v for k, v in sorted(paths_seen.items())},
               "seconds": round(time.monotonic() - started)}
    lab.log(f"soak: {json.dumps(figures)}")
    return figures


def lab_wwid(block):
    """The WWID sysfs gives the block device, None when it cannot be read (the device is going away)."""
    return sysfs_wwid(f"/sys/block/{block}") or None


@scenario
def soak_short(lab):
    """The soak (below) for 3 cycles: connect / write / disconnect / reconnect / verify while one path flaps."""
    lab.outcomes["soak_short"] = soak_cycles(lab, 3)


@named_only
def soak(lab):
    """The long soak, run only when named: BRICK_LAB_SOAK_CYCLES (default 50) cycles of connect, verify every block
    written so far, write one more, disconnect, with the second portal flapping; no leftovers after any disconnect,
    every checksum intact."""
    lab.outcomes["soak"] = soak_cycles(lab, lab.soak_cycles)


# brick-csi's scenarios run last: the plugin they start stays up until the run ends, and is idle for no other scenario
def csi_paths(name):
    """A scenario's staging and target paths (the kubelet makes the staging directory; brick-csi the target)."""
    base = f"/tmp/csi-{name}"
    os.makedirs(f"{base}/staging", exist_ok=True)
    os.makedirs(f"{base}/pods", exist_ok=True)
    return f"{base}/staging", f"{base}/pods/target"


def expect_no_mount(lab, *paths):
    mounted = [p for p in csi.mount_points() if p in paths]
    if mounted:
        raise Failure(f"still mounted: {mounted}")


def csi_release(lab, paths):
    """After a failure: unmount what a scenario's RPCs left, so the reset can remove the map."""
    for path in paths:
        lab.sh(["umount", "-l", path], check=False, quiet=True)


@scenario
def csi_mount(lab):
    """brick-csi (one plugin process, driven by a Python grpcio client): a mount volume of a two-portal LUN is staged
    (ext4 made, mounted on the map), published to a target directory, written, unpublished and unstaged (no session,
    map, device or mount left); staged again it holds the file (no second mkfs); unstaged again, nothing left."""
    plugin = lab.csi
    plugin.start(lab.log)
    info = plugin.call(lab.log, plugin.identity, "GetPluginInfo", plugin.pb.GetPluginInfoRequest())
    if info.name != "io.brick.csi" or info.manifest.get("brick.io/iscsi.initiator") != INITIATOR:
        raise Failure(f"GetPluginInfo answered {info.name} with manifest {dict(info.manifest)}")
    lun = Lun("csi-mount", 1)
    lab.target([lun])
    props = props_for(lun)
    staging, target = csi_paths("mount")
    try:
        plugin.stage(lab.log, lun.name, staging, props)
        source = csi.mount_source(staging)
        if source is None:
            raise Failure(f"nothing mounted at {staging} after NodeStageVolume")
        maps = lab.maps()
        if lun.wwid not in maps:
            raise Failure(f"no map of {lun.wwid} after the stage: {maps}")
        name, slaves = lab.expect_map(f"/dev/{maps[lun.wwid][0]}", lun.wwid, paths=2)
        if source != read(f"/sys/block/{name}/dev"):
            raise Failure(f"{staging} is mounted from {source}, not from {name} ({read(f'/sys/block/{name}/dev')})")
        fs = lab.sh(["blkid", "-p", "-o", "value", "-s", "TYPE", f"/dev/{name}"]).out.strip()
        if fs != "ext4":
            raise Failure(f"{name} holds {fs!r} after the stage, expected ext4")
        plugin.publish(lab.log, lun.name, staging, target)
        if csi.mount_source(target) != source:
            raise Failure(f"{target} is mounted from {csi.mount_source(target)}, expected {source}")
        payload = f"written through brick-csi to {lun.wwid}\n"
        with open(f"{target}/hello.txt", "w") as f:
            f.write(payload)
        plugin.unpublish(lab.log, lun.name, target)
        if os.path.exists(target):
            raise Failure(f"{target} is still there after NodeUnpublishVolume")
        csi_unstage_clean(lab, plugin, lun, staging, target)

        plugin.stage(lab.log, lun.name, staging, props)
        with open(f"{staging}/hello.txt") as f:
            if f.read() != payload:
                raise Failure("the file written before the unstage reads back different after the second stage")
        lab.log("the second stage found the file written through the first")
        csi_unstage_clean(lab, plugin, lun, staging, target)
    except Exception:
        csi_forget(lab, (target, staging))
        raise


@scenario
def csi_block(lab):
    """brick-csi: a block volume of a two-portal LUN is staged (no file system made), published as a device file at
    the target path (the map's device, read with O_DIRECT), unpublished (the file is gone) and unstaged (nothing left)."""
    plugin = lab.csi
    plugin.start(lab.log)
    lun = Lun("csi-block", 1)
    lab.target([lun])
    props = props_for(lun)
    staging, target = csi_paths("block")
    try:
        plugin.stage(lab.log, lun.name, staging, props, block=True)
        maps = lab.maps()
        if lun.wwid not in maps:
            raise Failure(f"no map of {lun.wwid} after the stage: {maps}")
        name, _ = lab.expect_map(f"/dev/{maps[lun.wwid][0]}", lun.wwid, paths=2)
        plugin.publish(lab.log, lun.name, staging, target, block=True)
        st = os.stat(target)
        want = read(f"/sys/block/{name}/dev")
        if not stat.S_ISBLK(st.st_mode) or f"{os.major(st.st_rdev)}:{os.minor(st.st_rdev)}" != want:
            raise Failure(f"{target} is not the block device {name} ({want}): mode {oct(st.st_mode)}")
        lab.sh(["dd", f"if={target}", "of=/dev/null", "bs=4096", "count=1", "iflag=direct"])
        fs = lab.sh(["blkid", "-p", "-o", "value", "-s", "TYPE", f"/dev/{name}"], check=False).out.strip()
        if fs:
            raise Failure(f"a block volume's stage made a file system: {fs}")
        plugin.unpublish(lab.log, lun.name, target)
        if os.path.exists(target):
            raise Failure(f"{target} is still there after NodeUnpublishVolume")
        csi_unstage_clean(lab, plugin, lun, staging, target)
    except Exception:
        csi_forget(lab, (target, staging))
        raise


SIDE_BY_SIDE_ROUNDS = 4


@scenario
def csi_side_by_side(lab):
    """Issue 19's side-by-side, on one two-portal LUN in this guest: os-brick 6.1 (Debian's python3-os-brick,
    ISCSIConnector with multipath, privileged calls in this process) connect_volume/disconnect_volume, brick's
    connect/disconnect inside the running brick-csi process (NodeStageVolume/NodeUnstageVolume of a block volume), and
    the kernel's floor (kernel_floor), interleaved for SIDE_BY_SIDE_ROUNDS rounds. Every round goes to timings.json
    (side_by_side) with brick's commands from its DEBUG log; the table (medians of the rounds after the first) is
    logged. Timing is reported, not judged; anything left behind after any round fails the scenario."""
    plugin = lab.csi
    plugin.start(lab.log)
    lun = Lun("csi-sbs", 1)
    lab.target([lun])
    props = props_for(lun)
    osbrick = OsBrick(lab)
    staging, _ = csi_paths("side-by-side")
    rounds = []
    try:
        for n in range(SIDE_BY_SIDE_ROUNDS):
            lab.log(f"---- round {n + 1} of {SIDE_BY_SIDE_ROUNDS} ----")
            row = {"round": n + 1}
            rounds.append(row)  # a round cut short by a failure still shows what it measured
            row["os_brick"] = osbrick.round(props, lun)
            lab.assert_clean()
            row["brick_csi"] = brick_csi_round(lab, plugin, lun, props, staging)
            lab.assert_clean()
            row["kernel_floor"] = kernel_floor(lab, lun)
    finally:
        osbrick.close()
        lab.timings["side_by_side"] = {"rounds": rounds, "summary": side_by_side_summary(rounds)}
    for line in side_by_side_table(lab.timings["side_by_side"]):
        lab.log(line)
    if os.listdir(csi.STATE_DIR):
        raise Failure(f"brick-csi's state directory still holds {os.listdir(csi.STATE_DIR)}")


class OsBrick:
    """os-brick 6.1's ISCSIConnector in this very process: its privsep context in-process (client mode off: the
    privileged functions run here, as root, with no privsep daemon and no rootwrap), its locks in a lab directory,
    its DEBUG log (and processutils' command lines) in the scenario's log."""

    def __init__(self, lab):
        import logging
        started = time.monotonic()
        from oslo_config import cfg
        import os_brick
        from os_brick import privileged
        from os_brick.initiator import connector
        cfg.CONF([], project="brick-lab", default_config_files=[])
        os.makedirs("/tmp/os-brick-locks", exist_ok=True)
        cfg.CONF.set_override("lock_path", "/tmp/os-brick-locks", "oslo_concurrency")
        os_brick.setup(cfg.CONF)
        privileged.default.set_client_mode(False)
        self.lab = lab

        class ToLab(logging.Handler):
            def emit(self, record):
                lab.log(f"  os-brick {record.name}: {record.getMessage()[:600]}")

        self.handler = ToLab()
        self.loggers = [logging.getLogger(name) for name in ("os_brick", "oslo_concurrency.processutils")]
        for logger in self.loggers:
            logger.setLevel(logging.DEBUG)
            logger.addHandler(self.handler)
        self.connector = connector.InitiatorConnector.factory("ISCSI", root_helper="sudo", use_multipath=True)
        lab.log(f"os-brick {getattr(os_brick, '__version__', '')} imported and set up in "
                f"{time.monotonic() - started:.1f} s (not timed in the rounds)")

    def round(self, props, lun):
        started = time.monotonic()
        info = self.connector.connect_volume(dict(props))
        connect_ms = round((time.monotonic() - started) * 1000)
        self.lab.log(f"os-brick connect_volume -> {info} in {connect_ms} ms")
        self.lab.expect_map(info["path"], lun.wwid, paths=2)
        started = time.monotonic()
        self.connector.disconnect_volume(dict(props), info, force=False, ignore_errors=False)
        disconnect_ms = round((time.monotonic() - started) * 1000)
        self.lab.log(f"os-brick disconnect_volume in {disconnect_ms} ms")
        return {"connect_ms": connect_ms, "disconnect_ms": disconnect_ms}

    def close(self):
        for logger in self.loggers:
            logger.removeHandler(self.handler)


def brick_csi_round(lab, plugin, lun, props, staging):
    """One NodeStageVolume/NodeUnstageVolume of a block volume, timed by the client, with brick's commands (the
    plugin's DEBUG log lines of the call) and the elapsed times brick logs."""
    row = {}
    for rpc in ("stage", "unstage"):
        offset = os.path.getsize(f"{lab.out}/logs/brick-csi.log")
        started = time.monotonic()
        if rpc == "stage":
            plugin.stage(lab.log, lun.name, staging, props, block=True)
        else:
            plugin.unstage(lab.log, lun.name, staging)
        row[f"{'connect' if rpc == 'stage' else 'disconnect'}_ms"] = round((time.monotonic() - started) * 1000)
        with open(f"{lab.out}/logs/brick-csi.log") as f:
            f.seek(offset)
            lines = f.read().splitlines()
        row[f"{rpc}_steps"] = csi_log_steps(lines)
        if rpc == "stage":
            maps = lab.maps()
            if lun.wwid not in maps:
                raise Failure(f"no map of {lun.wwid} after the stage: {maps}")
            lab.expect_map(f"/dev/{maps[lun.wwid][0]}", lun.wwid, paths=2)
    lab.log(f"brick-csi stage {row['connect_ms']} ms, unstage {row['disconnect_ms']} ms (at the client)")
    return row


CSI_LOG_LINE = re.compile(r"^(\d\d):(\d\d):(\d\d)\.(\d\d\d) (\w+)\s+(\S+) - (.*)$")


def csi_log_steps(lines):
    """brick-csi's log lines of one call, each as [ms after the first line, logger, message]."""
    steps, first = [], None
    for line in lines:
        m = CSI_LOG_LINE.match(line)
        if not m:
            continue
        ms = ((int(m.group(1)) * 60 + int(m.group(2))) * 60 + int(m.group(3))) * 1000 + int(m.group(4))
        if first is None:
            first = ms
        steps.append([ms - first, m.group(6).rsplit(".", 1)[-1], m.group(7)[:300]])
    return steps


def side_by_side_summary(rounds):
    """Medians of the rounds after the first (the first is cold for os-brick's imports and brick-csi's JIT)."""
    warm = rounds[1:] or rounds
    summary = {"rounds": len(rounds), "warm_rounds": len(warm)}
    for who in ("os_brick", "brick_csi", "kernel_floor"):
        for what in ("connect", "disconnect"):
            key = "connect_total_ms" if who == "kernel_floor" and what == "connect" else \
                "disconnect_total_ms" if who == "kernel_floor" else f"{what}_ms"
            values = [r[who][key] for r in warm if key in r.get(who, {})]
            if values:
                summary[f"{who}_{what}_ms"] = round(statistics.median(values))
    for what in ("connect", "disconnect"):
        b, o, k = (summary.get(f"{who}_{what}_ms") for who in ("brick_csi", "os_brick", "kernel_floor"))
        if b and o:
            summary[f"brick_over_os_brick_{what}"] = round(b / o, 2)
        if b and k:
            summary[f"brick_over_floor_{what}"] = round(b / k, 2)
    return summary


def side_by_side_table(side):
    """The side-by-side as text lines: every round, then the medians and ratios."""
    lines = ["| round | os-brick connect | brick-csi connect | floor connect | os-brick disconnect | "
             "brick-csi disconnect | floor disconnect |", "| --- | --- | --- | --- | --- | --- | --- |"]
    for r in side["rounds"]:
        o, b, k = r.get("os_brick", {}), r.get("brick_csi", {}), r.get("kernel_floor", {})
        lines.append(f"| {r['round']} | {o.get('connect_ms', '-')} | {b.get('connect_ms', '-')} | "
                     f"{k.get('connect_total_ms', '-')} | {o.get('disconnect_ms', '-')} | "
                     f"{b.get('disconnect_ms', '-')} | {k.get('disconnect_total_ms', '-')} |")
    s = side["summary"]
    if all(f"{who}_{what}_ms" in s for who in ("os_brick", "brick_csi", "kernel_floor")
           for what in ("connect", "disconnect")):
        lines.append(f"| median of rounds 2-{s['rounds']} | {s['os_brick_connect_ms']} | {s['brick_csi_connect_ms']} | "
                     f"{s['kernel_floor_connect_ms']} | {s['os_brick_disconnect_ms']} | "
                     f"{s['brick_csi_disconnect_ms']} | {s['kernel_floor_disconnect_ms']} |")
        lines.append(f"brick/os-brick: connect {s.get('brick_over_os_brick_connect')}, disconnect "
                     f"{s.get('brick_over_os_brick_disconnect')} (goal <= 0.5); brick/floor: connect "
                     f"{s.get('brick_over_floor_connect')}, disconnect {s.get('brick_over_floor_disconnect')} "
                     f"(goal for the disconnect <= 1.5)")
    return lines


def csi_staged_map(lab, lun, staging, paths=2):
    """The map a mount volume of lun is staged on: the map of its WWID with every path, mounted at staging."""
    maps = lab.maps()
    if lun.wwid not in maps:
        raise Failure(f"no map of {lun.wwid} after the stage: {maps}")
    name, slaves = lab.expect_map(f"/dev/{maps[lun.wwid][0]}", lun.wwid, paths=paths)
    source = csi.mount_source(staging)
    if source != read(f"/sys/block/{name}/dev"):
        raise Failure(f"{staging} is mounted from {source}, not from {name} ({read(f'/sys/block/{name}/dev')})")
    return name, slaves


def csi_forget(lab, paths):
    """After a failure of one of the scenarios below: unmount what its RPCs left and remove brick-csi's state files, so
    the next CSI scenario does not find this one's volumes staged."""
    csi_release(lab, paths)
    for name in os.listdir(csi.STATE_DIR) if os.path.isdir(csi.STATE_DIR) else []:
        os.remove(os.path.join(csi.STATE_DIR, name))


def expect_state_files(count):
    files = os.listdir(csi.STATE_DIR) if os.path.isdir(csi.STATE_DIR) else []
    if len(files) != count:
        raise Failure(f"brick-csi's state directory holds {files}, expected {count} file(s)")


def csi_unstage_clean(lab, plugin, lun, staging, *mounts):
    """NodeUnstageVolume, then nothing left: no mount at staging (nor at the other paths), no session, map or device,
    no state file."""
    plugin.unstage(lab.log, lun.name, staging)
    expect_no_mount(lab, staging, *mounts)
    lab.assert_clean()
    expect_state_files(0)


@scenario
def csi_expand(lab):
    """brick-csi: a mount volume of a two-portal LUN (a block backstore on a loop device, 128 MiB) is staged (ext4) and
    a file written; the LUN grows to 256 MiB on the target; NodeExpandVolume returns 256 MiB, the map and both paths
    show it and the mounted file system grew online (statvfs) with the file intact; unstaged, nothing left."""
    plugin = lab.csi
    plugin.start(lab.log)
    lun = Lun("csi-expand", 1, size_mb=128, block=True)
    lab.target([lun])
    props = props_for(lun)
    staging, target = csi_paths("expand")
    try:
        plugin.stage(lab.log, lun.name, staging, props)
        name, slaves = csi_staged_map(lab, lun, staging)
        payload = f"written before the expand of {lun.wwid}\n"
        with open(f"{staging}/before.txt", "w") as f:
            f.write(payload)
        before = os.statvfs(staging)
        lab.sh(["df", "-B1", staging])
        lab.sh(["truncate", "-s", "256M", f"/var/lib/lab/{lun.name}.img"])
        lab.sh(["losetup", "-c", lun.loop])
        r = plugin.expand(lab.log, lun.name, staging, 256 << 20)
        if r.capacity_bytes != 256 << 20:
            raise Failure(f"NodeExpandVolume returned {r.capacity_bytes} bytes, expected {256 << 20}")
        for device in [name] + slaves:
            size = int(read(f"/sys/block/{device}/size")) * 512
            if size != 256 << 20:
                raise Failure(f"{device} is {size} bytes after NodeExpandVolume, expected {256 << 20}")
        after = os.statvfs(staging)
        lab.sh(["df", "-B1", staging])
        grown = (after.f_blocks - before.f_blocks) * after.f_frsize
        lab.log(f"file system at {staging}: {before.f_blocks * before.f_frsize} -> {after.f_blocks * after.f_frsize} "
                f"bytes (statvfs), grown by {grown}")
        # the file system's own overhead (inode tables of the new groups) takes part of the 128 MiB added
        if grown < 100 << 20:
            raise Failure(f"the mounted file system grew by {grown} bytes after the LUN grew by {128 << 20}")
        with open(f"{staging}/before.txt") as f:
            if f.read() != payload:
                raise Failure("the file written before the expand reads back different")
        csi_unstage_clean(lab, plugin, lun, staging)
    except Exception:
        csi_forget(lab, (staging,))
        raise


@scenario
def csi_flush_failure(lab):
    """brick-csi: a staged mount volume whose file system is busy (a file open on it): NodeUnstageVolume fails at the
    unmount and changes nothing. Then the map held open (an open descriptor on its dm device, as a process reading it
    would): the unstage unmounts, the flush fails and the RPC answers INTERNAL with flush-failed and the open count;
    the volume stays staged (state file, session, map and paths kept) and a publish is refused (FAILED_PRECONDITION:
    nothing is mounted at staging); once the descriptor is closed, the unstage succeeds and leaves nothing."""
    plugin = lab.csi
    plugin.start(lab.log)
    lun = Lun("csi-flush", 1)
    lab.target([lun], portals=(P1,))
    props = props_for(lun, portals=(P1,))
    staging, target = csi_paths("flush")
    held = None
    try:
        plugin.stage(lab.log, lun.name, staging, props)
        name, slaves = csi_staged_map(lab, lun, staging, paths=1)
        with open(f"{staging}/kept.txt", "w") as f:
            f.write("kept\n")
        sessions = lab.sessions()

        def still_staged(what):
            lab.settle()
            if lun.wwid not in lab.maps() or lab.sessions() != sessions or slaves[0] not in lab.disks():
                raise Failure(f"{what} removed something: maps {lab.maps()}, sessions {lab.sessions()}, "
                              f"disks {lab.disks()}")
            expect_state_files(1)

        busy = open(f"{staging}/kept.txt")
        try:
            plugin.unstage(lab.log, lun.name, staging, expect="INTERNAL")
        finally:
            busy.close()
        if "umount" not in plugin.last_detail:
            raise Failure(f"the unstage of a busy file system failed with '{plugin.last_detail}', expected umount's error")
        if csi.mount_source(staging) != read(f"/sys/block/{name}/dev"):
            raise Failure(f"the failed unmount left {staging} mounted from {csi.mount_source(staging)}")
        still_staged("an unstage whose unmount failed")

        held = os.open(f"/dev/{name}", os.O_RDONLY)
        lab.log(f"/dev/{name} held open by this process (fd {held})")
        plugin.unstage(lab.log, lun.name, staging, expect="INTERNAL")
        detail = plugin.last_detail
        if not detail.startswith("flush-failed:") or "held open" not in detail:
            raise Failure(f"the unstage with the map held open failed with '{detail}', expected flush-failed naming "
                          "the open count")
        still_staged("an unstage whose flush failed")
        # staged but unmounted now: a publish would bind the bare staging directory
        plugin.call(lab.log, plugin.node, "NodePublishVolume", plugin.pb.NodePublishVolumeRequest(
            volume_id=lun.name, staging_target_path=staging, target_path=target,
            volume_capability=plugin.capability()), expect="FAILED_PRECONDITION")
        if os.path.exists(target):
            raise Failure(f"a refused publish left {target}")
        os.close(held)
        held = None
        csi_unstage_clean(lab, plugin, lun, staging)
    except Exception:
        if held is not None:
            os.close(held)
        csi_forget(lab, (target, staging))
        raise


@scenario
def csi_kill_stage(lab):
    """brick-csi is killed (SIGKILL) in the middle of a NodeStageVolume of a two-portal mount volume, as soon as its
    first iSCSI session shows in sysfs; a new plugin process over the same state directory takes the retried
    NodeStageVolume to the end: one session per portal (no duplicate), the map of the LUN's WWID with both paths, one
    mount at the staging path; unstaged, nothing left and the state directory empty."""
    plugin = lab.csi
    plugin.start(lab.log)
    lun = Lun("csi-kill", 1)
    lab.target([lun])
    props = props_for(lun)
    staging, target = csi_paths("kill")
    answers = []

    def stage_until_killed():
        try:
            plugin.stage(lab.log, lun.name, staging, props)
            answers.append("OK")
        except Failure as e:
            answers.append(str(e))

    try:
        caller = threading.Thread(target=stage_until_killed, name="stage")
        caller.start()
        lab.wait_for("brick-csi's first session", lambda: glob.glob("/sys/class/iscsi_session/session*"),
                     timeout=120, interval=0.02)
        plugin.kill(lab.log)
        caller.join(timeout=60)
        lab.log(f"the interrupted NodeStageVolume answered: {answers}")
        if answers == ["OK"]:
            raise Failure("NodeStageVolume finished before the plugin was killed: nothing was interrupted")
        lab.log(f"at the kill: sessions {lab.sessions()}, disks {lab.disks()}, maps {lab.maps()}, "
                f"mounted at staging: {csi.mount_source(staging)}, state files {os.listdir(csi.STATE_DIR)}")
        plugin.start(lab.log)
        plugin.stage(lab.log, lun.name, staging, props)
        csi_staged_map(lab, lun, staging)
        sessions = lab.sessions()
        portals = sorted(line.split()[2].split(",")[0] for line in sessions)
        if portals != [f"{P1}:3260", f"{P2}:3260"]:
            raise Failure(f"sessions after the retried stage: {sessions}, expected one per portal")
        mounts = [p for p in csi.mount_points() if p == staging]
        if len(mounts) != 1:
            raise Failure(f"{len(mounts)} mounts at {staging} after the retried stage, expected one")
        expect_state_files(1)
        csi_unstage_clean(lab, plugin, lun, staging)
    except Exception:
        csi_forget(lab, (staging,))
        raise


@scenario
def csi_four_at_once(lab):
    """brick-csi: four mount volumes (four LUNs of one two-portal target) staged by four NodeStageVolume calls at once:
    all succeed, each mounted from the map of its own WWID with both paths, one session per portal; then unstaged by
    four calls at once: nothing left, the state directory empty."""
    plugin = lab.csi
    plugin.start(lab.log)
    luns = [Lun("csi-four", n, size_mb=64) for n in range(1, 5)]
    lab.target(luns)
    stagings = [csi_paths(f"four-{lun.number}")[0] for lun in luns]
    try:
        retried = []

        def stage(i):
            try:
                plugin.stage(lab.log, luns[i].name, stagings[i], props_for(luns[i]))
            except Failure as e:
                # as the kubelet would: one retry. On a busy node the connect may return a single path before
                # multipathd makes the map, which then holds the path and fails the mkfs; the retry must go on with
                # the map (brick-csi's onItsMap)
                lab.log(f"volume {luns[i].name}: {e}; retrying once")
                retried.append(luns[i].name)
                plugin.stage(lab.log, luns[i].name, stagings[i], props_for(luns[i]))

        with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
            started = time.monotonic()
            list(pool.map(stage, range(4)))
            lab.log(f"four stages at once took {time.monotonic() - started:.1f} s, retried: {retried}")
        lab.outcomes["csi_four_at_once_retried_stages"] = len(retried)
        devices = [csi_staged_map(lab, lun, staging)[0] for lun, staging in zip(luns, stagings)]
        if len(set(devices)) != 4:
            raise Failure(f"the four volumes are mounted from {devices}, expected four maps")
        if len(lab.sessions()) != 2:
            raise Failure(f"sessions after four stages: {lab.sessions()}, expected one per portal")
        expect_state_files(4)
        with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
            started = time.monotonic()
            list(pool.map(lambda i: plugin.unstage(lab.log, luns[i].name, stagings[i]), range(4)))
            lab.log(f"four unstages at once took {time.monotonic() - started:.1f} s")
        expect_no_mount(lab, *stagings)
        lab.assert_clean()
        expect_state_files(0)
    except Exception:
        csi_forget(lab, stagings)
        raise


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--jar", required=True)
    parser.add_argument("--only", default="")
    parser.add_argument("--csi-jar", default="/jar/brick-csi.jar")
    args = parser.parse_args()
    os.makedirs(f"{args.out}/logs", exist_ok=True)
    wanted = [s for s in args.only.split(",") if s]
    known = SCENARIOS + NAMED_ONLY
    unknown = [w for w in wanted if w not in [s.__name__ for s in known]]
    if unknown:
        print(f"unknown scenarios {unknown}; known: {[s.__name__ for s in known]}")
        return 2
    chosen = [s for s in known if s.__name__ in wanted] if wanted else list(SCENARIOS)
    soak_file = f"{args.out}/soak_cycles"
    soak_cycles_wanted = int(read(soak_file)) if os.path.exists(soak_file) else 50

    java_opts = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData"]
    classlist = "/jar/classes.lst"
    if os.path.exists(classlist):
        started = time.monotonic()
        r = subprocess.run(["java", "-Xshare:dump", f"-XX:SharedClassListFile={classlist}",
                            "-XX:SharedArchiveFile=/tmp/brick.jsa", "-cp", args.jar], capture_output=True,
                           text=True)
        print(f"class-data archive: exit {r.returncode} in {time.monotonic() - started:.1f} s", flush=True)
        if r.returncode == 0:
            java_opts.append("-XX:SharedArchiveFile=/tmp/brick.jsa")
        else:
            print(r.stdout[-2000:], r.stderr[-2000:])

    results, timings, outcomes = [], {}, {}
    # brick-csi, started by the first CSI scenario and stopped after the last scenario
    plugin = csi.Plugin(args.csi_jar, args.out, ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData"])
    for fn in chosen:
        name = fn.__name__
        path = f"{args.out}/logs/{name}.log"
        with open(path, "w") as logfile:
            started = time.monotonic()

            def log(text, logfile=logfile, started=started):
                logfile.write(f"[{time.monotonic() - started:7.2f}s] {text}\n")
                logfile.flush()

            lab = Lab(args.out, args.jar, log, java_opts)
            lab.timings, lab.outcomes = timings, outcomes
            lab.soak_cycles = soak_cycles_wanted
            lab.csi = plugin
            log(f"scenario {name}: {fn.__doc__.strip()}")
            status, detail = "pass", ""
            try:
                lab.reset()
                if lab.leftovers():
                    raise Failure(f"the host was not clean before the scenario: {lab.leftovers()}")
                fn(lab)
            except Failure as e:
                status, detail = "fail", str(e)
            except Exception:  # a bug in the scenario itself is a failure too, with its trace
                status, detail = "fail", traceback.format_exc()
            seconds = time.monotonic() - started
            log(("PASS" if status == "pass" else "FAIL: " + detail))
            if status != "pass":
                for cmd in (["iscsiadm", "-m", "session", "-P", "3"], ["multipath", "-ll"], ["lsblk"],
                            ["dmesg"]):
                    lab.sh(cmd, check=False)
            try:
                lab.reset()
            except Exception:
                log("reset after the scenario failed: " + traceback.format_exc())
        line = f"{status.upper():4} {name:32} {seconds:6.1f} s  {detail.splitlines()[0] if detail else ''}"
        print(line, flush=True)
        results.append({"scenario": name, "status": status, "seconds": round(seconds, 1), "detail": detail})

    plugin.stop()
    failed = [r for r in results if r["status"] != "pass"]
    with open(f"{args.out}/summary.json", "w") as f:
        json.dump({"results": results, "outcomes": outcomes, "passed": len(results) - len(failed),
                   "failed": len(failed), "kernel": os.uname().release}, f, indent=2)
    with open(f"{args.out}/timings.json", "w") as f:
        json.dump(timings, f, indent=2)
    with open(f"{args.out}/summary.txt", "w") as f:
        for r in results:
            first = r["detail"].splitlines()[0] if r["detail"] else ""
            f.write(f"{r['status'].upper():4} {r['scenario']:32} {r['seconds']:6.1f} s  {first}\n")
        f.write(f"{len(results) - len(failed)} passed, {len(failed)} failed\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
