/**
 * A host of its own that imports the BOM and runs a sync with every library on the module path
 * ({@code ModularHost}).
 *
 * <p>May use the exported packages of the modules its {@code module-info} requires (core, jdbc,
 * jira, transport, testkit) and nothing else: it shows what the module path lets a host reach.
 */
package org.backbonesync.example.consumer;
