#!/bin/bash
# Tests the deb and rpm packages (packaging/): builds them (one per architecture), lints every one with
# lintian and rpmlint (an error fails), installs this machine's deb, runs the installed daemon as user
# restore-agent against the project's throwaway Ceph cluster with a stand-in for systemd's notify socket,
# restores through its socket as a member of the group restore-agent, checks the man pages and the
# completion, reinstalls over an edited config, and purges. This machine's rpm is listed, queried and
# installed into a throwaway --root. Needs root; leaves the machine as it
# found it (the deb purged, the test users removed). Without CEPH_CONF it runs itself under with-ceph.sh.
#   scripts/package-test.sh            (PACKAGE_TEST_SKIP_BUILD=1: use the packages already built)
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

if [ "$(id -u)" -ne 0 ]; then
    echo "package-test: must run as root (it installs the deb)" >&2
    exit 1
fi
if [ -z "${CEPH_CONF:-}" ]; then
    exec scripts/with-ceph.sh "$0" "$@"
fi

version=$(sed -n 's:^  <version>\(.*\)</version>:\1:p' pom.xml | head -n 1)
netty_version=$(sed -n 's:^ *<netty.version>\(.*\)</netty.version>:\1:p' pom.xml)
# one package per architecture; this machine's are installed, every one is linted
debs=(packaging/target/restore-agent_"${version}"_{amd64,arm64,ppc64el}.deb)
rpms=(packaging/target/restore-agent-"${version}"-1.{x86_64,aarch64,ppc64le}.rpm)
deb=packaging/target/restore-agent_${version}_$(dpkg --print-architecture).deb
rpmfile=packaging/target/restore-agent-${version}-1.$(uname -m).rpm
socket=/run/restore-agent/agent.sock
passed=0 failed=0
pass() { passed=$((passed + 1)); echo "PASS $*"; }
fail() { failed=$((failed + 1)); echo "FAIL $*" >&2; }
check() { # check NAME COMMAND...: passes when COMMAND succeeds
    local name=$1; shift
    if "$@"; then pass "$name"; else fail "$name"; fi
}
step() { printf '\n== %s\n' "$*"; }
finish() {
    echo
    echo "package-test: $passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}

work=$(mktemp -d /tmp/restore-agent-pkgtest.XXXXXX)
chmod 0755 "$work"
agent_pid=
image=rbd/pkgtest-$$
cleanup() {
    [ -n "$agent_pid" ] && kill -TERM "$agent_pid" 2>/dev/null && wait "$agent_pid" 2>/dev/null
    rbd -c "$CEPH_CONF" rm "$image" >/dev/null 2>&1 || true
    ceph -c "$CEPH_CONF" auth del client.restore-agent-test >/dev/null 2>&1 || true
    if dpkg -s restore-agent >/dev/null 2>&1 || [ -d /etc/restore-agent ]; then
        dpkg --purge restore-agent >/dev/null 2>&1 || true
    fi
    for u in ratest ratest-out; do id "$u" >/dev/null 2>&1 && userdel "$u" >/dev/null 2>&1; done
    rm -rf "$work" /tmp/hsperfdata_restore-agent /tmp/hsperfdata_ratest /tmp/hsperfdata_ratest-out
}
trap cleanup EXIT

step "tools: lintian, rpm, rpmlint, systemd-analyze, man, zsh"
# Every check below runs: a tool that is missing is installed here (scripts/install-deps.sh installs them
# too) or the run fails, never a check left out without a word.
tools=(lintian:lintian rpm:rpm rpmlint:rpmlint systemd-analyze:systemd man:man-db zsh:zsh)
missing=()
for t in "${tools[@]}"; do command -v "${t%%:*}" >/dev/null || missing+=("${t#*:}"); done
if [ ${#missing[@]} -gt 0 ]; then
    { apt-get -o DPkg::Lock::Timeout=600 update -qq &&
        DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "${missing[@]}"; } \
        >"$work/apt.log" 2>&1
fi
for t in "${tools[@]}"; do
    check "tool ${t%%:*} is installed (package ${t#*:})" command -v "${t%%:*}"
done
[ "$failed" -eq 0 ] || { finish; exit 1; }

step "build the packages"
if [ "${PACKAGE_TEST_SKIP_BUILD:-0}" != 1 ]; then
    t0=$SECONDS
    if mvn -B -ntp -q -DskipTests package >"$work/build.log" 2>&1; then
        echo "built in $((SECONDS - t0)) s"
    else
        tail -n 40 "$work/build.log" >&2
    fi
fi
for f in "${debs[@]}" "${rpms[@]}"; do check "built: $f" test -s "$f"; done
[ -s "$deb" ] && [ -s "$rpmfile" ] || { finish; exit 1; }
pkg_files() { if [[ $1 == *.deb ]]; then dpkg-deb -c "$1" | awk '{print $6}'; else rpm -qpl "$1" 2>/dev/null; fi; }
# Netty's classifier per package; ppc64le has no epoll library, its control socket runs on NIO
epoll_classifier() { case "$1" in *amd64* | *x86_64*) echo linux-x86_64 ;; *arm64* | *aarch64*) echo linux-aarch_64 ;; esac; }
for f in "${debs[@]}" "${rpms[@]}"; do
    want=$(epoll_classifier "$f")
    pkg_files "$f" >"$work/files"
    natives=$(grep -o 'netty-transport-native-epoll-.*\.jar$' "$work/files" | tr '\n' ' ')
    if [ -n "$want" ]; then
        check "$(basename "$f") carries exactly the $want epoll library" \
            test "$natives" = "netty-transport-native-epoll-$netty_version-$want.jar "
    else
        check "$(basename "$f") carries no epoll library (NIO)" test -z "$natives"
    fi
done

step "the deb: contents and lintian"
# listed once into a file: under pipefail, `lister | grep -q` fails whenever grep quits early and the lister gets SIGPIPE
dpkg-deb -c "$deb" | awk '{print $6}' | sed 's:^\.::' > "$work/deb-files"
layout_ok=1
for f in /usr/bin/restore-agent /usr/share/restore-agent/bin/restore-agent /usr/share/restore-agent/bin/restore-agent-cds "/usr/share/restore-agent/lib/agent-$version.jar" \
         /etc/restore-agent/agent.conf /lib/systemd/system/restore-agent.service /usr/share/doc/restore-agent/copyright \
         /usr/share/doc/restore-agent/changelog.gz /usr/share/doc/restore-agent/README.md /var/lib/restore-agent/ \
         /usr/share/man/man1/restore-agent.1.gz /usr/share/man/man1/restore-agent-serve.1.gz \
         /usr/share/bash-completion/completions/restore-agent /usr/share/zsh/vendor-completions/_restore-agent \
         /usr/share/lintian/overrides/restore-agent; do
    if ! grep -qx -- "$f" "$work/deb-files"; then echo "  missing $f" >&2; layout_ok=0; fi
done
check "deb layout (launcher, jars, conffile, unit, docs, man pages, completion, state dir)" test "$layout_ok" = 1
man_ok=1
for c in restore verify serve submit list show watch cancel budget; do
    grep -qx "/usr/share/man/man1/restore-agent-$c.1.gz" "$work/deb-files" || { echo "  no man page for $c" >&2; man_ok=0; }
done
check "deb has a man page per command ($(grep -c '^/usr/share/man/man1/restore-agent.*\.1\.gz$' "$work/deb-files"))" \
    test "$man_ok" = 1
check "deb conffiles lists /etc/restore-agent/agent.conf" \
    sh -c "dpkg-deb -I '$deb' conffiles | grep -qx /etc/restore-agent/agent.conf"
check "LICENSE is the Apache License 2.0" grep -q 'Apache License' LICENSE
check "deb: copyright says License: Apache-2.0" \
    sh -c "dpkg-deb --fsys-tarfile '$deb' | tar -xO ./usr/share/doc/restore-agent/copyright | grep -qx 'License: Apache-2.0'"
check "rpm: License: Apache-2.0, and the LICENSE as %license" \
    sh -c "[ \"\$(rpm -qp --qf '%{LICENSE}' '$rpmfile' 2>/dev/null)\" = Apache-2.0 ] && rpm -qpL '$rpmfile' 2>/dev/null | grep -qx /usr/share/licenses/restore-agent/LICENSE"
check "the shim's pyproject.toml: version $version, license Apache-2.0" \
    /usr/bin/python3 -c "import tomllib, sys; p = tomllib.load(open('integrations/cinder/pyproject.toml', 'rb'))['project']
sys.exit(not (p['version'] == '$version' and p['license'] == {'text': 'Apache-2.0'}))"
check "deb Depends: Java 17 headless, librbd1, librados2" \
    sh -c "dpkg-deb -f '$deb' Depends | grep -q 'openjdk-17-jre-headless' && dpkg-deb -f '$deb' Depends | grep -q 'librbd1' && dpkg-deb -f '$deb' Depends | grep -q 'librados2'"
for f in "${debs[@]}"; do
    # exit 0 with only warnings and overridden tags; 1 on an error
    lintian --tag-display-limit 0 "$f" >"$work/lintian.out" 2>&1
    code=$?
    sed 's/^/  /' "$work/lintian.out"
    check "lintian $(basename "$f"): no errors" sh -c "[ $code -eq 0 ] && ! grep -q '^E:' '$work/lintian.out'"
done
step "the Cinder shim's packages: contents, lint, and they import under Debian's Cinder"
shim_deb=packaging/target/python3-restore-agent-cinder_${version}_all.deb
shim_rpm=packaging/target/python3-restore-agent-cinder-${version}-1.noarch.rpm
check "built: $shim_deb" test -s "$shim_deb"
check "built: $shim_rpm" test -s "$shim_rpm"
if [ -s "$shim_deb" ]; then
    mkdir "$work/shim"
    dpkg-deb -x "$shim_deb" "$work/shim"
    check "shim deb holds exactly the checkout's restore_agent_cinder modules, as they are" \
        diff -r -x __pycache__ integrations/cinder/restore_agent_cinder "$work/shim/usr/lib/python3/dist-packages/restore_agent_cinder"
    check "shim deb: copyright says License: Apache-2.0" grep -qx 'License: Apache-2.0' "$work/shim/usr/share/doc/python3-restore-agent-cinder/copyright"
    check "shim deb is Architecture: all, Depends: python3-cinder, restore-agent" \
        sh -c "[ \"\$(dpkg-deb -f '$shim_deb' Architecture)\" = all ] && dpkg-deb -f '$shim_deb' Depends | grep -q 'python3-cinder, restore-agent'"
    check "the packaged drivers import under /usr/bin/python3, subclasses of Cinder's own" \
        env PYTHONPATH="$work/shim/usr/lib/python3/dist-packages" /usr/bin/python3 -c "
import restore_agent_cinder, restore_agent_cinder.posix as p, restore_agent_cinder.nfs as n, restore_agent_cinder.swift as w, restore_agent_cinder.s3 as s
from cinder.backup.drivers import posix, nfs, swift, s3
assert restore_agent_cinder.__file__.startswith('$work/shim/'), restore_agent_cinder.__file__
assert issubclass(p.PosixBackupDriver, posix.PosixBackupDriver) and issubclass(n.NFSBackupDriver, nfs.NFSBackupDriver)
assert issubclass(w.SwiftBackupDriver, swift.SwiftBackupDriver) and issubclass(s.S3BackupDriver, s3.S3BackupDriver)"
    lintian --tag-display-limit 0 "$shim_deb" >"$work/lintian.out" 2>&1
    code=$?
    sed 's/^/  /' "$work/lintian.out"
    check "lintian $(basename "$shim_deb"): no errors" sh -c "[ $code -eq 0 ] && ! grep -q '^E:' '$work/lintian.out'"
fi
if [ -s "$shim_rpm" ]; then
    rpm -qpl "$shim_rpm" 2>/dev/null | sed -n 's:^/usr/lib/python3\.[0-9]*/site-packages/restore_agent_cinder/\(.*\.py\)$:\1:p' | sort >"$work/shim-rpm-files"
    (cd integrations/cinder/restore_agent_cinder && ls -- *.py) | sort >"$work/shim-checkout-files"
    check "shim rpm holds the checkout's modules in site-packages" diff "$work/shim-rpm-files" "$work/shim-checkout-files"
    check "shim rpm: License: Apache-2.0, and the LICENSE as %license" \
        sh -c "[ \"\$(rpm -qp --qf '%{LICENSE}' '$shim_rpm' 2>/dev/null)\" = Apache-2.0 ] && rpm -qpL '$shim_rpm' 2>/dev/null | grep -qx /usr/share/licenses/python3-restore-agent-cinder/LICENSE"
    check "shim rpm Requires python3-cinder and restore-agent" \
        sh -c "rpm -qpR '$shim_rpm' 2>/dev/null | grep -qx python3-cinder && rpm -qpR '$shim_rpm' 2>/dev/null | grep -qx restore-agent"
    rpmlint -c packaging/src/rpm/rpmlint.toml "$shim_rpm" >"$work/rpmlint.out" 2>&1
    grep -e ': [EW]: ' "$work/rpmlint.out" | sed 's/^ */  /'
    check "rpmlint $(basename "$shim_rpm"): no errors" grep -q 'checked; 0 errors' "$work/rpmlint.out"
    check "rpmlint $(basename "$shim_rpm"): its License is valid" sh -c "! grep -q invalid-license '$work/rpmlint.out'"
fi
systemd-analyze verify packaging/src/common/restore-agent.service >"$work/verify.out" 2>&1
# it cannot resolve the ExecStart binary or the user on a machine without the package: only syntax counts
grep -v -e 'Command /usr/bin/restore-agent is not executable' -e 'No such file or directory' \
    -e 'Failed to .*user' -e "Command 'man " "$work/verify.out" | sed 's/^/  /' | tee "$work/verify.rest"
check "systemd-analyze verify: the unit parses" sh -c "! grep -qi 'unknown\|invalid\|failed to parse' '$work/verify.rest'"
check "unit: Type=notify, Documentation= the man pages and the README" sh -c 'u=packaging/src/common/restore-agent.service
    grep -qx "Type=notify" $u && grep -q "^Documentation=.*man:restore-agent(1)" $u &&
    grep -q "^Documentation=.*file:///usr/share/doc/restore-agent/README.md" $u' 

step "install the deb"
if DEBIAN_FRONTEND=noninteractive dpkg -i "$deb" </dev/null >"$work/dpkg-i.log" 2>&1; then
    pass "dpkg -i"
else
    cat "$work/dpkg-i.log" >&2; fail "dpkg -i"; finish; exit 1
fi
check "system user and group restore-agent" sh -c 'getent passwd restore-agent >/dev/null && getent group restore-agent >/dev/null'
check "state dir owned by restore-agent, 0750" \
    sh -c '[ "$(stat -c %U:%G:%a /var/lib/restore-agent)" = restore-agent:restore-agent:750 ]'
check "conffile recorded by dpkg" sh -c 'dpkg-query -W -f="\${Conffiles}" restore-agent | grep -q /etc/restore-agent/agent.conf'
# the README's configuration block, unindented, is the installed file below its two-line header
sed -n '/^The configuration (`\/etc\/restore-agent\/agent.conf` by default/,/^`#` starts a comment/p' README.md \
    | sed -n '/^    /{s/^    //;p}' >"$work/readme.conf"
tail -n +3 /etc/restore-agent/agent.conf >"$work/installed.conf"
check "the README's config block is the packaged file" diff -u "$work/readme.conf" "$work/installed.conf"
# installed, its Documentation= man pages are there: systemd-analyze runs man for each
systemd-analyze verify /lib/systemd/system/restore-agent.service >"$work/verify-installed.out" 2>&1
check "systemd-analyze verify: the installed unit's man pages are found" \
    sh -c "! grep -q \"Command 'man \" '$work/verify-installed.out'"
check "installed unit: User, RuntimeDirectory, malloc settings" \
    sh -c 'u=/lib/systemd/system/restore-agent.service; grep -q "^User=restore-agent" $u && grep -q "^RuntimeDirectory=restore-agent" $u && grep -q "MALLOC_ARENA_MAX=" $u && grep -q "MALLOC_MMAP_THRESHOLD_=" $u'
/usr/bin/restore-agent --version >"$work/version.out" 2>&1
check "restore-agent --version: $(head -n 1 "$work/version.out")" grep -q "$version" "$work/version.out"
check "postinst made the class-data archive for this JVM" test -s /var/cache/restore-agent/restore-agent.jsa
JAVA_OPTS=-Xlog:class+load=info /usr/bin/restore-agent list --help >"$work/cds.out" 2>&1
check "the installed agent maps it (its classes from the archive, not the jar)" \
    grep -q "dev.restoreagent.agent.cli.AgentMain source: shared objects file (top)" "$work/cds.out"
JAVA_OPTS=-Xlog:class+load=info /usr/bin/restore-agent warm-up >"$work/cds-s3.out" 2>&1
check "the S3 client's classes are in it too (the training run reads from a stub gateway)" \
    grep -q "software.amazon.awssdk.services.s3.DefaultS3Client source: shared objects file (top)" "$work/cds-s3.out"
check "a JDK change makes it again (dpkg trigger on /usr/lib/jvm)" \
    sh -c "dpkg-deb -I '$deb' triggers | grep -qx 'interest-noawait /usr/lib/jvm'"
check "man -w restore-agent: $(man -w restore-agent 2>&1)" test "$(man -w restore-agent 2>/dev/null)" = /usr/share/man/man1/restore-agent.1.gz
check "man restore-agent-serve renders its options" sh -c 'man -P cat restore-agent-serve 2>/dev/null | grep -q -- --config'
# the completion as bash runs it: "restore-agent se<TAB>" offers serve
completed=$(bash -c 'source /usr/share/bash-completion/completions/restore-agent
    COMP_WORDS=(restore-agent se); COMP_CWORD=1; COMP_LINE="restore-agent se"; COMP_POINT=${#COMP_LINE}
    _complete_restore-agent; printf "%s " "${COMPREPLY[@]}"' 2>&1)
check "bash completion: restore-agent se<TAB> -> $completed" test "$completed" = "serve "
# an interactive zsh on a pty (Debian's zsh has vendor-completions in its fpath): type, TAB, read
completed=$(timeout 60 zsh -f -c '
    zmodload zsh/zpty
    zpty z zsh -f -i
    zpty -w z "PS1=\"> \"; autoload -U compinit && compinit -u"
    zpty -w -n z "restore-agent se"$'"'"'\t'"'"'
    sleep 3
    out=
    while zpty -r -t z chunk; do out+=$chunk; done
    zpty -d z
    print -r -- "$out" | tr -d "\r" | grep -a -o "restore-agent se[a-z]*" | tail -n 1' 2>&1)
check "zsh completion: restore-agent se<TAB> -> $completed" test "$completed" = "restore-agent serve"

step "a Ceph client for the agent, its keyring readable by the group restore-agent, and a Cinder backup"
mkdir -p "$work/ceph"
ceph -c "$CEPH_CONF" auth get-or-create client.restore-agent-test mon 'profile rbd' osd 'profile rbd' \
    >"$work/ceph/keyring" 2>"$work/ceph-auth.log"
chgrp restore-agent "$work/ceph/keyring" && chmod 0640 "$work/ceph/keyring"
sed -n '/^\[global\]/,/^\[mon\]/p' "$CEPH_CONF" | sed '$d' >"$work/ceph/ceph.conf"
printf '[client]\nkeyring = %s\nadmin_socket =\nlog_file =\n' "$work/ceph/keyring" >>"$work/ceph/ceph.conf"
check "ceph client.restore-agent-test created" test -s "$work/ceph/keyring"
testkit() { java -cp "testkit/target/testkit-$version.jar:testkit/target/lib/*" dev.restoreagent.testkit.TestkitMain "$@"; }
json_field() { python3 -c 'import json,sys; print(json.loads(sys.stdin.read())[sys.argv[1]])' "$1"; }
testkit make-volume --out "$work/volume.img" --size 24MiB --seed 5 >/dev/null &&
    backup=$(testkit make-backup --root "$work/backups" --volume "$work/volume.img" --chunk-size 4MiB --compression zstd)
backup_id=$(echo "${backup:-{\}}" | json_field backup_id 2>/dev/null)
check "testkit made a Cinder backup ($backup_id)" test -n "$backup_id"
chmod -R a+rX "$work/backups" 2>/dev/null
want=$(sha256sum "$work/volume.img" | cut -d' ' -f1)

step "edit the config, start the installed daemon as restore-agent (as systemd would)"
# the agent refuses a key given twice, so the packaged lines of the keys set here go first
sed -i -e '/^memory_budget =/d' -e '/^ceph_conf =/d' -e '/^ceph_id =/d' -e '/^allowed_paths =/d' \
    -e '/^metrics_listen =/d' /etc/restore-agent/agent.conf
metrics_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >>/etc/restore-agent/agent.conf <<CONF
# package-test: local edit
metrics_listen = 127.0.0.1:$metrics_port
memory_budget = 64MiB
ceph_conf = $work/ceph/ceph.conf
ceph_id = restore-agent-test
allowed_paths = $work/backups, /var/lib/restore-agent/restores
CONF
install -d -o restore-agent -g restore-agent -m 0750 /run/restore-agent   # RuntimeDirectory=
# systemd's notify socket, stood in for: records each datagram and whether the control socket
# accepted a connection when READY=1 came (systemd does not run here; the unit is Type=notify)
notify_sock=$work/notify.sock
python3 - "$notify_sock" "$socket" >"$work/notify.log" 2>&1 <<'PY' &
import os, socket, sys
listen = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
listen.bind(sys.argv[1])
os.chmod(sys.argv[1], 0o666)
listen.settimeout(120)
while True:
    note = listen.recv(4096).decode()
    line = note.replace("\n", " ")
    if note.startswith("READY=1"):
        probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            probe.connect(sys.argv[2])
            line += " [control socket accepting]"
        except OSError as e:
            line += " [control socket not accepting: %s]" % e
        probe.close()
    print(line, flush=True)
    if note.startswith("STOPPING=1"):
        break
PY
notify_pid=$!
for _ in $(seq 100); do [ -S "$notify_sock" ] && break; sleep 0.05; done
# the unit's own environment (its Environment= line), as systemd would give it
# shellcheck disable=SC2046
env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin $(sed -n 's/^Environment=//p' /lib/systemd/system/restore-agent.service) \
    NOTIFY_SOCKET="$notify_sock" \
    setpriv --reuid restore-agent --regid restore-agent --init-groups \
    /usr/bin/restore-agent serve >"$work/agent.log" 2>&1 &
agent_pid=$!
for _ in $(seq 600); do [ -S "$socket" ] && break; kill -0 "$agent_pid" 2>/dev/null || break; sleep 0.1; done
check "daemon up, socket $socket" test -S "$socket"
for _ in $(seq 100); do grep -q '^READY=1' "$work/notify.log" && break; sleep 0.1; done
check "sd_notify: READY=1 once the control socket accepts ($(head -n 1 "$work/notify.log"))" \
    grep -qx "READY=1 STATUS=serving on $socket \[control socket accepting\]" "$work/notify.log"
check "socket group restore-agent, mode 0660" sh -c "[ \"\$(stat -c %G:%a $socket)\" = restore-agent:660 ]"
check "daemon runs as restore-agent" sh -c "[ \"\$(ps -o user= -p $agent_pid)\" = restore-agent ]"
# epoll where the package carries its library, NIO where it has none (ppc64el)
want_transport=nio
[ -n "$(epoll_classifier "$deb")" ] && want_transport=epoll
transport=$(curl -s --unix-socket "$socket" http://localhost/v1/health | json_field transport 2>/dev/null)
check "GET /v1/health: transport $transport (want $want_transport)" test "$transport" = "$want_transport"
check "-XX:MaxDirectMemorySize from memory_budget (64 MiB + 16 MiB)" \
    sh -c "tr '\\0' '\\n' </proc/$agent_pid/cmdline | grep -qx -- -XX:MaxDirectMemorySize=83886080"

step "restore through the socket as a member of the group restore-agent"
useradd -M -s /usr/sbin/nologin -G restore-agent ratest
useradd -M -s /usr/sbin/nologin ratest-out
runuser -u ratest -- restore-agent submit --socket "$socket" --backup-root "$work/backups" --backup-id "$backup_id" \
    --to "rbd:$image" --create --watch 2>&1 | tail -n 3 | sed 's/^/  /'
got=$(rbd -c "$CEPH_CONF" export "$image" - 2>/dev/null | sha256sum | cut -d' ' -f1)
check "RBD restore through the socket, sha256 matches" test "$got" = "$want"
runuser -u ratest -- restore-agent submit --socket "$socket" --backup-root "$work/backups" --backup-id "$backup_id" \
    --to /var/lib/restore-agent/restores/pkgtest.img --watch 2>&1 | tail -n 3 | sed 's/^/  /'
got=$(sha256sum /var/lib/restore-agent/restores/pkgtest.img 2>/dev/null | cut -d' ' -f1)
check "file restore through the socket, sha256 matches" test "$got" = "$want"
curl -s "http://127.0.0.1:$metrics_port/metrics" >"$work/metrics.txt"
check "TCP metrics: promtool check metrics passes" sh -c "promtool check metrics <'$work/metrics.txt' >'$work/promtool.log' 2>&1"
# the value of one series of the scrape, as a number (the client writes 2.0 or 2)
metric() { awk -v series="$1" '$1 == series { printf "%d\n", $2 }' "$work/metrics.txt"; }
check "TCP metrics: 2 restores succeeded ($(metric 'restore_agent_jobs_finished_total{state="SUCCEEDED"}'))" \
    test "$(metric 'restore_agent_jobs_finished_total{state="SUCCEEDED"}')" = 2
check "TCP metrics: restored bytes counted ($(metric restore_agent_restored_bytes_total))" \
    test "$(metric restore_agent_restored_bytes_total)" -gt 0
runuser -u ratest-out -- restore-agent list --socket "$socket" >/dev/null 2>&1
code=$?
check "a user outside the group is refused (exit $code)" test "$code" -ne 0
kill -TERM "$agent_pid"
wait "$agent_pid"
code=$?
agent_pid=
check "daemon exits 0 on SIGTERM" test "$code" -eq 0
wait "$notify_pid"
check "sd_notify: STOPPING=1 at SIGTERM" grep -q '^STOPPING=1 STATUS=' "$work/notify.log"
[ "$code" -eq 0 ] || tail -n 20 "$work/agent.log" >&2

step "reinstall over itself keeps the edited config; remove keeps config and state; purge removes everything"
DEBIAN_FRONTEND=noninteractive dpkg -i "$deb" </dev/null >"$work/dpkg-re.log" 2>&1
check "dpkg -i again" test $? -eq 0
check "edited config kept" grep -q '^# package-test: local edit' /etc/restore-agent/agent.conf
dpkg -r restore-agent >"$work/dpkg-r.log" 2>&1
check "dpkg -r keeps config and state, and drops the class-data archive" \
    sh -c 'grep -q "^# package-test: local edit" /etc/restore-agent/agent.conf && [ -d /var/lib/restore-agent ] && [ ! -e /usr/bin/restore-agent ] && [ ! -e /var/cache/restore-agent ]'
dpkg --purge restore-agent >"$work/dpkg-purge.log" 2>&1
left=()
for p in /etc/restore-agent /var/lib/restore-agent /var/cache/restore-agent /run/restore-agent /usr/share/restore-agent /usr/bin/restore-agent \
         /lib/systemd/system/restore-agent.service /usr/share/doc/restore-agent /usr/share/man/man1/restore-agent.1.gz \
         /usr/share/bash-completion/completions/restore-agent /usr/share/zsh/vendor-completions/_restore-agent; do
    [ -e "$p" ] && left+=("$p")
done
getent passwd restore-agent >/dev/null && left+=("user restore-agent")
getent group restore-agent >/dev/null && left+=("group restore-agent")
dpkg -s restore-agent >/dev/null 2>&1 && left+=("dpkg status")
check "purge removes everything${left:+ (left: ${left[*]})}" test ${#left[@]} -eq 0

step "the rpm"
rpm -qpl "$rpmfile" 2>/dev/null > "$work/rpm-files"
grep -v '\.jar$' "$work/rpm-files" | sed 's/^/  /'
layout_ok=1
for f in /usr/bin/restore-agent /usr/share/restore-agent/bin/restore-agent /usr/share/restore-agent/bin/restore-agent-cds "/usr/share/restore-agent/lib/agent-$version.jar" \
         /etc/restore-agent/agent.conf /usr/lib/systemd/system/restore-agent.service /var/lib/restore-agent \
         /usr/share/man/man1/restore-agent.1.gz /usr/share/man/man1/restore-agent-serve.1.gz \
         /usr/share/bash-completion/completions/restore-agent /usr/share/zsh/site-functions/_restore-agent \
         /usr/share/doc/restore-agent/README.md /usr/share/doc/restore-agent/copyright; do
    grep -qx -- "$f" "$work/rpm-files" || { echo "  missing $f" >&2; layout_ok=0; }
done
check "rpm -qpl: layout (man pages, completion, docs)" test "$layout_ok" = 1
# every directory of its own is the package's: rpm removes it on erase and rpmlint finds none unowned
rpm -qp --qf '[%{FILEMODES:perms} %{FILENAMES}\n]' "$rpmfile" 2>/dev/null | awk '$1 ~ /^d/ {print $2}' >"$work/rpm-dirs"
owned_ok=1
for d in /etc/restore-agent /usr/share/restore-agent /usr/share/restore-agent/bin /usr/share/restore-agent/lib \
         /usr/share/doc/restore-agent /var/lib/restore-agent /var/lib/restore-agent/restores; do
    grep -qx -- "$d" "$work/rpm-dirs" || { echo "  not owned: $d" >&2; owned_ok=0; }
done
check "rpm owns its directories" test "$owned_ok" = 1
rpm -qp --changelog "$rpmfile" 2>/dev/null >"$work/rpm-changelog"
check "rpm has a changelog ($(head -n 1 "$work/rpm-changelog"))" grep -q "^\* .* - $version-1\$" "$work/rpm-changelog"
rpm -qpR "$rpmfile" 2>/dev/null >"$work/rpm-requires"
sed 's/^/  /' "$work/rpm-requires"
check "rpm -qpR: java-headless >= 1:17, librbd.so.1, librados.so.2 (librbd1, librados2), shadow-utils" \
    sh -c "grep -q 'java-headless >= 1:17' '$work/rpm-requires' && grep -qx 'librbd.so.1()(64bit)' '$work/rpm-requires' && grep -qx 'librados.so.2()(64bit)' '$work/rpm-requires' && grep -q shadow-utils '$work/rpm-requires'"
check "agent.conf is %config(noreplace)" \
    sh -c "rpm -qp --qf '[%{FILENAMES} %{FILEFLAGS:fflags}\n]' '$rpmfile' 2>/dev/null | grep -qx '/etc/restore-agent/agent.conf cn'"
check "rpm has %pre/%post/%preun/%postun scriptlets" \
    sh -c "[ \$(rpm -qp --scripts '$rpmfile' 2>/dev/null | grep -c 'scriptlet (using') -eq 4 ]"
root=$work/rpmroot
mkdir -p "$root"
rpm --root "$root" --initdb && rpm --root "$root" -ivh --nodeps --noscripts "$rpmfile" >"$work/rpm-i.log" 2>&1
check "rpm installs into a throwaway --root" \
    sh -c "[ -x '$root/usr/bin/restore-agent' ] && [ -f '$root/etc/restore-agent/agent.conf' ] && [ -f '$root/usr/lib/systemd/system/restore-agent.service' ] && rpm --root '$root' -q restore-agent >/dev/null"
for f in "${rpms[@]}"; do
    # packaging/src/rpm/rpmlint.toml: the tags that cannot be fixed, each with its reason
    rpmlint -c packaging/src/rpm/rpmlint.toml "$f" >"$work/rpmlint.out" 2>&1
    grep -e ': [EW]: ' -e 'packages and' "$work/rpmlint.out" | sed 's/^ */  /'
    check "rpmlint $(basename "$f"): no errors" grep -q 'checked; 0 errors' "$work/rpmlint.out"
    check "rpmlint $(basename "$f"): its License is valid" sh -c "! grep -q invalid-license '$work/rpmlint.out'"
done

finish
