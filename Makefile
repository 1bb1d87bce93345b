# restore-agent: the commands a newcomer and CI run. See README.md.
MVN ?= mvn -B -ntp

.PHONY: deps build test demo clean

deps:
	@scripts/install-deps.sh

## build: compile and package everything, no tests (bin/restore-agent runs from agent/target)
build: deps
	$(MVN) -q -DskipTests package

## test: every test: unit, property and end-to-end (the launcher, the memory budget)
test: deps
	$(MVN) verify

## demo: make sample backups and images, restore them with bin/restore-agent, verify sha256
demo: build
	scripts/demo.sh

clean:
	$(MVN) -q clean
	rm -rf demo-work
