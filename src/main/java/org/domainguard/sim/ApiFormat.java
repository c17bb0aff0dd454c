package org.domainguard.sim;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The two wire formats the simulator speaks: Fastly Domain Research and the legacy Domainr v2. */
enum ApiFormat {
  /** {@code {"domain","zone","status","tags"}}; errors as {@code {"errors":[{code,message,detail}]}}. */
  FASTLY {
    @Override
    JsonObject answer(String domain, String tokens) {
      return new JsonObject()
          .put("domain", domain)
          .put("zone", DomainNames.zone(domain))
          .put("status", tokens)
          .put("tags", "generic");
    }

    @Override
    JsonObject errors(int code, String message, String detail) {
      return new JsonObject().put("errors", new JsonArray().add(error(code, message, detail)));
    }
  },

  /** {@code {"status":[{"domain","zone","status","summary"}]}}; errors beside an empty status list. */
  DOMAINR {
    @Override
    JsonObject answer(String domain, String tokens) {
      JsonObject entry = new JsonObject()
          .put("domain", domain)
          .put("zone", DomainNames.zone(domain))
          .put("status", tokens)
          .put("summary", tokens.substring(tokens.lastIndexOf(' ') + 1));
      return new JsonObject().put("status", new JsonArray().add(entry));
    }

    @Override
    JsonObject errors(int code, String message, String detail) {
      return new JsonObject()
          .put("status", new JsonArray())
          .put("errors", new JsonArray().add(error(code, message, detail)));
    }
  };

  abstract JsonObject answer(String domain, String tokens);

  abstract JsonObject errors(int code, String message, String detail);

  private static JsonObject error(int code, String message, String detail) {
    JsonObject error = new JsonObject().put("code", code).put("message", message);
    return detail == null ? error : error.put("detail", detail);
  }
}
