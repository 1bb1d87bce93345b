package dev.restoreagent.bench.e2e;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CephPlanTest {
    private static final long MIB = BenchPlan.MIB;
    private static final long GIB = BenchPlan.GIB;

    @Test
    void theFullBackupHoldsEightEqualExtentsOneAtEachEighth() {
        List<CephPlan.Extent> extents = CephPlan.fullExtents(GIB, 256 * MIB);

        assertThat(extents).hasSize(CephPlan.EXTENTS).first().isEqualTo(new CephPlan.Extent(0, 32 * MIB));
        assertThat(extents).last().isEqualTo(new CephPlan.Extent(896 * MIB, 32 * MIB));
        assertThat(extents.stream().mapToLong(CephPlan.Extent::length).sum()).isEqualTo(256 * MIB);
    }

    @Test
    void theIncrementWritesOverAnExtentsEndIntoAHoleAndUpToTheLastByte() {
        List<CephPlan.Extent> extents = CephPlan.fullExtents(4 * GIB, 2 * GIB);
        List<CephPlan.Extent> writes = CephPlan.incrementWrites(4 * GIB, 2 * GIB);

        assertThat(writes).containsExactly(new CephPlan.Extent(192 * MIB, 128 * MIB),
                new CephPlan.Extent(768 * MIB, 128 * MIB), new CephPlan.Extent(4 * GIB - 128 * MIB, 128 * MIB));
        // the first straddles the first extent's end; the others touch no extent
        assertThat(writes.get(0).offset()).isLessThan(extents.get(0).end());
        assertThat(writes.get(0).end()).isGreaterThan(extents.get(0).end());
        for (CephPlan.Extent w : writes.subList(1, 3)) {
            assertThat(extents).noneMatch(e -> w.offset() < e.end() && e.offset() < w.end());
        }
        assertThat(writes.get(2).end()).isEqualTo(4 * GIB);
    }

    @Test
    void theDiscardIsWholeObjectsInsideTheThirdExtent() {
        for (CephPlan plan : List.of(CephPlan.quick(), CephPlan.full())) {
            CephPlan.Extent third = CephPlan.fullExtents(plan.volumeBytes(), plan.allocatedBytes()).get(2);
            CephPlan.Extent discard = CephPlan.incrementDiscard(plan.volumeBytes(), plan.allocatedBytes());

            assertThat(discard.offset() % CephPlan.OBJECT_BYTES).isZero();
            assertThat(discard.length() % CephPlan.OBJECT_BYTES).isZero();
            assertThat(discard.offset()).isGreaterThan(third.offset());
            assertThat(discard.end()).isLessThan(third.end());
        }
    }

    @Test
    void theSnapshotHoldsTheExtentsAndTheNewBytesLessTheDiscard() {
        // quick: 256 MiB + 8 past the first extent's end + 16 + 16 - 8 discarded
        assertThat(CephPlan.allocatedAfterIncrement(GIB, 256 * MIB)).isEqualTo(288 * MIB);
        // full: about half of 4 GiB
        assertThat(CephPlan.allocatedAfterIncrement(4 * GIB, 2 * GIB)).isEqualTo(2304 * MIB);
    }

    @Test
    void theConcurrentRestoresFitTheOsdsRamAsImages() {
        for (CephPlan plan : new CephPlan[] {CephPlan.quick(), CephPlan.full()}) {
            long written = plan.n() * CephPlan.allocatedAfterIncrement(plan.manyVolumeBytes(), plan.manyAllocatedBytes());
            // memstore holds about twice what is written; the machine has 24 GiB
            assertThat(2 * written).isLessThan(8 * GIB);
            assertThat(written).isLessThan(plan.memstoreBytes());
        }
        assertThat(CephPlan.allocatedAfterIncrement(GIB, 64 * MIB)).isEqualTo(70 * MIB);
    }

    @Test
    void moreThanHalfAllocatedOrPartialObjectsAreRefused() {
        assertThatThrownBy(() -> new CephPlan(GIB, 640 * MIB, GIB, 256 * MIB, 41, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("up to half");
        assertThatThrownBy(() -> new CephPlan(GIB, 256 * MIB, GIB, 100 * MIB, 41, 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CephPlan(GIB + MIB, 256 * MIB, GIB, 256 * MIB, 41, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
