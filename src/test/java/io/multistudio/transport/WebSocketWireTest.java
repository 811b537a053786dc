package io.multistudio.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
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

    private static ChannelHandlerContext entry(ChannelPipeline pipeline) {
        return WebSocketWire.batchEntry(pipeline.context("handler"));
    }

    @Test
    void aBatchEntersJustBelowTheFrameEncoder() {
        ChannelPipeline pipeline = open();

        assertThat(entry(pipeline)).isSameAs(pipeline.context("wsencoder"));
    }

    @Test
    void aWebSocketExtensionAboveTheEncoderSeesEachFrame() {
        ChannelPipeline deflate = open();
        deflate.addBefore("handler", "deflate", new PerMessageDeflateServerExtensionHandshaker()
                .handshakeExtension(new WebSocketExtensionData("permessage-deflate", Map.of()))
                .newExtensionEncoder());
        ChannelPipeline idleAndDeflate = open();
        idleAndDeflate.addBefore("inbound", "idle", new IdleStateHandler(0, 0, 60));
        idleAndDeflate.addAfter("wsencoder", "deflate", new PerMessageDeflateServerExtensionHandshaker()
                .handshakeExtension(new WebSocketExtensionData("permessage-deflate", Map.of()))
                .newExtensionEncoder());

        assertThat(entry(deflate)).isNull();
        assertThat(entry(idleAndDeflate)).isNull();
    }

    /** The heartbeat off keeps the HTTP idle handler between the encoder and Vert.x: it must see the writes. */
    @Test
    void withTheIdleHandlerAboveTheEncoderABatchEntersAboveItAsOneWrite() {
        ChannelPipeline pipeline = open();
        CountingIdle idle = new CountingIdle();
        pipeline.addBefore("inbound", "idle", idle);
        List<Object> written = new ArrayList<>();
        pipeline.addFirst("socket", new ChannelOutboundHandlerAdapter() {
            @Override
            public void write(ChannelHandlerContext context, Object message, ChannelPromise promise) {
                written.add(message);
                promise.setSuccess();
            }
        });
        String[] texts = { "{\"kind\":\"PONG\"}", "{\"kind\":\"MESSAGE\",\"seq\":1}" };
        ByteBuf expected = TextFrames.batch(UnpooledByteBufAllocator.DEFAULT, texts(texts), texts.length);

        ChannelHandlerContext entry = entry(pipeline);
        ChannelPromise promise = entry.newPromise();
        entry.write(TextFrames.batch(entry.alloc(), texts(texts), texts.length), promise);
        entry.flush();

        assertThat(entry).isSameAs(pipeline.context("handler"));
        assertThat(idle.writes).isEqualTo(1);
        assertThat(written).singleElement().isInstanceOf(ByteBuf.class);
        assertThat(ByteBufUtil.getBytes((ByteBuf) written.get(0))).isEqualTo(ByteBufUtil.getBytes(expected));
        assertThat(promise.isSuccess()).isTrue();
        expected.release();
        ((ByteBuf) written.get(0)).release();
    }

    @Test
    void handlersBelowTheEncoderDoNotMatter() {
        ChannelPipeline pipeline = open();
        pipeline.addFirst("idle", new IdleStateHandler(0, 0, 60));

        assertThat(entry(pipeline)).isSameAs(pipeline.context("wsencoder"));
    }

    private static ByteBuf[] texts(String... texts) {
        ByteBuf[] buffers = new ByteBuf[texts.length];
        for (int i = 0; i < texts.length; i++) {
            buffers[i] = TextFrames.frame(UnpooledByteBufAllocator.DEFAULT, texts[i]);
        }
        return buffers;
    }

    /** The HTTP idle handler, counting the writes it sees. */
    private static final class CountingIdle extends IdleStateHandler {

        int writes;

        CountingIdle() {
            super(0, 0, 60);
        }

        @Override
        public void write(ChannelHandlerContext context, Object message, ChannelPromise promise) throws Exception {
            writes++;
            super.write(context, message, promise);
        }
    }
}
