package io.multistudio.abuse;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Random and mutated client frames, from one seeded {@link Random} so that a run can be repeated with
 * {@code -Dfuzz.seed}. Like property-based testing libraries, every value generator mixes in its edge cases (empty,
 * extreme, boundary values) with a fixed probability. Which request to build depends on the sender's state, so that
 * every state gets reached: a user in a room, an owner, a member who is not owner, a full room, a room with a
 * password.
 */
final class FrameGen {

    /** How often a value generator returns one of its edge cases instead of a random value. */
    private static final int EDGE_PERCENT = 15;

    /** A value generator. */
    interface Gen<T> {
        T next(FrameGen gen);
    }

    static <T> Gen<T> withEdges(Gen<T> random, List<T> edges) {
        return gen -> gen.chance(EDGE_PERCENT) ? gen.pick(edges) : random.next(gen);
    }

    static <T> Gen<T> oneOf(List<T> values) {
        return gen -> gen.pick(values);
    }

    static Gen<String> chars(int minLength, int maxLength, Gen<Character> chars) {
        return gen -> {
            int length = minLength + gen.random.nextInt(maxLength - minLength + 1);
            StringBuilder text = new StringBuilder(length);
            for (int i = 0; i < length; i++) {
                text.append(chars.next(gen));
            }
            return text.toString();
        };
    }

    static final Gen<String> WORDS = withEdges(chars(1, 12, gen -> (char) ('a' + gen.random.nextInt(26))),
            List.of("a", "zzzzzzzzzzzz"));
    /** Any UTF-16 unit, unpaired surrogates and controls included, biased to the interesting ranges. */
    static final Gen<String> ALL_CHARS = withEdges(chars(0, 24, gen -> switch (gen.random.nextInt(6)) {
        case 0 -> (char) gen.random.nextInt(0x20);
        case 1 -> (char) (0x80 + gen.random.nextInt(0x80));
        default -> {
            // Anything but surrogates, which the unpaired-surrogate pieces below bring in, rarely.
            char c = (char) gen.random.nextInt(0x10000 - 0x800);
            yield c >= 0xD800 ? (char) (c + 0x800) : c;
        }
    }), List.of("", "\u0000", "\uffff", "\u00ff", "\u0080"));
    /** Unpaired surrogates: valid as JSON escapes, never as UTF-8. */
    static final Gen<String> UNPAIRED = oneOf(List.of("\ud800", "\udfff", "\udbff", "\udc00", "a\ud83d", "\ude00b"));
    private static final String ID_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-";
    static final Gen<String> ID_CHARS = withEdges(
            chars(1, 64, gen -> ID_ALPHABET.charAt(gen.random.nextInt(ID_ALPHABET.length()))), List.of("-", "_"));
    /** Pieces of text that break naive handling: combining, joiners, direction marks, controls, odd spaces, BOM. */
    static final Gen<String> TRICKY = oneOf(List.of("😀", "👩‍👩‍👧", "🇺🇳", "é", "é", "ﬁ", "\u200d", "\u200b",
            "\u0301", "𝄞", "\u2028", "\u2029", "\u00a0", "\u3000", "\u2007", "\ufeff", "\u0000", "\u0007", "\u001f",
            "\u007f", "\u0085", "\u009f", "\u202e", "\t", "\n", " ", "  ", "\udbff\udfff", "\"",
            "\\", "\\u0000", "</script>", "{\"kind\":\"HELLO\"}", "%s%n", "'; DROP TABLE rooms; --", "null", "∞", "Ω"));
    static final Gen<Integer> INTS = withEdges(gen -> gen.random.nextInt(),
            List.of(0, 1, -1, Integer.MAX_VALUE, Integer.MIN_VALUE));
    static final Gen<Long> LONGS = withEdges(gen -> gen.random.nextLong(), List.of(0L, Long.MAX_VALUE, Long.MIN_VALUE));
    static final Gen<BigInteger> BIG = withEdges(gen -> new BigInteger(1 + gen.random.nextInt(1000), gen.random)
            .multiply(BigInteger.valueOf(gen.random.nextBoolean() ? 1 : -1)),
            List.of(BigInteger.TEN.pow(300), BigInteger.TEN.pow(300).negate(), BigInteger.TWO.pow(64)));
    static final Gen<Double> DOUBLES = withEdges(gen -> switch (gen.random.nextInt(3)) {
        case 0 -> gen.random.nextDouble();
        case 1 -> (gen.random.nextDouble() - 0.5) * Math.pow(10, gen.random.nextInt(40));
        default -> Double.longBitsToDouble(gen.random.nextLong() & 0x7FEFFFFFFFFFFFFFL);
    }, List.of(0.0, -0.0, Double.MIN_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE, 0.1));
    static final Gen<String> NUMBER_TEXTS = oneOf(List.of("1e400", "-1e400", "1E-400", "0.1000000000000000000001",
            "1.0", "1E2", "5.0", "-0", "-0.0", "123456789012345678901234567890", "9223372036854775807",
            "9223372036854775808", "-9223372036854775809", "4.9e-324", "1.7976931348623157e308", "2147483648",
            "0.5", "1e3", "200.0", "1000.0000000000001"));
    static final Gen<Integer> DEPTHS = oneOf(List.of(2, 3, 10, 64, 100, 500, 996, 997, 998, 999, 1000, 1001,
            1002, 1500, 5000));
    static final Gen<Integer> LONG_LENGTHS = withEdges(gen -> 100 + gen.random.nextInt(70_000 - 100),
            List.of(100, 4096, 4097, 65_000, 65_535, 65_536, 70_000));
    static final Gen<Integer> CAPACITIES = gen -> switch (gen.random.nextInt(10)) {
        case 0, 1, 2, 3, 4, 5 -> gen.pick(List.of(1, 2, 3, 16));
        case 6, 7, 8 -> 1 + gen.random.nextInt(1000);
        default -> gen.pick(List.of(0, -1, 1001, Integer.MAX_VALUE, Integer.MIN_VALUE));
    };
    static final Gen<Integer> LIMITS = gen -> gen.chance(85) ? 1 + gen.random.nextInt(200)
            : gen.pick(List.of(0, -1, 201, 1000));

