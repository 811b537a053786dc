package io.multistudio.engine;

/**
 * The engine's store did not answer in time or could not be reached. Requests that need it are answered with
 * {@code UNAV}/{@code STORE_UNAVAILABLE} instead of waiting.
 */
public final class StoreUnavailableException extends RuntimeException {

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
