package dev.cairn.it;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.ErrorInfo;
import io.grpc.protobuf.StatusProto;

/** The machine-readable reason a call failed with: the first ErrorInfo of its status details. */
final class ErrorInfos {
  private ErrorInfos() {}

  static ErrorInfo of(Throwable error) {
    return StatusProto.fromThrowable(error).getDetailsList().stream()
        .filter(any -> any.is(ErrorInfo.class))
        .map(
            any -> {
              try {
                return any.unpack(ErrorInfo.class);
              } catch (InvalidProtocolBufferException e) {
                throw new AssertionError(e);
              }
            })
        .findFirst()
        .orElseThrow();
  }
}