    private final Random random;
    private long counter;

    FrameGen(long seed) {
        this.random = new Random(seed);
    }

    Random random() {
        return random;
    }

    <T> T draw(Gen<T> generator) {
        return generator.next(this);
    }

    boolean chance(int percent) {
        return random.nextInt(100) < percent;
    }

    <T> T pick(List<T> list) {
        return list.get(random.nextInt(list.size()));
    }

    // ------------------------------------------------------------------------------------------------- values

    /** Text mixing plain words, arbitrary UTF-16 (unpaired surrogates included) and tricky pieces. */
    String text() {
        StringBuilder text = new StringBuilder();
        int pieces = 1 + random.nextInt(4);
        for (int i = 0; i < pieces; i++) {
            int which = random.nextInt(10);
            text.append(which < 5 ? draw(WORDS) : which < 7 ? draw(ALL_CHARS) : chance(3) ? draw(UNPAIRED) : draw(TRICKY));
        }
        return text.toString();
    }

    String longText(int length) {
        StringBuilder text = new StringBuilder(length);
        String unit = chance(70) ? "x" : pickPiece();
        while (text.length() < length) {
            text.append(unit);
        }
        return text.substring(0, length);
    }

    private String pickPiece() {
        String piece = draw(TRICKY);
        return piece.isEmpty() ? "y" : piece;
    }

