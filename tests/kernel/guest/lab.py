"""The guest side of brick's real-kernel lane: commands, the LIO target, brick's CLI and the kernel's state.

Runs inside the qemu guest as root (python3 from Debian, standard library only). Every command and its result goes
to the scenario's log; a failed check raises Failure with what was seen.
"""
import glob
import hashlib
import json
import os
import re
import signal
import subprocess
import threading
import time

INITIATOR = "iqn.1993-08.org.debian:01:labinitiator"
TARGET = "iqn.2003-01.org.linux-iscsi.labvm:target1"
P1 = "127.0.0.1"
P2 = "127.0.0.2"
STORE = "/var/lib/lab"


class Failure(Exception):
    """A check that did not hold; the message says what was expected and what was seen."""


class Result:
    def __init__(self, argv, rc, out, err, seconds):
        self.argv, self.rc, self.out, self.err, self.seconds = argv, rc, out, err, seconds


class Lun:
    """A LUN of the lab target: its number, a backstore name, a size and the unit serial LIO builds the WWID from."""

    def __init__(self, scenario, number, size_mb=128, generation=0, block=False):
        self.number = number
        self.name = f"{scenario.replace('-', '_')}_l{number}_g{generation}"
        self.size_mb = size_mb
        digest = hashlib.sha256(f"{scenario}/{number}/{generation}".encode()).hexdigest()
        self.serial = f"{digest[0:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}"
        self.block = block

    @property
    def wwid(self):
        # LIO builds the NAA identifier from its OUI and only the first 25 hex digits of the unit serial;
        # udev (and so multipath and brick) names it with the "3" NAA prefix.
        return "36001405" + self.serial.replace("-", "")[:25]


