#!/usr/bin/env bash
# The real-kernel lane: boots Debian's kernel under qemu (TCG, no network device) with a LIO target, open-iscsi and
# multipathd inside, hands it brick.jar and the scenarios through 9p shares, and collects the results.
#
#   tests/kernel/run.sh [SCENARIO ...]       run all scenarios, or only the named ones
#
# Environment:
#   BRICK_LAB_OUT     where results go (default target/kernel-lab): summary.json, timings.json, per-scenario logs,
#                     snapshots/*.json (brick snapshot recordings), console.log (the guest's serial console)
#   BRICK_LAB_JAR     the brick.jar to test (default brick-cli/target/brick.jar; built with mvn if missing)
#   BRICK_LAB_CSI_JAR the brick-csi.jar to test (default brick-csi/target/brick-csi.jar; built with mvn if missing)
#   BRICK_LAB_CACHE   where the guest image is cached (default ~/.cache/brick/kernel-lab)
#   BRICK_LAB_TIMEOUT seconds before the guest is killed (default 2400)
#   BRICK_LAB_SOAK_CYCLES cycles of the long soak, run only when named (default 50):
#                     BRICK_LAB_TIMEOUT=5400 tests/kernel/run.sh soak
#
# Exit 0 only when every scenario passed. On a failure the guest's console log is printed.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
out="${BRICK_LAB_OUT:-$repo/target/kernel-lab}"
jar="${BRICK_LAB_JAR:-$repo/brick-cli/target/brick.jar}"
csi_jar="${BRICK_LAB_CSI_JAR:-$repo/brick-csi/target/brick-csi.jar}"
limit="${BRICK_LAB_TIMEOUT:-2400}"

log() { echo "kernel-lab: $*" >&2; }

if [ "$(id -u)" != 0 ]; then
    log "needs root (mmdebstrap and mkfs.ext4 -d build a root filesystem owned by root)"
    exit 2
fi
if [ ! -f "$jar" ]; then
    log "building $jar"
    (cd "$repo" && mvn -B -q -DskipTests -pl brick-cli -am package >&2)
fi
if [ ! -f "$csi_jar" ]; then
    log "building $csi_jar"
    (cd "$repo" && mvn -B -q -DskipTests -pl brick-csi -am package >&2)
fi

image="$(bash "$here/build-image.sh" | tail -n 1)"
kver="$(cat "$image/kernel-version")"

rm -rf "$out"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
jardir="$(mktemp -d)"
trap 'rm -rf "$jardir"' EXIT
cp "$jar" "$jardir/brick.jar"
# brick-csi's scenarios: the plugin's jar, and the proto the guest's own client is generated from
cp "$csi_jar" "$jardir/brick-csi.jar"
cp "$repo/brick-csi/src/main/proto/csi.proto" "$jardir/csi.proto"
# The classes a brick run loads, listed here where the JVM is fast, so the guest can dump a class-data archive once
# (under emulation every class loaded from the jar costs ~15x what it costs here).
(cd "$jardir" && java -XX:DumpLoadedClassList="$jardir/classes.lst" -jar "$jardir/brick.jar" demo >/dev/null 2>&1) \
    || { log "could not list brick's classes (brick demo failed); the guest runs without a class-data archive"; \
         rm -f "$jardir/classes.lst"; }
if [ $# -gt 0 ]; then
    (IFS=,; echo "$*") > "$out/only"
fi
if [ -n "${BRICK_LAB_SOAK_CYCLES:-}" ]; then
    echo "$BRICK_LAB_SOAK_CYCLES" > "$out/soak_cycles"
fi

log "booting $kver (scenarios: ${*:-all}); results in $out"
started=$(date +%s)
set +e
timeout --signal=KILL "$limit" qemu-system-x86_64 \
    -accel tcg,thread=multi -smp 2 -m 3072 -nodefaults -nic none -display none -no-reboot \
    -serial "file:$out/console.log" \
    -kernel "$image/vmlinuz" -initrd "$image/initrd.gz" \
    -append "console=ttyS0 panic=1 loglevel=4 root=/dev/vda" \
    -drive "file=$image/rootfs.ext4,format=raw,if=virtio,snapshot=on" \
    -virtfs "local,path=$here,mount_tag=lab,security_model=none,readonly=on" \
    -virtfs "local,path=$jardir,mount_tag=jar,security_model=none,readonly=on" \
    -virtfs "local,path=$out,mount_tag=out,security_model=none"
qemu_rc=$?
set -e
elapsed=$(( $(date +%s) - started ))

guest_rc="$(cat "$out/exit-code" 2>/dev/null || echo none)"
if [ -f "$out/summary.txt" ]; then
    cat "$out/summary.txt" >&2
elif [ -f "$out/scenarios.out" ]; then
    # killed or crashed before the summary: what had finished, and the scenario that was running
    cat "$out/scenarios.out" >&2
    running="$(ls -t "$out"/logs/*.log 2>/dev/null | head -n 1 || true)"
    if [ -n "$running" ]; then
        log "---- the scenario running when the guest stopped: $running (last 200 lines) ----"
        tail -n 200 "$running" >&2
    fi
fi
if [ "$qemu_rc" != 0 ] || [ "$guest_rc" != 0 ]; then
    log "FAILED after ${elapsed} s (qemu exit $qemu_rc, scenarios exit $guest_rc; 137 = killed after ${limit} s)"
    log "---- guest console ($out/console.log) ----"
    cat "$out/console.log" >&2 || true
    for f in "$out"/logs/*.log; do
        [ -f "$f" ] || continue
        if grep -q '^FAIL' "$f"; then
            log "---- $f ----"
            cat "$f" >&2
        fi
    done
    exit 1
fi
log "all scenarios passed in ${elapsed} s"
