package org.sss.mpd.tools;

import java.io.IOException;
import org.sss.mpd.client.UnixSignals;
import org.sss.mpd.internal.MpdMessage;

/** {@code mpdsigjob SIG JOBID} and {@code mpdkilljob JOBID}: signal or kill a running job. */
final class JobControl {
    private JobControl() {
    }

    static void run(String tool, String[] args, boolean kill) {
        ToolArgs options = ToolArgs.parse(tool, args);
        String usage = kill ? "usage: mpdkilljob JOBID [--mpd ADDR:PORT] [--secret FILE]\n"
                + "Kills a job: SIGTERM to every rank's process group, SIGKILL after the grace period.\n"
                : "usage: mpdsigjob SIG JOBID [--mpd ADDR:PORT] [--secret FILE]\n"
                + "Delivers a signal (name or number) to every rank's process group of a job.\n";
        if (options.help()) {
            System.out.println(usage + ToolArgs.COMMON);
            return;
        }
        int expected = kill ? 1 : 2;
        if (options.remaining().size() != expected) {
            System.err.println(tool + ": " + (kill ? "give JOBID" : "give SIG and JOBID") + " (try --help)");
            System.exit(2);
        }
        int signal;
        try {
            signal = kill ? UnixSignals.TERM : UnixSignals.parse(options.remaining().getFirst());
        } catch (IllegalArgumentException e) {
            System.err.println(tool + ": " + e.getMessage());
            System.exit(2);
            return;
        }
        String jid = options.remaining().getLast();
        try (ConsoleClient console = ConsoleClient.connect(options.mpd(), options.secret())) {
            MpdMessage reply = console.call(MpdMessage.of(kill ? "kill" : "sigjob").with("jid", jid).with("signal", signal).build());
            if (reply.cmd().equals("error")) {
                System.err.println(tool + ": " + reply.get("msg"));
                System.exit(1);
            }
        } catch (IOException e) {
            System.err.println(tool + ": " + e.getMessage());
            System.exit(1);
        }
    }
}
