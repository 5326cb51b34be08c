package org.sss.mpd.internal;

/** Names the errno values the mpd can meet when starting and watching processes. */
final class Errno {
    private Errno() {
    }

    static String describe(int errno) {
        String text = switch (errno) {
            case 1 -> "operation not permitted";
            case 2 -> "no such file or directory";
            case 3 -> "no such process";
            case 4 -> "interrupted";
            case 7 -> "argument list too long";
            case 8 -> "not an executable format";
            case 9 -> "bad file descriptor";
            case 10 -> "no child processes";
            case 11 -> "resource temporarily unavailable";
            case 12 -> "out of memory";
            case 13 -> "permission denied";
            case 20 -> "not a directory";
            case 21 -> "is a directory";
            case 22 -> "invalid argument";
            case 23, 24 -> "too many open files";
            case 26 -> "text file busy";
            case 32 -> "broken pipe";
            case 40 -> "too many levels of symbolic links";
            default -> "error";
        };
        return text + " (errno " + errno + ")";
    }
}
