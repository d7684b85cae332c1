/**
 * Compatibility kits: abstract JUnit 5 tests that every implementation of a port extends to show
 * it behaves as the engine needs.
 */
package org.backbonesync.testkit.kit;
