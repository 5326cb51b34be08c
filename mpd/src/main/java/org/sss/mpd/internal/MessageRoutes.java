package org.sss.mpd.internal;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which object handles each command an mpd receives, by the message's {@code cmd}: one entry per command, filled
 * while the mpd is assembled and only read after (by every link's reader thread; the table must be complete before
 * the mpd accepts a connection). A command with no route breaks the protocol. docs/MPD-PROTOCOL.md lists the
 * commands.
 */
public final class MessageRoutes {
    /** Handles one message, on the reader thread of the link it came on. */
    @FunctionalInterface
    public interface Route {
        /**
         * @param link    where it came from
         * @param message the message
         * @throws MalformedMessageException if it breaks the protocol (the link is then dropped)
         */
        void handle(Link link, MpdMessage message) throws MalformedMessageException;
    }

    private final Map<String, Route> routes = new HashMap<>();

    /**
     * @param cmd   a command
     * @param route what handles it
     * @return this table
     * @throws IllegalStateException if the command already has a route
     */
    public MessageRoutes on(String cmd, Route route) {
        if (routes.putIfAbsent(cmd, route) != null) {
            throw new IllegalStateException("two routes for " + cmd);
        }
        return this;
    }

    /**
     * @param cmds  commands handled alike
     * @param route what handles them
     * @return this table
     * @throws IllegalStateException if one of them already has a route
     */
    public MessageRoutes on(List<String> cmds, Route route) {
        cmds.forEach(cmd -> on(cmd, route));
        return this;
    }

    /**
     * Hands a message to its route.
     *
     * @param link    where it came from
     * @param message the message
     * @throws MalformedMessageException if no route takes its command, or the route finds it malformed
     */
    public void route(Link link, MpdMessage message) throws MalformedMessageException {
        Route route = routes.get(message.cmd());
        if (route == null) {
            throw new MalformedMessageException("unknown command " + message.cmd());
        }
        route.handle(link, message);
    }
}
