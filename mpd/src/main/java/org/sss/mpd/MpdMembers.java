package org.sss.mpd;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sss.lib.wire.Endpoint;

/**
 * Many members of one ring in one JVM, for measuring the ring at sizes no test machine has hosts for.
 *
 * <p>Each member is a whole {@link Mpd} started with {@link Mpd#start}: its own loopback address, listening socket,
 * connections, threads, job table and launcher, the same code a member on its own host runs. Member {@code k}
 * (from 1) is named {@code HOST-k} and listens on the {@code k-1}th address after the first one. The first member
 * starts the ring (or joins the one named in the settings); the others join through it, a few at a time, as an
 * {@code mpdboot} of separate hosts would. {@link #crash} takes members down as a crashed host goes. Thread-safe.
 */
public final class MpdMembers implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MpdMembers.class);
    /** Joins in flight at once while booting: the leader applies them one at a time anyway. */
    private static final int PARALLEL_JOINS = 8;

    private final Map<String, Mpd> members = Collections.synchronizedMap(new LinkedHashMap<>());

    private MpdMembers() {
    }

    /**
     * Starts {@code count} members: the first as {@code template} says (its console file included), the others
     * joining through it, each on the next address.
     *
     * @param template the first member's settings; the others differ in id, host, address and console file
     * @param count    how many members, at least 1
     * @return the running members, in the order they were started
     * @throws IOException if the addresses are not loopback addresses or a member cannot start or join (the ones
     *                     started are stopped)
     */
    public static MpdMembers start(MpdSettings template, int count) throws IOException {
        if (count < 1) {
            throw new IllegalArgumentException("--members needs at least 1");
        }
        int base = loopbackAddress(template.listenAddress());
        if (count > 1 && ((base + count - 1) >>> 24) != 127) {
            throw new IOException(count + " members from " + template.listenAddress() + " do not fit in 127.0.0.0/8");
        }
        MpdMembers all = new MpdMembers();
        try {
            template = withWatchTimeout(template, count);
            Mpd first = Mpd.start(member(template, 1, base, template.join(), template.consoleFile()));
            all.members.put(first.self().id(), first);
            Endpoint sponsor = first.self().endpoint();
            ExecutorService joins = Executors.newFixedThreadPool(PARALLEL_JOINS,
                    Thread.ofPlatform().daemon().name("mpd-members-join").factory());
            try {
                List<Future<Mpd>> started = new ArrayList<>();
                for (int k = 2; k <= count; k++) {
                    MpdSettings settings = member(template, k, base, sponsor, null);
                    started.add(joins.submit(() -> Mpd.start(settings)));
                }
                IOException failed = null;
                for (Future<Mpd> future : started) {
                    try {
                        Mpd mpd = future.get();
                        all.members.put(mpd.self().id(), mpd);
                    } catch (ExecutionException e) {
                        if (failed == null) {
                            failed = e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
                        }
                    }
                }
                if (failed != null) {
                    throw failed;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while starting members", e);
            } finally {
                joins.shutdownNow();
            }
        } catch (IOException | RuntimeException e) {
            all.close();
            throw e;
        }
        LOG.info("mpd members: {} started from {}", count, template.listenAddress());
        return all;
    }

    /**
     * Members of one JVM share its cores: each pings its right neighbour six times per watch timeout, so N members
     * make N times the pings a host makes. The watch timeout is raised to at least 6 ms per member (6 s for 1,024,
     * pinging once a second: about two thousand ring messages a second in all, not eight thousand); a crashed member
     * is still noticed at once, when its connections close.
     */
    static MpdSettings withWatchTimeout(MpdSettings template, int count) {
        Duration least = Duration.ofMillis(6L * count);
        if (template.watchTimeout().compareTo(least) >= 0) {
            return template;
        }
        LOG.info("mpd members: watch timeout {} ms for {} members in one JVM", least.toMillis(), count);
        return new MpdSettings(template.id(), template.host(), template.listenAddress(), template.listenPort(),
                template.join(), template.secretFile(), template.consoleFile(), template.fanout(), template.killGrace(),
                least, template.frameTimeout(), template.keepEnded(), template.execHelper(), template.pmixHelper());
    }

    private static MpdSettings member(MpdSettings template, int k, int base, Endpoint join, java.nio.file.Path console) {
        String name = template.host() + "-" + k;
        return new MpdSettings(name, name, address(base + k - 1), template.listenPort(), join, template.secretFile(),
                console, template.fanout(), template.killGrace(), template.watchTimeout(), template.frameTimeout(),
                template.keepEnded(), template.execHelper(), template.pmixHelper());
    }

    private static int loopbackAddress(String text) throws IOException {
        byte[] bytes;
        try {
            bytes = InetAddress.getByName(text).getAddress();
        } catch (UnknownHostException e) {
            throw new IOException("cannot resolve " + text + ": " + e.getMessage(), e);
        }
        if (bytes.length != 4 || bytes[0] != 127) {
            throw new IOException("members in one JVM listen on loopback addresses (127.x.y.z), not " + text);
        }
        return ((bytes[0] & 0xff) << 24) | ((bytes[1] & 0xff) << 16) | ((bytes[2] & 0xff) << 8) | (bytes[3] & 0xff);
    }

    private static String address(int value) {
        return (value >>> 24) + "." + ((value >>> 16) & 0xff) + "." + ((value >>> 8) & 0xff) + "." + (value & 0xff);
    }

    /** @return the members still running, in the order they were started */
    public List<Mpd> running() {
        synchronized (members) {
            return List.copyOf(members.values());
        }
    }

    /** @return the member with this id, if it runs */
    public Optional<Mpd> member(String id) {
        return Optional.ofNullable(members.get(id));
    }

    /**
     * @return whether every running member sees the same membership (one epoch) made of exactly the running members
     */
    public boolean whole() {
        List<Mpd> alive = running();
        if (alive.isEmpty()) {
            return false;
        }
        long epoch = alive.getFirst().membership().epoch();
        for (Mpd mpd : alive) {
            // Epoch and size first: a ring still forming fails here in O(N), and only a ring that looks whole pays
            // the O(N^2) comparison of every member's list below (await-whole asks every 20 ms).
            var membership = mpd.membership();
            if (membership.epoch() != epoch || membership.size() != alive.size()) {
                return false;
            }
        }
        java.util.Set<String> ids = new java.util.HashSet<>();
        alive.forEach(m -> ids.add(m.self().id()));
        for (Mpd mpd : alive) {
            if (!mpd.membership().members().stream().allMatch(m -> ids.contains(m.id()))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Crashes members as hosts crash ({@link Mpd#crash}): no departure, connections cut, ranks killed.
     *
     * @param ids the members to take down; unknown ids are skipped
     * @return the ids taken down
     */
    public List<String> crash(List<String> ids) {
        List<Mpd> victims = new ArrayList<>();
        for (String id : ids) {
            Mpd mpd = members.remove(id);
            if (mpd != null) {
                victims.add(mpd);
            }
        }
        victims.parallelStream().forEach(Mpd::crash);
        return victims.stream().map(m -> m.self().id()).toList();
    }

    /**
     * @param count how many members to pick
     * @return the ids of {@code count} running members spread evenly around the start order, never the first
     *     (where the console file points)
     */
    public List<String> spread(int count) {
        List<Mpd> alive = running();
        List<String> picked = new ArrayList<>();
        int candidates = alive.size() - 1;
        for (int i = 0; i < count && i < candidates; i++) {
            picked.add(alive.get(1 + (int) ((long) i * candidates / Math.min(count, candidates))).self().id());
        }
        return picked;
    }

    /**
     * Stops every member cleanly, the last started first, as mpdallexit stops a ring: every member is told first
     * that the whole ring is exiting, so that none re-knits the ring round the others as they go (at 1,024 members
     * that repair work made stopping take minutes).
     */
    @Override
    public void close() {
        List<Mpd> all = new ArrayList<>(running());
        Collections.reverse(all);
        all.forEach(Mpd::ringExiting);
        for (Mpd mpd : all) {
            mpd.close();
        }
        members.clear();
    }

    /** @return a wait of at most {@code timeout} for {@link #whole()}; true once it holds */
    public boolean awaitWhole(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (whole()) {
                return true;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return whole();
    }
}
