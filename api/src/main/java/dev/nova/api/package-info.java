/**
 * The Nova plugin SPI.
 *
 * <p>Entry point: {@link dev.nova.api.GeneratorProvider}, found by the host with {@link java.util.ServiceLoader}.
 * A provider describes itself cheaply ({@link dev.nova.api.PluginInfo}) and creates or restores a
 * {@link dev.nova.api.GenerativeModel}, which the host trains step by step, samples and evaluates.
 * The host owns files, seeds, the run loop and the CLI; the plugin owns its network, data reading,
 * sampling and checkpoint payload.
 *
 * <p>Every public type carries its stability with {@code @API}; {@code EXPERIMENTAL} types may change in a
 * minor release, {@code STABLE} ones only in a major release of {@link dev.nova.api.ApiVersion}. A STABLE type
 * exposes only STABLE types, except through members marked EXPERIMENTAL themselves. Every {@code since} is an API
 * version ({@link dev.nova.api.ApiVersion}): 1.0 is the first; a status's {@code since} is the version that gave it.
 *
 * @since 1.0
 */
package dev.nova.api;
