package io.multistudio.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

import org.openqa.selenium.OutputType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.chromium.ChromiumNetworkConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import io.quarkus.websockets.next.OpenConnections;
import io.quarkus.websockets.next.WebSocketConnection;

/**
 * One headless Chromium driven through Debian's chromedriver, with a profile of its own. Its user agent names it, so
 * that a test can find its WebSocket among the server's open connections.
 */
final class Chrome implements AutoCloseable {

    static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path BINARY = Path.of("/usr/bin/chromium");

    private final ChromeDriver driver;
    private final Path profile;
    private final String userAgent;

    private Chrome(ChromeDriver driver, Path profile, String userAgent) {
        this.driver = driver;
        this.profile = profile;
        this.userAgent = userAgent;
    }

    static Chrome start(String label) {
        if (!Files.isExecutable(DRIVER) || !Files.isExecutable(BINARY)) {
            fail("The browser tests need " + BINARY + " and " + DRIVER
                    + ": install them with `apt-get install chromium chromium-driver` (.ci/run does so)");
        }
        Path profile;
        try {
            profile = Files.createTempDirectory("multistudio-chrome-");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        String userAgent = "MultiStudioBrowserTest/" + label;
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BINARY.toFile());
        // Quiet, isolated and reproducible: no GPU, no background traffic, no sandbox (CI runs as root).
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic",
                "--disable-dev-shm-usage", "--window-size=1400,900", "--user-data-dir=" + profile,
                "--user-agent=" + userAgent);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort()
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(TIMEOUT);
        return new Chrome(driver, profile, userAgent);
    }

    ChromeDriver driver() {
        return driver;
    }

    void open(URL url) {
        driver.get(url.toString());
    }

    WebDriverWait waiting() {
        return new WebDriverWait(driver, TIMEOUT);
    }

    /** Emulated offline: the page's connection attempts fail until it is back online. */
    void offline(boolean offline) {
        ChromiumNetworkConditions conditions = new ChromiumNetworkConditions();
        conditions.setOffline(offline);
        driver.setNetworkConditions(conditions);
    }

    /**
     * This browser's WebSocket connection to the server, once it has exactly one open: a connection the page just
     * closed may take a moment to leave the server's list.
     */
    WebSocketConnection connection(OpenConnections connections) {
        return await().atMost(TIMEOUT)
                .until(() -> connections.stream()
                        .filter(connection -> connection.isOpen()
                                && userAgent.equals(connection.handshakeRequest().header("User-Agent")))
                        .toList(), open -> open.size() == 1)
                .get(0);
    }

    /**
     * Runs {@code body} as an async function in the page, with {@code /client/multistudio.js} imported as {@code ms},
     * and returns what it returns, as JSON.
     */
    JsonNode module(String body) {
        String script = """
                const done = arguments[arguments.length - 1];
                import('/client/multistudio.js')
                  .then(async (ms) => { BODY })
                  .then((result) => done(JSON.stringify({ result: result ?? null })),
                        (error) => done(JSON.stringify({ error: String(error?.stack ?? error) })));
                """.replace("BODY", body);
        try {
            JsonNode outcome = JSON.readTree((String) driver.executeAsyncScript(script));
            assertThat(outcome.has("error")).as("%s", outcome.path("error").asText()).isFalse();
            return outcome.path("result");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    void screenshot(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
    }

    @Override
    public void close() throws IOException {
        try {
            driver.quit();
        } finally {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }
}
