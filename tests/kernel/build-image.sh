#!/usr/bin/env bash
# Builds the real-kernel lab's guest from Debian's packages only: Debian's own kernel, a tiny busybox initramfs
# that mounts the root disk and the 9p shares, and an ext4 root filesystem with open-iscsi, multipath-tools,
# targetcli-fb, dbus, udev and a JRE.
#
# The result is cached under $BRICK_LAB_CACHE (default ~/.cache/brick/kernel-lab) in a folder named after a hash of
# everything that goes into it (this script, the initramfs init, the package list, the kernel's version); a second
# run with the same inputs does nothing. Prints the folder on stdout as its last line.
#
# Needs root (mmdebstrap in root mode, mkfs.ext4 -d keeps ownership). Installs its own tools with apt-get when missing.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
cache="${BRICK_LAB_CACHE:-$HOME/.cache/brick/kernel-lab}"
suite=bookworm
mirror="${BRICK_LAB_MIRROR:-http://deb.debian.org/debian}"

packages=(kmod udev mount util-linux procps iproute2 open-iscsi multipath-tools dmsetup kpartx sg3-utils lsscsi
    targetcli-fb python3-rtslib-fb dbus openjdk-17-jre-headless e2fsprogs coreutils
    python3-grpcio python3-grpc-tools python3-pkg-resources python3-os-brick)
initramfs_modules=(virtio_pci virtio_blk ext4 9p 9pnet_virtio)

log() { echo "build-image: $*" >&2; }

need_tools() {
    local missing=()
    command -v qemu-system-x86_64 >/dev/null || missing+=(qemu-system-x86)
    command -v mmdebstrap >/dev/null || missing+=(mmdebstrap)
    # the initramfs holds busybox alone, no libraries: it must be the static build (Debian's `busybox`, which
    # open-iscsi's initramfs hooks pull in, replaces busybox-static with a dynamically linked one)
    if [ ! -x /bin/busybox ] || ! /bin/busybox --list | grep -qx switch_root || grep -q 'ld-linux' /bin/busybox; then
        missing+=(busybox-static)
    fi
    command -v mkfs.ext4 >/dev/null || missing+=(e2fsprogs)
    command -v cpio >/dev/null || missing+=(cpio)
    command -v modprobe >/dev/null || missing+=(kmod)
    if [ ${#missing[@]} -gt 0 ]; then
        log "installing ${missing[*]}"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2 \
            || { apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
                --no-install-recommends "${missing[@]}" >&2; }
    fi
}

need_tools

kernel_pkg="$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')"
if [ -z "$kernel_pkg" ]; then
    apt-get update -q >&2
    kernel_pkg="$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')"
fi
kernel_ver="$(apt-cache policy "$kernel_pkg" | awk '/Candidate:/ {print $2}')"
key="$( { cat "$0" "$here/image/initramfs-init"; echo "$kernel_pkg $kernel_ver ${packages[*]} $suite"; } \
    | sha256sum | cut -c1-16)"
out="$cache/$key"
if [ -f "$out/ready" ]; then
    log "cached: $out"
    echo "$out"
    exit 0
fi

started=$(date +%s)
work="$cache/tmp-$key-$$"
rm -rf "$work"
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT

log "kernel $kernel_pkg $kernel_ver"
(cd "$work" && apt-get download -q "$kernel_pkg" >&2)
dpkg -x "$work"/"$kernel_pkg"_*.deb "$work/kernel"
kver="${kernel_pkg#linux-image-}"
[ -d "$work/kernel/lib/modules/$kver" ] || { log "no modules for $kver in $kernel_pkg"; exit 1; }
depmod -b "$work/kernel" "$kver"

log "initramfs"
ird="$work/initramfs"
mkdir -p "$ird/bin" "$ird/modules" "$ird/proc" "$ird/sys" "$ird/dev" "$ird/newroot"
cp /bin/busybox "$ird/bin/busybox"
for applet in sh mount umount insmod switch_root sleep cat echo mkdir; do ln -s busybox "$ird/bin/$applet"; done
: > "$ird/modules.order"
modprobe -a -d "$work/kernel" -S "$kver" --show-depends "${initramfs_modules[@]}" | awk '$1 == "insmod" {print $2}' \
    | while read -r ko; do
        name="$(basename "$ko")"
        grep -qx "$name" "$ird/modules.order" && continue
        case "$name" in
            *.ko) cp "$ko" "$ird/modules/$name" ;;
            *.ko.xz) xz -dc "$ko" > "$ird/modules/${name%.xz}"; name="${name%.xz}" ;;
            *) log "unexpected module file $name"; exit 1 ;;
        esac
        echo "$name" >> "$ird/modules.order"
    done
cp "$here/image/initramfs-init" "$ird/init"
chmod +x "$ird/init"
(cd "$ird" && find . | cpio -o -H newc --quiet | gzip -1) > "$work/initrd.gz"
cp "$work/kernel/boot/vmlinuz-$kver" "$work/vmlinuz"

log "root filesystem (mmdebstrap $suite, ${#packages[@]} packages)"
rootfs="$work/rootfs"
pkglist="$(IFS=,; echo "${packages[*]}")"
mmdebstrap --variant=minbase --include="$pkglist" \
    --aptopt='Acquire::Check-Valid-Until "false"' \
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' \
    --essential-hook='mkdir -p "$1/usr/share/man/man1"' \
    --customize-hook='mkdir -p "$1/lab" "$1/jar" "$1/out" "$1/lib/modules"' \
    --customize-hook="cp -a '$work/kernel/lib/modules/$kver' \"\$1/lib/modules/\"" \
    --customize-hook='rm -rf "$1/var/cache/apt" "$1/var/lib/apt/lists"; mkdir -p "$1/var/lib/apt/lists/partial"' \
    "$suite" "$rootfs" "$mirror" >&2
size_mb=$(( $(du -sm "$rootfs" | cut -f1) + 700 ))
mkfs.ext4 -q -F -L brick-lab -d "$rootfs" "$work/rootfs.ext4" "${size_mb}M" >&2
rm -rf "$rootfs" "$work/kernel" "$work/initramfs" "$work"/*.deb

echo "$kver" > "$work/kernel-version"
touch "$work/ready"
rm -rf "$out"
mv "$work" "$out"
trap - EXIT
# Older images are of no use once the inputs changed.
find "$cache" -mindepth 1 -maxdepth 1 -type d ! -name "$key" -exec rm -rf {} + 2>/dev/null || true
log "built $out in $(( $(date +%s) - started )) s"
echo "$out"
