package org.domainguard.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;

/**
 * Request bodies read as plain RFC 8259 JSON, refusing what parsers disagree on: a member named
 * twice in one object (which one counts?) and comments (Vert.x's shared mapper accepts them, most
 * others do not). Uses its own Jackson factory, so the rest of the daemon is unaffected.
 */
final class StrictJson {
  private static final JsonFactory STRICT = JsonFactory.builder()
      .disable(JsonReadFeature.ALLOW_JAVA_COMMENTS)
      .disable(JsonReadFeature.ALLOW_YAML_COMMENTS)
      .build();
  /** Only to tell a client that its body failed because of comments. */
  private static final JsonFactory WITH_COMMENTS = JsonFactory.builder()
      .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS)
      .enable(JsonReadFeature.ALLOW_YAML_COMMENTS)
      .build();

  private StrictJson() {}

  /** The one JSON value of {@code body} (JsonObject, JsonArray, String, Number, Boolean or null); anything else is a 400 naming the problem. */
  static Object decode(Buffer body) {
    byte[] bytes = body.getBytes();
    try {
      return parse(STRICT, bytes);
    } catch (DuplicateMember e) {
      throw ApiException.badRequest("duplicate member '" + JsonBody.shorten(e.member) + "' in the request body");
    } catch (IOException e) {
      throw ApiException.badRequest(hasComments(bytes)
          ? "request body has a comment; JSON has no comments"
          : "request body is not valid JSON");
    }
  }

  private static boolean hasComments(byte[] bytes) {
    try {
      parse(WITH_COMMENTS, bytes);
      return true;
    } catch (IOException e) {
      return e instanceof DuplicateMember;
    }
  }

  private static Object parse(JsonFactory factory, byte[] bytes) throws IOException {
    try (JsonParser parser = factory.createParser(bytes)) {
      Object value = value(parser, parser.nextToken());
      if (parser.nextToken() != null) {
        throw new JsonParseException(parser, "trailing content after the JSON value");
      }
      return value;
    }
  }

  private static Object value(JsonParser parser, JsonToken token) throws IOException {
    if (token == null) {
      throw new JsonParseException(parser, "no JSON value");
    }
    return switch (token) {
      case START_OBJECT -> object(parser);
      case START_ARRAY -> array(parser);
      case VALUE_STRING -> parser.getText();
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> parser.getNumberValue();
      case VALUE_TRUE -> Boolean.TRUE;
      case VALUE_FALSE -> Boolean.FALSE;
      case VALUE_NULL -> null;
      default -> throw new JsonParseException(parser, "unexpected " + token);
    };
  }

  private static JsonObject object(JsonParser parser) throws IOException {
    JsonObject object = new JsonObject();
    for (String name = parser.nextFieldName(); name != null; name = parser.nextFieldName()) {
      if (object.containsKey(name)) {
        throw new DuplicateMember(parser, name);
      }
      object.put(name, value(parser, parser.nextToken()));
    }
    return object;
  }

  private static JsonArray array(JsonParser parser) throws IOException {
    JsonArray array = new JsonArray();
    for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
      array.add(value(parser, token));
    }
    return array;
  }

  /** A member named twice in one object. */
  private static final class DuplicateMember extends JsonParseException {
    private final String member;

    DuplicateMember(JsonParser parser, String member) {
      super(parser, "duplicate member");
      this.member = member;
    }
  }
}
