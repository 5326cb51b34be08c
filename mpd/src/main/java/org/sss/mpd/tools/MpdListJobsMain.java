package org.sss.mpd.tools;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.sss.mpd.internal.MpdMessage;

/** {@code mpdlistjobs}: lists the ranks of every job running on the ring, one block per rank as MPD printed them. */
public final class MpdListJobsMain {
    private MpdListJobsMain() {
    }

    /** @param args the command line */
    public static void main(String[] args) {
        ToolArgs options = ToolArgs.parse("mpdlistjobs", args);
        if (options.help()) {
            System.out.println("usage: mpdlistjobs [--mpd ADDR:PORT] [--secret FILE]\nLists the ranks of the jobs running on the ring.\n"
                    + ToolArgs.COMMON);
            return;
        }
        try (ConsoleClient console = ConsoleClient.connect(options.mpd(), options.secret())) {
            MpdMessage reply = console.call(MpdMessage.of("listjobs").build());
            String text = new String(reply.body(), StandardCharsets.UTF_8);
            for (String line : text.split("\n")) {
                String[] f = line.split(" ", 6);
                if (f.length < 6) {
                    if (!line.isBlank()) {
                        System.out.println(line);
                    }
                    continue;
                }
                System.out.printf("jobid    = %s%nusername = %s%nhost     = %s%npid      = %s%nrank     = %s%npgm      = %s%n%n",
                        f[1], f[4], f[0], f[3], f[2], f[5]);
            }
        } catch (IOException e) {
            System.err.println("mpdlistjobs: " + e.getMessage());
            System.exit(1);
        }
    }
}
