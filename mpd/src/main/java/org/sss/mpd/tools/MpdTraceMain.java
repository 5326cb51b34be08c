package org.sss.mpd.tools;

import java.io.IOException;
import org.sss.mpd.internal.MalformedMessageException;
import org.sss.mpd.internal.Member;
import org.sss.mpd.internal.MpdMessage;

/** {@code mpdtrace [-l]}: lists the ring's members in ring order ({@code -l}: with host and address). */
public final class MpdTraceMain {
    private MpdTraceMain() {
    }

    /** @param args the command line */
    public static void main(String[] args) {
        ToolArgs options = ToolArgs.parse("mpdtrace", args);
        if (options.help()) {
            System.out.println("usage: mpdtrace [-l] [--mpd ADDR:PORT] [--secret FILE]\nLists the mpds of the ring in ring order.\n"
                    + "  -l                also show each mpd's host and address\n" + ToolArgs.COMMON);
            return;
        }
        boolean long_ = options.remaining().contains("-l");
        if (options.remaining().stream().anyMatch(a -> !a.equals("-l"))) {
            System.err.println("mpdtrace: unexpected argument (try --help)");
            System.exit(2);
        }
        try (ConsoleClient console = ConsoleClient.connect(options.mpd(), options.secret())) {
            MpdMessage reply = console.call(MpdMessage.of("trace").build());
            for (Member member : Member.decodeAll(reply.require("members"))) {
                System.out.println(long_ ? member.id() + " " + member.host() + " " + member.endpoint() : member.id());
            }
        } catch (IOException | MalformedMessageException e) {
            System.err.println("mpdtrace: " + e.getMessage());
            System.exit(1);
        }
    }
}
