package org.sss.lib.xml;

import jakarta.xml.bind.JAXBElement;
import jakarta.xml.bind.JAXBException;
import jakarta.xml.bind.JAXBIntrospector;
import jakarta.xml.bind.Marshaller;
import jakarta.xml.bind.Unmarshaller;
import jakarta.xml.bind.UnmarshallerHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import javax.xml.validation.ValidatorHandler;
import org.sss.lib.error.ErrorCode;
import org.sss.lib.error.SssException;
import org.sss.lib.xml.internal.FailFast;
import org.sss.lib.xml.internal.HardenedXml;
import org.sss.lib.xml.internal.LimitingHandler;
import org.sss.lib.xml.internal.ValidationErrors;
import org.sss.lib.xml.internal.XmlWriter;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.XMLReader;

/**
 * The one way messages become objects and objects become messages.
 *
 * <p>Decoding runs each payload through a pipeline of SAX stages: a hardened Xerces parser (no DOCTYPE, no
 * external anything), the {@link XmlLimits} check, Xerces validation against the grammar, then JAXB. A failure
 * at any stage is an {@link SssException} with the code of that stage: {@link ErrorCode#DOCTYPE_FORBIDDEN},
 * {@link ErrorCode#NOT_WELL_FORMED}, {@link ErrorCode#XML_LIMIT_EXCEEDED} or {@link ErrorCode#SCHEMA_INVALID}.
 * Encoding validates too: a message that does not match the grammar is never sent.
 *
 * <p>Thread-safe. Parsers, validators and (un)marshallers are not, so each call borrows a set from a small pool;
 * a set that saw a failure is dropped rather than reused.
 */
public final class MessageCodec {
    private static final int MAX_POOLED = 64;
    private final XmlBinding binding;
    private final XmlLimits limits;
    private final JAXBIntrospector introspector;
    private final ConcurrentLinkedQueue<Worker> pool = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pooled = new AtomicInteger();

    /**
     * @param binding the grammar and classes
     * @param limits  structural limits for decoding
     */
    public MessageCodec(XmlBinding binding, XmlLimits limits) {
        this.binding = binding;
        this.limits = limits;
        this.introspector = binding.context().createJAXBIntrospector();
    }

    /** @return a codec for the suite's messages with default limits */
    public static MessageCodec messages() {
        return new MessageCodec(XmlBinding.messages(), XmlLimits.DEFAULT);
    }

    /** @return the limits this codec enforces */
    public XmlLimits limits() {
        return limits;
    }

    /**
     * Parses, checks, validates and unmarshals one message.
     *
     * @param payload the raw message bytes
     * @return the root object: an instance of a generated {@code @XmlRootElement} class or a {@link JAXBElement}
     * @throws SssException with a Validation code describing the first problem found
     */
    public Object decode(byte[] payload) throws SssException {
        if (HardenedXml.hasDoctype(payload)) {
            throw new SssException(ErrorCode.DOCTYPE_FORBIDDEN, "document type declarations (DOCTYPE) are not accepted");
        }
        Worker worker = borrow();
        boolean clean = false;
        try {
            Object result = worker.decode(payload);
            clean = true;
            return result;
        } catch (LimitingHandler.LimitExceededException e) {
            throw new SssException(ErrorCode.XML_LIMIT_EXCEEDED, e.getMessage());
        } catch (ValidationErrors.SchemaViolationException e) {
            throw new SssException(ErrorCode.SCHEMA_INVALID, at(e.location()) + e.getMessage());
        } catch (SAXParseException e) {
            throw new SssException(ErrorCode.NOT_WELL_FORMED, at(e) + e.getMessage());
        } catch (SAXException e) {
            throw new SssException(ErrorCode.SCHEMA_INVALID, rootMessage(e));
        } catch (IOException e) {
            throw new SssException(ErrorCode.NOT_WELL_FORMED, "unreadable text: " + e.getMessage());
        } catch (JAXBException | IllegalStateException e) {
            throw new SssException(ErrorCode.SCHEMA_INVALID, rootMessage(e));
        } catch (RuntimeException e) {
            throw new SssException(ErrorCode.NOT_WELL_FORMED, "parser rejected the document: " + e, e);
        } finally {
            giveBack(worker, clean);
        }
    }

