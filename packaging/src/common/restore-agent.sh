#!/bin/sh
# /usr/bin/restore-agent: runs the packaged launcher on the packaged jars.
RESTORE_AGENT_LIB=/usr/share/restore-agent/lib
RESTORE_AGENT_JAR=/usr/share/restore-agent/lib/@agent.jar@
# the class-data archive the package's postinst makes (restore-agent-cds): a cache, made again at will
: "${RESTORE_AGENT_CDS:=/var/cache/restore-agent/restore-agent.jsa}"
export RESTORE_AGENT_LIB RESTORE_AGENT_JAR RESTORE_AGENT_CDS
exec /usr/share/restore-agent/bin/restore-agent "$@"
