package io.multistudio.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleFunction;

/** A sweep of load steps at a rising offered rate, until the server no longer keeps up. */
final class Sweep {

    private Sweep() {
    }

    /**
     * Raises the offered rate by {@code factor} per step from {@code startSends} until a step fails (p99 over 50 ms,
     * deliveries falling behind, a connection cut, a refused send, or the generator unable to offer the rate) twice in
     * a row, then tries once between the last passing and the failing rate. At most {@code maxSteps} steps, each
     * measured by {@code step} at its rate and printed under {@code name}.
     */
    static List<Step> run(DoubleFunction<Step> step, String name, double startSends, double factor, int maxSteps) {
        List<Step> steps = new ArrayList<>();
        double rate = startSends;
        Step lastPass = null;
        boolean retried = false;
        for (int i = 0; i < maxSteps; i++) {
            Step measured = step.apply(rate);
            steps.add(measured);
            System.out.println("  " + name + " " + measured.summary());
            if (!measured.passed()) {
                // Other processes on the machine can spoil one step: a failed step is repeated once.
                if (!retried && measured.closed() == 0 && i + 1 < maxSteps) {
                    retried = true;
                    continue;
                }
                if (lastPass != null && i + 1 < maxSteps && measured.closed() == 0) {
                    Step between = step.apply(Math.sqrt(lastPass.offeredSends() * rate));
                    steps.add(between);
                    System.out.println("  " + name + " " + between.summary());
                }
                break;
            }
            retried = false;
            lastPass = measured;
            rate *= factor;
        }
        return steps;
    }
}
