package io.multistudio.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.HdrHistogram.Histogram;

/**
 * Overload (issue 14): the fan-out load offered at twice the server's saturation rate for a minute, then at half of
 * it. Past its capacity the server must go on delivering (at least 80% of its saturation rate, with bounded latency:
 * the inbound pause holds back the senders), never run out of memory, and be back to p99 ≤ 50 ms within 10 s of the
 * overload's end. Measured in windows of one second; the server's RSS is read after each.
 */
final class Overload {

    static final Duration OVERLOAD = Duration.ofSeconds(60);
    static final Duration AFTER = Duration.ofSeconds(20);
    static final Duration WINDOW = Duration.ofSeconds(1);
    /** Where the sweep starts: 3,000 deliveries/s with rooms of 10, below the saturation of a loaded machine. */
    static final double START_SENDS = 300;

    private Overload() {
    }

    /**
     * Finds the saturation rate of {@code server} with a sweep, or measures a step at {@code givenSends} SEND/s when
     * that is above 0 (a saturation known from another run), then overloads it.
     */
    static Result run(Fanout fanout, ServerProcess server, Duration overload, double givenSends) {
        fanout.step(START_SENDS, Duration.ofSeconds(4), Duration.ofSeconds(1));
        Step saturation;
        if (givenSends > 0) {
            saturation = fanout.step(givenSends, Duration.ofSeconds(4), Duration.ofSeconds(5));
        } else {
            List<Step> sweep = fanout.sweep(START_SENDS, 1.5, 12, Duration.ofSeconds(2), Duration.ofSeconds(5),
                    Fanout.MEASURED_DELIVERIES);
            Comparator<Step> byDelivered = Comparator.comparingDouble(Step::deliveredPerSecond);
            // On a machine too loaded for any step to pass, the most the server delivered stands in for saturation.
            saturation = sweep.stream().filter(Step::passed).max(byDelivered)
                    .orElseGet(() -> sweep.stream().max(byDelivered).orElseThrow());
        }
        System.out.println("  saturation: " + saturation.summary());
        double sends = saturation.offeredSends();
        long[] maxRss = {server.rssKib()};
        fanout.offerRate(2 * sends);
        List<Step> during = windows(fanout, server, overload, maxRss);
        fanout.offerRate(sends / 2);
        List<Step> after = windows(fanout, server, AFTER, maxRss);
        fanout.offerRate(0);
        Result result = new Result(saturation, during, after, maxRss[0]);
        System.out.println("  overload: " + result.summary());
        return result;
    }

    /** Windows of one second for {@code length}; {@code maxRss} keeps the most RSS read after any of them. */
    private static List<Step> windows(Fanout fanout, ServerProcess server, Duration length, long[] maxRss) {
        List<Step> windows = new ArrayList<>();
        for (long i = 0; i < length.dividedBy(WINDOW); i++) {
            windows.add(fanout.window(WINDOW));
            maxRss[0] = Math.max(maxRss[0], server.rssKib());
        }
        return windows;
    }

    /** @param maxRssKib the most RSS of the server read after any window of the overload or after it */
    record Result(Step saturation, List<Step> during, List<Step> after, long maxRssKib) {

        /** Deliveries per second over the whole overload, as a share of the saturation rate. */
        double deliveredShare() {
            return during.stream().mapToDouble(Step::deliveredPerSecond).average().orElse(0)
                    / saturation.deliveredPerSecond();
        }

        double p99During() {
            Histogram all = new Histogram(3);
            during.forEach(window -> all.add(window.latency()));
            return all.getValueAtPercentile(99) / 1000.0;
        }

        /** Seconds from the overload's end to the first window with p99 ≤ 50 ms, -1 if none. */
        int secondsBackToP99() {
            for (int i = 0; i < after.size(); i++) {
                Step window = after.get(i);
                if (window.latency().getTotalCount() > 0 && window.p99() <= Fanout.P99_LIMIT_MS) {
                    return i + 1;
                }
            }
            return -1;
        }

        /** p99 over the windows from 10 s after the overload's end: whether the latency stayed back. */
        double p99AfterTen() {
            Histogram all = new Histogram(3);
            after.stream().skip(10).forEach(window -> all.add(window.latency()));
            return all.getValueAtPercentile(99) / 1000.0;
        }

        int closed() {
            return after.isEmpty() ? 0 : after.get(after.size() - 1).closed();
        }

        boolean passed() {
            int back = secondsBackToP99();
            return deliveredShare() >= 0.8 && back > 0 && back <= 10;
        }

        String markdown() {
            StringBuilder md = new StringBuilder("## Overload\n\n");
            md.append(String.format("Saturation (the sweep's best passing step, its best step if none passed, or a"
                    + " step at a given rate: %s): %,.0f deliveries/s. Then %,.0f SEND/s"
                    + " (twice that) for %d s, then half of it for %d s.%n%n",
                    saturation.passed() ? "passed" : "none passed", saturation.deliveredPerSecond(),
                    2 * saturation.offeredSends(), during.size(), after.size()));
            md.append("| Metric | Value | Target | Met |\n|---|---|---|---|\n");
            md.append(String.format("| delivered during the overload, share of saturation | %.0f%% | ≥ 80%% | %s |%n",
                    deliveredShare() * 100, deliveredShare() >= 0.8 ? "yes" : "no"));
            md.append(String.format("| p99 during the overload | %.1f ms | bounded | |%n", p99During()));
            int back = secondsBackToP99();
            md.append(String.format("| back to p99 ≤ 50 ms after the overload | %s | ≤ 10 s | %s |%n",
                    back < 0 ? "not within " + after.size() + " s" : back + " s", back > 0 && back <= 10 ? "yes" : "no"));
            md.append(String.format("| p99 from 10 s after the overload to the end | %.1f ms | ≤ 50 ms | %s |%n",
                    p99AfterTen(), p99AfterTen() <= Fanout.P99_LIMIT_MS ? "yes" : "no"));
            md.append(String.format("| connections cut (slow consumers) | %d | | |%n", closed()));
            md.append(String.format("| most server RSS read | %,d KiB | no OOM | |%n%n", maxRssKib));
            md.append("p99 per second after the overload (ms): ");
            after.forEach(window -> md.append(String.format("%.1f ", window.p99())));
            return md.append("\n\n").toString();
        }

        String summary() {
            return String.format("saturation %,.0f deliveries/s; at twice it for %d s: delivered %.0f%% of saturation,"
                            + " p99 %.1f ms; back to p99 ≤ 50 ms %d s after; connections cut %d; max RSS %,d KiB -> %s",
                    saturation.deliveredPerSecond(), during.size(), deliveredShare() * 100, p99During(),
                    secondsBackToP99(), closed(), maxRssKib, passed() ? "pass" : "FAIL");
        }
    }
}
