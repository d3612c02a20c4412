#!/usr/bin/python3
"""os-brick's half of brick's side-by-side (issue 17).

Runs os-brick's own lookups (Debian's python3-os-brick, as installed by apt,
in-process) on the tree and the sample that io.brick.benchmarks.SideBySide
wrote, and prints the side-by-side table. os-brick's paths are absolute, so
`measure` must run where the tree is bound over /sys and /dev (run.sh does that
in a private mount namespace); it refuses to run anywhere else.

Nothing os-brick would run as a command runs: its command runner answers the
two iscsiadm listings its disconnect reads with the text iscsiadm prints on
that host (written by the Java side) and refuses everything else; the
privileged unlink of the stale-link cleanup only records what it was given.

  lookups.py measure SAMPLE.json OUT.json [ROUNDS]
  lookups.py table OUT_DIR SHAPE...
"""

import json
import os
import statistics
import sys
import time

MIN_ROUND_NS = 50_000_000  # a round lasts at least this long (as brick's)
WARMUP_NS = 1_000_000_000

# (key, what it is, os-brick's function(s), brick's lookup key)
ROWS = [
    ('sessionDevice', 'the device of (session, LUN)',
     'get_hctl + device_name_by_hctl', 'sessionDevice'),
    ('wwid', "a device's WWID",
     'get_sysfs_wwn (no map given)', 'wwid'),
    ('wwidRead', "a device's WWID, the sysfs read alone",
     'get_sysfs_wwid', 'wwid'),
    ('holderMap', 'the map holding a device',
     'find_sysfs_multipath_dm', 'holderMap'),
    ('mapRead', "that map's name (brick: the map read and checked)",
     'get_dm_name', 'mapRead'),
    ('volumeDevices', 'every device of a volume on all its portals',
     '_get_connection_devices', 'volumeDevices'),
    ('staleLinks', 'the stale by-id links of its removed paths',
     '_remove_scsi_symlinks', 'staleLinks'),
]


class CommandRefused(Exception):
    pass


def stubbed_os_brick(sample):
    """os-brick's LinuxSCSI and iSCSI connector, with nothing run as a command."""
    from os_brick.initiator.connectors import iscsi
    from os_brick.initiator import linuxscsi
    from os_brick.privileged import rootwrap

    answers = {
        ('iscsiadm', '-m', 'session'): sample['iscsiadm_session'],
        ('iscsiadm', '-m', 'node'): sample['iscsiadm_node'],
    }

    def execute(*cmd, **kwargs):
        out = answers.get(tuple(cmd))
        if out is None:
            raise CommandRefused('os-brick ran a command: %s' % (cmd,))
        return out, ''

    unlinked = []

    def unlink_root(*links, **kwargs):
        unlinked.extend(links)

    # what os-brick runs privileged goes through these: nothing may run
    rootwrap.execute = execute
    rootwrap.execute_root = execute
    rootwrap.unlink_root = unlink_root
    rootwrap.link_root = lambda *args, **kwargs: execute('ln', *args)
    scsi = linuxscsi.LinuxSCSI(None, execute=execute)
    connector = iscsi.ISCSIConnector(None, execute=execute,
                                     use_multipath=True)
    return scsi, connector, unlinked


def calls(scsi, connector, unlinked):
    """Each lookup on one pick: returns its answer, compared with the pick's."""

    def session_device(pick):
        session = str(pick['session'])
        hctl = scsi.get_hctl(session, pick['lun'])
        return scsi.device_name_by_hctl(session, hctl)

    def volume_devices(pick):
        count = len(pick['portals'])
        props = {'target_portals': pick['portals'],
                 'target_iqns': [pick['iqn']] * count,
                 'target_luns': [pick['lun']] * count}
        found = connector._get_connection_devices(props)
        return sorted(dev for belong, _ in found.values() for dev in belong)

    def stale_links(pick):
        del unlinked[:]
        scsi._remove_scsi_symlinks(pick['disks'])
        return sorted(os.path.basename(link) for link in unlinked)

    return {
        'sessionDevice': (session_device, lambda p: p['disk']),
        'wwid': (lambda p: scsi.get_sysfs_wwn([p['disk']]),
                 lambda p: p['wwid']),
        'wwidRead': (lambda p: scsi.get_sysfs_wwid([p['disk']]),
                     lambda p: p['wwid']),
        'holderMap': (lambda p: scsi.find_sysfs_multipath_dm([p['disk']]),
                      lambda p: p['map']),
        'mapRead': (lambda p: scsi.get_dm_name(p['map']),
                    lambda p: p['wwid']),
        'volumeDevices': (volume_devices, lambda p: sorted(p['disks'])),
        'staleLinks': (stale_links, lambda p: p['stale_links']),
    }


