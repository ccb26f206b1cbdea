import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * K concurrent clients against nova serve on loopback, for a bounded time (bench/serve.sh). Each sends plain
 * /v1/completions requests one after another; a 429 is waited out (its Retry-After) and sent again, counted apart
 * from errors. Prints one line of figures.
 *
 *   java bench/lib/ServeLoad.java URL MODEL CLIENTS SECONDS MAX_TOKENS
 */
public class ServeLoad {
    public static void main(String[] args) throws Exception {
        String url = args[0];
        String model = args[1];
        int clients = Integer.parseInt(args[2]);
        long seconds = Long.parseLong(args[3]);
        int maxTokens = Integer.parseInt(args[4]);
        if (!url.startsWith("http://127.0.0.1:")) {
            throw new IllegalArgumentException("loopback only: " + url);
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        AtomicLong sent = new AtomicLong();
        AtomicLong ok = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        AtomicLong lost = new AtomicLong();
        AtomicLong chars = new AtomicLong();
        List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
        Pattern tokens = Pattern.compile("\"completion_tokens\":(\\d+)");
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        long start = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            Thread t = new Thread(() -> {
                for (int i = 0; System.nanoTime() < end; i++) {
                    String body = "{\"model\": \"" + model + "\", \"prompt\": \"ROMEO:\", \"max_tokens\": " + maxTokens
                            + ", \"seed\": " + (client * 100_000 + i) + "}";
                    HttpRequest r = HttpRequest.newBuilder(URI.create(url + "v1/completions"))
                            .timeout(Duration.ofSeconds(300)).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build();
                    long t0 = System.nanoTime();
                    sent.incrementAndGet();
                    try {
                        HttpResponse<String> response = http.send(r, HttpResponse.BodyHandlers.ofString());
                        if (response.statusCode() == 200) {
                            ok.incrementAndGet();
                            latencies.add((System.nanoTime() - t0) / 1e9);
                            Matcher m = tokens.matcher(response.body());
                            if (m.find()) {
                                chars.addAndGet(Long.parseLong(m.group(1)));
                            }
                        } else if (response.statusCode() == 429) {
                            refused.incrementAndGet();
                            Thread.sleep(1000L * Long.parseLong(response.headers().firstValue("Retry-After").orElse("1")));
                        } else {
                            errors.incrementAndGet();
                            System.err.println("serve-load: " + response.statusCode() + " " + response.body());
                        }
                    } catch (java.io.IOException e) {
                        lost.incrementAndGet();
                        System.err.println("serve-load: no answer: " + e);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        double wall = (System.nanoTime() - start) / 1e9;
        List<Double> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        System.out.printf("clients %d requests %d ok %d 429 %d errors %d lost %d | %.2f req/s %.0f chars/s"
                        + " | p50 %.3f s p99 %.3f s max %.3f s | %.1f s%n", clients, sent.get(), ok.get(), refused.get(),
                errors.get(), lost.get(), ok.get() / wall, chars.get() / wall, pct(sorted, 0.50), pct(sorted, 0.99),
                sorted.isEmpty() ? Double.NaN : sorted.get(sorted.size() - 1), wall);
    }

    private static double pct(List<Double> sorted, double p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
    }
}
