package io.multistudio.transport;

import java.util.Arrays;

import io.netty.buffer.ByteBuf;
import io.quarkus.websockets.next.CloseReason;

/**
 * What one connection's loop takes in one turn: the texts queued by then, in order, and the close that may follow
 * them. One per event loop ({@link OutboundLoop}), reused for each connection it drains: the connection's stream
 * hands it to its writer synchronously, and it is emptied once written, so no object is made per batch.
 */
final class Batch {

    private ByteBuf[] texts = new ByteBuf[8];
    private int count;
    private long bytes;
    private CloseReason closeAfter;

    void add(ByteBuf text) {
        if (count == texts.length) {
            texts = Arrays.copyOf(texts, count * 2);
        }
        texts[count++] = text;
        bytes += text.readableBytes();
    }

    void closeAfter(CloseReason reason) {
        closeAfter = reason;
    }

    ByteBuf[] texts() {
        return texts;
    }

    int count() {
        return count;
    }

    long bytes() {
        return bytes;
    }

    /** The close that follows the texts, or {@code null}. */
    CloseReason closeAfter() {
        return closeAfter;
    }

    boolean isEmpty() {
        return count == 0 && closeAfter == null;
    }

    /** Forgets the texts, which the wire now owns. */
    void clear() {
        Arrays.fill(texts, 0, count, null);
        count = 0;
        bytes = 0;
        closeAfter = null;
    }
}
