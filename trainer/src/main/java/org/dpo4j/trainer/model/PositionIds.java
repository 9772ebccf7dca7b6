package org.dpo4j.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Checked per-token positions.
 *
 * @param ids (N, T) int64
 * @param max the largest position in {@code ids}
 */
public record PositionIds(NDArray ids, long max) {

    /**
     * @param positionIds (N, T) integer positions
     * @param inputIds    the tokens they belong to; shapes must agree
     * @param limit       positions must be below it (the rows of a learned position table)
     * @throws IllegalArgumentException on another shape or a position outside [0, limit)
     */
    public static PositionIds check(NDArray positionIds, NDArray inputIds, long limit) {
        Shape shape = positionIds.getShape();
        if (!shape.equals(inputIds.getShape())) {
            throw new IllegalArgumentException("position ids " + shape + " do not match input ids " + inputIds.getShape());
        }
        NDArray ids = positionIds.toType(DataType.INT64, false);
        long min = ids.min().getLong();
        long max = ids.max().getLong();
        if (min < 0 || max >= limit) {
            throw new IllegalArgumentException(
                    "position ids span [" + min + ", " + max + "]; allowed are 0 to " + (limit - 1));
        }
        return new PositionIds(ids, max);
    }
}
