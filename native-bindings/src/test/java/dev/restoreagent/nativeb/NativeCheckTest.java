package dev.restoreagent.nativeb;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NativeCheckTest {
    @Test
    void nonNegativeCodesPassThrough() throws Exception {
        assertThat(NativeCheck.checkNegErrno(4096, "rbd_read")).isEqualTo(4096);
        assertThat(NativeCheck.checkLibc(0, 0, "close")).isZero();
    }

    @Test
    void negativeErrnoNamesCallErrnoAndArguments() {
        assertThatThrownBy(() -> NativeCheck.checkNegErrno(-5, "rbd_aio_write", "image", "vm-1", "offset", 4096))
                .isInstanceOfSatisfying(NativeIoException.class, e -> {
                    assertThat(e.errno()).isEqualTo(5);
                    assertThat(e.call()).isEqualTo("rbd_aio_write");
                })
                .hasMessage("rbd_aio_write failed: EIO (errno=5) (image=vm-1,offset=4096)");
    }

    @Test
    void aTimeoutIsClassifiedWhereItIsSeen() {
        assertThatThrownBy(() -> NativeCheck.checkNegErrno(-110, "rbd_flush", "image", "vm-1"))
                .isInstanceOf(NativeTimeoutException.class)
                .hasMessage("rbd_flush failed: ETIMEDOUT (errno=110) (image=vm-1)");
        assertThat(NativeIoException.of("rbd_aio_write2", 5, "")).isNotInstanceOf(NativeTimeoutException.class);
    }

    @Test
    void libcFailureUsesTheErrnoReadAfterTheCall() {
        assertThatThrownBy(() -> NativeCheck.checkLibc(-1, 2, "open", "path", "/nope"))
                .hasMessage("open failed: ENOENT (errno=2) (path=/nope)");
    }

    @Test
    void unknownErrnoIsShownAsNumber() {
        assertThat(Errno.nameOf(4242)).isEqualTo("errno=4242");
    }

    @Test
    void oddKeyValuesAreAProgrammingError() {
        assertThatThrownBy(() -> NativeCheck.checkNegErrno(-1, "x", "lonely"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aLoadFailureIsOneLineWithTheFirstPathsReason() {
        UnsatisfiedLinkError e = new UnsatisfiedLinkError("Unable to load library 'libisal.so.2':\n"
                + "/usr/lib/x86_64-linux-gnu/libisal.so.2: file too short\n"
                + "/lib/x86_64-linux-gnu/libisal.so.2: file too short\n"
                + "Native library (linux-x86-64/libisal.so.2) not found in resource path (/a.jar:/b.jar)");
        assertThat(NativeCheck.loadFailure(e)).isEqualTo(
                "Unable to load library 'libisal.so.2': /usr/lib/x86_64-linux-gnu/libisal.so.2: file too short");
    }
}
