package org.pprl.server;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.pprl.server.ApiException.Code;

/**
 * What every endpoint asks of a request first: who calls, whether its role may, which project the
 * path names and whether the caller may see it, and the fields of a JSON body. Each refuses with an
 * {@link ApiException}.
 */
final class Requests {
  /** Refuses a body that gives a field twice, rather than keeping the last value. */
  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  /** An id in a path as it is written: ASCII digits, no sign, no leading zero, at most 18. */
  private static final Pattern ID = Pattern.compile("[1-9][0-9]{0,17}");

  private Requests() {}

  /** The authenticated caller. */
  static Principal principal(Context ctx) {
    return LinkageServer.principal(ctx);
  }

  static long principalId(Context ctx) {
    return principal(ctx).id();
  }

  /** The caller, if it has {@code role}; else {@code forbidden}. */
  static Principal requireRole(Context ctx, Role role) {
    Principal p = principal(ctx);
    if (p.role() != role) {
      throw new ApiException(Code.FORBIDDEN, "this needs the " + role.id() + " role");
    }
    return p;
  }

  /**
   * The project in the path, if the caller may see it: a steward sees only projects its agency
   * takes part in. Any other answer is {@code not_found}, so that a caller learns nothing of
   * projects it may not see.
   */
  static Store.Project visibleProject(Store store, Context ctx, Principal caller) {
    Long id = projectNumber(ctx);
    Store.Project project =
        (id == null ? java.util.Optional.<Store.Project>empty() : store.project(id))
            .orElseThrow(() -> new ApiException(Code.NOT_FOUND, "no such project"));
    if (caller.role() == Role.STEWARD && !project.agencies().contains(caller.agency())) {
      throw new ApiException(Code.NOT_FOUND, "no such project");
    }
    return project;
  }

  /** The project number in the path, or null if it is not one (in its canonical spelling). */
  static Long projectNumber(Context ctx) {
    return canonicalId(ctx.pathParam("project"));
  }

  /**
   * {@code text} as an id if it is written the one way an id is ({@code 1}; not {@code 01}, {@code
   * +1} or another script's digits), else null: one object has one path, and a path that is not an
   * id names no object ({@code not_found}).
   */
  static Long canonicalId(String text) {
    return ID.matcher(text).matches() ? Long.valueOf(text) : null;
  }

  /**
   * Refuses a field of {@code body} that is not one of {@code known}, naming it: a misspelt
   * optional field would otherwise silently give its default.
   */
  static void onlyFields(JsonNode body, Set<String> known) {
    for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!known.contains(name)) {
        throw new ApiException(
            Code.BAD_REQUEST,
            "unknown field '" + fieldName(name) + "'; known: " + new TreeSet<>(known));
      }
    }
  }

  /**
   * The query parameters every route may take: a stated purpose, once. Any other parameter, or a
   * repeated one, is refused with the parameter named, as an unknown JSON field is: a typo such as
   * {@code ?purpse=research} must not be taken as no purpose at all.
   */
  static final Set<String> QUERY_PARAMETERS = Set.of("purpose");

  /** Refuses a query parameter no route takes, or one given twice (a before-handler). */
  static void onlyKnownQuery(Context ctx) {
    for (Map.Entry<String, List<String>> p : ctx.queryParamMap().entrySet()) {
      if (!QUERY_PARAMETERS.contains(p.getKey())) {
        throw new ApiException(
            Code.BAD_REQUEST,
            "unknown query parameter '"
                + fieldName(p.getKey())
                + "'; known: "
                + new TreeSet<>(QUERY_PARAMETERS));
      }
      if (p.getValue().size() > 1) {
        throw new ApiException(
            Code.BAD_REQUEST, "query parameter '" + p.getKey() + "' is given more than once");
      }
    }
  }

  /** A field name from the client, for a one-line message: printable ASCII, at most 64 chars. */
  private static String fieldName(String name) {
    String clean = name.replaceAll("[^\\x20-\\x7E]", "?");
    return clean.length() <= 64 ? clean : clean.substring(0, 64) + "...";
  }

  /** The body, which must be a JSON object. */
  static JsonNode jsonObject(Context ctx) {
    JsonNode body;
    try {
      // The bytes, not ctx.body(): a String decoder would turn malformed UTF-8 into U+FFFD.
      body = JSON.readTree(ctx.bodyAsBytes());
    } catch (StreamReadException e) {
      String why = e.getOriginalMessage();
      if (why != null && why.startsWith("Duplicate field '") && why.lastIndexOf('\'') > 17) {
        throw new ApiException(
            Code.BAD_REQUEST,
            "duplicate field '" + fieldName(why.substring(17, why.lastIndexOf('\''))) + "'");
      }
      throw new ApiException(Code.BAD_REQUEST, "the body is not JSON");
    } catch (IOException e) {
      throw new ApiException(Code.BAD_REQUEST, "the body is not JSON");
    }
    if (body == null || !body.isObject()) {
      throw new ApiException(Code.BAD_REQUEST, "the body must be a JSON object");
    }
    wellFormed(body, "the body");
    return body;
  }

  /**
   * Refuses a string or field name with a lone surrogate anywhere in {@code n}: it has no UTF-8
   * form, and was stored (in the audit log, say) as '?'.
   */
  private static void wellFormed(JsonNode n, String where) {
    if (n.isTextual() && Names.hasLoneSurrogate(n.textValue())) {
      throw new ApiException(
          Code.BAD_REQUEST, where + " holds a lone surrogate (not Unicode text)");
    }
    for (Iterator<Map.Entry<String, JsonNode>> f = n.fields(); f.hasNext(); ) {
      Map.Entry<String, JsonNode> e = f.next();
      if (Names.hasLoneSurrogate(e.getKey())) {
        throw new ApiException(
            Code.BAD_REQUEST, where + " has a field name with a lone surrogate (not Unicode text)");
      }
      wellFormed(e.getValue(), "field '" + fieldName(e.getKey()) + "'");
    }
    if (n.isArray()) {
      for (JsonNode e : n) {
        wellFormed(e, where);
      }
    }
  }

  /** A required string field. */
  static String text(JsonNode body, String field) {
    JsonNode n = body.get(field);
    if (n == null || !n.isTextual()) {
      throw new ApiException(Code.BAD_REQUEST, "'" + field + "' must be a string");
    }
    return n.asText();
  }

  /** The strings of an optional array field; absent or null is empty. */
  static List<String> names(JsonNode body, String field) {
    JsonNode n = body.get(field);
    List<String> names = new ArrayList<>();
    if (n == null || n.isNull()) {
      return names;
    }
    if (!n.isArray()) {
      throw new ApiException(Code.BAD_REQUEST, "'" + field + "' must be an array of strings");
    }
    for (JsonNode a : n) {
      if (!a.isTextual()) {
        throw new ApiException(Code.BAD_REQUEST, "'" + field + "' must be an array of strings");
      }
      names.add(a.asText());
    }
    return names;
  }
}
