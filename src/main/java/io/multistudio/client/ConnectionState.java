package io.multistudio.client;

/** Where the client's connection stands; {@link MultiStudioClient#states()} reports each change. */
public enum ConnectionState {
    /** Opening a connection for a fresh session (the first one, or after the session was lost). */
    CONNECTING,
    /** A session is established: requests go out at once. */
    OPEN,
    /** The connection was lost abnormally; reconnecting with backoff to resume the session. */
    RESUMING,
    /** Not connected and not trying to: never connected, BYE, close 1000, taken over, or HELLO refused. */
    CLOSED
}
