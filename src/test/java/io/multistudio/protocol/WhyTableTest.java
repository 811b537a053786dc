package io.multistudio.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/**
 * {@link Why} is the one copy of the error table in code: the fuzz test's oracle checks every answer's 4CC against
 * it, so it must say exactly what the documented table (docs/protocol.md, from PROTOCOL.md §3) says.
 */
class WhyTableTest {

    private static final Path GUIDE = Path.of("docs", "protocol.md");
    private static final Pattern ROW = Pattern.compile("^\\| `([A-Z]{4})` \\| `([A-Z_]+)` \\|");

    @Test
    void everyWhyHasTheCodeOfTheDocumentedTableAndNoneIsMissing() throws IOException {
        Map<String, String> documented = Files.readAllLines(GUIDE).stream().map(ROW::matcher).filter(Matcher::find)
                .collect(Collectors.toMap(row -> row.group(2), row -> row.group(1)));
        Map<String, String> coded = Arrays.stream(Why.values()).collect(Collectors.toMap(Why::name, Why::code));
        assertThat(documented).hasSizeGreaterThan(30);
        assertThat(coded).containsExactlyInAnyOrderEntriesOf(documented);
    }
}
