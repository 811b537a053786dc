package io.multistudio.protocol;

/**
 * An envelope error found after the {@code rid} was read, so that the error can still echo it.
 */
public final class RequestException extends RuntimeException {

    private final transient ProtocolException failure;
    private final String rid;

    RequestException(Why why, String rid) {
        super(why.name(), null, false, false);
        this.failure = new ProtocolException(why);
        this.rid = rid;
    }

    public ProtocolException failure() {
        return failure;
    }

    public String rid() {
        return rid;
    }
}
