package io.multistudio.protocol;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Messages the server sends. Each carries its {@code kind} first, so a copy for the requester can get its {@code rid}
 * spliced in right after it without serializing the message again (see {@link Codec#withRid}).
 */
public sealed interface ServerMessage {

    /** The user as every client sees it. */
    record User(String id, String name, ObjectNode data) {
    }

    record Hello(String kind, String rid, User user, boolean reconnected, String reconnectToken)
            implements ServerMessage {
        public Hello(String rid, User user, boolean reconnected, String reconnectToken) {
            this("HELLO", rid, user, reconnected, reconnectToken);
        }
    }

    record Pong(String kind, String rid, long ts) implements ServerMessage {
        public Pong(String rid, long ts) {
            this("PONG", rid, ts);
        }
    }

    record Bye(String kind, String rid) implements ServerMessage {
        public Bye(String rid) {
            this("BYE", rid);
        }
    }

    /** An error: its {@code kind} is the 4CC and {@code why} the case. */
    record Error(String kind, String rid, String why, String field, String detail) implements ServerMessage {
        public static Error of(Why why, String rid) {
            return new Error(why.code(), rid, why.name(), null, null);
        }

        public static Error of(ProtocolException failure, String rid) {
            return new Error(failure.why().code(), rid, failure.why().name(), failure.field(), failure.detail());
        }
    }
}
