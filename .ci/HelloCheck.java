import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Says HELLO to a running server over a real WebSocket and checks that it answers with a fresh session, as a newcomer's
 * first client would. Run as a single-file program: {@code java .ci/HelloCheck.java ws://127.0.0.1:8080/ws}.
 * Exits 0 on a HELLO answer carrying a user and a reconnect token, 1 otherwise.
 */
public class HelloCheck {

    public static void main(String[] args) throws Exception {
        CompletableFuture<String> answer = new CompletableFuture<>();
        WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create(args[0]), new WebSocket.Listener() {
                    private final StringBuilder text = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        text.append(data);
                        if (last) {
                            answer.complete(text.toString());
                        }
                        webSocket.request(1);
                        return null;
                    }

                    @Override
                    public void onError(WebSocket webSocket, Throwable error) {
                        answer.completeExceptionally(error);
                    }
                })
                .get(10, TimeUnit.SECONDS);
        socket.sendText("{\"kind\":\"HELLO\",\"rid\":\"readme\",\"name\":\"Newcomer\"}", true);
        String hello = answer.get(10, TimeUnit.SECONDS);
        System.out.println("HELLO answered: " + hello);
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(10, TimeUnit.SECONDS);
        boolean ok = hello.contains("\"kind\":\"HELLO\"") && hello.contains("\"rid\":\"readme\"")
                && hello.contains("\"name\":\"Newcomer\"") && hello.contains("\"reconnect_token\":\"");
        System.exit(ok ? 0 : 1);
    }
}
