package org.sss.lib.config;

import jakarta.xml.bind.JAXBElement;
import jakarta.xml.bind.JAXBException;
import jakarta.xml.bind.Unmarshaller;
import jakarta.xml.bind.UnmarshallerHandler;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.validation.ValidatorHandler;
import org.sss.lib.wire.KeyRing;
import org.sss.lib.wire.Principal;
import org.sss.lib.wire.Role;
import org.sss.lib.wire.SharedKey;
import org.sss.lib.xml.XmlBinding;
import org.sss.lib.xml.XmlLimits;
import org.sss.lib.xml.internal.FailFast;
import org.sss.lib.xml.internal.HardenedXml;
import org.sss.lib.xml.internal.LimitingHandler;
import org.sss.lib.xml.internal.ValidationErrors;
import org.sss.schema.config.ComponentType;
import org.sss.schema.config.EventManagerType;
import org.sss.schema.config.KeyType;
import org.sss.schema.config.RegistrationType;
import org.sss.schema.config.ServiceDirectoryType;
import org.sss.schema.config.Sss;
import org.sss.schema.config.WireType;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.XMLReader;

/**
 * Reads a configuration file ({@code etc/sss.xml}): hardened parsing, validation against
 * {@code schemas/config.xsd}, then the checks a schema cannot make (key files exist and are private, named keys
 * exist). The first problem stops loading with a {@link ConfigException} naming file, line and field.
 */
public final class ConfigLoader {
    private static final long MAX_CONFIG_BYTES = 1024 * 1024;
    private static final Pattern ATTRIBUTE = Pattern.compile("attribute '([^']+)'");

    private ConfigLoader() {
    }

    /**
     * @param file the configuration file
     * @return the checked configuration
     * @throws ConfigException naming file, line and field of the first problem
     */
    public static SssConfig load(Path file) throws ConfigException {
        Sss raw = parse(file);
        return new Builder(file, raw).build();
    }

    /**
     * Reads and validates a configuration without the checks that need its files (keys that exist and are private),
     * for tools that make those files ({@code sss keys init}).
     *
     * @param file the configuration file
     * @return its validated tree
     * @throws ConfigException naming file, line and field of the first problem
     */
    public static Sss parseOnly(Path file) throws ConfigException {
        return parse(file);
    }

    private static Sss parse(Path file) throws ConfigException {
        byte[] bytes;
        try {
            if (Files.size(file) > MAX_CONFIG_BYTES) {
                throw new ConfigException(file, 0, null, "larger than " + MAX_CONFIG_BYTES + " bytes");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file, 0, null, "no such file (give one with --config FILE or SSS_CONFIG)");
        } catch (IOException e) {
            throw new ConfigException(file, 0, null, "cannot read: " + e.getMessage());
        }
        if (HardenedXml.hasDoctype(bytes)) {
            throw new ConfigException(file, 1, null, "DOCTYPE declarations are not accepted");
        }
        XmlBinding binding = XmlBinding.config();
        XMLReader reader = HardenedXml.newReader();
        ValidatorHandler validator = HardenedXml.newValidator(binding.schema());
        ValidationErrors errors = new ValidationErrors();
        LimitingHandler limiter = new LimitingHandler(XmlLimits.DEFAULT);
        try {
            Unmarshaller unmarshaller = binding.context().createUnmarshaller();
            UnmarshallerHandler target = unmarshaller.getUnmarshallerHandler();
            validator.setErrorHandler(errors);
            validator.setContentHandler(target);
            limiter.reset(validator);
            reader.setContentHandler(limiter);
            reader.setErrorHandler(FailFast.INSTANCE);
            reader.parse(HardenedXml.source(bytes));
            errors.throwIfAny();
            Object result = target.getResult();
            return (Sss) (result instanceof JAXBElement<?> element ? element.getValue() : result);
        } catch (ValidationErrors.SchemaViolationException e) {
            throw new ConfigException(file, e.location().getLineNumber(), field(limiter.currentElement(), e.getMessage()),
                    e.getMessage());
        } catch (SAXParseException e) {
            throw new ConfigException(file, e.getLineNumber(), null, "not well-formed XML: " + e.getMessage());
        } catch (SAXException | IOException | JAXBException e) {
            throw new ConfigException(file, 0, limiter.currentElement() == null ? null : "<" + limiter.currentElement() + ">",
                    e.getMessage());
        }
    }

