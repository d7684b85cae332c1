/**
 * Field mappings: how a field's value leaves one issue as message data and enters another
 * ({@link org.backbonesync.spi.mapping.FieldMappingProvider} and its two halves, with the context
 * and checks they are given).
 *
 * <p>May use the SPI's root package, the tracker port ({@code spi.tracker}, for fields and
 * issues) and Jackson.
 */
package org.backbonesync.spi.mapping;
