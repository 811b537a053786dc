package io.multistudio.client;

/**
 * The server's error answer to a request: {@code kind} is the Four-Character Status Code (e.g. {@code NFND}; treat
 * an unknown one as a generic error), {@code why} the exact case (e.g. {@code ROOM_NOT_FOUND}).
 */
public final class MultiStudioException extends RuntimeException {

    private final String kind;
    private final String why;
    private final String detail;
    private final String field;

    public MultiStudioException(String kind, String why, String detail, String field) {
        super(kind + "/" + why + (detail == null ? "" : ": " + detail) + (field == null ? "" : " (" + field + ")"),
                null, false, false);
        this.kind = kind;
        this.why = why;
        this.detail = detail;
        this.field = field;
    }

    public String kind() {
        return kind;
    }

    public String why() {
        return why;
    }

    /** Human-readable text, or null. */
    public String detail() {
        return detail;
    }

    /** The offending field, or null. */
    public String field() {
        return field;
    }
}
