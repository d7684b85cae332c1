package org.backbonesync.transport;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import java.io.IOException;
import java.math.BigDecimal;
import org.backbonesync.spi.internal.BeyondDoubleAsDecimal;
import org.backbonesync.spi.message.StrictJson;
import org.backbonesync.transport.EnvelopeRejectedException.Reason;

/**
 * A parser that gives the envelope's own {@code timestamp}, when it has a fraction or an
 * exponent, as the decimal written ({@code 1e400} as {@code 1E+400}, {@code 1e-400} as {@code
 * 1E-400}, not as infinity or 0.0), so that its refusal shows it as the Jira webhook's does; and
 * any other number a double does not hold (larger than the largest, or not zero but smaller than
 * the smallest) likewise, so that the message codec refuses a message's such value as written
 * rather than as an infinity, or reads 1e-400 as 0. Every other number, the messages' values
 * among them, is read as the mapper reads it: they do not change type on the way.
 */
final class EnvelopeTimestamp extends JsonParserDelegate {
  /** The most characters of a timestamp no decimal holds that its refusal shows. */
  private static final int SHOWN = 40;

  EnvelopeTimestamp(JsonParser parser) {
    super(parser);
  }

  @Override
  public NumberTypeFP getNumberTypeFP() throws IOException {
    return atTimestamp() || BeyondDoubleAsDecimal.beyondDouble(this)
        ? NumberTypeFP.BIG_DECIMAL : super.getNumberTypeFP();
  }

  @Override
  public BigDecimal getDecimalValue() throws IOException {
    try {
      return super.getDecimalValue();
    } catch (NumberFormatException e) { // an exponent past an int's: 1e2147483648
      if (!atTimestamp()) {
        throw new JsonParseException(this, "Number value " + StrictJson.printable(getText(),
            SHOWN) + " is beyond what a decimal holds (an exponent from -2147483647 to"
            + " 2147483647)");
      }
      throw new EnvelopeRejectedException(Reason.MALFORMED, "timestamp must be epoch"
          + " milliseconds (a whole number), was " + StrictJson.printable(getText(), SHOWN));
    }
  }

  /** Whether the parser is at a number with a fraction or exponent, the body's timestamp. */
  private boolean atTimestamp() {
    JsonStreamContext context = getParsingContext();
    return hasToken(JsonToken.VALUE_NUMBER_FLOAT) && context.inObject()
        && context.getParent() != null && context.getParent().inRoot()
        && "timestamp".equals(context.getCurrentName());
  }
}
