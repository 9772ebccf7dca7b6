package org.dpo4j.losses;

import ai.djl.ndarray.types.DataType;

/**
 * A floating-point precision the losses are tested in, with its tolerances. A value passes when
 * {@code |a − e| ≤ rel·|e| + abs}; a gradient entry when
 * {@code |a − e| ≤ rel·|e| + abs·max(1, max|e| of that tensor)}.
 */
enum Precision {

    /** The README's float64 tolerances. */
    FLOAT64(DataType.FLOAT64, 1e-9, 1e-12, 1e-8, 1e-12),

    /**
     * float32 (unit roundoff u = 2^−24 ≈ 6e−8). Relative part: the README's "~1e−4 relative".
     * It alone fails on quantities that are small differences of large inputs: an input log-prob x
     * is rounded to float32 with an absolute error up to u·|x|, so a reward β·(pc − rc) or a margin
     * built from |x| up to ~100 (the extreme cases) carries an absolute error up to ~β·2·100·u ≈
     * 1.2e−5·β whatever its own size (S2's rejected reward is 1e−4, from inputs 7.0 and 7.001);
     * log-softmax over logits spread ~50 adds ~50·u per token. Hence an absolute floor of 2e−5 on
     * values (β ≤ 1). A gradient entry is (β/B)·σ(·)·(softmax factor ≤ 1) with the σ argument off by
     * that δ ≈ 1.2e−5·β, i.e. off by at most ~(β/B)·δ/4 ≲ 1e−6 for β ≤ 1, B ≥ 3: floor 2e−6·max(1, max|e|).
     * On the reference vectors the largest float32 error is below 3% of these tolerances
     * (values ≤ 2.5e−6 absolute on sums of ~50, gradients ≤ 6e−8 absolute).
     */
    FLOAT32(DataType.FLOAT32, 1e-4, 2e-5, 1e-4, 2e-6);

    final DataType type;
    final double valueRel;
    final double valueAbs;
    final double gradRel;
    final double gradAbs;

    Precision(DataType type, double valueRel, double valueAbs, double gradRel, double gradAbs) {
        this.type = type;
        this.valueRel = valueRel;
        this.valueAbs = valueAbs;
        this.gradRel = gradRel;
        this.gradAbs = gradAbs;
    }
}
