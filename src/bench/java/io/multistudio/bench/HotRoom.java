package io.multistudio.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleFunction;

/**
 * The hot room (issue 18, item 2): one room of {@code members} members, spread over the app nodes, every member
 * sending in turn. Each {@code SEND} is a direct message to the next member (a {@code to}), delivered to its sender
 * and its addressee only, so that what sets the pace is how fast the room's events take their seqs (all of them
 * contend for the one room's next seq), not the fan-out to 100 members. Measured per step of a sweep (or at one fixed
 * rate): the events committed per second (distinct seqs delivered), their latency, the sends refused, and the seq
 * races lost in the store per {@code SEND} ({@code multistudio_store_retries_total{operation="seq"}}); and, for the
 * set-up, the store calls per join into the one room.
 */
final class HotRoom {

    private HotRoom() {
    }

    /**
     * @param joinCalls store calls per {@code JOIN_ROOM} of the set-up (Markdown table)
     * @param lostPerSend seq races lost per {@code SEND}, one per step
     */
    record Result(SetUp setUp, String joinCalls, List<Step> steps, List<Double> lostPerSend) {

        /** The step with the most events committed per second among those that passed, or {@code null}. */
        Step best() {
            return steps.stream().filter(Step::passed)
                    .max((a, b) -> Double.compare(a.committedPerSecond(), b.committedPerSecond())).orElse(null);
        }

        double lostPerSend(Step step) {
            return lostPerSend.get(steps.indexOf(step));
        }

        String summary(int index) {
            return String.format("%s; seq races lost per SEND %.3f", steps.get(index).summary(),
                    lostPerSend.get(index));
        }
    }

    /**
     * Sets up the room, warms up, then sweeps from {@code startSends} SEND/s (× 1.5 a step, at most {@code maxSteps})
     * or, with {@code fixedSends} above 0, measures one step at that rate.
     */
    static Result run(Generator gen, List<ServerProcess> servers, int members, double startSends, int maxSteps,
            double fixedSends, Duration measure) {
        try (Fanout room = new Fanout(gen, servers, 1, members, true)) {
            StoreCalls beforeSetUp = StoreCalls.read(servers);
            SetUp setUp = room.setUp(100);
            String joinCalls = StoreCalls.read(servers).perRequest(beforeSetUp, setUp.joiners());
            System.out.println("  " + room.name() + " hot room set-up: " + setUp.summary());
            room.step(startSends / 2, Duration.ofSeconds(3), Duration.ofSeconds(1));
            List<Double> lost = new ArrayList<>();
            Duration warm = Duration.ofSeconds(1);
            DoubleFunction<Step> step = rate -> {
                StoreCalls before = StoreCalls.read(servers);
                Step measured = room.step(rate, warm, measure);
                double sends = measured.sentPerSecond() * (warm.toMillis() + measure.toMillis()) / 1000.0;
                lost.add(StoreCalls.read(servers).retries(before, "seq") / Math.max(1, sends));
                System.out.printf("  seq races lost per SEND: %.3f%n", lost.get(lost.size() - 1));
                return measured;
            };
            String name = room.name() + " hot room";
            List<Step> steps = fixedSends > 0 ? List.of(step.apply(fixedSends))
                    : Sweep.run(step, name, startSends, 1.5, maxSteps);
            if (fixedSends > 0) {
                System.out.println("  " + name + " " + steps.get(0).summary());
            }
            return new Result(setUp, joinCalls, steps, lost);
        }
    }
}
