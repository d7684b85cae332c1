package org.backbonesync.spi.store;

import java.util.OptionalLong;

/** Each connector's change detection watermark: the update time up to which it has looked. */
public interface WatermarkStore {

  /** The watermark in epoch millis, or empty before the first poll. */
  OptionalLong watermark(String connectorKey);

  /** Sets the watermark; joins the current transaction. */
  void setWatermark(String connectorKey, long epochMillis);
}
