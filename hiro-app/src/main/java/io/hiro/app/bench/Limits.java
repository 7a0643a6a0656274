package io.hiro.app.bench;

/** The machine's limits measured at the start of a run, which Hiro's figures are compared with. */
record Limits(Figure diskFsyncWrite, Figure fsync4k, Figure loopbackTcp, Figure plainChain, Figure grpcUnary1,
    Figure grpcUnaryMany) {}
