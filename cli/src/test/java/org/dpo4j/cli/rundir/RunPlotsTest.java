package org.dpo4j.cli.rundir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.dpo4j.cli.TestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The drawing half of the plots: real PNG files, written atomically, headless. */
public class RunPlotsTest {

    @TempDir Path runDir;

    public static void assertPng(Path file) throws IOException {
        assertTrue(Files.isRegularFile(file), file + " missing");
        byte[] head = new byte[8];
        try (var in = Files.newInputStream(file)) {
            assertEquals(8, in.read(head));
        }
        assertEquals("\u0089PNG\r\n\u001a\n", new String(head, java.nio.charset.StandardCharsets.ISO_8859_1),
                "PNG signature of " + file);
        BufferedImage image = ImageIO.read(file.toFile());
        assertNotNull(image, file + " does not decode");
        assertEquals(RunPlots.WIDTH, image.getWidth());
        assertEquals(RunPlots.HEIGHT, image.getHeight());
        long size = Files.size(file);
        assertTrue(size > 5_000 && size < 1_000_000, file + " has an implausible size: " + size);
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void writesOnePngPerChartAndNoTemporaryFiles() throws IOException {
        TestSupport.write(runDir, "metrics.jsonl", MetricsSeriesTest.metrics(true));
        List<Path> files = RunPlots.write(runDir);
        Path plots = runDir.resolve("plots");
        assertEquals(List.of("loss.png", "accuracy.png", "margins.png", "rewards.png", "kl.png"),
                files.stream().map(f -> f.getFileName().toString()).toList());
        for (Path f : files) {
            assertEquals(plots, f.getParent());
            assertPng(f);
        }
        assertEquals(List.of("accuracy.png", "kl.png", "loss.png", "margins.png", "rewards.png"), names(plots),
                "only the charts, no temporary files");
        assertEquals("true", System.getProperty("java.awt.headless"));
    }

    @Test
    void drawingAgainReplacesTheCharts() throws IOException {
        TestSupport.write(runDir, "metrics.jsonl", MetricsSeriesTest.metrics(false));
        RunPlots.write(runDir);
        Path loss = runDir.resolve("plots/loss.png");
        byte[] before = Files.readAllBytes(loss);
        TestSupport.write(runDir, "metrics.jsonl", MetricsSeriesTest.metrics(false) + "{\"step\":60,\"loss\":0.01}\n");
        RunPlots.write(runDir);
        assertPng(loss);
        assertTrue(!java.util.Arrays.equals(before, Files.readAllBytes(loss)), "the new point is drawn");
        assertEquals(4, names(runDir.resolve("plots")).size());
    }

    @Test
    void aSinglePointStillDraws() throws IOException {
        TestSupport.write(runDir, "metrics.jsonl", "{\"step\":1,\"loss\":0.69}\n");
        assertEquals(1, RunPlots.write(runDir).size());
        assertPng(runDir.resolve("plots/loss.png"));
    }

    @Test
    void theReportLineNamesTheFolderAndTheFiles() {
        assertEquals("plots: runs/x/plots (loss.png, kl.png)",
                RunPlots.reportLine("runs/x", List.of(Path.of("/a/plots/loss.png"), Path.of("/a/plots/kl.png"))));
    }
}