    JsonNode number() {
        return switch (random.nextInt(6)) {
            case 0 -> Json.NODES.numberNode(draw(INTS));
            case 1 -> Json.NODES.numberNode(draw(LONGS));
            case 2 -> Json.NODES.numberNode(draw(BIG));
            case 3 -> Json.NODES.numberNode(new BigDecimal(Double.toString(draw(DOUBLES))));
            case 4 -> numberText(draw(NUMBER_TEXTS));
            default -> chance(50) ? Json.NODES.numberNode(new BigInteger("9".repeat(1001)))
                    : Json.NODES.numberNode(new BigDecimal("1." + "3".repeat(random.nextInt(1200)) + "e5"));
        };
    }

    static JsonNode numberText(String text) {
        return text.contains(".") || text.contains("e") || text.contains("E")
                ? Json.NODES.numberNode(new BigDecimal(text)) : Json.NODES.numberNode(new BigInteger(text));
    }

    /** Any JSON value, nested up to {@code depth}. */
    JsonNode value(int depth) {
        int which = random.nextInt(100);
        if (which < 8) {
            return Json.NODES.nullNode();
        }
        if (which < 16) {
            return Json.NODES.booleanNode(random.nextBoolean());
        }
        if (which < 36) {
            return number();
        }
        if (which < 62 || depth <= 0) {
            return Json.NODES.textNode(chance(3) ? longText(draw(LONG_LENGTHS) / 4) : text());
        }
        if (which < 78) {
            ArrayNode array = Json.NODES.arrayNode();
            int size = random.nextInt(5);
            for (int i = 0; i < size; i++) {
                array.add(value(depth - 1));
            }
            return array;
        }
        return object(depth - 1);
    }

    ObjectNode object(int depth) {
        ObjectNode object = Json.NODES.objectNode();
        int size = random.nextInt(5);
        for (int i = 0; i < size; i++) {
            object.set(chance(70) ? draw(WORDS) : text(), value(depth));
        }
        return object;
    }

    /** A value nested exactly {@code depth} levels deep. */
    JsonNode deep(int depth, boolean objects) {
        JsonNode node = chance(50) ? Json.NODES.numberNode(1) : Json.NODES.textNode("leaf");
        for (int i = 0; i < depth; i++) {
            if (objects || random.nextInt(4) == 0) {
                ObjectNode wrapper = Json.NODES.objectNode();
                wrapper.set(objects && i % 2 == 0 ? "k" : "a", node);
                node = wrapper;
            } else {
                ArrayNode wrapper = Json.NODES.arrayNode();
                wrapper.add(node);
                node = wrapper;
            }
        }
        return node;
    }

    /** A value of the wrong type, size or shape for almost any field. */
    JsonNode badValue() {
        return switch (random.nextInt(16)) {
            case 0 -> Json.NODES.nullNode();
            case 1 -> Json.NODES.booleanNode(random.nextBoolean());
            case 2 -> Json.NODES.numberNode(0);
            case 3 -> Json.NODES.numberNode(-1);
            case 4 -> numberText(draw(NUMBER_TEXTS));
            case 5 -> number();
            case 6 -> Json.NODES.textNode("");
            case 7 -> Json.NODES.textNode(text());
            case 8 -> Json.NODES.textNode(longText(draw(LONG_LENGTHS)));
            case 9 -> Json.NODES.arrayNode();
            case 10 -> Json.NODES.arrayNode().add(value(1));
            case 11 -> Json.NODES.objectNode();
            case 12 -> object(2);
            case 13 -> deep(draw(DEPTHS), chance(50));
            case 14 -> Json.NODES.textNode(draw(TRICKY));
            default -> value(3);
        };
    }

    // ------------------------------------------------------------------------------------------------- frames

    String rid() {
        int which = random.nextInt(100);
        if (which < 8) {
            return null;
        }
        if (which < 80) {
            return "r" + ++counter;
        }
        if (which < 84) {
            return "";
        }
        if (which < 92) {
            return text();
        }
        if (which < 96) {
            return "r".repeat(120 + random.nextInt(16));
        }
        // 60-70 emoji: at most 128 code points, but more than 128 UTF-16 units.
        return "😀".repeat(60 + random.nextInt(11));
    }

