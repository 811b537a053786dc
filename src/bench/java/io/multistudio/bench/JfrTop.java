package io.multistudio.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import jdk.jfr.consumer.RecordedClass;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Reads a Flight Recorder file and tells where the time went within a window: execution samples by method (self and
 * inclusive), by area of the code, by thread, allocation samples by class and site, and GC pauses. The same facts
 * {@code jfr print --events jdk.ExecutionSample} shows, counted. Also runnable on its own:
 * {@code java -cp <test class path> io.multistudio.bench.JfrTop <file.jfr>}.
 */
final class JfrTop {

    /** Areas of the code a sample is in (inclusive: a sample counts for every area on its stack). */
    private static final Map<String, Predicate<String>> AREAS = new LinkedHashMap<>();

    static {
        AREAS.put("Netty/Vert.x inbound: socket read and frame decoding",
                f -> f.startsWith("io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder")
                        || f.contains("NioSocketChannel$NioSocketChannelUnsafe.read")
                        || f.contains("AbstractNioByteChannel$NioByteUnsafe.read"));
        AREAS.put("socket writes (write/writev syscalls)", f -> f.startsWith("sun.nio.ch.SocketDispatcher.write")
                || f.startsWith("sun.nio.ch.FileDispatcherImpl.write") || f.startsWith("sun.nio.ch.IOUtil.write")
                || f.startsWith("sun.nio.ch.SocketChannelImpl.write"));
        AREAS.put("Netty flush", f -> f.contains("flush"));
        AREAS.put("WebSocket frame encoding (WebSocket08FrameEncoder)",
                f -> f.startsWith("io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder"));
        AREAS.put("String → UTF-8 per send (String.getBytes / Buffer.buffer(String))",
                f -> f.startsWith("java.lang.String.getBytes") || f.startsWith("java.lang.String.encodeUTF8")
                        || f.startsWith("io.vertx.core.buffer.Buffer.buffer")
                        || f.startsWith("io.netty.buffer.ByteBufUtil.writeUtf8"));
        AREAS.put("MultiStudio Outbound (per-connection send stream)", f -> f.startsWith("io.multistudio.transport.Outbound"));
        AREAS.put("Mutiny operators", f -> f.startsWith("io.smallrye.mutiny"));
        AREAS.put("websockets-next connection send path",
                f -> f.startsWith("io.quarkus.websockets.next.runtime.WebSocketConnectionBase.sendText")
                        || f.startsWith("io.quarkus.websockets.next.runtime.WebSocketConnectionImpl.sendText"));
        AREAS.put("websockets-next inbound dispatch (endpoint, contexts)",
                f -> f.startsWith("io.quarkus.websockets.next.runtime.Endpoints")
                        || f.startsWith("io.quarkus.websockets.next.runtime.WebSocketEndpointBase"));
        AREAS.put("LocalRoom fan-out (drain → deliver)", f -> f.startsWith("io.multistudio.delivery.LocalRoom"));
        AREAS.put("room commands and log (send, commit)", f -> f.startsWith("io.multistudio.room.Rooms")
                || f.startsWith("io.multistudio.room.RoomLog") || f.startsWith("io.multistudio.room.RoomCommand")
                || f.startsWith("io.multistudio.room.Membership"));
        AREAS.put("engine (memory maps, history)", f -> f.startsWith("io.multistudio.engine"));
        AREAS.put("Jackson parse (Codec.parse)", f -> f.startsWith("io.multistudio.protocol.Codec.parse"));
        AREAS.put("Jackson write (Codec.write)", f -> f.startsWith("io.multistudio.protocol.Codec.write"));
        AREAS.put("rate limit", f -> f.startsWith("io.multistudio.transport.RateLimit"));
        AREAS.put("metrics (Micrometer)", f -> f.startsWith("io.micrometer"));
        AREAS.put("Vert.x context dispatch", f -> f.startsWith("io.vertx.core.impl.ContextInternal.dispatch")
                || f.startsWith("io.vertx.core.impl.EventLoopContext.execute"));
        AREAS.put("raw baseline room logic", f -> f.startsWith("io.multistudio.bench.RawVertxRoomServer"));
    }

