package org.sss.mpd.internal.pmi;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/** A one-mpd job of {@code size} local ranks for session tests: fences complete when every rank entered. */
final class FakeJob implements PmiJob {
    final JobKvs kvs;
    final int size;
    final List<String> events = new ArrayList<>();
    final List<List<SpawnRequest.Command>> spawns = new ArrayList<>();
    final Map<String, String> published = new HashMap<>();

    FakeJob(int size) {
        this.size = size;
        this.kvs = new JobKvs("kvs_test", size, 0, Map.of("pre", "put"));
    }

    @Override
    public String jid() {
        return "1@test";
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public int appnum(int rank) {
        return 0;
    }

    @Override
    public int universeSize() {
        return 8;
    }

    @Override
    public Optional<String> processMapping() {
        return Optional.of("(vector,(0,1," + size + "))");
    }

    @Override
    public JobKvs kvs() {
        return kvs;
    }

    @Override
    public void attached(int rank, PmiSession session) {
        events.add("attached " + rank);
    }

    @Override
    public void barrierIn(int rank, Runnable release) {
        kvs.rankIn(release).ifPresent(c -> kvs.commit(c.puts()).forEach(Runnable::run));
    }

    @Override
    public void abort(int rank, int code) {
        events.add("abort " + rank + " " + code);
    }

    @Override
    public void finalized(int rank) {
        events.add("finalized " + rank);
    }

    @Override
    public void spawn(int rank, List<SpawnRequest.Command> commands, IntConsumer result) {
        spawns.add(commands);
        result.accept(0);
    }

    /** A name service of this job alone: a map, answering at once. */
    @Override
    public PmiNames names(int rank) {
        return new PmiNames() {
            @Override
            public void publish(String service, String port, Consumer<String> done) {
                done.accept(published.putIfAbsent(service, port) == null ? null : "already published");
            }

            @Override
            public void unpublish(String service, Consumer<String> done) {
                done.accept(published.remove(service) != null ? null : "not published");
            }

            @Override
            public void lookup(String service, Consumer<Optional<String>> found) {
                found.accept(Optional.ofNullable(published.get(service)));
            }
        };
    }
}