    String freshRoomId() {
        String suffix = chance(30) ? "-" + draw(ID_CHARS) : "";
        String id = "f" + ++counter + suffix;
        return id.length() > 64 ? id.substring(0, 64) : id;
    }

    String name() {
        return switch (random.nextInt(10)) {
            case 0, 1, 2, 3 -> draw(WORDS);
            case 4 -> "  " + draw(WORDS) + " \t";
            case 5 -> draw(TRICKY) + draw(WORDS) + draw(TRICKY);
            case 6 -> "😀".repeat(60 + random.nextInt(8));
            case 7 -> "n".repeat(62 + random.nextInt(5));
            default -> text();
        };
    }

    /** A request the sender could plausibly make in its state, mostly valid. */
    ObjectNode request(World world, Actor actor) {
        String kind;
        if (!actor.hello && chance(60)) {
            kind = "HELLO";
        } else if (actor.room == null) {
            kind = pick(List.of("CREATE_ROOM", "CREATE_ROOM", "JOIN_ROOM", "JOIN_ROOM", "JOIN_ROOM", "LIST_ROOMS", "PING",
                    "SET_USER_DATA", "SEND", "LEAVE_ROOM", "KICK", "UPDATE_ROOM", "SET_ROOM_DATA", "HELLO"));
        } else {
            kind = pick(List.of("SEND", "SEND", "SEND", "SET_ROOM_DATA", "SET_USER_DATA", "UPDATE_ROOM", "KICK", "KICK",
                    "LEAVE_ROOM", "LIST_ROOMS", "PING", "CREATE_ROOM", "JOIN_ROOM", "HELLO"));
        }
        ObjectNode frame = Json.NODES.objectNode();
        frame.put("kind", kind);
        String rid = rid();
        if (rid != null) {
            frame.put("rid", rid);
        }
        RoomModel room = actor.room == null ? null : world.rooms.get(actor.room);
        switch (kind) {
            case "HELLO" -> {
                if (chance(80)) {
                    frame.put("name", name());
                }
                if (chance(40)) {
                    frame.set("data", chance(90) ? object(2) : userDataNearLimit());
                }
                if (chance(10)) {
                    frame.set("reconnect_token", chance(50) ? Json.NODES.textNode(text()) : badValue());
                }
                if (chance(10)) {
                    frame.set("last_seq", chance(50) ? Json.NODES.numberNode(random.nextInt(100)) : number());
                }
            }
            case "CREATE_ROOM" -> {
                int which = random.nextInt(10);
                if (which < 7) {
                    frame.put("room", freshRoomId());
                } else if (which < 8 && !world.rooms.isEmpty()) {
                    frame.put("room", pick(new ArrayList<>(world.rooms.keySet())));
                } else if (which < 9) {
                    frame.put("room", chance(50) ? "r".repeat(64 + random.nextInt(2)) : text());
                }
                if (chance(50)) {
                    frame.put("name", chance(80) ? draw(WORDS) : name());
                }
                if (chance(50)) {
                    frame.put("capacity", draw(CAPACITIES));
                }
                if (chance(25)) {
                    frame.put("password", chance(80) ? draw(WORDS) : "p".repeat(127 + random.nextInt(3)));
                }
                if (chance(25)) {
                    frame.put("listed", random.nextBoolean());
                }
                if (chance(25)) {
                    frame.set("data", object(3));
                }
            }
            case "JOIN_ROOM" -> {
                List<RoomModel> candidates = new ArrayList<>(world.rooms.values());
                if (!candidates.isEmpty() && chance(85)) {
                    RoomModel target = pick(candidates);
                    frame.put("room", target.id);
                    if (target.password != null ? chance(80) : chance(10)) {
                        frame.put("password", target.password != null && chance(90) ? target.password : draw(WORDS));
                    }
                } else {
                    frame.put("room", chance(70) ? freshRoomId() : text());
                }
            }
            case "LIST_ROOMS" -> {
                if (chance(50)) {
                    frame.put("limit", draw(LIMITS));
                }
            }
            case "UPDATE_ROOM" -> {
                if (chance(40)) {
                    frame.put("name", chance(80) ? draw(WORDS) : name());
                }
                if (chance(40)) {
                    int capacity = room != null && chance(30) ? room.members.size() - random.nextInt(2) : draw(CAPACITIES);
                    frame.put("capacity", capacity);
                }
                if (chance(30)) {
                    if (chance(40)) {
                        frame.putNull("password");
                    } else {
                        frame.put("password", draw(WORDS));
                    }
                }
                if (chance(30)) {
                    frame.put("listed", random.nextBoolean());
                }
            }
            case "KICK" -> {
                int which = random.nextInt(10);
                if (room != null && which < 6 && room.members.size() > 1) {
                    frame.put("user", pick(room.members.stream().filter(id -> !id.equals(actor.userId)).toList()));
                } else if (which < 7 && actor.userId != null) {
                    frame.put("user", actor.userId);
                } else if (which < 9) {
                    Actor other = pick(world.actors);
                    frame.put("user", other.userId == null ? "u_nobody" : other.userId);
                }
            }
            case "SEND" -> {
                int which = random.nextInt(20);
                if (which < 16) {
                    frame.set("data", value(3));
                } else if (which < 17) {
                    frame.set("data", deep(draw(DEPTHS), chance(50)));
                } else if (which < 19) {
                    frame.put("data", longText(draw(LONG_LENGTHS)));
                }
                if (chance(20)) {
                    if (room != null && chance(80)) {
                        frame.put("to", pick(room.members));
                    } else {
                        Actor other = pick(world.actors);
                        frame.put("to", other.userId == null ? "u_nobody" : other.userId);
                    }
                }
            }
            case "SET_USER_DATA" -> frame.set("data", chance(10) ? userDataNearLimit() : patch());
            case "SET_ROOM_DATA" -> frame.set("data", chance(5) ? roomDataNearLimit() : patch());
            default -> {
            }
        }
        return frame;
    }