    /**
     * Validates and marshals one message (no XML declaration, UTF-8).
     *
     * @param message a generated root object or {@link JAXBElement}
     * @return the bytes to send
     * @throws SssException {@link ErrorCode#INTERNAL_ERROR} if the message does not validate: a bug in the sender
     */
    public byte[] encode(Object message) throws SssException {
        Worker worker = borrow();
        boolean clean = false;
        try {
            byte[] bytes = worker.encode(message);
            clean = true;
            return bytes;
        } catch (JAXBException e) {
            throw new SssException(ErrorCode.INTERNAL_ERROR,
                    "outgoing <" + rootName(message) + "> does not validate: " + rootMessage(e), e);
        } finally {
            giveBack(worker, clean);
        }
    }

    /**
     * @param message a decoded or to-be-encoded root
     * @return the local name of its root element, e.g. {@code add-location}
     */
    public String rootName(Object message) {
        if (message instanceof JAXBElement<?> element) {
            return element.getName().getLocalPart();
        }
        var name = introspector.getElementName(message);
        return name == null ? message.getClass().getSimpleName() : name.getLocalPart();
    }

    /**
     * @param message a decoded root
     * @return the value: the object itself, or a {@link JAXBElement}'s value
     */
    public static Object value(Object message) {
        return JAXBIntrospector.getValue(message);
    }

    /** @return the message as text, for logs and tools; never throws */
    public String toText(Object message) {
        try {
            return new String(encode(message), StandardCharsets.UTF_8);
        } catch (SssException e) {
            return "<" + rootName(message) + "/> (unprintable: " + e.getMessage() + ")";
        }
    }

    private static String at(SAXParseException e) {
        return e == null || e.getLineNumber() < 0 ? "" : "line " + e.getLineNumber() + ", column " + e.getColumnNumber() + ": ";
    }

    private static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String text = cause.getMessage() != null ? cause.getMessage() : e.getMessage();
        return ValidationErrors.stripKey(text != null ? text : e.toString());
    }

    private Worker borrow() {
        Worker worker = pool.poll();
        if (worker == null) {
            return new Worker();
        }
        pooled.decrementAndGet();
        return worker;
    }

    private void giveBack(Worker worker, boolean clean) {
        if (clean && pooled.incrementAndGet() <= MAX_POOLED) {
            pool.offer(worker);
        } else if (clean) {
            pooled.decrementAndGet();
        }
    }

    /** One set of non-thread-safe parsing and binding objects. */
    private final class Worker {
        private final XMLReader reader = HardenedXml.newReader();
        private final ValidatorHandler validator = HardenedXml.newValidator(binding.schema());
        private final ValidationErrors validationErrors = new ValidationErrors();
        private final ValidatorHandler outboundValidator = HardenedXml.newValidator(binding.schema());
        private final ValidationErrors outboundErrors = new ValidationErrors();
        private final XmlWriter writer = new XmlWriter();
        private final LimitingHandler limiter = new LimitingHandler(limits);
        private final Unmarshaller unmarshaller;
        private final Marshaller marshaller;

        Worker() {
            try {
                unmarshaller = binding.context().createUnmarshaller();
                unmarshaller.setEventHandler(event -> false);
                marshaller = binding.context().createMarshaller();
                marshaller.setEventHandler(event -> false);
            } catch (JAXBException e) {
                throw new IllegalStateException("cannot create JAXB (un)marshallers: " + e, e);
            }
            validator.setErrorHandler(validationErrors);
            reader.setErrorHandler(FailFast.INSTANCE);
            outboundValidator.setErrorHandler(outboundErrors);
            outboundValidator.setContentHandler(writer);
        }

        Object decode(byte[] payload) throws SAXException, IOException, JAXBException {
            UnmarshallerHandler target = unmarshaller.getUnmarshallerHandler();
            validationErrors.reset();
            validator.setContentHandler(target);
            limiter.reset(validator);
            reader.setContentHandler(limiter);
            reader.parse(HardenedXml.source(payload));
            validationErrors.throwIfAny();
            return target.getResult();
        }

        byte[] encode(Object message) throws JAXBException {
            outboundErrors.reset();
            writer.reset();
            marshaller.marshal(message, outboundValidator);
            try {
                outboundErrors.throwIfAny();
            } catch (ValidationErrors.SchemaViolationException e) {
                throw new jakarta.xml.bind.MarshalException(e.getMessage(), e);
            }
            return writer.toBytes();
        }
    }
}
