package io.multistudio.browser;

import java.net.URL;
import java.util.List;
import java.util.Map;

import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The playground page at {@code /} in one browser, driven like a person would. Lists are read in one script call,
 * because the studio re-renders on every change and elements found one by one could go stale in between.
 */
final class PlaygroundPage {

    private final Chrome chrome;

    PlaygroundPage(Chrome chrome, URL url) {
        this.chrome = chrome;
        chrome.open(url);
    }

    Chrome chrome() {
        return chrome;
    }

    void connect(String name) {
        type("name", name);
        chrome.driver().findElement(By.id("connect-btn")).click();
        awaitState("connected");
    }

    /** The user id of this page's session, as shown in the top bar. */
    String userId() {
        return chrome.driver().findElement(By.id("me")).getDomAttribute("data-user-id");
    }

    String state() {
        return chrome.driver().findElement(By.id("status")).getDomAttribute("data-state");
    }

    void awaitState(String state) {
        chrome.waiting().withMessage(() -> "state " + state + ", is " + state())
                .until(driver -> state.equals(state()));
    }

    /** Creates a room with {@code name} and returns its id once this page is in it. */
    String createRoom(String name) {
        type("room-name", name);
        chrome.driver().findElement(By.id("create-btn")).click();
        return chrome.waiting().until(driver -> {
            String room = driver.findElement(By.id("room-title")).getDomAttribute("data-room-id");
            return room == null || room.isEmpty() ? null : room;
        });
    }

    void join(String roomId) {
        By join = By.cssSelector("#rooms li[data-room-id='" + roomId + "'] button.join");
        chrome.waiting().until(driver -> {
            driver.findElement(By.id("refresh-rooms")).click();
            return !driver.findElements(join).isEmpty();
        });
        chrome.waiting().until(ExpectedConditions.elementToBeClickable(join)).click();
        chrome.waiting().until(driver -> roomId.equals(
                driver.findElement(By.id("room-title")).getDomAttribute("data-room-id")));
    }

    void say(String text) {
        type("chat-input", text);
        chrome.driver().findElement(By.id("chat-input")).sendKeys(Keys.ENTER);
    }

    /** The texts of the chat messages shown, in order. */
    List<String> messages() {
        return texts("#messages li.msg .text");
    }

    void awaitMessages(List<String> expected) {
        chrome.waiting().withMessage(() -> "chat " + expected + ", shows " + messages())
                .until(driver -> messages().equals(expected));
    }

    /** Whether the member list shows {@code userId} as connected. */
    boolean memberConnected(String userId) {
        return "true".equals(chrome.driver()
                .findElement(By.cssSelector("#members li[data-user-id='" + userId + "']"))
                .getDomAttribute("data-connected"));
    }

    void awaitMemberConnected(String userId, boolean connected) {
        chrome.waiting().ignoring(NoSuchElementException.class)
                .until(driver -> memberConnected(userId) == connected);
    }

    void pinNote(String text) {
        type("note-text", text);
        chrome.driver().findElement(By.id("note-text")).sendKeys(Keys.ENTER);
    }

    /** The texts of the pinned notes, in board order. */
    List<String> notes() {
        return texts("#notes .note-text");
    }

    void paint(String cell) {
        chrome.driver().findElement(By.cssSelector("#canvas .cell[data-cell='" + cell + "']")).click();
    }

    /** The painted canvas cells and their colours. */
    @SuppressWarnings("unchecked")
    Map<String, String> canvas() {
        return (Map<String, String>) chrome.driver().executeScript("""
                return Object.fromEntries([...document.querySelectorAll('#canvas .cell')]
                    .filter(cell => cell.dataset.color)
                    .map(cell => [cell.dataset.cell, cell.dataset.color]));
                """);
    }

    String text(String id) {
        return chrome.driver().findElement(By.id(id)).getText();
    }

    @SuppressWarnings("unchecked")
    private List<String> texts(String selector) {
        return (List<String>) chrome.driver().executeScript(
                "return [...document.querySelectorAll(arguments[0])].map(node => node.textContent);", selector);
    }

    private void type(String id, String text) {
        WebElement input = chrome.waiting().until(ExpectedConditions.elementToBeClickable(By.id(id)));
        input.clear();
        input.sendKeys(text);
    }
}
