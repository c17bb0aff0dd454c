package org.domainguard.http;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A plain TCP connection to the API on 127.0.0.1, for what an HTTP client would not send: nothing
 * at all, headers a byte at a time, a body that never comes. Blocking: use it from the test thread only.
 */
final class RawConnection implements AutoCloseable {
  private static final Pattern CONTENT_LENGTH = Pattern.compile("(?im)^content-length:\\s*(\\d+)\\s*$");

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  RawConnection(int port) throws IOException {
    socket = new Socket("127.0.0.1", port);
    in = socket.getInputStream();
    out = socket.getOutputStream();
  }

  void send(String text) throws IOException {
    out.write(text.getBytes(US_ASCII));
    out.flush();
  }

  /** Sends a keep-alive {@code GET path} and returns the status of its answer (read whole, within {@code bound}). */
  int get(String path, Duration bound) throws IOException {
    send("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    socket.setSoTimeout((int) bound.toMillis());
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(US_ASCII).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed before a whole answer: " + head.toString(US_ASCII));
      }
      head.write(b);
    }
    Matcher length = CONTENT_LENGTH.matcher(head.toString(US_ASCII));
    if (length.find()) {
      in.readNBytes(Integer.parseInt(length.group(1)));
    }
    return Integer.parseInt(head.toString(US_ASCII).split(" ", 3)[1]);
  }

  /** Whether the server closes the connection within {@code bound}; whatever it sends before is read and dropped. */
  boolean closedWithin(Duration bound) throws IOException {
    long deadline = System.nanoTime() + bound.toNanos();
    while (System.nanoTime() < deadline) {
      if (closedAfterWaiting(Math.max(1, (deadline - System.nanoTime()) / 1_000_000))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Sends {@code prefix}, then one more byte of {@code filler} every {@code pause}, never finishing;
   * returns whether the server closed the connection within {@code bound}.
   */
  boolean closedWhileTrickling(String prefix, char filler, Duration pause, Duration bound) throws IOException {
    send(prefix);
    long deadline = System.nanoTime() + bound.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        send(String.valueOf(filler));
      } catch (IOException reset) {
        return true;
      }
      if (closedAfterWaiting(pause.toMillis())) {
        return true;
      }
    }
    return false;
  }

  /** Reads for up to {@code millis}: true at end of stream or on a reset, false if the connection is still open. */
  private boolean closedAfterWaiting(long millis) throws IOException {
    socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, millis));
    try {
      byte[] drop = new byte[4096];
      return in.read(drop) < 0;
    } catch (SocketTimeoutException stillOpen) {
      return false;
    } catch (IOException reset) {
      return true;
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
