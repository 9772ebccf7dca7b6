package org.dpo4j.cli.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Finds the line and column of a key or value in a YAML or JSON file, by key path. */
public final class FileLocator {

    private static final Pattern SEGMENT = Pattern.compile("([^.\\[\\]]+)|\\[(\\d+)]");

    private FileLocator() {}

    /**
     * @param factory the file's format
     * @param file    the file
     * @param path    dotted key path, e.g. {@code optim.betas[1]}
     * @param atKey   true for the key's position, false for its value's
     * @return {@code line:column} (1-based), or empty when the path is not in the file
     */
    public static Optional<String> locate(JsonFactory factory, Path file, String path, boolean atKey) {
        return locate(factory, file, segments(path), atKey);
    }

    /**
     * As {@link #locate(JsonFactory, Path, String, boolean)}, with the path as its keys and list
     * indices, for keys that contain dots themselves (a sweep's {@code grid: {loss.beta: ...}}).
     */
    public static Optional<String> locate(JsonFactory factory, Path file, List<String> target, boolean atKey) {
        Deque<Frame> stack = new ArrayDeque<>();
        try (JsonParser p = factory.createParser(file.toFile())) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                Frame top = stack.peek();
                if (t == JsonToken.FIELD_NAME) {
                    top.name = p.currentName();
                    if (atKey && target.equals(pathOf(stack))) {
                        return Optional.of(format(p.currentTokenLocation()));
                    }
                    continue;
                }
                if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                    stack.pop();
                    continue;
                }
                if (top != null && top.array) {
                    top.index++;
                }
                if (!atKey && !stack.isEmpty() && target.equals(pathOf(stack))) {
                    return Optional.of(format(p.currentTokenLocation()));
                }
                if (t == JsonToken.START_OBJECT) {
                    stack.push(new Frame(false));
                } else if (t == JsonToken.START_ARRAY) {
                    stack.push(new Frame(true));
                }
            }
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private static String format(JsonLocation loc) {
        return loc.getLineNr() + ":" + loc.getColumnNr();
    }

    static List<String> segments(String path) {
        List<String> out = new ArrayList<>();
        Matcher m = SEGMENT.matcher(path);
        while (m.find()) {
            out.add(m.group(1) != null ? m.group(1) : m.group(2));
        }
        return out;
    }

    private static List<String> pathOf(Deque<Frame> stack) {
        List<String> out = new ArrayList<>();
        for (var it = stack.descendingIterator(); it.hasNext(); ) {
            Frame f = it.next();
            out.add(f.array ? Integer.toString(f.index) : f.name);
        }
        return out;
    }

    private static final class Frame {
        final boolean array;
        String name;
        int index = -1;

        Frame(boolean array) {
            this.array = array;
        }
    }
}
