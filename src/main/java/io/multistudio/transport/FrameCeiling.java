package io.multistudio.transport;

import jakarta.inject.Singleton;

import io.multistudio.config.MultiStudioConfig;
import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.vertx.core.http.HttpServerOptions;

/**
 * The WebSocket layer's own bounds, derived from {@code multistudio.max-message-size} so that one setting moves both:
 * a frame, or a fragmented message as it is assembled, is refused as soon as it passes the ceiling, before more of
 * it is buffered. The ceiling sits a little above the protocol's limit so that a frame just over the limit still
 * reaches {@link Admission} and gets its {@code BADR}/{@code MESSAGE_TOO_LARGE} the ordinary way; a frame over the
 * ceiling gets the same answer from {@link Admission#failed}.
 *
 * <p>Compression of frames is off: Vert.x inflates them (permessage-deflate and deflate-frame) with no bound on the
 * inflated size, so a 200 KB frame could take hundreds of MB. Per-message deflate is switched off in
 * {@code application.properties} (websockets-next owns that option); the older per-frame deflate, which Vert.x offers
 * by default, here.
 */
@Singleton
class FrameCeiling implements HttpServerOptionsCustomizer {

    /** Bytes allowed above the protocol's limit before the WebSocket layer itself refuses a frame. */
    static final int SLACK = 4096;

    private final int ceiling;

    FrameCeiling(MultiStudioConfig config) {
        this.ceiling = config.maxMessageSize() + SLACK;
    }

    @Override
    public void customizeHttpServer(HttpServerOptions options) {
        bound(options);
    }

    @Override
    public void customizeHttpsServer(HttpServerOptions options) {
        bound(options);
    }

    private void bound(HttpServerOptions options) {
        options.setMaxWebSocketFrameSize(ceiling)
                .setMaxWebSocketMessageSize(ceiling)
                .setPerFrameWebSocketCompressionSupported(false);
    }
}
