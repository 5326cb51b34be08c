package org.sss.mpd.internal.pmi;

import java.util.Optional;
import java.util.function.Consumer;

/**
 * The ring's name service as one rank's PMI-1 session uses it ({@code publish_name}, {@code unpublish_name},
 * {@code lookup_name}), scoped to the user the rank runs as. Each answer comes later, on another thread.
 */
public interface PmiNames {
    /**
     * @param service the name
     * @param port    its value
     * @param done    receives null once published, else why not
     */
    void publish(String service, String port, Consumer<String> done);

    /**
     * @param service the name
     * @param done    receives null once removed, else why not
     */
    void unpublish(String service, Consumer<String> done);

    /**
     * @param service the name
     * @param found   receives its value, or empty if it is not published (for this user)
     */
    void lookup(String service, Consumer<Optional<String>> found);
}
