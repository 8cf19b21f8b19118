package org.pprl.server;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ErrorHandler;

/**
 * The errors Jetty answers itself, before any route runs (a malformed request, a header block or a
 * URI too large), in the service's refusal shape {@code {"code", "message"}} instead of Jetty's
 * HTML page. The message is fixed per status: Jetty's reason may quote the request.
 */
final class JsonErrorHandler extends ErrorHandler {
  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    fields.put(new HttpField(HttpHeader.CONTENT_TYPE, "application/json"));
    return ByteBuffer.wrap(body(status));
  }

  @Override
  protected void generateAcceptableResponse(
      Request baseRequest,
      HttpServletRequest request,
      HttpServletResponse response,
      int code,
      String message)
      throws IOException {
    baseRequest.setHandled(true);
    response.setContentType("application/json");
    response.getOutputStream().write(body(code));
  }

  /** The refusal body for a status Jetty chose. */
  static byte[] body(int status) {
    ApiException.Code code = LinkageServer.fromStatus(status);
    return ("{\"code\":\""
            + code.id()
            + "\",\"message\":\""
            + LinkageServer.defaultMessage(code)
            + "\"}")
        .getBytes(StandardCharsets.UTF_8);
  }
}
