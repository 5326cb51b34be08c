package org.sss.sssjob.internal;

/** {@code sssjob --help}: the list of commands. */
public final class HelpCommand {
    private HelpCommand() {
    }

    /** @return the text */
    public static String text() {
        return Help.main();
    }
}
