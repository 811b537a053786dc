package io.multistudio.room;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** RFC 7396 JSON Merge Patch, as {@code SET_USER_DATA} and {@code SET_ROOM_DATA} apply it. */
class MergePatchTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final MergePatch mergePatch = new MergePatch();

    @Test
    void nullRemovesObjectsMergeAndAnythingElseReplaces() {
        ObjectNode target = json("{\"a\":1,\"b\":{\"c\":2,\"d\":3},\"e\":[1,2],\"f\":\"keep\"}");
        ObjectNode patched = mergePatch.apply(target, json("{\"a\":null,\"b\":{\"c\":null,\"x\":4},\"e\":[3],\"g\":{\"h\":5}}"));
        assertThat(patched).isEqualTo(json("{\"b\":{\"d\":3,\"x\":4},\"e\":[3],\"f\":\"keep\",\"g\":{\"h\":5}}"));
    }

    @Test
    void anObjectReplacesAScalarAndNeitherInputChanges() {
        ObjectNode target = json("{\"a\":1}");
        ObjectNode patch = json("{\"a\":{\"b\":null,\"c\":1}}");
        assertThat(mergePatch.apply(target, patch)).isEqualTo(json("{\"a\":{\"c\":1}}"));
        assertThat(target).isEqualTo(json("{\"a\":1}"));
        assertThat(patch).isEqualTo(json("{\"a\":{\"b\":null,\"c\":1}}"));
    }

    @Test
    void integersBeyond64BitsSurvive() {
        ObjectNode patched = mergePatch.apply(json("{}"), json("{\"n\":123456789012345678901234567890}"));
        assertThat(patched.get("n").bigIntegerValue().toString()).isEqualTo("123456789012345678901234567890");
    }

    private static ObjectNode json(String text) {
        try {
            return (ObjectNode) JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(text, e);
        }
    }
}
