package io.multistudio.abuse;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What the oracle expects as the direct answer to one frame: either one of the listed errors, or (only when no
 * definite error applies) the success message, which {@link #onSuccess} checks and applies to the model.
 */
final class Expect {

    /** The input class the frame is counted under in the report. */
    String inputClass;
    /** Definite errors: the answer must be one of these ({@code WHY} or {@code FIELD_INVALID@field}). */
    final Set<String> errors = new LinkedHashSet<>();
    /**
     * Errors the specification leaves open (a JSON {@code null} for an optional field, {@code 5.0} as an integer,
     * "characters" counted in UTF-16 units or code points, which whitespace "trimming" removes, ...): accepted, and a
     * success is accepted too.
     */
    final Set<String> tolerated = new LinkedHashSet<>();
    /** Errors allowed only because of the server's parser limits, which the specification does not mention. */
    final Set<String> limits = new LinkedHashSet<>();
    /** The rid every answer must echo; {@code null}: the answer must have none. */
    String rid;
    /** The kind of the success answer. */
    String successKind;
    /** Checks a success answer and applies it to the model; returns a violation, or {@code null}. */
    Function<JsonNode, String> onSuccess = answer -> null;
    /** Close code the answer is followed by, {@code null} if the connection stays open. */
    Integer closeAfter;
    /** The close that follows a success, for BYE. */
    Integer closeAfterSuccess;

    Expect(String inputClass) {
        this.inputClass = inputClass;
    }

    Expect error(String why) {
        errors.add(why);
        return this;
    }

    Expect field(String field) {
        errors.add("FIELD_INVALID@" + field);
        return this;
    }

    Expect tolerate(String why) {
        tolerated.add(why);
        return this;
    }

    Expect tolerateField(String field) {
        tolerated.add("FIELD_INVALID@" + field);
        return this;
    }

    boolean successPossible() {
        return errors.isEmpty() && successKind != null;
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        if (!errors.isEmpty()) {
            text.append("one of ").append(errors);
        } else if (successKind != null) {
            text.append(successKind);
        }
        if (!tolerated.isEmpty()) {
            text.append(" (tolerated: ").append(tolerated).append(')');
        }
        if (!limits.isEmpty()) {
            text.append(" (parser limit: ").append(limits).append(')');
        }
        text.append(rid == null ? ", no rid" : ", rid " + Json.quote(rid));
        return text.toString();
    }
}
