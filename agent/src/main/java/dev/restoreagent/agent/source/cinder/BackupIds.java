package dev.restoreagent.agent.source.cinder;

import dev.restoreagent.agent.failure.RestoreFailure;

import java.util.regex.Pattern;

/**
 * Backup ids become path components (containers, metadata names), so only the characters of a
 * UUID are accepted: a hostile {@code parent_id} of {@code ../../etc} must not walk the tree.
 */
public final class BackupIds {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]{3,127}");

    private BackupIds() {
    }

    /** {@code id}, when it has only the characters of a UUID; else a failure naming {@code what}. */
    public static String check(String id, String what) throws RestoreFailure {
        if (id == null || !ID.matcher(id).matches()) {
            throw RestoreFailure.badInput(what + " '" + id + "' is not a backup id (expected a UUID such as"
                    + " d5597718-bef8-4d54-8ad1-0f3c2e6fc2a1)");
        }
        return id;
    }
}
