package io.multistudio.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The generator's command line: {@code --name value} pairs and {@code --flag}s. */
final class Options {

    private Options() {
    }

    /**
     * {@code --name value} pairs and {@code --flag}s. {@code bench/run} hands them over as one string (in
     * {@code BENCH_ARGS}), so a single argument is split on spaces, keeping double-quoted parts together.
     */
    static Map<String, String> parse(String[] args) {
        List<String> words = new ArrayList<>();
        for (String arg : args) {
            if (args.length == 1) {
                words.addAll(split(arg));
            } else {
                words.add(arg);
            }
        }
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < words.size(); i++) {
            String word = words.get(i);
            if (!word.startsWith("--")) {
                throw new IllegalArgumentException("Unexpected argument '" + word + "'\n" + Bench.USAGE);
            }
            String name = word.substring(2);
            if (i + 1 < words.size() && !words.get(i + 1).startsWith("--")) {
                options.put(name, words.get(++i));
            } else {
                options.put(name, "");
            }
        }
        return options;
    }

    private static List<String> split(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (char c : line.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
                any = true;
            } else if (Character.isWhitespace(c) && !quoted) {
                if (any) {
                    words.add(word.toString());
                    word.setLength(0);
                    any = false;
                }
            } else {
                word.append(c);
                any = true;
            }
        }
        if (any) {
            words.add(word.toString());
        }
        return words;
    }
}
