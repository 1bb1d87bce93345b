package dev.restoreagent.nativeb.libc;

/** Terminal facts the JDK cannot tell for stderr ({@code System.console()} looks only at stdin/stdout). */
public final class Terminal {
    /** File descriptor 2. */
    public static final int STDERR = 2;

    private Terminal() {
    }

    /** True when {@code fd} is a terminal; false for pipes, files and on any error. */
    public static boolean isTerminal(int fd) {
        return Libc.LIB.isatty(fd) == 1;
    }
}
