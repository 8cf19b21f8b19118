package org.pprl.core.query;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.pprl.core.disclose.RecordKeys;

/**
 * Every person's secret cell key in a {@link LinkedPopulation}, for the cell-key method: a cell's
 * key is the sum, mod 2^64, of its persons' keys.
 *
 * <p>A person is a set of records (an entity, or one record). Its key is the key of its record with
 * the smallest rank ({@link RecordKeys}).
 */
public final class PopulationKeys {
  /*
   * Whose secret the record keys are under. Not the service's secret itself, but a secret drawn
   * from it and the population's content: HMAC(service secret, every agency's records in id order
   * with their attribute values and the entity each belongs to, given by its least member). So:
   *
   * - The same population gives every person the same key, in every question, every run and every
   *   project: asking a cell again, in another question, after a re-run over the same extracts,
   *   or in a second project over the same extracts and links, publishes the same value, and
   *   repeating questions cannot average the noise away. Nothing depends on the project, the run
   *   or the order of the records in a file.
   * - Any change to the population (a record added, removed or changed, a link made or broken)
   *   gives every person a new key. With keys stable across such a change, the cells whose
   *   published value moves between the two answers are exactly the cells the changed person is
   *   in (the others keep their count and their key, and so their value): one re-upload that drops
   *   a record would tell its age band, gender and agencies. With new keys every cell is drawn
   *   again, whether or not the person is in it.
   *
   * What that costs: each distinct population an analyst can ask about is one independent draw of
   * the noise of a cell. Populations change only by uploads and runs, which stewards and admins
   * make and the audit log records; docs/disclosure.md states this residual risk.
   */

  private final long[][] rank; // per agency index, per record
  private final long[][] key;
  private final String id;

  private PopulationKeys(long[][] rank, long[][] key, String id) {
    this.rank = rank;
    this.key = key;
    this.id = id;
  }

  /**
   * A name for the population: equal for equal populations (the same records, values and links),
   * whichever project or run they come from; nothing about the records can be learnt from it
   * without the service's secret. Statutory releases are kept under it.
   */
  public String populationId() {
    return id;
  }

  /**
   * Computes every record's rank and key under the population's secret.
   *
   * @param serviceSecret the service's cell-key secret, at least 32 bytes
   */
  public static PopulationKeys of(LinkedPopulation population, byte[] serviceSecret) {
    byte[] secret = populationSecret(population, serviceSecret);
    RecordKeys keys = RecordKeys.of(secret);
    int agencies = population.agencyNames().size();
    long[][] rank = new long[agencies][];
    long[][] key = new long[agencies][];
    for (int g = 0; g < agencies; g++) {
      AgencyRecords records = population.records(g);
      rank[g] = new long[records.size()];
      key[g] = new long[records.size()];
      for (int r = 0; r < records.size(); r++) {
        rank[g][r] = keys.rank(records.agency(), records.id(r));
        key[g][r] = keys.key(records.agency(), records.id(r));
      }
    }
    return new PopulationKeys(rank, key, populationId(secret));
  }

  private static String populationId(byte[] populationSecret) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(populationSecret, "HmacSHA256"));
      byte[] id = mac.doFinal("population id".getBytes(StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(id, 0, 16);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  /**
   * The key of the person whose records are {@code (agency[m], record[m])}, m below size ({@link
   * RecordKeys#personKey}); {@code ranks} and {@code keys} are scratch arrays of at least size.
   */
  long personKey(int[] agency, int[] record, int size, long[] ranks, long[] keys) {
    for (int m = 0; m < size; m++) {
      ranks[m] = rank[agency[m]][record[m]];
      keys[m] = key[agency[m]][record[m]];
    }
    return RecordKeys.personKey(ranks, keys, 0, size);
  }

  /**
   * HMAC-SHA256 under the service's secret of the population's canonical form: agencies by name;
   * each agency's records by id, each with its attribute values (by attribute name) and its
   * entity's least member (agency, id), or none. Strings are length-prefixed, so the form is
   * injective.
   */
  static byte[] populationSecret(LinkedPopulation population, byte[] serviceSecret) {
    if (serviceSecret.length < RecordKeys.MIN_SECRET_BYTES) {
      throw new IllegalArgumentException(
          "the cell-key secret has "
              + serviceSecret.length
              + " bytes, expected at least "
              + RecordKeys.MIN_SECRET_BYTES);
    }
    Mac mac;
    try {
      mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(serviceSecret, "HmacSHA256"));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
    List<String> names = population.agencyNames();
    Integer[] agencyOrder = new Integer[names.size()];
    for (int g = 0; g < agencyOrder.length; g++) {
      agencyOrder[g] = g;
    }
    Arrays.sort(agencyOrder, Comparator.comparing(names::get));
    int[][] least = leastMembers(population, names);
    try (DataOutputStream out =
        new DataOutputStream(new BufferedOutputStream(macStream(mac), 1 << 16))) {
      writeString(out, "pprl cell-key population v1");
      out.writeInt(names.size());
      for (int g : agencyOrder) {
        AgencyRecords records = population.records(g);
        writeString(out, records.agency());
        List<String> attributes = new ArrayList<>(records.attributes());
        attributes.sort(null);
        int[] attributeIndex = new int[attributes.size()];
        out.writeInt(attributes.size());
        for (int i = 0; i < attributeIndex.length; i++) {
          writeString(out, attributes.get(i));
          attributeIndex[i] = records.attributeIndex(attributes.get(i));
        }
        Integer[] byId = new Integer[records.size()];
        for (int r = 0; r < byId.length; r++) {
          byId[r] = r;
        }
        Arrays.sort(byId, Comparator.comparing(records::id));
        out.writeInt(records.size());
        for (int r : byId) {
          writeString(out, records.id(r));
          for (int a : attributeIndex) {
            int code = records.code(a, r);
            if (code < 0) {
              out.writeByte(0);
            } else {
              out.writeByte(1);
              writeString(out, records.dictionary(a)[code]);
            }
          }
          int e = population.entityOf(g, r);
          if (e < 0) {
            out.writeByte(0);
          } else {
            out.writeByte(1);
            writeString(out, names.get(least[e][0]));
            writeString(out, population.records(least[e][0]).id(least[e][1]));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot digest the population", e);
    }
    return mac.doFinal();
  }

  /** Each entity's least member by (agency name, record id), as {agency index, record index}. */
  private static int[][] leastMembers(LinkedPopulation population, List<String> names) {
    int[][] least = new int[population.entityCount()][];
    for (int e = 0; e < least.length; e++) {
      int bestAgency = -1;
      int bestRecord = -1;
      for (int m = population.memberStart(e); m < population.memberEnd(e); m++) {
        int g = population.memberAgency(m);
        int r = population.memberRecord(m);
        if (bestAgency < 0) {
          bestAgency = g;
          bestRecord = r;
          continue;
        }
        int order = names.get(g).compareTo(names.get(bestAgency));
        if (order == 0) {
          order =
              population.records(g).id(r).compareTo(population.records(bestAgency).id(bestRecord));
        }
        if (order < 0) {
          bestAgency = g;
          bestRecord = r;
        }
      }
      least[e] = new int[] {bestAgency, bestRecord};
    }
    return least;
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  private static OutputStream macStream(Mac mac) {
    return new OutputStream() {
      @Override
      public void write(int b) {
        mac.update((byte) b);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        mac.update(b, off, len);
      }
    };
  }
}
