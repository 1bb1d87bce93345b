#!/bin/bash
# The Cinder shim's tests (integrations/cinder/tests): Debian's python3-cinder in process, backups by
# Cinder's own drivers, restores through restore_agent_cinder by a real `bin/restore-agent serve` of
# this checkout, into files, a loop device, an RBD image, from the RGW and, for the Ceph driver, from the
# backup cluster. Needs the agent built (make build, or mvn verify before it) and, for the RBD,
# object-store and Ceph-driver cases, the test clusters:
#   scripts/with-ceph.sh scripts/cinder-shim-test.sh
# Two minutes or so.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f agent/target/restore-agent.jar ] || { echo "cinder-shim-test: agent/target/restore-agent.jar is missing; run make build" >&2; exit 1; }
# /usr/bin/python3: Debian's, which has python3-cinder (a python3 earlier on PATH may not);
# DeprecationWarnings are eventlet's and Cinder's own on Python 3.11
exec /usr/bin/python3 -W ignore::DeprecationWarning integrations/cinder/tests/test_shim.py "$@"
