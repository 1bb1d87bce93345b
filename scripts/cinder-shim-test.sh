#!/bin/bash
# The Cinder shim's tests (integrations/cinder/tests): Debian's python3-cinder in process, backups by
# Cinder's own drivers, restores through restore_agent_cinder by a real `bin/restore-agent serve` of
# this checkout, into files, a loop device, an RBD image and from the RGW. Needs the agent built
# (make build, or mvn verify before it) and, for the RBD and object-store cases, the test cluster:
#   scripts/with-ceph.sh scripts/cinder-shim-test.sh
# One to two minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f agent/target/restore-agent.jar ] || { echo "cinder-shim-test: agent/target/restore-agent.jar is missing; run make build" >&2; exit 1; }
# /usr/bin/python3: Debian's, which has python3-cinder (a python3 earlier on PATH may not);
# DeprecationWarnings are eventlet's and Cinder's own on Python 3.11
exec /usr/bin/python3 -W ignore::DeprecationWarning integrations/cinder/tests/test_shim.py "$@"
