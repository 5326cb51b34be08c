package org.sss.lib.xml.internal;

import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/** A parser error handler that stops at the first well-formedness error and ignores warnings. Stateless. */
public final class FailFast implements ErrorHandler {
    /** The shared instance. */
    public static final FailFast INSTANCE = new FailFast();

    private FailFast() {
    }

    @Override
    public void warning(SAXParseException exception) {
        // Parser warnings carry no decision.
    }

    @Override
    public void error(SAXParseException exception) throws SAXException {
        throw exception;
    }

    @Override
    public void fatalError(SAXParseException exception) throws SAXException {
        throw exception;
    }
}
