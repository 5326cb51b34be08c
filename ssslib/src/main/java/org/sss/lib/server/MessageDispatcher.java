package org.sss.lib.server;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sss.lib.error.ErrorCode;
import org.sss.lib.error.ErrorReplies;
import org.sss.lib.error.SssException;
import org.sss.lib.xml.MessageCodec;

/**
 * Decodes a request, finds the handler of its root element, runs it and encodes the reply.
 *
 * <p>Every failure is an {@code <error>} reply: decoding failures with their Validation code, an element this
 * component does not serve with {@link ErrorCode#UNSUPPORTED_OPERATION}, a handler's {@link SssException} with
 * its own code, and anything unexpected with {@link ErrorCode#INTERNAL_ERROR} (logged with its stack trace, since
 * it is a bug). Thread-safe; handlers are registered before the component starts serving.
 */
public final class MessageDispatcher implements MessageHandler {
    private static final Logger LOG = LoggerFactory.getLogger(MessageDispatcher.class);
    private final MessageCodec codec;
    private final Map<String, Route<?>> routes = new ConcurrentHashMap<>();
    private final Metrics metrics = new Metrics();

    /** @param codec the codec for requests and replies */
    public MessageDispatcher(MessageCodec codec) {
        this.codec = codec;
    }

    /** @return the codec */
    public MessageCodec codec() {
        return codec;
    }

    /**
     * Registers the handler of one root element.
     *
     * @param rootElement the element's name, e.g. {@code add-location}
     * @param type        the class the decoded request (or its value) must have
     * @param handler     the handler
     * @param <Q>         the request type
     * @return this dispatcher
     * @throws IllegalStateException if the element already has a handler
     */
    public <Q> MessageDispatcher register(String rootElement, Class<Q> type, OperationHandler<Q> handler) {
        if (routes.putIfAbsent(rootElement, new Route<>(type, handler)) != null) {
            throw new IllegalStateException("<" + rootElement + "> already has a handler");
        }
        return this;
    }

    /** @return whether the element has a handler */
    public boolean serves(String rootElement) {
        return routes.containsKey(rootElement);
    }

    @Override
    public byte[] handle(byte[] payload, RequestContext context) {
        long start = System.nanoTime();
        String operation = "invalid";
        ErrorCode failed = null;
        Object reply;
        try {
            Object request = codec.decode(payload);
            operation = codec.rootName(request);
            reply = dispatch(request, context);
        } catch (SssException e) {
            log(context, e);
            failed = e.code();
            reply = ErrorReplies.of(e);
        } catch (RuntimeException e) {
            LOG.error("{}: handler failed for a request from {} ({}): {}", context.component(), context.peer(),
                    context.principal(), e.toString(), e);
            failed = ErrorCode.INTERNAL_ERROR;
            reply = ErrorReplies.of(ErrorCode.INTERNAL_ERROR, "internal error: " + e.getClass().getSimpleName());
        }
        byte[] encoded = encode(reply, context);
        metrics.record(operation, System.nanoTime() - start, failed == null ? null : failed.type().value(),
                failed == null ? null : failed.wireCode());
        return encoded;
    }

    /** @return the requests, errors and latencies counted so far, and the component's gauges */
    public Metrics metrics() {
        return metrics;
    }

    /**
     * Runs the handler for an already decoded request.
     *
     * @param request a decoded root
     * @param context who asks
     * @return the handler's reply
     * @throws SssException the handler's failure, or unsupported-operation
     */
    public Object dispatch(Object request, RequestContext context) throws SssException {
        String root = codec.rootName(request);
        Route<?> route = routes.get(root);
        if (route == null) {
            throw new SssException(ErrorCode.UNSUPPORTED_OPERATION,
                    context.component() + " does not serve <" + root + ">");
        }
        return route.invoke(request, context);
    }

    @Override
    public byte[] errorReply(ErrorCode code, String message) {
        try {
            return codec.encode(ErrorReplies.of(code, message));
        } catch (SssException e) {
            return fallbackError();
        }
    }

    private byte[] encode(Object reply, RequestContext context) {
        try {
            return codec.encode(reply);
        } catch (SssException e) {
            LOG.error("{}: reply to {} does not validate: {}", context.component(), context.peer(), e.getMessage());
            return errorReply(ErrorCode.INTERNAL_ERROR, "the reply could not be encoded");
        }
    }

    private static byte[] fallbackError() {
        return "<error type=\"Semantic\" code=\"internal-error\" msg=\"error reply could not be encoded\"/>"
                .getBytes(StandardCharsets.UTF_8);
    }

    private static void log(RequestContext context, SssException e) {
        LOG.info("{}: refused request from {} ({}): {} {}", context.component(), context.peer(), context.principal(),
                e.code().wireCode(), e.getMessage());
    }

    /** A root element's handler and the type it expects. */
    private record Route<Q>(Class<Q> type, OperationHandler<Q> handler) {
        Object invoke(Object request, RequestContext context) throws SssException {
            Object value = MessageCodec.value(request);
            if (!type.isInstance(value)) {
                throw new SssException(ErrorCode.INTERNAL_ERROR, "decoded " + value.getClass().getSimpleName()
                        + " where " + type.getSimpleName() + " was expected");
            }
            return handler.handle(type.cast(value), context);
        }
    }
}
