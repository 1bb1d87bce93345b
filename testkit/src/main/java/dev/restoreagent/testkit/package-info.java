/**
 * Test kit: writes backups in OpenStack Cinder's chunked format (PosixBackupDriver, Zed) exactly as Cinder
 * does ({@link dev.restoreagent.testkit.CinderBackupWriter}), deterministic disk-like test volumes
 * ({@link dev.restoreagent.testkit.Volumes}) and compressed image streams
 * ({@link dev.restoreagent.testkit.ImageStreams}), for tests, the demo and the bench. The command line is
 * {@link dev.restoreagent.testkit.TestkitMain}.
 */
package dev.restoreagent.testkit;
