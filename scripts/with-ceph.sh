#!/bin/bash
# Runs a command with the project's throwaway Ceph cluster up: starts it (installing Ceph first if
# needed), exports CEPH_CONF and the RADOS Gateway's RGW_* variables (DIR/rgw.env, see ceph-cluster.sh;
# none with CEPH_DEV_RGW=0) for the command, and stops exactly that cluster afterwards, also when the
# command fails or is interrupted. A cluster that does not start is a failure, not a skip.
#   scripts/with-ceph.sh mvn -B verify
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dir=${RESTORE_AGENT_CEPH_DIR:-$(mktemp -d /tmp/restore-agent-ceph.XXXXXX)}
rmdir "$dir" 2>/dev/null || true   # the cluster script makes it, and refuses a non-empty one it did not make

"$here/ceph-cluster.sh" install
trap '"$here/ceph-cluster.sh" stop "$dir" >/dev/null 2>&1 || true' EXIT
env_line=$("$here/ceph-cluster.sh" start "$dir")
export "${env_line?}"
# The command sees this cluster's gateway or none, never one the caller's environment named.
unset RGW_ENDPOINT RGW_S3_ACCESS_KEY RGW_S3_SECRET_KEY RGW_SWIFT_AUTH_URL RGW_SWIFT_USER RGW_SWIFT_KEY
rgw_env=$(dirname "$CEPH_CONF")/rgw.env
if [ -f "$rgw_env" ]; then
    while IFS= read -r line; do
        [[ "$line" =~ ^RGW_[A-Z0-9_]+= ]] || { echo "with-ceph: unexpected line in $rgw_env" >&2; exit 1; }
        export "${line?}"
    done <"$rgw_env"
fi
echo "with-ceph: cluster up, $env_line${RGW_ENDPOINT:+, RGW_ENDPOINT=$RGW_ENDPOINT}" >&2
"$@"
