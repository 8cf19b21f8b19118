package org.pprl.core.normalise;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The {@code nickname} normaliser: folds the value, then replaces each word that is a known English
 * nickname with its canonical given name ("bill" becomes "william", "liz" becomes "elizabeth").
 *
 * <p>The table is the resource {@code nicknames.tsv} beside this class: one {@code nickname TAB
 * canonical} pair a line, {@code #} comments. It is read once; an ambiguous nickname maps to one
 * name chosen in the file, and no canonical name is itself a nickname, so the normaliser is
 * idempotent. Cost: one fold plus one hash look-up per word.
 */
final class Nicknames implements Normaliser {
  static final Nicknames INSTANCE = new Nicknames(load());

  private final Map<String, String> canonical;

  private Nicknames(Map<String, String> canonical) {
    this.canonical = canonical;
  }

  /** The nickname table, nickname to canonical name; for tests. */
  static Map<String, String> table() {
    return INSTANCE.canonical;
  }

  @Override
  public String apply(String value) {
    String s = Fold.INSTANCE.apply(value);
    if (s.indexOf(' ') < 0) {
      return canonical.getOrDefault(s, s);
    }
    String[] words = s.split(" ");
    for (int i = 0; i < words.length; i++) {
      words[i] = canonical.getOrDefault(words[i], words[i]);
    }
    return String.join(" ", words);
  }

  private static Map<String, String> load() {
    Map<String, String> map = new HashMap<>();
    try (InputStream in = Nicknames.class.getResourceAsStream("nicknames.tsv")) {
      if (in == null) {
        throw new IllegalStateException("resource org/pprl/core/normalise/nicknames.tsv missing");
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      String line;
      int lineNo = 0;
      while ((line = reader.readLine()) != null) {
        lineNo++;
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        int tab = line.indexOf('\t');
        if (tab <= 0 || tab != line.lastIndexOf('\t') || tab == line.length() - 1) {
          throw new IllegalStateException(
              "nicknames.tsv line " + lineNo + ": expected 'nickname<TAB>canonical'");
        }
        String nick = line.substring(0, tab).trim();
        String name = line.substring(tab + 1).trim();
        if (!nick.equals(Fold.INSTANCE.apply(nick)) || !name.equals(Fold.INSTANCE.apply(name))) {
          throw new IllegalStateException("nicknames.tsv line " + lineNo + ": not folded");
        }
        if (map.put(nick, name) != null) {
          throw new IllegalStateException("nicknames.tsv line " + lineNo + ": duplicate nickname");
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read nicknames.tsv", e);
    }
    for (String name : map.values()) {
      if (map.containsKey(name)) {
        throw new IllegalStateException("nicknames.tsv: a canonical name is also a nickname");
      }
    }
    return Map.copyOf(map);
  }
}
