package org.domainguard.cli;

/** Bad command-line usage: exit code 2 with a one-line reason. */
final class UsageException extends RuntimeException {
  UsageException(String message) {
    super(message);
  }
}
