package org.sss.lib.client;

import org.sss.lib.error.ErrorCode;
import org.sss.lib.error.RemoteErrorException;
import org.sss.lib.error.SssException;
import org.sss.lib.xml.MessageCodec;
import org.sss.schema.SSSError;

/** Turns reply bytes into the expected reply value, or the exception an {@code <error>} reply stands for. */
final class Replies {
    private Replies() {
    }

    /**
     * @param codec     the codec
     * @param reply     the reply bytes
     * @param replyType the expected class of the reply's value
     * @param peer      who answered, for the message
     * @param <R>       the reply type
     * @return the reply's value
     * @throws RemoteErrorException if the reply is {@code <error>}
     * @throws SssException         if the reply is invalid or of another type
     */
    static <R> R value(MessageCodec codec, byte[] reply, Class<R> replyType, Object peer) throws SssException {
        Object decoded = codec.decode(reply);
        Object value = MessageCodec.value(decoded);
        if (value instanceof SSSError error) {
            throw new RemoteErrorException(error.getType(), error.getCode(), error.getMsg());
        }
        if (!replyType.isInstance(value)) {
            throw new SssException(ErrorCode.UNKNOWN, peer + " answered <" + codec.rootName(decoded)
                    + "> where " + replyType.getSimpleName() + " was expected");
        }
        return replyType.cast(value);
    }
}
