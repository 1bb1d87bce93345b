package dev.restoreagent.io.memory;

/** A blocking {@link MemoryBudget#acquire} gave up: it timed out, or the budget was closed. */
public final class BudgetExhaustedException extends Exception {
    private static final long serialVersionUID = 1L;

    private final long requestedBytes;

    BudgetExhaustedException(String reason, long requestedBytes, long availableBytes, long totalBytes) {
        super(reason + ": requested " + requestedBytes + " bytes, available " + availableBytes
                + " of " + totalBytes + " bytes");
        this.requestedBytes = requestedBytes;
    }

    public long requestedBytes() {
        return requestedBytes;
    }
}
