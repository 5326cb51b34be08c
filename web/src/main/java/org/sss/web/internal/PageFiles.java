package org.sss.web.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;

/** The page's files, read once from the classpath ({@code org/sss/web/dashboard/}). */
final class PageFiles {
    private static final String BASE = "/org/sss/web/dashboard/";
    private final Map<String, File> files;

    /** One file: its bytes and content type. */
    record File(byte[] bytes, String contentType) {
    }

    private PageFiles(Map<String, File> files) {
        this.files = Map.copyOf(files);
    }

    static PageFiles load() throws IOException {
        Map<String, File> files = new HashMap<>();
        File index = read("index.html", "text/html; charset=utf-8");
        files.put("/", index);
        files.put("/index.html", index);
        files.put("/app.js", read("app.js", "text/javascript; charset=utf-8"));
        files.put("/timeline.js", read("timeline.js", "text/javascript; charset=utf-8"));
        files.put("/style.css", read("style.css", "text/css; charset=utf-8"));
        files.put("/favicon.svg", read("favicon.svg", "image/svg+xml"));
        return new PageFiles(files);
    }

    /**
     * @param path a request's path
     * @return the file served there, or {@code null}
     */
    File file(String path) {
        return files.get(path);
    }

    private static File read(String name, String contentType) throws IOException {
        try (InputStream in = PageFiles.class.getResourceAsStream(BASE + name)) {
            if (in == null) {
                throw new IOException("the dashboard's " + name + " is missing from the classpath");
            }
            return new File(in.readAllBytes(), contentType);
        }
    }
}
