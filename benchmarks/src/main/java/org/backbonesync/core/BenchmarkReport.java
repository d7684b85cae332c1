package org.backbonesync.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Turns JMH's JSON results into the README's markdown table, with the ratios to the baselines of
 * the same run and the targets. Run by {@code benchmarks/run.sh}.
 */
public final class BenchmarkReport {
  private BenchmarkReport() {}

  public static void main(String[] args) throws Exception {
    JsonNode results = new ObjectMapper().readTree(new File(args[0]));
    Map<String, JsonNode> byName = new LinkedHashMap<>();
    for (JsonNode r : results) {
      String name = r.path("benchmark").asText().replaceAll("^.*\\.(\\w+\\.\\w+)$", "$1");
      JsonNode params = r.path("params");
      if (params.has("pairs")) {
        name += "[pairs=" + params.path("pairs").asText() + "]";
      }
      if (params.has("changesPerPoll")) {
        name += "[changesPerPoll=" + params.path("changesPerPoll").asText() + "]";
      }
      if (params.has("nodes")) {
        name += "[nodes=" + params.path("nodes").asText() + "]";
      }
      if (params.has("synchronizations")) {
        name += "[synchronizations=" + params.path("synchronizations").asText() + "]";
      }
      if (!params.path("schedulerThreads").asText("0").equals("0")) {
        name += "[schedulerThreads=" + params.path("schedulerThreads").asText() + "]";
      }
      if (params.has("behind")) {
        name += "[behind=" + params.path("behind").asText() + "]";
      }
      if (params.has("syncs")) {
        name += "[syncs=" + params.path("syncs").asText() + "]";
      }
      if (params.has("issues")) {
        name += "[issues=" + params.path("issues").asText() + "]";
      }
      if (params.has("store")) {
        name += "[store=" + params.path("store").asText() + "]";
      }
      if (params.has("traceLength")) {
        name += "[stores=" + params.path("stores").asText() + ",traceLength="
            + params.path("traceLength").asText() + "]";
      }
      if (params.has("detection")) {
        name += "[" + params.path("detection").asText() + ","
            + params.path("transport").asText() + "]";
      }
      byName.put(name, r);
    }
    StringBuilder md = new StringBuilder();
    md.append("| Benchmark | Result | Allocated per op | Ratio in the same run | Target |\n")
        .append("|---|---|---|---|---|\n");
    for (Map.Entry<String, JsonNode> e : byName.entrySet()) {
      JsonNode m = e.getValue().path("primaryMetric");
      JsonNode alloc = e.getValue().path("secondaryMetrics").path("gc.alloc.rate.norm");
      md.append("| `").append(e.getKey()).append("` | ")
          .append(String.format(Locale.ROOT, "%,.1f ± %,.1f %s", m.path("score").asDouble(),
              m.path("scoreError").asDouble(), m.path("scoreUnit").asText()))
          .append(m.path("scorePercentiles").has("99.0") && "sample".equals(
              e.getValue().path("mode").asText())
              ? String.format(Locale.ROOT, " (p99 %,.1f %s)",
                  m.path("scorePercentiles").path("99.0").asDouble(), m.path("scoreUnit").asText())
              : "")
          .append(counters(e.getValue()))
          .append(" | ")
          .append(alloc.isMissingNode() ? "" : String.format(Locale.ROOT, "%,.0f B",
              alloc.path("score").asDouble()))
          .append(" | ").append(ratio(e.getKey(), byName)).append(" | ")
          .append(target(e.getKey())).append(" |\n");
    }
    System.out.print(md);
  }

  /**
   * A benchmark's own counters (JMH auxiliary counters, unit "#"), per iteration: JMH sums them
   * over the measured iterations, so each is divided by their number. Empty when none.
   */
  private static String counters(JsonNode result) {
    StringBuilder out = new StringBuilder();
    double iterations = Math.max(1, result.path("measurementIterations").asInt(1));
    result.path("secondaryMetrics").fields().forEachRemaining(m -> {
      if ("#".equals(m.getValue().path("scoreUnit").asText())) {
        out.append(out.length() == 0 ? "; " : ", ").append(m.getKey()).append(' ')
            .append(String.format(Locale.ROOT, "%,.2f",
                m.getValue().path("score").asDouble() / iterations));
      }
    });
    return out.toString();
  }

  private static double score(Map<String, JsonNode> byName, String name) {
    JsonNode r = byName.get(name);
    return r == null ? Double.NaN : r.path("primaryMetric").path("score").asDouble();
  }

  private static double p99(Map<String, JsonNode> byName, String name) {
    JsonNode r = byName.get(name);
    return r == null ? Double.NaN
        : r.path("primaryMetric").path("scorePercentiles").path("99.0").asDouble(Double.NaN);
  }

