package io.multistudio.ops;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.multistudio.testsupport.InfinispanProfile;
import io.multistudio.testsupport.InfinispanServer;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * The caches kubernetes/base/caches.yaml declares before the first server starts are the ones a server on a fresh
 * store makes for itself: Infinispan hands an existing cache back as it is, so a template there that differs from the
 * server's would win silently (a session that leaves a minute late, say). Checked against the caches of this server,
 * started on the Infinispan engine, as the store reports their configuration.
 */
@QuarkusTest
@TestProfile(InfinispanProfile.class)
class CacheManifestTest {

    private static final Path MANIFEST = Path.of("kubernetes", "base", "caches.yaml");
    private static final Pattern NAME = Pattern.compile("(?m)^  name: (multistudio-[a-z-]+)$");
    private static final Pattern INTERVAL = Pattern.compile("<expiration interval=\"(\\d+)\"/>");

    @Test
    void everyDeclaredCacheHasTheReaperIntervalTheServerGivesIt() throws IOException {
        Map<String, String> declared = declaredIntervals();
        assertThat(declared).containsKeys("multistudio-sessions", "multistudio-history", "multistudio-webhooks");

        declared.forEach((cache, interval) -> assertThat(storedInterval(cache)).as(cache).isEqualTo(interval));
    }

    private static Map<String, String> declaredIntervals() throws IOException {
        Map<String, String> intervals = new LinkedHashMap<>();
        for (String document : Files.readString(MANIFEST).split("\n---\n")) {
            Matcher name = NAME.matcher(document);
            Matcher interval = INTERVAL.matcher(document);
            if (name.find() && interval.find()) {
                intervals.put(name.group(1), interval.group(1));
            }
        }
        return intervals;
    }

    /** The cache's reaper interval as the store's REST API reports its configuration. */
    private static String storedInterval(String cache) {
        return given().baseUri("http://" + InfinispanServer.shared().hotRodAddress())
                .queryParam("action", "config")
                .when().get("/rest/v2/caches/" + cache)
                .then().statusCode(200)
                .extract().jsonPath().getString("'" + cache + "'.'distributed-cache'.expiration.interval");
    }
}
