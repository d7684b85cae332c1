package org.backbonesync.core;

/**
 * Which side may change an issue pair, read from a field of the issue: on A's issue, the field
 * holding {@code valueA} means A is responsible; on B's, {@code valueB} means B is. Changes from
 * the side that is not responsible are refused (and recorded). The field itself is synced by the
 * field mapping named here, so the responsible side can hand responsibility over.
 *
 * @param fieldMappingId the field mapping that syncs the responsibility field
 * @param valueA the value meaning "A is responsible", as A's field holds it
 * @param valueB the value meaning "B is responsible", as B's field holds it
 */
public record Responsibility(String fieldMappingId, String valueA, String valueB) {
  public Responsibility {
    Checks.notBlank("responsibility.fieldMapping", fieldMappingId);
    Checks.notBlank("responsibility.a", valueA);
    Checks.notBlank("responsibility.b", valueB);
  }
}