    private static String field(String element, String message) {
        Matcher attribute = ATTRIBUTE.matcher(message);
        String name = attribute.find() ? " " + attribute.group(1) : "";
        return element == null ? null : "<" + element + ">" + name;
    }

    /** Turns the validated tree into settings, checking what the schema cannot. */
    private static final class Builder {
        private final Path file;
        private final Path dir;
        private final Sss raw;

        Builder(Path file, Sss raw) {
            this.file = file;
            this.dir = file.toAbsolutePath().normalize().getParent();
            this.raw = raw;
        }

        SssConfig build() throws ConfigException {
            Path varDir = dir.resolve(raw.getVar()).normalize();
            KeyRing keys = keys();
            var security = new Security(org.sss.lib.wire.Digest.fromConfig(raw.getSecurity().getDigest().value()), keys);
            RegistrationType registration = raw.getRegistration() != null ? raw.getRegistration() : new RegistrationType();
            ServiceDirectoryType sd = raw.getServiceDirectory();
            EventManagerType em = raw.getEventManager() != null ? raw.getEventManager() : new EventManagerType();
            return new SssConfig(file, raw.getCluster(), varDir, security, wire(), seconds(registration.getRenewInterval()),
                    new ServiceDirectorySettings(component(sd, "service-directory", keys), seconds(sd.getLease()),
                            seconds(sd.getSweepInterval())),
                    new EventManagerSettings(component(em, "event-manager", keys), varDir.resolve(em.getDatabase()).normalize(),
                            em.getRetentionEvents(), seconds(em.getRetentionAge()), em.getPushBatch(), seconds(em.getRetryMax())),
                    raw);
        }

        private KeyRing keys() throws ConfigException {
            List<SharedKey> keys = new ArrayList<>();
            Set<String> names = new HashSet<>();
            for (KeyType key : raw.getSecurity().getKey()) {
                String where = "<key name='" + key.getName() + "'>";
                if (!names.add(key.getName())) {
                    throw new ConfigException(file, line(key), where + " name", "a key with this name is already defined");
                }
                Role role = Role.fromConfig(key.getRole().value());
                if (role == Role.USER && key.getUser() == null) {
                    throw new ConfigException(file, line(key), where + " user", "a key with role user needs a user attribute");
                }
                try {
                    keys.add(SharedKey.load(key.getName(), dir.resolve(key.getFile()).normalize(),
                            new Principal(key.getName(), role, key.getUser())));
                } catch (IOException e) {
                    throw new ConfigException(file, line(key), where + " file", e.getMessage());
                }
            }
            String client = raw.getSecurity().getClientKey();
            if (!names.contains(client)) {
                throw new ConfigException(file, line(raw.getSecurity()), "<security> client-key",
                        "no key named '" + client + "' is defined");
            }
            return new KeyRing(keys, client);
        }

        private WireSettings wire() {
            WireType wire = raw.getWire();
            if (wire == null) {
                return WireSettings.DEFAULT;
            }
            return new WireSettings(wire.getMaxMessageBytes(), seconds(wire.getIdleTimeout()), seconds(wire.getHandshakeTimeout()),
                    seconds(wire.getFrameTimeout()), seconds(wire.getCallTimeout()), wire.getMaxConnections(),
                    new XmlLimits(wire.getMaxDepth(), wire.getMaxAttributes(), wire.getMaxAttributeChars()));
        }

        private ComponentSettings component(ComponentType element, String name, KeyRing keys) throws ConfigException {
            return ConfigSections.component(file, keys, element, name);
        }

        private static int line(Object element) {
            return ConfigSections.line(element);
        }

        private static Duration seconds(BigDecimal seconds) {
            return ConfigSections.seconds(seconds);
        }
    }
}
