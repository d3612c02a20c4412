#!/bin/sh
# brick side by side with os-brick on the same trees (issue 17), in one command, as root:
#
#   brick-benchmarks/osbrick/run.sh [OUT_DIR]
#
# For each shape, one after the other: io.brick.benchmarks.SideBySide writes (or reuses) the tree with brick's own
# builder, draws the seeded sample, times brick's lookups on the tree where it is (HostRoot under the tree) and writes
# the sample; then, in a private mount namespace (unshare -m --propagation private), the tree's sys and dev are bound
# over /sys and /dev and lookups.py times os-brick's own functions (Debian's python3-os-brick, in-process) on the same
# sample; then syscalls/count.sh counts the system calls of brick's lookups named in SYSCALLS on that tree; then the
# tree is removed (unless KEEP_TREES=1), so that the next shape's fits in /dev/shm. The host's own /sys and /dev are
# never touched: the binds exist only in that namespace and go with it.
# Then io.brick.benchmarks.DisconnectCost runs whole two-portal disconnects on each shape's tree (written for it and
# removed after it), commands faked: the host I/O of one disconnect. Last, the tables (OUT_DIR/table.md).
#
# Environment: SHAPES (default "2x2x256 512x2x16 128x2x256": targets x portals x LUNs per target; the first is the
# small host the others are compared with), SAMPLE (volumes per shape, 8), ROUNDS (5), SEED (17), TREES (where trees
# are written, /dev/shm/brick-side-by-side: a 65,536-disk tree is about 2 M inodes), KEEP_TREES=1 to keep them,
# SYSCALLS (brick lookups whose system calls are counted, "holders holderMap"; empty for none), JAVA_OPTS (e.g.
# -Dbrick.sbs.warmup.ms=10000, brick's warm-up per lookup), SKIP_BUILD=1 to use the jar as it is.
set -eu

cd "$(dirname "$0")/../.."
OUT=${1:-brick-benchmarks/target/side-by-side}
SHAPES=${SHAPES:-"2x2x256 512x2x16 128x2x256"}
SAMPLE=${SAMPLE:-8}
ROUNDS=${ROUNDS:-5}
SEED=${SEED:-17}
TREES=${TREES:-/dev/shm/brick-side-by-side}
SYSCALLS=${SYSCALLS-"holders holderMap"}
JAR=brick-benchmarks/target/benchmarks.jar
# Debian's interpreter, the one python3-os-brick is installed for (not a pyenv or venv python3 on the PATH)
PYTHON=/usr/bin/python3

if [ "$(id -u)" != 0 ]; then
    echo "run.sh needs root (unshare -m and bind mounts)" >&2
    exit 2
fi
if ! "$PYTHON" -c 'import os_brick' 2>/dev/null; then
    echo "os-brick is not installed: apt-get install -y python3-os-brick" >&2
    exit 2
fi
if [ -z "${SKIP_BUILD:-}" ]; then
    mvn -B -q -o -pl brick-benchmarks -am package -DskipTests
fi
mkdir -p "$OUT"
# the trees go however the run ends (a 65,536-disk tree left in /dev/shm holds 2 M of its inodes)
# shellcheck disable=SC2064
trap 'if [ -z "${KEEP_TREES:-}" ]; then for s in $SHAPES; do rm -rf "$TREES/$s" "$TREES/$s-disconnect"; done; fi' EXIT
OUT=$(cd "$OUT" && pwd)
HERE=$(pwd)/brick-benchmarks/osbrick
{
    echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); host: $(nproc) cores; uptime: $(uptime)"
    echo "java: $(java -version 2>&1 | head -1); os-brick: $("$PYTHON" -c 'import os_brick.version as v; print(v.version_info.version_string())'); python: $("$PYTHON" -V 2>&1)"
    echo "shapes: $SHAPES; sample $SAMPLE volumes, $ROUNDS rounds, seed $SEED; trees in $TREES"
} | tee "$OUT/run.txt"

for shape in $SHAPES; do
    # shellcheck disable=SC2086
    java ${JAVA_OPTS:-} -Dbrick.bench.dir="$TREES" -cp "$JAR" io.brick.benchmarks.SideBySide "$shape" "$OUT" "$SAMPLE" "$ROUNDS" \
        "$SEED" | tee "$OUT/$shape.brick.txt"
    tree=$(tail -n 1 "$OUT/$shape.brick.txt")
    unshare -m --propagation private sh -c '
        set -e
        mount --bind "$1/sys" /sys
        mount --bind "$1/dev" /dev
        exec "$2" "$3/lookups.py" measure "$4/$5.sample.json" "$4/$5.osbrick.json" "$6"
    ' run.sh "$tree" "$PYTHON" "$HERE" "$OUT" "$shape" "$ROUNDS" | tee "$OUT/$shape.osbrick.txt"
    for lookup in $SYSCALLS; do
        echo "syscalls $shape $lookup: $(sh "$HERE/../syscalls/count.sh" "$JAR" "$TREES" "$shape" "$lookup")"
    done | tee "$OUT/$shape.syscalls.txt"
    echo "uptime after $shape: $(uptime)" | tee -a "$OUT/run.txt"
    if [ -z "${KEEP_TREES:-}" ]; then
        rm -rf "$tree"
    fi
done

# shellcheck disable=SC2086
java ${JAVA_OPTS:-} -Dbrick.bench.dir="$TREES" -cp "$JAR" io.brick.benchmarks.DisconnectCost $SHAPES \
    | tee "$OUT/disconnect.txt"
echo "uptime at the end: $(uptime)" | tee -a "$OUT/run.txt"

# shellcheck disable=SC2086
"$PYTHON" "$HERE/lookups.py" table "$OUT" $SHAPES | tee "$OUT/table.md"
