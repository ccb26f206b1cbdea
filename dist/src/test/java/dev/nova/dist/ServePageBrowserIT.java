package dev.nova.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The page {@code nova serve} serves at {@code /}, in Debian's headless Chromium through Selenium: text streams into
 * the page and equals what {@code nova generate} prints for the same prompt, length, temperature and seed; Stop ends a
 * long generation and frees the server's worker; a class-conditional image model fills the grid with decoded images;
 * an audio model gives players whose WAV files the browser decodes to the requested length.
 * Screenshots go to {@code dist/target/serve-screenshots}. Skipped, saying why, without the browser.
 */
class ServePageBrowserIT {

    @TempDir
    Path dir;

    @Test
    void thePageStreamsTextStopsAndDrawsAnImageGrid() throws Exception {
        Chromium.assumeInstalled();
        Path text = poems(20);
        Path image = dir.resolve("shapes");
        LauncherIT.Run i = LauncherIT.novaIn(dir, "train", "--plugin", "image-gru", "--run-dir", image.toString(),
                "--set", "plugins.image-gru.data.path=builtin:shapes", "--set", "plugins.image-gru.data.image-size=10",
                "--set", "nova.train.steps=10", "--set", "nova.train.eval-every=10", "--set", "nova.train.samples=0",
                "--set", "plugins.image-gru.model.hidden=16", "--set", "plugins.image-gru.eval.images=40");
        assertEquals(0, i.code(), i.err());
        Path sound = dir.resolve("tones");
        LauncherIT.Run a = LauncherIT.novaIn(dir, "train", "--plugin", "audio-gru", "--run-dir", sound.toString(),
                "--set", "plugins.audio-gru.data.sample-rate=4000", "--set", "plugins.audio-gru.model.hidden=16",
                "--set", "plugins.audio-gru.train.sequence-length=32", "--set", "nova.train.steps=5",
                "--set", "nova.train.eval-every=5", "--set", "nova.train.samples=0",
                "--set", "plugins.audio-gru.model.conditioning=class");
        assertEquals(0, a.code(), a.err());
        LauncherIT.Run g = LauncherIT.novaIn(dir, "generate", text.toString(), "--prompt", "And God said", "--length",
                "80", "--temperature", "0.8", "--seed", "11");
        assertEquals(0, g.code(), g.err());

        Path shots = Files.createDirectories(Path.of("target", "serve-screenshots"));
        try (Served s = Served.start(dir, "--workers", "1", "--queue", "0", "--max-tokens", "10000000",
                "poems=" + text, "shapes=" + image, "tones=" + sound)) {
            ChromeDriver browser = Chromium.start(1100, 1300);
            try {
                Wait wait = new Wait(browser);
                browser.get(s.url);
                wait.until(b -> b.findElement(By.id("status")).getText().equals("3 models"));

                choose(browser, "model", "poems");
                set(browser, "prompt", "And God said");
                set(browser, "length", "80");
                set(browser, "temperature", "0.8");
                set(browser, "seed", "11");
                browser.findElement(By.id("go")).click();
                wait.until(b -> b.findElement(By.id("status")).getText().startsWith("Done"));
                assertEquals(g.out().substring(0, g.out().length() - 1), browser.findElement(By.id("output"))
                        .getAttribute("textContent"), "the page shows what nova generate prints");
                Files.write(shots.resolve("text.png"), browser.getScreenshotAs(OutputType.BYTES));

                // A generation that would take minutes, stopped from the page: the server's only worker is freed.
                set(browser, "length", "5000000");
                browser.findElement(By.id("go")).click();
                wait.until(b -> b.findElement(By.id("output")).getAttribute("textContent").length() > 200);
                browser.findElement(By.id("stop")).click();
                wait.until(b -> b.findElement(By.id("status")).getText().equals("Stopped"));
                int status = 429;
                for (int k = 0; k < 600 && status == 429; k++) {
                    Thread.sleep(100);
                    status = s.post("/v1/completions", "{\"model\": \"poems\", \"max_tokens\": 5}").statusCode();
                }
                assertEquals(200, status, "Stop in the page freed the worker");

                choose(browser, "model", "shapes");
                choose(browser, "class", "1");                       // classes: disc, ring, ...
                set(browser, "count", "6");
                browser.findElement(By.id("go")).click();
                wait.until(b -> b.findElement(By.id("status")).getText().startsWith("Done"));
                List<WebElement> images = browser.findElements(By.cssSelector("#grid img"));
                assertEquals(6, images.size());
                for (WebElement img : images) {
                    Object width = ((JavascriptExecutor) browser).executeScript("return arguments[0].complete"
                            + " && arguments[0].naturalWidth", img);
                    assertEquals(10L, ((Number) width).longValue(), "a decoded 10x10 PNG");
                }
                assertFalse(browser.findElement(By.id("prompt")).isDisplayed(), "text fields hidden for images");
                Files.write(shots.resolve("images.png"), browser.getScreenshotAs(OutputType.BYTES));

                // An audio model conditioned on builtin:tones' classes: a class picker, and players whose WAV the
                // browser decodes to the requested length.
                choose(browser, "model", "tones");
                assertFalse(browser.findElement(By.id("count")).isDisplayed(), "image fields hidden for audio");
                assertEquals(List.of("(any)", "tone", "chirp", "noise"), browser.findElements(
                        By.cssSelector("#audio-class option")).stream().map(WebElement::getText).toList());
                choose(browser, "audio-class", "2");
                set(browser, "seconds", "0.5");
                set(browser, "sounds", "2");
                browser.findElement(By.id("go")).click();
                wait.until(b -> b.findElement(By.id("status")).getText().startsWith("Done"));
                List<WebElement> players = browser.findElements(By.cssSelector("#sounds-out audio"));
                assertEquals(2, players.size());
                for (WebElement player : players) {
                    wait.until(b -> ((Number) ((JavascriptExecutor) b).executeScript("return arguments[0].readyState",
                            player)).intValue() >= 1);
                    Object duration = ((JavascriptExecutor) browser).executeScript("return arguments[0].duration",
                            player);
                    assertEquals(0.5, ((Number) duration).doubleValue(), 0.01, "a decoded 0.5 s WAV");
                }
                Files.write(shots.resolve("audio.png"), browser.getScreenshotAs(OutputType.BYTES));
                // What the picker sends: the label, which changes the sound; one out of range names the option.
                String[] wav = new String[3];
                for (int label = 0; label < 3; label += 2) {
                    HttpResponse<String> r = s.post("/v1/generate", "{\"model\": \"tones\", \"seed\": 4,"
                            + " \"options\": {\"seconds\": 0.25, \"label\": " + label + "}}");
                    assertEquals(200, r.statusCode(), r.body());
                    wav[label] = r.body();
                }
                assertNotEquals(wav[0], wav[2], "classes tone and noise gave the same sound");
                HttpResponse<String> bad = s.post("/v1/generate", "{\"model\": \"tones\", \"options\": {\"label\": 5}}");
                assertEquals(400, bad.statusCode(), bad.body());
                assertTrue(bad.body().contains("options.label") && bad.body().contains("0 = tone, 1 = chirp, 2 = noise"),
                        bad.body());
                Chromium.noConsoleErrors(browser);
            } finally {
                browser.quit();
            }
        }
    }

