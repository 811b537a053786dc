package io.multistudio.bench;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The store calls of the app's engine, read from its metrics ({@code multistudio_engine_operation_seconds_count} per
 * map and operation, {@code multistudio_engine_bytes_sum} per map and direction): two readings around a window give
 * the calls and bytes per request made in it, and the races lost in the store
 * ({@code multistudio_store_retries_total}).
 */
final class StoreCalls {

    private static final Pattern SAMPLE = Pattern.compile(
            "^(multistudio_engine_operation_seconds_count|multistudio_engine_bytes_sum|multistudio_store_retries_total)"
                    + "\\{([^}]*)\\} ([0-9.eE+-]+)$");
    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"([^\"]*)\"");

    /** Calls per "map operation" and bytes per "map direction". */
    private final Map<String, Double> calls = new TreeMap<>();
    private final Map<String, Double> bytes = new TreeMap<>();
    /** Lost races per operation ({@code seq}, {@code update}). */
    private final Map<String, Double> retries = new TreeMap<>();

    private StoreCalls() {
    }

    /** One reading, summed over the servers. */
    static StoreCalls read(List<ServerProcess> servers) {
        StoreCalls reading = new StoreCalls();
        for (ServerProcess server : servers) {
            for (String line : server.metrics().split("\n")) {
                Matcher sample = SAMPLE.matcher(line);
                if (!sample.matches()) {
                    continue;
                }
                Map<String, String> labels = new TreeMap<>();
                Matcher label = LABEL.matcher(sample.group(2));
                while (label.find()) {
                    labels.put(label.group(1), label.group(2));
                }
                double value = Double.parseDouble(sample.group(3));
                if (sample.group(1).endsWith("_retries_total")) {
                    reading.retries.merge(labels.get("operation"), value, Double::sum);
                } else if (sample.group(1).endsWith("_count")) {
                    reading.calls.merge(labels.get("map") + " " + labels.get("operation"), value, Double::sum);
                } else {
                    reading.bytes.merge(labels.get("map") + " " + labels.get("direction"), value, Double::sum);
                }
            }
        }
        return reading;
    }

    /** The races {@code operation} lost in the store from {@code before} to this reading. */
    double retries(StoreCalls before, String operation) {
        return retries.getOrDefault(operation, 0.0) - before.retries.getOrDefault(operation, 0.0);
    }

    /** The calls and bytes from {@code before} to this reading, per {@code requests}, as a Markdown table. */
    String perRequest(StoreCalls before, double requests) {
        StringBuilder md = new StringBuilder("| map | operation | calls per request |\n|---|---|---:|\n");
        double total = 0;
        for (Map.Entry<String, Double> entry : calls.entrySet()) {
            double per = (entry.getValue() - before.calls.getOrDefault(entry.getKey(), 0.0)) / requests;
            if (per >= 0.005) {
                String[] key = entry.getKey().split(" ");
                md.append(String.format("| %s | %s | %.2f |%n", key[0], key[1], per));
                total += per;
            }
        }
        md.append(String.format("| **all** | | **%.2f** |%n%n| map | direction | bytes per request |%n|---|---|---:|%n",
                total));
        for (Map.Entry<String, Double> entry : bytes.entrySet()) {
            double per = (entry.getValue() - before.bytes.getOrDefault(entry.getKey(), 0.0)) / requests;
            if (per >= 0.5) {
                String[] key = entry.getKey().split(" ");
                md.append(String.format("| %s | %s | %,.0f |%n", key[0], key[1], per));
            }
        }
        StringBuilder lost = new StringBuilder();
        retries.forEach((operation, value) -> lost.append(String.format(" %s %.2f,", operation,
                (value - before.retries.getOrDefault(operation, 0.0)) / requests)));
        if (!lost.isEmpty()) {
            md.append("\nRaces lost in the store per request (each one more round trip or two):")
                    .append(lost, 0, lost.length() - 1).append('\n');
        }
        return md.toString();
    }
}
