package io.multistudio.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import shark.CloseableHeapGraph;
import shark.GcRoot;
import shark.HeapField;
import shark.HeapObject;
import shark.HprofHeapGraph;
import shark.HprofIndex;
import shark.HprofRecord.HeapDumpRecord.ObjectRecord.ClassDumpRecord.FieldRecord;

/**
 * Who holds the live heap of a heap dump. A class histogram says that a connection costs 14 {@code ConcurrentHashMap}
 * nodes but not whose they are; here each object is charged to its owner: the nearest object on its path from a GC
 * root whose class is not a JDK class, an array or a lambda (a map node in {@code LocalConnections}'s map is charged to
 * {@code LocalConnections}, a string in a header to the header's entry). Paths come from a breadth-first walk from the
 * GC roots, so an object that two owners share goes to the one nearer a root. Sizes are shallow sizes as the JVM lays
 * them out with compressed references (12-byte headers, 4-byte references, 8-byte alignment), not the dump's 8-byte
 * identifiers.
 */
final class HeapOwners {

    /** Objects no owner reaches before a GC root: the JDK's own state (class data, caches) and threads' stacks. */
    static final String UNOWNED = "(JDK state, class data, stacks)";

    private HeapOwners() {
    }

    /** Owner class to {live bytes, objects} in the dump at {@code hprof}. */
    static Map<String, long[]> of(Path hprof) {
        try (CloseableHeapGraph graph = HprofHeapGraph.Companion.openHeapGraph(hprof.toFile(), null,
                HprofIndex.Companion.defaultIndexedGcRootTags())) {
            return new Walk(graph).owners();
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the heap dump " + hprof, e);
        }
    }

    /** The owners whose bytes grew from {@code before} to {@code after}, per connection, largest first. */
    static List<Growth> growth(Map<String, long[]> before, Map<String, long[]> after, int connections) {
        List<Growth> grown = new ArrayList<>();
        after.forEach((owner, counts) -> {
            long[] was = before.getOrDefault(owner, new long[2]);
            if (counts[0] > was[0]) {
                grown.add(new Growth(owner, (double) (counts[0] - was[0]) / connections,
                        (double) (counts[1] - was[1]) / connections));
            }
        });
        grown.sort((x, y) -> Double.compare(y.bytesPerConnection(), x.bytesPerConnection()));
        return grown;
    }

    /** The library an owner class belongs to, for the per-connection sums. */
    static String layer(String owner) {
        for (String[] prefix : LAYERS) {
            if (owner.startsWith(prefix[0])) {
                return prefix[1];
            }
        }
        return owner.equals(UNOWNED) ? "JDK" : "other";
    }

    /** Package prefixes and their library; the baseline's own code ({@code RawVertxRoomServer}) is the first one's. */
    private static final String[][] LAYERS = {{"io.multistudio.", "the server's own code (io.multistudio)"},
            {"io.quarkus.websockets.next.", "WebSockets Next"}, {"io.quarkus.", "Quarkus (other)"},
            {"io.vertx.", "Vert.x"}, {"io.netty.", "Netty"}, {"sun.nio.", "JDK"}, {"com.fasterxml.", "Jackson"}};

    static final String EXPLAINED = "Growth of the live heap between two heap dumps (each after a full GC), divided by"
            + " the connections, charged to owners: each object to the nearest object on its shortest path from a GC root"
            + " whose class is not a JDK class, an array or a lambda (a map node in `LocalConnections`'s map is charged"
            + " to `LocalConnections`). Shallow sizes with compressed references.";

    /** Sums by library, then the largest owners. */
    static void markdown(StringBuilder md, String target, List<Growth> owners) {
        Map<String, double[]> layers = new TreeMap<>();
        owners.forEach(growth -> layers.computeIfAbsent(layer(growth.owner()), name -> new double[1])[0]
                += growth.bytesPerConnection());
        md.append("| ").append(target).append(": library | bytes/conn |\n|---|---:|\n");
        layers.forEach((layer, bytes) -> md.append(String.format(Locale.ROOT, "| %s | %.0f |%n", layer, bytes[0])));
        md.append(String.format(Locale.ROOT, "| **all** | **%.0f** |%n%n",
                owners.stream().mapToDouble(Growth::bytesPerConnection).sum()));
        md.append("| ").append(target).append(": owner | objects/conn | bytes/conn |\n|---|---:|---:|\n");
        owners.stream().limit(30).forEach(growth -> md.append(String.format(Locale.ROOT, "| `%s` | %.2f | %.0f |%n",
                growth.owner(), growth.objectsPerConnection(), growth.bytesPerConnection())));
        md.append('\n');
    }

    record Growth(String owner, double bytesPerConnection, double objectsPerConnection) {
    }

    /** One pass over the dump: the reference graph, a breadth-first tree from the roots, then the charges. */
    private static final class Walk {
        private final CloseableHeapGraph graph;
        private final String[] className;
        private final int[] size;
        private final int[][] references;
        private final Map<Long, Integer> instanceSizes = new HashMap<>();