    /** With a token (issue 43): the page asks for it, names a wrong one, lists the models on Enter, keeps it on reload. */
    @Test
    void thePageWorksWithATokenTypedOnce() throws Exception {
        Chromium.assumeInstalled();
        Path text = poems(10);
        try (Served s = Served.start(dir, "--token", "s3cret", "poems=" + text)) {
            ChromeDriver browser = Chromium.start(1000, 900);
            try {
                Wait wait = new Wait(browser);
                browser.get(s.url);
                wait.until(b -> b.findElement(By.id("status")).getText().startsWith("This server needs a token"));
                assertTrue(browser.findElement(By.id("token")).isDisplayed());
                browser.findElement(By.id("token")).sendKeys("wrong" + org.openqa.selenium.Keys.ENTER);
                wait.until(b -> b.findElement(By.id("status")).getText().startsWith("The server refused that token"));
                WebElement field = browser.findElement(By.id("token"));
                field.clear();
                field.sendKeys("s3cret" + org.openqa.selenium.Keys.ENTER);
                wait.until(b -> b.findElement(By.id("status")).getText().equals("1 model"));
                set(browser, "prompt", "And God said");
                set(browser, "length", "30");
                browser.findElement(By.id("go")).click();
                wait.until(b -> b.findElement(By.id("status")).getText().startsWith("Done"));
                assertTrue(browser.findElement(By.id("output")).getAttribute("textContent").startsWith("And God said"),
                        browser.findElement(By.id("output")).getAttribute("textContent"));
                browser.navigate().refresh();
                wait.until(b -> b.findElement(By.id("status")).getText().equals("1 model"));
            } finally {
                browser.quit();
            }
        }
    }

    /** A text-gru run of the quickstart configuration, trained {@code steps} steps. */
    private Path poems(int steps) throws Exception {
        Path text = dir.resolve("poems");
        LauncherIT.Run t = LauncherIT.novaIn(dir, "train", Path.of("../conf/text-gru-quickstart.conf").toAbsolutePath()
                .toString(), "--run-dir", text.toString(), "--set", "nova.train.steps=" + steps, "--set",
                "nova.train.eval-every=" + steps, "--set", "nova.train.samples=0");
        assertEquals(0, t.code(), t.err());
        return text;
    }

    /** Picks an option of a select as a user does: its value changes and the page hears a change event. */
    private static void choose(ChromeDriver browser, String id, String value) {
        ((JavascriptExecutor) browser).executeScript("const s = document.getElementById(arguments[0]);"
                + " s.value = arguments[1]; s.dispatchEvent(new Event('change'));", id, value);
        assertEquals(value, browser.findElement(By.id(id)).getAttribute("value"));
    }

    /** Waits (at most 120 s, polling) for a condition on the page. */
    private record Wait(ChromeDriver browser) {
        void until(java.util.function.Predicate<ChromeDriver> condition) throws InterruptedException {
            long end = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (!condition.test(browser)) {
                assertTrue(System.nanoTime() < end, "the page did not get there in 120 s: status '"
                        + browser.findElement(By.id("status")).getText() + "', error '"
                        + browser.findElement(By.id("error")).getText() + "'");
                Thread.sleep(50);
            }
        }
    }

    private static void set(ChromeDriver browser, String id, String value) {
        WebElement e = browser.findElement(By.id(id));
        e.clear();
        e.sendKeys(value);
    }
}
