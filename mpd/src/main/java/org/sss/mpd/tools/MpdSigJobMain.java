package org.sss.mpd.tools;

/** {@code mpdsigjob SIG JOBID}: delivers a signal to every rank of a job. */
public final class MpdSigJobMain {
    private MpdSigJobMain() {
    }

    /** @param args the command line */
    public static void main(String[] args) {
        JobControl.run("mpdsigjob", args, false);
    }
}
