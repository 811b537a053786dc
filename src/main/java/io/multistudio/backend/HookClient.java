package io.multistudio.backend;

import java.time.Duration;
import java.util.Map;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

/**
 * POSTs JSON to the application's backend on Vert.x's non-blocking HTTP client: nothing waits on a thread, and every
 * call has its own deadline, so a slow or dead backend delays only the request that asked it.
 */
@Singleton
public class HookClient {

    private final HttpClient client;

    HookClient(Vertx vertx) {
        this.client = vertx.createHttpClient(new HttpClientOptions().setMaxPoolSize(16).setKeepAlive(true));
    }

    /** A backend's answer: its status and body. */
    public record Reply(int status, String body) {

        public boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    /** POSTs {@code body}; fails if no full answer came within {@code timeout} or the connection failed. */
    public Uni<Reply> post(String url, String body, Map<String, String> headers, Duration timeout) {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url)
                .setConnectTimeout(timeout.toMillis()).setIdleTimeout(timeout.toMillis())
                .putHeader("Content-Type", "application/json");
        headers.forEach(options::putHeader);
        return Uni.createFrom()
                .completionStage(() -> client.request(options)
                        .compose(request -> request.send(Buffer.buffer(body)))
                        .compose(response -> response.body()
                                .map(answer -> new Reply(response.statusCode(), answer.toString())))
                        .toCompletionStage())
                .ifNoItem().after(timeout).fail();
    }

    @PreDestroy
    void close() {
        client.close();
    }
}
