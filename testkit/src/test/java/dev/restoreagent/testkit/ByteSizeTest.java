package dev.restoreagent.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ByteSizeTest {
    private final ByteSize converter = new ByteSize();

    @Test
    void parsesPlainBytesAndBinarySuffixes() {
        assertThat(converter.convert("12345")).isEqualTo(12_345);
        assertThat(converter.convert("64K")).isEqualTo(65_536);
        assertThat(converter.convert("64KiB")).isEqualTo(65_536);
        assertThat(converter.convert("3mib")).isEqualTo(3L << 20);
        assertThat(converter.convert("1MB")).isEqualTo(1L << 20);
        assertThat(converter.convert("2G")).isEqualTo(2L << 30);
    }

    @Test
    void rejectsNonSizesAsTheAgentDoes() {
        assertThatThrownBy(() -> converter.convert("1.5M")).hasMessageContaining("unknown unit in size '1.5M'");
        assertThatThrownBy(() -> converter.convert("-1")).hasMessage("not a size: '-1' (use e.g. 4096, 64MiB, 1GiB)");
        assertThatThrownBy(() -> converter.convert("99999999999T")).hasMessageContaining("too large");
    }
}
