# restore-agent: the commands a newcomer and CI run. See README.md.
MVN ?= mvn -B -ntp

.PHONY: deps build test demo package bench bench-full fuzz clean

deps:
	@scripts/install-deps.sh

## build: compile and package everything, no tests (bin/restore-agent runs from agent/target), and
## the class-data archive of the agent's classes for this checkout and JVM (bin/restore-agent-cds)
build: deps
	$(MVN) -q -DskipTests package
	bin/restore-agent-cds

## test: every test: unit, property, end-to-end, the Ceph tests against a throwaway cluster, the Cinder
## shim's tests (real Cinder code, a real daemon), a smoke run of the JMH benchmarks (they must run;
## their scores are not judged), and the packages: built, linted, installed, used through the socket,
## reinstalled and purged (needs root)
test: deps
	@mkdir -p target && touch target/test-start
	scripts/with-ceph.sh $(MVN) verify
	scripts/no-skipped-tests.sh target/test-start
	scripts/with-ceph.sh scripts/cinder-shim-test.sh
	scripts/bench-smoke.sh
	PACKAGE_TEST_SKIP_BUILD=1 scripts/with-ceph.sh scripts/package-test.sh

## package: the deb and the rpm of each architecture, and the Cinder shim's (all/noarch), in packaging/target
package: deps
	$(MVN) -q -DskipTests package

## demo: make sample backups and images, restore them into files and an RBD image, verify sha256
demo: build
	scripts/with-ceph.sh scripts/demo.sh

## bench: the end-to-end benchmark, quick mode (about a minute): the agent against the naive
## baseline and the peers, report under bench/results/<date>-quick/
bench: build
	scripts/bench.sh quick

## bench-full: the same at the reference sizes (256 MiB objects, a 2 GiB volume, 3 rounds against
## the peers); takes minutes; puts its targets table into README.md
bench-full: build
	scripts/bench.sh full --update-readme

## fuzz: every fuzz target (fuzz/, see README "Fuzzing") for FUZZ_SECONDS each (default 600), two at a time
## other, after its corpus is replayed; FUZZ_TARGET=ZstdFuzzTest (a class) fuzzes one. A finding fails the run
## and is kept in the target's corpus directory (fuzz/src/test/resources/...Inputs/<method>/) as a
## reproducer; what grows the coverage is kept in fuzz/.cifuzz-corpus/, where the next run starts from
FUZZ_SECONDS ?= 600
fuzz: deps
	$(MVN) -q -DskipTests -DskipITs -Dpackaging.skip install
	$(MVN) -pl fuzz verify -Dfuzz.seconds=$(FUZZ_SECONDS) -Dfuzz.forkTimeoutSeconds=$$(( $(FUZZ_SECONDS) + 600 )) \
		$(if $(FUZZ_TARGET),-Dtest=$(FUZZ_TARGET))

clean:
	$(MVN) -q clean
	rm -rf demo-work
