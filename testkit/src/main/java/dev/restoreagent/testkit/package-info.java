/**
 * Test kit: writes backups in OpenStack Cinder's chunked format (PosixBackupDriver, Zed) exactly as Cinder
 * does ({@link dev.restoreagent.testkit.CinderBackupWriter}), deterministic disk-like test volumes
 * ({@link dev.restoreagent.testkit.Volumes}) and compressed image streams
 * ({@link dev.restoreagent.testkit.ImageStreams}), for tests, the demo and the bench. The command line is
 * {@link dev.restoreagent.testkit.TestkitMain}. Tests reach the throwaway Ceph cluster, its RADOS Gateway and
 * the second cluster that holds Cinder's Ceph backups ({@link dev.restoreagent.testkit.CephBackupCluster})
 * through {@link dev.restoreagent.testkit.CephTestCluster}, have Cinder's own backup drivers write backups
 * with {@link dev.restoreagent.testkit.CinderDriver}, and break object-store responses in the middle with
 * {@link dev.restoreagent.testkit.CuttingProxy}.
 */
package dev.restoreagent.testkit;
