package org.sss.lib.tool;

import java.io.PrintStream;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import org.sss.lib.client.ComponentClient;
import org.sss.lib.error.SssException;
import org.sss.schema.ObjectFactory;
import org.sss.schema.ReservationCreate;
import org.sss.schema.ReservationListType;
import org.sss.schema.ReservationType;
import org.sss.schema.Reservations;

/** {@code sssadmin res create | list | delete}: advance reservations through the scheduler. */
final class AdminReservations {
    private static final String COMPONENT = "scheduler";
    private static final ObjectFactory FACTORY = new ObjectFactory();

    private AdminReservations() {
    }

    static int run(ComponentClient components, List<String> args, PrintStream out) throws SssException {
        if (args.isEmpty()) {
            throw new AdminUsageException("res needs create, list or delete");
        }
        List<String> rest = args.subList(1, args.size());
        return switch (args.getFirst()) {
            case "create" -> create(components, rest, out);
            case "list" -> list(components, rest, out);
            case "delete" -> delete(components, rest, out);
            default -> throw new AdminUsageException("res needs create, list or delete, not " + args.getFirst());
        };
    }

    private static int create(ComponentClient components, List<String> args, PrintStream out) throws SssException {
        ReservationCreate request = new ReservationCreate();
        for (int i = 0; i < args.size(); i += 2) {
            if (i + 1 >= args.size()) {
                throw new AdminUsageException(args.get(i) + " needs a value");
            }
            String value = args.get(i + 1);
            switch (args.get(i)) {
                case "--nodes" -> request.setNodes(value);
                case "--count" -> request.setCount(count(value));
                case "--start" -> request.setStart(when(value));
                case "--duration" -> request.setDuration(BigInteger.valueOf(seconds(value)));
                case "--users" -> request.setUsers(value);
                default -> throw new AdminUsageException("unknown option " + args.get(i));
            }
        }
        if ((request.getNodes() == null) == (request.getCount() == null) || request.getStart() == null
                || request.getDuration() == null || request.getUsers() == null) {
            throw new AdminUsageException("res create needs --nodes or --count, and --start, --duration and --users");
        }
        print(components.call(COMPONENT, request, Reservations.class), out);
        return SssadminMain.OK;
    }

    private static int list(ComponentClient components, List<String> args, PrintStream out) throws SssException {
        if (!args.isEmpty()) {
            throw new AdminUsageException("res list takes no arguments");
        }
        print(components.call(COMPONENT, FACTORY.createReservationQuery(ids(List.of("*"))), Reservations.class), out);
        return SssadminMain.OK;
    }

    private static int delete(ComponentClient components, List<String> args, PrintStream out) throws SssException {
        if (args.isEmpty()) {
            throw new AdminUsageException("res delete needs at least one ID");
        }
        for (ReservationType gone : components.call(COMPONENT, FACTORY.createReservationDelete(ids(args)),
                Reservations.class).getReservation()) {
            out.println("deleted " + gone.getId());
        }
        return SssadminMain.OK;
    }

    private static ReservationListType ids(List<String> ids) {
        ReservationListType list = new ReservationListType();
        for (String id : ids) {
            ReservationListType.Reservation reservation = new ReservationListType.Reservation();
            reservation.setId(id);
            list.getReservation().add(reservation);
        }
        return list;
    }

    private static void print(Reservations reservations, PrintStream out) {
        out.printf("%-8s %-20s %-20s %-24s %s%n", "ID", "START", "END", "USERS", "NODES");
        for (ReservationType r : reservations.getReservation()) {
            out.printf("%-8s %-20s %-20s %-24s %s%n", r.getId(), r.getStart(), r.getEnd(), r.getUsers(), r.getNodes());
        }
    }

    private static BigInteger count(String text) {
        try {
            int count = Integer.parseInt(text);
            if (count < 1) {
                throw new NumberFormatException();
            }
            return BigInteger.valueOf(count);
        } catch (NumberFormatException e) {
            throw new AdminUsageException("--count " + text + ": a number of nodes, at least 1");
        }
    }

    private static Instant when(String text) {
        if (text.equals("now")) {
            return Instant.now();
        }
        if (text.startsWith("+")) {
            try {
                return Instant.now().plus(Duration.ofMinutes(Long.parseLong(text.substring(1))));
            } catch (NumberFormatException e) {
                throw new AdminUsageException("--start " + text + ": +MINUTES needs a number");
            }
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw new AdminUsageException("--start " + text + ": not an ISO time (2026-11-24T08:00:00Z), now or +MINUTES");
        }
    }

    private static long seconds(String text) {
        try {
            String[] parts = text.split(":");
            long total = 0;
            for (String part : parts) {
                total = total * 60 + Long.parseLong(part);
            }
            if (total <= 0 || parts.length > 3) {
                throw new NumberFormatException();
            }
            return total;
        } catch (NumberFormatException e) {
            throw new AdminUsageException("--duration " + text + ": SECONDS or HH:MM:SS, more than 0");
        }
    }
}
