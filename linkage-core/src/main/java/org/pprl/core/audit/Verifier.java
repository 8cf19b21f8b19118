package org.pprl.core.audit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;
import org.pprl.core.audit.Verification.Reason;

/**
 * Checks an exported audit log (see {@link AuditLog}) against the service's public key, offline.
 *
 * <p>Walking the lines in order it recomputes the hash chain: each event must have the next
 * sequence number and its stated hash must equal {@code SHA-256(previous || canonical(event))};
 * each checkpoint must carry a valid signature and the chain hash after the event just before it.
 * The first failure is reported. An edit that also rewrites every later hash is caught at the next
 * checkpoint, whose signed hash no longer matches; events after the last checkpoint can be
 * rewritten wholesale without detection, which is why they are reported as an unsigned tail.
 *
 * <p>To tell a gap from a reordering, a first pass collects every event's sequence number.
 */
public final class Verifier {
  private Verifier() {}

  /**
   * Verifies the log in a file (UTF-8 JSON lines); the file is read twice.
   *
   * @throws MalformedLogException if a line is not an event or checkpoint, or no line is an event
   * @throws IOException if the file cannot be read
   */
  public static Verification verify(Path log, byte[] publicKey) throws IOException {
    try {
      return verify(
          each -> {
            try (BufferedReader r = Files.newBufferedReader(log, StandardCharsets.UTF_8)) {
              for (String line = r.readLine(); line != null; line = r.readLine()) {
                each.accept(line);
              }
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          },
          publicKey);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /**
   * Verifies a log given as its lines.
   *
   * @throws MalformedLogException if a line is not an event or checkpoint, or no line is an event
   */
  public static Verification verify(List<String> lines, byte[] publicKey) {
    return verify(
        each -> {
          for (Iterator<String> it = lines.iterator(); it.hasNext(); ) {
            each.accept(it.next());
          }
        },
        publicKey);
  }

  /** A source of lines that can be read more than once. */
  private interface Lines {
    void forEach(Consumer<String> each);
  }

  private static Verification verify(Lines lines, byte[] publicKey) {
    long[] present = presentSeqs(lines);
    Walk walk = new Walk(present, publicKey);
    lines.forEach(walk::accept);
    Verification v = walk.result();
    if (v.ok() && v.events() == 0) {
      // Every export holds at least the event of its own reading. An empty file (a failed copy, a
      // log cut to nothing, or to its genesis checkpoint) vouches for nothing and must not pass as
      // a verified log; one whose checkpoints name events it lacks is reported as MISSING above.
      throw new MalformedLogException("the log holds no event: every export holds at least one");
    }
    return v;
  }

  /**
   * Checks that {@code current} continues {@code previous}, an export the auditor kept from before:
   * every event of the earlier export is still there with the same hash. This catches what one
   * export alone cannot: cutting off the end of the log together with its last checkpoints, or
   * rewriting unsigned events. Verify each log on its own as well.
   *
   * @return a verification whose problem is {@link Reason#TRUNCATED} or {@link Reason#REWRITTEN} at
   *     the first such event, or none
   * @throws MalformedLogException if a line is not an event or checkpoint line
   */
  public static Verification continues(List<String> previous, List<String> current) {
    java.util.Map<Long, String> now = new java.util.HashMap<>();
    long last = 0;
    long number = 0;
    for (String text : current) {
      number++;
      if (!text.isBlank()) {
        AuditLog.Line line = AuditLog.parse(text, number);
        if (line.event() != null) {
          now.put(line.event().seq(), line.hash());
          last = Math.max(last, line.event().seq());
        }
      }
    }
    number = 0;
    long earlier = 0;
    for (String text : previous) {
      number++;
      if (text.isBlank()) {
        continue;
      }
      AuditLog.Line line = AuditLog.parse(text, number);
      if (line.event() == null) {
        continue;
      }
      earlier++;
      long seq = line.event().seq();
      String hash = now.get(seq);
      if (hash == null && seq > last) {
        return new Verification(
            Reason.TRUNCATED,
            seq,
            "the log ends at seq " + last + ", the earlier export had seq " + seq,
            earlier - 1,
            0,
            0);
      }
      if (hash == null || !hash.equals(line.hash())) {
        return new Verification(
            Reason.REWRITTEN,
            seq,
            "the event differs from the earlier export's",
            earlier - 1,
            0,
            0);
      }
    }
    return new Verification(null, 0, null, earlier, 0, 0);
  }

  /** Every event's sequence number, sorted. */
  private static long[] presentSeqs(Lines lines) {
    long[][] seqs = {new long[64]};
    int[] count = {0};
    long[] number = {0};
    lines.forEach(
        text -> {
          number[0]++;
          if (text.isBlank()) {
            return;
          }
          AuditLog.Line line = AuditLog.parse(text, number[0]);
          if (line.event() != null) {
            if (count[0] == seqs[0].length) {
              seqs[0] = Arrays.copyOf(seqs[0], 2 * count[0]);
            }
            seqs[0][count[0]++] = line.event().seq();
          }
        });
    long[] out = Arrays.copyOf(seqs[0], count[0]);
    Arrays.sort(out);
    return out;
  }

  /** The second pass: the chain walked line by line until the first problem. */
  private static final class Walk {
    private final long[] present;
    private final byte[] publicKey;
    private byte[] hash = AuditChain.genesis();
    private long number;
    private long lastSeq;
    private long events;
    private long checkpoints;
    private long lastCheckpoint;
    private Reason problem;
    private long problemSeq;
    private String message;

    Walk(long[] present, byte[] publicKey) {
      this.present = present;
      this.publicKey = publicKey;
    }

    void accept(String text) {
      number++;
      if (problem != null || text.isBlank()) {
        return;
      }
      AuditLog.Line line = AuditLog.parse(text, number);
      if (line.event() != null) {
        event(line.event(), line.hash());
      } else {
        checkpoint(line.checkpoint());
      }
    }

    private void event(AuditEvent e, String statedHash) {
      long expected = lastSeq + 1;
      if (e.seq() > expected) {
        if (Arrays.binarySearch(present, expected) >= 0) {
          fail(Reason.REORDERED, expected, "event " + expected + " comes after event " + e.seq());
        } else {
          fail(Reason.MISSING, expected, "event " + expected + " is missing");
        }
        return;
      }
      if (e.seq() < expected) {
        fail(Reason.REORDERED, e.seq(), "event " + e.seq() + " comes after event " + lastSeq);
        return;
      }
      hash = AuditChain.next(hash, e);
      if (!AuditChain.hex(hash).equals(statedHash)) {
        fail(Reason.EDITED, e.seq(), "event " + e.seq() + " does not match its hash");
        return;
      }
      lastSeq = e.seq();
      events++;
    }

    private void checkpoint(Checkpoint c) {
      if (!c.verify(publicKey)) {
        fail(
            Reason.BAD_SIGNATURE,
            c.seq(),
            "the checkpoint at event " + c.seq() + " has an invalid signature");
        return;
      }
      if (c.seq() > lastSeq) {
        fail(
            Reason.MISSING,
            lastSeq + 1,
            "the checkpoint at event " + c.seq() + " follows event " + lastSeq);
        return;
      }
      if (c.seq() < lastSeq) {
        fail(
            Reason.REORDERED,
            c.seq(),
            "the checkpoint at event " + c.seq() + " comes after event " + lastSeq);
        return;
      }
      if (!c.hash().equals(AuditChain.hex(hash))) {
        fail(
            Reason.EDITED,
            c.seq(),
            "the events up to " + c.seq() + " do not match the signed checkpoint");
        return;
      }
      checkpoints++;
      lastCheckpoint = c.seq();
    }

    private void fail(Reason reason, long seq, String why) {
      problem = reason;
      problemSeq = seq;
      message = why;
    }

    Verification result() {
      return new Verification(
          problem, problemSeq, message, events, checkpoints, lastSeq - lastCheckpoint);
    }
  }
}
