package dev.cairn.server.api;

import com.google.protobuf.CodedOutputStream;
import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor.Marshaller;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A response message already serialized: WatchEvents sends stored events as the store holds them,
 * wrapped in the bytes of a WatchEventsResponse, so that no event is parsed and serialized again.
 * The buffer is owned by the message once made.
 *
 * @param bytes the serialized message in {@code bytes[0, length)}
 * @param length how many bytes of the buffer it uses
 */
record EncodedResponse(byte[] bytes, int length) {

  /** Writes {@link EncodedResponse}s as they are; a server never parses a response. */
  static final Marshaller<EncodedResponse> MARSHALLER =
      new Marshaller<>() {
        @Override
        public InputStream stream(EncodedResponse value) {
          return new Stream(value.bytes, value.length);
        }

        @Override
        public EncodedResponse parse(InputStream stream) {
          try {
            byte[] bytes = stream.readAllBytes();
            return new EncodedResponse(bytes, bytes.length);
          } catch (IOException e) {
            throw new IllegalStateException("could not read a response", e);
          }
        }
      };

  /**
   * Appends field {@code field} holding message {@code message} to {@code buffer} at {@code at}.
   */
  static int writeField(byte[] buffer, int at, int field, byte[] message) {
    int position = at;
    buffer[position++] = (byte) (field << 3 | 2);
    int length = message.length;
    while ((length & ~0x7F) != 0) {
      buffer[position++] = (byte) ((length & 0x7F) | 0x80);
      length >>>= 7;
    }
    buffer[position++] = (byte) length;
    System.arraycopy(message, 0, buffer, position, message.length);
    return position + message.length;
  }

  /** The bytes {@link #writeField} takes for {@code message}. */
  static int fieldSize(byte[] message) {
    return 1 + CodedOutputStream.computeUInt32SizeNoTag(message.length) + message.length;
  }

  /** The message with one field {@code field} holding {@code message}. */
  static EncodedResponse ofField(int field, byte[] message) {
    byte[] buffer = new byte[fieldSize(message)];
    return new EncodedResponse(buffer, writeField(buffer, 0, field, message));
  }

  /**
   * The bytes as a stream of known length that the transport drains into its own buffer in one
   * copy.
   */
  private static final class Stream extends InputStream implements KnownLength, Drainable {
    private final byte[] bytes;
    private final int length;
    private int position;

    Stream(byte[] bytes, int length) {
      this.bytes = bytes;
      this.length = length;
    }

    @Override
    public int drainTo(OutputStream target) throws IOException {
      int count = length - position;
      target.write(bytes, position, count);
      position = length;
      return count;
    }

    @Override
    public int available() {
      return length - position;
    }

    @Override
    public int read() {
      return position < length ? bytes[position++] & 0xFF : -1;
    }

    @Override
    public int read(byte[] target, int offset, int count) {
      if (position >= length) {
        return -1;
      }
      int n = Math.min(count, length - position);
      System.arraycopy(bytes, position, target, offset, n);
      position += n;
      return n;
    }
  }
}
