package org.pprl.core.evaluate;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.pprl.core.cluster.UnionFind;
import org.pprl.core.match.ProgressLine;

/**
 * The ground truth of a linkage: which records belong to the same entity.
 *
 * <p>Read from a CSV file with a header row, in one of three shapes, told apart by the number of
 * columns:
 *
 * <ul>
 *   <li>3 columns {@code extract,id,entity}: one row per record (the generator's {@code
 *       truth.csv});
 *   <li>4 columns {@code extract_a,id_a,extract_b,id_b}: one row per true pair;
 *   <li>2 columns {@code id_a,id_b}: one row per true pair, ids alone (they must then be unique
 *       across extracts, as in FEBRL's {@code rec_id}s).
 * </ul>
 *
 * Pair-shaped truths are turned into entities by joining pairs that share a record.
 */
public final class Truth {
  /** How records are named in the truth, and so how predictions must be keyed to meet it. */
  public enum Shape {
    ENTITIES,
    PAIRS,
    ID_PAIRS
  }

  private final Shape shape;
  private final RecordIndex records;

  /** Entity number of each record, indexed by record number. */
  private final int[] entityOf;

  /** Explicit pairs for the pair shapes; null for ENTITIES. */
  private final PairSet listedPairs;

  private Truth(Shape shape, RecordIndex records, int[] entityOf, PairSet listedPairs) {
    this.shape = shape;
    this.records = records;
    this.entityOf = entityOf;
    this.listedPairs = listedPairs;
  }

  public Shape shape() {
    return shape;
  }

  RecordIndex records() {
    return records;
  }

  /** Number of records the truth names. */
  public int recordCount() {
    return records.size();
  }

  /** The distinct extract names, empty for {@link Shape#ID_PAIRS}. */
  public List<String> extracts() {
    return records.extracts();
  }

  /**
   * The entity of record {@code id} of {@code extract} (the extract is ignored when the truth names
   * ids only), or -1 when the truth does not name the record.
   */
  public int entity(String extract, String id) {
    int record = records.lookup(extract, id);
    return record < 0 ? -1 : entityOf[record];
  }

  /** Whether the truth names both records and puts them in the same entity. */
  public boolean sameEntity(String extractA, String idA, String extractB, String idB) {
    int x = entity(extractA, idA);
    return x >= 0 && x == entity(extractB, idB);
  }

  /**
   * Number of true pairs with one record in each of the two extracts (or, for the same extract
   * twice, inside it); with {@link Shape#ID_PAIRS}, all listed pairs.
   */
  public long truePairs(String extractA, String extractB) {
    if (shape == Shape.ID_PAIRS) {
      return listedPairs.size();
    }
    if (shape == Shape.PAIRS) {
      long[] count = {0};
      listedPairs.forEach(
          (x, y) -> {
            String ex = records.extractOf(x);
            String ey = records.extractOf(y);
            if ((ex.equals(extractA) && ey.equals(extractB))
                || (ex.equals(extractB) && ey.equals(extractA))) {
              count[0]++;
            }
          });
      return count[0];
    }
    int entities = 0;
    for (int e : entityOf) {
      entities = Math.max(entities, e + 1);
    }
    // Records of each entity in extract A and in extract B (entity numbers are dense).
    int[] inA = new int[entities];
    int[] inB = new int[entities];
    for (int r = 0; r < entityOf.length; r++) {
      String e = records.extractOf(r);
      if (e.equals(extractA)) {
        inA[entityOf[r]]++;
      } else if (e.equals(extractB)) {
        inB[entityOf[r]]++;
      }
    }
    long total = 0;
    for (int e = 0; e < entities; e++) {
      long a = inA[e];
      total += extractA.equals(extractB) ? a * (a - 1) / 2 : a * inB[e];
    }
    return total;
  }

  int entityOf(int record) {
    return entityOf[record];
  }

  PairSet listedPairs() {
    return listedPairs;
  }

  /**
   * Reads a truth file.
   *
   * @throws IOException if the file cannot be read or has no header, a shape not listed above, or a
   *     row with another number of columns than the header (naming the row)
   */
  public static Truth read(Path file) throws IOException {
    return read(file, ProgressLine.silent());
  }

  /** As {@link #read(Path)}, counting the rows read on {@code rows}. */
  public static Truth read(Path file, ProgressLine rows) throws IOException {
    Reading r = new Reading(file, rows);
    CsvFile.read(file, r);
    return r.finish();
  }

  /** Rows read between two looks at the clock for a progress line. */
  private static final int ROW_CHUNK = 1 << 12;

  /** The state of one {@link #read}. */
  private static final class Reading implements CsvFile.Rows {
    private final Path file;
    private Shape shape;
    private RecordIndex records;
    private final UnionFind joined = new UnionFind();

    /** Entity names numbered in order of appearance (ids alone, no extract). */
    private final RecordIndex entityNumbers = new RecordIndex(true);

    /** Entity number of each record read so far (the first {@code records.size()} entries). */
    private int[] entityOfRecord = new int[1024];

    private int recordsSeen;
    private PairSet.Builder pairs;
    private final ProgressLine rows;
    private long rowsRead;

    Reading(Path file, ProgressLine rows) {
      this.file = file;
      this.rows = rows;
    }

    @Override
    public void header(String[] header) throws IOException {
      switch (header.length) {
        case 3:
          shape = Shape.ENTITIES;
          break;
        case 4:
          shape = Shape.PAIRS;
          break;
        case 2:
          shape = Shape.ID_PAIRS;
          break;
        default:
          throw new IOException(
              file
                  + ": a truth file has 3 columns (extract,id,entity), 4 (extract_a,id_a,"
                  + "extract_b,id_b) or 2 (id_a,id_b); this one has "
                  + header.length);
      }
      records = new RecordIndex(shape == Shape.ID_PAIRS);
      pairs = shape == Shape.ENTITIES ? null : new PairSet.Builder();
    }

    @Override
    public void row(String[] row) throws IOException {
      if (++rowsRead % ROW_CHUNK == 0) {
        rows.add(ROW_CHUNK);
      }
      if (shape == Shape.ENTITIES) {
        int record = records.intern(row[0], row[1]);
        int entity = entityNumbers.intern("", row[2]);
        if (record < recordsSeen) {
          if (entityOfRecord[record] != entity) {
            throw new IOException(file + ": a record is given two entities");
          }
        } else {
          if (recordsSeen == entityOfRecord.length) {
            entityOfRecord = Arrays.copyOf(entityOfRecord, recordsSeen * 2);
          }
          entityOfRecord[recordsSeen++] = entity;
        }
      } else {
        int x = shape == Shape.PAIRS ? records.intern(row[0], row[1]) : records.intern("", row[0]);
        int y = shape == Shape.PAIRS ? records.intern(row[2], row[3]) : records.intern("", row[1]);
        joined.union(x, y);
        pairs.add(x, y);
      }
    }

    Truth finish() {
      rows.add(rowsRead % ROW_CHUNK);
      rows.finish();
      int[] entityOf;
      if (shape == Shape.ENTITIES) {
        entityOf = Arrays.copyOf(entityOfRecord, recordsSeen);
      } else {
        entityOf = new int[records.size()];
        for (int r = 0; r < entityOf.length; r++) {
          entityOf[r] = joined.find(r);
        }
      }
      return new Truth(shape, records, entityOf, pairs == null ? null : pairs.build());
    }
  }
}
