package org.pprl.core.link;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pprl.core.encode.CsvEncoding;
import org.pprl.core.encode.RecordEncoder;
import org.pprl.core.schema.EngineSchema;
import org.pprl.fixtures.Agency;
import org.pprl.fixtures.CityGenerator;
import org.pprl.fixtures.Corruption;
import org.pprl.fixtures.ProgressListener;

/**
 * A seeded generated city whose agencies are encoded with the example agency schema, with the
 * generator's truth, for linker tests: parties to link and the score of their links.
 */
final class EncodedCity {
  private final Path dir;
  private final byte[] secret;

  /** agency + "/" + record id to person id, from the truth. */
  final Map<String, String> personOf = new HashMap<>();

  private EncodedCity(Path dir, byte[] secret) {
    this.dir = dir;
    this.secret = secret;
  }

  /** Generates the city into {@code dir}/city and encodes each agency to {@code dir}/ID.pprl. */
  static EncodedCity generate(
      Path dir, long seed, int population, String secret, List<Agency> agencies) throws Exception {
    EncodedCity city = new EncodedCity(dir, secret.getBytes(StandardCharsets.UTF_8));
    Path csv = dir.resolve("city");
    CityGenerator.builder()
        .seed(seed)
        .population(population)
        .corruption(Corruption.DEFAULT)
        .agencies(agencies)
        .build()
        .writeTo(csv, ProgressListener.NONE);
    List<String> truth = Files.readAllLines(csv.resolve("truth.csv"));
    for (String line : truth.subList(1, truth.size())) {
      String[] f = line.split(",");
      city.personOf.put(f[0] + "/" + f[1], f[2]);
    }
    for (Agency agency : agencies) {
      EngineSchema s = EngineSchema.parse(Files.readAllBytes(schema()), agency.datePattern());
      city.encode(s, city.csv(agency), dir.resolve(agency.id() + ".pprl"), agency.id());
    }
    return city;
  }

  /** The example agency schema's file. */
  static Path schema() {
    return Paths.get(System.getProperty("pprl.examples", "../examples"), "agency-schema.json");
  }

  /** The agency's generated CSV. */
  Path csv(Agency agency) {
    return dir.resolve("city").resolve(agency.fileName());
  }

  /** Encodes {@code csvFile} with this city's secret. */
  void encode(EngineSchema schema, Path csvFile, Path out, String agency) throws Exception {
    CsvEncoding.encode(new RecordEncoder(schema, secret), csvFile, out, agency, null);
  }

  Party party(Agency agency) throws IOException {
    return Party.load(dir.resolve(agency.id() + ".pprl"), agency.id());
  }

  /** Correct links and wrong links among {@code result}'s, by the truth. */
  int[] score(List<Party> parties, Linker.Result result) {
    int right = 0;
    int wrong = 0;
    for (Linker.Link link : result.links()) {
      Party a = parties.get(link.a());
      Party b = parties.get(link.b());
      String x = personOf.get(a.name() + "/" + a.id(link.i()));
      String y = personOf.get(b.name() + "/" + b.id(link.j()));
      if (x.equals(y)) {
        right++;
      } else {
        wrong++;
      }
    }
    return new int[] {right, wrong};
  }

  /** The number of persons with a record in both extracts. */
  int shared(String first, String second) {
    return persons(first).stream().filter(persons(second)::contains).mapToInt(p -> 1).sum();
  }

  /** The persons with a record in the extract. */
  Set<String> persons(String extract) {
    Set<String> persons = new HashSet<>();
    personOf.forEach(
        (record, person) -> {
          if (record.startsWith(extract + "/")) {
            persons.add(person);
          }
        });
    return persons;
  }

  static Linker linker() {
    return new Linker(Linker.Options.defaults().withThreads(2), step -> {});
  }
}
