#!/bin/bash
# Installs the system packages the build, the tests and the demo need, if they are missing.
# Debian 12 (bookworm) package names; run as root on a fresh machine. Idempotent and quick when
# everything is there already.
set -euo pipefail

need=()
have() { command -v "$1" >/dev/null 2>&1; }
java_ok() {
    have javac && javac -version 2>&1 | awk '{ split($2, v, "."); exit !(v[1] >= 17) }'
}
java_ok || need+=(openjdk-17-jdk-headless)
have mvn || need+=(maven)
have zstd || need+=(zstd)
have python3 || need+=(python3)
# Cinder's own drivers for the shim's tests and cinder_driver.py (python3-cinder brings boto3, swiftclient,
# zstd and os-brick); python3-rbd for the RBD case, as a cinder-backup node with Ceph volumes has it
/usr/bin/python3 -c 'import cinder.backup.drivers.s3, rbd' >/dev/null 2>&1 || need+=(python3-cinder python3-rbd)
# Keystone for the tests of Keystone v3 auth (scripts/keystone-test.sh runs its WSGI application, no apache)
/usr/bin/python3 -c 'import keystone.server.wsgi' >/dev/null 2>&1 || need+=(python3-keystone)
have sha256sum || need+=(coreutils)
# zlib decodes through ISA-L's libisal.so.2 where it is there (else in Java, about 3x slower);
# igzip is the same library's CLI, the speed a zlib/gzip decode on this machine can reach
/sbin/ldconfig -p | grep 'libisal\.so\.2 ' >/dev/null || need+=(libisal2)  # grep reads all: no SIGPIPE under pipefail
have igzip || need+=(isal)
have curl || need+=(curl)          # the daemon tests drive the API with a client that is not ours
have setpriv || need+=(util-linux) # ... and as another uid
have losetup || need+=(mount)      # block-device tests on loop devices
have mkfs.ext4 || need+=(e2fsprogs) # ... and a small ext4 on one, filled mid-restore (FullFileSystemIT)
have rpmbuild || need+=(rpm)       # the rpm is built with rpmbuild (packaging/src/rpm/restore-agent.spec)
have lintian || need+=(lintian)    # package-test lints the debs ...
have rpmlint || need+=(rpmlint)    # ... and the rpms; an error fails it
have man || need+=(man-db)         # ... and finds the installed man pages
have zsh || need+=(zsh)            # ... and completes through the zsh completion
have systemd-analyze || need+=(systemd) # ... and verifies the systemd unit
# Cinder's own backup driver writes the backups of CinderOwnDriverTest and the bench, and is the bench's
# peer (testkit/src/main/python/cinder_driver.py, under the system's python3); zstd backups need python3-zstd
/usr/bin/python3 -c 'import cinder.backup.drivers.posix' >/dev/null 2>&1 || need+=(python3-cinder)
/usr/bin/python3 -c 'import zstd' >/dev/null 2>&1 || need+=(python3-zstd)
# the bench's decode limits on the same objects: igzip (ISA-L), bzip2, lbzip2, and sha256 with SHA-NI
have igzip || need+=(isal)
have bzip2 || need+=(bzip2)
have lbzip2 || need+=(lbzip2)
have openssl || need+=(openssl)
# promtool checks monitoring/'s alert rules and a live scrape. Bookworm ships it only in the server's
# package, which also enables a Prometheus on :9090 where systemd runs (systemctl disable --now
# prometheus if that is not wanted); in containers policy-rc.d keeps it from starting
have promtool || need+=(prometheus)

if [ ${#need[@]} -eq 0 ]; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: missing packages: ${need[*]}; run as root or install them: apt-get install ${need[*]}" >&2
    exit 1
fi
echo "install-deps: installing ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=600 update -qq
apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${need[@]}" >/dev/null
