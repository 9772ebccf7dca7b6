package org.dpo4j.trainer.hub;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A stand-in for the hub on 127.0.0.1: {@code GET /{owner}/{name}/resolve/{revision}/{file}}
 * answers with the bytes of {@code repo/file}, or 404. A handler set for a file name replaces
 * that (errors, dropped connections, redirects). Every request is recorded.
 */
final class FakeHub implements AutoCloseable {

    /** One request as received: the path and the {@code Authorization} header (null if none). */
    record Request(String path, String authorization) {}

    private final Path repo;
    private final String prefix;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Map<String, HttpHandler> overrides = new ConcurrentHashMap<>();

    /** Serves {@code repo} as {@code owner/name} at {@code revision}. */
    FakeHub(Path repo, String owner, String name, String revision) throws IOException {
        this.repo = repo;
        this.prefix = "/" + owner + "/" + name + "/resolve/" + revision + "/";
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    /** Serves {@code repo} as {@code owner/name} at {@code main}. */
    FakeHub(Path repo) throws IOException {
        this(repo, "owner", "name", "main");
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Answers requests for {@code file} with {@code handler} instead of the folder. */
    void override(String file, HttpHandler handler) {
        overrides.put(file, handler);
    }

    void clearOverrides() {
        overrides.clear();
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    /** The file names requested so far under the served revision, in order. */
    List<String> requestedFiles() {
        return requests.stream()
                .map(Request::path)
                .filter(p -> p.startsWith(prefix))
                .map(p -> p.substring(prefix.length()))
                .toList();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getRawPath();
        requests.add(new Request(path, exchange.getRequestHeaders().getFirst("Authorization")));
        try (exchange) {
            if (!path.startsWith(prefix)) {
                send(exchange, 404, new byte[0]);
                return;
            }
            String file = path.substring(prefix.length());
            HttpHandler override = overrides.get(file);
            if (override != null) {
                override.handle(exchange);
                return;
            }
            Path source = repo.resolve(file);
            if (file.contains("/") || !Files.isRegularFile(source)) {
                send(exchange, 404, "Entry not found".getBytes());
                return;
            }
            send(exchange, 200, Files.readAllBytes(source));
        }
    }

    static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** Answers with {@code status} and a short body. */
    static HttpHandler status(int status) {
        return exchange -> send(exchange, status, ("status " + status).getBytes());
    }

    /** Answers with a redirect to {@code location}. */
    static HttpHandler redirect(int status, String location) {
        return exchange -> {
            exchange.getResponseHeaders().add("Location", location);
            send(exchange, status, new byte[0]);
        };
    }

    /**
     * Announces all of {@code body} but sends only {@code sent} bytes, then drops the connection
     * (the server closes it when a handler throws), like a network failure mid-file.
     */
    static HttpHandler dropAfter(byte[] body, int sent) {
        return exchange -> {
            exchange.sendResponseHeaders(200, body.length);
            OutputStream out = exchange.getResponseBody();
            out.write(body, 0, sent);
            out.flush();
            throw new IOException("connection dropped on purpose");
        };
    }
}
