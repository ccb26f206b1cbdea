/**
 * Plugin plumbing that needs no ND4J: loading a plugin's {@code reference.conf}, range checks that report
 * {@link dev.nova.api.ConfigProblem}s, checkpoint payload framing, typed generation options and seed derivation.
 *
 * @since 0.1
 */
package dev.nova.kit.support;
