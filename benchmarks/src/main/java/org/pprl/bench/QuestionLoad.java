package org.pprl.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Latency of the analysts' question endpoint under concurrent clients: {@code --clients} threads
 * each send {@code POST /projects/{id}/questions} back to back for {@code --seconds}, taking the
 * demo's four analyst questions ({@link DemoQuestions}) round-robin, while one more thread probes
 * {@code GET /health} once a second. Prints requests, errors (non-200 answers and failed
 * exchanges), throughput and latency percentiles, and the load average before and after.
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar org.pprl.bench.QuestionLoad --url
 * http://127.0.0.1:18080 --token ANALYST_TOKEN --project 1 [--clients 50] [--seconds 30] [--purpose
 * research]}, against for example {@code ./pprl demo --keep-running --port 18080 --dir
 * /tmp/loaddemo} (its tokens are in {@code /tmp/loaddemo/tokens.env}). Results are in {@code
 * docs/measurements/question-load.md}. It sends only to the URL given, for a bounded time; point it
 * at a service of your own.
 */
public final class QuestionLoad {
  static final String USAGE =
      "usage: QuestionLoad --url http://127.0.0.1:PORT --token ANALYST_TOKEN --project N"
          + " [--clients 50] [--seconds 30] [--purpose research]\n"
          + "  --url      the service's base URL\n"
          + "  --token    an analyst's bearer token\n"
          + "  --project  the project to ask about\n"
          + "  --clients  concurrent client threads, 1 to 1000 (default 50)\n"
          + "  --seconds  how long to send, 1 to 3600 (default 30)\n"
          + "  --purpose  the purpose stated with each question (default research)";

  private QuestionLoad() {}

  /** The settings of one run. */
  record Options(URI url, String token, long project, int clients, int seconds, String purpose) {}

  /**
   * What a run measured: latencies in nanoseconds, sorted.
   *
   * @param statuses how many answers of each HTTP status; 0 counts exchanges that failed
   */
  record Result(
      int clients,
      double seconds,
      long[] latencies,
      Map<Integer, Long> statuses,
      long[][] perQuestion,
      long[] health,
      long healthErrors) {

    long requests() {
      return latencies.length;
    }

    long errors() {
      long ok = statuses.getOrDefault(200, 0L);
      return requests() - ok;
    }
  }

