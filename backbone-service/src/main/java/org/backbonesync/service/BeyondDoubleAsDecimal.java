package org.backbonesync.service;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import java.io.IOException;

/**
 * A parser that gives a number beyond a double's range (1E+400) as a BigDecimal, where Jackson
 * gives Infinity, and every other number as its mapper gives it: the library's configuration
 * reader reads its files so (with a copy of its own, package-private there), and a refusal then
 * names such a value as written.
 */
final class BeyondDoubleAsDecimal extends JsonParserDelegate {
  BeyondDoubleAsDecimal(JsonParser parser) {
    super(parser);
  }

  @Override
  public NumberTypeFP getNumberTypeFP() throws IOException {
    return hasToken(JsonToken.VALUE_NUMBER_FLOAT) && Double.isInfinite(getDoubleValue())
        ? NumberTypeFP.BIG_DECIMAL : super.getNumberTypeFP();
  }
}
