package org.pprl.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.io.Writer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;
import org.pprl.core.audit.AuditChain;
import org.pprl.core.audit.AuditEvent;
import org.pprl.core.audit.AuditLog;
import org.pprl.core.audit.AuditSigner;
import org.pprl.core.audit.Checkpoint;

/**
 * The store's audit log: the hash chain of events ({@link AuditChain}), its signed checkpoints, and
 * its export. Events that go with a change are appended inside the change's transaction (the
 * methods taking a {@link Connection}); a refusal or a release is appended on its own, with the
 * events of other callers waiting at the same time (group commit, below).
 */
final class AuditTrail {
  private final Database database;
  private final AuditSigner signer;

  AuditTrail(Database database, AuditSigner signer) {
    this.database = database;
    this.signer = signer;
  }

  /** The 32-byte Ed25519 public key that verifies this store's audit checkpoints. */
  byte[] publicKey() {
    return signer.publicKey();
  }

  /**
   * Appends an audit event for a release made for a stated purpose (an answer, a steward's
   * matches), in its own transaction; the release is sent only after it is logged.
   *
   * @param purpose the purpose the caller stated, or null
   * @param detail what was asked and released: counts, ids and codes, never record content
   */
  void audit(Principal actor, String purpose, String action, Map<String, Object> detail) {
    PendingEvent event =
        new PendingEvent(actor, purpose, action, detail, new CompletableFuture<Void>());
    pendingAudit.add(event);
    auditWriter.lock();
    try {
      if (!event.done().isDone()) {
        List<PendingEvent> batch = new ArrayList<>();
        for (PendingEvent e; (e = pendingAudit.poll()) != null; ) {
          batch.add(e);
        }
        try {
          database.inTransaction(
              "cannot append to the audit log",
              c -> {
                for (PendingEvent e : batch) {
                  appendAudit(c, e.actor(), e.purpose(), e.action(), e.detail());
                }
                return null;
              });
          batch.forEach(e -> e.done().complete(null));
        } catch (RuntimeException failed) {
          batch.forEach(e -> e.done().completeExceptionally(failed));
        }
      }
    } finally {
      auditWriter.unlock();
    }
    try {
      event.done().join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  /*
   * Group commit. Every answer appends its event before it is sent, and with one transaction per
   * event concurrent requests queued on SQLite's write lock, whose waiters sleep and retry: 50
   * analysts gave a p99 of 1.5 to 2.7 s although the median was 25 ms. Now each event joins a
   * queue; whoever holds auditWriter (a fair lock, so callers go in arrival order) writes every
   * queued event in one transaction, and each caller returns once its own event is committed.
   * The chain's order is the order events were taken from the queue; each is still logged before
   * its release is sent.
   */
  private record PendingEvent(
      Principal actor,
      String purpose,
      String action,
      Map<String, Object> detail,
      CompletableFuture<Void> done) {}

  private final ConcurrentLinkedQueue<PendingEvent> pendingAudit = new ConcurrentLinkedQueue<>();
  private final ReentrantLock auditWriter = new ReentrantLock(true);

  /**
   * Appends an event to the chain inside the caller's transaction (which keeps other writers out
   * from its start, Dialect, so the head read here stays the head), and signs a checkpoint after
   * every {@link Store#CHECKPOINT_EVERY} events.
   */
  void appendAudit(Connection c, Principal actor, String action, Map<String, Object> detail)
      throws SQLException {
    appendAudit(c, actor, null, action, detail);
  }

  /** Appends an event done by the {@link Store#OPERATOR}, inside the caller's transaction. */
  void appendOperatorAudit(Connection c, String action, Map<String, Object> detail)
      throws SQLException {
    appendAudit(c, 0, Store.OPERATOR, null, null, action, detail);
  }

  void appendAudit(
      Connection c, Principal actor, String purpose, String action, Map<String, Object> detail)
      throws SQLException {
    appendAudit(c, actor.id(), actor.role().id(), actor.agency(), purpose, action, detail);
  }

  private void appendAudit(
      Connection c,
      long actor,
      String role,
      String agency,
      String purpose,
      String action,
      Map<String, Object> detail)
      throws SQLException {
    long seq = 0;
    byte[] previous = AuditChain.genesis();
    try (PreparedStatement s =
            c.prepareStatement("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1");
        ResultSet r = s.executeQuery()) {
      if (r.next()) {
        seq = r.getLong(1);
        previous = AuditChain.parseHex(r.getString(2));
      }
    }
    String detailJson;
    try {
      detailJson = Store.JSON.writeValueAsString(detail);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("an audit detail could not be written as JSON", e);
    }
    AuditEvent event =
        new AuditEvent(seq + 1, Store.now(), actor, role, agency, purpose, action, detailJson);
    byte[] hash = AuditChain.next(previous, event);
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO audit_events (seq, time, actor, role, agency, purpose, action, detail,"
                + " prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      s.setLong(1, event.seq());
      s.setString(2, event.time());
      s.setLong(3, event.actor());
      s.setString(4, event.role());
      s.setString(5, event.agency());
      s.setString(6, event.purpose());
      s.setString(7, event.action());
      s.setString(8, event.detail());
      s.setString(9, AuditChain.hex(previous));
      s.setString(10, AuditChain.hex(hash));
      s.executeUpdate();
    }
    if (event.seq() % Store.CHECKPOINT_EVERY == 0) {
      insertCheckpoint(c, signer.sign(event.seq(), hash));
    }
  }

  private static void insertCheckpoint(Connection c, Checkpoint cp) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO audit_checkpoints (seq, hash, signature, created)"
                + " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
      s.setLong(1, cp.seq());
      s.setString(2, cp.hash());
      s.setString(3, cp.signature());
      s.setString(4, Store.now());
      s.executeUpdate();
    }
  }

