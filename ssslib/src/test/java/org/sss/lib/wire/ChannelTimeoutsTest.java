package org.sss.lib.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ChannelTimeoutsTest {
    @Test
    void aFrameReaderWaitingPastTheIdleTimeoutIsUnblockedByClosingItsChannel() throws IOException {
        Pipe pipe = Pipe.open();
        try (ChannelTimeouts timeouts = ChannelTimeouts.watch(pipe.source(), Duration.ofMillis(200), Duration.ofSeconds(5))) {
            FrameReader reader = new FrameReader(Channels.newInputStream(pipe.source()), 4096, timeouts);
            assertThatThrownBy(reader::read).isInstanceOf(IOException.class);
            assertThat(timeouts.expired()).isEqualTo("idle for 200 ms");
            assertThat(pipe.source().isOpen()).isFalse();
        } finally {
            pipe.sink().close();
        }
    }

    @Test
    void aFrameThatStartedMustCompleteWithinTheFrameTimeout() throws IOException {
        Pipe pipe = Pipe.open();
        try (ChannelTimeouts timeouts = ChannelTimeouts.watch(pipe.source(), Duration.ofSeconds(30), Duration.ofMillis(200))) {
            pipe.sink().write(ByteBuffer.wrap("10 <a".getBytes(StandardCharsets.US_ASCII)));
            FrameReader reader = new FrameReader(Channels.newInputStream(pipe.source()), 4096, timeouts);
            assertThatThrownBy(reader::read).isInstanceOf(IOException.class);
            assertThat(timeouts.expired()).isEqualTo("message not complete within 200 ms");
        } finally {
            pipe.sink().close();
        }
    }

    @Test
    void aDisarmedDeadlineClosesNothing() {
        AtomicBoolean closed = new AtomicBoolean();
        try (ChannelTimeouts timeouts = ChannelTimeouts.watch(() -> closed.set(true), Duration.ofMillis(100), Duration.ofMillis(100))) {
            timeouts.arm(Duration.ofMillis(100), "test");
            timeouts.disarm();
            await().during(Duration.ofMillis(400)).atMost(Duration.ofSeconds(2)).untilFalse(closed);
            assertThat(timeouts.expired()).isNull();
        } catch (SocketTimeoutException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void anArmedDeadlineClosesTheChannelAndLaterArmingFails() throws SocketTimeoutException {
        AtomicBoolean closed = new AtomicBoolean();
        try (ChannelTimeouts timeouts = ChannelTimeouts.watch(() -> closed.set(true), Duration.ofSeconds(30), Duration.ofSeconds(30))) {
            timeouts.arm(Duration.ofMillis(50), "reply not read");
            await().atMost(Duration.ofSeconds(2)).untilTrue(closed);
            assertThat(timeouts.expired()).isEqualTo("reply not read");
            assertThatThrownBy(timeouts::awaitingFrame).isInstanceOf(SocketTimeoutException.class)
                    .hasMessage("reply not read");
        }
    }

    @Test
    void aPassedFrameDeadlineFailsAtOnce() {
        try (ChannelTimeouts timeouts = ChannelTimeouts.watch(() -> { }, Duration.ofSeconds(30), Duration.ofMillis(250))) {
            assertThatThrownBy(() -> timeouts.insideFrame(System.nanoTime() - 1))
                    .isInstanceOf(SocketTimeoutException.class).hasMessage("message not complete within 250 ms");
        }
    }
}
