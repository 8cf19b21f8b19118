package org.pprl.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.pprl.core.schema.EngineSchema;
import org.pprl.fixtures.CityGenerator;
import org.pprl.fixtures.Person;

/**
 * Writes the demo's public name list ({@code examples/public-name-frequencies.csv}): how often each
 * given, middle and family name occurs in a population generated independently of any demo city
 * (its own seed), overall and by gender and race/ethnicity, normalised as the example schema
 * normalises, values counted at least {@link #MIN_COUNT} times. It stands in for census name
 * counts, which is what an attacker would use.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar org.pprl.bench.PublicNameCounts
 * examples/public-name-frequencies.csv [population] [seed]} (defaults 200,000 and 990,001).
 */
public final class PublicNameCounts {
  static final List<String> FIELDS = List.of("given_name", "middle_name", "family_name");

  /** Values counted fewer times are left out: they align with nothing and only fill the file. */
  static final long MIN_COUNT = 5;

  private PublicNameCounts() {}

  public static void main(String[] args) throws Exception {
    Path out = Paths.get(args[0]);
    long population = args.length > 1 ? Long.parseLong(args[1]) : 200_000;
    long seed = args.length > 2 ? Long.parseLong(args[2]) : 990_001;
    EngineSchema schema =
        EngineSchema.parse(
            Paths.get(System.getProperty("pprl.examples", "examples"), "agency-schema.json"));
    write(schema, population, seed, out);
  }

  static void write(EngineSchema schema, long population, long seed, Path out) throws IOException {
    // field -> "gender,race" ("" overall) -> value -> count, sorted so the file is stable.
    Map<String, Map<String, Map<String, Long>>> counts = new TreeMap<>();
    CityGenerator.builder()
        .seed(seed)
        .population(population)
        .build()
        .persons()
        .forEach(
            (Person p) -> {
              for (int i = 0; i < FIELDS.size(); i++) {
                String value = normalised(schema, FIELDS.get(i), p);
                if (value.isEmpty() || value.contains(",") || value.contains("\"")) {
                  continue;
                }
                Map<String, Map<String, Long>> field =
                    counts.computeIfAbsent(FIELDS.get(i), f -> new TreeMap<>());
                field.computeIfAbsent(",", s -> new TreeMap<>()).merge(value, 1L, Long::sum);
                field
                    .computeIfAbsent(p.gender() + "," + p.raceEthnicity(), s -> new TreeMap<>())
                    .merge(value, 1L, Long::sum);
              }
            });
    try (Writer w = new BufferedWriter(Files.newBufferedWriter(out, StandardCharsets.UTF_8))) {
      w.write("field,value,count,gender,race_ethnicity\n");
      for (var field : counts.entrySet()) {
        for (var stratum : field.getValue().entrySet()) {
          for (var value : stratum.getValue().entrySet()) {
            if (value.getValue() < MIN_COUNT) {
              continue;
            }
            w.write(
                field.getKey()
                    + ","
                    + value.getKey()
                    + ","
                    + value.getValue()
                    + ","
                    + stratum.getKey()
                    + "\n");
          }
        }
      }
    }
  }

  /** A person's value of the example schema's feature {@code feature}, normalised as it says. */
  static String normalised(EngineSchema schema, String feature, Person p) {
    String raw =
        switch (feature) {
          case "given_name" -> p.given();
          case "middle_name" -> p.middle();
          case "family_name" -> p.family();
          case "sex" -> p.sex();
          case "date_of_birth" -> p.dateOfBirth().toString();
          case "street_number" -> p.streetNumber();
          case "street" -> p.street();
          case "borough" -> p.borough();
          case "postcode" -> p.postcode();
          default -> throw new IllegalArgumentException(feature);
        };
    return schema.normalisers().get(feature(schema, feature)).apply(raw == null ? "" : raw);
  }

  /** The index of feature {@code identifier} in the schema; refused when it has none. */
  static int feature(EngineSchema schema, String identifier) {
    int f = schema.clkhash().featureIndex(identifier);
    if (f < 0) {
      throw new IllegalArgumentException("the schema has no feature " + identifier);
    }
    return f;
  }
}
