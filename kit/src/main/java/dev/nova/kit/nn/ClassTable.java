package dev.nova.kit.nn;

/**
 * The arithmetic of {@link TokenGru}'s class conditioning: input token {@code t} stands for output token
 * {@code t mod outputs} in class {@code t / outputs}, and its row of the GRU's input table is the sum of the two
 * embeddings. Shared by the network (forward and backward) and by the snapshot made from stored values in Java alone.
 */
final class ClassTable {

    private ClassTable() {
    }

    /**
     * Every input token's embedding: its output token's plus its class's.
     *
     * @param tokens {@code [outputs, width]}
     * @param classes {@code [inputs / outputs, width]}
     * @param inputs input tokens
     * @param outputs output tokens
     * @param width embedding width
     * @return {@code [inputs, width]}
     */
    static double[] combined(double[] tokens, double[] classes, int inputs, int outputs, int width) {
        double[] table = new double[inputs * width];
        for (int t = 0; t < inputs; t++) {
            int token = (t % outputs) * width;
            int cls = (t / outputs) * width;
            for (int i = 0; i < width; i++) {
                table[t * width + i] = tokens[token + i] + classes[cls + i];
            }
        }
        return table;
    }

    /**
     * The table's gradient summed back into the tokens' and the classes' (the inverse of {@link #combined}).
     *
     * @param table the gradient of {@code [inputs, width]}
     * @param inputs input tokens
     * @param outputs output tokens
     * @param width embedding width
     * @param tokens receives {@code [outputs, width]}, added to (start from zeros)
     * @param classes receives {@code [inputs / outputs, width]}, added to (start from zeros)
     */
    static void separate(double[] table, int inputs, int outputs, int width, double[] tokens, double[] classes) {
        for (int t = 0; t < inputs; t++) {
            int token = (t % outputs) * width;
            int cls = (t / outputs) * width;
            for (int i = 0; i < width; i++) {
                tokens[token + i] += table[t * width + i];
                classes[cls + i] += table[t * width + i];
            }
        }
    }
}
