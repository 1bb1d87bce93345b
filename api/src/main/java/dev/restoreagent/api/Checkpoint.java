package dev.restoreagent.api;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * How far a restore is durably done: every object before {@code objects} in layer {@code layer}
 * (and every earlier layer) is written and flushed. A restore resumed from here writes nothing
 * before it.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Checkpoint(int layer, int objects) {
    /** Nothing done yet. */
    public static final Checkpoint START = new Checkpoint(0, 0);

    public Checkpoint {
        if (layer < 0 || objects < 0) {
            throw new IllegalArgumentException("checkpoint must not be negative: " + layer + "/" + objects);
        }
    }
}
