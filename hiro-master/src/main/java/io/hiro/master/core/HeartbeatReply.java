package io.hiro.master.core;

/** The master's answer to a heartbeat: register again (it does not know the worker), and replicas to delete. */
public record HeartbeatReply(boolean registerAgain, long[] deletePieceIds) {}
