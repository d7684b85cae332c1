package org.backbonesync.spi.message;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.util.Arrays;

/**
 * Reads a message's {@link MessageKind} only as written: Jackson's own reader trims a name it
 * does not know and tries again, so {@code " CHANGE\t"}, and {@code "CHANGE"} with a NUL after
 * it, were read as {@code CHANGE}. Anything but a kind's exact name is refused, naming the text
 * as written.
 */
final class ExactKind extends StdDeserializer<MessageKind> {
  private static final long serialVersionUID = 1L;

  ExactKind() {
    super(MessageKind.class);
  }

  @Override
  public MessageKind deserialize(JsonParser p, DeserializationContext context)
      throws IOException {
    if (!p.hasToken(JsonToken.VALUE_STRING)) {
      return (MessageKind) context.handleUnexpectedToken(MessageKind.class, p);
    }
    String text = p.getText();
    for (MessageKind kind : MessageKind.values()) {
      if (kind.name().equals(text)) {
        return kind;
      }
    }
    throw InvalidFormatException.from(p, "must be one of "
        + Arrays.toString(MessageKind.values()) + ", was " + new TextNode(text), text,
        MessageKind.class);
  }
}
