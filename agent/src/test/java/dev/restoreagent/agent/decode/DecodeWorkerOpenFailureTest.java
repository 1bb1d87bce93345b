package dev.restoreagent.agent.decode;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.NoSuchFileException;

import static org.assertj.core.api.Assertions.assertThat;

/** How an object that cannot be opened is named in the restore's one sentence. */
class DecodeWorkerOpenFailureTest {
    @Test
    void anObjectStoresSentenceIsGivenAsItIsWithoutAJavaClassName() {
        IOException store = new IOException("cannot read s3://volumebackups/k-00003: Unable to execute HTTP request:"
                + " Connect to http://127.0.0.1:7480 failed: Connection refused (SDK Attempt Count: 3)");

        assertThat(DecodeWorker.why(store)).isEqualTo(store.getMessage());
    }

    @Test
    void theJdksOwnFailuresKeepTheirClassWhichSaysWhatWentWrong() {
        assertThat(DecodeWorker.why(new NoSuchFileException("/backups/k-00003")))
                .isEqualTo("java.nio.file.NoSuchFileException: /backups/k-00003");
        assertThat(DecodeWorker.why(new ConnectException())).isEqualTo("java.net.ConnectException");
        assertThat(DecodeWorker.why(new IOException())).isEqualTo("java.io.IOException");
    }
}
