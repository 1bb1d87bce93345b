#!/bin/bash
# After `mvn verify`: lists the JUnit tests that were skipped (aborted assumptions, @Disabled...), from the
# surefire and failsafe reports written since STAMP was touched. Under CI=true a skipped test fails the
# run: a test that skips itself on a machine that lacks something hides a missing install step.
#   touch STAMP; mvn verify; scripts/no-skipped-tests.sh STAMP
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=${1:?usage: no-skipped-tests.sh STAMP}
mapfile -t reports < <(find . -path '*/target/*-reports/TEST-*.xml' -newer "$stamp" 2>/dev/null | sort)
[ ${#reports[@]} -gt 0 ] || { echo "no-skipped-tests: no test report newer than $stamp: did the tests run?" >&2; exit 1; }
# one line per skipped test case: CLASS.METHOD: REASON
skipped=$(/usr/bin/python3 - "${reports[@]}" <<'PY'
import sys
import xml.etree.ElementTree as ET
for path in sys.argv[1:]:
    for case in ET.parse(path).getroot().iter('testcase'):
        for s in case.findall('skipped'):
            print('%s.%s: %s' % (case.get('classname'), case.get('name'), s.get('message') or 'skipped'))
PY
)
if [ -z "$skipped" ]; then
    echo "no-skipped-tests: ${#reports[@]} test reports, no test skipped"
    exit 0
fi
if [ "${CI:-}" = true ]; then
    echo "no-skipped-tests: under CI=true every test runs; skipped:" >&2
    sed 's/^/  /' <<<"$skipped" >&2
    exit 1
fi
echo "no-skipped-tests: skipped here (a failure under CI=true):" >&2
sed 's/^/  /' <<<"$skipped" >&2
