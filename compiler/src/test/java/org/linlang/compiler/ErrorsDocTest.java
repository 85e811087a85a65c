package org.linlang.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.linlang.compiler.diag.Code;

/** docs/errors.md has one section per diagnostic code, titled exactly as the code, in the code's order. */
class ErrorsDocTest {
    private static final Pattern HEADING = Pattern.compile("^## (E\\d{3}): (.*)$", Pattern.MULTILINE);

    @Test
    void everyCodeHasItsSection() throws IOException {
        String doc = Files.readString(TestPaths.repositoryRoot().resolve("docs/errors.md"), StandardCharsets.UTF_8);
        List<String> headings = new ArrayList<>();
        Matcher m = HEADING.matcher(doc);
        while (m.find()) headings.add("## " + m.group(1) + ": " + m.group(2).strip());
        List<String> expected = new ArrayList<>();
        for (Code c : Code.values()) expected.add("## " + c.name() + ": " + c.title());
        var missing = new ArrayList<>(expected);
        missing.removeAll(headings);
        var unknown = new ArrayList<>(headings);
        unknown.removeAll(expected);
        assertTrue(missing.isEmpty() && unknown.isEmpty(),
                "docs/errors.md is out of step with Code.java.\nmissing sections: " + missing + "\nsections for no code: " + unknown);
        assertEquals(expected, headings, "sections of docs/errors.md should follow the order of Code.java");
    }

    @Test
    void everySectionHasAnExample() throws IOException {
        String doc = Files.readString(TestPaths.repositoryRoot().resolve("docs/errors.md"), StandardCharsets.UTF_8);
        String[] sections = doc.split("(?m)^## ");
        var withoutExample = new ArrayList<String>();
        for (int i = 1; i < sections.length; i++) {
            // No program text causes these: a file that cannot be read, and a bug in the compiler.
            if (sections[i].startsWith("E006") || sections[i].startsWith("E099")) continue;
            if (!sections[i].contains("```lin")) withoutExample.add(sections[i].lines().findFirst().orElse(""));
        }
        assertTrue(withoutExample.isEmpty(), "sections without a ```lin example: " + withoutExample);
    }
}
