package io.multistudio.client;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Idempotency keys (PROTOCOL.md §2.7a): a random prefix per client and a counter, so that keys are unique among a
 * session's requests and two clients never share one. At most 1 + 16 + 19 characters, within the protocol's 64.
 */
final class RequestKeys {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String prefix = Long.toHexString(RANDOM.nextLong() | Long.MIN_VALUE);
    private final AtomicLong counter = new AtomicLong();

    String next() {
        return "k" + prefix + counter.incrementAndGet();
    }
}
