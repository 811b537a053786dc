package io.multistudio.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.OpenConnections;

/**
 * Two people in two real browsers use the playground: they meet in a room and chat; one loses its connection on the
 * server's side while the other keeps talking and editing the studio; the first resumes by itself and ends up with
 * every message exactly once, in order, and the same studio as the other.
 */
@QuarkusTest
class PlaygroundBrowserTest {

    /** Build artifact: what the playground looks like after the scenario. */
    static final Path SCREENSHOT = Path.of("target", "playground.png");

    @TestHTTPResource("/")
    URL page;

    @Inject
    OpenConnections connections;

    @Test
    void twoBrowsersChatResumeAfterACutAndShareTheStudio() throws Exception {
        try (Chrome adaBrowser = Chrome.start("ada"); Chrome bobBrowser = Chrome.start("bob")) {
            PlaygroundPage ada = new PlaygroundPage(adaBrowser, page);
            PlaygroundPage bob = new PlaygroundPage(bobBrowser, page);
            ada.connect("Ada");
            bob.connect("Bob");
            String room = ada.createRoom("Design review");
            bob.join(room);

            List<String> chat = new ArrayList<>(List.of("Hello Bob", "Hi Ada"));
            ada.say(chat.get(0));
            bob.awaitMessages(chat.subList(0, 1));
            bob.say(chat.get(1));
            ada.awaitMessages(chat);
            bob.awaitMessages(chat);

            // Offline, Ada's browser cannot come back before Bob has said everything she must catch up on.
            adaBrowser.offline(true);
            adaBrowser.connection(connections).closeAndAwait(new CloseReason(1011, "test cut"));
            ada.awaitState("resuming");
            bob.awaitMemberConnected(ada.userId(), false);
            List<String> missed = List.of("Ada dropped", "Still there?", "Pinning the agenda", "Last one before you're back");
            for (String text : missed) {
                bob.say(text);
            }
            chat.addAll(missed);
            bob.awaitMessages(chat);
            bob.pinNote("Agenda: colours");
            bob.paint("1,1");
            assertThat(ada.state()).isEqualTo("resuming");
            assertThat(ada.messages()).containsExactly("Hello Bob", "Hi Ada");

            adaBrowser.offline(false);
            ada.awaitState("connected");
            ada.awaitMessages(chat);
            bob.awaitMemberConnected(ada.userId(), true);

            ada.say("Back, and I saw all of it");
            chat.add("Back, and I saw all of it");
            ada.awaitMessages(chat);
            bob.awaitMessages(chat);

            ada.pinNote("Ship on Friday");
            bob.pinNote("Bring snacks");
            ada.paint("2,3");
            bob.paint("4,5");
            List<String> notes = List.of("Agenda: colours", "Ship on Friday", "Bring snacks");
            ada.chrome().waiting().until(driver -> ada.notes().size() == notes.size() && ada.canvas().size() == 3);
            bob.chrome().waiting().until(driver -> bob.notes().equals(ada.notes()) && bob.canvas().equals(ada.canvas()));
            assertThat(ada.notes()).containsExactlyInAnyOrderElementsOf(notes);
            assertThat(ada.canvas()).containsOnlyKeys("1,1", "2,3", "4,5");
            assertThat(ada.text("stat-connections")).matches("\\d+");

            ada.chrome().screenshot(SCREENSHOT);
        }
    }
}
