package org.dpo4j.trainer.hub;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.function.LongConsumer;

/**
 * Downloads one file over HTTP into place: {@code GET}, following redirects, into a part file
 * that is renamed to the target only when every byte has arrived.
 *
 * <p>Redirects are followed here rather than by the client so that the token goes only to the
 * hub's own origin: the hub sends large files to a storage host with a signed address, which
 * needs no token and should not see it.
 */
final class HubFetcher {

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);

    /** Time allowed until the response headers arrive; the body may take as long as it takes. */
    static final Duration HEADERS_TIMEOUT = Duration.ofMinutes(2);

    static final int MAX_REDIRECTS = 10;

    private final HttpClient client;
    private final URI endpoint;
    private final String token;

    /**
     * @param client   should not follow redirects itself (the {@link HttpClient} default)
     * @param endpoint the hub's origin, the only one that receives the token
     * @param token    the bearer token, or null
     */
    HubFetcher(HttpClient client, URI endpoint, String token) {
        this.client = client;
        this.endpoint = endpoint;
        this.token = token;
    }

    /** A client for the real hub: HTTP/2 where offered, no redirects followed by itself. */
    static HttpClient defaultClient() {
        return HttpClient.newBuilder()
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /**
     * @param url       the file's address
     * @param target    where the complete file goes (its folder must exist)
     * @param sizeKnown called once the server has answered 200, with the {@code Content-Length}
     *                  or -1 when it sent none, before the body is read
     * @return the file's size, or empty when the server answered 404 (the file does not exist)
     * @throws FetchFailure any other status, too many redirects, an I/O error or a short body
     */
    OptionalLong fetch(URI url, Path target, LongConsumer sizeKnown) throws FetchFailure {
        URI current = url;
        for (int redirects = 0; ; redirects++) {
            HttpResponse<InputStream> response = send(url, current);
            try {
                int status = response.statusCode();
                String where = current.equals(url) ? "" : " (after a redirect to " + current.getHost() + ")";
                if (isRedirect(status)) {
                    String location = response.headers().firstValue("location").orElse(null);
                    if (location == null) {
                        throw new FetchFailure(url, status, "HTTP " + status + " redirect without a Location" + where, null);
                    }
                    if (redirects >= MAX_REDIRECTS) {
                        throw new FetchFailure(url, status, "more than " + MAX_REDIRECTS + " redirects" + where, null);
                    }
                    current = resolveLocation(url, current, location);
                    continue;
                }
                if (status == 404) {
                    return OptionalLong.empty();
                }
                if (status != 200) {
                    throw new FetchFailure(url, status, "HTTP " + status + where, null);
                }
                long expected = response.headers().firstValueAsLong("content-length").orElse(-1);
                sizeKnown.accept(expected);
                return OptionalLong.of(store(url, response.body(), expected, target));
            } finally {
                closeQuietly(response.body());
            }
        }
    }

    private HttpResponse<InputStream> send(URI url, URI current) throws FetchFailure {
        HttpRequest.Builder request = HttpRequest.newBuilder(current).GET().timeout(HEADERS_TIMEOUT);
        if (token != null && sameOrigin(current, endpoint)) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            return client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new FetchFailure(url, 0, "no response" + (current.equals(url) ? "" : " from " + current.getHost())
                    + " (" + describe(e) + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FetchFailure(url, 0, "download interrupted", e);
        }
    }

    /**
     * Streams the body into a part file, checks its length and renames it to {@code target}.
     * The part file is deleted on any failure; a killed process leaves it for
     * {@link HubCache#sweepStaleParts}.
     */
    private static long store(URI url, InputStream body, long expected, Path target) throws FetchFailure {
        Path part;
        try {
            part = HubCache.newPartFile(target);
        } catch (IOException e) {
            throw new FetchFailure(url, 0, "cannot create a file in " + target.getParent() + " (" + describe(e) + ")", e);
        }
        try {
            long received;
            try (FileChannel channel = FileChannel.open(part, StandardOpenOption.WRITE)) {
                OutputStream out = Channels.newOutputStream(channel);
                received = body.transferTo(out);
                if (expected >= 0 && received != expected) {
                    throw new FetchFailure(url, 0, "the connection ended after " + received + " of " + expected + " bytes", null);
                }
                // Flushed to disk before the rename, so a crash cannot leave a renamed but empty file.
                channel.force(true);
            }
            HubCache.moveIntoPlace(part, target);
            return received;
        } catch (IOException e) {
            throw new FetchFailure(url, 0, "download failed (" + describe(e) + ")", e);
        } finally {
            try {
                Files.deleteIfExists(part);
            } catch (IOException e) {
                // a leftover part file is harmless: never read, and swept once stale
            }
        }
    }

    private static URI resolveLocation(URI url, URI current, String location) throws FetchFailure {
        try {
            URI next = current.resolve(location.strip());
            String scheme = next.getScheme();
            if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)) {
                throw new FetchFailure(url, 0, "redirected to a non-http address " + next, null);
            }
            // As HttpClient's own NORMAL policy: never from an encrypted address to a plain one.
            if ("https".equalsIgnoreCase(current.getScheme()) && !"https".equalsIgnoreCase(scheme)) {
                throw new FetchFailure(url, 0, "redirected from https to plain http " + next.getHost() + "; refused", null);
            }
            return next;
        } catch (IllegalArgumentException e) {
            throw new FetchFailure(url, 0, "redirected to an unusable address (" + describe(e) + ")", e);
        }
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme())
                && a.getHost() != null
                && a.getHost().equalsIgnoreCase(b.getHost())
                && port(a) == port(b);
    }

    private static int port(URI uri) {
        if (uri.getPort() >= 0) {
            return uri.getPort();
        }
        return uri.getScheme().toLowerCase(Locale.ROOT).equals("https") ? 443 : 80;
    }

    /** Closing an unread body drops its connection, which is all a redirect or error needs. */
    private static void closeQuietly(InputStream body) {
        try {
            body.close();
        } catch (IOException e) {
            // the outcome is already decided; a failed close changes nothing for the caller
        }
    }

    /** An exception as one line: its class and message, which the JDK may spread over lines. */
    static String describe(Exception e) {
        String message = e.getMessage();
        String name = e.getClass().getSimpleName();
        return message == null || message.isBlank() ? name : name + ": " + message.replaceAll("\\s+", " ").strip();
    }
}
