#!/bin/bash
# Runs a command with the project's throwaway Ceph cluster up: starts it (installing Ceph first if
# needed), exports CEPH_CONF for the command, and stops exactly that cluster afterwards, also when
# the command fails or is interrupted. A cluster that does not start is a failure, not a skip.
#   scripts/with-ceph.sh mvn -B verify
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dir=${RESTORE_AGENT_CEPH_DIR:-$(mktemp -d /tmp/restore-agent-ceph.XXXXXX)}
rmdir "$dir" 2>/dev/null || true   # the cluster script makes it, and refuses a non-empty one it did not make

"$here/ceph-cluster.sh" install
trap '"$here/ceph-cluster.sh" stop "$dir" >/dev/null 2>&1 || true' EXIT
env_line=$("$here/ceph-cluster.sh" start "$dir")
export "${env_line?}"
echo "with-ceph: cluster up, $env_line" >&2
"$@"
