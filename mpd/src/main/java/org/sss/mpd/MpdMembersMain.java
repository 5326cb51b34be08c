package org.sss.mpd;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code mpd --members N …}: runs {@link MpdMembers} in the foreground and takes commands on standard input, one
 * per line, each answered with one line on standard output:
 * <ul>
 *   <li>{@code whole} → {@code whole N} or {@code not-whole N} (N members running);</li>
 *   <li>{@code await-whole SECONDS} → {@code whole N MILLIS} once every member agrees, or {@code not-whole N};</li>
 *   <li>{@code crash ID…} and {@code crash-spread K} → {@code crashed ID,…} (as hosts crash);</li>
 *   <li>{@code exit} → every member leaves and the program ends.</li>
 * </ul>
 * Anything else gets {@code error WHY}. The program also ends when its last member exits (mpdallexit).
 */
final class MpdMembersMain {
    private static final String DEFAULT_FIRST_ADDRESS = "127.1.0.1:0";

    private MpdMembersMain() {
    }

    /** @return N of {@code --members N}, or 0 when absent; throws IllegalArgumentException when malformed */
    static int count(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--members")) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("--members needs a value");
                }
                try {
                    int n = Integer.parseInt(args[i + 1]);
                    if (n < 1 || n > 65_536) {
                        throw new IllegalArgumentException("--members takes 1 to 65536, not " + n);
                    }
                    return n;
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("--members needs a number, got " + args[i + 1]);
                }
            }
        }
        return 0;
    }

    /** @return the arguments without {@code --members N}, with a loopback {@code --listen} when it had none */
    static String[] without(String[] args) {
        List<String> rest = new ArrayList<>();
        boolean members = false;
        boolean listen = false;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--members")) {
                members = true;
                i++;
                continue;
            }
            listen |= args[i].equals("--listen");
            rest.add(args[i]);
        }
        if (members && !listen) {
            rest.addAll(List.of("--listen", DEFAULT_FIRST_ADDRESS));
        }
        return rest.toArray(String[]::new);
    }

    /** Runs the members until {@code exit} or until all have exited; returns the exit status. */
    static int run(MpdSettings settings, int count) {
        MpdMembers members;
        try {
            members = MpdMembers.start(settings, count);
        } catch (IOException e) {
            System.err.println("mpd: cannot start " + count + " members: " + e.getMessage());
            return 1;
        } catch (IllegalArgumentException e) {
            System.err.println("mpd: " + e.getMessage());
            return 2;
        }
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(members::close));
        PrintStream out = System.out;
        out.println("started " + count + " first " + members.running().getFirst().self().endpoint());
        out.flush();
        Thread control = Thread.ofPlatform().daemon().name("mpd-members-control").start(() -> control(members, out));
        for (Mpd mpd : members.running()) {
            mpd.awaitExit();
        }
        control.interrupt();
        return 0;
    }

    private static void control(MpdMembers members, PrintStream out) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                String[] words = line.trim().split("\\s+");
                if (words[0].isEmpty()) {
                    continue;
                }
                out.println(answer(members, words));
                out.flush();
                if (words[0].equals("exit")) {
                    members.close();
                    return;
                }
            }
        } catch (IOException e) {
            System.err.println("mpd: members' control input: " + e.getMessage());
        }
    }

    private static String answer(MpdMembers members, String[] words) {
        int running = members.running().size();
        try {
            return switch (words[0]) {
                case "whole" -> (members.whole() ? "whole " : "not-whole ") + running;
                case "await-whole" -> {
                    long started = System.nanoTime();
                    Duration timeout = Duration.ofMillis((long) (Double.parseDouble(arg(words)) * 1000));
                    boolean whole = members.awaitWhole(timeout);
                    yield whole ? "whole " + members.running().size() + " " + (System.nanoTime() - started) / 1_000_000
                            : "not-whole " + members.running().size();
                }
                case "crash" -> "crashed " + String.join(",", members.crash(Arrays.asList(words).subList(1, words.length)));
                case "crash-spread" -> "crashed " + String.join(",", members.crash(members.spread(Integer.parseInt(arg(words)))));
                case "exit" -> "exiting " + running;
                default -> "error unknown command " + words[0] + " (whole, await-whole S, crash ID..., crash-spread K, exit)";
            };
        } catch (NumberFormatException e) {
            return "error " + words[0] + " needs a number";
        } catch (IllegalArgumentException e) {
            return "error " + e.getMessage();
        }
    }

    private static String arg(String[] words) {
        if (words.length < 2) {
            throw new IllegalArgumentException(words[0] + " needs a value");
        }
        return words[1];
    }
}
