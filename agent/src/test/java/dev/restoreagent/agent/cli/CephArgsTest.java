package dev.restoreagent.agent.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CephArgsTest {
    @Test
    void findsTheClientTheWayTheCephToolsSpellIt() {
        assertThat(CephArgs.client("--id cinder")).contains("cinder");
        assertThat(CephArgs.client("--user=cinder --keyring /etc/ceph/k")).contains("cinder");
        assertThat(CephArgs.client("-n client.backup")).contains("client.backup");
        assertThat(CephArgs.client("  --mon-host 10.0.0.1 --name=client.a --id b ")).as("the last wins").contains("b");
    }

    @Test
    void nothingNamedIsNothing() {
        assertThat(CephArgs.client(null)).isEmpty();
        assertThat(CephArgs.client("")).isEmpty();
        assertThat(CephArgs.client("--keyring /k --id")).isEmpty();
        assertThat(CephArgs.client("--identity x")).isEmpty();
    }
}
