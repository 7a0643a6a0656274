package io.hiro.master.core;

/** Disk usage a worker sends with each heartbeat. */
public record WorkerUsage(long capacityBytes, long freeBytes, long usedBytes) {}
