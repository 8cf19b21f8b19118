package org.pprl.server;

import java.util.Objects;

/**
 * A request the service refuses: an {@link Code} (which fixes the HTTP status) and a one-line
 * message that never holds a record's value. {@link LinkageServer} turns it into the JSON body
 * {@code {"code": "...", "message": "..."}}, in one place.
 */
public final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The machine-readable refusal codes and the HTTP status of each: the one mapping table. */
  public enum Code {
    /** No bearer token, or one the service does not know. */
    UNAUTHENTICATED(401),
    /** The caller's role or agency may not do this. */
    FORBIDDEN(403),
    /** No such endpoint, or no such object the caller may see. */
    NOT_FOUND(404),
    /** The request is malformed: bad JSON, a missing or invalid field. */
    BAD_REQUEST(400),
    /** The object exists already (a project of that name). */
    CONFLICT(409),
    /** A run of the project is queued or running already. */
    RUN_ACTIVE(409),
    /** An agency of the project has uploaded no extract, so it cannot be linked yet. */
    NO_EXTRACT(409),
    /** The run has finished: it cannot be cancelled. */
    RUN_FINISHED(409),
    /** The project has no finished run to answer from. */
    NO_LINKS(409),
    /** The stated purpose is not one the project allows. */
    PURPOSE_NOT_ALLOWED(403),
    /** The purpose is allowed, but not for record-level matches (research is aggregate only). */
    PURPOSE_NOT_RECORD_LEVEL(403),
    /** The question has a shape the project does not declare (the message names the part). */
    QUESTION_NOT_ALLOWED(422),
    /**
     * The question's cohort, or the group one of its filters leaves out, is below the project's
     * minimum cohort (judged on the perturbed count, so a refusal tells no exact size).
     */
    GROUP_TOO_SMALL(422),
    /** The upload is not a valid extract file. */
    CORRUPT_EXTRACT(422),
    /** The extract was encoded with another schema than the project's. */
    WRONG_FINGERPRINT(422),
    /** The extract's header names another agency than the one uploaded to. */
    WRONG_AGENCY(422),
    /**
     * The extract was encoded under another shared secret than the project's current extracts
     * (their key checks differ).
     */
    WRONG_SECRET(422),
    /** The extract's filters differ in shape from another agency's in the project. */
    WRONG_SHAPE(422),
    /** The extract carries an attribute the project does not allow. */
    ATTRIBUTE_NOT_ALLOWED(422),
    /**
     * The attack self-assessment of the extract with the project's others failed, and the project
     * refuses such uploads.
     */
    ASSESSMENT_FAILED(422),
    /** The upload is larger than the service accepts, as sent or once decompressed. */
    TOO_LARGE(413),
    /**
     * The gzip upload expands more than the service's limit on the ratio (a decompression bomb).
     */
    EXPANSION_TOO_LARGE(413),
    /** The upload took longer than the service's limit in all, or stalled past its idle timeout. */
    UPLOAD_TIMEOUT(408),
    /** This token has as many uploads in flight as one steward may; send again when one is done. */
    TOO_MANY_UPLOADS(429),
    /** The service is receiving as many uploads as it takes at once; send again later. */
    UPLOADS_BUSY(503),
    /** The request's header block is larger than the service reads (answered by Jetty). */
    HEADERS_TOO_LARGE(431),
    /** The request's URI is longer than the service reads (answered by Jetty). */
    URI_TOO_LONG(414),
    /** The method is not allowed on this path (the {@code Allow} header lists those that are). */
    METHOD_NOT_ALLOWED(405),
    /** A fault in the service; details are in its log, not the response. */
    INTERNAL(500);

    private final int status;

    Code(int status) {
      this.status = status;
    }

    /** The HTTP status that goes with this code. */
    public int status() {
      return status;
    }

    /** The code as it appears in JSON: lower case. */
    public String id() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final Code code;

  /** A refusal with its code and a message that holds no record content. */
  public ApiException(Code code, String message) {
    super(message);
    this.code = Objects.requireNonNull(code, "code");
  }

  /** What was refused, machine-readably. */
  public Code code() {
    return code;
  }
}
