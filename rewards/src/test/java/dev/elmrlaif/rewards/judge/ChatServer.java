package dev.elmrlaif.rewards.judge;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * An in-process chat-completions endpoint on 127.0.0.1 that answers from a script or a function.
 */
final class ChatServer implements AutoCloseable {

  /**
   * One reply; when {@code hold} is set the handler waits on it first (to provoke a client
   * timeout).
   */
  record Reply(int status, String body, Map<String, String> headers, CountDownLatch hold) {
    static Reply ok(String content) {
      return new Reply(200, chatBody(content), Map.of(), null);
    }

    static Reply status(int status, String body) {
      return new Reply(status, body, Map.of(), null);
    }
  }

  /** What the server received. */
  record Received(String authorization, String body) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(4);
  private final List<Received> received = Collections.synchronizedList(new ArrayList<>());
  private final CountDownLatch release = new CountDownLatch(1);

  private ChatServer(Function<String, Reply> responder) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/v1/chat/completions",
        exchange -> {
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          received.add(new Received(exchange.getRequestHeaders().getFirst("Authorization"), body));
          Reply reply = responder.apply(body);
          if (reply.hold() != null) {
            try {
              reply.hold().await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
          reply.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          try {
            exchange.sendResponseHeaders(reply.status(), bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(bytes);
            }
          } catch (IOException e) {
            exchange.close(); // the client gave up (timeout); nothing to deliver
          }
        });
    server.setExecutor(executor);
    server.start();
  }

  /** Replies in order; once the script is exhausted, HTTP 500. */
  static ChatServer scripted(Reply... replies) throws IOException {
    ConcurrentLinkedDeque<Reply> script = new ConcurrentLinkedDeque<>(List.of(replies));
    return new ChatServer(
        body -> {
          Reply next = script.poll();
          return next != null ? next : Reply.status(500, "script exhausted");
        });
  }

  static ChatServer answering(Function<String, Reply> responder) throws IOException {
    return new ChatServer(responder);
  }

  /** A latch the test releases at close, so held handlers finish. */
  CountDownLatch release() {
    return release;
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1/chat/completions");
  }

  List<Received> received() {
    synchronized (received) {
      return List.copyOf(received);
    }
  }

  static String chatBody(String content) {
    ObjectNode root = JSON.createObjectNode();
    root.putArray("choices")
        .addObject()
        .putObject("message")
        .put("role", "assistant")
        .put("content", content);
    try {
      return JSON.writeValueAsString(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    release.countDown();
    server.stop(0);
    executor.shutdownNow();
  }
}
