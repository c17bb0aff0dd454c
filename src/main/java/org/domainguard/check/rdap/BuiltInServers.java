package org.domainguard.check.rdap;

import java.util.Map;

/**
 * RDAP servers of TLDs that run one but are missing from the IANA bootstrap (README, "RDAP servers
 * outside the IANA bootstrap", lists the sources). Consulted last: overrides and the bootstrap win.
 */
final class BuiltInServers {
  private static final String IDENTITY_DIGITAL = "https://rdap.identitydigital.services/rdap/";

  static final Map<String, String> SERVERS = Map.ofEntries(
      Map.entry("io", IDENTITY_DIGITAL),
      Map.entry("sh", IDENTITY_DIGITAL),
      Map.entry("ac", IDENTITY_DIGITAL),
      Map.entry("me", IDENTITY_DIGITAL),
      Map.entry("de", "https://rdap.denic.de/"),
      Map.entry("ch", "https://rdap.nic.ch/"),
      Map.entry("li", "https://rdap.nic.li/"),
      Map.entry("co", "https://rdap.registry.co/co/"),
      Map.entry("no", "https://rdap.norid.no/"),
      Map.entry("us", "https://rdap.nic.us/"));

  private BuiltInServers() {}
}
