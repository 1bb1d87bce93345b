package dev.restoreagent.agent.job;

import dev.restoreagent.api.RestoreRequest;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RestoreRequestsTest {
    private static RestoreRequest request(String backupId, String image, List<String> parentRecords) {
        return new RestoreRequest(image == null ? "/backups" : null, backupId, null, null, image, null, "/restores/t.img",
                null, null, null, null, null, null, null, null, null, null, null, null, null, parentRecords);
    }

    @Test
    void parentRecordsGoOnlyWithTheCinderRecordOfTheTop() {
        assertThatThrownBy(() -> RestoreRequests.validate(request(UUID.randomUUID().toString(), null,
                List.of("/records/full.json"))))
                .isInstanceOfSatisfying(RestoreRequests.FieldException.class,
                        e -> assertThat(e.field()).isEqualTo("parent_records"))
                .hasMessage("parent_records go with the cinder_record of a posix, NFS, Swift or S3 backup");
        assertThatThrownBy(() -> RestoreRequests.validate(request(null, "/images/disk.img",
                List.of("/records/full.json"))))
                .hasMessageStartingWith("parent_records go with the cinder_record");
    }
}
