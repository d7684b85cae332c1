/**
 * The issue tracker port for Jira Cloud and Jira Server/Data Center over REST. The {@code
 * internal} package is not API and is not exported.
 */
module org.backbonesync.jira {
  requires transitive org.backbonesync.spi;
  requires transitive java.net.http;
  requires org.slf4j;

  exports org.backbonesync.jira;
}
