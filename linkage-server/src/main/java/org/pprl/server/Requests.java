package org.pprl.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.pprl.server.ApiException.Code;

/**
 * What every endpoint asks of a request first: who calls, whether its role may, which project the
 * path names and whether the caller may see it, and the fields of a JSON body. Each refuses with an
 * {@link ApiException}.
 */
final class Requests {
  private static final ObjectMapper JSON = new ObjectMapper();

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

  /** The project number in the path, or null if it is not one. */
  static Long projectNumber(Context ctx) {
    try {
      return Long.parseLong(ctx.pathParam("project"));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** The body, which must be a JSON object. */
  static JsonNode jsonObject(Context ctx) {
    JsonNode body;
    try {
      body = JSON.readTree(ctx.body());
    } catch (IOException e) {
      throw new ApiException(Code.BAD_REQUEST, "the body is not JSON");
    }
    if (body == null || !body.isObject()) {
      throw new ApiException(Code.BAD_REQUEST, "the body must be a JSON object");
    }
    return body;
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
