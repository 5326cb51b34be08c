package org.sss.lib.error;

import org.sss.schema.ErrorType;

/**
 * The stable error codes that travel on the wire in {@code <error type=… code=… msg=…/>}.
 *
 * <p>Each code belongs to one of the SSS error types: {@code Validation} (the message itself is wrong),
 * {@code Semantic} (valid, but cannot be carried out) or {@code Data} (it names data that does not exist or
 * has a bad value). Codes never change meaning once released; clients may branch on them.
 */
public enum ErrorCode {
    /** The frame is not {@code <decimal length><space><payload>}: bad digits, no space, zero or negative length. */
    BAD_FRAME("bad-frame", ErrorType.VALIDATION),
    /** The announced length is above the configured maximum message size. */
    MESSAGE_TOO_LARGE("message-too-large", ErrorType.VALIDATION),
    /** The payload is not well-formed XML (or not UTF-8). */
    NOT_WELL_FORMED("not-well-formed", ErrorType.VALIDATION),
    /** The payload has a document type declaration; DTDs and entities are never processed. */
    DOCTYPE_FORBIDDEN("doctype-forbidden", ErrorType.VALIDATION),
    /** The payload exceeds an XML limit: element depth, attributes per element or attribute length. */
    XML_LIMIT_EXCEEDED("xml-limit-exceeded", ErrorType.VALIDATION),
    /** The payload is well-formed but does not validate against the suite's schemas. */
    SCHEMA_INVALID("schema-invalid", ErrorType.VALIDATION),
    /** The root element is a valid SSS message that this component does not serve. */
    UNSUPPORTED_OPERATION("unsupported-operation", ErrorType.SEMANTIC),
    /** The caller's principal may not do this. */
    PERMISSION_DENIED("permission-denied", ErrorType.SEMANTIC),
    /** The request is valid but contradicts itself or the component's rules. */
    INVALID_REQUEST("invalid-request", ErrorType.SEMANTIC),
    /** The request does not fit the current state of what it names (e.g. signal a finished group). */
    INVALID_STATE("invalid-state", ErrorType.SEMANTIC),
    /** A wait the request asked for ran past its time limit; the request may be sent again. */
    TIMED_OUT("timed-out", ErrorType.SEMANTIC),
    /** The component cannot serve now (shutting down, storage unavailable, a dependency unreachable). */
    UNAVAILABLE("unavailable", ErrorType.SEMANTIC),
    /**
     * The component a request needs is not registered with the service directory (not started, stopped, or not yet
     * registered after a restart): worth trying again later, unlike {@link #NOT_FOUND}, which names missing data.
     */
    NOT_REGISTERED("not-registered", ErrorType.SEMANTIC),
    /** The component failed unexpectedly while serving the request; it keeps serving others. */
    INTERNAL_ERROR("internal-error", ErrorType.SEMANTIC),
    /** The request names something that does not exist. */
    NOT_FOUND("not-found", ErrorType.DATA),
    /** A value in the request is out of range or malformed beyond what the schema checks. */
    BAD_VALUE("bad-value", ErrorType.DATA),
    /** The reply could not be read or had a code this version does not know (client side only). */
    UNKNOWN("unknown", ErrorType.SEMANTIC);

    private final String wireCode;
    private final ErrorType type;

    ErrorCode(String wireCode, ErrorType type) {
        this.wireCode = wireCode;
        this.type = type;
    }

    /** @return the code as written in the {@code code} attribute */
    public String wireCode() {
        return wireCode;
    }

    /** @return the SSS error type this code belongs to */
    public ErrorType type() {
        return type;
    }

    /**
     * Finds the code for a wire value.
     *
     * @param wireCode the {@code code} attribute of a received error
     * @return the matching code, or {@link #UNKNOWN}
     */
    public static ErrorCode fromWire(String wireCode) {
        for (ErrorCode code : values()) {
            if (code.wireCode.equals(wireCode)) {
                return code;
            }
        }
        return UNKNOWN;
    }
}
