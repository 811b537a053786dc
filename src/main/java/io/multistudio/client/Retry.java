package io.multistudio.client;

import java.time.Duration;

/**
 * A reconnect the client scheduled after losing its connection: attempt {@code attempt} (from 1, reset by each
 * established session) starts after {@code delay}; {@code closeCode} is how the connection ended (1006: without a
 * close frame, e.g. a network drop or an unreachable server).
 */
public record Retry(int attempt, Duration delay, int closeCode) {
}
