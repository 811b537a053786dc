package io.multistudio.keys;

import io.smallrye.mutiny.Uni;

/** A keyed request as {@link RequestKeys} runs it: its execution, and how to tell whether a lost one took effect. */
public interface Effect {

    /**
     * Executes the request, its effects carrying {@code mark}, and sends its direct answer.
     *
     * @return that answer without {@code rid}, or {@code null} if there is none to remember
     */
    Uni<String> execute(String mark);

    /**
     * The direct answer, without {@code rid}, of an execution whose effects carry {@code mark} and that took effect
     * after {@code since} (epoch millis); {@code null} if none did. Fails if nobody can tell any more.
     */
    Uni<String> recall(String mark, long since);
}
