package org.dpo4j.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

class SvgChartTest {

    @Test
    void ticksAreRoundNumbersInsideTheRange() {
        // range 0..1: raw step 0.2 -> 2 x 10^-1
        assertEquals(List.of(0.0, 0.2, 0.4, 0.6000000000000001, 0.8, 1.0), SvgChart.ticks(new double[] {0, 1}));
        for (double t : SvgChart.ticks(new double[] {-3.7, 12.2})) {
            assertTrue(t >= -3.7 && t <= 12.2 && t % 2 == 0, Double.toString(t)); // raw step 15.9 / 5 = 3.18 < 3.5 -> 2
        }
    }

    @Test
    void aChartIsWellFormedSvgWithOneMarkerPerFinitePoint() throws Exception {
        SvgChart chart = new SvgChart("a <title> & more", "x", "y")
                .add(new SvgChart.Series("one", List.of(new SvgChart.Point(0, 1, 0, 0.5), new SvgChart.Point(1, 2, 0.1, 0)), true))
                .add(new SvgChart.Series("two", List.of(new SvgChart.Point(0.5, Double.NaN, 0, 0)), false));
        String svg = chart.render();
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
        assertEquals("svg", doc.getDocumentElement().getTagName());
        assertEquals(2, doc.getElementsByTagName("circle").getLength());
        assertEquals(1, doc.getElementsByTagName("polyline").getLength());
        assertTrue(svg.contains("a &lt;title&gt; &amp; more"));
        assertTrue(svg.contains(">two</text>"), "a legend entry for every series");
    }
}
