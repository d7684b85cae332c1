/**
 * Guarantees the engine can be told to drop, for the fault simulation's checker tests only; not
 * API. Exported to the testkit alone.
 *
 * <p>May use the core's public API.
 */
package org.backbonesync.core.guarantee;