    private JsonNode patch() {
        ObjectNode patch = Json.NODES.objectNode();
        int size = 1 + random.nextInt(3);
        for (int i = 0; i < size; i++) {
            String key = pick(List.of("a", "b", "c", "pos", "tags", draw(WORDS)));
            patch.set(key, chance(25) ? Json.NODES.nullNode() : value(2));
        }
        if (chance(3)) {
            patch.set("deep", deep(draw(DEPTHS), chance(50)));
        }
        return patch;
    }

    private JsonNode userDataNearLimit() {
        ObjectNode data = Json.NODES.objectNode();
        data.put("big", longText(3900 + random.nextInt(400)));
        return data;
    }

    private JsonNode roomDataNearLimit() {
        ObjectNode data = Json.NODES.objectNode();
        data.put("big" + random.nextInt(3), longText(20_000 + random.nextInt(25_000)));
        return data;
    }

    /** Changes one to three things about a request: a field's type or size, a missing field, an extra one. */
    ObjectNode mutate(ObjectNode frame) {
        int mutations = 1 + random.nextInt(3);
        List<String> known = List.of("kind", "rid", "name", "data", "room", "capacity", "password", "listed", "limit",
                "user", "to", "reconnect_token", "last_seq");
        for (int i = 0; i < mutations; i++) {
            int which = random.nextInt(10);
            if (which < 5) {
                List<String> fields = new ArrayList<>();
                frame.fieldNames().forEachRemaining(fields::add);
                String field = chance(70) && !fields.isEmpty() ? pick(fields) : pick(known);
                if ("kind".equals(field) && chance(20)) {
                    frame.put("kind", nearMissKind(frame.path("kind").asText("PING")));
                } else {
                    frame.set(field, badValue());
                }
            } else if (which < 7) {
                List<String> fields = new ArrayList<>();
                frame.fieldNames().forEachRemaining(fields::add);
                if (!fields.isEmpty()) {
                    frame.remove(pick(fields));
                }
            } else {
                frame.set(chance(50) ? draw(WORDS) : text(), chance(20) ? deep(draw(DEPTHS), chance(50)) : value(2));
            }
        }
        return frame;
    }

