"""brick-csi in the real-kernel lane: the plugin jar served on a Unix socket in the guest, driven by an independent
client (Python's grpcio, with stubs that Debian's grpc_tools generates here from brick-csi's csi.proto).

One plugin process serves every CSI scenario of a run (its JVM start under emulation is paid once); each scenario
leaves nothing staged, so its state directory is empty between them. Its log goes to logs/brick-csi.log.
"""
import json
import os
import subprocess
import sys
import time

from lab import Failure

ENDPOINT = "unix:///run/brick-csi.sock"
STATE_DIR = "/var/lib/brick-csi-lab"
STUBS = "/tmp/csi-stubs"
PROTO_DIR = "/jar"                # brick-csi's csi.proto, copied beside the jars by run.sh


class Plugin:
    """The brick-csi process and a client of its Identity and Node services."""

    def __init__(self, jar, out, java_opts):
        self.jar, self.out, self.java_opts = jar, out, java_opts
        self.process = None
        self.killed = 0
        self.pb = self.node = self.identity = None

    def start(self, log):
        if self.process is not None:
            if self.process.poll() is not None:
                raise Failure(f"brick-csi exited {self.process.returncode} after an earlier scenario (see logs/brick-csi.log)")
            return
        started = time.monotonic()
        if self.pb is None:
            self.generate_stubs(log, started)
        self.launch(log, started)

    def generate_stubs(self, log, started):
        os.makedirs(STUBS, exist_ok=True)
        include = os.path.join(os.path.dirname(__import__("grpc_tools").__file__), "_proto")
        r = subprocess.run([sys.executable, "-m", "grpc_tools.protoc", f"-I{PROTO_DIR}", f"-I{include}",
                            f"--python_out={STUBS}", f"--grpc_python_out={STUBS}", "csi.proto"],
                           capture_output=True, text=True)
        if r.returncode != 0:
            raise Failure(f"grpc_tools.protoc failed ({r.returncode}): {r.stderr[-2000:]}")
        sys.path.insert(0, STUBS)
        import grpc
        import csi_pb2
        import csi_pb2_grpc
        self.grpc, self.pb = grpc, csi_pb2
        log(f"stubs generated from csi.proto in {time.monotonic() - started:.1f} s")

    def launch(self, log, started):
        import grpc
        import csi_pb2
        import csi_pb2_grpc
        # a restarted plugin (csi_kill_stage) appends to the first one's log
        self.logfile = open(f"{self.out}/logs/brick-csi.log", "a" if self.killed else "w")
        argv = ["java", *self.java_opts, "-jar", self.jar, "--endpoint", ENDPOINT, "--node-id", "brick-lab",
                "--state-dir", STATE_DIR, "-v"]
        log("$ " + " ".join(argv) + "  (log: logs/brick-csi.log)")
        self.process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=self.logfile, stderr=subprocess.STDOUT)
        # grpc's reconnect backoff grows to minutes while the JVM starts under emulation: retry every second at most
        channel = grpc.insecure_channel(ENDPOINT, options=[("grpc.initial_reconnect_backoff_ms", 250),
                                                           ("grpc.min_reconnect_backoff_ms", 250),
                                                           ("grpc.max_reconnect_backoff_ms", 1000)])
        self.identity = csi_pb2_grpc.IdentityStub(channel)
        self.node = csi_pb2_grpc.NodeStub(channel)
        deadline = time.monotonic() + 180
        while True:
            if self.process.poll() is not None:
                raise Failure(f"brick-csi exited {self.process.returncode} at start (see logs/brick-csi.log)")
            try:
                ready = self.identity.Probe(csi_pb2.ProbeRequest(), timeout=10).ready.value
                if ready:
                    break
            except grpc.RpcError:
                pass
            if time.monotonic() > deadline:
                raise Failure("brick-csi did not answer Probe with ready within 180 s")
            time.sleep(0.5)
        log(f"brick-csi ready (Probe) {time.monotonic() - started:.1f} s after the start")

    def kill(self, log):
        """SIGKILL, as a crash or an OOM kill would end the plugin; the next start() launches a new one over the same
        state directory and socket path (the launcher removes the socket file the dead one left)."""
        self.process.kill()
        rc = self.process.wait()
        self.logfile.close()
        self.process = None
        self.killed += 1
        log(f"brick-csi killed (SIGKILL, exit {rc})")

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def call(self, log, service, rpc, request, expect="OK"):
        """One RPC; fails the scenario unless its status is `expect` (a grpc.StatusCode name)."""
        started = time.monotonic()
        try:
            response = getattr(service, rpc)(request, timeout=300)
            code, detail = "OK", ""
        except self.grpc.RpcError as e:
            response, code, detail = None, e.code().name, e.details()
        log(f"csi {rpc} -> {code} in {time.monotonic() - started:.2f}s {detail}")
        self.last_detail = detail  # what the failure said, for a scenario that expects one
        if code != expect:
            raise Failure(f"{rpc} answered {code} ({detail}), expected {expect}")
        return response

    def capability(self, block=False, fs_type="ext4"):
        pb = self.pb
        mode = pb.VolumeCapability.AccessMode(mode=pb.VolumeCapability.AccessMode.SINGLE_NODE_WRITER)
        if block:
            return pb.VolumeCapability(block=pb.VolumeCapability.BlockVolume(), access_mode=mode)
        return pb.VolumeCapability(mount=pb.VolumeCapability.MountVolume(fs_type=fs_type), access_mode=mode)

    def stage(self, log, volume_id, staging, props, block=False):
        context = {"brick.io/connection-info": json.dumps({"driver_volume_type": "iscsi", "data": props})}
        return self.call(log, self.node, "NodeStageVolume", self.pb.NodeStageVolumeRequest(
            volume_id=volume_id, staging_target_path=staging, volume_capability=self.capability(block),
            volume_context=context))

    def unstage(self, log, volume_id, staging, expect="OK"):
        return self.call(log, self.node, "NodeUnstageVolume", self.pb.NodeUnstageVolumeRequest(
            volume_id=volume_id, staging_target_path=staging), expect=expect)

    def expand(self, log, volume_id, staging, required_bytes, block=False):
        return self.call(log, self.node, "NodeExpandVolume", self.pb.NodeExpandVolumeRequest(
            volume_id=volume_id, volume_path=staging, staging_target_path=staging,
            capacity_range=self.pb.CapacityRange(required_bytes=required_bytes),
            volume_capability=self.capability(block)))

    def publish(self, log, volume_id, staging, target, block=False):
        return self.call(log, self.node, "NodePublishVolume", self.pb.NodePublishVolumeRequest(
            volume_id=volume_id, staging_target_path=staging, target_path=target,
            volume_capability=self.capability(block)))

    def unpublish(self, log, volume_id, target):
        return self.call(log, self.node, "NodeUnpublishVolume", self.pb.NodeUnpublishVolumeRequest(
            volume_id=volume_id, target_path=target))


def mount_points():
    """Mount points, from the guest's mountinfo."""
    with open("/proc/self/mountinfo") as f:
        return [line.split()[4] for line in f]


def mount_source(path):
    """The device (major:minor) mounted at path, or None."""
    with open("/proc/self/mountinfo") as f:
        for line in f:
            fields = line.split()
            if fields[4] == path:
                return fields[2]
    return None
