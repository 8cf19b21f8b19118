package org.pprl.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.pprl.core.io.AtomicOutput;

/**
 * The JSON reports of the local commands ({@code inspect}, {@code profile}, {@code assess}, {@code
 * link}, {@code evaluate}), in one convention: an object whose first field, {@code format}, names
 * the command and the version of its shape ({@code "pprl.link.v1"}). A field is added to a shape
 * without changing its version; a field renamed, removed or given another meaning makes the next
 * version. A number that is not defined (a precision over no predicted pair) is {@code null}, never
 * a made-up value. docs/cli.md describes every shape.
 *
 * <p>Where JSON goes to standard output, the text report goes to standard error, so that a script
 * reads one JSON document and a person still sees what happened.
 */
final class JsonReport {
  private JsonReport() {}

  /** The mapper, made on first use: a command printing text alone does not start Jackson. */
  private static final class Mapper {
    static final ObjectMapper MAPPER =
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  }

  /** An empty report of {@code command}: its {@code format} field only. */
  static ObjectNode start(String command) {
    ObjectNode root = Mapper.MAPPER.createObjectNode();
    root.put("format", "pprl." + command + ".v1");
    return root;
  }

  /** A report of {@code command} holding {@code value}'s properties after its format. */
  static ObjectNode of(String command, Object value) {
    ObjectNode root = start(command);
    root.setAll((ObjectNode) Mapper.MAPPER.valueToTree(value));
    return root;
  }

  /** {@code value}, or null when it is not a number (NaN: undefined). */
  static void putDefined(ObjectNode node, String field, double value) {
    if (Double.isNaN(value)) {
      node.putNull(field);
    } else {
      node.put(field, value);
    }
  }

  /**
   * Prints the report for a command with a {@code --json} flag: the JSON on {@code out} and the
   * text on {@code err}; without the flag, the text alone on {@code out}.
   */
  static void print(
      boolean json, JsonNode report, PrintWriter out, PrintWriter err, Consumer<PrintWriter> text) {
    print(json, () -> report, out, err, text);
  }

  /**
   * {@link #print(boolean, JsonNode, PrintWriter, PrintWriter, Consumer)} with the report built
   * only for the flag: without it Jackson is not started (about a tenth of a second of a short
   * {@code pprl link}'s class loading).
   */
  static void print(
      boolean json,
      Supplier<JsonNode> report,
      PrintWriter out,
      PrintWriter err,
      Consumer<PrintWriter> text) {
    if (json) {
      text.accept(err);
      err.flush();
      out.println(write(report.get()));
    } else {
      text.accept(out);
    }
  }

  /**
   * Prints the report for a command with {@code --json FILE|-}: with {@code -}, as {@link #print}
   * with the flag; with a file, the text on {@code out} and the JSON written to the file complete
   * or not at all; with no option, the text alone.
   */
  static void print(
      String json, JsonNode report, PrintWriter out, PrintWriter err, Consumer<PrintWriter> text)
      throws IOException {
    if (json == null || "-".equals(json)) {
      print(json != null, report, out, err, text);
      return;
    }
    text.accept(out);
    try (AtomicOutput file = AtomicOutput.create(Path.of(json))) {
      Mapper.MAPPER.writeValue(file.stream(), report);
      file.commit();
    }
    out.println("report written to " + json);
  }

  private static String write(JsonNode report) {
    try {
      return Mapper.MAPPER.writeValueAsString(report);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
