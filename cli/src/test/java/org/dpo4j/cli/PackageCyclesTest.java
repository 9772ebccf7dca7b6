package org.dpo4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The packages of every module's main sources form a graph without cycles: no package depends,
 * directly or through others, on a package that depends on it. A dependency is an import (single
 * type, static or on demand) or a fully qualified name of another package's class anywhere in a
 * file, Javadoc included. Read from the source text, so that it also holds for code that only a
 * comment links to.
 */
class PackageCyclesTest {

    private static final Pattern PACKAGE = Pattern.compile("^package\\s+([\\w.]+);", Pattern.MULTILINE);
    private static final Pattern IMPORT = Pattern.compile("^import\\s+(?:static\\s+)?([\\w.]+?)(?:\\.\\*)?;", Pattern.MULTILINE);
    private static final Pattern QUALIFIED = Pattern.compile("\\b(org\\.dpo4j(?:\\.[a-z]\\w*)+)\\.[A-Z]");

    @Test
    void noPackageDependsOnItselfThroughOthers() {
        Map<String, Set<String>> graph = packageGraph(MainSources.read());
        List<Set<String>> cycles = cyclicComponents(graph);
        assertTrue(cycles.isEmpty(), () -> "packages that depend on each other: " + describe(cycles, graph));
    }

    @Test
    void theGraphIsReadFromEveryModule() {
        Map<String, Set<String>> graph = packageGraph(MainSources.read());
        for (String module : MainSources.MODULES) {
            assertTrue(graph.keySet().stream().anyMatch(p -> p.startsWith("org.dpo4j." + module)),
                    "no package of module " + module + " was read: " + graph.keySet());
        }
        assertFalse(graph.getOrDefault("org.dpo4j.cli", Set.of()).isEmpty(), "the cli's root package depends on nothing");
    }

    /** The finder itself: a two-package loop and a three-package loop are found, a chain is not. */
    @Test
    void findsLoopsOfAnyLength() {
        Map<String, Set<String>> graph = new TreeMap<>();
        graph.put("a", Set.of("b"));
        graph.put("b", Set.of("a", "c"));
        graph.put("c", Set.of("d"));
        graph.put("d", Set.of("e"));
        graph.put("e", Set.of("c"));
        graph.put("f", Set.of("a"));
        assertEquals(List.of(Set.of("a", "b"), Set.of("c", "d", "e")), sorted(cyclicComponents(graph)));
    }

    private static List<Set<String>> sorted(List<Set<String>> components) {
        List<Set<String>> out = new ArrayList<>();
        components.forEach(c -> out.add(new TreeSet<>(c)));
        out.sort((x, y) -> x.iterator().next().compareTo(y.iterator().next()));
        return out;
    }

    /** Package to the other packages its files depend on. */
    private static Map<String, Set<String>> packageGraph(Map<Path, String> texts) {
        Map<Path, String> packages = new HashMap<>();
        Set<String> known = new TreeSet<>();
        for (Path file : texts.keySet()) {
            String text = texts.get(file);
            Matcher m = PACKAGE.matcher(text);
            assertTrue(m.find(), file + " has no package line");
            packages.put(file, m.group(1));
            known.add(m.group(1));
        }
        Map<String, Set<String>> graph = new TreeMap<>();
        for (Path file : texts.keySet()) {
            String own = packages.get(file);
            Set<String> targets = graph.computeIfAbsent(own, k -> new TreeSet<>());
            String text = texts.get(file);
            for (Matcher m = IMPORT.matcher(text); m.find(); ) {
                addTarget(targets, own, m.group(1), known);
            }
            for (Matcher m = QUALIFIED.matcher(text); m.find(); ) {
                addTarget(targets, own, m.group(1), known);
            }
        }
        return graph;
    }

    /** Adds the longest known package that prefixes {@code name} (a package, class or member). */
    private static void addTarget(Set<String> targets, String own, String name, Set<String> known) {
        String candidate = name;
        while (!known.contains(candidate) && candidate.contains(".")) {
            candidate = candidate.substring(0, candidate.lastIndexOf('.'));
        }
        if (known.contains(candidate) && !candidate.equals(own)) {
            targets.add(candidate);
        }
    }

    /** Strongly connected components with more than one package (Tarjan's algorithm). */
    static List<Set<String>> cyclicComponents(Map<String, Set<String>> graph) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new TreeSet<>();
        List<Set<String>> components = new ArrayList<>();
        for (String node : graph.keySet()) {
            if (!index.containsKey(node)) {
                connect(node, graph, index, low, stack, onStack, components);
            }
        }
        components.removeIf(c -> c.size() < 2);
        return components;
    }

    private static void connect(String node, Map<String, Set<String>> graph, Map<String, Integer> index,
            Map<String, Integer> low, Deque<String> stack, Set<String> onStack, List<Set<String>> components) {
        index.put(node, index.size());
        low.put(node, index.get(node));
        stack.push(node);
        onStack.add(node);
        for (String next : graph.getOrDefault(node, Set.of())) {
            if (!index.containsKey(next)) {
                connect(next, graph, index, low, stack, onStack, components);
                low.put(node, Math.min(low.get(node), low.get(next)));
            } else if (onStack.contains(next)) {
                low.put(node, Math.min(low.get(node), index.get(next)));
            }
        }
        if (low.get(node).equals(index.get(node))) {
            Set<String> component = new TreeSet<>();
            String member;
            do {
                member = stack.pop();
                onStack.remove(member);
                component.add(member);
            } while (!member.equals(node));
            components.add(component);
        }
    }

    /** Each cyclic component with the edges inside it, e.g. {@code a -> b, b -> a}. */
    private static String describe(List<Set<String>> cycles, Map<String, Set<String>> graph) {
        List<String> parts = new ArrayList<>();
        for (Set<String> component : cycles) {
            List<String> edges = new ArrayList<>();
            for (String from : component) {
                for (String to : graph.getOrDefault(from, Set.of())) {
                    if (component.contains(to)) {
                        edges.add(from + " -> " + to);
                    }
                }
            }
            parts.add(String.join(", ", edges));
        }
        return String.join("; ", parts);
    }
}
