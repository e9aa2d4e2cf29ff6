package dev.elmrlaif.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

/**
 * An OpenAI-compatible endpoint on 127.0.0.1 (a free port) for the judge's tests: {@code GET
 * /v1/models} answers 200 (the start-up probe), {@code POST /v1/chat/completions} answers what the
 * responder says for the n-th request (1-based). It records every request's {@code Authorization}
 * header.
 */
final class JudgeServer implements AutoCloseable {

  /**
   * One answer; {@code hold} makes the handler wait until the server closes (a reply that never
   * comes).
   */
  record Reply(int status, String body, Map<String, String> headers, boolean hold) {
    static Reply score(double value) {
      return new Reply(200, chat("SCORE: " + value), Map.of(), false);
    }

    static Reply status(int status, String body) {
      return new Reply(status, body, Map.of(), false);
    }

    static Reply never() {
      return new Reply(200, chat("SCORE: 1"), Map.of(), true);
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(4);
  private final List<String> authorizations = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger chats = new AtomicInteger();
  private final CountDownLatch closing = new CountDownLatch(1);

  /**
   * @param responder the reply to the n-th chat request, given n and the request's Authorization
   *     header
   * @param modelsStatus what {@code GET /v1/models} answers
   */
  JudgeServer(BiFunction<Integer, String, Reply> responder, int modelsStatus) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/v1/models",
        exchange -> {
          authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
          send(
              exchange,
              new Reply(
                  modelsStatus,
                  "{\"object\":\"list\",\"data\":[{\"id\":\"judge-test\"}]}",
                  Map.of(),
                  false));
        });
    server.createContext(
        "/v1/chat/completions",
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          String authorization = exchange.getRequestHeaders().getFirst("Authorization");
          authorizations.add(authorization);
          Reply reply = responder.apply(chats.incrementAndGet(), authorization);
          if (reply.hold()) {
            try {
              closing.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          send(exchange, reply);
        });
    server.setExecutor(executor);
    server.start();
  }

  private static void send(HttpExchange exchange, Reply reply) {
    byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
    reply.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    try {
      exchange.sendResponseHeaders(reply.status(), bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    } catch (IOException e) {
      exchange.close(); // the client gave up (timeout) or the server stopped
    }
  }

  /** A chat-completions body whose only choice says {@code content}. */
  static String chat(String content) {
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

  /** The base URL the judge config names. */
  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  /** Chat requests received so far. */
  int chatRequests() {
    return chats.get();
  }

  /** Every request's Authorization header (null when none was sent). */
  List<String> authorizations() {
    synchronized (authorizations) {
      return List.copyOf(authorizations);
    }
  }

  /** Stops answering: later connections are refused (a server that died mid-run). */
  void kill() {
    closing.countDown();
    server.stop(0);
  }

  @Override
  public void close() {
    closing.countDown();
    server.stop(0);
    executor.shutdownNow();
  }
}
