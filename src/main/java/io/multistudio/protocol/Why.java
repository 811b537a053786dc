package io.multistudio.protocol;

/**
 * Every error case of the protocol, each bound to its Four-Character Status Code. A new case gets a new constant;
 * a constant is never reused for another case.
 */
public enum Why {
    MALFORMED_JSON("BADR"),
    NOT_AN_OBJECT("BADR"),
    KIND_MISSING("BADR"),
    KIND_UNKNOWN("BADR"),
    RID_INVALID("BADR"),
    BINARY_FRAME("BADR"),
    MESSAGE_TOO_LARGE("BADR"),
    NAME_INVALID("BADR"),
    DATA_INVALID("BADR"),
    DATA_TOO_LARGE("BADR"),
    ROOM_ID_INVALID("BADR"),
    CAPACITY_INVALID("BADR"),
    FIELD_INVALID("BADR"),
    HELLO_REQUIRED("STAT"),
    HELLO_ALREADY_DONE("STAT"),
    NOT_IN_ROOM("STAT"),
    ALREADY_IN_ROOM("STAT"),
    ROOM_NOT_FOUND("NFND"),
    USER_NOT_IN_ROOM("NFND"),
    ROOM_ID_TAKEN("CONF"),
    PASSWORD_WRONG("DENY"),
    NOT_OWNER("DENY"),
    SESSION_TAKEN_OVER("DENY"),
    AUTH_REQUIRED("DENY"),
    AUTH_INVALID("DENY"),
    NOT_ALLOWED("DENY"),
    ROOM_FULL("FULL"),
    SERVER_FULL("FULL"),
    RATE_LIMITED("SLOW"),
    HELLO_TIMEOUT("TIME"),
    STORE_UNAVAILABLE("UNAV"),
    SHUTTING_DOWN("UNAV"),
    HOOK_UNAVAILABLE("UNAV"),
    INTERNAL("FAIL");

    private final String code;

    Why(String code) {
        this.code = code;
    }

    /** The Four-Character Status Code sent as the error's {@code kind}. */
    public String code() {
        return code;
    }
}
