package dev.restoreagent.fuzz;

/**
 * What the committed seed corpora were made with (scripts/fuzz-seeds.sh, running Cinder's own posix driver):
 * the backup's and the volume's ids, which the targets pass where the agent passes the id it looked for.
 */
public final class Seeds {
    public static final String BACKUP_ID = "f022ba5e-0000-4000-8000-000000000001";
    public static final String VOLUME_ID = "f022ba5e-0000-4000-8000-0000000000aa";
    /** What a parser may allocate for an input besides what scales with its length: tables, a message. */
    public static final long PARSER_HEAP_BYTES = 16L << 20;

    private Seeds() {
    }
}
