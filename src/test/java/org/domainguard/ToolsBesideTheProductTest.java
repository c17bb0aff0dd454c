package org.domainguard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The simulator and the benchmark are tools beside the product: they depend on it, it never on
 * them. Only {@code cli}, which wires the commands, may use them. Read from the source tree.
 */
class ToolsBesideTheProductTest {
  private static final Path SOURCES = Path.of("src/main/java/org/domainguard");
  private static final Set<String> PRODUCT = Set.of("app", "config", "db", "fleet", "discovery", "host", "sweep", "check", "apply", "events", "http", "metrics");
  private static final Set<String> TOOLS = Set.of("sim", "bench");
  private static final Set<String> WIRING = Set.of("cli");
  /** An import of, or a qualified reference to, anything in a tool package. */
  private static final Pattern TOOL_REFERENCE = Pattern.compile("\\borg\\.domainguard\\.(sim|bench)\\b");

  @Test
  void everyPackageIsKnownAsProductToolOrWiring() throws IOException {
    Set<String> known = new TreeSet<>(PRODUCT);
    known.addAll(TOOLS);
    known.addAll(WIRING);
    try (Stream<Path> packages = Files.list(SOURCES)) {
      Set<String> found = new TreeSet<>(packages.filter(Files::isDirectory).map(p -> p.getFileName().toString()).toList());
      assertEquals(known, found, "a new package must be placed here as product, tool or wiring");
    }
  }

  @Test
  void noProductClassUsesTheSimulatorOrTheBenchmark() {
    List<String> offenders = new ArrayList<>();
    for (String pkg : PRODUCT) {
      for (Path file : javaFiles(SOURCES.resolve(pkg))) {
        String text = read(file);
        var m = TOOL_REFERENCE.matcher(text);
        while (m.find()) {
          int line = (int) text.substring(0, m.start()).chars().filter(c -> c == '\n').count() + 1;
          offenders.add(SOURCES.relativize(file) + ":" + line + " uses org.domainguard." + m.group(1));
        }
      }
    }
    assertTrue(offenders.isEmpty(), "the product depends on a tool:\n" + String.join("\n", offenders));
  }

  @Test
  void theScanSeesTheSources() {
    assertTrue(javaFiles(SOURCES.resolve("app")).stream().anyMatch(p -> p.endsWith("DaemonVerticle.java")),
        "run from the project directory, so src/main/java is where the scan looks");
    assertTrue(javaFiles(SOURCES.resolve("cli")).stream().map(ToolsBesideTheProductTest::read).anyMatch(t -> TOOL_REFERENCE.matcher(t).find()),
        "the pattern finds the references cli is allowed to have");
  }

  private static List<Path> javaFiles(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(p -> p.toString().endsWith(".java")).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
