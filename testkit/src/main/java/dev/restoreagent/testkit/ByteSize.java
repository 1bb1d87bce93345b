package dev.restoreagent.testkit;

import dev.restoreagent.units.Sizes;
import picocli.CommandLine.ITypeConverter;

/**
 * Byte counts on the command line, read by {@link Sizes#parse} exactly as the agent reads them:
 * {@code 1M}, {@code 1MiB} and {@code 1048576} are the same.
 */
final class ByteSize implements ITypeConverter<Long> {
    /** @throws IllegalArgumentException naming {@code value} when it is not a size or does not fit in a long */
    @Override
    public Long convert(String value) {
        return Sizes.parse(value);
    }
}
