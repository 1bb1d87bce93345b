package dev.restoreagent.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ByteSizeTest {

    @Test
    void parsesPlainBytesAndBinarySuffixes() {
        assertThat(ByteSize.parse("12345")).isEqualTo(12_345);
        assertThat(ByteSize.parse("64K")).isEqualTo(65_536);
        assertThat(ByteSize.parse("64KiB")).isEqualTo(65_536);
        assertThat(ByteSize.parse("3mib")).isEqualTo(3L << 20);
        assertThat(ByteSize.parse("1MB")).isEqualTo(1L << 20);
        assertThat(ByteSize.parse("2G")).isEqualTo(2L << 30);
    }

    @Test
    void rejectsNonSizes() {
        assertThatThrownBy(() -> ByteSize.parse("1.5M")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ByteSize.parse("-1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ByteSize.parse("99999999999T")).isInstanceOf(IllegalArgumentException.class);
    }
}
