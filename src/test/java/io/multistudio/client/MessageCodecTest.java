package io.multistudio.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.JsonProcessingException;

/** Decoding the server's messages as PROTOCOL.md writes them. */
class MessageCodecTest {

    private final MessageCodec codec = new MessageCodec();

    private ServerMessage decode(String text) throws JsonProcessingException {
        return codec.decode(text).message();
    }

    @Test
    void hello() throws JsonProcessingException {
        MessageCodec.Decoded decoded = codec.decode("{\"kind\":\"HELLO\",\"rid\":\"1\",\"user\":{\"id\":\"u_1\",\"name\":\"Ada\","
                + "\"data\":{\"color\":\"#0af\"}},\"reconnected\":false,\"reconnect_token\":\"t\"}");
        assertThat(decoded.rid()).isEqualTo("1");
        ServerMessage.Hello hello = (ServerMessage.Hello) decoded.message();
        assertThat(hello.user().name()).isEqualTo("Ada");
        assertThat(hello.user().data().path("color").asText()).isEqualTo("#0af");
        assertThat(hello.reconnectToken()).isEqualTo("t");
        assertThat(hello.reconnected()).isFalse();
    }

    @Test
    void joinedRoomWithRoomAndMembers() throws JsonProcessingException {
        ServerMessage.JoinedRoom joined = (ServerMessage.JoinedRoom) decode("{\"kind\":\"JOINED_ROOM\",\"room\":{\"id\":\"r\","
                + "\"name\":\"R\",\"owner\":\"u_1\",\"capacity\":8,\"listed\":true,\"has_password\":true,\"data\":{},"
                + "\"member_count\":1,\"created_at\":123},\"members\":[{\"id\":\"u_1\",\"name\":\"Ada\",\"data\":{},"
                + "\"connected\":true}],\"seq\":7,\"resumed\":true,\"recovered\":true}");
        assertThat(joined.room().hasPassword()).isTrue();
        assertThat(joined.room().memberCount()).isEqualTo(1);
        assertThat(joined.room().createdAt()).isEqualTo(123);
        assertThat(joined.members()).extracting(ServerMessage.Member::connected).containsExactly(true);
        assertThat(joined.seq()).isEqualTo(7);
        assertThat(joined.resumed()).isTrue();
    }

    @Test
    void roomEvents() throws JsonProcessingException {
        assertThat(decode("{\"kind\":\"USER_LEFT\",\"room\":\"r\",\"seq\":3,\"user_id\":\"u_2\",\"reason\":\"kicked\"}"))
                .isEqualTo(new RoomEvent.UserLeft("r", 3, "u_2", "kicked"));
        assertThat(decode("{\"kind\":\"USER_AWAY\",\"room\":\"r\",\"seq\":4,\"user_id\":\"u_2\"}"))
                .isEqualTo(new RoomEvent.UserAway("r", 4, "u_2"));
        assertThat(decode("{\"kind\":\"USER_BACK\",\"room\":\"r\",\"seq\":5,\"user_id\":\"u_2\"}"))
                .isEqualTo(new RoomEvent.UserBack("r", 5, "u_2"));
        RoomEvent.Message direct = (RoomEvent.Message) decode(
                "{\"kind\":\"MESSAGE\",\"room\":\"r\",\"seq\":6,\"from\":\"u_1\",\"to\":\"u_2\",\"data\":[1,\"x\"]}");
        assertThat(direct.to()).isEqualTo("u_2");
        assertThat(direct.data().get(1).asText()).isEqualTo("x");
        RoomEvent.Message fromServer = (RoomEvent.Message) decode(
                "{\"kind\":\"MESSAGE\",\"room\":\"r\",\"seq\":7,\"server\":true,\"data\":null}");
        assertThat(fromServer.server()).isTrue();
        assertThat(fromServer.from()).isNull();
        assertThat(fromServer.data().isNull()).isTrue();
        RoomEvent.RoomUpdated updated = (RoomEvent.RoomUpdated) decode(
                "{\"kind\":\"ROOM_UPDATED\",\"room\":{\"id\":\"r\",\"owner\":\"u_2\"},\"seq\":8}");
        assertThat(updated.roomId()).isEqualTo("r");
        assertThat(updated.room().owner()).isEqualTo("u_2");
    }

