package io.multistudio.protocol;

/**
 * A request that the protocol answers with an error. Thrown anywhere in a request's chain and turned into the error
 * message in one place, the dispatcher.
 */
public final class ProtocolException extends RuntimeException {

    private final Why why;
    private final String field;

    public ProtocolException(Why why) {
        this(why, null, null);
    }

    public ProtocolException(Why why, String field, String detail) {
        super(detail == null ? why.name() : detail, null, false, false);
        this.why = why;
        this.field = field;
    }

    /** A field of the wrong type or out of its range, named in the error. */
    public static ProtocolException invalidField(String field, String detail) {
        return new ProtocolException(Why.FIELD_INVALID, field, detail);
    }

    public Why why() {
        return why;
    }

    public String field() {
        return field;
    }

    /** The human-readable detail, when the case carries one beyond its {@code why}. */
    public String detail() {
        return getMessage().equals(why.name()) ? null : getMessage();
    }
}
