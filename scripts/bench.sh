#!/bin/bash
# The end-to-end benchmark behind `make bench` (quick) and `make bench-full` (full): runs
# bench/.../e2e/HarnessMain, which starts a throwaway Ceph cluster for each RBD measurement, and measures
# the agent against Cinder's own restore step (Debian's python3-cinder, run by
# testkit/src/main/python/cinder_driver.py) on backups Cinder's own driver wrote. The report goes to
# bench/results/<date>-<mode>/; scratch files to bench/target/e2e-work/.
#   scripts/bench.sh quick|full [harness options, e.g. --update-readme, or --scenarios cinder for the
#   comparison with Cinder alone, without Ceph; --scenarios s3 for restores from S3 next to posix;
#   --scenarios ceph for backups of Cinder's Ceph driver, against Cinder's own restore, rbd export-diff |
#   import-diff and rbd deep cp, on two throwaway clusters; --scenarios cinder,s3 for both of the first]
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-quick}
shift || true
[ -f bench/target/benchmarks.jar ] || { echo "bench: bench/target/benchmarks.jar is missing; run make build" >&2; exit 1; }
scripts/install-deps.sh # python3-cinder, isal, lbzip2: the Cinder peer and the decode limits
# every RBD measurement starts a throwaway cluster of its own (scripts/ceph-cluster.sh)
scripts/ceph-cluster.sh install
exec java -XX:+UseSerialGC -Xmx512m -cp bench/target/benchmarks.jar \
    dev.restoreagent.bench.e2e.HarnessMain --mode "$mode" "$@"
