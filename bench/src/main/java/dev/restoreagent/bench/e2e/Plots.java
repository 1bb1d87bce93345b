package dev.restoreagent.bench.e2e;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/** The report's PNG plots, drawn with XChart. */
final class Plots {
    private static final int WIDTH = 900;
    private static final int HEIGHT = 520;

    private Plots() {}

    /** Draws every plot into {@code dir}; returns their file names. */
    static List<String> draw(Results r, Path dir) throws IOException {
        List<String> files = new ArrayList<>();
        files.add(save(peakRssVsN(r), dir, "peak-rss-vs-n"));
        files.add(save(throughputVsN(r), dir, "throughput-vs-n"));
        files.add(save(agentVsBaseline(r), dir, "agent-vs-baseline"));
        if (!r.series(TargetCheck.OBJECT_SIZE, "agent", Scenarios.RBD).isEmpty()) {
            files.add(save(peakRssVsObjectSize(r), dir, "peak-rss-vs-object-size"));
        }
        return files;
    }

    private static XYChart peakRssVsN(Results r) {
        XYChart chart = xy("Peak RSS vs concurrent restores (log scale; missing points: the run failed)",
                "restores at once (N)", "peak RSS, MiB");
        chart.getStyler().setYAxisLogarithmic(true);
        perN(chart, r, m -> m.peakRssBytes() / (double) BenchPlan.MIB);
        double limit = (r.plan().budgetBytes() + 160 * BenchPlan.MIB) / (double) BenchPlan.MIB;
        List<Integer> ns = r.plan().concurrency();
        chart.addSeries("B + 160 MiB", List.of(ns.get(0), ns.get(ns.size() - 1)), List.of(limit, limit));
        return chart;
    }

    private static XYChart throughputVsN(Results r) {
        XYChart chart = xy("Aggregate throughput vs concurrent restores (volume bytes per second)",
                "restores at once (N)", "MiB/s");
        perN(chart, r, Measurement::mibPerSecond);
        r.median(Scenarios.RBD_BENCH, Scenarios.RBD).ifPresent(bench -> {
            List<Integer> ns = r.plan().concurrency();
            chart.addSeries("rbd bench write", List.of(ns.get(0), ns.get(ns.size() - 1)),
                    List.of(bench.writtenMibPerSecond(), bench.writtenMibPerSecond()));
        });
        return chart;
    }

    private static void perN(XYChart chart, Results r, ToDoubleFunction<Measurement> y) {
        for (String subject : List.of("agent", "baseline")) {
            for (String kind : List.of(Scenarios.RBD, Scenarios.FILE)) {
                List<Measurement> ok = r.series(TargetCheck.CONCURRENT, subject, kind).stream()
                        .filter(Measurement::ok).toList();
                if (!ok.isEmpty()) {
                    chart.addSeries(subject + " into " + kind, ok.stream().map(Measurement::n).toList(),
                            ok.stream().map(y::applyAsDouble).toList());
                }
            }
        }
    }

    private static CategoryChart agentVsBaseline(Results r) {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
                .title("Agent vs naive baseline into RBD: peak RSS (a killed baseline: its RSS when killed)")
                .xAxisTitle("restores at once (N)").yAxisTitle("peak RSS, MiB").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        List<String> ns = r.plan().concurrency().stream().map(n -> "N=" + n).toList();
        for (String subject : List.of("agent", "baseline")) {
            List<Double> values = new ArrayList<>();
            for (int n : r.plan().concurrency()) {
                values.add(r.find(TargetCheck.CONCURRENT, subject, Scenarios.RBD, n)
                        .map(m -> m.peakRssBytes() / (double) BenchPlan.MIB).orElse(0.0));
            }
            chart.addSeries(subject, ns, values);
        }
        return chart;
    }

    private static XYChart peakRssVsObjectSize(Results r) {
        XYChart chart = xy("Peak RSS vs Cinder object size, " + r.plan().objectSeriesN() + " restores into RBD at once",
                "object size, MiB", "peak RSS, MiB");
        chart.getStyler().setYAxisLogarithmic(true);
        for (String subject : List.of("agent", "baseline")) {
            List<Measurement> ok = r.series(TargetCheck.OBJECT_SIZE, subject, Scenarios.RBD).stream()
                    .filter(Measurement::ok).toList();
            if (!ok.isEmpty()) {
                chart.addSeries(subject, ok.stream().map(m -> m.objectBytes() / (double) BenchPlan.MIB).toList(),
                        ok.stream().map(m -> m.peakRssBytes() / (double) BenchPlan.MIB).toList());
            }
        }
        return chart;
    }

    private static XYChart xy(String title, String x, String y) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(x).yAxisTitle(y)
                .build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        return chart;
    }

    private static String save(Chart<?, ?> chart, Path dir, String name)
            throws IOException {
        BitmapEncoder.saveBitmap(chart, dir.resolve(name).toString(), BitmapEncoder.BitmapFormat.PNG);
        return name + ".png";
    }
}
