package org.backbonesync.core;

import java.util.Map;

/**
 * An HTTP request to the admin API, however the host received it.
 *
 * @param method the HTTP method, e.g. {@code GET}
 * @param path the path below the host's base path, e.g. {@code /connectors/PA-2/syncInformation}
 *     (URL-encoded segments are decoded)
 * @param query the query parameters (first value of each)
 * @param body the request body, or null
 * @param caller who is asking, as the host authenticated them (null for anonymous)
 */
public record AdminRequest(
    String method, String path, Map<String, String> query, String body, String caller) {
  public AdminRequest {
    query = query == null ? Map.of() : Map.copyOf(query);
  }
}
