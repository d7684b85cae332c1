package org.backbonesync.spi.internal;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import java.io.IOException;
import java.math.BigDecimal;
import org.backbonesync.spi.message.StrictJson;

/**
 * Not API. A parser that gives a number beyond a double's range (1E+400) as a BigDecimal, where
 * Jackson gives Infinity, and every other number as its mapper gives it, so that a refusal names
 * such a value as written; the configuration readers and the admin API's bodies read through it.
 * A number no BigDecimal holds either (an exponent past an int's range, {@code 1e99999999999}),
 * which Jackson reports as a bare {@link NumberFormatException} that no caller takes for a
 * parse error, is refused as malformed JSON at its position.
 */
public final class BeyondDoubleAsDecimal extends JsonParserDelegate {
  /** The most characters of such a number a refusal shows. */
  private static final int SHOWN = 40;

  /** Reads through {@code parser}, which it closes when closed. */
  public BeyondDoubleAsDecimal(JsonParser parser) {
    super(parser);
  }

  @Override
  public NumberTypeFP getNumberTypeFP() throws IOException {
    return hasToken(JsonToken.VALUE_NUMBER_FLOAT) && Double.isInfinite(getDoubleValue())
        ? NumberTypeFP.BIG_DECIMAL : super.getNumberTypeFP();
  }

  @Override
  public BigDecimal getDecimalValue() throws IOException {
    try {
      return super.getDecimalValue();
    } catch (NumberFormatException e) {
      throw new JsonParseException(this, "Number value " + StrictJson.printable(getText(), SHOWN)
          + " is beyond what a decimal holds (an exponent from -2147483647 to 2147483647)");
    }
  }
}