    public static void main(String[] args) {
        System.out.println(analyze(Path.of(args[0]), Instant.MIN, Instant.MAX, 25));
    }

    static String analyze(Path file, Instant from, Instant to, int top) {
        Map<String, Long> self = new HashMap<>();
        Map<String, Long> inclusive = new HashMap<>();
        Map<String, Long> areas = new LinkedHashMap<>();
        Map<String, Long> threads = new HashMap<>();
        Map<String, Long> stacks = new HashMap<>();
        Map<String, Long> allocatedClasses = new HashMap<>();
        Map<String, Long> allocationSites = new HashMap<>();
        Map<String, Long> nativeTop = new HashMap<>();
        long nativeSamples = 0;
        double cpuUser = 0;
        double cpuSystem = 0;
        long cpuEvents = 0;
        long samples = 0;
        long allocated = 0;
        long gcCount = 0;
        Duration gcTotal = Duration.ZERO;
        Duration gcLongest = Duration.ZERO;
        try (RecordingFile recording = new RecordingFile(file)) {
            while (recording.hasMoreEvents()) {
                RecordedEvent event = recording.readEvent();
                Instant at = event.getStartTime();
                if (at.isBefore(from) || at.isAfter(to)) {
                    continue;
                }
                String type = event.getEventType().getName();
                switch (type) {
                    case "jdk.ExecutionSample" -> {
                        RecordedStackTrace stack = event.getStackTrace();
                        if (stack == null || stack.getFrames().isEmpty()) {
                            continue;
                        }
                        samples++;
                        List<RecordedFrame> frames = stack.getFrames();
                        self.merge(name(frames.get(0)), 1L, Long::sum);
                        Set<String> seen = new HashSet<>();
                        Set<String> inAreas = new HashSet<>();
                        for (RecordedFrame frame : frames) {
                            String name = name(frame);
                            if (seen.add(name)) {
                                inclusive.merge(name, 1L, Long::sum);
                            }
                            AREAS.forEach((area, matches) -> {
                                if (matches.test(name)) {
                                    inAreas.add(area);
                                }
                            });
                        }
                        inAreas.forEach(area -> areas.merge(area, 1L, Long::sum));
                        RecordedThread thread = event.getThread("sampledThread");
                        threads.merge(thread == null ? "?" : threadGroup(thread.getJavaName()), 1L, Long::sum);
                        StringBuilder path = new StringBuilder();
                        for (int i = 0; i < Math.min(8, frames.size()); i++) {
                            path.append(i == 0 ? "" : " ← ").append(shortName(frames.get(i)));
                        }
                        stacks.merge(path.toString(), 1L, Long::sum);
                    }
                    case "jdk.NativeMethodSample" -> {
                        RecordedStackTrace stack = event.getStackTrace();
                        if (stack == null || stack.getFrames().isEmpty()) {
                            continue;
                        }
                        List<RecordedFrame> frames = stack.getFrames();
                        String topFrame = name(frames.get(0));
                        if (topFrame.contains("EPoll.wait") || topFrame.contains("epollWait")) {
                            continue; // an idle event loop
                        }
                        nativeSamples++;
                        StringBuilder path = new StringBuilder();
                        for (int i = 0; i < Math.min(3, frames.size()); i++) {
                            path.append(i == 0 ? "" : " ← ").append(shortName(frames.get(i)));
                        }
                        nativeTop.merge(path.toString(), 1L, Long::sum);
                    }
                    case "jdk.CPULoad" -> {
                        cpuUser += event.getFloat("jvmUser");
                        cpuSystem += event.getFloat("jvmSystem");
                        cpuEvents++;
                    }
                    case "jdk.ObjectAllocationSample" -> {
                        long weight = event.getLong("weight");
                        allocated += weight;
                        RecordedClass objectClass = event.getClass("objectClass");
                        allocatedClasses.merge(objectClass == null ? "?" : objectClass.getName(), weight, Long::sum);
                        RecordedStackTrace stack = event.getStackTrace();
                        if (stack != null && !stack.getFrames().isEmpty()) {
                            allocationSites.merge(allocationSite(stack.getFrames()), weight, Long::sum);
                        }
                    }
                    case "jdk.GarbageCollection" -> {
                        gcCount++;
                        Duration pause = event.getDuration("sumOfPauses");
                        gcTotal = gcTotal.plus(pause);
                        if (pause.compareTo(gcLongest) > 0) {
                            gcLongest = pause;
                        }
                    }
                    default -> {
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        double seconds = Math.max(1e-9, Duration.between(from.equals(Instant.MIN) ? Instant.EPOCH : from,
                to.equals(Instant.MAX) ? Instant.now() : to).toMillis() / 1000.0);
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "%,d execution samples (jdk.ExecutionSample, settings=profile: every 10 ms"
                + " per running Java thread).%n%n", samples));
        if (cpuEvents > 0) {
            // jdk.CPULoad is relative to all the machine's CPUs: times the CPU count, it is a share of one core.
            int cpus = Runtime.getRuntime().availableProcessors() > 1 ? Runtime.getRuntime().availableProcessors()
                    : Integer.parseInt(Machine.command("nproc", "--all").trim());
            md.append(String.format(Locale.ROOT, "Server process CPU (jdk.CPULoad, averaged, share of one core):"
                    + " user %.0f%%, system (kernel: socket syscalls, loopback TCP) %.0f%%.%n%n",
                    cpuUser / cpuEvents * cpus * 100, cpuSystem / cpuEvents * cpus * 100));
        }
        md.append("### Threads\n\n");
        table(md, "Thread", threads, samples, 10);
        md.append("### Areas (inclusive: share of samples with the area anywhere on the stack)\n\n");
        table(md, "Area", areas, samples, AREAS.size());
        md.append("### Hot methods, self (top frame)\n\n");
        table(md, "Method", self, samples, top);
        md.append("### Hot methods, inclusive\n\n");
        table(md, "Method", inclusive, samples, top);
        md.append("### Hottest stacks (top 8 frames)\n\n");
        table(md, "Stack", stacks, samples, 12);
        md.append(String.format(Locale.ROOT, "### Busy threads in native code (jdk.NativeMethodSample, every 20 ms,"
                + " idle epoll waits left out): %,d samples%n%n", nativeSamples));
        table(md, "Native stack (top 3 frames)", nativeTop, nativeSamples, 8);
        md.append(String.format(Locale.ROOT, "### Allocation (jdk.ObjectAllocationSample): %,.0f MB/s sampled weight%n%n",
                allocated / 1e6 / seconds));
        table(md, "Class", allocatedClasses, allocated, 12);
        table(md, "Allocation site (first frame outside java.*/jdk.*)", allocationSites, allocated, 15);
        md.append(String.format(Locale.ROOT, "### GC%n%n%d collections, %d ms paused in total (%.1f%% of the window),"
                + " longest %d ms.%n", gcCount, gcTotal.toMillis(), gcTotal.toMillis() / 10.0 / seconds,
                gcLongest.toMillis()));
        return md.toString();
    }

    private static void table(StringBuilder md, String what, Map<String, Long> counts, long total, int limit) {
        md.append("| ").append(what).append(" | Share |\n|---|---:|\n");
        counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(limit)
                .forEach(entry -> md.append(String.format(Locale.ROOT, "| `%s` | %.1f%% |%n",
                        entry.getKey().replace("|", "\\|"), total == 0 ? 0.0 : entry.getValue() * 100.0 / total)));
        md.append('\n');
    }

    private static String name(RecordedFrame frame) {
        return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
    }

    private static String shortName(RecordedFrame frame) {
        String type = frame.getMethod().getType().getName();
        return type.substring(type.lastIndexOf('.') + 1) + "." + frame.getMethod().getName();
    }

    private static String allocationSite(List<RecordedFrame> frames) {
        for (RecordedFrame frame : frames) {
            String name = name(frame);
            if (!name.startsWith("java.") && !name.startsWith("jdk.") && !name.startsWith("sun.")) {
                return name;
            }
        }
        return name(frames.get(0));
    }

    /** Thread names without their numbers, so that pools count as one. */
    private static String threadGroup(String name) {
        return name == null ? "?" : name.replaceAll("\\d+", "N");
    }
}
