package dev.restoreagent.units;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SizesTest {
    @Test
    void parsesBinaryUnits() {
        assertThat(Sizes.parse("4096")).isEqualTo(4096);
        assertThat(Sizes.parse("64MiB")).isEqualTo(64L << 20);
        assertThat(Sizes.parse("64M")).isEqualTo(64L << 20);
        assertThat(Sizes.parse("1 GiB")).isEqualTo(1L << 30);
        assertThat(Sizes.parse("2t")).isEqualTo(2L << 40);
    }

    @Test
    void refusesNonSizesNamingThem() {
        assertThatThrownBy(() -> Sizes.parse("lots")).hasMessageContaining("'lots'");
        assertThatThrownBy(() -> Sizes.parse("5 parsecs")).hasMessageContaining("unknown unit");
        assertThatThrownBy(() -> Sizes.parse("9999999999T")).hasMessageContaining("too large");
    }

    @Test
    void formats() {
        assertThat(Sizes.format(512)).isEqualTo("512 B");
        assertThat(Sizes.format(64L << 20)).isEqualTo("64.0 MiB");
    }
}
