package org.sss.mpd.internal;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.sss.mpd.internal.names.NameTable;
import org.sss.mpd.internal.names.NameTable.Persistence;
import org.sss.mpd.internal.names.NameTable.Status;
import org.sss.mpd.internal.pmi.PmiNames;

/**
 * One PMI-1 rank's view of the ring's {@link NameService}: its user's names, published as its job's (they go when
 * the job's ranks on this host have ended, or when unpublished). Immutable.
 *
 * @param names     the name service
 * @param user      the user the rank runs as
 * @param publisher the rank
 */
record Pmi1Names(NameService names, String user, NameTable.Publisher publisher) implements PmiNames {
    @Override
    public void publish(String service, String port, Consumer<String> done) {
        names.publish(user, publisher, Persistence.JOB, Map.of(service, port), (status, found) ->
                done.accept(status == Status.OK ? null : why(status)));
    }

    @Override
    public void unpublish(String service, Consumer<String> done) {
        names.unpublish(user, publisher, List.of(service), (status, found) ->
                done.accept(status == Status.OK ? null : why(status)));
    }

    @Override
    public void lookup(String service, Consumer<Optional<String>> found) {
        names.lookup(user, publisher, List.of(service), false, 0, (status, entries) ->
                found.accept(Optional.ofNullable(entries.get(service)).map(NameTable.Entry::value)));
    }

    private static String why(Status status) {
        return switch (status) {
            case EXISTS -> "service_already_published";
            case NOT_FOUND -> "service_not_published";
            case TOO_MANY -> "too_many_names_published";
            case INVALID -> "service_or_port_too_long";
            default -> "name_service_" + status.wire();
        };
    }
}