def measure_one(picks, call, rounds):
    """brick's rule: warm up (a second, one pass at least: nothing to
    compile here), size a round to last MIN_ROUND_NS, median over the rounds
    of the time per call, wall-clock and the thread's CPU time."""
    clock = time.perf_counter_ns
    cpu = time.thread_time_ns
    start = clock()
    passes = 0
    timed = 0
    while True:
        for pick in picks:
            before = clock()
            call(pick)
            timed += clock() - before
        passes += 1
        if clock() - start >= WARMUP_NS:
            break
    pass_ns = max(1, timed // passes)
    per_round = max(1, -(-MIN_ROUND_NS // pass_ns))
    calls = per_round * len(picks)
    per_call = []
    cpu_per_call = []
    for _ in range(rounds):
        wall_total = 0
        cpu_total = 0
        for _ in range(per_round):
            for pick in picks:
                cpu_before = cpu()
                before = clock()
                call(pick)
                after = clock()
                cpu_total += cpu() - cpu_before
                wall_total += after - before
        per_call.append(wall_total / calls)
        cpu_per_call.append(cpu_total / calls)
    return {'median_ns': statistics.median(per_call),
            'cpu_median_ns': statistics.median(cpu_per_call),
            'calls_per_round': calls,
            'rounds_ns': per_call,
            'cpu_rounds_ns': cpu_per_call}


def measure(sample_file, out_file, rounds):
    with open(sample_file) as f:
        sample = json.load(f)
    picks = sample['picks']
    first = picks[0]
    # the tree, not the host's own /sys and /dev: the sample's disk is there
    # with the sample's WWID, and the host's own sysfs has no such session
    wwid_file = '/sys/block/%s/device/wwid' % first['disk']
    try:
        with open(wwid_file) as f:
            seen = f.read().strip()
    except OSError:
        seen = None
    if seen != 'naa.' + first['wwid'][1:]:
        sys.exit('%s is not the tree of %s (bind it over /sys and /dev: '
                 'run.sh)' % (wwid_file, sample['shape']))
    scsi, connector, unlinked = stubbed_os_brick(sample)
    lookups = calls(scsi, connector, unlinked)
    for key, (call, expected) in lookups.items():
        for pick in picks:
            found = call(pick)
            if found != expected(pick):
                sys.exit('os-brick %s of %s found %r, not %r'
                         % (key, pick['disk'], found, expected(pick)))
    results = {}
    for key, (call, _) in lookups.items():
        results[key] = measure_one(picks, call, rounds)
        print('os-brick %-14s %12.1f us/call, CPU %12.1f us/call '
              '(%d calls a round)' %
              (key, results[key]['median_ns'] / 1000,
               results[key]['cpu_median_ns'] / 1000,
               results[key]['calls_per_round']), flush=True)
    import os_brick.version
    with open(out_file, 'w') as f:
        json.dump({'side': 'os-brick',
                   'version': os_brick.version.version_info.version_string(),
                   'shape': sample['shape'], 'sample': len(picks),
                   'lookups': results}, f, indent=2)
        f.write('\n')


def duration(ns):
    if ns >= 1e9:
        return '%.2f s' % (ns / 1e9)
    if ns >= 1e6:
        return '%.3g ms' % (ns / 1e6)
    if ns >= 1e3:
        return '%.3g µs' % (ns / 1e3)
    return '%.0f ns' % ns


def ratio(theirs, ours):
    return '%.2g ×' % (theirs / ours) if theirs < ours else '%.1f ×' % (theirs / ours)


def table(out_dir, shapes):
    lines = ['| what a connect or disconnect asks | host | os-brick 6.1 '
             '(function) | os-brick | brick | os-brick / brick '
             '| os-brick CPU | brick CPU | os-brick / brick, CPU |',
             '| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |']
    for shape in shapes:
        with open(os.path.join(out_dir, shape + '.sample.json')) as f:
            sample = json.load(f)
        with open(os.path.join(out_dir, shape + '.brick.json')) as f:
            brick = json.load(f)['lookups']
        with open(os.path.join(out_dir, shape + '.osbrick.json')) as f:
            osbrick = json.load(f)['lookups']
        host = '%s: %s disks, %s sessions' % (
            shape, format(sample['devices'], ','),
            format(sample['sessions'], ','))
        for key, what, function, brick_key in ROWS:
            theirs = osbrick[key]['median_ns']
            ours = brick[brick_key]['median_ns']
            theirs_cpu = osbrick[key]['cpu_median_ns']
            ours_cpu = brick[brick_key]['cpu_median_ns']
            lines.append('| %s | %s | `%s` | %s | %s | %s | %s | %s | %s |' % (
                what, host, function, duration(theirs), duration(ours),
                ratio(theirs, ours), duration(theirs_cpu), duration(ours_cpu),
                ratio(theirs_cpu, ours_cpu)))
    print('\n'.join(lines))


def main(argv):
    if len(argv) >= 3 and argv[0] == 'measure':
        measure(argv[1], argv[2], int(argv[3]) if len(argv) > 3 else 5)
    elif len(argv) >= 2 and argv[0] == 'table':
        table(argv[1], argv[2:])
    else:
        sys.exit(__doc__)


if __name__ == '__main__':
    main(sys.argv[1:])
