/**
 * The Nova plugin SPI: what a generator plugin implements and what the host hands it.
 *
 * <p>A plugin module {@code provides dev.nova.api.GeneratorProvider with ...} and ships its defaults as a
 * {@code reference.conf} at its jar root, under {@code plugins.<id>}. Third parties code against this module
 * alone.
 */
module dev.nova.api {
    // Plugins read their settings from a Typesafe Config subtree; the type appears in the SPI.
    requires transitive typesafe.config;
    // Stability markers (@API); not needed at run time.
    requires static transitive org.apiguardian.api;

    exports dev.nova.api;

    uses dev.nova.api.GeneratorProvider;
}
