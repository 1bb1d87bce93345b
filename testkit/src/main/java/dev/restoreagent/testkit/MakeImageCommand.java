package dev.restoreagent.testkit;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

/** {@code make-image}: encodes a raw volume as an image stream with {@link ImageStreams#write}. */
@Command(name = "make-image", mixinStandardHelpOptions = true, description = "Writes a raw volume as an image stream.")
final class MakeImageCommand implements Callable<Integer> {

    @Option(names = "--in", required = true, description = "raw volume")
    private Path in;

    @Option(names = "--out", required = true, description = "image file to write")
    private Path out;

    @Option(
            names = "--format",
            required = true,
            converter = FormatConverter.class,
            description = "raw, zstd, zstd-multi, zlib, gzip or bz2")
    private ImageFormat format;

    @Override
    public Integer call() throws Exception {
        ImageStreams.write(in, out, format);
        return 0;
    }

    static final class FormatConverter implements ITypeConverter<ImageFormat> {
        @Override
        public ImageFormat convert(String value) {
            return ImageFormat.fromCliName(value);
        }
    }
}
