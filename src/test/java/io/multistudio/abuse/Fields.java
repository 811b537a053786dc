package io.multistudio.abuse;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Reads one request's fields the way the specification describes them, noting each violation. */
final class Fields {
    private final ObjectNode body;

    Fields(ObjectNode body) {
        this.body = body;
    }

    JsonNode raw(String name) {
        return body.get(name);
    }

    /** An optional string of at most {@code max} characters (code points or UTF-16 units: not specified). */
    String text(String name, int max, Expect expect, boolean codePoints) {
        JsonNode value = given(name, JsonNode::isTextual, expect);
        if (value == null) {
            return null;
        }
        String text = value.textValue();
        int units = text.length();
        int points = text.codePointCount(0, units);
        if (points > max) {
            expect.field(name);
        } else if (units > max) {
            expect.tolerateField(name);
        }
        return text;
    }

    Boolean bool(String name, Expect expect) {
        JsonNode value = given(name, JsonNode::isBoolean, expect);
        return value == null ? null : value.booleanValue();
    }

    /**
     * An optional field of the type {@code typed} accepts, or {@code null}: absent, null (which the specification
     * leaves open), or of another type (a violation).
     */
    private JsonNode given(String name, Predicate<JsonNode> typed, Expect expect) {
        JsonNode value = body.get(name);
        if (value == null) {
            return null;
        }
        if (value.isNull()) {
            expect.tolerateField(name);
            return null;
        }
        if (!typed.test(value)) {
            expect.field(name);
            return null;
        }
        return value;
    }

    /** An object field; {@code required} ones must be there. Absent or null: what the spec leaves open. */
    JsonNode object(String name, String invalid, Expect expect, boolean required) {
        JsonNode value = body.get(name);
        if (value == null || value.isNull()) {
            if (required) {
                // "A required field that is missing" is FIELD_INVALID, "a data that must be an object" DATA_INVALID.
                expect.errors.add(invalid);
                expect.errors.add("FIELD_INVALID@" + name);
            } else if (value != null) {
                expect.tolerate(invalid);
            }
            return null;
        }
        if (!value.isObject()) {
            expect.error(invalid);
            return null;
        }
        return value;
    }

    /** An optional integer in [min, max] ({@code null}: unbounded); an integral float like 5.0 is tolerated. */
    BigInteger integer(String name, BigInteger min, BigInteger max, String why, Expect expect, boolean hugeTolerated) {
        JsonNode value = body.get(name);
        String error = "FIELD_INVALID".equals(why) ? "FIELD_INVALID@" + name : why;
        if (value == null) {
            return null;
        }
        if (value.isNull()) {
            expect.tolerate(error);
            return null;
        }
        if (!value.isNumber()) {
            expect.errors.add(error);
            return null;
        }
        BigInteger integer;
        boolean integralFloat = false;
        if (value.isIntegralNumber()) {
            integer = value.bigIntegerValue();
        } else {
            BigDecimal decimal = value.decimalValue();
            try {
                integer = decimal.toBigIntegerExact();
                integralFloat = true;
            } catch (ArithmeticException notIntegral) {
                expect.errors.add(error);
                return null;
            }
        }
        if (min != null && integer.compareTo(min) < 0 || max != null && integer.compareTo(max) > 0) {
            expect.errors.add(error);
            return null;
        }
        if (integralFloat) {
            expect.tolerate(error);
        }
        if (hugeTolerated && integer.bitLength() > 63) {
            expect.tolerate(error);
        }
        return integer;
    }

    Integer intRange(String name, int min, int max, String why, Expect expect) {
        BigInteger value = integer(name, BigInteger.valueOf(min), BigInteger.valueOf(max), why, expect, false);
        return value == null ? null : value.intValue();
    }

    Integer capacity(Expect expect, int min) {
        JsonNode value = body.get("capacity");
        if (value != null && value.isIntegralNumber() && value.bigIntegerValue().compareTo(BigInteger.ONE) >= 0
                && value.bigIntegerValue().compareTo(BigInteger.valueOf(min)) < 0) {
            expect.error("CAPACITY_INVALID");
            return null;
        }
        // Out of range or not an integer: FIELD_INVALID ("no more specific why is listed"); CAPACITY_INVALID is
        // for an UPDATE_ROOM below the member count (PROTOCOL.md §2.4).
        return intRange("capacity", 1, World.MAX_ROOM_CAPACITY, "FIELD_INVALID", expect);
    }

    /** {@code room}: a string matching the id pattern; required for JOIN_ROOM. */
    String roomId(Expect expect, boolean required) {
        JsonNode value = body.get("room");
        if (value == null) {
            if (required) {
                expect.field("room");
            }
            return null;
        }
        if (value.isNull()) {
            if (required) {
                expect.errors.add("FIELD_INVALID@room");
                expect.errors.add("ROOM_ID_INVALID");
            } else {
                expect.tolerate("ROOM_ID_INVALID");
            }
            return null;
        }
        if (!value.isTextual() || !World.ROOM_ID.matcher(value.textValue()).matches()) {
            expect.error("ROOM_ID_INVALID");
            return null;
        }
        return value.textValue();
    }

    /**
     * HELLO {@code name}: 1–64 code points after trimming, no control characters. Which whitespace "trimming"
     * removes, and whether control characters in the trimmed-off part count, is not specified: every reading is
     * tried, and the answer may follow any of them.
     *
     * @return the acceptable stored names, {@code null} for a guest name
     */
    Set<String> name(Expect expect) {
        JsonNode value = body.get("name");
        if (value == null) {
            return null;
        }
        if (value.isNull()) {
            expect.tolerate("NAME_INVALID");
            return null;
        }
        if (!value.isTextual()) {
            expect.error("NAME_INVALID");
            return Set.of();
        }
        String raw = value.textValue();
        Set<String> valid = new LinkedHashSet<>();
        int invalid = 0;
        for (String trimmed : List.of(raw.strip(), raw.trim(), unicodeTrim(raw))) {
            for (boolean checkRaw : new boolean[] { false, true }) {
                String checked = checkRaw ? raw : trimmed;
                int points = trimmed.codePointCount(0, trimmed.length());
                if (points >= 1 && points <= 64 && checked.codePoints().noneMatch(Character::isISOControl)) {
                    valid.add(trimmed);
                } else {
                    invalid++;
                }
            }
        }
        if (valid.isEmpty()) {
            expect.error("NAME_INVALID");
        } else if (invalid > 0) {
            expect.tolerate("NAME_INVALID");
        }
        return valid;
    }

    private static String unicodeTrim(String text) {
        int start = 0;
        int end = text.length();
        while (start < end && isUnicodeSpace(text.charAt(start))) {
            start++;
        }
        while (end > start && isUnicodeSpace(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(start, end);
    }

    private static boolean isUnicodeSpace(char c) {
        return c >= 0x09 && c <= 0x0D || c == ' ' || c == 0x85 || c == 0xA0 || c == 0x1680
                || c >= 0x2000 && c <= 0x200A || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F
                || c == 0x3000;
    }
}
