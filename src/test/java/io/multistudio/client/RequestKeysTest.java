package io.multistudio.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class RequestKeysTest {

    @Test
    void keysAreUniqueWithinAndAcrossClientsAndFitTheProtocol() {
        Set<String> seen = new HashSet<>();
        for (int client = 0; client < 50; client++) {
            RequestKeys keys = new RequestKeys();
            for (int i = 0; i < 200; i++) {
                String key = keys.next();
                assertThat(key).hasSizeBetween(1, 64);
                assertThat(seen.add(key)).as("duplicate key %s", key).isTrue();
            }
        }
    }
}