        Walk(CloseableHeapGraph graph) {
            this.graph = graph;
            int slots = 0;
            for (Iterator<HeapObject> it = graph.getObjects().iterator(); it.hasNext(); ) {
                slots = Math.max(slots, it.next().getObjectIndex() + 1);
            }
            className = new String[slots];
            size = new int[slots];
            references = new int[slots][];
            for (Iterator<HeapObject> it = graph.getObjects().iterator(); it.hasNext(); ) {
                read(it.next());
            }
        }

        Map<String, long[]> owners() {
            int[] parent = new int[className.length];
            Arrays.fill(parent, -1);
            int[] queue = new int[className.length];
            int tail = 0;
            for (GcRoot root : graph.getGcRoots()) {
                if (graph.objectExists(root.getId())) {
                    int index = graph.findObjectById(root.getId()).getObjectIndex();
                    if (parent[index] == -1) {
                        parent[index] = index;
                        queue[tail++] = index;
                    }
                }
            }
            for (int head = 0; head < tail; head++) {
                int from = queue[head];
                for (int to : references[from] == null ? new int[0] : references[from]) {
                    if (parent[to] == -1) {
                        parent[to] = from;
                        queue[tail++] = to;
                    }
                }
            }
            Map<String, long[]> owners = new HashMap<>();
            for (int index = 0; index < className.length; index++) {
                if (className[index] != null && parent[index] != -1) {
                    long[] counts = owners.computeIfAbsent(owner(index, parent), name -> new long[2]);
                    counts[0] += size[index];
                    counts[1]++;
                }
            }
            return owners;
        }

        private String owner(int index, int[] parent) {
            int at = index;
            while (!owns(className[at])) {
                if (parent[at] == at) {
                    return UNOWNED;
                }
                at = parent[at];
            }
            return className[at];
        }

        private static boolean owns(String name) {
            if (name.startsWith("class ")) {
                // A static field's object belongs to the class that declares the field.
                return owns(name.substring("class ".length()));
            }
            return !(name.startsWith("java.") || name.startsWith("jdk.")
                    || name.endsWith("[]") || name.contains("$$Lambda") || name.equals("io.netty.util.AsciiString")
                    || (name.startsWith("sun.") && !name.startsWith("sun.nio.ch.")));
        }

        private void read(HeapObject object) {
            int index = object.getObjectIndex();
            List<Long> targets = new ArrayList<>();
            if (object instanceof HeapObject.HeapInstance instance) {
                className[index] = instance.getInstanceClassName();
                size[index] = instanceSize(instance.getInstanceClass());
                for (Iterator<HeapField> it = instance.readFields().iterator(); it.hasNext(); ) {
                    Long target = it.next().getValue().getAsNonNullObjectId();
                    if (target != null) {
                        targets.add(target);
                    }
                }
            } else if (object instanceof HeapObject.HeapObjectArray array) {
                long[] elements = array.readRecord().getElementIds();
                className[index] = array.getArrayClassName();
                size[index] = align(16 + 4 * elements.length);
                for (long element : elements) {
                    if (element != 0) {
                        targets.add(element);
                    }
                }
            } else if (object instanceof HeapObject.HeapPrimitiveArray array) {
                className[index] = array.getArrayClassName();
                size[index] = align(16 + array.getByteSize());
            } else if (object instanceof HeapObject.HeapClass type) {
                // Classes are not charged (their size is the JVM's metaspace), but their static fields lead to objects.
                className[index] = "class " + type.getName();
                for (Iterator<HeapField> it = type.readStaticFields().iterator(); it.hasNext(); ) {
                    Long target = it.next().getValue().getAsNonNullObjectId();
                    if (target != null) {
                        targets.add(target);
                    }
                }
            }
            // Shark can resolve an identifier to an index outside its own object sequence: not an object of the walk.
            references[index] = targets.stream().filter(graph::objectExists)
                    .mapToInt(id -> graph.findObjectById(id).getObjectIndex())
                    .filter(target -> target < className.length).toArray();
        }

        private int instanceSize(HeapObject.HeapClass type) {
            return instanceSizes.computeIfAbsent(type.getObjectId(), id -> {
                int bytes = 12;
                for (Iterator<HeapObject.HeapClass> it = type.getClassHierarchy().iterator(); it.hasNext(); ) {
                    for (FieldRecord field : it.next().readRecordFields()) {
                        bytes += fieldBytes(field.getType());
                    }
                }
                return align(bytes);
            });
        }

        /** HPROF basic types: 2 a reference, 4 boolean, 5 char, 6 float, 7 double, 8 byte, 9 short, 10 int, 11 long. */
        private static int fieldBytes(int type) {
            return switch (type) {
                case 4, 8 -> 1;
                case 5, 9 -> 2;
                case 7, 11 -> 8;
                default -> 4;
            };
        }

        private static int align(int bytes) {
            return (bytes + 7) & ~7;
        }
    }
}
