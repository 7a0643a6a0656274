package io.hiro.client;

import io.grpc.ManagedChannel;
import io.hiro.client.core.Downloader;
import io.hiro.client.core.Uploader;
import io.hiro.client.rpc.MasterCalls;
import io.hiro.client.rpc.Protos;
import io.hiro.client.rpc.WorkerChannels;
import io.hiro.common.HiroPath;
import io.hiro.common.HostPort;
import io.hiro.common.rpc.ClientThreads;
import io.hiro.common.rpc.Rpc;
import io.hiro.proto.FsckResponse;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Hiro's client library: puts and gets files and changes the namespace. Thread-safe; one client
 * keeps one channel to the master and one per worker address, closed by {@link #close()}.
 * Every failure is a {@link io.hiro.common.HiroException} whose code says what kind it is.
 */
public final class HiroClient implements AutoCloseable {
  private final ManagedChannel masterChannel;
  /** The network thread of this client's channels; null when the caller opened them. */
  private final ClientThreads threads;
  private final MasterCalls master;
  private final WorkerChannels workers;
  private final Uploader uploader;
  private final Downloader downloader;

  private HiroClient(ManagedChannel masterChannel, ClientThreads threads, String masterName,
      Function<String, ManagedChannel> workerChannels) {
    this.masterChannel = masterChannel;
    this.threads = threads;
    this.master = new MasterCalls(masterChannel, masterName);
    this.workers = new WorkerChannels(workerChannels);
    this.uploader = new Uploader(master, workers);
    this.downloader = new Downloader(master, workers);
  }

  /**
   * A client of the master at {@code master}, signing its calls and securing its connections as
   * {@code security} says; channels connect lazily, so this does not fail if the master is down.
   */
  public static HiroClient connect(HostPort master, ClientSecurity security) {
    Objects.requireNonNull(master, "master");
    ClientThreads threads = new ClientThreads("hiro-client-net");
    try {
      return new HiroClient(Rpc.channel(master, security.master(), threads), threads, "master " + master,
          address -> Rpc.channel(HostPort.parse(address), security.workers(), threads));
    } catch (RuntimeException e) {
      threads.close();
      throw e;
    }
  }

  /**
   * A client over channels the caller opens (in-process gRPC in tests). The client owns them:
   * {@link #close()} shuts them down.
   *
   * @param masterName how messages name the master, e.g. {@code master 127.0.0.1:8080}
   * @param workerChannels opens a channel to a worker's data service address
   */
  public static HiroClient using(ManagedChannel masterChannel, String masterName,
                                 Function<String, ManagedChannel> workerChannels) {
    return new HiroClient(masterChannel, null, masterName, workerChannels);
  }

  public PutResult put(Path local, String remotePath, PutOptions options) {
    return uploader.put(local, remotePath, options);
  }

  /** As {@link #put(Path, String, PutOptions)}, telling {@code progress} of the bytes sent as they go. */
  public PutResult put(Path local, String remotePath, PutOptions options, ProgressListener progress) {
    return uploader.put(local, remotePath, options, progress);
  }

  /** Gets a file into {@code local} (or {@code local/<name>} if it is a directory), verifying every checksum. */
  public GetResult get(String remotePath, Path local) {
    return downloader.get(remotePath, local);
  }

  /** As {@link #get(String, Path)}, telling {@code progress} of the bytes received as they come. */
  public GetResult get(String remotePath, Path local, ProgressListener progress) {
    return downloader.get(remotePath, local, progress);
  }

  /** Writes a file's bytes to {@code out} in order, verifying each piece before writing it. */
  public void cat(String remotePath, OutputStream out) {
    downloader.cat(remotePath, out);
  }

  /** The entries of a directory, or the file itself. */
  public List<FileInfo> list(String path) {
    return master.list(HiroPath.parse(path).toString()).getEntriesList().stream().map(Protos::fileInfo).toList();
  }

  /** A file with its pieces and their replicas, or a directory. */
  public FileInfo stat(String path) {
    return Protos.fileInfo(master.stat(HiroPath.parse(path).toString(), true).getFile());
  }

  public void mkdir(String path, boolean parents) {
    master.mkdir(HiroPath.parse(path).toString(), parents);
  }

  /** Deletes a file or (with {@code recursive}) a directory tree; returns how many files were deleted. */
  public long delete(String path, boolean recursive) {
    return master.delete(HiroPath.parse(path).toString(), recursive).getFilesDeleted();
  }

  public void move(String source, String destination) {
    master.move(HiroPath.parse(source).toString(), HiroPath.parse(destination).toString());
  }

  public ClusterReport report() {
    return Protos.clusterReport(master.clusterReport());
  }

  /** The files under {@code path} with missing pieces, too few replicas or corrupt ones, and counts over all. */
  public FsckReport fsck(String path) {
    FsckResponse response = master.fsck(HiroPath.parse(path).toString());
    List<FsckFile> files = response.getFilesList().stream()
        .map(f -> new FsckFile(f.getPath(), f.getSizeBytes(), f.getReplication(), f.getPieces(), f.getMissingPieces(),
            f.getUnderReplicatedPieces(), f.getCorruptReplicas(), f.getState()))
        .toList();
    return new FsckReport(files, response.getFilesChecked(), response.getFilesUnreadable(),
        response.getFilesUnderReplicated(), response.getSafeMode(), response.getTruncated());
  }

  @Override
  public void close() {
    workers.close();
    Rpc.shutdown(masterChannel);
    if (threads != null) {
      threads.close();
    }
  }
}
