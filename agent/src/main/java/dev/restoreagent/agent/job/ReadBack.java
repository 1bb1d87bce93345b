package dev.restoreagent.agent.job;

import dev.restoreagent.agent.failure.RestoreFailure;
import dev.restoreagent.agent.source.cinder.CinderExportRecord;
import dev.restoreagent.agent.source.cinder.LocatedBackup;
import dev.restoreagent.agent.source.cinder.Sha256File;
import dev.restoreagent.agent.source.cinder.Sha256FileException;
import dev.restoreagent.agent.source.store.Stores;
import dev.restoreagent.agent.targets.TargetOpener;
import dev.restoreagent.agent.verify.TargetReader;
import dev.restoreagent.agent.verify.TargetReaders;
import dev.restoreagent.agent.verify.TargetVerifier;
import dev.restoreagent.api.FailureKind;
import dev.restoreagent.api.RestoreRequest;
import dev.restoreagent.io.memory.BudgetLease;
import dev.restoreagent.io.memory.DirectBufferPool;
import dev.restoreagent.io.memory.MemoryBudget;
import dev.restoreagent.io.memory.PendingLease;
import dev.restoreagent.nativeb.NativeIoException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;

/**
 * {@code verify_after}: once a job's restore is done and its target closed, reads the target back
 * against the backup's sha256file, with one buffer the budget grants like any other memory; or, for an
 * RBD snapshot (which carries no checksum), beside the snapshot, with two.
 */
final class ReadBack {
    private ReadBack() {
    }

    /** @return what was checked, for the job's summary */
    static TargetVerifier.Verified run(RestoreJob job, long volumeBytes, MemoryBudget budget, int bufferBytes,
                                       TargetOpener targets, Stores stores, Path tempDir) throws RestoreFailure {
        RestoreRequest request = job.request();
        CinderExportRecord.Parsed record = request.cinderRecord() == null ? null
                : CinderExportRecord.parse(Path.of(request.cinderRecord()));
        if (CephDriverSources.applies(request, record)) {
            return compareWithSnapshot(job, record, volumeBytes, budget, bufferBytes, targets, stores);
        }
        LocatedBackup top = RestoreRequests.locateTop(request, RestoreRequests.locator(request, stores));
        PendingLease place = budget.enqueue(bufferBytes, job.id() + "/verify");
        try (BudgetLease lease = granted(place);
             Sha256File hashes = Sha256File.read(top.container(), top.sha256Name(), top.backupId(), tempDir);
             TargetReader reader = TargetReaders.open(request.to(),
                     TargetReaders.isRbd(request.to()) ? targets.cluster() : null);
             DirectBufferPool buffers = new DirectBufferPool(job.id() + "/verify", bufferBytes, 1)) {
            return new TargetVerifier(hashes, volumeBytes, top.backupId()).verify(reader, buffers, job::cancelRequested);
        } catch (Sha256FileException e) {
            throw RestoreFailure.badInput("the target was restored, but cannot be read back against backup "
                    + top.backupId() + ": " + e.getMessage(), e);
        } catch (NativeIoException e) {
            throw RestoreFailure.target("the target was restored, but cannot be read back: " + e.getMessage(), e);
        } catch (IOException e) {
            throw RestoreFailure.target("the target was restored, but reading it back failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            throw new RestoreFailure(FailureKind.CANCELLED, "reading the target back was cancelled");
        } finally {
            place.cancel();
        }
    }

    /** A snapshot carries no checksum: the target is compared with it, two buffers at a time. */
    private static TargetVerifier.Verified compareWithSnapshot(RestoreJob job, CinderExportRecord.Parsed record,
                                                               long volumeBytes, MemoryBudget budget, int bufferBytes,
                                                               TargetOpener targets, Stores stores)
            throws RestoreFailure {
        RestoreRequest request = job.request();
        PendingLease place = budget.enqueue(2L * bufferBytes, job.id() + "/verify");
        try (BudgetLease lease = granted(place)) {
            return CephDriverSources.compare(request, record, stores, TargetReaders.isRbd(request.to()) ? targets.cluster()
                    : null, volumeBytes, bufferBytes, job::cancelRequested);
        } catch (NativeIoException e) {
            throw RestoreFailure.target("the target was restored, but cannot be read back: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            throw new RestoreFailure(FailureKind.CANCELLED, "reading the target back was cancelled");
        } finally {
            place.cancel();
        }
    }

    private static BudgetLease granted(PendingLease place) throws InterruptedException, RestoreFailure {
        try {
            return place.granted().get();
        } catch (ExecutionException | java.util.concurrent.CancellationException e) {
            throw new RestoreFailure(FailureKind.CANCELLED, "the agent stopped before the target was read back");
        }
    }
}
