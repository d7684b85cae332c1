package org.backbonesync.service;

import java.util.Map;

/** A service file whose synchronization runs side A on a site and has side B at a partner. */
final class PartnerFile {
  private PartnerFile() {}

  /** The environment the file names. */
  static final Map<String, String> ENV = Map.of("JIRA_A_EMAIL", "sync-a@example.com",
      "JIRA_A_TOKEN", "cloud-token-4711", "PARTNER_KEY", "a-secret-both-services-share-0123456789");

  /** The file's JSON: site A at {@code cloudUrl}, the partner at {@code partnerPort}. */
  static String json(Object cloudUrl, int partnerPort) {
    return """
        {
          "sites": {"cloud": {"url": "%s", "flavour": "cloud", "auth": "apiToken",
                              "emailEnv": "JIRA_A_EMAIL", "tokenEnv": "JIRA_A_TOKEN",
                              "requestsPerSecond": 0, "allowInsecure": true}},
          "synchronizations": [{
            "siteA": "cloud",
            "partnerB": {"url": "http://127.0.0.1:%d/transport/pa-pb", "keyId": "k1",
                         "keyEnv": "PARTNER_KEY", "allowInsecure": true},
            "sync": {
              "id": "pa-pb",
              "connectorA": {"key": "PA", "projectKey": "PA", "syncUser": "sync-a"},
              "connectorB": {"key": "PB", "projectKey": "PB", "syncUser": "sync-b"},
              "fieldMappings": [{"id": "summary", "type": "passthrough", "direction": "BOTH",
                                 "fieldA": "summary", "fieldB": "summary"}]
            }
          }],
          "store": {"directory": "data"},
          "server": {"port": 0},
          "pollInterval": "PT24H"
        }
        """.formatted(cloudUrl, partnerPort);
  }
}
