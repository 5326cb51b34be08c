package org.sss.queuemanager.internal.pbs;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits the text of a {@code #PBS} directive into words the way a shell splits a command line, without any
 * expansion: unquoted whitespace separates words; {@code '...'} keeps everything literally; inside {@code "..."} a
 * backslash escapes only {@code "}, {@code \}, {@code $} and {@code `} and is kept before anything else; outside
 * quotes a backslash takes the next character literally; quoted and unquoted pieces next to each other form one word
 * ({@code -M "a@x,b@y"} gives {@code -M} and {@code a@x,b@y}; {@code ""} gives an empty word); an unquoted {@code #}
 * at the start of a word starts a comment that runs to the end of the text. Stateless.
 */
public final class ShellWords {
    private ShellWords() {
    }

    /**
     * @param text one line of text, without its line end
     * @return its words, in order; empty for blank text or a comment
     * @throws BadValueException {@code unterminated single quote}, {@code unterminated double quote} or
     *     {@code lone backslash at the end}
     */
    public static List<String> split(String text) throws BadValueException {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
                i++;
            } else if (c == '#' && !inWord) {
                break;
            } else {
                inWord = true;
                i = switch (c) {
                    case '\\' -> escaped(text, i, word);
                    case '\'' -> singleQuoted(text, i, word);
                    case '"' -> doubleQuoted(text, i, word);
                    default -> {
                        word.append(c);
                        yield i + 1;
                    }
                };
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        return List.copyOf(words);
    }

    private static int escaped(String text, int backslash, StringBuilder word) throws BadValueException {
        if (backslash + 1 >= text.length()) {
            throw new BadValueException("lone backslash at the end");
        }
        word.append(text.charAt(backslash + 1));
        return backslash + 2;
    }

    private static int singleQuoted(String text, int quote, StringBuilder word) throws BadValueException {
        int end = text.indexOf('\'', quote + 1);
        if (end < 0) {
            throw new BadValueException("unterminated single quote");
        }
        word.append(text, quote + 1, end);
        return end + 1;
    }

    private static int doubleQuoted(String text, int quote, StringBuilder word) throws BadValueException {
        int i = quote + 1;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '"') {
                return i + 1;
            }
            if (c == '\\' && i + 1 < text.length() && "\"\\$`".indexOf(text.charAt(i + 1)) >= 0) {
                word.append(text.charAt(i + 1));
                i += 2;
            } else {
                word.append(c);
                i++;
            }
        }
        throw new BadValueException("unterminated double quote");
    }
}
