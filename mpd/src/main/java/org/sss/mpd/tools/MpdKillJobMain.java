package org.sss.mpd.tools;

/** {@code mpdkilljob JOBID}: kills a job (SIGTERM, then SIGKILL after the grace period). */
public final class MpdKillJobMain {
    private MpdKillJobMain() {
    }

    /** @param args the command line */
    public static void main(String[] args) {
        JobControl.run("mpdkilljob", args, true);
    }
}
