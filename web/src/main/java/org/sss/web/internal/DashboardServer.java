package org.sss.web.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sss.mpd.client.OutputFile;
import org.sss.lib.error.ErrorCode;
import org.sss.lib.error.SssException;
import org.sss.lib.server.JettyServer;
import org.sss.lib.server.RequestBodies;
import org.sss.schema.JobType;

/**
 * The dashboard's HTTP server (Jetty): the page ({@code /}, {@code /app.js}, {@code /style.css}) and its resources
 * under {@code /api/}: {@code session} (GET who am I, POST a key to sign in, DELETE to sign out), {@code jobs},
 * {@code nodes}, {@code ring}, {@code reservations}, {@code activity} (the suite's XML), {@code events} (server-sent
 * events, one {@code <event/>} each), {@code jobs/ID/events} and {@code jobs/ID/accounting},
 * {@code jobs/ID/output?offset=N[&stream=error]} (the file's bytes from N; headers {@code X-SSS-Next-Offset} and
 * {@code X-SSS-Job-State}) and {@code POST jobs/ID/cancel} (with header {@code X-SSS-Action: cancel}, so another site
 * cannot make a browser send it). Refusals are {@code <error>} replies with 401, 403 or 404.
 */
public final class DashboardServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DashboardServer.class);
    private static final String SESSION_COOKIE = "sss_session";
    private static final String XML = "application/xml; charset=utf-8";
    private static final int MAX_KEY_BYTES = 8192;
    private static final long KEEPALIVE_MILLIS = 15_000;
    private static final Pattern JOB_ACTION = Pattern.compile("/api/jobs/([0-9]{1,18}(?:\\[[0-9]{1,9}\\])?)/(output|cancel|events|accounting)");
    private final JettyServer server;
    private final EventFeed feed;

    private DashboardServer(JettyServer server, EventFeed feed) {
        this.server = server;
        this.feed = feed;
    }

    /**
     * Starts serving.
     *
     * @param listen  the address to bind
     * @param port    the port (0: any free one)
     * @param cluster the cluster's name, shown on the page
     * @param view    where the lists come from
     * @param feed    the live events
     * @param access  who may read and act
     * @param log     the event log's reader (a job's events, the last day's activity)
     * @return the running server
     * @throws IOException if the port cannot be bound or the page's files are missing
     */
    public static DashboardServer start(String listen, int port, String cluster, SuiteView view, EventFeed feed,
                                        DashboardAccess access, ActivityLog log) throws IOException {
        JettyServer server = JettyServer.start("sss-web", 32 + 2 * EventFeed.MAX_STREAMS, listen, port,
                new Routes(cluster, view, feed, access, PageFiles.load(), log));
        return new DashboardServer(server, feed);
    }

    /** @return the bound port */
    public int port() {
        return server.port();
    }

    /** Ends the event streams and stops serving. */
    @Override
    public void close() {
        feed.close();
        server.close();
    }

    /** Routes each request. */
    private static final class Routes extends Handler.Abstract {
        private final String cluster;
        private final SuiteView view;
        private final EventFeed feed;
        private final DashboardAccess access;
        private final PageFiles page;
        private final ActivityLog log;

        Routes(String cluster, SuiteView view, EventFeed feed, DashboardAccess access, PageFiles page, ActivityLog log) {
            this.log = log;
            this.cluster = cluster;
            this.view = view;
            this.feed = feed;
            this.access = access;
            this.page = page;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws IOException {
            String path = Request.getPathInContext(request);
            String method = request.getMethod();
            response.getHeaders().put("X-Content-Type-Options", "nosniff");
            response.getHeaders().put("X-Frame-Options", "DENY");
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
            PageFiles.File file = page.file(path);
            if (file != null) {
                if (!"GET".equals(method) && !"HEAD".equals(method)) {
                    return refuse(response, callback, HttpStatus.METHOD_NOT_ALLOWED_405, ErrorCode.UNSUPPORTED_OPERATION,
                            method + " " + path + ": only GET");
                }
                response.getHeaders().put("Content-Security-Policy",
                        "default-src 'self'; style-src 'self'; script-src 'self'; frame-ancestors 'none'");
                return send(response, callback, HttpStatus.OK_200, file.contentType(), file.bytes());
            }
            String token = sessionToken(request);
            DashboardAccess.Visitor visitor = access.visitor(Request.getRemoteAddr(request), hostOf(request), token);
            if ("/api/session".equals(path)) {
                return session(request, response, callback, method, token, visitor);
            }
            if (!path.startsWith("/api/")) {
                return refuse(response, callback, HttpStatus.NOT_FOUND_404, ErrorCode.NOT_FOUND, "nothing at " + path);
            }
            if (!visitor.mayRead()) {
                return refuse(response, callback, HttpStatus.UNAUTHORIZED_401, ErrorCode.PERMISSION_DENIED,
                        "sign in with the viewer key or a suite key to read the dashboard from "
                                + Request.getRemoteAddr(request));
            }
            Matcher action = JOB_ACTION.matcher(path);
            try {
                if (action.matches()) {
                    String id = action.group(1);
                    return switch (action.group(2)) {
                        case "output" -> output(request, response, callback, method, id, visitor);
                        case "cancel" -> cancel(request, response, callback, method, id, visitor);
                        case "events" -> "GET".equals(method) ? send(response, callback, HttpStatus.OK_200, XML,
                                view.jobEvents(log, id)) : onlyGet(response, callback, method, path);
                        default -> "GET".equals(method) ? send(response, callback, HttpStatus.OK_200, XML,
                                view.accounting(id)) : onlyGet(response, callback, method, path);
                    };
                }
                if (!"GET".equals(method)) {
                    return onlyGet(response, callback, method, path);
                }
                return switch (path) {
                    case "/api/jobs" -> send(response, callback, HttpStatus.OK_200, XML, view.jobs());
                    case "/api/nodes" -> send(response, callback, HttpStatus.OK_200, XML, view.nodes());
                    case "/api/ring" -> send(response, callback, HttpStatus.OK_200, XML, view.ring());
                    case "/api/reservations" -> send(response, callback, HttpStatus.OK_200, XML, view.reservations());
                    case "/api/activity" -> send(response, callback, HttpStatus.OK_200, XML, view.activity(log));
                    case "/api/events" -> events(response, callback);
                    default -> refuse(response, callback, HttpStatus.NOT_FOUND_404, ErrorCode.NOT_FOUND, "nothing at " + path);
                };
            } catch (SssException e) {
                LOG.warn("web: {} {} for {}: {}", method, path, visitor.name(), e.getMessage());
                return send(response, callback, HttpStatus.BAD_GATEWAY_502, XML, view.error(e));
            }
        }

        /** @return the host the request names (its Host header or absolute URI), or null if it names none */
        private static String hostOf(Request request) {
            String host = request.getHttpURI().getHost();
            return host == null || host.isEmpty() ? null : host;
        }

        private boolean session(Request request, Response response, Callback callback, String method, String token,
                                DashboardAccess.Visitor visitor) throws IOException {
            switch (method) {
                case "GET" -> {
                    return send(response, callback, HttpStatus.OK_200, XML, VisitorXml.of(visitor, cluster));
                }
                case "POST" -> {
                    RequestBodies.read(request, MAX_KEY_BYTES, RequestBodies.DEADLINE).whenComplete((outcome, failure) -> {
                        try {
                            if (failure != null) {
                                callback.failed(failure);
                            } else if (outcome.failure() == RequestBodies.Failure.GONE) {
                                callback.failed(outcome.cause());
                            } else if (outcome.failure() == RequestBodies.Failure.TOO_SLOW) {
                                response.getHeaders().put(HttpHeader.CONNECTION, "close");
                                refuse(response, callback, HttpStatus.REQUEST_TIMEOUT_408, ErrorCode.TIMED_OUT,
                                        "the sign-in did not come within " + RequestBodies.DEADLINE.toSeconds() + " s");
                            } else {
                                signIn(request, response, callback, token, outcome.body());
                            }
                        } catch (Throwable e) {
                            callback.failed(e);
                        }
                    });
                    return true;
                }
                case "DELETE" -> {
                    access.closeSession(token);
                    Response.addCookie(response, HttpCookie.build(SESSION_COOKIE, "").path("/").httpOnly(true)
                            .sameSite(HttpCookie.SameSite.STRICT).maxAge(0).build());
                    return send(response, callback, HttpStatus.OK_200, XML,
                            VisitorXml.of(access.visitor(Request.getRemoteAddr(request), hostOf(request), null), cluster));
                }
                default -> {
                    return refuse(response, callback, HttpStatus.METHOD_NOT_ALLOWED_405, ErrorCode.UNSUPPORTED_OPERATION,
                            method + " /api/session: GET, POST or DELETE");
                }
            }
        }

        /** A sign-in: the body is a key of the suite (null: it was larger than any). */
        private boolean signIn(Request request, Response response, Callback callback, String token, byte[] body) {
            if (body == null) {
                // Larger than any key: the rest of it may still be on its way, and must not be read as a request.
                response.getHeaders().put(HttpHeader.CONNECTION, "close");
            }
            var identified = body == null ? java.util.Optional.<DashboardAccess.Visitor>empty()
                    : access.identify(new String(body, StandardCharsets.UTF_8));
            if (identified.isEmpty()) {
                LOG.warn("web: refused a sign-in from {}: no key of the suite matches", Request.getRemoteAddr(request));
                return refuse(response, callback, HttpStatus.UNAUTHORIZED_401, ErrorCode.PERMISSION_DENIED,
                        "that is not a key of this suite");
            }
            access.closeSession(token);
            String opened = access.openSession(identified.get());
            Response.addCookie(response, HttpCookie.build(SESSION_COOKIE, opened).path("/").httpOnly(true)
                    .sameSite(HttpCookie.SameSite.STRICT).maxAge(DashboardAccess.SESSION_LIFETIME.toSeconds()).build());
            LOG.info("web: {} signed in from {}", identified.get().name(), Request.getRemoteAddr(request));
            return send(response, callback, HttpStatus.OK_200, XML, VisitorXml.of(identified.get(), cluster));
        }

        private boolean output(Request request, Response response, Callback callback, String method, String id,
                               DashboardAccess.Visitor visitor) throws SssException {
            if (!"GET".equals(method)) {
                return refuse(response, callback, HttpStatus.METHOD_NOT_ALLOWED_405, ErrorCode.UNSUPPORTED_OPERATION,
                        method + ": only GET");
            }
            Fields query = Request.extractQueryParameters(request);
            long offset;
            try {
                offset = Long.parseLong(query.getValue("offset") == null ? "0" : query.getValue("offset"));
            } catch (NumberFormatException e) {
                offset = -1;
            }
            if (offset < 0) {
                return refuse(response, callback, HttpStatus.BAD_REQUEST_400, ErrorCode.BAD_VALUE, "offset must be a byte count");
            }
            if (!visitor.mayAct()) {
                return refuse(response, callback, HttpStatus.FORBIDDEN_403, ErrorCode.PERMISSION_DENIED,
                        "sign in with a suite key to cancel a job");
            }
            JobType job = view.job(id);
            if (job == null) {
                return refuse(response, callback, HttpStatus.NOT_FOUND_404, ErrorCode.NOT_FOUND, "no job " + id);
            }
            if (!visitor.mayActFor(job.getUser())) {
                return refuse(response, callback, HttpStatus.FORBIDDEN_403, ErrorCode.PERMISSION_DENIED,
                        "job " + id + " is " + job.getUser() + "'s: sign in with their key (or an admin key) to read its output");
            }
            boolean error = "error".equals(query.getValue("stream"));
            OutputFile.Chunk chunk = view.output(job, error, offset);
            response.getHeaders().put("X-SSS-Next-Offset", Long.toString(chunk.nextOffset()));
            response.getHeaders().put("X-SSS-Job-State", job.getState() == null ? "" : job.getState().value());
            String problem = JobOutput.problemFor(chunk, visitor.level() == DashboardAccess.Level.ADMIN);
            if (!problem.isEmpty()) {
                response.getHeaders().put("X-SSS-Output-Problem", problem);
            } else if (!chunk.problem().isEmpty()) {
                LOG.info("web: output of job {} not shown to {}: {}", id, visitor.name(), chunk.problem());
            }
            return send(response, callback, HttpStatus.OK_200, "text/plain; charset=utf-8", chunk.bytes());
        }

        private boolean cancel(Request request, Response response, Callback callback, String method, String id,
                               DashboardAccess.Visitor visitor) throws SssException {
            if (!"POST".equals(method)) {
                return refuse(response, callback, HttpStatus.METHOD_NOT_ALLOWED_405, ErrorCode.UNSUPPORTED_OPERATION,
                        method + ": only POST");
            }
            if (!"cancel".equals(request.getHeaders().get("X-SSS-Action"))) {
                return refuse(response, callback, HttpStatus.FORBIDDEN_403, ErrorCode.PERMISSION_DENIED,
                        "an action needs the header X-SSS-Action: cancel");
            }
            if (!visitor.mayAct()) {
                return refuse(response, callback, HttpStatus.FORBIDDEN_403, ErrorCode.PERMISSION_DENIED,
                        "sign in with a suite key to cancel a job");
            }
            JobType job = view.job(id);
            if (job == null) {
                return refuse(response, callback, HttpStatus.NOT_FOUND_404, ErrorCode.NOT_FOUND, "no job " + id);
            }
            if (!visitor.mayActFor(job.getUser())) {
                LOG.warn("web: refused to cancel job {} ({}'s) for {} from {}", id, job.getUser(), visitor.name(),
                        Request.getRemoteAddr(request));
                return refuse(response, callback, HttpStatus.FORBIDDEN_403, ErrorCode.PERMISSION_DENIED,
                        "job " + id + " is " + job.getUser() + "'s: sign in with their key (or an admin key) to cancel it");
            }
            byte[] reply = view.cancel(id, visitor);
            LOG.info("web: job {} cancelled by {} from {}", id, visitor.name(), Request.getRemoteAddr(request));
            return send(response, callback, HttpStatus.OK_200, XML, reply);
        }

        private boolean events(Response response, Callback callback) {
            EventFeed.Stream stream = feed.open();
            if (stream == null) {
                return refuse(response, callback, HttpStatus.SERVICE_UNAVAILABLE_503, ErrorCode.UNAVAILABLE,
                        EventFeed.MAX_STREAMS + " event streams are open already");
            }
            response.setStatus(HttpStatus.OK_200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream; charset=utf-8");
            try (stream; OutputStream out = Content.Sink.asOutputStream(response)) {
                out.write("retry: 2000\n\n".getBytes(StandardCharsets.UTF_8));
                for (String event : feed.recent()) {
                    out.write(("data: " + event + "\n\n").getBytes(StandardCharsets.UTF_8));
                }
                out.flush();
                while (true) {
                    String event = stream.next(KEEPALIVE_MILLIS);
                    out.write((event.isEmpty() ? ": keep-alive\n\n" : "data: " + event + "\n\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
            } catch (IOException | IllegalStateException e) {
                callback.succeeded();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                callback.succeeded();
            }
            return true;
        }

        private boolean onlyGet(Response response, Callback callback, String method, String path) {
            return refuse(response, callback, HttpStatus.METHOD_NOT_ALLOWED_405, ErrorCode.UNSUPPORTED_OPERATION,
                    method + " " + path + ": only GET");
        }

        private boolean refuse(Response response, Callback callback, int status, ErrorCode code, String message) {
            return send(response, callback, status, XML, view.errorXml(code, message));
        }

        private static boolean send(Response response, Callback callback, int status, String contentType, byte[] body) {
            response.setStatus(status);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
            response.write(true, ByteBuffer.wrap(body), callback);
            return true;
        }

        private static String sessionToken(Request request) {
            for (HttpCookie cookie : Request.getCookies(request)) {
                if (SESSION_COOKIE.equals(cookie.getName()) && !cookie.getValue().isEmpty()) {
                    return cookie.getValue();
                }
            }
            return null;
        }
    }
}
