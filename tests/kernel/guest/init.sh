#!/bin/bash
# PID 1 of the lab guest (the initramfs hands over here, on the 9p share of tests/kernel). Brings up what a real
# iSCSI host has (udev, dbus, iscsid, multipathd, the LIO target modules), runs the scenarios, and powers off.
# The root disk is attached with snapshot=on: nothing written here survives the run.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
export LC_ALL=C
t0=$(date +%s%N)
stamp() { echo "[guest $(( ($(date +%s%N) - t0) / 1000000 )) ms] $*"; }

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
ln -sf /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout
ln -sf /proc/self/fd/2 /dev/stderr
mount -t tmpfs -o mode=0755 tmpfs /run
mkdir -p /run/lock /run/dbus
mount -t tmpfs tmpfs /tmp
mount -t configfs configfs /sys/kernel/config 2>/dev/null || true
ip link set lo up
hostname brick-lab

poweroff() {
    sync
    echo o > /proc/sysrq-trigger
    sleep 10
}
trap poweroff EXIT

stamp "modules"
modprobe -a target_core_mod target_core_file target_core_iblock iscsi_target_mod iscsi_tcp sd_mod dm_multipath dm_mod scsi_dh_alua loop
mount -t configfs configfs /sys/kernel/config 2>/dev/null || true

# The initiator's fixed identity and the settings the lab relies on (see shared/real-kernel-lab.md).
echo "InitiatorName=iqn.1993-08.org.debian:01:labinitiator" > /etc/iscsi/initiatorname.iscsi
sed -i 's/^node.session.scan = .*/node.session.scan = manual/' /etc/iscsi/iscsid.conf
grep -q '^node.session.scan' /etc/iscsi/iscsid.conf || echo 'node.session.scan = manual' >> /etc/iscsi/iscsid.conf
sed -i 's/^node.startup = .*/node.startup = manual/' /etc/iscsi/iscsid.conf
cat > /etc/multipath.conf <<'EOF'
defaults {
    user_friendly_names no
    find_multipaths no
}
EOF

stamp "dbus, udevd"
dbus-daemon --system --fork
/lib/systemd/systemd-udevd --daemon
udevadm trigger --action=add
udevadm settle --timeout=30
stamp "iscsid, multipathd"
iscsid
multipathd
for _ in $(seq 1 50); do multipathd show daemon >/dev/null 2>&1 && break; sleep 0.1; done
mkdir -p /var/lib/lab
mount -t tmpfs -o size=1536m tmpfs /var/lib/lab
stamp "ready; scenarios"

only="$(cat /out/only 2>/dev/null || true)"
python3 -u /lab/guest/scenarios.py --out /out --jar /jar/brick.jar ${only:+--only "$only"} 2>&1 | tee /out/scenarios.out
echo "${PIPESTATUS[0]}" > /out/exit-code
stamp "scenarios done"
