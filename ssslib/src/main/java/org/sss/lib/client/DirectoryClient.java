package org.sss.lib.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.sss.lib.error.ErrorCode;
import org.sss.lib.error.SssException;
import org.sss.lib.wire.Endpoint;
import org.sss.schema.AddLocation;
import org.sss.schema.DelLocation;
import org.sss.schema.GetLocation;
import org.sss.schema.LocationType;
import org.sss.schema.Locations;

/**
 * Talks to the service directory: registers and removes locations, and finds components by name.
 *
 * <p>Lookups are cached for a short time; {@link #invalidate} drops a cached location after a call to it failed,
 * so the next lookup asks the directory again. Thread-safe.
 */
public final class DirectoryClient {
    private static final Duration DEFAULT_CACHE = Duration.ofSeconds(30);
    private final SssClient client;
    private final Supplier<Endpoint> directory;
    private final Duration cacheFor;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    /**
     * @param client    the wire client
     * @param directory where the service directory listens
     */
    public DirectoryClient(SssClient client, Endpoint directory) {
        this(client, () -> directory, DEFAULT_CACHE);
    }

    /**
     * @param client    the wire client
     * @param directory where the service directory listens (asked at each call)
     * @param cacheFor  how long a looked-up location is trusted
     */
    public DirectoryClient(SssClient client, Supplier<Endpoint> directory, Duration cacheFor) {
        this.client = client;
        this.directory = directory;
        this.cacheFor = cacheFor;
    }

    /** @return where the service directory listens */
    public Endpoint directory() {
        return directory.get();
    }

    /**
     * Registers, or renews the lease of, a location.
     *
     * @param location what to register
     * @return the registration as the directory recorded it
     * @throws SssException if the directory refuses or cannot be reached
     */
    public Location register(Location location) throws SssException {
        AddLocation request = new AddLocation();
        request.getLocation().add(location.toXml());
        Locations reply = client.call(directory.get(), request, Locations.class);
        return reply.getLocation().isEmpty() ? location : Location.from(reply.getLocation().getFirst());
    }

    /**
     * Removes a component's registration at an endpoint.
     *
     * @param component the component
     * @param endpoint  where it listened
     * @throws SssException if the directory refuses or cannot be reached
     */
    public void deregister(String component, Endpoint endpoint) throws SssException {
        DelLocation request = new DelLocation();
        LocationType restriction = new LocationType();
        restriction.setComponent(component);
        restriction.setHost(endpoint.host());
        restriction.setPort(Integer.toString(endpoint.port()));
        request.getLocation().add(restriction);
        client.call(directory.get(), request, Locations.class);
        cache.remove(component);
    }

    /**
     * Finds where a component listens.
     *
     * @param component the component's name
     * @return its endpoint (the newest registration when there are several)
     * @throws SssException {@code not-registered} if it is not registered, or the directory's failure
     */
    public Endpoint locate(String component) throws SssException {
        return locateAll(component).getFirst();
    }

    /**
     * Finds every registration of a component, newest first (a component restarted on another port is listed
     * twice until the old registration's lease runs out).
     *
     * @param component the component's name
     * @return its endpoints, never empty
     * @throws SssException {@code not-registered} if it is not registered, or the directory's failure
     */
    public List<Endpoint> locateAll(String component) throws SssException {
        Cached cached = cache.get(component);
        if (cached != null && System.nanoTime() - cached.atNanos < cacheFor.toNanos()) {
            return cached.endpoints;
        }
        GetLocation request = new GetLocation();
        LocationType restriction = new LocationType();
        restriction.setComponent(component);
        restriction.setHost("*");
        restriction.setPort("*");
        request.getLocation().add(restriction);
        Locations reply = client.call(directory.get(), request, Locations.class);
        List<Endpoint> endpoints = new ArrayList<>();
        for (LocationType found : reply.getLocation()) {
            Location location = Location.from(found);
            if (location.host() != null && location.port() != null) {
                endpoints.add(location.endpoint());
            }
        }
        if (endpoints.isEmpty()) {
            throw new SssException(ErrorCode.NOT_REGISTERED, component + " is not registered with the service directory at "
                    + directory.get());
        }
        cache.put(component, new Cached(List.copyOf(endpoints), System.nanoTime()));
        return endpoints;
    }

    /**
     * Moves an endpoint that just worked to the front of the cached list.
     *
     * @param component the component
     * @param endpoint  the endpoint that answered
     */
    void prefer(String component, Endpoint endpoint) {
        cache.computeIfPresent(component, (name, cached) -> {
            if (cached.endpoints.getFirst().equals(endpoint)) {
                return cached;
            }
            List<Endpoint> reordered = new ArrayList<>(cached.endpoints.size());
            reordered.add(endpoint);
            cached.endpoints.stream().filter(e -> !e.equals(endpoint)).forEach(reordered::add);
            return new Cached(List.copyOf(reordered), cached.atNanos);
        });
    }

    /**
     * @return every registered location, with all fields
     * @throws SssException if the directory cannot be reached
     */
    public List<Location> list() throws SssException {
        GetLocation request = new GetLocation();
        LocationType all = new LocationType();
        all.setComponent("*");
        all.setHost("*");
        all.setPort("*");
        all.setProtocol("*");
        all.setSchemaVersion("*");
        all.setTier("*");
        all.setHttpPort("*");
        all.setUrl("*");
        request.getLocation().add(all);
        return client.call(directory.get(), request, Locations.class).getLocation().stream().map(Location::from).toList();
    }

    /** Forgets the cached location of a component. */
    public void invalidate(String component) {
        cache.remove(component);
    }

    private record Cached(List<Endpoint> endpoints, long atNanos) {
    }
}
