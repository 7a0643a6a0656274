package io.hiro.client;

import java.nio.file.Path;

/** A finished get: the file read, where it was written, and its size (every checksum verified). */
public record GetResult(String path, Path local, long sizeBytes) {}