    @Test
    void userUpdatedOutsideARoomHasNoRoomNorSeq() throws JsonProcessingException {
        RoomEvent.UserUpdated updated = (RoomEvent.UserUpdated) decode(
                "{\"kind\":\"USER_UPDATED\",\"rid\":\"2\",\"user\":{\"id\":\"u_1\",\"name\":\"Ada\",\"data\":{\"a\":1}}}");
        assertThat(updated.roomId()).isNull();
        assertThat(updated.seq()).isZero();
        assertThat(updated.user().data().path("a").asInt()).isEqualTo(1);
    }

    @Test
    void historyHoldsTypedEvents() throws JsonProcessingException {
        ServerMessage.History history = (ServerMessage.History) decode("{\"kind\":\"HISTORY\",\"room\":\"r\",\"events\":["
                + "{\"kind\":\"USER_JOINED\",\"room\":\"r\",\"seq\":2,\"user\":{\"id\":\"u_2\",\"name\":\"Bob\",\"data\":{},"
                + "\"connected\":true}},{\"kind\":\"MESSAGE\",\"room\":\"r\",\"seq\":3,\"from\":\"u_2\",\"data\":\"hi\"}],"
                + "\"more\":true}");
        assertThat(history.more()).isTrue();
        assertThat(history.events()).extracting(RoomEvent::seq).containsExactly(2L, 3L);
        assertThat(history.events().get(0)).isInstanceOf(RoomEvent.UserJoined.class);
        assertThat(history.events().get(1)).isInstanceOf(RoomEvent.Message.class);
    }

    @Test
    void anErrorIsAnyMessageWithAWhy() throws JsonProcessingException {
        MessageCodec.Decoded decoded = codec.decode("{\"kind\":\"NFND\",\"rid\":\"9\",\"why\":\"ROOM_NOT_FOUND\","
                + "\"detail\":\"no such room\",\"field\":\"room\"}");
        assertThat(decoded.rid()).isEqualTo("9");
        MultiStudioException error = ((ServerMessage.Error) decoded.message()).toException();
        assertThat(error.kind()).isEqualTo("NFND");
        assertThat(error.why()).isEqualTo("ROOM_NOT_FOUND");
        assertThat(error.detail()).isEqualTo("no such room");
        assertThat(error.field()).isEqualTo("room");
        assertThat(((ServerMessage.Error) decode("{\"kind\":\"HELLO\",\"why\":\"X\"}")).kind()).isEqualTo("HELLO");
    }

    @Test
    void otherMessagesAndUnknownKinds() throws JsonProcessingException {
        assertThat(decode("{\"kind\":\"PONG\",\"ts\":42}")).isEqualTo(new ServerMessage.Pong(42));
        assertThat(decode("{\"kind\":\"BYE\"}")).isEqualTo(new ServerMessage.Bye());
        assertThat(decode("{\"kind\":\"LEFT_ROOM\",\"room\":\"r\",\"reason\":\"closed\"}"))
                .isEqualTo(new ServerMessage.LeftRoom("r", "closed"));
        assertThat(((ServerMessage.RoomList) decode("{\"kind\":\"ROOM_LIST\",\"rooms\":[{\"id\":\"a\"},{\"id\":\"b\"}]}"))
                .rooms()).extracting(ServerMessage.Room::id).containsExactly("a", "b");
        assertThat(decode("{\"kind\":\"FROM_THE_FUTURE\",\"x\":1}")).isEqualTo(new ServerMessage.Unknown("FROM_THE_FUTURE"));
    }

    @Test
    void textThatIsNotAMessageIsRefused() {
        assertThatThrownBy(() -> codec.decode("[1]")).isInstanceOf(JsonProcessingException.class);
        assertThatThrownBy(() -> codec.decode("{\"kind\":1}")).isInstanceOf(JsonProcessingException.class);
        assertThatThrownBy(() -> codec.decode("{")).isInstanceOf(JsonProcessingException.class);
    }

    @Test
    void helloCarriesWhatIsSetAndTheResumePoint() {
        ClientOptions options = ClientOptions.of(java.net.URI.create("ws://127.0.0.1/ws")).withName("Ada");
        assertThat(codec.hello(options, null, null)).hasToString("{\"kind\":\"HELLO\",\"name\":\"Ada\"}");
        assertThat(codec.hello(options.withAuth("jwt"), "t", 41L)).hasToString(
                "{\"kind\":\"HELLO\",\"name\":\"Ada\",\"auth\":\"jwt\",\"reconnect_token\":\"t\",\"last_seq\":41}");
        assertThat(codec.hello(options, "t", null).has("last_seq")).isFalse();
    }
}
