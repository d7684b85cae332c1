package org.backbonesync.core;

import java.util.Map;

/**
 * The answer to an {@link AdminRequest}.
 *
 * @param status the HTTP status
 * @param body a JSON body
 * @param headers headers to send (the content type)
 */
public record AdminResponse(int status, String body, Map<String, String> headers) {
  public AdminResponse {
    headers = Map.copyOf(headers);
  }
}
