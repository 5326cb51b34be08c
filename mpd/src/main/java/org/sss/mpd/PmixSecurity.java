package org.sss.mpd;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Locale;

/**
 * How the mpd's PMIx server (sss-pmix) knows who connects to it. OpenPMIx's {@code native} module takes, over TCP,
 * the uid a client claims: any local user who learns a job's namespace can connect as one of its ranks, and act as
 * its user (docs/PMIX.md, Security). Its {@code munge} module has munged vouch for the client's uid, so a client can
 * only be the user it is. Debian's OpenPMIx has both; munged must run on every node with the same key.
 */
public enum PmixSecurity {
    /** {@link #MUNGE} when munged answers on this host when the server starts, else {@link #NATIVE}. */
    AUTO,
    /** Only clients vouched for by munged; without munged there is no PMIx on this host (PMI-1 still). */
    MUNGE,
    /** The library's default: munge or native, as the client chooses; a client's claimed uid is believed. */
    NATIVE;

    /** The system property {@code mpd --pmix-security} sets for the whole process, as {@code --cgroups} does. */
    public static final String PROPERTY = "sss.mpd.pmix-security";
    /** Where munged listens (its default). */
    public static final Path MUNGE_SOCKET = Path.of("/run/munge/munge.socket.2");

    /**
     * @param text {@code auto}, {@code munge} or {@code native}
     * @return the choice
     * @throws IllegalArgumentException naming the values allowed
     */
    public static PmixSecurity parse(String text) {
        try {
            return valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--pmix-security is auto, munge or native, not " + text, e);
        }
    }

    /** @return the choice the command line made for this process ({@link #AUTO} when it made none) */
    public static PmixSecurity configured() {
        return parse(System.getProperty(PROPERTY, "auto"));
    }

    /**
     * @param mungeSocket where munged would listen
     * @return what the server is to use now: {@link #AUTO} decided by whether munged answers there
     */
    public PmixSecurity resolve(Path mungeSocket) {
        if (this != AUTO) {
            return this;
        }
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(mungeSocket));
            return MUNGE;
        } catch (IOException | UnsupportedOperationException e) {
            return NATIVE;
        }
    }

    /** @return the name sss-pmix and the command line use */
    public String option() {
        return name().toLowerCase(Locale.ROOT);
    }
}
