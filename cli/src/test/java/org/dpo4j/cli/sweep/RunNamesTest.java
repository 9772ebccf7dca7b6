package org.dpo4j.cli.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import org.dpo4j.cli.config.ConfigOverride;
import org.junit.jupiter.api.Test;

public class RunNamesTest {

    private static List<ConfigOverride> run(String... sets) {
        return Arrays.stream(sets).map(ConfigOverride::parseSet).toList();
    }

    @Test
    void lastSegmentsUnlessTwoKeysShareOne() {
        assertEquals(List.of("divergence-js_beta-0.05"),
                RunNames.assign(List.of(run("loss.divergence=js", "loss.beta=0.05"))));
        assertEquals(List.of("loss.alpha-0.5", "schedule.alpha-1_lr-0.01"),
                RunNames.assign(List.of(run("loss.alpha=0.5"), run("schedule.alpha=1", "optim.lr=0.01"))));
    }

    @Test
    void valuesAreCleanedAndEmptyRunsAreBase() {
        assertEquals(List.of("betas-0.9,0.95", "columns-prompt=q", "path-~tmp~my~model", "base"),
                RunNames.assign(List.of(run("optim.betas=[0.9, 0.95]"), run("data.columns={prompt: q}"),
                        run("model.path=/tmp/my model"), run())));
    }

    @Test
    void namesDependOnlyOnTheRunNotOnItsPlace() {
        List<String> a = RunNames.assign(List.of(run("loss.beta=0.1"), run("loss.beta=0.2")));
        List<String> b = RunNames.assign(List.of(run("loss.beta=0.2"), run("loss.beta=0.1")));
        assertEquals(a.get(0), b.get(1));
        assertEquals(a.get(1), b.get(0));
    }

    @Test
    void namesThatCollideAfterCleaningOrAreTooLongGetAHash() {
        List<String> names = RunNames.assign(List.of(run("data.train=a b"), run("data.train=a/b")));
        assertEquals(2, new HashSet<>(names).size(), names.toString());
        assertTrue(names.get(0).matches("train-a~b-[0-9a-f]{8}"), names.toString());
        String longValue = "x".repeat(200);
        List<String> longer = RunNames.assign(List.of(run("data.train=" + longValue), run("data.train=" + longValue + "y")));
        assertTrue(longer.get(0).length() <= RunNames.MAX_LENGTH, longer.get(0));
        assertNotEquals(longer.get(0), longer.get(1));
    }
}
