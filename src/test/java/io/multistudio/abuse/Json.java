package io.multistudio.abuse;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Map;
import java.util.Random;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The test's own JSON toolkit, independent of the server's codec: a strict RFC 8259 parser without size limits (so the
 * oracle knows whether a frame is valid JSON even where the server's parser gives up), a writer that varies the
 * representation (whitespace, escapes) and can write what Jackson cannot (escaped unpaired surrogates), JSON equality
 * that compares numbers by value, and RFC 7396 merge patch.
 */
final class Json {

    static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

    /** Strict: duplicate keys and trailing tokens are errors, like the project decided; no depth or length limit. */
    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .nodeFactory(NODES)
            .build();

    /** A default parser, reading floats as doubles the way most receivers do. */
    private static final ObjectMapper PLAIN = new ObjectMapper();

    /** Floats read as exact decimals into trees, whose factory drops their trailing zeros. */
    private static final ObjectMapper STRIPPED = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();

    /** Compact serialization, the way "serialized size" of user and room data is measured. */
    private static final ObjectMapper COMPACT = new ObjectMapper();

    static {
        STRICT.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(Integer.MAX_VALUE).maxNumberLength(Integer.MAX_VALUE)
                .maxStringLength(Integer.MAX_VALUE).build());
        COMPACT.getFactory().setStreamWriteConstraints(
                StreamWriteConstraints.builder().maxNestingDepth(Integer.MAX_VALUE).build());
    }

    private Json() {
    }

    /** The frame as a JSON tree, or {@code null} if it is not valid JSON. */
    static JsonNode parse(String text) {
        try {
            JsonNode tree = STRICT.readTree(text);
            return tree == null || tree.isMissingNode() ? null : tree;
        } catch (JsonProcessingException | NumberFormatException e) {
            return null;
        }
    }

    /** Nesting depth: a scalar is 0, {@code {}} and {@code []} are 1. Iterative, so any depth works. */
    static int depth(JsonNode root) {
        int max = 0;
        Deque<Map.Entry<JsonNode, Integer>> todo = new ArrayDeque<>();
        todo.push(Map.entry(root, 0));
        while (!todo.isEmpty()) {
            Map.Entry<JsonNode, Integer> next = todo.pop();
            JsonNode node = next.getKey();
            if (node.isContainerNode()) {
                int depth = next.getValue() + 1;
                max = Math.max(max, depth);
                for (JsonNode child : node) {
                    todo.push(Map.entry(child, depth));
                }
            }
        }
        return max;
    }

    /** The longest number literal in the tree, in characters of its text. */
    static int longestNumber(JsonNode root) {
        int max = 0;
        Deque<JsonNode> todo = new ArrayDeque<>();
        todo.push(root);
        while (!todo.isEmpty()) {
            JsonNode node = todo.pop();
            if (node.isNumber()) {
                max = Math.max(max, node.isBigDecimal() ? node.decimalValue().toString().length() : node.asText().length());
            }
            node.forEach(todo::push);
        }
        return max;
    }

    /** Whether any string (value or key) in the tree holds an unpaired surrogate. */
    static boolean hasUnpairedSurrogate(JsonNode root) {
        Deque<JsonNode> todo = new ArrayDeque<>();
        todo.push(root);
        while (!todo.isEmpty()) {
            JsonNode node = todo.pop();
            if (node.isTextual() && unpaired(node.textValue())) {
                return true;
            }
            if (node.isObject()) {
                Iterator<String> names = node.fieldNames();
                while (names.hasNext()) {
                    if (unpaired(names.next())) {
                        return true;
                    }
                }
            }
            node.forEach(todo::push);
        }
        return false;
    }

    static boolean unpaired(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                } else {
                    return true;
                }
            } else if (Character.isLowSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    /** Bytes of the compact serialization, as the server measures its data limits. */
    static int serializedSize(JsonNode node) {
        try {
            return COMPACT.writeValueAsString(node).getBytes(StandardCharsets.UTF_8).length;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The smallest and largest serialized size among the ways a JSON library may write these numbers: as sent, read
     * as doubles ({@code 1e2} written {@code 100.0}), or as decimals without trailing zeros ({@code 5.0} written
     * {@code 5}, Jackson's default for trees).
     */
    static int[] serializedSizes(JsonNode node) {
        int exact = serializedSize(node);
        int smallest = exact;
        int largest = exact;
        for (ObjectMapper reader : new ObjectMapper[] { PLAIN, STRIPPED }) {
            try {
                int size = serializedSize(reader.readTree(COMPACT.writeValueAsString(node)));
                smallest = Math.min(smallest, size);
                largest = Math.max(largest, size);
            } catch (JsonProcessingException | RuntimeException beyondLimits) {
                // Deeper or longer than a default parser reads: that reading does not exist.
            }
        }
        return new int[] { smallest, largest };
    }

    /** RFC 7396. */
    static JsonNode mergePatch(JsonNode target, JsonNode patch) {
        if (!patch.isObject()) {
            return patch.deepCopy();
        }
        ObjectNode result = target != null && target.isObject() ? ((ObjectNode) target).deepCopy() : NODES.objectNode();
        patch.fields().forEachRemaining(entry -> {
            if (entry.getValue().isNull()) {
                result.remove(entry.getKey());
            } else {
                result.set(entry.getKey(), mergePatch(result.get(entry.getKey()), entry.getValue()));
            }
        });
        return result;
    }

    /**
     * JSON equality as a receiver sees it: objects regardless of key order, numbers by value (integers exactly,
     * others as the doubles every JSON library reads them as), everything else exactly.
     */
    static boolean same(JsonNode a, JsonNode b) {
        if (a == null || b == null) {
            return a == b;
        }
        if (a.isNumber() && b.isNumber()) {
            if (a.isIntegralNumber() && b.isIntegralNumber()) {
                return a.bigIntegerValue().equals(b.bigIntegerValue());
            }
            return Double.compare(a.doubleValue(), b.doubleValue()) == 0
                    || a.doubleValue() == b.doubleValue();
        }
        if (a.getNodeType() != b.getNodeType()) {
            return false;
        }
        if (a.isObject()) {
            if (a.size() != b.size()) {
                return false;
            }
            Iterator<Map.Entry<String, JsonNode>> fields = a.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (!same(field.getValue(), b.get(field.getKey()))) {
                    return false;
                }
            }
            return true;
        }
        if (a.isArray()) {
            if (a.size() != b.size()) {
                return false;
            }
            for (int i = 0; i < a.size(); i++) {
                if (!same(a.get(i), b.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }

    /** Writes {@code node} as JSON text; with {@code random}, whitespace and escapes vary. */
    static String write(JsonNode node, Random random) {
        StringBuilder out = new StringBuilder();
        write(node, random, out);
        return out.toString();
    }

    private static void write(JsonNode root, Random random, StringBuilder out) {
        // Iterative, so that frames thousands of levels deep can be written.
        Deque<Object> todo = new ArrayDeque<>();
        todo.push(root);
        while (!todo.isEmpty()) {
            Object next = todo.pop();
            if (next instanceof String literal) {
                out.append(literal);
                continue;
            }
            JsonNode node = (JsonNode) next;
            if (node.isObject()) {
                out.append('{');
                todo.push("}");
                Object[] entries = iterate(node.fields());
                for (int i = entries.length - 1; i >= 0; i--) {
                    @SuppressWarnings("unchecked")
                    Map.Entry<String, JsonNode> entry = (Map.Entry<String, JsonNode>) entries[i];
                    todo.push(entry.getValue());
                    StringBuilder key = new StringBuilder();
                    if (i > 0) {
                        key.append(',');
                    }
                    key.append(space(random));
                    string(entry.getKey(), random, key);
                    key.append(space(random)).append(':').append(space(random));
                    todo.push(key.toString());
                }
            } else if (node.isArray()) {
                out.append('[');
                todo.push("]");
                for (int i = node.size() - 1; i >= 0; i--) {
                    todo.push(node.get(i));
                    if (i > 0) {
                        todo.push("," + space(random));
                    }
                }
            } else if (node.isTextual()) {
                string(node.textValue(), random, out);
            } else if (node.isBigDecimal()) {
                out.append(node.decimalValue().toString());
            } else {
                out.append(node.toString());
            }
        }
    }

    private static Object[] iterate(Iterator<Map.Entry<String, JsonNode>> fields) {
        java.util.List<Object> list = new java.util.ArrayList<>();
        fields.forEachRemaining(list::add);
        return list.toArray();
    }

    private static String space(Random random) {
        if (random == null || random.nextInt(8) != 0) {
            return "";
        }
        return switch (random.nextInt(4)) {
            case 0 -> " ";
            case 1 -> "\n";
            case 2 -> "\t ";
            default -> "\r\n  ";
        };
    }

    /** A JSON string literal; unpaired surrogates and control characters are always escaped, others sometimes. */
    static void string(String text, Random random, StringBuilder out) {
        out.append('"');
        boolean escapeMore = random != null && random.nextInt(10) == 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || Character.isSurrogate(c) && !pairedAt(text, i)
                    || escapeMore && random.nextInt(3) == 0) {
                if (escapeMore && c == '\n') {
                    out.append("\\n");
                } else {
                    out.append(String.format("\\u%04x", (int) c));
                    if (Character.isHighSurrogate(c) && pairedAt(text, i)) {
                        // Never split a pair: half escaped, half raw would not be encodable.
                        out.append(String.format("\\u%04x", (int) text.charAt(++i)));
                    }
                }
            } else if (Character.isHighSurrogate(c) && pairedAt(text, i)) {
                out.append(c).append(text.charAt(++i));
            } else {
                out.append(c);
            }
        }
        out.append('"');
    }

    private static boolean pairedAt(String text, int i) {
        char c = text.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(text.charAt(i - 1));
    }

    static String quote(String text) {
        StringBuilder out = new StringBuilder();
        string(text, null, out);
        return out.toString();
    }

    /** Replaces unpaired surrogates, which no UTF-8 text frame can carry, by U+FFFD. */
    static String sendable(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            out.append(Character.isSurrogate(c) && !pairedAt(text, i) ? '\uFFFD' : c);
        }
        return out.toString();
    }

    static int utf8Length(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }
}
