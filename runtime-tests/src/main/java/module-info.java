/** Checks that the shaded DL4J runtime loads and trains from a named module. */
module dev.nova.runtime.check {
    requires dev.nova.runtime;

    exports dev.nova.runtime.check;
}