  public static void main(String[] args) throws Exception {
    Options options;
    try {
      options = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("QuestionLoad: " + e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
      return;
    }
    if (options == null) {
      System.out.println(USAGE);
      return;
    }
    String before = loadAverage();
    Result result = run(options);
    String after = loadAverage();
    print(System.out, options, result, before, after);
  }

  /**
   * Reads the command line.
   *
   * @return the options, or null when usage was asked for
   * @throws IllegalArgumentException naming the argument at fault
   */
  static Options parse(String[] args) {
    URI url = null;
    String token = null;
    long project = -1;
    int clients = 50;
    int seconds = 30;
    String purpose = "research";
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--help") || a.equals("-h")) {
        return null;
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(a + ": expected an option with a value");
      }
      String v = args[++i];
      try {
        switch (a) {
          case "--url" -> {
            url = URI.create(v.endsWith("/") ? v.substring(0, v.length() - 1) : v);
            if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) {
              throw new IllegalArgumentException("--url must be http:// or https://");
            }
          }
          case "--token" -> token = v;
          case "--project" -> project = Long.parseLong(v);
          case "--clients" -> clients = Integer.parseInt(v);
          case "--seconds" -> seconds = Integer.parseInt(v);
          case "--purpose" -> purpose = v;
          default -> throw new IllegalArgumentException("unknown option " + a);
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(a + " expects a whole number", e);
      }
    }
    if (url == null || token == null || project < 0) {
      throw new IllegalArgumentException("--url, --token and --project are required");
    }
    if (clients < 1 || clients > 1000) {
      throw new IllegalArgumentException("--clients is " + clients + ", expected 1 to 1000");
    }
    if (seconds < 1 || seconds > 3600) {
      throw new IllegalArgumentException("--seconds is " + seconds + ", expected 1 to 3600");
    }
    return new Options(url, token, project, clients, seconds, purpose);
  }

  /** Sends questions from {@code clients} threads for {@code seconds}, probing health meanwhile. */
  static Result run(Options o) throws InterruptedException {
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    List<DemoQuestions.Named> questions = DemoQuestions.ALL;
    ObjectMapper json = new ObjectMapper();
    HttpRequest[] requests = new HttpRequest[questions.size()];
    for (int q = 0; q < requests.length; q++) {
      ObjectNode body = json.createObjectNode();
      body.put("purpose", o.purpose());
      try {
        body.set("question", json.readTree(questions.get(q).json()));
      } catch (IOException e) {
        throw new IllegalStateException("a demo question is not JSON: " + questions.get(q), e);
      }
      requests[q] =
          HttpRequest.newBuilder(o.url().resolve("/projects/" + o.project() + "/questions"))
              .timeout(Duration.ofSeconds(60))
              .header("Authorization", "Bearer " + o.token())
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8))
              .build();
    }
    HttpRequest health =
        HttpRequest.newBuilder(o.url().resolve("/health")).timeout(Duration.ofSeconds(60)).build();

    AtomicLong next = new AtomicLong();
    long start = System.nanoTime();
    long deadline = start + o.seconds() * 1_000_000_000L;
    Client[] clients = new Client[o.clients()];
    Thread[] threads = new Thread[o.clients()];
    for (int c = 0; c < clients.length; c++) {
      Client client = new Client(http, requests, next, deadline);
      clients[c] = client;
      threads[c] = new Thread(client, "question-client-" + c);
    }
    Prober prober = new Prober(http, health, start, deadline);
    Thread probe = new Thread(prober, "health-probe");
    for (Thread t : threads) {
      t.start();
    }
    probe.start();
    for (Thread t : threads) {
      t.join();
    }
    probe.join();
    double seconds = (System.nanoTime() - start) / 1e9;

    int total = 0;
    for (Client c : clients) {
      total += c.count;
    }
    long[] all = new long[total];
    long[][] perQuestion = new long[requests.length][];
    int[] fill = new int[requests.length];
    for (Client c : clients) {
      for (int i = 0; i < c.count; i++) {
        fill[c.question[i]]++;
      }
    }
    for (int q = 0; q < requests.length; q++) {
      perQuestion[q] = new long[fill[q]];
      fill[q] = 0;
    }
    Map<Integer, Long> statuses = new TreeMap<>();
    int k = 0;
    for (Client c : clients) {
      for (int i = 0; i < c.count; i++) {
        all[k++] = c.latency[i];
        int q = c.question[i];
        perQuestion[q][fill[q]++] = c.latency[i];
        statuses.merge(c.status[i], 1L, Long::sum);
      }
    }
    Arrays.sort(all);
    for (long[] q : perQuestion) {
      Arrays.sort(q);
    }
    long[] healthLatencies = Arrays.copyOf(prober.latency, prober.count);
    Arrays.sort(healthLatencies);
    return new Result(
        o.clients(), seconds, all, statuses, perQuestion, healthLatencies, prober.errors);
  }

  /** One client thread: sends the next question as soon as the previous one is answered. */
  private static final class Client implements Runnable {
    private final HttpClient http;
    private final HttpRequest[] requests;
    private final AtomicLong next;
    private final long deadline;
    long[] latency = new long[1024];
    int[] question = new int[1024];
    int[] status = new int[1024];
    int count;

    Client(HttpClient http, HttpRequest[] requests, AtomicLong next, long deadline) {
      this.http = http;
      this.requests = requests;
      this.next = next;
      this.deadline = deadline;
    }

    @Override
    public void run() {
      while (System.nanoTime() < deadline) {
        int q = (int) (next.getAndIncrement() % requests.length);
        long t0 = System.nanoTime();
        int code;
        try {
          code = http.send(requests[q], HttpResponse.BodyHandlers.ofByteArray()).statusCode();
        } catch (IOException e) {
          code = 0;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        long t1 = System.nanoTime();
        if (count == latency.length) {
          latency = Arrays.copyOf(latency, count * 2);
          question = Arrays.copyOf(question, count * 2);
          status = Arrays.copyOf(status, count * 2);
        }
        latency[count] = t1 - t0;
        question[count] = q;
        status[count] = code;
        count++;
      }
    }
  }

  /** Probes the health check once a second until the deadline. */
  private static final class Prober implements Runnable {
    private final HttpClient http;
    private final HttpRequest health;
    private final long start;
    private final long deadline;
    long[] latency = new long[64];
    int count;
    long errors;

    Prober(HttpClient http, HttpRequest health, long start, long deadline) {
      this.http = http;
      this.health = health;
      this.start = start;
      this.deadline = deadline;
    }

    @Override
    public void run() {
      for (long tick = 0; ; tick++) {
        long due = start + tick * 1_000_000_000L;
        if (due >= deadline) {
          return;
        }
        long wait = due - System.nanoTime();
        try {
          if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
          }
          long t0 = System.nanoTime();
          int code = http.send(health, HttpResponse.BodyHandlers.ofByteArray()).statusCode();
          long t1 = System.nanoTime();
          if (code != 200) {
            errors++;
          }
          if (count == latency.length) {
            latency = Arrays.copyOf(latency, count * 2);
          }
          latency[count++] = t1 - t0;
        } catch (IOException e) {
          errors++;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /** The nearest-rank percentile of sorted values: the smallest with at least p% at or below. */
  static long percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return -1;
    }
    int rank = (int) Math.ceil(p / 100 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
  }

  /** The 1, 5 and 15 minute load averages, or "unknown" where /proc/loadavg is absent. */
  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  static void print(PrintStream out, Options o, Result r, String before, String after) {
    out.printf(
        Locale.ROOT,
        "%d clients, %.1f s against %s (project %d); load average before %s, after %s%n",
        r.clients(),
        r.seconds(),
        o.url(),
        o.project(),
        before,
        after);
    out.printf(
        Locale.ROOT,
        "requests %d, errors %d %s, throughput %.1f requests/s%n",
        r.requests(),
        r.errors(),
        r.statuses(),
        r.requests() / r.seconds());
    out.println();
    out.println("| questions | requests | p50 ms | p95 ms | p99 ms | max ms |");
    out.println("| --- | ---: | ---: | ---: | ---: | ---: |");
    line(out, "all", r.latencies());
    for (int q = 0; q < r.perQuestion().length; q++) {
      line(out, DemoQuestions.ALL.get(q).name(), r.perQuestion()[q]);
    }
    line(out, "GET /health, once a second", r.health());
    out.printf(Locale.ROOT, "%nhealth probes failed: %d%n", r.healthErrors());
  }

  private static void line(PrintStream out, String name, long[] sorted) {
    out.printf(
        Locale.ROOT,
        "| %s | %d | %s | %s | %s | %s |%n",
        name,
        sorted.length,
        millis(percentile(sorted, 50)),
        millis(percentile(sorted, 95)),
        millis(percentile(sorted, 99)),
        millis(sorted.length == 0 ? -1 : sorted[sorted.length - 1]));
  }

  private static String millis(long nanos) {
    return nanos < 0 ? "-" : String.format(Locale.ROOT, "%.1f", nanos / 1e6);
  }
}
