package org.pprl.server;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.pprl.core.extract.ExtractReader;
import org.pprl.core.extract.ExtractRecord;

/**
 * What an upload changed in its agency's extract: how many record ids the new version holds that
 * the previous one did not (added) and the reverse (removed). Counts only, for auditors: a steward
 * holds the shared secret, so it can encode persons of its choosing and upload them, and a version
 * that adds a few records shortly before a matches release is what such probing looks like
 * (docs/disclosure.md).
 */
final class ExtractChanges {
  /*
   * The upload's ids are collected into a hash set while the upload is checked (ExtractReader.verify
   * with a consumer), and the previous version's ids are streamed against that set: one extra pass,
   * over the previous file, and no sort (sorting a million ids as Strings costs seconds, each
   * comparison following two references). The set holds about 100 MB for a million ids of a dozen
   * characters, for the duration of the upload. The previous ids are read again from the stored
   * file rather than kept between uploads: an upload is rare. A first upload reads nothing more: it
   * adds all its records. docs/service.md has the measured cost.
   */

  private ExtractChanges() {}

  /** A set for about {@code expected} ids. */
  static Set<String> newIdSet(long expected) {
    return new HashSet<>((int) Math.min(1 << 30, expected * 4 / 3 + 16));
  }

  /**
   * The record ids of an extract file; the whole file is read and validated.
   *
   * @param expected about how many records it has (sizes the set)
   */
  static Set<String> ids(Path extract, long expected) throws IOException {
    Set<String> ids = newIdSet(expected);
    try (ExtractReader reader = ExtractReader.open(extract)) {
      ExtractRecord record = reader.newRecord();
      while (reader.next(record)) {
        ids.add(record.id());
      }
    }
    return ids;
  }

  /**
   * The change from the stored version {@code previous} to an upload whose record ids are {@code
   * upload}.
   *
   * @param previous the agency's current version
   * @throws org.pprl.core.extract.CorruptExtractException if {@code previous} is not a valid
   *     extract
   */
  static Store.ExtractChange compare(Path previous, Set<String> upload) throws IOException {
    long before = 0;
    long common = 0;
    try (ExtractReader reader = ExtractReader.open(previous)) {
      ExtractRecord record = reader.newRecord();
      while (reader.next(record)) {
        before++;
        if (upload.contains(record.id())) {
          common++;
        }
      }
    }
    return new Store.ExtractChange(upload.size() - common, before - common);
  }
}
