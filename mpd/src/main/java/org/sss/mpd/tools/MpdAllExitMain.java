package org.sss.mpd.tools;

import java.io.IOException;
import org.sss.mpd.internal.MpdMessage;

/** {@code mpdallexit}: stops every mpd of the ring (their running ranks are killed). */
public final class MpdAllExitMain {
    private MpdAllExitMain() {
    }

    /** @param args the command line */
    public static void main(String[] args) {
        ToolArgs options = ToolArgs.parse("mpdallexit", args);
        if (options.help()) {
            System.out.println("usage: mpdallexit [--mpd ADDR:PORT] [--secret FILE]\nStops every mpd of the ring.\n" + ToolArgs.COMMON);
            return;
        }
        try (ConsoleClient console = ConsoleClient.connect(options.mpd(), options.secret())) {
            MpdMessage reply = console.call(MpdMessage.of("allexit").build());
            System.out.println("mpdallexit: stopping " + reply.get("stopped") + " mpds");
        } catch (IOException e) {
            System.err.println("mpdallexit: " + e.getMessage());
            System.exit(1);
        }
    }
}
