package dev.restoreagent.nativeb.libc;

import dev.restoreagent.nativeb.libc.raw.LibC;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;

/** Loads libc once for the process. */
final class Libc {
    static final LibC LIB = LibraryLoader.create(LibC.class).load("c");
    static final Runtime RUNTIME = Runtime.getRuntime(LIB);

    private Libc() {
    }

    /** errno of the last failed call on this thread; read it straight after the call. */
    static int lastErrno() {
        return RUNTIME.getLastError();
    }
}
