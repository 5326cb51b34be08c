package org.sss.processmanager.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sss.lib.wire.Endpoint;
import org.sss.lib.wire.SharedKey;
import org.sss.mpd.client.DetachedJob;
import org.sss.mpd.client.DetachedListing;
import org.sss.mpd.client.JobEvent;
import org.sss.mpd.client.JobRequest;
import org.sss.mpd.client.MpdConsole;
import org.sss.mpd.client.MpdRequestException;
import org.sss.mpd.client.RingMember;
import org.sss.mpd.client.SignalDelivery;

/**
 * The process manager's connections to the mpd ring: one console to the first reachable of the configured mpds,
 * through which groups are launched (that mpd leads their jobs), and one to each other mpd that leads a job the
 * process manager follows (after a restart, jobs may be led by a different mpd than the one it talks to now).
 * Requests about a job go to the console of the mpd that leads it. A broken console is replaced on next use.
 * Thread-safe.
 */
final class RingDriver implements Ring {
    private static final Logger LOG = LoggerFactory.getLogger(RingDriver.class);
    private final List<Endpoint> configured;
    private final SharedKey secret;
    private final Map<String, MpdConsole> consoles = new HashMap<>();
    private MpdConsole launcher;
    private List<RingMember> members = List.of();

    /**
     * @param configured the mpds to launch through, in the order tried
     * @param secret     the ring's secret
     */
    RingDriver(List<Endpoint> configured, SharedKey secret) {
        this.configured = List.copyOf(configured);
        this.secret = secret;
    }

    /**
     * @return the console groups are launched through, connecting to the first reachable mpd if needed
     * @throws IOException if no configured mpd (nor any member last seen in the ring) can be reached
     */
    synchronized MpdConsole launcher() throws IOException {
        if (launcher != null && launcher.isOpen()) {
            return launcher;
        }
        List<Endpoint> candidates = new ArrayList<>(configured);
        members.forEach(m -> {
            if (!candidates.contains(m.endpoint())) {
                candidates.add(m.endpoint());
            }
        });
        IOException last = null;
        for (Endpoint endpoint : candidates) {
            try {
                MpdConsole console = MpdConsole.connect(endpoint, secret);
                try {
                    members = console.trace();
                } catch (IOException | RuntimeException e) {
                    console.close();
                    throw e;
                }
                String id = idOf(endpoint);
                launcher = console;
                if (id != null) {
                    MpdConsole previous = consoles.put(id, console);
                    if (previous != null && previous != console) {
                        previous.close();
                    }
                }
                LOG.info("process-manager: launching through mpd {} at {} (ring of {})", id, endpoint, members.size());
                return console;
            } catch (IOException e) {
                last = e;
            }
        }
        throw new IOException("no mpd of the ring can be reached (tried " + candidates + ")"
                + (last == null ? "" : ": " + last.getMessage()), last);
    }

    private String idOf(Endpoint endpoint) {
        for (RingMember member : members) {
            if (member.endpoint().equals(endpoint)) {
                return member.id();
            }
        }
        return null;
    }

    /**
     * @return the ring's members, freshly asked
     * @throws IOException if the ring cannot be reached
     */
    @Override
    public List<RingMember> members() throws IOException {
        MpdConsole console = launcher();
        List<RingMember> fresh = console.trace();
        synchronized (this) {
            members = fresh;
        }
        return fresh;
    }

    /**
     * @param rootId an mpd of the ring
     * @return a console to it
     * @throws IOException if it is not in the ring or cannot be reached
     */
    synchronized MpdConsole consoleFor(String rootId) throws IOException {
        MpdConsole console = consoles.get(rootId);
        if (console != null && console.isOpen()) {
            return console;
        }
        MpdConsole any = launcher();
        console = consoles.get(rootId);
        if (console != null && console.isOpen()) {
            return console;
        }
        members = any.trace();
        for (RingMember member : members) {
            if (member.id().equals(rootId)) {
                console = MpdConsole.connect(member.endpoint(), secret);
                consoles.put(rootId, console);
                return console;
            }
        }
        throw new IOException("mpd " + rootId + " is not in the ring");
    }

    /**
     * Launches a group's job; the mpd launched through leads it.
     *
     * @param request  the job
     * @param listener its events
     * @return the job id
     * @throws IOException         if the ring cannot be reached
     * @throws MpdRequestException if the ring refuses the job
     */
    @Override
    public String launch(JobRequest request, Consumer<JobEvent> listener) throws IOException, MpdRequestException {
        return launcher().launch(request, listener);
    }

    /**
     * @return every detached job of the ring
     * @throws IOException if the ring cannot be reached
     */
    @Override
    public DetachedListing detachedJobs() throws IOException {
        return launcher().detachedListing();
    }

    /**
     * @param jid      a detached job
     * @param listener gets its story again, then its events
     * @throws IOException         if its mpd cannot be reached
     * @throws MpdRequestException if its mpd does not know it
     */
    @Override
    public void attach(String jid, Consumer<JobEvent> listener) throws IOException, MpdRequestException {
        consoleFor(rootOf(jid)).attach(jid, listener);
    }

    /**
     * @param jid an ended detached job whose end is stored
     * @throws IOException         if its mpd cannot be reached
     * @throws MpdRequestException if it is still running
     */
    @Override
    public void release(String jid) throws IOException, MpdRequestException {
        consoleFor(rootOf(jid)).release(jid);
    }

    /**
     * @param jid    a job
     * @param signal the first signal; SIGKILL follows after the grace period
     * @throws IOException         if its mpd cannot be reached
     * @throws MpdRequestException if its mpd does not know it
     */
    @Override
    public void kill(String jid, int signal) throws IOException, MpdRequestException {
        consoleFor(rootOf(jid)).kill(jid, signal);
    }

    /**
     * @param jid    a job
     * @param signal the signal
     * @param rank   one rank, or -1 for all
     * @param group  whether each rank's process group gets it
     * @return which ranks it reached
     * @throws IOException         if its mpd cannot be reached
     * @throws MpdRequestException if its mpd does not know it
     */
    @Override
    public SignalDelivery signal(String jid, int signal, int rank, boolean group) throws IOException, MpdRequestException {
        return consoleFor(rootOf(jid)).signal(jid, signal, rank, group);
    }

    static String rootOf(String jid) {
        return jid.substring(jid.indexOf('@') + 1);
    }

    @Override
    public synchronized void close() {
        consoles.values().forEach(MpdConsole::close);
        if (launcher != null) {
            launcher.close();
        }
        consoles.clear();
    }
}
