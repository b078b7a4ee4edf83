#!/usr/bin/env bash
# Build the Dockerfile and exercise the image, without any image registry:
# a local Debian base from debootstrap, podman build in a chroot, and the installed
# entrypoint run as the image's non-root user through `podman image mount` + chroot
# (`podman run` is not permitted in this sandbox: crun cannot set rlimits).
set -euo pipefail
cd "$(dirname "$0")/.."

base=localhost/oae-base:bookworm
image=localhost/openstack-admin-exporter:ci

if ! podman image exists "$base"; then
    rootfs=$(mktemp -d)
    debootstrap --variant=minbase \
        --include=python3,python3-venv,python3-pip,ca-certificates \
        bookworm "$rootfs" http://deb.debian.org/debian >/dev/null
    tar -C "$rootfs" -c . | podman import - "$base" >/dev/null
    rm -rf "$rootfs"
fi

secret=()
# This machine reaches PyPI through a proxy whose CA only the host trusts.
[ -s /etc/ssl/certs/ca-certificates.crt ] && secret=(--secret id=ca,src=/etc/ssl/certs/ca-certificates.crt)
podman build --isolation chroot --pull=never "${secret[@]}" --build-arg "BASE=$base" -t "$image" .

mnt=$(podman image mount "$image")
# The image mount is read-only; the demo writes its clouds.yaml to a private /tmp.
mount -t tmpfs -o mode=1777 tmpfs "$mnt/tmp"
trap 'umount "$mnt/tmp"; podman image unmount "$image" >/dev/null' EXIT
user=$(podman image inspect --format '{{.Config.User}}' "$image")
entry=$(podman image inspect --format '{{index .Config.Entrypoint 0}}' "$image")
echo "image user: $user, entrypoint: $entry"
[ "$user" = "10001:10001" ]
[ ! -e "$mnt/run/secrets/ca" ] || { echo "build secret leaked into the image" >&2; exit 1; }
chroot --userspec="$user" "$mnt" "$entry" --help | head -n 3
# The demo cloud and one collection inside the image, as the non-root user.
chroot --userspec="$user" "$mnt" /usr/bin/env HOME=/tmp "$entry" --demo --demo.hosts 3 --once \
    --log.level warning > /tmp/image-exposition.txt
grep -q 'openstack_exporter_collector_success{collector="compute_services"} 1.0' \
    /tmp/image-exposition.txt
echo "image ok: $(grep -c '^openstack_' /tmp/image-exposition.txt) openstack_* samples from the demo cloud"