    String nearMissKind(String kind) {
        return switch (random.nextInt(8)) {
            case 0 -> kind.toLowerCase();
            case 1 -> " " + kind;
            case 2 -> kind + "\u0000";
            case 3 -> kind.isEmpty() ? "" : kind.substring(0, kind.length() - 1);
            case 4 -> kind + "S";
            case 5 -> "";
            case 6 -> kind.replace('O', '0');
            default -> text();
        };
    }

    /** Text that is mostly not JSON: edits of a valid frame, truncations, garbage, other JSON values. */
    String garbage(String valid) {
        switch (random.nextInt(9)) {
            case 0:
                return Json.sendable(valid.substring(0, random.nextInt(Math.max(1, valid.length()))));
            case 1:
                return Json.sendable(text());
            case 2:
                return Json.write(value(3), random);
            case 3:
                return "{\"kind\":\"PING\",\"kind\":\"PING\"}";
            case 4:
                return "{".repeat(1 + random.nextInt(3000));
            case 5:
                return pick(List.of("", " ", "\n", "null", "[]", "{}", "{\"kind\":\"PING\"}x", "{'kind':'PING'}",
                        "{kind:\"PING\"}", "{\"kind\":\"PING\",}", "{\"kind\":\"PING\"/*c*/}", "{\"kind\":NaN}",
                        "{\"kind\":\"PING\",\"rid\":01}", "\ufeff{\"kind\":\"PING\"}", "{\"kind\":\"PI\\NG\"}",
                        "{\"kind\":\"\\ud800\"}", "{\"kind\":\"PING\"}{\"kind\":\"PING\"}", "[{\"kind\":\"HELLO\"}]",
                        "{\"rid\":\"x\",\"kind\":\"P\\u0049NG\"}", "{\"kind\":\"PING\",\"rid\":\"a\\u0000b\"}"));
            default:
                StringBuilder text = new StringBuilder(valid);
                int edits = 1 + random.nextInt(4);
                for (int i = 0; i < edits && text.length() > 0; i++) {
                    int at = random.nextInt(text.length());
                    switch (random.nextInt(4)) {
                        case 0 -> text.deleteCharAt(at);
                        case 1 -> text.insert(at, pick(List.of("{", "}", "[", "]", "\"", ",", ":", "\\", "0", "e",
                                "-", " ", "\u0000", "é", "😀", "null", "true")));
                        case 2 -> text.setCharAt(at, (char) (32 + random.nextInt(95)));
                        default -> text.insert(at, text.substring(at, Math.min(text.length(), at + 1 + random.nextInt(20))));
                    }
                }
                return Json.sendable(text.toString());
        }
    }

    /** Pads an object frame with an unknown field to exactly {@code bytes} bytes of UTF-8. */
    static String padTo(String frame, int bytes, String unit) {
        String open = frame.substring(0, frame.length() - 1) + ",\"pad\":\"";
        int fixed = Json.utf8Length(open) + 2;
        int unitBytes = Json.utf8Length(unit);
        StringBuilder padded = new StringBuilder(open);
        int remaining = bytes - fixed;
        while (remaining >= unitBytes) {
            padded.append(unit);
            remaining -= unitBytes;
        }
        while (remaining-- > 0) {
            padded.append('x');
        }
        return padded.append("\"}").toString();
    }
}
