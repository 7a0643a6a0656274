package io.hiro.app.bench;

import java.util.Optional;

/**
 * The machine's limits measured at the start of a run, which Hiro's figures are compared with
 * (all but the timed runs of {@code limit.grpc_chain}, {@code limit.grpc_get} and {@code limit.put_floor}).
 *
 * @param pieceFiles1 {@link PieceFiles} with 1 client; {@code pieceFilesMany} with the bench's client count
 * @param bare the bare nodes, with {@link GrpcChain} (the large put's bytes over gRPC through bare
 *     workers), {@link GrpcGet} (the large get's bytes back from them, with the design's checks) and
 *     {@link PutFloor} (the small puts' calls and durable writes) after their untimed runs, and
 *     {@code limit.put_lean} measured; their timed runs are taken in turns with Hiro's large puts,
 *     cats and small puts ({@link BigFileBench}, {@link SmallFileBench}), which close them after
 * @param diskDirectWrite {@link DiskDirectWrite}: what a get asks of the local disk
 * @param diskDirectRead empty when reads from the workers' disk cannot be measured here (see {@link HiroBench})
 */
record Limits(Figure diskFsyncWrite, Figure diskDirectWrite, Figure fsync4k, Figure pieceFiles1, Figure pieceFilesMany, Figure loopbackTcp,
    Figure plainChain, HiroBench.Bare bare, Figure grpcUnary1, Figure grpcUnaryMany,
    Optional<Figure> diskDirectRead) {}
