package org.dpo4j.trainer.data.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Against Python's {@code repr(float)}. */
class PyFloatsTest {

    @ParameterizedTest
    @CsvSource({
        "0.1, 0.1",
        "0.30000000000000004, 0.30000000000000004",
        "100.0, 100.0",
        "1e15, 1000000000000000.0",
        "1e16, 1e+16",
        "1.5e16, 1.5e+16",
        "0.0001, 0.0001",
        "0.00001, 1e-05",
        "1.7976931348623157e308, 1.7976931348623157e+308",
        "4.9e-324, 5e-324",
        "-2.5, -2.5",
        "-0.0, -0.0",
        "9007199254740993, 9007199254740992.0",
        "2e22, 2e+22",
    })
    void shortestRoundTripInPythonsLayout(double value, String python) {
        assertEquals(python, PyFloats.repr(value));
    }
}
