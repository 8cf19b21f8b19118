package org.pprl.server;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.pprl.core.link.Entities;
import org.pprl.core.link.Linker;
import org.pprl.core.link.Party;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service's one run worker: executes queued runs one at a time on its own thread, recording
 * each phase, and stops a run at its next phase when it is cancelled or the service stops.
 */
final class RunWorker implements AutoCloseable {
  /*
   * A run moves queued -> running -> succeeded | failed | cancelled, each step one transaction in
   * the Store (the final one with its audit event; success also with the new link set), so the
   * database never shows links from a run that did not succeed. Cancellation is cooperative: the
   * worker looks for a request at every phase (each extract loaded, each progress line of the
   * linker, before the links are stored) and unwinds with Cancelled from there. A run still queued
   * is cancelled directly by the request. Runs left active by a process that died are failed as
   * "interrupted" by the next service start (Store.interruptRuns), not here.
   */
  private static final Logger LOG = LoggerFactory.getLogger(RunWorker.class);

  /** How long {@link #close} waits for the running job to reach its next phase. */
  private static final long STOP_WAIT_SECONDS = 60;

  private final Store store;
  private final Consumer<String> phaseHook;
  private final ExecutorService executor;

  /** Runs whose cancellation was asked for while running, with who asked. */
  private final Map<Long, Principal> cancelRequests = new ConcurrentHashMap<>();

  private volatile boolean stopping;

  /** Loaded extracts by stored file name, bounded by size (KiB); used by the worker thread only. */
  private final Cache<String, Party> parties =
      Caffeine.newBuilder().maximumWeight(CACHED_KIB).weigher(RunWorker::kib).build();

  /** How much of the loaded extracts is kept between runs: 1 GiB, in KiB. */
  static final long CACHED_KIB = 1L << 20;

