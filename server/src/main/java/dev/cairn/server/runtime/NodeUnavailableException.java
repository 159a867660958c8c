package dev.cairn.server.runtime;

/**
 * Another node of the cluster is needed for an answer (it owns the run, or holds the attempt's
 * output) and did not give it: it is down, or did not answer in time. The message names the node.
 */
public final class NodeUnavailableException extends RuntimeException {
  public NodeUnavailableException(String message) {
    super(message);
  }
}
