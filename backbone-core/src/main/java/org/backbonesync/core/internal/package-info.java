/** The engine's implementation; not API, may change in any release. */
package org.backbonesync.core.internal;
