package org.sss.mpd.tools;

import java.io.IOException;
import org.sss.mpd.internal.MalformedMessageException;
import org.sss.mpd.internal.MpdMessage;

/** {@code mpdringtest LOOPS}: sends one message around the ring LOOPS times and reports the time and hops/s. */
public final class MpdRingTestMain {
    private MpdRingTestMain() {
    }

    /** @param args the command line */
    public static void main(String[] args) {
        ToolArgs options = ToolArgs.parse("mpdringtest", args);
        if (options.help()) {
            System.out.println("usage: mpdringtest [LOOPS] [--mpd ADDR:PORT] [--secret FILE]\n"
                    + "Sends one message around the ring LOOPS times (default 1000); prints the elapsed time and hops per second.\n"
                    + ToolArgs.COMMON);
            return;
        }
        long loops;
        try {
            loops = options.remaining().isEmpty() ? 1000 : Long.parseLong(options.remaining().getFirst());
            if (loops < 1 || options.remaining().size() > 1) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            System.err.println("mpdringtest: LOOPS must be one positive number (try --help)");
            System.exit(2);
            return;
        }
        try (ConsoleClient console = ConsoleClient.connect(options.mpd(), options.secret())) {
            MpdMessage done = console.call(MpdMessage.of("ringtest-start").with("loops", loops).build());
            long nanos = done.number("nanos");
            long hops = done.number("hops");
            long size = done.number("size");
            if (nanos < 0) {
                System.err.println("mpdringtest: the test message could not be sent around the ring");
                System.exit(1);
            }
            if (size < 2) {
                System.out.println("ring of 1 mpd: no hops to time");
                return;
            }
            double seconds = nanos / 1e9;
            System.out.printf("time for %d loops = %.6f seconds; %d hops on a ring of %d mpds = %.0f hops/s%n", loops, seconds, hops,
                    size, hops / seconds);
        } catch (IOException | MalformedMessageException e) {
            System.err.println("mpdringtest: " + e.getMessage());
            System.exit(1);
        }
    }
}
