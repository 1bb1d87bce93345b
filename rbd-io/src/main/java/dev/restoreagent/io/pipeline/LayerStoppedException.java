package dev.restoreagent.io.pipeline;

import java.io.IOException;

/**
 * A buffer was refused because its layer had already stopped ({@link LayerWriter#fail()}): another
 * object failed, or the restore was cancelled. Not a cause of its own: the failure that stopped the
 * layer is the one to report.
 */
public final class LayerStoppedException extends IOException {
    private static final long serialVersionUID = 1L;

    LayerStoppedException(String target) {
        super("layer stopped after an earlier failure; nothing more is written to " + target);
    }
}
