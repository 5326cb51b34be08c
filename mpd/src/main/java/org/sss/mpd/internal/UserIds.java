package org.sss.mpd.internal;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.OptionalInt;

/**
 * A user's numeric id from its name, through the C library's {@code getpwnam_r}, so that every source of users the
 * host is configured with (files, LDAP, SSSD through NSS) answers, as it does for the {@code sss-exec} helper that
 * becomes the user. glibc on a 64-bit Linux ({@code struct passwd}: two pointers, then {@code pw_uid}). Stateless
 * and thread-safe.
 */
final class UserIds {
    private static final long SIZEOF_PASSWD = 48;
    private static final long UID_OFFSET = 16;
    private static final int ERANGE = 34;
    private static final long FIRST_BUFFER = 16 * 1024;
    private static final long LARGEST_BUFFER = 1024 * 1024;
    private static final MethodHandle GETPWNAM_R = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("getpwnam_r").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));

    private UserIds() {
    }

    /**
     * @param name a user name
     * @return its uid, or empty if the host knows no such user (or cannot say)
     */
    static OptionalInt uidOf(String name) {
        if (name.isEmpty() || name.indexOf('\0') >= 0) {
            return OptionalInt.empty();
        }
        for (long size = FIRST_BUFFER; size <= LARGEST_BUFFER; size *= 4) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment passwd = arena.allocate(SIZEOF_PASSWD, 8);
                MemorySegment buffer = arena.allocate(size);
                MemorySegment result = arena.allocate(ADDRESS);
                int rc = (int) GETPWNAM_R.invokeExact(arena.allocateFrom(name), passwd, buffer, size, result);
                if (rc == ERANGE) {
                    continue;
                }
                if (rc != 0 || result.get(ADDRESS, 0).equals(MemorySegment.NULL)) {
                    return OptionalInt.empty();
                }
                return OptionalInt.of(passwd.get(JAVA_INT, UID_OFFSET));
            } catch (Throwable e) {
                return OptionalInt.empty();
            }
        }
        return OptionalInt.empty();
    }
}
