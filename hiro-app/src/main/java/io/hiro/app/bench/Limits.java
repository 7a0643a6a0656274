package io.hiro.app.bench;

import java.util.Optional;

/**
 * The machine's limits measured at the start of a run, which Hiro's figures are compared with
 * (all but {@code limit.grpc_chain}'s timed runs).
 *
 * @param pieceFiles1 {@link PieceFiles} with 1 client; {@code pieceFilesMany} with the bench's client count
 * @param putFloor {@link PutFloor}'s puts, of Hiro's shape and lean, with 1 client and with the bench's client count
 * @param bareChain {@link GrpcChain}: the large put's bytes over gRPC through bare workers, after its
 *     untimed runs, with the bare nodes it runs on; its timed runs are taken in turns with the large
 *     put's ({@link BigFileBench}), after which the bench closes both
 * @param grpcGet {@link GrpcGet}: the large get's bytes back from them, with the design's checks
 * @param diskDirectWrite {@link DiskDirectWrite}: what a get asks of the local disk
 * @param diskDirectRead empty when reads from the workers' disk cannot be measured here (see {@link HiroBench})
 */
record Limits(Figure diskFsyncWrite, Figure diskDirectWrite, Figure fsync4k, Figure pieceFiles1, Figure pieceFilesMany, Figure loopbackTcp,
    Figure plainChain, HiroBench.BareChain bareChain, Figure grpcGet, Figure grpcUnary1, Figure grpcUnaryMany, PutFloor.Figures putFloor,
    Optional<Figure> diskDirectRead) {}
