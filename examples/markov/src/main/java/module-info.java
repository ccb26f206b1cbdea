/** An order-k character Markov model for Nova, built on the kit. */
module com.example.markov {
    requires dev.nova.kit;          // brings dev.nova.api (and the shared runtime, unused here) with it
    provides dev.nova.api.GeneratorProvider with com.example.markov.MarkovProvider;
}
