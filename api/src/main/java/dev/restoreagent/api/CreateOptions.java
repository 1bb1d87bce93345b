package dev.restoreagent.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.List;

/**
 * How {@code create} makes the RBD image, as {@code rbd create} takes it: {@code --data-pool},
 * {@code --image-feature} (repeated, or comma-separated), {@code --object-size}. Every field is
 * optional; what is left out is the cluster's default (features) or 4 MiB (objects).
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CreateOptions(String dataPool, List<String> imageFeatures, String objectSize) {
    public CreateOptions {
        imageFeatures = imageFeatures == null ? null : List.copyOf(imageFeatures);
    }

    /** True when nothing is asked for. */
    public boolean isEmpty() {
        return dataPool == null && (imageFeatures == null || imageFeatures.isEmpty()) && objectSize == null;
    }
}
