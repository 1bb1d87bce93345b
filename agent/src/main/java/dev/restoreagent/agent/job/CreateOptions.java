package dev.restoreagent.agent.job;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.restoreagent.nativeb.rbd.ImageCreateOptions;
import dev.restoreagent.units.Sizes;

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
    boolean isEmpty() {
        return dataPool == null && (imageFeatures == null || imageFeatures.isEmpty()) && objectSize == null;
    }

    /**
     * The native options.
     *
     * @throws RestoreRequests.FieldException naming the field at fault
     */
    ImageCreateOptions toImageOptions() {
        int order = ImageCreateOptions.DEFAULTS.order();
        if (objectSize != null) {
            try {
                order = ImageCreateOptions.order(Sizes.parse(objectSize));
            } catch (IllegalArgumentException e) {
                throw new RestoreRequests.FieldException("create_options.object_size", e.getMessage());
            }
        }
        long features;
        try {
            features = imageFeatures == null ? 0 : ImageCreateOptions.featureBits(imageFeatures);
        } catch (IllegalArgumentException e) {
            throw new RestoreRequests.FieldException("create_options.image_features", e.getMessage());
        }
        if (dataPool != null && dataPool.isBlank()) {
            throw new RestoreRequests.FieldException("create_options.data_pool", "must name a pool");
        }
        return new ImageCreateOptions(order, features, dataPool);
    }
}