  private static String ratio(String name, Map<String, JsonNode> byName) {
    double value = switch (name) {
      case "EngineBenchmark.engineMessage" -> score(byName, "EngineBenchmark.floorJacksonRoundTrip")
          / score(byName, name);
      case "MessageCodecBenchmark.codecRoundTrip" -> score(byName, name)
          / score(byName, "MessageCodecBenchmark.jacksonTreeRoundTrip");
      case "ScaleBenchmark.poll[pairs=100000]" -> score(byName, name)
          / score(byName, "ScaleBenchmark.poll[pairs=1000]");
      default -> {
        // durable: how many times slower than the raw insert-and-delete loop of the same run
        if (name.startsWith("DurableBenchmark.messagesBatched")) {
          yield score(byName, name.replace("messagesBatched", "floorBatched"))
              / score(byName, name);
        }
        if (name.startsWith("InboxHeadsBenchmark.nextHeads[behind=3000]")) {
          yield score(byName, name) / score(byName, name.replace("3000", "100"));
        }
        if (name.startsWith("TwoNodeBenchmark.changesApplied[nodes=1][synchronizations=1]")) {
          // how many times slower than the batched floor of the same database, same run
          yield score(byName, "DurableBenchmark.floorBatched[store=postgres]")
              / score(byName, name);
        }
        if (name.startsWith("TwoNodeBenchmark.changesApplied[nodes=2]")) {
          yield score(byName, name) / score(byName, name.replace("nodes=2", "nodes=1"));
        }
        if (name.startsWith("WebhookLatencyBenchmark") && name.contains("[webhooks,")) {
          // how many times lower the webhooks' p99 is than a 5 s poll's, same transport
          yield p99(byName, name.replace("[webhooks,", "[poll5s,")) / p99(byName, name);
        }
        if (name.startsWith("TraceCostBenchmark.message") && name.contains("traceLength=20")) {
          // the share of throughput left with the trace kept, same stores, same run
          yield score(byName, name) / score(byName, name.replace("traceLength=20",
              "traceLength=0"));
        }
        if (name.startsWith("DurableBenchmark.messageOneByOne")) {
          yield score(byName, name.replace("messageOneByOne", "floorOneByOne"))
              / score(byName, name);
        }
        yield Double.NaN;
      }
    };
    return Double.isNaN(value) ? "" : String.format(Locale.ROOT, "%.2fx", value);
  }

  private static String target(String name) {
    // a node with a scheduler has the same targets as one whose one thread runs every step
    return switch (name.replace("[schedulerThreads=2]", "")) {
      case "EngineBenchmark.engineMessage" ->
          "≥ 100,000 ops/s on 2 threads; ≤ 10x the floor; < 10 KB allocated";
      case "EndToEndBenchmark.change" -> "≥ 20,000 ops/s";
      case "LatencyBenchmark.pollDeliverApply[changesPerPoll=1000]" ->
          "p99 < 50 ms (half the target load, 100 ms polls)";
      case "LatencyBenchmark.pollDeliverApply[changesPerPoll=2000]" ->
          "p99 < 50 ms (half the measured maximum, 20 ms polls)";
      case "ScaleBenchmark.poll[pairs=100000]" -> "≤ 1.5x the 1,000-pair poll";
      case "TwoNodeBenchmark.changesApplied[nodes=1][synchronizations=1]" ->
          "≥ 2,000 ops/s; ≤ 5x below `floorBatched[store=postgres]` (the ratio); ≤ 20 KB"
          + " allocated (issue 24)";
      case "TwoNodeBenchmark.changesApplied[nodes=2][synchronizations=1]" ->
          "≥ 1.8x one node (issue 24); none applied twice";
      case "TwoNodeBenchmark.changesApplied[nodes=2][synchronizations=4]" ->
          "≥ 1.8x one node with 4 synchronizations (issue 24); none applied twice";
      case "InboxHeadsBenchmark.nextHeads[behind=3000][store=h2]",
          "InboxHeadsBenchmark.nextHeads[behind=3000][store=postgres]" ->
          "≤ 100x the look with 100 behind (15x the entries; their square: 240x)";
      case "DurableBenchmark.messagesBatched[store=h2]" -> "≥ 5,000 ops/s";
      case "DurableBenchmark.messagesBatched[store=postgres]" -> "≥ 3,000 ops/s";
      case "DurableBenchmark.messageOneByOne[store=h2]" -> "≥ 1,000 ops/s";
      case "DurableBenchmark.messageOneByOne[store=postgres]" -> "≥ 500 ops/s";
      case "ManySyncsBenchmark.idleRound[syncs=1000][store=h2]",
          "ManySyncsBenchmark.idleRound[syncs=1000][store=postgres]" ->
          "heapKbPerSync ≤ 200; searchesPerConnector 1; writesPerSync 0";
      case "BulkFirstSyncBenchmark.firstSync[issues=10000]" ->
          "searchPagesPer100 1; createsPerIssue 1; updatesPerIssue ≤ 1";
      default -> name.startsWith("TraceCostBenchmark") && name.contains("traceLength=20")
          ? "none (the trace's cost, measured: the ratio to traceLength=0)" : name.startsWith("WebhookLatencyBenchmark") && name.contains("[webhooks,")
          ? "p99 < 1 s; ≥ 10x lower than a 5 s poll's p99 (the ratio)" : "";
    };
  }
}