  /**
   * Signs a checkpoint over the latest event now (seq 0 and the genesis hash if the log is empty).
   * If one exists at that event already, it is returned instead.
   */
  Checkpoint checkpoint() {
    return database.inTransaction(
        "cannot make an audit checkpoint",
        c -> {
          long seq = 0;
          byte[] hash = AuditChain.genesis();
          try (PreparedStatement s =
                  c.prepareStatement(
                      "SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1");
              ResultSet r = s.executeQuery()) {
            if (r.next()) {
              seq = r.getLong(1);
              hash = AuditChain.parseHex(r.getString(2));
            }
          }
          insertCheckpoint(c, signer.sign(seq, hash));
          Checkpoint stored;
          try (PreparedStatement s =
              c.prepareStatement("SELECT hash, signature FROM audit_checkpoints WHERE seq = ?")) {
            s.setLong(1, seq);
            try (ResultSet r = s.executeQuery()) {
              r.next();
              stored = new Checkpoint(seq, r.getString(1), r.getString(2));
            }
          }
          return stored;
        });
  }

  /**
   * Writes the audit log as JSON lines ({@link AuditLog}), up to event {@code through} only: every
   * event in order, each checkpoint right after the event it covers. The events present when the
   * export starts are written; later ones are left for the next export, so the lines are a
   * consistent prefix of the log (an export over the API ends at the checkpoint it signed over its
   * own reading). Checkpoints past the last event are written all the same: only a damaged log has
   * them, and they show the damage.
   */
  void exportAudit(Writer out, long through) throws IOException {
    try (Connection c = database.connect()) {
      long head;
      try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT (SELECT COALESCE(MAX(seq), 0) FROM audit_events),"
                      + " (SELECT COALESCE(MAX(seq), 0) FROM audit_checkpoints)");
          ResultSet r = s.executeQuery()) {
        r.next();
        long lastEvent = r.getLong(1);
        long lastCheckpoint = r.getLong(2);
        // A checkpoint never names an event after the last one; if the newest events were
        // deleted, their checkpoint is still exported and shows the gap.
        head = lastCheckpoint > lastEvent ? lastCheckpoint : Math.min(lastEvent, through);
      }
      try (PreparedStatement events =
              c.prepareStatement(
                  "SELECT seq, time, actor, role, agency, purpose, action, detail, hash"
                      + " FROM audit_events WHERE seq <= ? ORDER BY seq");
          PreparedStatement checkpoints =
              c.prepareStatement(
                  "SELECT seq, hash, signature FROM audit_checkpoints WHERE seq <= ? ORDER BY seq")) {
        events.setLong(1, head);
        checkpoints.setLong(1, head);
        try (ResultSet e = events.executeQuery();
            ResultSet k = checkpoints.executeQuery()) {
          boolean moreCheckpoints = k.next();
          // Checkpoint 0 (the empty log) comes before every event.
          while (moreCheckpoints && k.getLong(1) == 0) {
            writeCheckpoint(out, k);
            moreCheckpoints = k.next();
          }
          while (e.next()) {
            long seq = e.getLong(1);
            out.write(AuditLog.eventLine(storedEvent(e), e.getString(9)));
            out.write('\n');
            while (moreCheckpoints && k.getLong(1) <= seq) {
              writeCheckpoint(out, k);
              moreCheckpoints = k.next();
            }
          }
          // Only in a damaged log: checkpoints past the last event, written so that they show it.
          while (moreCheckpoints) {
            writeCheckpoint(out, k);
            moreCheckpoints = k.next();
          }
        }
      }
    } catch (SQLException e) {
      throw new Store.StoreException("cannot read the audit log", e);
    }
    out.flush();
  }

  /**
   * Calls {@code each} with every audit event whose action is one of {@code actions}, in sequence
   * order, read in one transaction (events appended meanwhile are not seen).
   */
  void forEachAuditEvent(
      java.util.Set<String> actions, java.util.function.Consumer<AuditEvent> each) {
    String marks = String.join(", ", java.util.Collections.nCopies(actions.size(), "?"));
    try (Connection c = database.connect();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT seq, time, actor, role, agency, purpose, action, detail FROM audit_events"
                    + " WHERE action IN ("
                    + marks
                    + ") ORDER BY seq")) {
      int i = 1;
      for (String action : actions) {
        s.setString(i++, action);
      }
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          AuditEvent event = storedEvent(r);
          if (actions.contains(event.action())) {
            each.accept(event);
          }
        }
      }
    } catch (SQLException e) {
      throw new Store.StoreException("cannot read the audit log", e);
    }
  }

  /**
   * An event as stored. A row edited into a shape no event can have is written with its content
   * replaced by an empty detail: it then fails verification as edited, as it should.
   */
  private static AuditEvent storedEvent(ResultSet e) throws SQLException {
    long actor = e.getObject(3) == null ? -1 : e.getLong(3);
    try {
      return new AuditEvent(
          e.getLong(1),
          e.getString(2),
          actor,
          e.getString(4),
          e.getString(5),
          e.getString(6),
          e.getString(7),
          e.getString(8));
    } catch (IllegalArgumentException | NullPointerException malformed) {
      return new AuditEvent(
          Math.max(1, e.getLong(1)), Store.now(), -1, "?", null, null, "audit.unreadable", "{}");
    }
  }

  private static void writeCheckpoint(Writer out, ResultSet k) throws SQLException, IOException {
    out.write(
        AuditLog.checkpointLine(new Checkpoint(k.getLong(1), k.getString(2), k.getString(3))));
    out.write('\n');
  }
}
