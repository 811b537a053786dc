package io.multistudio.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.extensions.compression.PerMessageDeflateServerExtensionHandshaker;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionData;
import io.netty.handler.timeout.IdleStateHandler;

/** Where a batch enters a connection's pipeline: below the frame encoder, unless a handler between must see frames. */
class WebSocketWireTest {

    /** The pipeline of an open connection, as Vert.x and {@link Inbounds} leave it. */
    private static ChannelPipeline open() {
        ChannelPipeline pipeline = new EmbeddedChannel().pipeline();
        pipeline.addLast("wsdecoder", new WebSocket13FrameDecoder(false, false, 65536));
        pipeline.addLast("wsencoder", new WebSocket13FrameEncoder(false));
        pipeline.addLast("inbound", new ChannelInboundHandlerAdapter());
        pipeline.addLast("handler", new ChannelInboundHandlerAdapter());
        return pipeline;
    }

    @Test
    void aBatchEntersJustBelowTheFrameEncoder() {
        ChannelPipeline pipeline = open();

        assertThat(WebSocketWire.frameEncoder(pipeline, "handler")).isSameAs(pipeline.context("wsencoder"));
    }

    @Test
    void anOutboundHandlerAboveTheEncoderSeesEachFrame() {
        ChannelPipeline idle = open();
        idle.addBefore("handler", "idle", new IdleStateHandler(0, 0, 60));
        ChannelPipeline deflate = open();
        deflate.addBefore("handler", "deflate", new PerMessageDeflateServerExtensionHandshaker()
                .handshakeExtension(new WebSocketExtensionData("permessage-deflate", Map.of()))
                .newExtensionEncoder());

        assertThat(WebSocketWire.frameEncoder(idle, "handler")).isNull();
        assertThat(WebSocketWire.frameEncoder(deflate, "handler")).isNull();
    }

    @Test
    void handlersBelowTheEncoderDoNotMatter() {
        ChannelPipeline pipeline = open();
        pipeline.addFirst("idle", new IdleStateHandler(0, 0, 60));

        assertThat(WebSocketWire.frameEncoder(pipeline, "handler")).isSameAs(pipeline.context("wsencoder"));
    }
}
