package io.multistudio.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/** What the report says of the machine and the processes: CPUs, memory, JVMs, pinning, limits, load. */
final class Machine {

    private Machine() {
    }

    /** The machine's facts, in the report's order. */
    static Map<String, String> describe(List<String> serverJvm, String serverCpu, String appEnv) {
        Map<String, String> machine = new LinkedHashMap<>();
        machine.put("CPUs", Runtime.getRuntime().availableProcessors() + " visible to the generator (machine: "
                + command("nproc", "--all").trim() + "), " + procLine("/proc/cpuinfo", "model name", Machine::value));
        machine.put("Memory", procLine("/proc/meminfo", "MemTotal", line -> String.format(Locale.ROOT, "%.1f GiB",
                Long.parseLong(line.replaceAll("\\D", "")) / 1024.0 / 1024.0)));
        machine.put("Kernel", command("uname", "-sr").trim());
        machine.put("JVM", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        machine.put("Server", "`taskset -c " + serverCpu + " java " + String.join(" ", serverJvm)
                + "` (" + serverGc(serverJvm, serverCpu) + ")");
        machine.put("Generator", "`taskset -c " + procLine("/proc/self/status", "Cpus_allowed_list:", Machine::value)
                + " java " + String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                        .filter(arg -> arg.startsWith("-X")).toList())
                + "` (Vert.x WebSocket client, one event loop)");
        machine.put("App configuration", "`MULTISTUDIO_ENGINE=memory` (resume also `infinispan`),"
                + " `MULTISTUDIO_RATE_LIMIT=1000000`, `MULTISTUDIO_RATE_BURST=1000000`,"
                + " `MULTISTUDIO_MAX_CONNECTIONS=50000`" + (appEnv.isEmpty() ? "" : ", `" + appEnv + "`")
                + "; everything else default");
        machine.put("Open files limit", procLine("/proc/self/limits", "Max open files",
                line -> line.replaceAll("Max open files\\s+", "").replaceAll("\\s+files", "").trim()
                        .replaceAll("\\s+", " (soft), ") + " (hard)"));
        return machine;
    }

    /** The load average over 1, 5 and 15 minutes. */
    static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + ", " + parts[1] + ", " + parts[2];
        } catch (IOException e) {
            return "?";
        }
    }

    /** The first line of {@code file} that starts with {@code prefix}, read by {@code reading}; "?" if none. */
    private static String procLine(String file, String prefix, UnaryOperator<String> reading) {
        try {
            return Files.readAllLines(Path.of(file)).stream().filter(line -> line.startsWith(prefix)).findFirst()
                    .map(reading).orElse("?");
        } catch (IOException e) {
            return "?";
        }
    }

    /** What follows the colon of a {@code key: value} line. */
    private static String value(String line) {
        return line.substring(line.indexOf(':') + 1).trim();
    }

    /** The GC the server JVM picks with these flags on one CPU. */
    private static String serverGc(List<String> serverJvm, String cpu) {
        List<String> command = new ArrayList<>(List.of("taskset", "-c", cpu, ServerProcess.java()));
        command.addAll(serverJvm);
        command.addAll(List.of("-XX:+PrintCommandLineFlags", "-version"));
        String flags = command(command.toArray(String[]::new));
        List<String> found = new ArrayList<>();
        for (String flag : flags.split("\\s+")) {
            if (flag.matches("-XX:\\+Use\\w+GC") || flag.startsWith("-XX:MaxHeapSize=")
                    || flag.startsWith("-XX:InitialHeapSize=")) {
                found.add(flag);
            }
        }
        return "JVM picks: " + String.join(" ", found);
    }

    /** What {@code command} prints, standard error included; "?" if it cannot run. */
    static String command(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            process.waitFor();
            return out;
        } catch (IOException e) {
            return "?";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }
}