  /**
   * @param phaseHook called with each phase before it is recorded, on the worker thread (tests hold
   *     a run at a phase with it)
   */
  RunWorker(Store store, Consumer<String> phaseHook) {
    this.store = store;
    this.phaseHook = phaseHook;
    this.executor =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "pprl-run-worker");
              t.setDaemon(true);
              return t;
            });
  }

  /** Queues a run that the store has just queued. */
  void submit(Store.Run run) {
    executor.execute(() -> execute(run.id()));
  }

  /**
   * Cancels an active run: a queued one at once, a running one at its next phase.
   *
   * @return the run's status right after the request: cancelled, or running (stopping soon)
   */
  Store.RunStatus cancel(Store.Run run, Principal by) {
    if (run.status() == Store.RunStatus.QUEUED && store.cancelRun(run.id(), by)) {
      return Store.RunStatus.CANCELLED;
    }
    cancelRequests.put(run.id(), by);
    Store.Run now = store.run(run.project(), run.id()).orElseThrow();
    if (!now.status().active()) {
      cancelRequests.remove(run.id());
    }
    return now.status();
  }

  /**
   * Stops the worker: the running job is cancelled at its next phase, queued ones are cancelled,
   * and the worker thread is waited for (up to a minute, then interrupted).
   */
  @Override
  public void close() {
    stopping = true;
    executor.shutdown();
    try {
      if (!executor.awaitTermination(STOP_WAIT_SECONDS, TimeUnit.SECONDS)) {
        LOG.warn("the run worker did not stop within {} s; interrupting it", STOP_WAIT_SECONDS);
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  /** Thrown at a phase of a run whose cancellation was asked for. */
  private static final class Cancelled extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Cancelled() {
      super("cancelled", null, false, false);
    }
  }

  private void execute(long id) {
    if (stopping) {
      store.cancelRun(id, null);
      return;
    }
    Optional<Store.Run> begun = store.beginRun(id);
    if (begun.isEmpty()) {
      return; // cancelled while queued
    }
    Store.Run run = begun.get();
    LOG.info("run {} of project {} started", run.id(), run.project());
    try {
      link(run);
    } catch (Cancelled e) {
      store.cancelRun(run.id(), cancelRequests.get(run.id()));
      LOG.info("run {} of project {} cancelled", run.id(), run.project());
    } catch (IOException e) {
      fail(run, "extract_unreadable", e);
    } catch (RuntimeException e) {
      fail(run, "internal", e);
    } finally {
      cancelRequests.remove(run.id());
    }
  }

  private void fail(Store.Run run, String error, Exception e) {
    // The message may quote input; only the type and place are logged.
    StackTraceElement[] where = e.getStackTrace();
    LOG.error(
        "run {} of project {} failed ({}): {} at {}",
        run.id(),
        run.project(),
        error,
        e.getClass().getName(),
        where.length > 0 ? where[0] : "?");
    store.failRun(run, error);
  }

  private void phase(Store.Run run, String phase) {
    phaseHook.accept(phase);
    if (stopping || cancelRequests.containsKey(run.id())) {
      throw new Cancelled();
    }
    store.setPhase(run.id(), phase);
  }

  /**
   * The stored extract's encodings, from the cache when a run loaded them before (a re-run after
   * another agency's upload reads only the new file, and reuses the others' blocking indexes, which
   * a party keeps once built). Stored files never change: a new upload is a new file name.
   */
  private Party load(Store.ExtractVersion v) throws IOException {
    Party cached = parties.getIfPresent(v.fileName());
    if (cached != null) {
      return cached;
    }
    Party loaded = Party.load(store.dataDir().resolve(v.fileName()), v.agency());
    parties.put(v.fileName(), loaded);
    return loaded;
  }

  /**
   * A party's approximate size in KiB: its filters, its id, and its blocking keys with their index
   * (two longs per key), per record.
   */
  private static int kib(String file, Party p) {
    long bitsPerRecord = p.header().clkBits();
    for (var f : p.header().fieldFilters()) {
      bitsPerRecord += f.bits();
    }
    long bytes = p.size() * (bitsPerRecord / 8 + 64 + 16L * p.header().blockingKeys().size());
    return (int) Math.min(Integer.MAX_VALUE, bytes >> 10);
  }

  private void link(Store.Run run) throws IOException {
    List<Party> parties = new ArrayList<>();
    for (Map.Entry<String, Integer> e : run.extracts().entrySet()) {
      String agency = e.getKey();
      phase(run, "loading " + agency);
      Store.ExtractVersion v = store.extractVersion(run.project(), agency, e.getValue());
      parties.add(load(v));
    }
    Linker linker =
        new Linker(
            Linker.Options.defaults().withThreads(Runtime.getRuntime().availableProcessors()),
            step -> phase(run, step));
    Linker.Result result;
    try {
      result = linker.link(parties);
    } catch (IllegalArgumentException e) {
      // The linker refuses extracts it cannot link (no field filters, an empty extract, ...).
      fail(run, "unlinkable", e);
      return;
    }
    phase(run, "storing links");
    Entities entities = Entities.of(result, parties);
    int[] start = new int[entities.count() + 1];
    String[] agency = new String[entities.members()];
    String[] recordId = new String[entities.members()];
    for (int e = 0; e < entities.count(); e++) {
      for (int k = entities.start(e); k < entities.end(e); k++) {
        Party p = parties.get(entities.party(k));
        agency[k] = p.name();
        recordId[k] = p.id(entities.record(k));
      }
      start[e + 1] = entities.end(e);
    }
    Map<String, Object> counts = counts(parties, result, entities);
    Map<String, Object> summary = new LinkedHashMap<>(counts);
    summary.put("cuts", cuts(parties, result));
    summary.put("report", org.pprl.report.LinkageReport.of(parties, result, null));
    if (store.finishRun(run, new LinkIds.Members(start, agency, recordId), summary, counts)) {
      LOG.info(
          "run {} of project {} succeeded: {} entities", run.id(), run.project(), entities.count());
    }
  }

  /** What a run found, as counts: safe for the audit log (no id, no score). */
  private static Map<String, Object> counts(
      List<Party> parties, Linker.Result result, Entities entities) {
    Map<String, Object> records = new LinkedHashMap<>();
    for (Party p : parties) {
      records.put(p.name(), p.size());
    }
    long[][] perPair = new long[parties.size()][parties.size()];
    for (Linker.Link l : result.links()) {
      perPair[Math.min(l.a(), l.b())][Math.max(l.a(), l.b())]++;
    }
    List<Map<String, Object>> links = new ArrayList<>();
    for (Linker.Candidates c : result.candidates()) {
      Map<String, Object> pair = new LinkedHashMap<>();
      pair.put("agencies", List.of(parties.get(c.a()).name(), parties.get(c.b()).name()));
      pair.put("links", perPair[c.a()][c.b()]);
      links.add(pair);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("records", records);
    out.put("entities", entities.count());
    out.put("linkedRecords", entities.members());
    out.put("links", links);
    out.put("comparisons", result.comparisons());
    return out;
  }

  /** The cut the model chose for each pair of agencies (match weight, log2; null if none). */
  private static List<Map<String, Object>> cuts(List<Party> parties, Linker.Result result) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Linker.Cut cut : result.cuts()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("agencies", List.of(parties.get(cut.a()).name(), parties.get(cut.b()).name()));
      m.put("matchWeight", Double.isFinite(cut.matchWeight()) ? cut.matchWeight() : null);
      if (cut.minPosterior() > 0) {
        m.put("minPosterior", cut.minPosterior());
      }
      out.add(m);
    }
    return out;
  }
}
