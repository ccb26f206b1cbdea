package dev.nova.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pretrain, then fine-tune, through the launcher (issue 26): a text-gru run on the built-in corpus is the parent of a
 * run on a small file with characters the parent never saw; architecture mismatches and unknown freeze patterns are
 * refused before any run folder; the lineage is printed through two generations; a fine-tuned run resumes exactly.
 */
class FineTuningIT {

    @TempDir
    Path dir;

    private static final List<String> TINY = List.of("--set", "plugins.text-gru.model.hidden=32",
            "--set", "plugins.text-gru.model.embedding=8", "--set", "plugins.text-gru.train.batch=8",
            "--set", "plugins.text-gru.eval.batches=2", "--set", "nova.train.samples=0");

    private LauncherIT.Run nova(List<String> args) throws Exception {
        return LauncherIT.novaIn(dir, args.toArray(String[]::new));
    }

    private LauncherIT.Run train(Path runDir, String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of("train", "--plugin", "text-gru", "--run-dir", runDir.toString()));
        args.addAll(List.of(more));
        return nova(args);
    }

    private static String lastEval(Path run) throws Exception {
        List<String> evals = Files.readAllLines(run.resolve("metrics.jsonl")).stream().filter(l -> l.contains("\"eval\""))
                .toList();
        return evals.get(evals.size() - 1);
    }

    @Test
    void pretrainThenFineTuneGrowFreezeInspectAndResume() throws Exception {
        Path parent = dir.resolve("parent");
        List<String> pretrain = new ArrayList<>(List.of("--set", "nova.train.steps=20", "--set", "nova.train.eval-every=20"));
        pretrain.addAll(TINY);
        LauncherIT.Run p = train(parent, pretrain.toArray(String[]::new));
        assertEquals(0, p.code(), p.err());

        // Every architecture setting given another value is named with both values; nothing is created.
        Path refused = dir.resolve("refused");
        LauncherIT.Run mismatch = train(refused, "--init-from", parent.toString(), "--set", "plugins.text-gru.model.hidden=64",
                "--set", "plugins.text-gru.model.layers=2");
        assertEquals(2, mismatch.code(), mismatch.err());
        assertTrue(mismatch.err().contains("plugins.text-gru.model.layers is 2 here but 1 in the parent model")
                && mismatch.err().contains("plugins.text-gru.model.hidden is 64 here but 32 in the parent model"),
                mismatch.err());
        assertFalse(mismatch.err().contains("\tat "), mismatch.err());
        assertFalse(Files.exists(refused), "no run folder for a refused run");

        LauncherIT.Run unknown = train(refused, "--init-from", parent.toString(), "--set",
                "nova.finetune.freeze=[\"embedding\", \"no-such.*\"]");
        assertEquals(2, unknown.code(), unknown.err());
        assertTrue(unknown.err().contains("pattern 'no-such.*' matches no parameter of plugin 'text-gru'"), unknown.err());
        assertFalse(Files.exists(refused), "no run folder for a refused run");

        // The architecture comes from the parent; the corpus adds two characters; the embedding stays frozen.
        Path corpus = Files.writeString(dir.resolve("small.txt"),
                "Gr\u00fc\u00df Gott, said the Lord unto Moses. ".repeat(80), StandardCharsets.UTF_8);
        Path child = dir.resolve("child");
        String[] fineTune = {"--init-from", parent.toString(), "--set", "plugins.text-gru.data.path=" + corpus,
            "--set", "nova.train.eval-every=5", "--set", "nova.train.samples=0", "--set", "plugins.text-gru.eval.batches=2",
            "--set", "nova.finetune.freeze=[embedding]"};
        List<String> ten = new ArrayList<>(List.of(fineTune));
        ten.addAll(List.of("--set", "nova.train.steps=10"));
        LauncherIT.Run c = train(child, ten.toArray(String[]::new));
        assertEquals(0, c.code(), c.err());
        assertTrue(c.err().contains("nova: text-gru: added 2 characters the parent model never saw to the vocabulary")
                && c.err().contains("(now 72)") && c.err().contains("'\u00df' '\u00fc'"), c.err());
        assertTrue(c.err().contains("nova: freezing 1 of 7 parameters"), c.err());
        assertTrue(c.err().contains("fine-tuning 'text-gru' from step 20 of"), c.err());

        LauncherIT.Run inspect = nova(List.of("inspect", child.toString(), "--parameters"));
        assertEquals(0, inspect.code(), inspect.err());
        int vocabulary = Integer.parseInt(inspect.out().lines().filter(l -> l.startsWith("embedding "))
                .findFirst().orElseThrow().split("\\s+")[1].split("x")[0]);
        assertTrue(inspect.out().contains("output.w") && inspect.out().contains("gru.0.wh"), inspect.out());
        assertTrue(inspect.out().contains("parent: step 20 of text-gru"), inspect.out());

        Path grandchild = dir.resolve("grandchild");
        LauncherIT.Run g = train(grandchild, "--init-from", child.toString(), "--set", "nova.train.steps=2",
                "--set", "nova.train.eval-every=2", "--set", "nova.train.samples=0", "--set", "plugins.text-gru.eval.batches=2",
                "--set", "plugins.text-gru.data.path=" + corpus);
        assertEquals(0, g.code(), g.err());
        LauncherIT.Run chain = nova(List.of("inspect", grandchild.toString(), "--parameters"));
        assertTrue(chain.out().contains("parent: step 10 of text-gru") && chain.out().contains("ancestor 2: step 20 of text-gru")
                && chain.out().contains(vocabulary + "x8"), chain.out());

        // Five steps, then resumed to ten: the same model as ten at once (the lineage and the freezing carried).
        Path resumed = dir.resolve("resumed");
        List<String> five = new ArrayList<>(List.of(fineTune));
        five.addAll(List.of("--set", "nova.train.steps=5"));
        assertEquals(0, train(resumed, five.toArray(String[]::new)).code());
        LauncherIT.Run r = nova(List.of("resume", resumed.toString(), "--steps", "10"));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("nova: freezing 1 of 7 parameters"), r.err());
        assertEquals(lastEval(child), lastEval(resumed));
        assertTrue(nova(List.of("inspect", resumed.toString())).out().contains("parent: step 20 of text-gru"));
    }
}
