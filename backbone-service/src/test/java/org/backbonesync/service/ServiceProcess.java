package org.backbonesync.service;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The service's jar ({@code target/backbone-service.jar}, built by package) started as a
 * process, its standard output and error in files of the test's directory.
 */
final class ServiceProcess implements AutoCloseable {
  static final Path JAR = Path.of(System.getProperty("backbone.service.jar",
      "target/backbone-service.jar"));

  private final Process process;
  private final Path out;
  private final Path err;

  private ServiceProcess(Process process, Path out, Path err) {
    this.process = process;
    this.out = out;
    this.err = err;
  }

  static ServiceProcess start(Path dir, String name, Map<String, String> env, String... args)
      throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1",
        "-jar", JAR.toAbsolutePath().toString()));
    command.addAll(List.of(args));
    Path out = dir.resolve(name + ".out");
    Path err = dir.resolve(name + ".err");
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("JIRA_") || k.startsWith("BACKBONE_"));
    pb.environment().putAll(env);
    return new ServiceProcess(pb.start(), out, err);
  }

  String out() {
    return read(out);
  }

  String err() {
    return read(err);
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(" + file + " not readable: " + e + ")";
    }
  }

  /** Waits for the process to end by itself and returns its exit code. */
  int exitCode(Duration within) throws InterruptedException {
    if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      fail("the service did not end within " + within + "\n" + out() + err());
    }
    return process.exitValue();
  }

  /** SIGTERM, without waiting. */
  void sigterm() {
    process.destroy();
  }

  /** SIGTERM, then the exit code. */
  int terminate(Duration within) throws InterruptedException {
    process.destroy();
    return exitCode(within);
  }

  /** SIGKILL, and waits until it is gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /**
   * Polls a condition until it holds or the deadline passes; between looks it waits on the
   * process, so that a service that died is reported at once with its output.
   */
  void await(String what, Duration within, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("not within " + within + ": " + what + "\n" + out() + err());
      }
      if (process.waitFor(50, TimeUnit.MILLISECONDS)) {
        fail("the service ended (" + process.exitValue() + ") before " + what + "\n" + out()
            + err());
      }
    }
  }

  /** The first group of the first match of a pattern in the output, once it appears. */
  String awaitOutput(Pattern pattern, Duration within) throws InterruptedException {
    String[] found = new String[1];
    await("output matching " + pattern, within, () -> {
      Matcher m = pattern.matcher(out());
      if (m.find()) {
        found[0] = m.groupCount() > 0 ? m.group(1) : m.group();
        return true;
      }
      return false;
    });
    return found[0];
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }
}
