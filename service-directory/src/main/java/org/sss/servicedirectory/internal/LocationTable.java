package org.sss.servicedirectory.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sss.lib.client.Location;
import org.sss.lib.xml.Restriction;

/**
 * The directory's registrations, each with a lease. A registration is identified by component, host and port:
 * registering the same again renews its lease. Soft state by design: components re-register every renew
 * interval, so a restarted directory is complete again within one interval. Thread-safe (all methods
 * synchronise on the table).
 */
public final class LocationTable {
    private final Map<Key, Entry> entries = new LinkedHashMap<>();
    private final Duration lease;

    /** @param lease how long a registration lives without renewal */
    public LocationTable(Duration lease) {
        this.lease = lease;
    }

    /** The outcome of a registration. */
    public enum Change {
        /** A new registration. */
        ADDED,
        /** A renewal of an existing one. */
        RENEWED
    }

    /**
     * Registers or renews.
     *
     * @param location a complete location (component, host, numeric port)
     * @param now      the current time
     * @return whether it was new
     */
    public synchronized Change register(Location location, Instant now) {
        Entry previous = entries.put(Key.of(location), new Entry(location, now.plus(lease)));
        return previous == null ? Change.ADDED : Change.RENEWED;
    }

    /**
     * Registers without expiry (the directory's own entry).
     *
     * @param location the directory's location
     */
    public synchronized void registerPermanent(Location location) {
        entries.put(Key.of(location), new Entry(location, Instant.MAX));
    }

    /**
     * @param restriction fields given select (see {@link Restriction})
     * @return matching registrations, whole, newest first
     */
    public synchronized List<Location> find(Location restriction) {
        List<Location> found = new ArrayList<>();
        for (Entry entry : entries.values()) {
            if (matches(restriction, entry.location)) {
                found.add(entry.location);
            }
        }
        return found.reversed();
    }

    /**
     * @param restriction fields given select
     * @return the removed registrations
     */
    public synchronized List<Location> remove(Location restriction) {
        List<Location> removed = new ArrayList<>();
        for (Iterator<Entry> it = entries.values().iterator(); it.hasNext(); ) {
            Entry entry = it.next();
            if (matches(restriction, entry.location)) {
                removed.add(entry.location);
                it.remove();
            }
        }
        return removed;
    }

    /**
     * Removes registrations whose lease has run out.
     *
     * @param now the current time
     * @return what expired
     */
    public synchronized List<Location> expire(Instant now) {
        List<Location> expired = new ArrayList<>();
        for (Iterator<Entry> it = entries.values().iterator(); it.hasNext(); ) {
            Entry entry = it.next();
            if (!now.isBefore(entry.expires)) {
                expired.add(entry.location);
                it.remove();
            }
        }
        return expired;
    }

    /** @return the number of registrations */
    public synchronized int size() {
        return entries.size();
    }

    private static boolean matches(Location restriction, Location location) {
        return Restriction.matches(restriction.component(), location.component())
                && Restriction.matches(restriction.host(), location.host())
                && Restriction.matches(restriction.port(), location.port())
                && Restriction.matches(restriction.protocol(), location.protocol())
                && Restriction.matches(restriction.schemaVersion(), location.schemaVersion())
                && Restriction.matches(restriction.tier(), location.tier())
                && Restriction.matches(restriction.httpPort(), location.httpPort())
                && Restriction.matches(restriction.url(), location.url());
    }

    /**
     * @param restriction the query
     * @param location    a matching registration
     * @return the registration with only the fields the query asked for (the component always)
     */
    public static Location project(Location restriction, Location location) {
        return new Location(location.component(),
                Restriction.requested(restriction.host()) ? location.host() : null,
                Restriction.requested(restriction.port()) ? location.port() : null,
                Restriction.requested(restriction.protocol()) ? location.protocol() : null,
                Restriction.requested(restriction.schemaVersion()) ? location.schemaVersion() : null,
                Restriction.requested(restriction.tier()) ? location.tier() : null,
                Restriction.requested(restriction.httpPort()) ? location.httpPort() : null,
                Restriction.requested(restriction.url()) ? location.url() : null);
    }

    private record Key(String component, String host, String port) {
        static Key of(Location location) {
            return new Key(location.component(), location.host(), location.port());
        }
    }

    private record Entry(Location location, Instant expires) {
    }
}
