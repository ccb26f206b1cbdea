package dev.nova.kit.nn;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.List;
import java.util.Locale;
import org.apiguardian.api.API;

/**
 * Element-wise activations, each with its derivative written in terms of its output (so a layer keeps only its
 * output for the backward pass).
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public enum Activation {
    /** {@code x}. */
    IDENTITY,
    /** {@code max(x, 0)}. */
    RELU,
    /** {@code x} for {@code x > 0}, else {@code 0.01·x}. */
    LEAKY_RELU,
    /** {@code tanh(x)}. */
    TANH,
    /** {@code 1 / (1 + e^-x)}. */
    SIGMOID,
    /**
     * GELU in GPT-2's tanh form, {@code ½x(1 + tanh(√(2/π)(x + 0.044715x³)))} (within 1e-3 of the erf form, which
     * Java cannot evaluate to double precision without a library); its derivative needs the input, not the output.
     */
    GELU;

    private static final double GELU_C = Math.sqrt(2 / Math.PI);

    /** The config names of the activations a hidden layer may use. */
    public static final List<String> NAMES = List.of("identity", "relu", "leaky-relu", "tanh", "sigmoid", "gelu");

    /**
     * The activations the first-party image plugins let users choose for their MLP layers (a config key's allowed
     * words).
     *
     * @since 1.3
     */
    public static final List<String> HIDDEN = List.of("relu", "leaky-relu", "tanh");

    /**
     * The activation of a config name such as {@code leaky-relu}.
     *
     * @param name the name
     * @return the activation
     * @throws IllegalArgumentException for an unknown name
     */
    public static Activation of(String name) {
        int i = NAMES.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("unknown activation " + name + "; known: " + String.join(", ", NAMES));
        }
        return values()[i];
    }

    /** The config name. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * Applies the activation.
     *
     * @param x the input
     * @return the output
     */
    public double apply(double x) {
        return switch (this) {
            case IDENTITY -> x;
            case RELU -> x > 0 ? x : 0;
            case LEAKY_RELU -> x > 0 ? x : 0.01 * x;
            case TANH -> tanh(x);
            case SIGMOID -> sigmoid(x);
            case GELU -> gelu(x, geluTanh(x));
        };
    }

    /** Whether {@link #derivativeAt} needs the input (GELU) rather than {@link #derivative} the output. */
    public boolean derivativeNeedsInput() {
        return this == GELU;
    }

    /**
     * The derivative at an input.
     *
     * @param x the input
     * @return {@code dy/dx}
     */
    public double derivativeAt(double x) {
        if (this != GELU) {
            return derivative(apply(x));
        }
        return geluDerivative(x, geluTanh(x));
    }

    /**
     * GELU's inner {@code tanh(√(2/π)(x + 0.044715x³))}, from which {@link #gelu} and {@link #geluDerivative} both
     * follow (one exponential for the value and the derivative).
     *
     * @param x the input
     * @return the inner tanh
     */
    public static double geluTanh(double x) {
        return tanh(GELU_C * (x + 0.044715 * x * x * x));
    }

    /**
     * GELU from its inner tanh.
     *
     * @param x the input
     * @param t {@link #geluTanh}{@code (x)}
     * @return the value
     */
    public static double gelu(double x, double t) {
        return 0.5 * x * (1 + t);
    }

    /**
     * GELU's derivative from its inner tanh.
     *
     * @param x the input
     * @param t {@link #geluTanh}{@code (x)}
     * @return the derivative
     */
    public static double geluDerivative(double x, double t) {
        return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * GELU_C * (1 + 3 * 0.044715 * x * x);
    }

    private static final float GELU_CF = (float) GELU_C;

    /**
     * GELU of float values in place, and its derivative at each (float layers in training; the double path, which
     * gradient checks use, stays on {@link #gelu}). The clamp runs as a loop of its own: inside the main loop it
     * kept the JIT from vectorising either.
     *
     * @param y the inputs, replaced by GELU of each
     * @param derivative receives GELU's derivative at each input
     * @param from first index
     * @param to one past the last index
     */
    static void gelu(float[] y, float[] derivative, int from, int to) {
        for (int i = from; i < to; i++) {
            float s = y[i];
            derivative[i] = FloatMath.tanhDomain(GELU_CF * (s + 0.044715f * s * s * s));
        }
        for (int i = from; i < to; i++) {
            float s = y[i];
            float t = FloatMath.tanh(derivative[i]);
            derivative[i] = 0.5f * (1 + t) + 0.5f * s * (1 - t * t) * GELU_CF * (1 + 3 * 0.044715f * s * s);
            y[i] = 0.5f * s * (1 + t);
        }
    }

    /**
     * GELU of float values in place, as {@link #gelu(float[], float[], int, int)} computes it (sampling one
     * position at a time gives the same values as the batched forward pass).
     *
     * @param y the inputs, replaced by GELU of each
     * @param n how many, from the first
     */
    static void gelu(float[] y, int n) {
        for (int i = 0; i < n; i++) {
            float s = y[i];
            float t = FloatMath.tanh(FloatMath.tanhDomain(GELU_CF * (s + 0.044715f * s * s * s)));
            y[i] = 0.5f * s * (1 + t);
        }
    }

    /**
     * The derivative, from the output {@code y = apply(x)}.
     *
     * @param y the output
     * @return {@code dy/dx}
     */
    public double derivative(double y) {
        return switch (this) {
            case GELU -> throw new UnsupportedOperationException("GELU's derivative needs the input: derivativeAt");
            case IDENTITY -> 1;
            case RELU -> y > 0 ? 1 : 0;
            case LEAKY_RELU -> y > 0 ? 1 : 0.01;
            case TANH -> 1 - y * y;
            case SIGMOID -> y * (1 - y);
        };
    }

    /**
     * {@code tanh} through one exponential ({@link Math#tanh} was a third of the GRU's forward pass).
     *
     * @param x the input
     * @return {@code tanh(x)}
     */
    public static double tanh(double x) {
        return 2 / (1 + Math.exp(-2 * x)) - 1;
    }

    /**
     * The logistic sigmoid.
     *
     * @param x the input
     * @return {@code 1 / (1 + e^-x)}
     */
    public static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }
}
