package org.backbonesync.service;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.backbonesync.jira.JiraException;
import org.backbonesync.jira.JiraSite;
import org.backbonesync.micrometer.MicrometerJiraListener;
import org.backbonesync.spi.RetriableException;
import org.backbonesync.spi.tracker.TrackerException;

/**
 * The file's Jira sites, built and signed in to once each; a site shared by several
 * synchronizations is one {@link JiraSite} with one request budget.
 */
final class Sites {
  /**
   * Attempts of each request to a site (the adapter's default, set here so that the log and the
   * README can name it): the sign-in to a site that takes connections and never answers fails
   * after {@value} attempts of {@link #TIMEOUT} and the backoffs between them, about two minutes.
   */
  static final int ATTEMPTS = 4;
  /** How long one request to a site may take (the adapter's default, set here as well). */
  static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final Map<String, JiraSite> byName = new LinkedHashMap<>();
  private final Map<String, String> signedIn = new LinkedHashMap<>();

  private Sites() {}

  /**
   * Builds every site the synchronizations use and signs in to each.
   *
   * @param registry where each site's requests are metered, tagged with its name; null for none
   * @throws ServiceFailure {@link ServiceMain#SITE} naming each site that cannot be reached or
   *     refuses the credentials, with its URL, one line each
   */
  static Sites connect(ServiceConfig config, MeterRegistry registry) {
    return connect(config, registry, new Startup());
  }

  /**
   * {@link #connect(ServiceConfig, MeterRegistry)}, each sign-in told to {@code startup} (and so
   * logged) as it begins, and each of its requests that gets no answer logged ({@link
   * SignInLog}).
   */
  static Sites connect(ServiceConfig config, MeterRegistry registry, Startup startup) {
    Sites sites = new Sites();
    List<String> failures = new ArrayList<>();
    for (ServiceConfig.Sync sync : config.synchronizations()) {
      for (ServiceConfig.Site site : sync.sites()) {
        if (sites.byName.containsKey(site.name())) {
          continue;
        }
        JiraSite.Builder b = JiraSite.builder(site.url()).credentials(site.credentials())
            .requestsPerSecond(site.requestsPerSecond()).allowInsecureHttp(site.allowInsecure())
            .notFoundIsDeleted(site.notFoundIsDeleted()).maxAttempts(ATTEMPTS).timeout(TIMEOUT);
        SignInLog signIn = new SignInLog(site, registry == null ? null
            : new MicrometerJiraListener(registry, site.name()));
        b.requestListener(signIn);
        if (site.flavour() != null) {
          b.flavour(site.flavour());
        }
        if (site.endpointPace() != null) {
          b.endpointRequestsPerSecond(site.endpointPace().perSecond(), site.endpointPace().burst());
        }
        if (site.issueWritePace() != null) {
          b.issueWritesPerSecond(site.issueWritePace().perSecond(),
              site.issueWritePace().burst());
        }
        JiraSite jira = b.build();
        sites.byName.put(site.name(), jira);
        startup.begins("signing in to site " + site.name(), "signing in to " + site
            + ": at most " + ATTEMPTS + " attempts of " + TIMEOUT.toSeconds() + " s each");
        try {
          sites.signedIn.put(site.name(), jira.signedInUser());
        } catch (RuntimeException e) {
          failures.add(describe(site, e));
        } finally {
          signIn.done();
        }
      }
    }
    if (!failures.isEmpty()) {
      throw new ServiceFailure(ServiceMain.SITE, failures);
    }
    return sites;
  }

  /**
   * One line: which site, its URL, and whether it was not reached, refused the sign-in, or
   * answered with what the sign-in cannot use (a page that is not JSON, a user without an id, a
   * redirect, an error status). Only this library's exceptions have their text shown: they blot
   * out the credentials; another's (the JDK's refusal of a header quotes the header) shows its
   * class only.
   */
  static String describe(ServiceConfig.Site site, RuntimeException e) {
    if (e instanceof JiraException j && (j.status() == 401 || j.status() == 403)) {
      return site + " refuses the credentials of " + site.path() + " (HTTP " + j.status() + ")";
    }
    String why = e.getClass().getName().startsWith("org.backbonesync.")
        ? ServiceFailure.oneLine(e.getMessage()) : "";
    if (why.isEmpty()) {
      return site + " cannot be reached: " + e.getClass().getSimpleName()
          + " (its text is not shown: it may quote a request header)";
    }
    return site + (answered(e) ? " answered, but its answer to the sign-in was not usable: "
        : " cannot be reached: ") + why;
  }

  /**
   * Whether the site sent an answer the adapter refused (a status, a redirect, a body), rather
   * than no answer: the adapter gives a failed exchange its {@code IOException} as the cause.
   */
  private static boolean answered(RuntimeException e) {
    return e instanceof TrackerException || e instanceof RetriableException && e.getCause() == null;
  }

  JiraSite site(ServiceConfig.Site site) {
    return byName.get(site.name());
  }

  /** Who the credentials of a site sign in as. */
  String signedInUser(ServiceConfig.Site site) {
    return signedIn.get(site.name());
  }
}
