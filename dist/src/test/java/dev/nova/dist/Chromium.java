package dev.nova.dist;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/** Debian's headless Chromium through Selenium, for the browser tests; they skip, saying why, without it. */
final class Chromium {

    private static final Path BINARY = Path.of("/usr/bin/chromium");
    private static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    private Chromium() {
    }

    /** Skips the test, saying why, when Chromium or its driver is not installed. */
    static void assumeInstalled() {
        assumeTrue(Files.isExecutable(BINARY) && Files.isExecutable(DRIVER), "not exercised: Chromium and its"
                + " driver are not installed (apt-get install chromium chromium-driver)");
    }

    /** A headless browser that keeps its console log; skips the test when Chromium or its driver is missing. */
    static ChromeDriver start(int width, int height) {
        assumeInstalled();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BINARY.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=" + width + "," + height);
        options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    /** Fails on any console message at SEVERE level (a script error, a resource that did not load). */
    static void noConsoleErrors(ChromeDriver browser) {
        List<LogEntry> severe = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue()).toList();
        assertTrue(severe.isEmpty(), "console errors: " + severe);
    }
}