class Lab:
    def __init__(self, out, jar, log, java_opts):
        self.out = out
        self.jar = jar
        self.log = log
        self.java_opts = java_opts
        self.seq = 0
        self.seq_lock = threading.Lock()

    # ---- commands ----
    def sh(self, argv, check=True, timeout=120, input=None, quiet=False):
        shell = isinstance(argv, str)
        started = time.monotonic()
        p = subprocess.Popen(argv, shell=shell, stdin=subprocess.PIPE if input is not None else None,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            out, err = p.communicate(input=input, timeout=timeout)
            rc = p.returncode
        except subprocess.TimeoutExpired:
            # a JVM prints every thread's stack on SIGQUIT: where a hung brick waits, before it is killed
            p.send_signal(signal.SIGQUIT)
            try:
                out, err = p.communicate(timeout=5)
            except subprocess.TimeoutExpired:
                p.kill()
                out, err = p.communicate()
            if p.returncode is None:
                p.kill()
                p.wait()
            rc, err = "timeout", (err or "") + f"\nkilled after {timeout} s"
        seconds = time.monotonic() - started
        shown = argv if shell else " ".join(argv)
        if not quiet:
            self.log(f"$ {shown}  -> {rc} in {seconds:.2f}s")
            for text in (out, err):
                if text.strip():
                    self.log("  " + text.rstrip()[-3000:].replace("\n", "\n  "))
        if check and rc != 0:
            raise Failure(f"command failed ({rc}): {shown}\n{out}{err}")
        return Result(argv, rc, out, err, seconds)

    def write(self, path, text):
        self.log(f"# echo '{text}' > {path}")
        with open(path, "w") as f:
            f.write(text)

    def settle(self):
        self.sh(["udevadm", "settle", "--timeout=30"], check=False, quiet=True)

    def wait_for(self, what, predicate, timeout=30.0, interval=0.05):
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() > deadline:
                raise Failure(f"timed out after {timeout} s waiting for {what}")
            time.sleep(interval)

    # ---- the LIO target ----
    def targetcli(self, lines):
        script = "\n".join(lines) + "\nexit\n"
        r = self.sh(["targetcli"], input=script, timeout=120, check=False)
        bad = [line for line in (r.out + r.err).splitlines()
               if re.search(r"(?i)\b(error|no such path|not a valid|unknown command)\b", line)]
        if r.rc != 0 or bad:
            raise Failure("targetcli failed: " + "; ".join(bad or [str(r.rc)]))

    def target(self, luns, portals=(P1, P2), chap=None, iqn=TARGET):
        lines = ["set global auto_add_default_portal=false auto_save_on_exit=false"]
        for lun in luns:
            lines += self.backstore_lines(lun)
        lines.append(f"/iscsi create {iqn}")
        for lun in luns:
            lines.append(f"/iscsi/{iqn}/tpg1/luns create {self.backstore_path(lun)} lun={lun.number}")
        for portal in portals:
            lines.append(f"/iscsi/{iqn}/tpg1/portals create {portal} 3260")
        auth = "authentication=1" if chap else "authentication=0"
        lines.append(f"/iscsi/{iqn}/tpg1 set attribute generate_node_acls=1 demo_mode_write_protect=0 "
                     f"cache_dynamic_acls=1 {auth}")
        if chap:
            lines.append(f"/iscsi/{iqn}/tpg1 set auth userid={chap[0]} password={chap[1]}")
        self.targetcli(lines)

    def backstore_path(self, lun):
        return f"/backstores/{'block' if lun.block else 'fileio'}/{lun.name}"

    def backstore_lines(self, lun):
        image = f"{STORE}/{lun.name}.img"
        if not lun.block:
            return [f"/backstores/fileio create name={lun.name} file_or_dev={image} size={lun.size_mb}M "
                    f"sparse=true wwn={lun.serial}"]
        self.sh(["truncate", "-s", f"{lun.size_mb}M", image])
        loop = self.sh(["losetup", "--find", "--show", image]).out.strip()
        lun.loop = loop
        return [f"/backstores/block create name={lun.name} dev={loop} wwn={lun.serial}"]

    def delete_portal(self, portal, iqn=TARGET):
        """Takes a portal down from the target side: delete it, and reset its established connections."""
        self.targetcli([f"/iscsi/{iqn}/tpg1/portals delete {portal} 3260"])
        self.sh(["ss", "-tnK", "dst", portal, "dport", "=", ":3260"], check=False)
        self.sh(["ss", "-tnK", "src", portal, "sport", "=", ":3260"], check=False)

    def add_portal(self, portal, iqn=TARGET):
        self.targetcli([f"/iscsi/{iqn}/tpg1/portals create {portal} 3260"])

    # ---- brick ----
    def brick(self, command, props=None, args=(), expect=0, protocol="iscsi", device_info=None, timeout=600):
        with self.seq_lock:  # brick runs from several threads at once (four_in_parallel): one file each
            self.seq += 1
            seq = self.seq
        argv = ["java", *self.java_opts, "-jar", self.jar, "--json", "-v", command]
        if props is not None:
            path = f"/tmp/props-{seq}.json"
            with open(path, "w") as f:
                json.dump(props, f)
            argv += ["-p", protocol, "--properties", path]
        if device_info is not None:
            path = f"/tmp/device-info-{seq}.json"
            with open(path, "w") as f:
                json.dump(device_info, f)
            argv += ["--device-info", path]
        argv += list(args)
        self.log(f"$ brick {' '.join(argv[argv.index('--json'):])}")
        if props is not None:
            self.log("  properties: " + json.dumps(mask(props)))
        r = self.sh(argv, check=False, timeout=timeout, quiet=True)
        self.log(f"  -> exit {r.rc} in {r.seconds:.2f}s (process)")
        if r.out.strip():
            self.log("  stdout: " + r.out.strip().replace("\n", "\n  "))
        if r.err.strip():
            self.log("  stderr (last 30000 chars): " + r.err.strip()[-30000:].replace("\n", "\n  "))
        try:
            doc = json.loads(r.out) if r.out.strip() else None
        except ValueError:
            raise Failure(f"brick {command} printed no JSON: {r.out[:500]}")
        if expect is not None and r.rc != expect:
            raise Failure(f"brick {command} exited {r.rc}, expected {expect}: {r.out.strip()[:1500]}")
        r.doc = doc
        if command == "connect" and r.rc == 0 and doc and doc.get("deviceInfo", {}).get("path"):
            self.usable_at_once(doc["deviceInfo"]["path"])
        return r

    def wait_for_lock_held(self, prefix, timeout):
        """Whether a process came to hold one of brick's lock files named prefix* (by /proc/locks) within timeout."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            inodes = set()
            for path in glob.glob(f"/run/brick/locks/{prefix}*"):
                try:
                    inodes.add(os.stat(path).st_ino)
                except OSError:
                    pass
            with open("/proc/locks") as f:
                for line in f:
                    fields = line.split()
                    device = next((x for x in fields if x.count(":") == 2), None)
                    if device and int(device.rsplit(":", 1)[1]) in inodes:
                        return True
            time.sleep(0.1)
        return False

    def usable_at_once(self, path):
        """Issue 18, item 1: the device a connect returned takes O_DIRECT reads of its first and last block at once,
        before anything else runs (no udev settle, no wait). Every successful connect of every scenario is checked;
        the count goes to the outcomes."""
        size = int(self.sh(["blockdev", "--getsize64", path], quiet=True).out.strip())
        last = size // 4096 - 1
        for block in (0, last):
            r = self.sh(["dd", f"if={path}", "of=/dev/null", "bs=4096", "count=1", f"skip={block}", "iflag=direct"],
                        check=False, timeout=30, quiet=True)
            if r.rc != 0:
                raise Failure(f"connect returned {path}, but an O_DIRECT read of its block {block} right after "
                              f"failed (exit {r.rc}): {r.err.strip()[-300:]}")
        self.log(f"  {path}: O_DIRECT reads of blocks 0 and {last} right after connect: ok")
        with self.seq_lock:
            self.outcomes["direct_reads_after_connect"] = self.outcomes.get("direct_reads_after_connect", 0) + 1

    def brick_any(self, command, props=None, **kwargs):
        """brick, whatever its exit code."""
        return self.brick(command, props, expect=None, **kwargs)

    # The same commands shared/fixtures recorded, so the unit tests check these recordings the same way.
    RECORDED_COMMANDS = (
        "uname -r", "iscsiadm --version", "multipath -h 2>&1 | head -1",
        "iscsiadm -m session", "iscsiadm -m session -P 3", "iscsiadm -m node", "iscsiadm -m iface",
        "multipath -ll", "multipathd show maps", "multipathd show paths", "multipathd show maps json",
        "dmsetup table", "dmsetup status", "dmsetup info -c", "dmsetup ls --tree", "lsscsi -t", "lsscsi -g -t -s",
        "lsblk -o NAME,KNAME,MAJ:MIN,SIZE,TYPE,TRAN,HCTL,WWN,SERIAL,VENDOR,MODEL", "cat /proc/partitions",
        "ls -l /dev/disk/by-id", "ls -l /dev/disk/by-path", "ls -l /dev/mapper",
    )
    PER_DEVICE_COMMANDS = ("blockdev --getsize64 /dev/{}", "/lib/udev/scsi_id --page 0x83 --whitelisted --device=/dev/{}",
                           "udevadm info --query=all --name=/dev/{}")

    def snapshot(self, name, note):
        """brick snapshot of this moment, with what the tools say at the same moment, in the fixtures' layout:
        snapshots/NAME/{sysfs.json, commands.json, NOTE.txt}."""
        folder = f"{self.out}/snapshots/{name}"
        os.makedirs(folder, exist_ok=True)
        self.settle()
        self.brick("snapshot", args=["--out", f"{folder}/sysfs.json"])
        commands = []
        devices = sorted(os.path.basename(p) for p in glob.glob("/sys/block/sd*")) + \
            sorted((os.path.basename(p) for p in glob.glob("/sys/block/dm-*")), key=lambda n: int(n[3:]))
        per_device = [c.format(d) for c in self.PER_DEVICE_COMMANDS for d in devices
                      if not (d.startswith("dm-") and "scsi_id" in c)]
        for cmd in self.RECORDED_COMMANDS + tuple(per_device):
            r = self.sh(cmd, check=False, quiet=True)
            commands.append({"cmd": cmd, "rc": r.rc, "stdout": r.out, "stderr": r.err,
                             "seconds": round(r.seconds, 3)})
        with open(f"{folder}/commands.json", "w") as f:
            json.dump(commands, f, indent=1)
        with open(f"{folder}/NOTE.txt", "w") as f:
            f.write(note.strip() + "\n")

    # ---- the kernel's state ----
    def sessions(self):
        r = self.sh(["iscsiadm", "-m", "session"], check=False)
        if r.rc == 21:
            return []
        if r.rc != 0:
            raise Failure(f"iscsiadm -m session exited {r.rc}")
        return [line for line in r.out.splitlines() if line.strip()]

    def nodes(self):
        r = self.sh(["iscsiadm", "-m", "node"], check=False)
        if r.rc == 21:
            return []
        if r.rc != 0:
            raise Failure(f"iscsiadm -m node exited {r.rc}")
        return [line for line in r.out.splitlines() if line.strip()]

    def disks(self):
        """SCSI disks: name -> WWID (udev's form, from device/wwid)."""
        found = {}
        for block in sorted(glob.glob("/sys/block/sd*")):
            found[os.path.basename(block)] = sysfs_wwid(block)
        return found

    def maps(self):
        """multipath maps: WWID -> (dm name, [paths])."""
        found = {}
        for block in sorted(glob.glob("/sys/block/dm-*")):
            uuid = read(f"{block}/dm/uuid")
            if uuid.startswith("mpath-"):
                found[uuid[len("mpath-"):]] = (os.path.basename(block), sorted(os.listdir(f"{block}/slaves")))
        return found

    def by_id(self):
        if not os.path.isdir("/dev/disk/by-id"):
            return []
        return sorted(name for name in os.listdir("/dev/disk/by-id")
                      if name.startswith(("scsi-", "wwn-", "dm-uuid-mpath-", "dm-name-3")))

    def leftovers(self):
        self.settle()
        left = {}
        for name, value in (("sessions", self.sessions()), ("nodes", self.nodes()), ("disks", self.disks()),
                            ("maps", self.maps()), ("by-id", self.by_id())):
            if value:
                left[name] = value
        lsblk = self.sh(["lsblk", "-n", "-o", "NAME,TYPE"], quiet=True).out
        # vda is the guest's root disk, loopN the lab's own block backstores (extend).
        extra = [line for line in lsblk.splitlines() if not line.startswith(("vda", "loop"))]
        if extra:
            left["lsblk"] = extra
        return left

    def assert_clean(self):
        left = self.leftovers()
        if left:
            self.sh(["multipath", "-ll"], check=False)
            raise Failure(f"left behind: {json.dumps(left)}")
        self.log("clean: no session, node record, SCSI disk, map or by-id link left")

    def reset(self):
        """Puts the host and the target back to nothing, whatever a scenario left (errors ignored)."""
        self.sh("for m in $(dmsetup ls --target multipath | awk '{print $1}'); do "
                "dmsetup message $m 0 fail_if_no_path; done", check=False, quiet=True)
        self.sh(["multipath", "-F"], check=False, quiet=True)
        self.sh(["iscsiadm", "-m", "node", "-u"], check=False, quiet=True, timeout=60)
        self.sh(["iscsiadm", "-m", "node", "-o", "delete"], check=False, quiet=True)
        # A login that a scenario's brick process left in flight (a portal that did not answer; the CLI returned
        # and exited) lives on in iscsid, which retries it for minutes and completes it when a later scenario brings
        # a portal of that address back: a session no scenario made (it broke `extend` once). brick cannot cancel
        # such a login yet (see issue 18); restart iscsid so no scenario inherits another's pending login.
        self.sh("pkill -x iscsid; for i in $(seq 50); do pgrep -x iscsid >/dev/null || break; sleep 0.1; done; iscsid </dev/null >/dev/null 2>&1",
                check=False, quiet=True, timeout=30)
        for disk in glob.glob("/sys/block/sd*/device/delete"):
            try:
                with open(disk, "w") as f:
                    f.write("1")
            except OSError:
                pass
        self.sh(["dmsetup", "remove_all", "--force"], check=False, quiet=True)
        self.sh(["targetcli", "clearconfig", "confirm=True"], check=False, quiet=True)
        self.sh("losetup -D; rm -f " + STORE + "/*", check=False, quiet=True)
        self.settle()

    def dm_of(self, path):
        real = os.path.realpath(path)
        return os.path.basename(real)

    def expect_map(self, path, wwid, paths):
        """path is the multipath map of wwid, with that many paths, each a SCSI disk of that WWID, all active."""
        name = self.dm_of(path)
        if not name.startswith("dm-"):
            raise Failure(f"{path} is {name}, not a multipath map")
        uuid = read(f"/sys/block/{name}/dm/uuid")
        if uuid != f"mpath-{wwid}":
            raise Failure(f"{path} ({name}) has dm uuid {uuid}, expected mpath-{wwid}")
        # connect returns once one good path forms the map; a path whose device appears a moment later joins it
        # when multipathd handles its uevent (brick's documented contract): give it that moment.
        try:
            self.wait_for(f"{paths} paths in {name}",
                          lambda: len(os.listdir(f"/sys/block/{name}/slaves")) >= paths, timeout=20, interval=0.1)
        except Failure:
            pass
        slaves = sorted(os.listdir(f"/sys/block/{name}/slaves"))
        if len(slaves) != paths:
            raise Failure(f"{name} has paths {slaves}, expected {paths}")
        for slave in slaves:
            got = sysfs_wwid(f"/sys/block/{slave}")
            if got != wwid:
                raise Failure(f"path {slave} of {name} has WWID {got}, expected {wwid}")
        table = self.sh(["multipath", "-ll", wwid]).out
        active = re.findall(r"\d+:\d+:\d+:\d+\s+(sd\w+)\s+\d+:\d+\s+active ready running", table)
        if sorted(active) != slaves:
            raise Failure(f"multipath -ll {wwid} shows active paths {active}, expected {slaves}")
        return name, slaves


def sysfs_wwid(block):
    raw = read(f"{block}/device/wwid")
    if raw.startswith("naa."):
        return "3" + raw[4:]
    return raw


def read(path):
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError:
        return ""


def mask(props):
    return {k: ("***" if "password" in k else v) for k, v in props.items()}


def props_for(luns_or_lun, portals=(P1, P2), iqn=TARGET, **extra):
    """os-brick's iSCSI connection properties for one LUN over the given portals."""
    lun = luns_or_lun
    props = {"target_portal": f"{portals[0]}:3260", "target_iqn": iqn, "target_lun": lun.number,
             "volume_id": lun.name, "target_discovered": False}
    if len(portals) > 1:
        props.update({"target_portals": [f"{p}:3260" for p in portals], "target_iqns": [iqn] * len(portals),
                      "target_luns": [lun.number] * len(portals)})
    props.update(extra)
    return props
