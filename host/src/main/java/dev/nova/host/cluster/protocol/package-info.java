/**
 * The protocol between the host and a cluster launcher's data-parallel engine, as records: a {@link
 * dev.nova.host.cluster.protocol.ClusterSetup} once per run, then a {@link dev.nova.host.cluster.protocol.StepRequest}
 * and a {@link dev.nova.host.cluster.protocol.StepReply} per step. Each crosses the host's module layer as a map of JDK
 * types ({@code toMap()}, {@code of(map)}), because the launcher lives on Spark's class path and cannot see these
 * types; these records are the one place that defines the keys. {@code since} values here are Nova versions.
 */
package dev.nova.host.cluster.protocol;
