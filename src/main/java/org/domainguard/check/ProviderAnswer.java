package org.domainguard.check;

import io.netty.channel.ConnectTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/** What a provider said about one domain: its status tokens, or a typed failure. */
public sealed interface ProviderAnswer {

  /**
   * A successful lookup: the status tokens in the provider's order (right-most most important for
   * Fastly/Domainr). {@code registry} is the registry's own record when the provider is the registry
   * (RDAP): its phase and dates then decide; null for Fastly and Domainr, whose tokens are classified.
   * {@code phase} is the phase the answer says, worked out once (a check reads it several times).
   */
  record Statuses(List<String> tokens, String raw, RegistryRecord registry, Phase phase) implements ProviderAnswer {
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    public Statuses {
      tokens = List.copyOf(tokens);
    }

    /** The raw string is kept as tokens joined by one space: it is stored with every check. */
    public Statuses(List<String> tokens) {
      this(tokens, String.join(" ", tokens), null, PhaseClassifier.classify(tokens));
    }

    public static Statuses parse(String raw) {
      return new Statuses(raw == null || raw.isBlank() ? List.of() : List.of(WHITESPACE.split(raw.trim())));
    }

    /** A registry's record: its statuses (already normalised) and the phase and dates it maps to. */
    public static Statuses of(List<String> statuses, RegistryRecord registry) {
      return new Statuses(statuses, String.join(", ", statuses), registry, registry.phase());
    }
  }

  /**
   * A failed lookup. {@code retryAfter} is set for {@link Outcome#RATE_LIMITED} when the provider
   * sent a usable Retry-After, otherwise null. {@code detail} is a short human text (HTTP status,
   * exception class) and never contains credentials.
   */
  record Failure(Outcome outcome, String detail, Duration retryAfter) implements ProviderAnswer {
    /**
     * The call itself failed (connection, timeout): the detail is the exception's class name only,
     * never its message, which may quote a URL with credentials.
     */
    public static Failure ofTransport(Throwable error) {
      boolean timedOut = error instanceof TimeoutException || error instanceof ConnectTimeoutException;
      String name = error.getClass().getSimpleName();
      return new Failure(timedOut ? Outcome.TIMEOUT : Outcome.ERROR, name.isEmpty() ? error.getClass().getName() : name, null);
    }

    public Failure {
      if (outcome == Outcome.OK) {
        throw new IllegalArgumentException("a failure cannot have outcome ok");
      }
    }
  }
}
