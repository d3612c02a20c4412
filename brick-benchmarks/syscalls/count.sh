#!/bin/sh
# System calls per lookup, independent of the machine's load (docs/performance.md, issue 16's "lookups not worse"):
#   brick-benchmarks/syscalls/count.sh BENCHMARKS_JAR TREE_DIR SHAPE LOOKUP
#   e.g. count.sh brick-benchmarks/target/benchmarks.jar /tmp/trees 8x2x64 sessionDevice
# LOOKUP: sessionDevice, holderMap, holders, wwid, volumeDevices, byIdLink. The tree is built (or reused) in TREE_DIR by the
# jar's own builder. Needs strace.
set -eu
here="$(cd "$(dirname "$0")" && pwd)"
out=$(mktemp)
trap 'rm -f "$out"' EXIT
strace -f -qq -o "$out" java -Dbrick.bench.dir="$2" -cp "$1" "$here/LookupSyscalls.java" "$3" "$4" >/dev/null 2>&1
python3 - "$out" <<'PY'
import collections, re, sys
lines = open(sys.argv[1]).read().splitlines()
start = next(i for i, line in enumerate(lines) if 'MARK-START' in line)
end = next(i for i, line in enumerate(lines) if 'MARK-END' in line)
calls = collections.Counter()
for line in lines[start + 1:end]:
    match = re.match(r'^\d+\s+(\w+)\(', line)
    # the JVM's own waits are not the lookup's
    if match and match.group(1) not in ('futex', 'sched_yield', 'restart_syscall', 'nanosleep', 'clock_nanosleep'):
        calls[match.group(1)] += 1
print(f"{sum(calls.values()) / 200:.1f} per call; "
      + ", ".join(f"{name} {count / 200:.1f}" for name, count in calls.most_common(6)))
PY
