package io.hiro.app.bench;

import java.util.Optional;

/**
 * The machine's limits measured at the start of a run, which Hiro's figures are compared with.
 *
 * @param pieceFiles1 {@link PieceFiles} with 1 client; {@code pieceFilesMany} with the bench's client count
 * @param putFloor1 {@link PutFloor} with 1 client; {@code putFloorMany} with the bench's client count
 * @param putLean1 {@link PutFloor}'s lean put with 1 client; {@code putLeanMany} with the bench's client count
 * @param grpcChain {@link GrpcChain}: the large put's bytes over gRPC through bare workers
 * @param diskDirectWrite {@link DiskDirectWrite}: what a get asks of the local disk
 * @param diskDirectRead empty when reads from the workers' disk cannot be measured here (see {@link HiroBench})
 */
record Limits(Figure diskFsyncWrite, Figure diskDirectWrite, Figure fsync4k, Figure pieceFiles1, Figure pieceFilesMany, Figure loopbackTcp,
    Figure plainChain, Figure grpcChain, Figure grpcUnary1, Figure grpcUnaryMany, Figure putFloor1, Figure putFloorMany,
    Figure putLean1, Figure putLeanMany, Optional<Figure> diskDirectRead) {}
