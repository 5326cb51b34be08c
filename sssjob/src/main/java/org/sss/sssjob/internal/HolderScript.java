package org.sss.sssjob.internal;

import java.nio.file.Path;

/**
 * The batch script of an allocation's job (sssjob alloc, and sssjob run outside one). Run by the queue manager on
 * the allocation's first node as the user, it hands the login host what a program inside the job gets — its job key
 * ({@code MPD_JOB_KEY}), its mpd ({@code MPD_CONSOLE}) and its node file — by writing them, mode 0600, to
 * {@code DIR/ID.env} and {@code DIR/ID.nodes} in the user's {@code ~/.sss/alloc} (a home directory the login host
 * shares, as clusters do), then holds the nodes: it waits on the FIFO {@code DIR/ID.release} for the exit status
 * the login host writes there (through the ring, under the job key: {@link Allocation#release}) and exits with it,
 * which ends the job with the command's status. Its walltime ends it too. The files go when it ends.
 */
final class HolderScript {
    private HolderScript() {
    }

    /**
     * @param dir the user's allocation directory
     * @return the script
     */
    static String text(Path dir) {
        return """
                #!/bin/sh
                # sssjob alloc: holds this job's nodes for a command on the login host until it writes its exit status
                umask 077
                dir=%s
                base="$dir/$PBS_JOBID"
                mkdir -p "$dir" || exit 1
                trap 'rm -f "$base.env" "$base.nodes" "$base.release" "$base.tmp"' EXIT
                trap 'exit 143' TERM
                trap 'exit 129' HUP
                rm -f "$base.release"
                mkfifo "$base.release" || exit 1
                cp "$PBS_NODEFILE" "$base.nodes" || exit 1
                printf 'MPD_JOB_KEY=%%s\\nMPD_CONSOLE=%%s\\nFIFO=%%s\\n' "$MPD_JOB_KEY" "$MPD_CONSOLE" "$base.release" \\
                  >"$base.tmp" && mv "$base.tmp" "$base.env" || exit 1
                read status <"$base.release"
                case "$status" in ''|*[!0-9]*) status=1 ;; esac
                exit "$status"
                """.formatted(quote(dir.toString()));
    }

    /** The text as one shell word, in single quotes. */
    static String quote(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }
}
