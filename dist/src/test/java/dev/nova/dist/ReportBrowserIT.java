package dev.nova.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * {@code nova report} in a real browser (Debian's headless Chromium through Selenium): a text run, an image run, an
 * audio run (its WAV samples play: the browser decodes them to their length) and two
 * runs compared render with no console error, every chart has a point per record, the charts stand in a grid below the
 * run's summary, every image decodes; a screenshot of
 * each page is kept in {@code dist/target/report-screenshots}. Skipped, saying why, where the browser is not
 * installed ({@code .ci/run} installs it).
 */
class ReportBrowserIT {

    @TempDir
    Path dir;

    private Path train(String name, String plugin, String... more) throws Exception {
        Path run = dir.resolve(name);
        List<String> args = new java.util.ArrayList<>(List.of("train", "--plugin", plugin, "--run-dir", run.toString(),
                "--set", "nova.train.steps=20", "--set", "nova.train.eval-every=10", "--set", "nova.train.log-every=5"));
        args.addAll(List.of(more));
        LauncherIT.Run r = LauncherIT.novaIn(dir, args.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        return run;
    }

    private Path report(String name, Path... runs) throws Exception {
        Path out = dir.resolve(name + ".html");
        List<String> args = new java.util.ArrayList<>(List.of("report"));
        for (Path r : runs) {
            args.add(r.toString());
        }
        args.addAll(List.of("--out", out.toString()));
        LauncherIT.Run r = LauncherIT.novaIn(dir, args.toArray(String[]::new));
        assertEquals(0, r.code(), r.err());
        return out;
    }

    @Test
    void reportsRenderInChromiumWithEveryPointAndImage() throws Exception {
        Chromium.assumeInstalled();
        String[] tiny = {"--set", "plugins.text-gru.model.hidden=32", "--set", "plugins.text-gru.model.embedding=8",
            "--set", "plugins.text-gru.eval.batches=2", "--set", "nova.train.quality=true",
            "--set", "nova.quality.samples=4", "--set", "nova.quality.length=40", "--set", "nova.gates=[\"held-out-loss < 100\"]"};
        Path a = train("text-a", "text-gru", tiny);
        String[] other = java.util.Arrays.copyOf(tiny, tiny.length + 2);
        other[tiny.length] = "--set";
        other[tiny.length + 1] = "nova.seed=7";
        Path b = train("text-b", "text-gru", other);
        Path image = train("image", "vae", "--set", "plugins.vae.data.path=builtin:shapes", "--set",
                "plugins.vae.data.image-size=12", "--set", "plugins.vae.model.encoder=[32]", "--set",
                "plugins.vae.model.latent=4", "--set", "nova.train.samples=4", "--set", "plugins.vae.eval.images=40");
        Path sound = train("sound", "audio-gru", "--set", "plugins.audio-gru.data.sample-rate=4000", "--set",
                "plugins.audio-gru.model.hidden=16", "--set", "plugins.audio-gru.train.sequence-length=32", "--set",
                "plugins.audio-gru.generate.seconds=0.25", "--set", "nova.train.samples=1");

        ChromeDriver browser = Chromium.start(1200, 1600);
        try {
            Path shots = Files.createDirectories(Path.of("target", "report-screenshots"));
            check(browser, report("text", a), a, shots);
            check(browser, report("image", image), image, shots);
            check(browser, report("sound", sound), sound, shots);
            List<WebElement> players = browser.findElements(By.tagName("audio"));
            assertEquals(2, players.size(), "a player per evaluation's sample");
            for (WebElement player : players) {
                long end = System.nanoTime() + 60_000_000_000L;
                while (((Number) ((JavascriptExecutor) browser).executeScript("return arguments[0].readyState",
                        player)).intValue() < 1) {
                    assertTrue(System.nanoTime() < end, "the WAV did not load in 60 s");
                    Thread.sleep(50);
                }
                Object duration = ((JavascriptExecutor) browser).executeScript("return arguments[0].duration", player);
                assertEquals(0.25, ((Number) duration).doubleValue(), 0.01, "a decoded 0.25 s WAV");
            }
            Path compared = report("compared", a, b);
            browser.get(compared.toUri().toString());
            List<WebElement> charts = browser.findElements(By.cssSelector("#comparison svg.chart"));
            assertEquals(progressRecords(a) + progressRecords(b),
                    charts.get(0).findElements(By.cssSelector("circle.pt")).size(), "training loss of both runs");
            assertEquals(2, browser.findElements(By.cssSelector("section.run")).size());
            Chromium.noConsoleErrors(browser);
            Files.write(shots.resolve("compared.png"), browser.getScreenshotAs(OutputType.BYTES));
        } finally {
            browser.quit();
        }
    }

    /** One run's page: its loss chart has a point per progress and evaluation record, and every image decodes. */
    private void check(ChromeDriver browser, Path page, Path run, Path shots) throws Exception {
        browser.get(page.toUri().toString());
        WebElement loss = browser.findElements(By.cssSelector("section.run svg.chart")).get(0);
        assertEquals(progressRecords(run), loss.findElements(By.cssSelector("circle.pt[data-series='0']")).size(),
                "a training point per progress record");
        assertEquals(evaluationRecords(run), loss.findElements(By.cssSelector("circle.pt[data-series='1']")).size(),
                "a held-out point per evaluation");
        // small multiples: at this width the charts stand side by side, nothing runs off the page, and the summary
        // comes first (issue 43, 7)
        List<WebElement> charts = browser.findElements(By.cssSelector("section.run figure.chart"));
        assertTrue(charts.size() >= 2, charts.size() + " charts");
        assertEquals(charts.get(0).getLocation().getY(), charts.get(1).getLocation().getY(), "two charts in a row");
        assertTrue(charts.get(1).getLocation().getX() > charts.get(0).getLocation().getX() + 200, "side by side");
        assertTrue(((Number) ((JavascriptExecutor) browser).executeScript("return document.documentElement.scrollWidth"
                + " <= window.innerWidth ? 1 : 0")).intValue() == 1, "nothing wider than the window");
        WebElement cards = browser.findElement(By.cssSelector("section.run div.cards"));
        assertTrue(cards.getLocation().getY() < charts.get(0).getLocation().getY(), "the summary first");
        assertTrue(cards.getText().contains("held-out loss"), cards.getText());
        List<WebElement> images = browser.findElements(By.tagName("img"));
        for (WebElement img : images) {
            Object width = ((JavascriptExecutor) browser).executeScript("return arguments[0].complete"
                    + " && arguments[0].naturalWidth", img);
            assertTrue(width instanceof Number n && n.intValue() > 0, "image not decoded: " + img.getAttribute("alt"));
        }
        Chromium.noConsoleErrors(browser);
        Files.write(shots.resolve(page.getFileName().toString().replace(".html", ".png")),
                ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }

    private static long progressRecords(Path run) throws Exception {
        return Files.readAllLines(run.resolve("metrics.jsonl")).stream()
                .filter(l -> l.contains("\"loss\"") && !l.contains("\"eval\"")).count();
    }

    private static long evaluationRecords(Path run) throws Exception {
        return Files.readAllLines(run.resolve("metrics.jsonl")).stream().filter(l -> l.contains("\"eval\"")).count();
    }
}
