package org.sss.bench;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.sss.lib.error.SssException;
import org.sss.lib.xml.MessageCodec;

/**
 * The codec's cost per message: parse + limit checks + Xerces validation + JAXB unmarshal of a request, and
 * JAXB marshal + validation of a reply, for the messages a service directory sees most.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class CodecBenchmark {
    private static final byte[] GET_LOCATION = ("<get-location><location><component>queue-manager</component>"
            + "<host>*</host><port>*</port></location></get-location>").getBytes(StandardCharsets.UTF_8);
    private static final byte[] ADD_LOCATION = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><add-location><location>"
            + "<component>scheduler</component><host>node17.cluster</host><port>40559</port><protocol>challenge</protocol>"
            + "<schema_version>1.0</schema_version><tier>1</tier></location></add-location>").getBytes(StandardCharsets.UTF_8);
    private static final byte[] LOCATIONS = ("<locations><location><component>queue-manager</component><host>h1</host>"
            + "<port>15004</port></location></locations>").getBytes(StandardCharsets.UTF_8);

    private MessageCodec codec;
    private Object locationsReply;

    /** Builds the codec (the JAXB context and compiled schema are shared, as in a component). */
    @Setup
    public void setUp() throws SssException {
        codec = MessageCodec.messages();
        locationsReply = codec.decode(LOCATIONS);
    }

    /** @return a decoded get-location request */
    @Benchmark
    public Object decodeGetLocation() throws SssException {
        return codec.decode(GET_LOCATION);
    }

    /** @return a decoded add-location request in Maui's form */
    @Benchmark
    public Object decodeAddLocation() throws SssException {
        return codec.decode(ADD_LOCATION);
    }

    /** @return an encoded locations reply */
    @Benchmark
    public byte[] encodeLocations() throws SssException {
        return codec.encode(locationsReply);
    }

    /** @return what a server does per request besides the handler: decode the request, encode the reply */
    @Benchmark
    public byte[] serverRoundTrip() throws SssException {
        codec.decode(GET_LOCATION);
        return codec.encode(locationsReply);
    }
}
