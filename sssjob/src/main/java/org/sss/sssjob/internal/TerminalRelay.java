package org.sss.sssjob.internal;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;

/**
 * qsub -I's side of the wire to sss-pty (mpd/src/main/c/sss-pty.c, which describes it): frames of a type byte, a
 * four-byte big-endian length (at most 64 KiB) and the data. This end sends the window size first, then the keys
 * typed ('d') and every new window size ('w'); it writes the job's terminal output ('d') to standard output until
 * the shell's exit status ('x') or the end of the connection. Sends come from two threads (keys, SIGWINCH) and are
 * serialised; receiving is the caller's thread.
 */
final class TerminalRelay {
    static final int MAX_FRAME = 65536;
    private static final long EOF_REPEAT_MILLIS = 250;
    private final Socket socket;
    private final DataInputStream in;
    private final DataOutputStream out;

    /** @param socket sss-pty's connection, its hello already read */
    TerminalRelay(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = new DataOutputStream(socket.getOutputStream());
    }

    /** @param size "ROWS COLS" */
    void sendSize(String size) throws IOException {
        send('w', size.getBytes(StandardCharsets.US_ASCII), size.length());
    }

    /**
     * Sends keys as they are read from {@code keys} until it ends or the connection does; for its own thread. Input
     * that is not a terminal (a pipe) ends with the terminal's end-of-file character, ^D, which the shell reads as
     * the end of its input once the line before it is done.
     *
     * @param keys        what is typed
     * @param endWithEof  whether to send ^D when {@code keys} ends
     */
    void forwardKeys(InputStream keys, boolean endWithEof) {
        byte[] buffer = new byte[4096];
        try {
            int n;
            while ((n = keys.read(buffer)) > 0) {
                send('d', buffer, n);
            }
            while (endWithEof) {
                send('d', new byte[] {4}, 1);
                Thread.sleep(EOF_REPEAT_MILLIS);
            }
        } catch (IOException e) {
            // the connection ended: the main thread sees it too and tells the user
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private synchronized void send(char type, byte[] data, int length) throws IOException {
        out.writeByte(type);
        out.writeInt(length);
        out.write(data, 0, length);
        out.flush();
    }

    /**
     * Writes the terminal's output to {@code screen} until the shell's end.
     *
     * @param screen where the output goes (flushed after each frame)
     * @return the shell's exit status, or empty if the connection ended without it
     */
    OptionalInt relayOutput(OutputStream screen) {
        byte[] buffer = new byte[MAX_FRAME];
        try {
            while (true) {
                int type = in.readUnsignedByte();
                int length = in.readInt();
                if (length < 0 || length > MAX_FRAME) {
                    return OptionalInt.empty();
                }
                in.readFully(buffer, 0, length);
                if (type == 'd') {
                    screen.write(buffer, 0, length);
                    screen.flush();
                } else if (type == 'x') {
                    String text = new String(buffer, 0, length, StandardCharsets.US_ASCII);
                    return text.matches("[0-9]{1,3}") ? OptionalInt.of(Integer.parseInt(text)) : OptionalInt.empty();
                } else {
                    return OptionalInt.empty();
                }
            }
        } catch (EOFException e) {
            return OptionalInt.empty();
        } catch (IOException e) {
            return OptionalInt.empty();
        } finally {
            close();
        }
    }

    void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing only
        }
    }
}
