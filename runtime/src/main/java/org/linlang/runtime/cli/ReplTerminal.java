package org.linlang.runtime.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.CompletingParsedLine;
import org.jline.reader.EOFError;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.ParsedLine;
import org.jline.reader.Parser;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.completer.FileNameCompleter;
import org.jline.terminal.Terminal;

/**
 * The REPL on a terminal, with JLine: line editing, a continuation prompt while an input is
 * unfinished, history in a file, and completion of commands, names in scope and file names after
 * {@code :load}. Ctrl-C clears the line being typed, or stops code that is running; Ctrl-D ends.
 */
final class ReplTerminal {
    static final String PROMPT = "lin> ";
    static final String CONTINUATION = "...  ";

    private final Repl repl;
    private final Terminal terminal;
    private final Path history;

    ReplTerminal(Repl repl, Terminal terminal, Path history) {
        this.repl = repl;
        this.terminal = terminal;
        this.history = history;
    }

    void read() {
        LineReaderBuilder builder = LineReaderBuilder.builder()
                .terminal(terminal)
                .appName("lin")
                .parser(new InputParser())
                .completer(new NameCompleter(repl))
                .variable(LineReader.SECONDARY_PROMPT_PATTERN, CONTINUATION)
                .variable(LineReader.HISTORY_SIZE, 1000)
                .variable(LineReader.HISTORY_FILE_SIZE, 5000)
                .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true) // `!` is Lin's, not history's
                .option(LineReader.Option.INSERT_TAB, false);
        if (history != null) builder.variable(LineReader.HISTORY_FILE, history);
        LineReader reader = builder.build();
        terminal.handle(Terminal.Signal.INT, signal -> repl.interrupt());
        terminal.writer().println("Lin REPL: :help lists the commands, :quit or Ctrl-D ends.");
        terminal.flush();
        try {
            while (true) {
                String input;
                try {
                    input = reader.readLine(PROMPT);
                } catch (UserInterruptException e) {
                    continue; // Ctrl-C: drop what was typed
                } catch (EndOfFileException e) {
                    break;
                }
                if (!repl.handle(input)) break;
            }
        } finally {
            try {
                reader.getHistory().save();
            } catch (IOException | RuntimeException e) {
                terminal.writer().println("lin: could not save the history in " + history + ": " + e.getMessage());
                terminal.flush();
            }
        }
    }

    /** Accepts a line only when it completes an input; otherwise JLine shows the continuation prompt. */
    private static final class InputParser implements Parser {
        @Override
        public ParsedLine parse(String line, int cursor, ParseContext context) {
            if (context == ParseContext.ACCEPT_LINE) {
                ReplInput.State state = ReplInput.state(line);
                String lastLine = line.substring(line.lastIndexOf('\n') + 1);
                if (state == ReplInput.State.OPEN || (state == ReplInput.State.UNFINISHED && !lastLine.isBlank())) {
                    throw new EOFError(-1, cursor, "unfinished input");
                }
            }
            return Word.at(line, cursor);
        }
    }

    /** The word under the cursor: a name, a command, or the file name after {@code :load}. */
    private record Word(String line, int cursor, String word, int wordCursor) implements CompletingParsedLine {
        static Word at(String line, int cursor) {
            String before = line.substring(0, cursor);
            int start;
            if (before.startsWith(":load ") || before.startsWith(":l ")) {
                start = before.indexOf(' ') + 1;
                while (start < before.length() && before.charAt(start) == ' ') start++;
            } else {
                start = cursor;
                while (start > 0 && isNameChar(line.charAt(start - 1))) start--;
                if (start == 1 && line.charAt(0) == ':') start = 0;
            }
            int end = cursor;
            while (end < line.length() && isNameChar(line.charAt(end))) end++;
            return new Word(line, cursor, line.substring(start, end), cursor - start);
        }

        private static boolean isNameChar(char c) {
            return Character.isLetterOrDigit(c) || c == '_';
        }

        @Override public int wordIndex() { return 0; }

        @Override public List<String> words() { return List.of(word); }

        // Lin names need no quoting or escaping: words are what they look like.
        @Override public CharSequence escape(CharSequence candidate, boolean complete) { return candidate; }

        @Override public int rawWordCursor() { return wordCursor; }

        @Override public int rawWordLength() { return word.length(); }
    }

    private static final class NameCompleter implements Completer {
        private final Repl repl;
        private final FileNameCompleter files = new FileNameCompleter();

        NameCompleter(Repl repl) {
            this.repl = repl;
        }

        @Override
        public void complete(LineReader reader, ParsedLine line, List<Candidate> candidates) {
            String before = line.line().substring(0, line.cursor());
            if (before.startsWith(":load ") || before.startsWith(":l ")) {
                files.complete(reader, line, candidates);
                return;
            }
            if (before.startsWith(":engine ")) {
                for (String e : List.of("interp", "auto")) candidates.add(new Candidate(e));
                return;
            }
            List<String> words = new ArrayList<>();
            if (before.startsWith(":") && !before.contains(" ")) words.addAll(Repl.COMMANDS);
            else words.addAll(repl.names());
            for (String w : words) candidates.add(new Candidate(w, w, null, null, null, null, true));
        }
    }
}
