package org.domainguard.discovery;

/** A Public Suffix List body that must not replace the current list (truncated, wrong file, bad rule). */
public final class InvalidSuffixListException extends IllegalArgumentException {
  public InvalidSuffixListException(String message) {
    super(message);
  }
}
