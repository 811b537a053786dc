package io.multistudio.bench;

import java.util.List;

/**
 * The CPU the servers, their JIT compilers and the generator use from its start to {@link #end}, each as a share of
 * one core (the servers' summed): the one reading that a set-up, a connect window and a fan-out step all take.
 */
final class CpuWindow {

    private final List<ServerProcess> servers;
    private final double server0;
    private final double compiler0;
    private final double generator0;
    private final long started = System.nanoTime();

    CpuWindow(List<ServerProcess> servers) {
        this.servers = servers;
        this.server0 = server();
        this.compiler0 = compiler();
        this.generator0 = Generator.cpuSeconds();
    }

    /** The window up to now. */
    Shares end() {
        double seconds = (System.nanoTime() - started) / 1e9;
        return new Shares(seconds, (server() - server0) / seconds, (compiler() - compiler0) / seconds,
                (Generator.cpuSeconds() - generator0) / seconds);
    }

    /** @param compiler the part of {@code server} the servers' JIT compilers took */
    record Shares(double seconds, double server, double compiler, double generator) {
    }

    private double server() {
        return servers.stream().mapToDouble(ServerProcess::cpuSeconds).sum();
    }

    private double compiler() {
        return servers.stream().mapToDouble(ServerProcess::compilerCpuSeconds).sum();
    }
}
