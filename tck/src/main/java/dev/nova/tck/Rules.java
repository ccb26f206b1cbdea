package dev.nova.tck;

/**
 * What a section's rules are given: the {@link Harness} of the rule being run. {@link GeneratorVerification} makes
 * a new one for each rule and is the only implementation.
 */
interface Rules {

    /**
     * The harness of the rule being run.
     *
     * @return the harness
     */
    Harness harness();
}
