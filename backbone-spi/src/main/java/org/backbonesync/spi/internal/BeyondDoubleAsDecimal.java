package org.backbonesync.spi.internal;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import java.io.IOException;
import java.math.BigDecimal;
import org.backbonesync.spi.message.StrictJson;

/**
 * Not API. A parser that gives a number beyond a double's range as a BigDecimal, larger than the
 * largest (1E+400, where Jackson gives Infinity) or not zero but smaller than the smallest
 * (1E-400, where Jackson gives 0.0), and every other number as its mapper gives it, so that a
 * refusal names such a value as written; the configuration readers and the admin API's bodies
 * read through it.
 * A number no BigDecimal holds either (an exponent past an int's range, {@code 1e99999999999}),
 * which Jackson reports as a bare {@link NumberFormatException} that no caller takes for a
 * parse error, is refused as malformed JSON at its position. Not final: the message codec's
 * parser extends it to remember having seen such a number.
 */
public class BeyondDoubleAsDecimal extends JsonParserDelegate {
  /** The most characters of such a number a refusal shows. */
  private static final int SHOWN = 40;

  /** Reads through {@code parser}, which it closes when closed. */
  public BeyondDoubleAsDecimal(JsonParser parser) {
    super(parser);
  }

  @Override
  public NumberTypeFP getNumberTypeFP() throws IOException {
    if (beyondDouble(this)) {
      sawBeyondDouble();
      return NumberTypeFP.BIG_DECIMAL;
    }
    return super.getNumberTypeFP();
  }

  /** Told when {@link #getNumberTypeFP} gives a number as a decimal; nothing here. */
  protected void sawBeyondDouble() {}

  /**
   * Whether the parser is at a number with a fraction or an exponent that a double does not
   * hold: one it reads as an infinity, or as zero while it is not zero ({@code 1e-400}; {@code
   * 0e-400} and {@code -0.0} are zero).
   */
  public static boolean beyondDouble(JsonParser p) throws IOException {
    if (!p.hasToken(JsonToken.VALUE_NUMBER_FLOAT)) {
      return false;
    }
    double d = p.getDoubleValue();
    if (d != 0) {
      return Double.isInfinite(d);
    }
    String text = p.getText();
    int exponent = Math.max(text.indexOf('e'), text.indexOf('E'));
    int end = exponent < 0 ? text.length() : exponent;
    for (int i = 0; i < end; i++) {
      if (text.charAt(i) >= '1' && text.charAt(i) <= '9') {
        return true; // (a digit but 0 before the exponent: not zero, read as zero)
      }
    }
    return false;
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
