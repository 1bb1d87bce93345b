package dev.restoreagent.agent;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The agent's layering, read from its compiled classes: the decode side and the sources stand below
 * the restore engine, the failure type is a leaf every layer may import (docs/data-path.md), the
 * client knows the daemon only by the API's contract, and the object stores' SDK is a module apart.
 */
class LayeringTest {
    private static JavaClasses agent;

    @BeforeAll
    static void importClasses() {
        agent = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.restoreagent.agent");
    }

    @Test
    void decodeAndSourcesDoNotReachUpIntoTheRestoreEngine() {
        noClasses().that().resideInAnyPackage("dev.restoreagent.agent.decode..", "dev.restoreagent.agent.source..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.restoreagent.agent.restore..",
                        "dev.restoreagent.agent.job..", "dev.restoreagent.agent.daemon..", "dev.restoreagent.agent.cli..")
                .check(agent);
    }

    @Test
    void theDecodeSideNeverSeesATarget() {
        noClasses().that().resideInAPackage("dev.restoreagent.agent.decode..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.restoreagent.io.targets..",
                        "dev.restoreagent.io.rbd..", "dev.restoreagent.nativeb.rbd..")
                .check(agent);
    }

    @Test
    void failuresAreALeaf() {
        classes().that().resideInAPackage("dev.restoreagent.agent.failure..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("dev.restoreagent.agent.failure..",
                        "dev.restoreagent.api..", "java..")
                .check(agent);
    }

    @Test
    void theClientKnowsTheDaemonOnlyThroughTheApiContract() {
        noClasses().that().resideInAPackage("dev.restoreagent.agent.client..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.restoreagent.agent.daemon..",
                        "dev.restoreagent.agent.job..", "dev.restoreagent.agent.restore..",
                        "dev.restoreagent.agent.source..", "dev.restoreagent.agent.decode..")
                .check(agent);
        noClasses().that().resideInAPackage("dev.restoreagent.agent.daemon..")
                .should().dependOnClassesThat().resideInAPackage("dev.restoreagent.agent.client..")
                .check(agent);
    }

    @Test
    void theAgentUsesNoObjectStoreSdk() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("software.amazon..", "java.net.http..",
                "dev.restoreagent.stores..").check(agent);
    }
}
